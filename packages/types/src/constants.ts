/**
 * Protocol constants shared by every revision: versions, method names, error codes and `_meta` keys.
 * Plain `as const` objects so they inline and tree-shake.
 */

/** The newest protocol revision, the one of the modern (stateless) era. */
export const LATEST_PROTOCOL_VERSION = '2026-07-28' as const;
/** The newest revision of the legacy (session, `initialize`) era. */
export const LATEST_LEGACY_PROTOCOL_VERSION = '2025-11-25' as const;

/** Revisions of the modern era: no `initialize`, every request carries its version in `_meta`. */
export const MODERN_PROTOCOL_VERSIONS: readonly ['2026-07-28'] = ['2026-07-28'];
/** Revisions of the legacy era, newest first: negotiated once by `initialize`. */
export const LEGACY_PROTOCOL_VERSIONS: readonly ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'] = [
  '2025-11-25',
  '2025-06-18',
  '2025-03-26',
  '2024-11-05',
];
/** Every revision pmcp speaks, newest first. */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly [
  '2026-07-28',
  '2025-11-25',
  '2025-06-18',
  '2025-03-26',
  '2024-11-05',
] = ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'];

/** A protocol revision pmcp knows. */
export type ProtocolVersion = (typeof SUPPORTED_PROTOCOL_VERSIONS)[number];
/** A revision of the modern era. */
export type ModernProtocolVersion = (typeof MODERN_PROTOCOL_VERSIONS)[number];
/** A revision of the legacy era. */
export type LegacyProtocolVersion = (typeof LEGACY_PROTOCOL_VERSIONS)[number];
/** The two eras of the protocol. */
export type ProtocolEra = 'modern' | 'legacy';

/** The JSON-RPC version string every message carries. */
export const JSONRPC_VERSION = '2.0' as const;

/**
 * JSON-RPC and MCP error codes.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#error-codes
 */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Legacy (≤ 2025-11-25) resource not found; modern servers send InvalidParams instead. */
  ResourceNotFound: -32002,
  /** 2025-11-25 only: the client must complete a URL elicitation first. */
  UrlElicitationRequired: -32042,
  /** 2026-07-28: an HTTP header disagrees with the body, or a required MCP header is missing. */
  HeaderMismatch: -32020,
  /** 2026-07-28: the request needs a client capability the client did not declare. */
  MissingRequiredClientCapability: -32021,
  /** 2026-07-28: the requested protocol version is not supported; `data.supported` lists those that are. */
  UnsupportedProtocolVersion: -32022,
} as const;
/** A numeric error code from {@link ErrorCode}. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Reserved `_meta` keys. */
export const MetaKey = {
  ProtocolVersion: 'io.modelcontextprotocol/protocolVersion',
  ClientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  ClientInfo: 'io.modelcontextprotocol/clientInfo',
  LogLevel: 'io.modelcontextprotocol/logLevel',
  ServerInfo: 'io.modelcontextprotocol/serverInfo',
  SubscriptionId: 'io.modelcontextprotocol/subscriptionId',
  RelatedTask: 'io.modelcontextprotocol/related-task',
  ProgressToken: 'progressToken',
} as const;

/** Request methods of every revision. */
export const Method = {
  Initialize: 'initialize',
  Ping: 'ping',
  ServerDiscover: 'server/discover',
  ToolsList: 'tools/list',
  ToolsCall: 'tools/call',
  ResourcesList: 'resources/list',
  ResourcesTemplatesList: 'resources/templates/list',
  ResourcesRead: 'resources/read',
  ResourcesSubscribe: 'resources/subscribe',
  ResourcesUnsubscribe: 'resources/unsubscribe',
  PromptsList: 'prompts/list',
  PromptsGet: 'prompts/get',
  CompletionComplete: 'completion/complete',
  LoggingSetLevel: 'logging/setLevel',
  SubscriptionsListen: 'subscriptions/listen',
  SamplingCreateMessage: 'sampling/createMessage',
  ElicitationCreate: 'elicitation/create',
  RootsList: 'roots/list',
  TasksGet: 'tasks/get',
  TasksResult: 'tasks/result',
  TasksList: 'tasks/list',
  TasksCancel: 'tasks/cancel',
} as const;

/** Notification methods of every revision. */
export const Notification = {
  Initialized: 'notifications/initialized',
  Cancelled: 'notifications/cancelled',
  Progress: 'notifications/progress',
  Message: 'notifications/message',
  ResourcesUpdated: 'notifications/resources/updated',
  ResourcesListChanged: 'notifications/resources/list_changed',
  ToolsListChanged: 'notifications/tools/list_changed',
  PromptsListChanged: 'notifications/prompts/list_changed',
  RootsListChanged: 'notifications/roots/list_changed',
  ElicitationComplete: 'notifications/elicitation/complete',
  SubscriptionsAcknowledged: 'notifications/subscriptions/acknowledged',
  TasksStatus: 'notifications/tasks/status',
} as const;

/** Log levels in increasing severity (RFC 5424). */
export const LOGGING_LEVELS: readonly [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];
