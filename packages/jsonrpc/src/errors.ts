/**
 * `McpError` and its named subclasses, plus the one table that maps named error kinds to JSON-RPC codes.
 */
import type { JsonRpcErrorObject, JsonRpcErrorResponse, RequestId } from './messages.ts';

/**
 * Every JSON-RPC error code pmcp knows by name: the protocol's codes (the same values as `ErrorCode` in
 * `@pmcp/types`) plus the local-only codes that describe failures on this side of the wire.
 *
 * `ConnectionClosed`, `RequestTimeout` and `RequestCancelled` are local: pmcp raises them to its own callers
 * and never puts them on the wire (-32000 and -32001 are the values the official SDK uses for the same
 * failures, -32800 is LSP's "request cancelled").
 *
 * @example
 * ```ts
 * import { McpError, McpErrorCode } from '@pmcp/jsonrpc';
 *
 * throw new McpError(McpErrorCode.InvalidParams, 'Unknown tool: "weather". Call tools/list for the names.');
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#error-codes
 */
export const McpErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  ResourceNotFound: -32002,
  UrlElicitationRequired: -32042,
  HeaderMismatch: -32020,
  MissingRequiredClientCapability: -32021,
  UnsupportedProtocolVersion: -32022,
  ConnectionClosed: -32000,
  RequestTimeout: -32001,
  RequestCancelled: -32800,
} as const;

/**
 * The name of a code in {@link McpErrorCode}.
 *
 * @example
 * ```ts
 * import { errorCodeName, type McpErrorCodeName } from '@pmcp/jsonrpc';
 *
 * const name: McpErrorCodeName | undefined = errorCodeName(-32602); // 'InvalidParams'
 * ```
 */
export type McpErrorCodeName = keyof typeof McpErrorCode;

let codeNames: Map<number, McpErrorCodeName> | undefined;

/**
 * The name of a known JSON-RPC error code, for logs and messages; `undefined` for codes pmcp does not know
 * (servers may define their own).
 *
 * @example
 * ```ts
 * import { errorCodeName } from '@pmcp/jsonrpc';
 *
 * errorCodeName(-32601); // 'MethodNotFound'
 * errorCodeName(-31999); // undefined
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#error-codes
 */
export function errorCodeName(code: number): McpErrorCodeName | undefined {
  // Built on first use so that importing the module does no work a bundler would have to keep.
  if (codeNames === undefined) {
    codeNames = new Map();
    for (const name of Object.keys(McpErrorCode) as McpErrorCodeName[])
      codeNames.set(McpErrorCode[name], name);
  }
  return codeNames.get(code);
}

/**
 * Codes that describe a failure on this side of the connection; they are never sent to a peer.
 * @internal
 */
export function isLocalOnlyErrorCode(code: number): boolean {
  return (
    code === McpErrorCode.ConnectionClosed ||
    code === McpErrorCode.RequestTimeout ||
    code === McpErrorCode.RequestCancelled
  );
}

// Symbol.for, not Symbol(): two installed copies of this package must recognise each other's errors.
const MCP_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('pmcp.McpError');

type ErrorKind =
  | 'McpError'
  | 'RequestTimeoutError'
  | 'TransportClosedError'
  | 'RequestCancelledError'
  | 'InvalidMessageError'
  | 'ProtocolError';

function brand(error: McpError, kind: ErrorKind): void {
  Object.defineProperty(error, MCP_ERROR_BRAND, { value: kind, configurable: true, enumerable: false });
}

function hasBrand(value: unknown, kind: ErrorKind): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const found = (value as { [MCP_ERROR_BRAND]?: unknown })[MCP_ERROR_BRAND];
  return kind === 'McpError' ? typeof found === 'string' : found === kind;
}

function isBrandedInstance(ctor: Function, value: unknown): boolean {
  if (Function.prototype[Symbol.hasInstance].call(ctor, value)) return true;
  // A user's own subclass is checked the ordinary way; only pmcp's classes accept a brand from another copy.
  const kind = pmcpErrorKind(ctor);
  return kind !== undefined && hasBrand(value, kind);
}

function pmcpErrorKind(ctor: Function): ErrorKind | undefined {
  switch (ctor) {
    case McpError:
      return 'McpError';
    case RequestTimeoutError:
      return 'RequestTimeoutError';
    case TransportClosedError:
      return 'TransportClosedError';
    case RequestCancelledError:
      return 'RequestCancelledError';
    case InvalidMessageError:
      return 'InvalidMessageError';
    case ProtocolError:
      return 'ProtocolError';
    default:
      return undefined;
  }
}

/**
 * Options accepted by the {@link McpError} constructor.
 *
 * @example
 * ```ts
 * import { McpError, type McpErrorOptions } from '@pmcp/jsonrpc';
 *
 * const options: McpErrorOptions = { data: { uri: 'file:///missing' }, cause: new Error('ENOENT') };
 * throw new McpError(-32602, 'Resource not found: file:///missing', options);
 * ```
 */
export interface McpErrorOptions {
  /** Extra information for the peer, sent as `error.data`. */
  data?: unknown;
  /** The underlying error (standard `Error.cause`); never sent to the peer. */
  cause?: unknown;
}

/**
 * An error with a numeric JSON-RPC `code`. Thrown from a request handler it becomes the error response the
 * peer receives (code, message and data); received in an error response it is what `request()` rejects with.
 *
 * `instanceof McpError` also recognises errors made by another installed copy of `@pmcp/jsonrpc`.
 *
 * @example
 * ```ts
 * import { McpError } from '@pmcp/jsonrpc';
 *
 * throw new McpError(-32602, 'Unknown tool: "weather". Call tools/list for the available names.', {
 *   data: { tool: 'weather' },
 * });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#error-codes
 */
export class McpError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class right of `instanceof`, maybe a subclass.
    return isBrandedInstance(this, value);
  }

  /** The JSON-RPC error code. */
  readonly code: number;
  /** Extra information sent as `error.data`. */
  declare readonly data?: unknown;

  constructor(code: number, message: string, options?: McpErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'McpError';
    this.code = code;
    if (options?.data !== undefined) this.data = options.data;
    brand(this, 'McpError');
  }

  /** The `error` member of a JSON-RPC error response carrying this error. */
  toJsonRpcError(): JsonRpcErrorObject {
    const error: JsonRpcErrorObject = { code: this.code, message: this.message };
    if (this.data !== undefined) error.data = this.data;
    return error;
  }

  /**
   * Rebuilds the error a peer sent, always as a plain `McpError`. Peers' -32000…-32019 codes are
   * implementation-defined (many servers send -32000 as a generic "server error"), so they must never be read
   * as this side's local-only {@link TransportClosedError} or {@link RequestTimeoutError}.
   */
  static fromJsonRpcError(error: JsonRpcErrorObject): McpError {
    return new McpError(error.code, error.message, error.data === undefined ? {} : { data: error.data });
  }
}

/**
 * Whether a value is an {@link McpError}, including one created by another installed copy of this package.
 *
 * @example
 * ```ts
 * import { isMcpError } from '@pmcp/jsonrpc';
 *
 * try {
 *   await engine.request('tools/call', { name: 'weather' });
 * } catch (error) {
 *   if (isMcpError(error) && error.code === -32602) console.error('bad arguments:', error.message);
 * }
 * ```
 */
export function isMcpError(value: unknown): value is McpError {
  return value instanceof McpError;
}

/**
 * A request got no response within its timeout. Local only (code -32001, never sent); `data` is
 * `{ method, timeoutMs }`.
 *
 * @example
 * ```ts
 * import { RequestTimeoutError } from '@pmcp/jsonrpc';
 *
 * try {
 *   await engine.request('tools/call', { name: 'slow' }, { timeout: 5_000 });
 * } catch (error) {
 *   if (error instanceof RequestTimeoutError) console.error(error.message);
 * }
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/progress
 */
export class RequestTimeoutError extends McpError {
  /**
   * @param method the method of the request that timed out
   * @param timeoutMs the timeout that elapsed
   * @param options `limit` names the option that ran out (default `timeout`); `message` and `data` replace
   *   the defaults (used for a timeout reported by the peer)
   */
  constructor(
    method: string,
    timeoutMs: number,
    options?: { limit?: 'timeout' | 'maxTotalTimeout'; message?: string; data?: unknown; cause?: unknown },
  ) {
    const limit = options?.limit ?? 'timeout';
    const advice =
      limit === 'timeout'
        ? 'If the work is expected to take longer, raise the `timeout` request option (or have the peer send progress and set `resetTimeoutOnProgress`).'
        : 'Progress kept the request alive up to this hard cap; raise the `maxTotalTimeout` request option if it needs longer.';
    super(
      McpErrorCode.RequestTimeout,
      options?.message ??
        `Request "${method}" timed out after ${timeoutMs} ms (${limit}) without a response. ${advice}`,
      {
        data: options !== undefined && 'data' in options ? options.data : { method, timeoutMs },
        cause: options?.cause,
      },
    );
    this.name = 'RequestTimeoutError';
    brand(this, 'RequestTimeoutError');
  }
}

/**
 * The connection is closed (or was never opened). Local only (code -32000, never sent). Every pending request
 * rejects with it when the transport closes, and `send` rejects with it afterwards.
 *
 * @example
 * ```ts
 * import { TransportClosedError } from '@pmcp/jsonrpc';
 *
 * try {
 *   await engine.request('tools/list');
 * } catch (error) {
 *   if (error instanceof TransportClosedError) await reconnect();
 * }
 * ```
 */
export class TransportClosedError extends McpError {
  constructor(
    message = 'The connection is closed, so the message was not sent. Connect a new transport before sending.',
    options?: McpErrorOptions,
  ) {
    super(McpErrorCode.ConnectionClosed, message, options);
    this.name = 'TransportClosedError';
    brand(this, 'TransportClosedError');
  }
}

/**
 * A request was cancelled: the caller's `AbortSignal` aborted (then `cause` is `signal.reason`), or, as the
 * reason of a handler's `ctx.signal`, the peer sent `notifications/cancelled`. Local only (code -32800).
 *
 * @example
 * ```ts
 * import { RequestCancelledError } from '@pmcp/jsonrpc';
 *
 * const controller = new AbortController();
 * const pending = engine.request('tools/call', { name: 'slow' }, { signal: controller.signal });
 * controller.abort('user pressed stop');
 * await pending.catch((error) => error instanceof RequestCancelledError); // true
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/cancellation
 */
export class RequestCancelledError extends McpError {
  /**
   * @param method the method of the cancelled request
   * @param options `cause` is the abort reason; `message` replaces the default text
   */
  constructor(method: string, options?: { cause?: unknown; message?: string }) {
    const reason = describeReason(options?.cause);
    super(
      McpErrorCode.RequestCancelled,
      options?.message ?? `Request "${method}" was cancelled${reason === undefined ? '' : ` (${reason})`}.`,
      { data: { method }, cause: options?.cause },
    );
    this.name = 'RequestCancelledError';
    brand(this, 'RequestCancelledError');
  }
}

/**
 * Input that is not a valid JSON-RPC message but deserves an answer: `reply` is the error response to send
 * back (transports report it through `onerror`, and the engine sends `reply`). The connection stays open.
 *
 * `reply` has no `id` when the message's id could not be read: the 2025-11-25 and 2026-07-28 schemas (and
 * the official SDK) accept an error response without `id`, but not one with `id: null`.
 *
 * @example
 * ```ts
 * import { InvalidMessageError } from '@pmcp/jsonrpc';
 *
 * const error = new InvalidMessageError(-32600, 'Invalid request: "jsonrpc" must be "2.0".', { id: 7 });
 * error.reply; // { jsonrpc: '2.0', id: 7, error: { code: -32600, message: 'Invalid request: ...' } }
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#error-codes
 */
export class InvalidMessageError extends McpError {
  /** The error response to send back to the peer. */
  readonly reply: JsonRpcErrorResponse;

  /**
   * @param code -32700 (parse error), -32600 (invalid request) or -32602 (invalid params)
   * @param message what was wrong and how to fix it
   * @param options `id` of the offending message when it could be read
   */
  constructor(code: number, message: string, options?: McpErrorOptions & { id?: RequestId | undefined }) {
    super(code, message, options);
    this.name = 'InvalidMessageError';
    const reply: JsonRpcErrorResponse = { jsonrpc: '2.0', error: this.toJsonRpcError() };
    if (options?.id !== undefined) reply.id = options.id;
    this.reply = reply;
    brand(this, 'InvalidMessageError');
  }
}

/**
 * The peer broke the protocol in a way that cannot be answered (a response to an unknown request id, an
 * error response that names no request). Reported through `onerror`; the message is dropped. Code -32600
 * unless given.
 *
 * @example
 * ```ts
 * import { ProtocolError, RpcEngine } from '@pmcp/jsonrpc';
 *
 * const engine = new RpcEngine();
 * engine.onerror = (error) => {
 *   if (error instanceof ProtocolError) console.warn('peer misbehaved:', error.message);
 * };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#responses
 */
export class ProtocolError extends McpError {
  constructor(message: string, options?: McpErrorOptions & { code?: number }) {
    super(options?.code ?? McpErrorCode.InvalidRequest, message, options);
    this.name = 'ProtocolError';
    brand(this, 'ProtocolError');
  }
}

function describeReason(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  if (typeof reason === 'string') return reason;
  if (reason instanceof Error) return reason.message;
  return String(reason);
}
