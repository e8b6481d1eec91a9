/**
 * Shorter names for the `_meta` shapes, which the schema calls `…MetaObject`.
 */
import type { NotificationMetaObject, RequestMetaObject, ResultMetaObject } from './generated/2026-07-28.ts';

/**
 * The `_meta` of a modern request: protocol version and client capabilities (required), client info, log level,
 * progress token, and any other (prefixed) keys.
 *
 * @example
 * ```ts
 * import type { RequestMeta } from '@pmcp/types';
 *
 * const meta: RequestMeta = {
 *   'io.modelcontextprotocol/protocolVersion': '2026-07-28',
 *   'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
 *   progressToken: 'call-1',
 * };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/schema#requestmetaobject
 */
export type RequestMeta = RequestMetaObject;

/**
 * The `_meta` of a modern result: the server's identity, and any other (prefixed) keys.
 *
 * @example
 * ```ts
 * import type { ResultMeta } from '@pmcp/types';
 *
 * const meta: ResultMeta = { 'io.modelcontextprotocol/serverInfo': { name: 'weather', version: '1.2.0' } };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/schema#resultmetaobject
 */
export type ResultMeta = ResultMetaObject;

/**
 * The `_meta` of a modern notification: the subscription it belongs to on a `subscriptions/listen` stream.
 *
 * @example
 * ```ts
 * import type { NotificationMeta } from '@pmcp/types';
 *
 * const meta: NotificationMeta = { 'io.modelcontextprotocol/subscriptionId': 'listen-1' };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/schema#notificationmetaobject
 */
export type NotificationMeta = NotificationMetaObject;
