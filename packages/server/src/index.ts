/** @module Build MCP servers that speak every protocol revision with one handler API */
export type { Completer, CompletionContext, CompletionValues } from './completion.ts';
export type { ClientDescription, ElicitUrlRequest, HandlerContext, InputOptions } from './context.ts';
export type {
  PromptArgs,
  PromptArgumentSpec,
  PromptArgumentsInput,
  PromptConfig,
  PromptHandler,
  PromptResult,
  RegisteredPrompt,
} from './prompts.ts';
export type { RequestStateKey } from './request-state.ts';
export type {
  ListedResource,
  RegisteredResource,
  RegisteredResourceTemplate,
  ResourceCacheOptions,
  ResourceConfig,
  ResourceContentsInput,
  ResourceListContext,
  ResourceReader,
  ResourceReadResult,
  ResourceTemplateConfig,
  ResourceTemplateReader,
} from './resources.ts';
export type { JsonSchemaObject, ToolSchema } from './schema.ts';
export type { CacheScope, McpServer, RegisteredTool, ServerInfo, ServerOptions } from './server.ts';
export { createServer } from './server.ts';
export { ToolError } from './tool-error.ts';
export type { ToolArgs, ToolConfig, ToolHandler, ToolResult, ToolReturn } from './tools.ts';
export type { UriTemplateValue, UriTemplateVariables } from './uri-template.ts';
export { UriTemplate } from './uri-template.ts';
export type { UrlElicitation, UrlElicitationParams } from './url-elicitation.ts';
export { UrlElicitationRequiredError } from './url-elicitation.ts';
