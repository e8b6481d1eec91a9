/**
 * Protocol constants shared by every revision: versions, method names, error codes and `_meta` keys.
 * Plain `as const` objects so they inline and tree-shake.
 */
// Every export here is re-exported by src/index.ts; the examples use that public path.

/**
 * The newest protocol revision, the one of the modern (stateless) era.
 *
 * @example
 * ```ts
 * import { LATEST_PROTOCOL_VERSION, MetaKey } from '@pmcp/types';
 *
 * const meta = { [MetaKey.ProtocolVersion]: LATEST_PROTOCOL_VERSION, [MetaKey.ClientCapabilities]: {} };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/versioning
 */
export const LATEST_PROTOCOL_VERSION = '2026-07-28' as const;
/**
 * The newest revision of the legacy (session, `initialize`) era: what a client offers in `initialize`.
 *
 * @example
 * ```ts
 * import { LATEST_LEGACY_PROTOCOL_VERSION } from '@pmcp/types';
 *
 * const params = { protocolVersion: LATEST_LEGACY_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'c', version: '1' } };
 * ```
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/lifecycle
 */
export const LATEST_LEGACY_PROTOCOL_VERSION = '2025-11-25' as const;

/**
 * Revisions of the modern era: no `initialize`, every request carries its version in `_meta`.
 *
 * @example
 * ```ts
 * import { MODERN_PROTOCOL_VERSIONS } from '@pmcp/types';
 *
 * const modern = (MODERN_PROTOCOL_VERSIONS as readonly string[]).includes(requestedVersion);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/versioning
 */
export const MODERN_PROTOCOL_VERSIONS: readonly ['2026-07-28'] = ['2026-07-28'];
/**
 * Revisions of the legacy era, newest first: negotiated once by `initialize`.
 *
 * @example
 * ```ts
 * import { LEGACY_PROTOCOL_VERSIONS } from '@pmcp/types';
 *
 * const echoed = (LEGACY_PROTOCOL_VERSIONS as readonly string[]).includes(offered) ? offered : LEGACY_PROTOCOL_VERSIONS[0];
 * ```
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/lifecycle#version-negotiation
 */
export const LEGACY_PROTOCOL_VERSIONS: readonly ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'] = [
  '2025-11-25',
  '2025-06-18',
  '2025-03-26',
  '2024-11-05',
];
/**
 * Every revision pmcp speaks, newest first.
 *
 * @example
 * ```ts
 * import { SUPPORTED_PROTOCOL_VERSIONS } from '@pmcp/types';
 *
 * const error = { code: -32022, message: 'Unsupported protocol version', data: { supported: SUPPORTED_PROTOCOL_VERSIONS, requested } };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/versioning
 */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly [
  '2026-07-28',
  '2025-11-25',
  '2025-06-18',
  '2025-03-26',
  '2024-11-05',
] = ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'];

/**
 * A protocol revision pmcp knows.
 *
 * @example
 * ```ts
 * import type { ProtocolVersion } from '@pmcp/types';
 *
 * const version: ProtocolVersion = '2025-06-18';
 * ```
 */
export type ProtocolVersion = (typeof SUPPORTED_PROTOCOL_VERSIONS)[number];
/**
 * A revision of the modern era.
 *
 * @example
 * ```ts
 * import type { ModernProtocolVersion } from '@pmcp/types';
 *
 * const version: ModernProtocolVersion = '2026-07-28';
 * ```
 */
export type ModernProtocolVersion = (typeof MODERN_PROTOCOL_VERSIONS)[number];
/**
 * A revision of the legacy era.
 *
 * @example
 * ```ts
 * import type { LegacyProtocolVersion } from '@pmcp/types';
 *
 * const version: LegacyProtocolVersion = '2024-11-05';
 * ```
 */
export type LegacyProtocolVersion = (typeof LEGACY_PROTOCOL_VERSIONS)[number];
/**
 * The two eras of the protocol.
 *
 * @example
 * ```ts
 * import type { ProtocolEra } from '@pmcp/types';
 *
 * const era: ProtocolEra = version === '2026-07-28' ? 'modern' : 'legacy';
 * ```
 */
export type ProtocolEra = 'modern' | 'legacy';

/**
 * The JSON-RPC version string every message carries.
 *
 * @example
 * ```ts
 * import { JSONRPC_VERSION } from '@pmcp/types';
 *
 * const ping = { jsonrpc: JSONRPC_VERSION, id: 1, method: 'ping' };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#messages
 */
export const JSONRPC_VERSION = '2.0' as const;

/**
 * JSON-RPC and MCP error codes.
 *
 * @example
 * ```ts
 * import { ErrorCode } from '@pmcp/types';
 *
 * const error = { code: ErrorCode.InvalidParams, message: 'Unknown tool: "ech0". Call tools/list for the names.' };
 * ```
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
/**
 * A numeric error code from {@link ErrorCode}.
 *
 * @example
 * ```ts
 * import type { ErrorCodeValue } from '@pmcp/types';
 *
 * const code: ErrorCodeValue = -32601;
 * ```
 */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Reserved `_meta` keys.
 *
 * @example
 * ```ts
 * import { MetaKey } from '@pmcp/types';
 *
 * const version = request.params._meta?.[MetaKey.ProtocolVersion];
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#_meta
 */
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

/**
 * Request methods of every revision.
 *
 * @example
 * ```ts
 * import { Method } from '@pmcp/types';
 *
 * const request = { jsonrpc: '2.0', id: 1, method: Method.ToolsList, params: { _meta: meta } };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/schema
 */
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

/**
 * Notification methods of every revision.
 *
 * @example
 * ```ts
 * import { Notification } from '@pmcp/types';
 *
 * const progress = { jsonrpc: '2.0', method: Notification.Progress, params: { progressToken: 1, progress: 50, total: 100 } };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/schema
 */
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

/**
 * Log levels in increasing severity (RFC 5424).
 *
 * @example
 * ```ts
 * import { LOGGING_LEVELS } from '@pmcp/types';
 *
 * const atLeastWarning = (level: string) => LOGGING_LEVELS.indexOf(level as never) >= LOGGING_LEVELS.indexOf('warning');
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/logging
 */
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
