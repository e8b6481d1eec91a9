/**
 * The Transport interface: the same shape as the official SDK's, so adapters in either direction are trivial.
 */
import type { JsonRpcMessage, RequestId } from './messages.ts';

/**
 * Options for {@link Transport.send}.
 *
 * @example
 * ```ts
 * import type { TransportSendOptions } from '@pmcp/jsonrpc';
 *
 * const options: TransportSendOptions = { relatedRequestId: 7 };
 * await transport.send({ jsonrpc: '2.0', id: 7, result: {} }, options);
 * ```
 */
export interface TransportSendOptions {
  /**
   * The incoming request this message belongs to (a response, or a notification/request sent while handling it).
   * Transports that scope messages to a request (Streamable HTTP) route on it; others ignore it.
   */
  relatedRequestId?: RequestId;
  /**
   * Aborted when the caller gives up on the request being sent. Transports where closing a stream is the
   * cancellation (modern Streamable HTTP) close it; others ignore it.
   */
  signal?: AbortSignal;
}

/**
 * What a transport knows about an incoming message beyond its JSON.
 *
 * @example
 * ```ts
 * import type { MessageExtra } from '@pmcp/jsonrpc';
 *
 * transport.onmessage = (message, extra?: MessageExtra) => {
 *   if (extra?.signal?.aborted) return;
 * };
 * ```
 */
export interface MessageExtra {
  /** Authentication established by the transport (for example a validated bearer token). */
  authInfo?: unknown;
  /** HTTP request headers, when the message arrived over HTTP. */
  headers?: Headers;
  /**
   * Aborted when the peer can no longer receive the response (an HTTP response stream closed):
   * for the modern era this is cancellation.
   */
  signal?: AbortSignal;
  /**
   * Present on a request whose response stream can be resumed (legacy Streamable HTTP with an event store):
   * ends that SSE stream now without ending the request. The client reconnects with `Last-Event-ID` and
   * receives everything sent since, the response included (SSE polling, SEP-1699).
   */
  closeSseStream?: (() => void) | undefined;
}

/**
 * Who an authenticated message comes from, as a stable key: the `subject` and `clientId` of an object
 * `MessageExtra.authInfo` (the fields of `@pmcp/auth`'s `AuthInfo`), or a string `authInfo` itself; `undefined`
 * without `authInfo`. Never the token, so a caller who refreshed its token is still the same principal. The HTTP
 * handler binds legacy sessions to it and the server binds `requestState` to it.
 *
 * @example
 * ```ts
 * import { authenticatedPrincipal } from '@pmcp/jsonrpc';
 *
 * authenticatedPrincipal({ token: 't', subject: 'alice', clientId: 'app', scopes: [] }); // '["alice","app"]'
 * authenticatedPrincipal(undefined); // undefined
 * ```
 */
export function authenticatedPrincipal(authInfo: unknown): string | undefined {
  if (authInfo === undefined || authInfo === null) return undefined;
  if (typeof authInfo === 'string') return JSON.stringify([authInfo, null]);
  if (typeof authInfo !== 'object') return undefined;
  const { subject, clientId } = authInfo as { subject?: unknown; clientId?: unknown };
  return JSON.stringify([
    typeof subject === 'string' ? subject : null,
    typeof clientId === 'string' ? clientId : null,
  ]);
}

/**
 * A bidirectional channel of JSON-RPC messages.
 *
 * Invalid input that can be answered (unparseable JSON, a message that is not JSON-RPC) is reported through
 * `onerror` with an {@link InvalidMessageError}, whose `reply` the endpoint sends back; the transport stays open.
 *
 * @example
 * ```ts
 * import { RpcEngine, type Transport } from '@pmcp/jsonrpc';
 *
 * async function serve(transport: Transport): Promise<void> {
 *   const engine = new RpcEngine();
 *   engine.setRequestHandler('ping', () => ({}));
 *   await engine.connect(transport);
 * }
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports
 */
export interface Transport {
  /** Starts receiving. Called once by the endpoint that owns the transport. */
  start(): Promise<void>;
  /** Sends one message. Rejects with a `TransportClosedError` once closed. */
  send(message: JsonRpcMessage, options?: TransportSendOptions): Promise<void>;
  /** Closes the channel; `onclose` fires once. Idempotent. */
  close(): Promise<void>;
  /** A message arrived. */
  onmessage?: ((message: JsonRpcMessage, extra?: MessageExtra) => void) | undefined;
  /** Something went wrong that does not close the channel by itself. */
  onerror?: ((error: Error) => void) | undefined;
  /** The channel closed (either side). */
  onclose?: (() => void) | undefined;
  /** The session id, for transports with sessions (legacy Streamable HTTP). */
  sessionId?: string | undefined;
  /** Told the negotiated protocol version, for transports that put it in headers. */
  setProtocolVersion?(version: string): void;
}
