/**
 * The error codes and errors this package raises. Both codes sit outside the JSON-RPC reserved range
 * (-32768…-32000): MCP 2026-07-28 reserves -32020…-32099 for the spec ("unspecified codes MUST NOT be emitted")
 * and asks new code not to use the legacy -32000…-32019 range, where pmcp's own table already reads -32000 as a
 * closed connection and -32001 as a timeout. The rest of the integer space is the application's.
 */
import { McpError } from '@pmcp/jsonrpc';

/**
 * Codes of the errors this package produces: `RateLimited` (-31429, sent on the wire in answer to a request
 * over the limit; mirrors HTTP 429) and `CircuitOpen` (-31503, local only: a send refused while the breaker
 * is open; mirrors HTTP 503). Neither collides with a code the MCP spec or pmcp's `McpErrorCode` defines, so
 * code that reconnects on -32000 (connection closed) does not mistake an open circuit for a dead connection.
 *
 * @example
 * ```ts
 * import { MiddlewareErrorCode } from '@pmcp/middleware';
 *
 * try {
 *   await client.callTool('search', { query: 'mcp' });
 * } catch (error) {
 *   if ((error as { code?: number }).code === MiddlewareErrorCode.RateLimited) console.warn('slow down');
 * }
 * ```
 * @see https://www.jsonrpc.org/specification#error_object
 */
export const MiddlewareErrorCode = {
  RateLimited: -31429,
  CircuitOpen: -31503,
} as const;

/**
 * The circuit breaker refused a send without trying it: the circuit is open (too many recent failures), or it
 * is half-open and its one trial message is still in flight. Local only (code -31503): it is what `send` (and
 * so `client.request`) rejects with, never something put on the wire.
 *
 * `data` is `{ state, method?, retryAfterMs?, halfOpensAt? }`: `halfOpensAt` is the epoch time in ms at which
 * the breaker lets one message through again.
 *
 * @example
 * ```ts
 * import { CircuitOpenError } from '@pmcp/middleware';
 *
 * try {
 *   await client.callTool('search', { query: 'mcp' });
 * } catch (error) {
 *   if (error instanceof CircuitOpenError) console.warn(error.message);
 * }
 * ```
 */
export class CircuitOpenError extends McpError {
  /** `open` or `halfOpen`: the state the breaker was in when it refused the send. */
  readonly state: 'open' | 'halfOpen';
  /** How long until the breaker half-opens, when it is open; `undefined` while half-open. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    details: {
      state: 'open' | 'halfOpen';
      method?: string | undefined;
      retryAfterMs?: number;
      halfOpensAt?: number;
    },
  ) {
    const data: Record<string, unknown> = { state: details.state };
    if (details.method !== undefined) data.method = details.method;
    if (details.retryAfterMs !== undefined) data.retryAfterMs = details.retryAfterMs;
    if (details.halfOpensAt !== undefined) data.halfOpensAt = details.halfOpensAt;
    super(MiddlewareErrorCode.CircuitOpen, message, { data });
    this.name = 'CircuitOpenError';
    this.state = details.state;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * Reported through the transport's `onerror` when the rate limiter dropped notifications: the first drop of
 * a reporting window is reported at once, later ones in the same window are added up and reported with the
 * next drop after the window, or when the connection closes. Code -31429; `data` is
 * `{ dropped, methods: { [method]: count }, totalDropped }`.
 *
 * @example
 * ```ts
 * import { RateLimitError } from '@pmcp/middleware';
 *
 * server.onerror = (error) => {
 *   if (error instanceof RateLimitError) console.warn(error.message, error.data);
 * };
 * ```
 */
export class RateLimitError extends McpError {
  /** Notifications dropped since the previous report. */
  readonly dropped: number;

  constructor(
    message: string,
    data: { dropped: number; methods: Record<string, number>; totalDropped: number },
  ) {
    super(MiddlewareErrorCode.RateLimited, message, { data });
    this.name = 'RateLimitError';
    this.dropped = data.dropped;
  }
}
