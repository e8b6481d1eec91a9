/**
 * The public option types of the HTTP handler and their validation into one resolved configuration.
 */
import type { Transport } from '@pmcp/jsonrpc';
import { createInMemoryEventStore, type EventStore } from './event-store.ts';

/**
 * What the handler needs from a server: a way to serve one more transport. A pmcp `McpServer` (from
 * `@pmcp/server`) fits, and so does anything else that speaks JSON-RPC over a `Transport`.
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 * import type { ConnectableServer } from '@pmcp/transport-http';
 *
 * const server: ConnectableServer = createServer({ name: 'notes', version: '1.0.0' });
 * ```
 */
export interface ConnectableServer {
  connect(transport: Transport): Promise<void>;
}

/**
 * Cross-origin access for browser clients. Off unless given.
 *
 * @example
 * ```ts
 * import { createHttpHandler, type CorsOptions } from '@pmcp/transport-http';
 *
 * const cors: CorsOptions = { origin: ['https://app.example.com'], maxAge: 600 };
 * const handler = createHttpHandler(server, { cors });
 * ```
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
export interface CorsOptions {
  /** The origins allowed to call: `'*'` for any, a list of origins (`'https://app.example.com'`), or a test. */
  origin: '*' | string | readonly string[] | ((origin: string) => boolean);
  /** Allow cookies and HTTP authentication (the allowed origin is then echoed, never `*`). Default false. */
  credentials?: boolean;
  /** How long (seconds) a browser may cache a preflight answer. Default 600. */
  maxAge?: number;
  /** Request headers to allow besides the MCP ones (`Mcp-Param-*` requested by a preflight are always allowed). */
  allowHeaders?: readonly string[];
  /** Response headers to expose besides `Mcp-Session-Id`, `MCP-Protocol-Version`, `WWW-Authenticate`, … */
  exposeHeaders?: readonly string[];
}

/**
 * Settings of the legacy (2025-03-26 … 2025-11-25) Streamable HTTP era.
 *
 * @example
 * ```ts
 * import { createHttpHandler, type LegacyOptions } from '@pmcp/transport-http';
 *
 * const legacy: LegacyOptions = { sessions: 'stateful', idleTimeoutMs: 10 * 60_000, maxSessions: 500 };
 * const handler = createHttpHandler(server, { legacy });
 * ```
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#streamable-http
 */
export interface LegacyOptions {
  /**
   * `'stateful'` (default): `initialize` opens a session with an `Mcp-Session-Id`, server→client requests and a
   * standalone GET stream work, streams are resumable. `'stateless'`: no session ids; every POST is served on its
   * own connection with an implicit `initialize` (for serverless hosts), and GET/DELETE answer 405.
   */
  sessions?: 'stateful' | 'stateless';
  /** A session with no open stream for this long (ms) expires; its id then gets 404. Default 30 minutes. */
  idleTimeoutMs?: number;
  /** Live sessions at most; an `initialize` beyond it gets 503. Default 10 000. */
  maxSessions?: number;
  /**
   * Records SSE events for `Last-Event-ID` replay. Default: a bounded in-memory store per handler. `false`
   * turns resumability off (then responses are JSON unless the server streams notifications first).
   */
  eventStore?: EventStore | false;
  /** The SSE `retry` (ms) sent with priming events: how long a client waits before reconnecting. Default 1000. */
  retryMs?: number;
}

/**
 * Where the 2024-11-05 HTTP+SSE transport is served.
 *
 * @example
 * ```ts
 * import { createHttpHandler, type LegacySseOptions } from '@pmcp/transport-http';
 *
 * const legacySse: LegacySseOptions = { ssePath: '/sse', messagesPath: '/messages' };
 * const handler = createHttpHandler(server, { enableLegacySse: legacySse });
 * ```
 * @see https://modelcontextprotocol.io/specification/2024-11-05/basic/transports#http-with-sse
 */
export interface LegacySseOptions {
  /** The GET endpoint that opens the event stream. Default `'/sse'`. */
  ssePath?: string;
  /** The POST endpoint announced in the `endpoint` event. Default `'/messages'`. */
  messagesPath?: string;
}

/**
 * Options of {@link createHttpHandler}. Every field has a default.
 *
 * @example
 * ```ts
 * import { createHttpHandler, type HttpHandlerOptions } from '@pmcp/transport-http';
 *
 * const options: HttpHandlerOptions = {
 *   endpoint: '/mcp',
 *   allowedHosts: ['mcp.example.com'],
 *   maxBodyBytes: 1024 * 1024,
 *   legacy: { sessions: 'stateless' },
 * };
 * const handler = createHttpHandler(server, options);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http
 */
export interface HttpHandlerOptions {
  /** The path of the MCP endpoint. Default `'/mcp'`. Other paths get 404. */
  endpoint?: string;
  /**
   * Host header values to accept (`'example.com'` for any port, `'example.com:8443'` for one), or `'any'`.
   * Default: when the client connects over loopback (the DNS-rebinding situation), only `localhost`,
   * `*.localhost`, `127.0.0.0/8` and `[::1]` with any port; otherwise any.
   */
  allowedHosts?: readonly string[] | 'any';
  /**
   * `Origin` header values to accept (`'https://app.example.com'`), or `'any'`; a request without `Origin` is
   * not affected. Default: loopback origins when the client connects over loopback, otherwise the request's own
   * host; plus the CORS origins either way. A rejected origin gets 403.
   */
  allowedOrigins?: readonly string[] | 'any';
  /** The largest request body accepted, in bytes; larger ones get 413. Default 4 MiB. */
  maxBodyBytes?: number;
  /** Cross-origin access for browser clients; off unless given. */
  cors?: CorsOptions;
  /** Serve only 2026-07-28 (stateless) requests: GET and DELETE get 405, `initialize` gets -32022. Default false. */
  modernOnly?: boolean;
  /** The legacy (session) era. */
  legacy?: LegacyOptions;
  /** Also serve the 2024-11-05 HTTP+SSE transport (`true` for the default paths). Default false. */
  enableLegacySse?: boolean | LegacySseOptions;
  /** Interval (ms) of SSE keep-alive comments on open streams; 0 turns them off. Default 15 000. */
  keepAliveMs?: number;
  /**
   * Bytes the handler queues for one SSE client that is not reading before it drops that stream (a legacy client
   * can resume it). Default 4 MiB.
   */
  maxStreamBufferBytes?: number;
  /** Failures that cannot be answered to a client (a broken event store, a server that failed to connect). */
  onerror?: (error: Error) => void;
  /**
   * The principal a legacy session belongs to, from the `authInfo` an authentication layer passes with each request
   * (see `HttpRequestContext`). A session (Streamable HTTP or 2024-11-05 HTTP+SSE) remembers the value of the
   * request that opened it, and any later request of that session with a different value gets 403: knowing a
   * session id is not enough to use, read or end someone else's session. Called only for requests that carry an
   * `authInfo` (those without have no owner); `undefined` means "no one in particular" and matches only requests
   * without an owner. Default: the `subject` and `clientId` of an object `authInfo` (as `@pmcp/auth` produces it),
   * or a string `authInfo` itself.
   * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/security_best_practices#session-hijacking
   */
  sessionOwner?: (authInfo: unknown) => string | undefined;
  /**
   * Compress JSON answers of at least `threshold` bytes (default 1024) with gzip or deflate when the request's
   * `Accept-Encoding` allows it (`fetch` in browsers, Node, Deno and Bun sends it and decompresses by itself).
   * SSE streams are never compressed: a web `CompressionStream` cannot flush per event, so events would wait.
   * Default false (a reverse proxy often compresses already). Compressed request bodies (`Content-Encoding: gzip`
   * or `deflate`) are accepted either way, `maxBodyBytes` applying to the decompressed size.
   */
  compression?: boolean | HttpCompressionOptions;
}

/**
 * Options of {@link HttpHandlerOptions.compression}.
 *
 * @example
 * ```ts
 * import { createHttpHandler, type HttpCompressionOptions } from '@pmcp/transport-http';
 *
 * const compression: HttpCompressionOptions = { threshold: 4096 };
 * const handler = createHttpHandler(server, { compression });
 * ```
 */
export interface HttpCompressionOptions {
  /** The smallest JSON body compressed, in bytes; smaller ones cost more to compress than they save. Default 1024. */
  threshold?: number;
}

/** The options with every default applied. */
export interface ResolvedOptions {
  readonly endpoint: string;
  readonly allowedHosts: readonly string[] | 'any' | undefined;
  readonly allowedOrigins: readonly string[] | 'any' | undefined;
  readonly maxBodyBytes: number;
  readonly cors: CorsOptions | undefined;
  readonly modernOnly: boolean;
  readonly sessions: 'stateful' | 'stateless';
  readonly idleTimeoutMs: number;
  readonly maxSessions: number;
  readonly eventStore: EventStore | undefined;
  readonly retryMs: number;
  readonly legacySse: Required<LegacySseOptions> | undefined;
  readonly keepAliveMs: number;
  readonly maxStreamBufferBytes: number;
  readonly compression: { readonly threshold: number } | undefined;
}

function fail(message: string): never {
  throw new TypeError(`createHttpHandler: ${message}`);
}

function checkPath(value: unknown, name: string): string {
  if (typeof value !== 'string' || !value.startsWith('/')) {
    fail(`${name} must be a path starting with "/", got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkCount(value: number | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    fail(`${name} must be an integer of at least ${min}, got ${String(value)}`);
  }
  return value;
}

function checkList(
  value: readonly string[] | 'any' | undefined,
  name: string,
): readonly string[] | 'any' | undefined {
  if (value === undefined || value === 'any') return value;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.length > 0)) {
    fail(`${name} must be 'any' or an array of non-empty strings`);
  }
  return value;
}

/** Validates the options (a mistake throws a `TypeError` naming it) and fills in the defaults. */
export function resolveOptions(options: HttpHandlerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail('options must be an object');
  const legacy = options.legacy ?? {};
  const sessions = legacy.sessions ?? 'stateful';
  if (sessions !== 'stateful' && sessions !== 'stateless') {
    fail(`legacy.sessions must be 'stateful' or 'stateless', got ${JSON.stringify(sessions)}`);
  }
  const modernOnly = options.modernOnly ?? false;
  const sse = options.enableLegacySse;
  if (modernOnly && sse)
    fail('modernOnly serves only 2026-07-28 requests; it cannot be combined with enableLegacySse');
  const legacySse =
    sse === undefined || sse === false
      ? undefined
      : {
          ssePath: checkPath((sse === true ? undefined : sse.ssePath) ?? '/sse', 'enableLegacySse.ssePath'),
          messagesPath: checkPath(
            (sse === true ? undefined : sse.messagesPath) ?? '/messages',
            'enableLegacySse.messagesPath',
          ),
        };
  const endpoint = checkPath(options.endpoint ?? '/mcp', 'endpoint');
  if (legacySse && new Set([endpoint, legacySse.ssePath, legacySse.messagesPath]).size !== 3) {
    fail('endpoint, enableLegacySse.ssePath and enableLegacySse.messagesPath must be three different paths');
  }
  const eventStore = legacy.eventStore;
  if (
    eventStore !== undefined &&
    eventStore !== false &&
    (typeof eventStore?.storeEvent !== 'function' || typeof eventStore.replayEventsAfter !== 'function')
  ) {
    fail('legacy.eventStore must be false or an object with storeEvent and replayEventsAfter methods');
  }
  const compression = options.compression;
  if (
    compression !== undefined &&
    typeof compression !== 'boolean' &&
    (typeof compression !== 'object' || compression === null)
  ) {
    fail('compression must be true, false or an object { threshold }');
  }
  const cors = options.cors;
  if (cors !== undefined && (typeof cors !== 'object' || cors === null || cors.origin === undefined)) {
    fail("cors must be an object with an origin ('*', a list of origins, or a function)");
  }
  return {
    endpoint,
    allowedHosts: checkList(options.allowedHosts, 'allowedHosts'),
    allowedOrigins: checkList(options.allowedOrigins, 'allowedOrigins'),
    maxBodyBytes: checkCount(options.maxBodyBytes, 'maxBodyBytes', 4 * 1024 * 1024, 1),
    cors,
    modernOnly,
    sessions,
    idleTimeoutMs: checkCount(legacy.idleTimeoutMs, 'legacy.idleTimeoutMs', 30 * 60_000, 1),
    maxSessions: checkCount(legacy.maxSessions, 'legacy.maxSessions', 10_000, 1),
    eventStore:
      eventStore === false || sessions === 'stateless'
        ? undefined
        : (eventStore ?? createInMemoryEventStore()),
    retryMs: checkCount(legacy.retryMs, 'legacy.retryMs', 1000, 0),
    legacySse,
    keepAliveMs: checkCount(options.keepAliveMs, 'keepAliveMs', 15_000, 0),
    compression:
      compression === undefined || compression === false
        ? undefined
        : {
            threshold: checkCount(
              compression === true ? undefined : compression.threshold,
              'compression.threshold',
              1024,
              0,
            ),
          },
    maxStreamBufferBytes: checkCount(
      options.maxStreamBufferBytes,
      'maxStreamBufferBytes',
      4 * 1024 * 1024,
      1,
    ),
  };
}
