/**
 * Method → params/result maps for both eras, so the client and the server can type a request by its method name.
 * Each entry is checked against the schema's own request and notification unions in maps.test-d.ts.
 */
import type * as Legacy from './generated/2025-11-25.ts';
import type * as Modern from './generated/2026-07-28.ts';

/**
 * Requests a modern (2026-07-28) client sends, by method: their params and every result the server may answer with.
 * `tools/call`, `prompts/get` and `resources/read` may instead return an `InputRequiredResult` (multi round-trip).
 *
 * @example
 * ```ts
 * import type { ClientRequestMap } from '@pmcp/types';
 *
 * type CallResult = ClientRequestMap['tools/call']['result']; // CallToolResult | InputRequiredResult
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/schema#clientrequest
 */
export interface ClientRequestMap {
  'server/discover': { params: Modern.RequestParams; result: Modern.DiscoverResult };
  'tools/list': { params: Modern.PaginatedRequestParams; result: Modern.ListToolsResult };
  'tools/call': {
    params: Modern.CallToolRequestParams;
    result: Modern.CallToolResult | Modern.InputRequiredResult;
  };
  'resources/list': { params: Modern.PaginatedRequestParams; result: Modern.ListResourcesResult };
  'resources/templates/list': {
    params: Modern.PaginatedRequestParams;
    result: Modern.ListResourceTemplatesResult;
  };
  'resources/read': {
    params: Modern.ReadResourceRequestParams;
    result: Modern.ReadResourceResult | Modern.InputRequiredResult;
  };
  'prompts/list': { params: Modern.PaginatedRequestParams; result: Modern.ListPromptsResult };
  'prompts/get': {
    params: Modern.GetPromptRequestParams;
    result: Modern.GetPromptResult | Modern.InputRequiredResult;
  };
  'completion/complete': { params: Modern.CompleteRequestParams; result: Modern.CompleteResult };
  'subscriptions/listen': {
    params: Modern.SubscriptionsListenRequestParams;
    result: Modern.SubscriptionsListenResult;
  };
}

/**
 * Input requests a modern server puts in `InputRequiredResult.inputRequests`, by method, with the response the
 * client returns for each in `inputResponses`.
 *
 * @example
 * ```ts
 * import type { InputRequestMap } from '@pmcp/types';
 *
 * type ElicitAnswer = InputRequestMap['elicitation/create']['result']; // ElicitResult
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/mrtr
 */
export interface InputRequestMap {
  'elicitation/create': { params: Modern.ElicitRequestParams; result: Modern.ElicitResult };
  'sampling/createMessage': {
    params: Modern.CreateMessageRequestParams;
    result: Modern.CreateMessageResult;
  };
  'roots/list': { params: Modern.ListRootsRequest['params']; result: Modern.ListRootsResult };
}

/**
 * Notifications a modern server sends, by method → params (`undefined` where the params are optional).
 *
 * @example
 * ```ts
 * import type { ServerNotificationMap } from '@pmcp/types';
 *
 * type Progress = ServerNotificationMap['notifications/progress']; // ProgressNotificationParams
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/schema#servernotification
 */
export interface ServerNotificationMap {
  'notifications/cancelled': Modern.CancelledNotificationParams;
  'notifications/progress': Modern.ProgressNotificationParams;
  'notifications/message': Modern.LoggingMessageNotificationParams;
  'notifications/resources/updated': Modern.ResourceUpdatedNotificationParams;
  'notifications/resources/list_changed': Modern.NotificationParams | undefined;
  'notifications/tools/list_changed': Modern.NotificationParams | undefined;
  'notifications/prompts/list_changed': Modern.NotificationParams | undefined;
  'notifications/subscriptions/acknowledged': Modern.SubscriptionsAcknowledgedNotificationParams;
}

/**
 * Notifications a modern client sends, by method → params. Only cancellation, and only on stdio.
 *
 * @example
 * ```ts
 * import type { ClientNotificationMap } from '@pmcp/types';
 *
 * const cancel: ClientNotificationMap['notifications/cancelled'] = { requestId: 7, reason: 'user aborted' };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/cancellation
 */
export interface ClientNotificationMap {
  'notifications/cancelled': Modern.CancelledNotificationParams;
}

/**
 * Requests a legacy (2025-11-25 and older) client sends, by method. A task-augmented `tools/call` (params with
 * `task`, experimental in 2025-11-25) is answered with a `CreateTaskResult` instead.
 *
 * @example
 * ```ts
 * import type { LegacyClientRequestMap } from '@pmcp/types';
 *
 * type Handshake = LegacyClientRequestMap['initialize']; // { params: InitializeRequestParams; result: InitializeResult }
 * ```
 * @see https://modelcontextprotocol.io/specification/2025-11-25/schema#clientrequest
 */
export interface LegacyClientRequestMap {
  initialize: { params: Legacy.InitializeRequestParams; result: Legacy.InitializeResult };
  ping: { params: Legacy.RequestParams | undefined; result: Legacy.EmptyResult };
  'tools/list': { params: Legacy.PaginatedRequestParams | undefined; result: Legacy.ListToolsResult };
  'tools/call': { params: Legacy.CallToolRequestParams; result: Legacy.CallToolResult };
  'resources/list': {
    params: Legacy.PaginatedRequestParams | undefined;
    result: Legacy.ListResourcesResult;
  };
  'resources/templates/list': {
    params: Legacy.PaginatedRequestParams | undefined;
    result: Legacy.ListResourceTemplatesResult;
  };
  'resources/read': { params: Legacy.ReadResourceRequestParams; result: Legacy.ReadResourceResult };
  'resources/subscribe': { params: Legacy.SubscribeRequestParams; result: Legacy.EmptyResult };
  'resources/unsubscribe': { params: Legacy.UnsubscribeRequestParams; result: Legacy.EmptyResult };
  'prompts/list': { params: Legacy.PaginatedRequestParams | undefined; result: Legacy.ListPromptsResult };
  'prompts/get': { params: Legacy.GetPromptRequestParams; result: Legacy.GetPromptResult };
  'completion/complete': { params: Legacy.CompleteRequestParams; result: Legacy.CompleteResult };
  'logging/setLevel': { params: Legacy.SetLevelRequestParams; result: Legacy.EmptyResult };
  'tasks/get': { params: Legacy.GetTaskRequest['params']; result: Legacy.GetTaskResult };
  'tasks/result': { params: Legacy.GetTaskPayloadRequest['params']; result: Legacy.GetTaskPayloadResult };
  'tasks/list': { params: Legacy.PaginatedRequestParams | undefined; result: Legacy.ListTasksResult };
  'tasks/cancel': { params: Legacy.CancelTaskRequest['params']; result: Legacy.CancelTaskResult };
}

/**
 * Requests a legacy server sends to the client, by method.
 *
 * @example
 * ```ts
 * import type { LegacyServerRequestMap } from '@pmcp/types';
 *
 * type Sampling = LegacyServerRequestMap['sampling/createMessage']['result']; // CreateMessageResult of 2025-11-25
 * ```
 * @see https://modelcontextprotocol.io/specification/2025-11-25/schema#serverrequest
 */
export interface LegacyServerRequestMap {
  ping: { params: Legacy.RequestParams | undefined; result: Legacy.EmptyResult };
  'sampling/createMessage': {
    params: Legacy.CreateMessageRequestParams;
    result: Legacy.CreateMessageResult;
  };
  'elicitation/create': { params: Legacy.ElicitRequestParams; result: Legacy.ElicitResult };
  'roots/list': { params: Legacy.RequestParams | undefined; result: Legacy.ListRootsResult };
  'tasks/get': { params: Legacy.GetTaskRequest['params']; result: Legacy.GetTaskResult };
  'tasks/result': { params: Legacy.GetTaskPayloadRequest['params']; result: Legacy.GetTaskPayloadResult };
  'tasks/list': { params: Legacy.PaginatedRequestParams | undefined; result: Legacy.ListTasksResult };
  'tasks/cancel': { params: Legacy.CancelTaskRequest['params']; result: Legacy.CancelTaskResult };
}

/**
 * Notifications a legacy server sends, by method → params (`undefined` where the params are optional).
 *
 * @example
 * ```ts
 * import type { LegacyServerNotificationMap } from '@pmcp/types';
 *
 * type Log = LegacyServerNotificationMap['notifications/message']; // LoggingMessageNotificationParams of 2025-11-25
 * ```
 * @see https://modelcontextprotocol.io/specification/2025-11-25/schema#servernotification
 */
export interface LegacyServerNotificationMap {
  'notifications/cancelled': Legacy.CancelledNotificationParams;
  'notifications/progress': Legacy.ProgressNotificationParams;
  'notifications/message': Legacy.LoggingMessageNotificationParams;
  'notifications/resources/updated': Legacy.ResourceUpdatedNotificationParams;
  'notifications/resources/list_changed': Legacy.NotificationParams | undefined;
  'notifications/tools/list_changed': Legacy.NotificationParams | undefined;
  'notifications/prompts/list_changed': Legacy.NotificationParams | undefined;
  'notifications/elicitation/complete': Legacy.ElicitationCompleteNotification['params'];
  'notifications/tasks/status': Legacy.TaskStatusNotificationParams;
}

/**
 * Notifications a legacy client sends, by method → params (`undefined` where the params are optional).
 *
 * @example
 * ```ts
 * import type { LegacyClientNotificationMap } from '@pmcp/types';
 *
 * type Initialized = LegacyClientNotificationMap['notifications/initialized']; // NotificationParams | undefined
 * ```
 * @see https://modelcontextprotocol.io/specification/2025-11-25/schema#clientnotification
 */
export interface LegacyClientNotificationMap {
  'notifications/cancelled': Legacy.CancelledNotificationParams;
  'notifications/progress': Legacy.ProgressNotificationParams;
  'notifications/initialized': Legacy.NotificationParams | undefined;
  'notifications/roots/list_changed': Legacy.NotificationParams | undefined;
  'notifications/tasks/status': Legacy.TaskStatusNotificationParams;
}
