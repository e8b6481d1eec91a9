/**
 * @module MCP protocol types for every revision (2024-11-05 to 2026-07-28), method maps and protocol constants.
 * Type-only apart from the constants: importing it never loads zod (runtime schemas live in `@pmcp/types/schemas`).
 *
 * Naming: every 2026-07-28 (modern) type has its schema name (`Tool`, `CallToolResult`); a 2025-11-25 type the
 * modern revision dropped keeps its name (`InitializeResult`, `PingRequest`), and one it changed gets a `Legacy`
 * prefix (`LegacyTool`, `LegacyCallToolResult`). Three schema names are renamed: `Error` → `ErrorObject`,
 * `Request` → `BaseRequest`, `Notification` → `BaseNotification` (a constant of that name lists notification
 * methods). Each revision is also a namespace of its schema names (`Rev2025_06_18.Tool`). The two export lists
 * from ./generated/ are written by scripts/generate.mjs.
 */

export type { NotificationMeta, RequestMeta, ResultMeta } from './aliases.ts';
export type {
  ErrorCodeValue,
  LegacyProtocolVersion,
  ModernProtocolVersion,
  ProtocolEra,
  ProtocolVersion,
} from './constants.ts';
export {
  ErrorCode,
  JSONRPC_VERSION,
  LATEST_LEGACY_PROTOCOL_VERSION,
  LATEST_PROTOCOL_VERSION,
  LEGACY_PROTOCOL_VERSIONS,
  LOGGING_LEVELS,
  MetaKey,
  Method,
  MODERN_PROTOCOL_VERSIONS,
  Notification,
  SUPPORTED_PROTOCOL_VERSIONS,
} from './constants.ts';
/**
 * Every type of revision 2024-11-05 (the first release) under its schema name.
 *
 * @example
 * ```ts
 * import type { Rev2024_11_05 } from '@pmcp/types';
 *
 * type Tool = Rev2024_11_05.Tool;
 * ```
 * @see https://github.com/modelcontextprotocol/modelcontextprotocol/blob/main/schema/2024-11-05/schema.ts
 */
export type * as Rev2024_11_05 from './generated/2024-11-05.ts';
/**
 * Every type of revision 2025-03-26 under its schema name.
 *
 * @example
 * ```ts
 * import type { Rev2025_03_26 } from '@pmcp/types';
 *
 * type Audio = Rev2025_03_26.AudioContent;
 * ```
 * @see https://github.com/modelcontextprotocol/modelcontextprotocol/blob/main/schema/2025-03-26/schema.ts
 */
export type * as Rev2025_03_26 from './generated/2025-03-26.ts';
/**
 * Every type of revision 2025-06-18 under its schema name.
 *
 * @example
 * ```ts
 * import type { Rev2025_06_18 } from '@pmcp/types';
 *
 * type Elicit = Rev2025_06_18.ElicitRequest;
 * ```
 * @see https://modelcontextprotocol.io/specification/2025-06-18/schema
 */
export type * as Rev2025_06_18 from './generated/2025-06-18.ts';
/**
 * Every type of revision 2025-11-25 (the newest legacy revision) under its schema name.
 *
 * @example
 * ```ts
 * import type { Rev2025_11_25 } from '@pmcp/types';
 *
 * type Init = Rev2025_11_25.InitializeResult;
 * ```
 * @see https://modelcontextprotocol.io/specification/2025-11-25/schema
 */
export type * as Rev2025_11_25 from './generated/2025-11-25.ts';
export type {
  CallToolRequest as LegacyCallToolRequest,
  CallToolRequestParams as LegacyCallToolRequestParams,
  CallToolResult as LegacyCallToolResult,
  CancelledNotification as LegacyCancelledNotification,
  CancelledNotificationParams as LegacyCancelledNotificationParams,
  CancelTaskRequest,
  CancelTaskResult,
  ClientCapabilities as LegacyClientCapabilities,
  ClientNotification as LegacyClientNotification,
  ClientRequest as LegacyClientRequest,
  ClientResult as LegacyClientResult,
  CompleteRequest as LegacyCompleteRequest,
  CompleteRequestParams as LegacyCompleteRequestParams,
  CompleteResult as LegacyCompleteResult,
  CreateMessageRequest as LegacyCreateMessageRequest,
  CreateMessageRequestParams as LegacyCreateMessageRequestParams,
  CreateMessageResult as LegacyCreateMessageResult,
  CreateTaskResult,
  ElicitationCompleteNotification,
  ElicitRequest as LegacyElicitRequest,
  ElicitRequestFormParams as LegacyElicitRequestFormParams,
  ElicitRequestParams as LegacyElicitRequestParams,
  ElicitRequestURLParams as LegacyElicitRequestURLParams,
  ElicitResult as LegacyElicitResult,
  EmptyResult as LegacyEmptyResult,
  GetPromptRequest as LegacyGetPromptRequest,
  GetPromptRequestParams as LegacyGetPromptRequestParams,
  GetPromptResult as LegacyGetPromptResult,
  GetTaskPayloadRequest,
  GetTaskPayloadResult,
  GetTaskRequest,
  GetTaskResult,
  InitializedNotification,
  InitializeRequest,
  InitializeRequestParams,
  InitializeResult,
  JSONRPCMessage as LegacyJSONRPCMessage,
  JSONRPCResponse as LegacyJSONRPCResponse,
  JSONRPCResultResponse as LegacyJSONRPCResultResponse,
  ListPromptsRequest as LegacyListPromptsRequest,
  ListPromptsResult as LegacyListPromptsResult,
  ListResourcesRequest as LegacyListResourcesRequest,
  ListResourcesResult as LegacyListResourcesResult,
  ListResourceTemplatesRequest as LegacyListResourceTemplatesRequest,
  ListResourceTemplatesResult as LegacyListResourceTemplatesResult,
  ListRootsRequest as LegacyListRootsRequest,
  ListRootsResult as LegacyListRootsResult,
  ListTasksRequest,
  ListTasksResult,
  ListToolsRequest as LegacyListToolsRequest,
  ListToolsResult as LegacyListToolsResult,
  LoggingMessageNotification as LegacyLoggingMessageNotification,
  LoggingMessageNotificationParams as LegacyLoggingMessageNotificationParams,
  NotificationParams as LegacyNotificationParams,
  PaginatedRequest as LegacyPaginatedRequest,
  PaginatedRequestParams as LegacyPaginatedRequestParams,
  PaginatedResult as LegacyPaginatedResult,
  PingRequest,
  ProgressNotification as LegacyProgressNotification,
  ProgressNotificationParams as LegacyProgressNotificationParams,
  PromptListChangedNotification as LegacyPromptListChangedNotification,
  ReadResourceRequest as LegacyReadResourceRequest,
  ReadResourceRequestParams as LegacyReadResourceRequestParams,
  ReadResourceResult as LegacyReadResourceResult,
  RelatedTaskMetadata,
  RequestParams as LegacyRequestParams,
  ResourceListChangedNotification as LegacyResourceListChangedNotification,
  ResourceRequestParams as LegacyResourceRequestParams,
  ResourceUpdatedNotification as LegacyResourceUpdatedNotification,
  ResourceUpdatedNotificationParams as LegacyResourceUpdatedNotificationParams,
  Result as LegacyResult,
  RootsListChangedNotification,
  SamplingMessage as LegacySamplingMessage,
  SamplingMessageContentBlock as LegacySamplingMessageContentBlock,
  ServerCapabilities as LegacyServerCapabilities,
  ServerNotification as LegacyServerNotification,
  ServerRequest,
  ServerResult as LegacyServerResult,
  SetLevelRequest,
  SetLevelRequestParams,
  SubscribeRequest,
  SubscribeRequestParams,
  Task,
  TaskAugmentedRequestParams,
  TaskMetadata,
  TaskStatus,
  TaskStatusNotification,
  TaskStatusNotificationParams,
  Tool as LegacyTool,
  ToolExecution,
  ToolListChangedNotification as LegacyToolListChangedNotification,
  ToolResultContent as LegacyToolResultContent,
  UnsubscribeRequest,
  UnsubscribeRequestParams,
  URLElicitationRequiredError,
} from './generated/2025-11-25.ts';
/**
 * Every type of revision 2026-07-28 (the modern, stateless era) under its schema name, unrefined by renames.
 *
 * @example
 * ```ts
 * import type { Rev2026_07_28 } from '@pmcp/types';
 *
 * type Discover = Rev2026_07_28.DiscoverResult;
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/schema
 */
export type * as Rev2026_07_28 from './generated/2026-07-28.ts';
export type {
  Annotations,
  AudioContent,
  BaseMetadata,
  BlobResourceContents,
  BooleanSchema,
  CacheableResult,
  CallToolRequest,
  CallToolRequestParams,
  CallToolResult,
  CallToolResultResponse,
  CancelledNotification,
  CancelledNotificationParams,
  ClientCapabilities,
  ClientNotification,
  ClientRequest,
  ClientResult,
  CompleteRequest,
  CompleteRequestParams,
  CompleteResult,
  CompleteResultResponse,
  ContentBlock,
  CreateMessageRequest,
  CreateMessageRequestParams,
  CreateMessageResult,
  Cursor,
  DiscoverRequest,
  DiscoverResult,
  DiscoverResultResponse,
  ElicitRequest,
  ElicitRequestFormParams,
  ElicitRequestParams,
  ElicitRequestURLParams,
  ElicitResult,
  EmbeddedResource,
  EmptyResult,
  EnumSchema,
  Error as ErrorObject,
  GetPromptRequest,
  GetPromptRequestParams,
  GetPromptResult,
  GetPromptResultResponse,
  HeaderMismatchError,
  Icon,
  Icons,
  ImageContent,
  Implementation,
  InputRequest,
  InputRequests,
  InputRequiredResult,
  InputResponse,
  InputResponseRequestParams,
  InputResponses,
  InternalError,
  InvalidParamsError,
  InvalidRequestError,
  JSONArray,
  JSONObject,
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCRequest,
  JSONRPCResponse,
  JSONRPCResultResponse,
  JSONValue,
  LegacyTitledEnumSchema,
  ListPromptsRequest,
  ListPromptsResult,
  ListPromptsResultResponse,
  ListResourcesRequest,
  ListResourcesResult,
  ListResourcesResultResponse,
  ListResourceTemplatesRequest,
  ListResourceTemplatesResult,
  ListResourceTemplatesResultResponse,
  ListRootsRequest,
  ListRootsResult,
  ListToolsRequest,
  ListToolsResult,
  ListToolsResultResponse,
  LoggingLevel,
  LoggingMessageNotification,
  LoggingMessageNotificationParams,
  MetaObject,
  MethodNotFoundError,
  MissingRequiredClientCapabilityError,
  ModelHint,
  ModelPreferences,
  MultiSelectEnumSchema,
  Notification as BaseNotification,
  NotificationMetaObject,
  NotificationParams,
  NumberSchema,
  PaginatedRequest,
  PaginatedRequestParams,
  PaginatedResult,
  ParseError,
  PrimitiveSchemaDefinition,
  ProgressNotification,
  ProgressNotificationParams,
  ProgressToken,
  Prompt,
  PromptArgument,
  PromptListChangedNotification,
  PromptMessage,
  PromptReference,
  ReadResourceRequest,
  ReadResourceRequestParams,
  ReadResourceResult,
  ReadResourceResultResponse,
  Request as BaseRequest,
  RequestId,
  RequestMetaObject,
  RequestParams,
  Resource,
  ResourceContents,
  ResourceLink,
  ResourceListChangedNotification,
  ResourceRequestParams,
  ResourceTemplate,
  ResourceTemplateReference,
  ResourceUpdatedNotification,
  ResourceUpdatedNotificationParams,
  Result,
  ResultMetaObject,
  ResultType,
  Role,
  Root,
  SamplingMessage,
  SamplingMessageContentBlock,
  ServerCapabilities,
  ServerNotification,
  ServerResult,
  SingleSelectEnumSchema,
  StringSchema,
  SubscriptionFilter,
  SubscriptionsAcknowledgedNotification,
  SubscriptionsAcknowledgedNotificationParams,
  SubscriptionsListenRequest,
  SubscriptionsListenRequestParams,
  SubscriptionsListenResult,
  SubscriptionsListenResultMetaObject,
  SubscriptionsListenResultResponse,
  TextContent,
  TextResourceContents,
  TitledMultiSelectEnumSchema,
  TitledSingleSelectEnumSchema,
  Tool,
  ToolAnnotations,
  ToolChoice,
  ToolListChangedNotification,
  ToolResultContent,
  ToolUseContent,
  UnsupportedProtocolVersionError,
  UntitledMultiSelectEnumSchema,
  UntitledSingleSelectEnumSchema,
} from './generated/2026-07-28.ts';
export type {
  ClientNotificationMap,
  ClientRequestMap,
  InputRequestMap,
  LegacyClientNotificationMap,
  LegacyClientRequestMap,
  LegacyServerNotificationMap,
  LegacyServerRequestMap,
  ServerNotificationMap,
} from './maps.ts';
