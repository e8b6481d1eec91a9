/**
 * Options of the HTTP client transport, and the minimal structural types of the host APIs it needs, so any
 * `fetch` (undici, a test double, a proxying wrapper) can be injected.
 */
import type { SseDecoderFactory } from '@pmcp/jsonrpc';

/**
 * The `fetch` the transport calls: the global one by default. Any function with this shape works, for
 * example one that adds tracing or routes through a proxy.
 *
 * @example
 * ```ts
 * import { httpClientTransport, type FetchLike } from '@pmcp/transport-http';
 *
 * const loggingFetch: FetchLike = async (input, init) => {
 *   console.log(init.method, String(input));
 *   return fetch(input, init);
 * };
 * const transport = httpClientTransport('http://127.0.0.1:3000/mcp', { fetch: loggingFetch });
 * ```
 */
export type FetchLike = (input: string | URL, init: RequestInit) => Promise<Response>;

/**
 * Extra `fetch` init members added to every request the transport makes (everything but `method`, `body`,
 * `headers` and `signal`, which the transport owns). In Node, pass an undici `Agent` as `dispatcher` to
 * pool connections and keep them alive; in a browser, `credentials` or `mode`.
 *
 * @example
 * ```ts
 * import { Agent } from 'undici';
 * import { httpClientTransport, type HttpFetchOptions } from '@pmcp/transport-http';
 *
 * const fetchOptions: HttpFetchOptions = { dispatcher: new Agent({ keepAliveTimeout: 30_000, connections: 8 }) };
 * const transport = httpClientTransport('https://mcp.example.com/mcp', { fetchOptions });
 * ```
 */
export type HttpFetchOptions = Omit<RequestInit, 'method' | 'body' | 'headers' | 'signal'> & {
  /** An undici `Dispatcher` (Node's `fetch` reads it); ignored by other runtimes. */
  dispatcher?: unknown;
};

/**
 * Which protocol era the transport speaks.
 *
 * - `auto` (default): whatever the client sends decides. A `server/discover` probe is sent modern; an
 *   `initialize` switches to legacy Streamable HTTP, and from there to the 2024-11-05 HTTP+SSE transport when
 *   the endpoint refuses the POST.
 * - `modern`: 2026-07-28 only.
 * - `legacy`: Streamable HTTP of 2025-03-26 … 2025-11-25 (and HTTP+SSE when the POST is refused); a
 *   `server/discover` probe is refused locally, so the client falls back to `initialize` without a round trip.
 * - `legacy-sse`: the 2024-11-05 HTTP+SSE transport only (GET for the `endpoint` event, then POST there).
 *
 * @example
 * ```ts
 * import { httpClientTransport, type HttpClientEra } from '@pmcp/transport-http';
 *
 * const era: HttpClientEra = 'legacy-sse';
 * const transport = httpClientTransport('http://127.0.0.1:3001/sse', { era });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#backward-compatibility
 */
export type HttpClientEra = 'auto' | 'modern' | 'legacy' | 'legacy-sse';

/**
 * What an {@link HttpAuthHook} is told about the HTTP request it adds headers to.
 *
 * @example
 * ```ts
 * import type { HttpAuthRequest } from '@pmcp/transport-http';
 *
 * const describe = (request: HttpAuthRequest): string => `${request.method} ${request.url.href}`;
 * ```
 */
export interface HttpAuthRequest {
  /** The URL about to be fetched (the MCP endpoint, or the HTTP+SSE POST endpoint). */
  url: URL;
  /** `GET`, `POST` or `DELETE`. */
  method: string;
}

/**
 * A function that returns the authentication headers of each HTTP request (for example
 * `{ Authorization: 'Bearer …' }`). It is called before every request, so it can refresh tokens itself.
 *
 * @example
 * ```ts
 * import { httpClientTransport, type HttpAuthHook } from '@pmcp/transport-http';
 *
 * const auth: HttpAuthHook = async () => ({ Authorization: `Bearer ${await tokenStore.current()}` });
 * const transport = httpClientTransport('https://mcp.example.com/mcp', { auth });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization
 */
export type HttpAuthHook = (
  request: HttpAuthRequest,
) => HeadersInit | undefined | Promise<HeadersInit | undefined>;

/**
 * An OAuth access token as an {@link HttpAuthProvider} hands it out (the names follow the OAuth token
 * response).
 *
 * @example
 * ```ts
 * import type { HttpAuthTokens } from '@pmcp/transport-http';
 *
 * const tokens: HttpAuthTokens = { access_token: 'eyJhbGciOi…', token_type: 'Bearer' };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#access-token-usage
 */
export interface HttpAuthTokens {
  access_token: string;
  /** The `Authorization` scheme; `Bearer` when absent. */
  token_type?: string;
}

/**
 * What {@link HttpAuthProvider.onUnauthorized} is given: the request that was refused and the response (its
 * `WWW-Authenticate` header names the resource metadata and the scopes to ask for).
 *
 * @example
 * ```ts
 * import type { HttpUnauthorizedContext } from '@pmcp/transport-http';
 *
 * const challenge = (context: HttpUnauthorizedContext) => context.response.headers.get('www-authenticate');
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#authorization-server-discovery
 */
export interface HttpUnauthorizedContext {
  url: URL;
  method: string;
  response: Response;
}

/**
 * The hook an OAuth client plugs into the transport: `tokens()` is asked before every request and becomes
 * `Authorization: Bearer …`; on a 401 (or a 403 with `error="insufficient_scope"`) `onUnauthorized` runs, and
 * when it resolves `true` (it obtained new tokens) the request is sent once more.
 *
 * @example
 * ```ts
 * import { httpClientTransport, type HttpAuthProvider } from '@pmcp/transport-http';
 *
 * const auth: HttpAuthProvider = {
 *   tokens: () => store.tokens(),
 *   onUnauthorized: async ({ response }) => {
 *     await runAuthorizationFlow(response.headers.get('www-authenticate'));
 *     return true;
 *   },
 * };
 * const transport = httpClientTransport('https://mcp.example.com/mcp', { auth });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization
 */
export interface HttpAuthProvider {
  /** The tokens to send, or `undefined` when there are none yet (the request goes without). */
  tokens(): HttpAuthTokens | undefined | Promise<HttpAuthTokens | undefined>;
  /** The server refused the credentials; resolve `true` to retry the request once with fresh `tokens()`. */
  onUnauthorized(context: HttpUnauthorizedContext): boolean | Promise<boolean>;
}

/**
 * How SSE streams are re-opened after they break (legacy Streamable HTTP: the standalone GET stream and the
 * resumption of a request's stream with `Last-Event-ID`). The server's `retry:` value, when it sent one,
 * replaces `initialDelay`.
 *
 * @example
 * ```ts
 * import { httpClientTransport, type ReconnectOptions } from '@pmcp/transport-http';
 *
 * const reconnect: ReconnectOptions = { maxAttempts: 10, initialDelay: 500, maxDelay: 10_000, backoffFactor: 2 };
 * const transport = httpClientTransport('http://127.0.0.1:3000/mcp', { reconnect });
 * ```
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#resumability-and-redelivery
 */
export interface ReconnectOptions {
  /** Consecutive failed attempts before giving up on a stream (default 5). */
  maxAttempts?: number;
  /** Milliseconds before the first attempt when the server sent no `retry:` (default 1000). */
  initialDelay?: number;
  /** The longest wait between attempts in milliseconds (default 30 000). */
  maxDelay?: number;
  /** Each further failed attempt waits this many times longer (default 1.5). */
  backoffFactor?: number;
}

/**
 * Options of {@link httpClientTransport}.
 *
 * @example
 * ```ts
 * import { httpClientTransport, type HttpClientTransportOptions } from '@pmcp/transport-http';
 *
 * const options: HttpClientTransportOptions = {
 *   headers: { 'User-Agent': 'my-app/1.0' },
 *   reconnect: { maxAttempts: 3 },
 * };
 * const transport = httpClientTransport('http://127.0.0.1:3000/mcp', options);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http
 */
export interface HttpClientTransportOptions {
  /** The `fetch` to use; default `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Extra `fetch` init members for every request (an undici `dispatcher`, `credentials`, …). */
  fetchOptions?: HttpFetchOptions;
  /**
   * Headers added to every request, or a function returning them (called per request). The protocol's own
   * headers (`Accept`, `Content-Type`, `MCP-Protocol-Version`, `Mcp-*`, `Mcp-Session-Id`) always win.
   */
  headers?: HeadersInit | (() => HeadersInit | Promise<HeadersInit>);
  /** Authentication: a function returning headers, or an {@link HttpAuthProvider} (OAuth). */
  auth?: HttpAuthHook | HttpAuthProvider;
  /** Which era to speak (default `auto`). */
  era?: HttpClientEra;
  /** How broken SSE streams are re-opened. */
  reconnect?: ReconnectOptions;
  /** Makes the SSE parser of each stream; default an adapter over eventsource-parser. */
  sseDecoder?: SseDecoderFactory;
  /** Milliseconds `close()` waits for the session's `DELETE` before giving up on it (default 2000). */
  closeTimeout?: number;
  /**
   * Gzip POST bodies of at least `threshold` bytes (default 1024), sent with `Content-Encoding: gzip`. Off by
   * default: HTTP has no way to learn beforehand whether a server decodes request bodies (pmcp servers do; many
   * others answer 415 or a parse error). After a 415 to a compressed body the transport sends it again
   * uncompressed and stops compressing. Responses need no option: `fetch` asks for and decodes compressed
   * answers by itself.
   */
  compressRequests?: boolean | { threshold?: number };
}
