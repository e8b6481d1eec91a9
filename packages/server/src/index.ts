/** @module Build MCP servers that speak every protocol revision with one handler API */
export type { ClientDescription, HandlerContext } from './context.ts';
export type { JsonSchemaObject, ToolSchema } from './schema.ts';
export type { CacheScope, McpServer, RegisteredTool, ServerInfo, ServerOptions } from './server.ts';
export { createServer } from './server.ts';
export { ToolError } from './tool-error.ts';
export type { ToolArgs, ToolConfig, ToolHandler, ToolResult, ToolReturn } from './tools.ts';
