/**
 * `createHttpHandler`: a pmcp server behind one web-standard `(Request) => Promise<Response>` function, serving
 * both protocol eras on the same endpoint and deciding per request.
 *
 * A POST is modern (2026-07-28) when its `MCP-Protocol-Version` header names a modern revision or its `_meta`
 * claims a protocol version; it then runs statelessly on a connection of its own. Anything else is legacy:
 * `initialize` opens a session, later messages name it with `Mcp-Session-Id` (or, in stateless legacy mode,
 * each runs on its own connection).
 */
import { authenticatedPrincipal, type JsonRpcMessage, type JsonRpcRequest } from '@pmcp/jsonrpc';
import { ErrorCode, LEGACY_PROTOCOL_VERSIONS, MetaKey, MODERN_PROTOCOL_VERSIONS } from '@pmcp/types';
import { accepts, checkContentType, checkPostAccept, readMessage } from './body.ts';
import { compressResponse } from './compression.ts';
import {
  foreignSession,
  type RequestAuth,
  type SessionBudget,
  SessionRegistry,
  type SessionSettings,
} from './legacy-sessions.ts';
import { LegacySseEndpoint, tooManySessions } from './legacy-sse.ts';
import { checkParamHeaders, checkRequestMeta, checkStandardHeaders, metaVersionOf } from './modern-checks.ts';
import { type ConnectableServer, type HttpHandlerOptions, resolveOptions } from './options.ts';
import { deliverNotification, serveRequest } from './request-exchange.ts';
import { errorResponse, modernErrorStatus } from './responses.ts';
import { checkHostAndOrigin, preflightResponse, withCors } from './security.ts';
import { ToolHeaderIndex } from './tool-headers.ts';

/**
 * What the code in front of the handler established about one HTTP request: the third argument of an
 * {@link HttpHandler}. An authentication layer (such as `requireBearerAuth` from `@pmcp/auth`) passes who the
 * request is authenticated as; every JSON-RPC message of that request then reaches the server with it as
 * `extra.authInfo` (a `@pmcp/server` handler reads it as `ctx.authInfo`), in every era.
 *
 * @example
 * ```ts
 * import { createHttpHandler, type HttpRequestContext } from '@pmcp/transport-http';
 *
 * const handler = createHttpHandler(server);
 * const context: HttpRequestContext = { authInfo: { subject: 'user-42', scopes: ['notes:read'] } };
 * const response = await handler(request, undefined, context);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#access-token-usage
 */
export interface HttpRequestContext {
  /**
   * Who authenticated the request (for example `@pmcp/auth`'s `AuthInfo`). Trusted as given: pass only what your
   * own code verified, never something read from the request unchecked.
   */
  authInfo?: unknown;
}

/**
 * A web-standard request handler for an MCP server, plus `close()` to end its sessions and streams. The
 * optional second argument is whatever the runtime passes about the connection (Deno's `info`, Bun's server,
 * the `./node` adapter's addresses); it is only used to tell loopback clients apart. The optional third one is
 * an {@link HttpRequestContext} from an authentication layer in front of the handler. (Cloudflare Workers pass
 * their `ExecutionContext` third; it has no `authInfo`, so it changes nothing.)
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 * import { createHttpHandler, type HttpHandler } from '@pmcp/transport-http';
 *
 * const handler: HttpHandler = createHttpHandler(createServer({ name: 'demo', version: '1.0.0' }));
 * Deno.serve({ hostname: '127.0.0.1', port: 3000 }, handler);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http
 */
export interface HttpHandler {
  (request: Request, connectionInfo?: unknown, context?: HttpRequestContext): Promise<Response>;
  /** Ends every legacy session and open stream. Modern requests in flight finish on their own. */
  close(): Promise<void>;
}

const SERVER_REQUESTS_MODERN =
  'A 2026-07-28 request cannot receive server→client requests: return an InputRequiredResult (Multi Round-Trip Requests) instead.';
const SERVER_REQUESTS_STATELESS =
  'This endpoint serves legacy clients statelessly (legacy.sessions is "stateless"), so the client cannot answer server→client requests; use stateful sessions for sampling, elicitation or roots.';
const OWN_SESSION =
  'Send initialize without Mcp-Session-Id to open a session of your own, with the credentials you use for it.';
const STATELESS_DEFAULT_VERSION = '2025-03-26';
const ANONYMOUS: RequestAuth = { authInfo: undefined, owner: undefined };

function isRequest(message: JsonRpcMessage): message is JsonRpcRequest {
  return 'method' in message && 'id' in message && message.id !== undefined;
}

function requestIdOf(message: JsonRpcMessage): JsonRpcRequest['id'] | undefined {
  return isRequest(message) ? message.id : undefined;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function methodNotAllowed(allow: string, message: string): Response {
  return errorResponse(405, ErrorCode.InvalidRequest, `Method Not Allowed: ${message}`, {
    headers: { Allow: allow },
  });
}

/**
 * Creates the HTTP handler of an MCP server. It runs unchanged in Node (through `@pmcp/transport-http/node`),
 * Deno, Bun, Cloudflare Workers and Hono or Next-style routers.
 *
 * Security is on by default: requests from loopback clients must name a loopback Host and (if they carry one)
 * a loopback Origin, bodies are limited to 4 MiB, and CORS is off until configured.
 *
 * @throws TypeError when an option is invalid (the message names it).
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 * import { createHttpHandler } from '@pmcp/transport-http';
 *
 * const server = createServer({ name: 'greeter', version: '1.0.0' });
 * server.tool('greet', { description: 'Say hello' }, () => 'Hello!');
 * const handler = createHttpHandler(server, { endpoint: '/mcp' });
 * export default { fetch: handler }; // Bun, Cloudflare Workers
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#streamable-http
 */
export function createHttpHandler(server: ConnectableServer, options: HttpHandlerOptions = {}): HttpHandler {
  if (typeof server !== 'object' || server === null || typeof server.connect !== 'function') {
    throw new TypeError(
      'createHttpHandler needs a server with a connect(transport) method as its first argument, such as createServer() from @pmcp/server',
    );
  }
  const config = resolveOptions(options);
  const sessionOwner = options.sessionOwner ?? authenticatedPrincipal;
  if (typeof sessionOwner !== 'function') {
    throw new TypeError(
      'createHttpHandler: sessionOwner must be a function (authInfo) => string | undefined',
    );
  }
  const onerror = (error: Error): void => {
    try {
      options.onerror?.(error);
    } catch {
      // The error callback is the last resort; what it throws has nowhere to go.
    }
  };
  let liveSessions = 0;
  const budget: SessionBudget = {
    reserve() {
      if (liveSessions >= config.maxSessions) return false;
      liveSessions++;
      return true;
    },
    release() {
      liveSessions--;
    },
  };
  const sessionSettings: SessionSettings = {
    server,
    eventStore: config.eventStore,
    retryMs: config.retryMs,
    idleTimeoutMs: config.idleTimeoutMs,
    keepAliveMs: config.keepAliveMs,
    maxBufferedBytes: config.maxStreamBufferBytes,
    onerror,
  };
  const stateful = !config.modernOnly && config.sessions === 'stateful';
  const sessions = stateful ? new SessionRegistry(sessionSettings, budget) : undefined;
  const legacySse =
    config.legacySse === undefined
      ? undefined
      : new LegacySseEndpoint(sessionSettings, budget, config.legacySse.messagesPath, config.maxBodyBytes);
  const toolHeaders = new ToolHeaderIndex(server);
  const allow = stateful ? 'GET, POST, DELETE' : 'POST';

  async function serveModern(
    message: JsonRpcMessage,
    request: Request,
    auth: RequestAuth,
  ): Promise<Response> {
    if (!('method' in message)) {
      return errorResponse(
        400,
        ErrorCode.InvalidRequest,
        'Invalid request: a 2026-07-28 client never POSTs JSON-RPC responses; the server sends it no requests to answer.',
        { id: message.id ?? undefined },
      );
    }
    const id = requestIdOf(message);
    if (config.modernOnly && message.method === 'initialize' && metaVersionOf(message) === undefined) {
      return errorResponse(
        400,
        ErrorCode.UnsupportedProtocolVersion,
        `Unsupported protocol version: this server speaks only ${MODERN_PROTOCOL_VERSIONS.join(', ')}, which has no initialize; send each request with params._meta["${MetaKey.ProtocolVersion}"] instead.`,
        {
          id,
          data: {
            supported: [...MODERN_PROTOCOL_VERSIONS],
            requested: message.params?.protocolVersion ?? null,
          },
        },
      );
    }
    if (isRequest(message)) {
      const meta = checkRequestMeta(message);
      if (meta !== undefined) return errorResponse(400, meta.code, meta.message, { id });
    }
    const headers = checkStandardHeaders(message, request.headers);
    if (headers !== undefined) return errorResponse(400, headers.code, headers.message, { id });
    if (!isRequest(message)) {
      await deliverNotification(server, message, request, onerror, auth.authInfo);
      return new Response(null, { status: 202 });
    }
    const toolName = message.params?.name;
    if (message.method === 'tools/call' && typeof toolName === 'string') {
      let failure: ReturnType<typeof checkParamHeaders>;
      try {
        failure = checkParamHeaders(message, await toolHeaders.paramsFor(toolName), request.headers);
        // The cached tool list may predate a change the server has not announced yet: judge by a fresh one.
        if (failure !== undefined) {
          failure = checkParamHeaders(
            message,
            await toolHeaders.paramsFor(toolName, { fresh: true }),
            request.headers,
          );
        }
      } catch (error) {
        onerror(asError(error));
        return errorResponse(
          500,
          ErrorCode.InternalError,
          'Internal error: could not list the tools to check the Mcp-Param-* headers of this call.',
          { id },
        );
      }
      if (failure !== undefined) return errorResponse(400, failure.code, failure.message, { id });
    }
    return serveRequest(server, message, request, {
      keepAliveMs: config.keepAliveMs,
      maxBufferedBytes: config.maxStreamBufferBytes,
      statusFor: modernErrorStatus,
      serverRequestRefusal: SERVER_REQUESTS_MODERN,
      onerror,
      authInfo: auth.authInfo,
    });
  }

  async function serveStateless(
    message: JsonRpcMessage,
    request: Request,
    version: string | undefined,
    auth: RequestAuth,
  ): Promise<Response> {
    if (!('method' in message)) {
      return errorResponse(
        400,
        ErrorCode.InvalidRequest,
        'Invalid request: this endpoint is stateless (no sessions), so there is no server→client request a response could answer.',
        { id: message.id ?? undefined },
      );
    }
    if (!isRequest(message)) {
      await deliverNotification(server, message, request, onerror, auth.authInfo);
      return new Response(null, { status: 202 });
    }
    const implicitInitialize =
      message.method === 'initialize'
        ? undefined
        : {
            protocolVersion: version ?? STATELESS_DEFAULT_VERSION,
            capabilities: {},
            clientInfo: { name: 'stateless-http-client', version: '0.0.0' },
          };
    return serveRequest(server, message, request, {
      keepAliveMs: config.keepAliveMs,
      maxBufferedBytes: config.maxStreamBufferBytes,
      statusFor: () => 200,
      serverRequestRefusal: SERVER_REQUESTS_STATELESS,
      onerror,
      implicitInitialize,
      authInfo: auth.authInfo,
    });
  }

  async function serveLegacy(
    message: JsonRpcMessage,
    request: Request,
    version: string | undefined,
    auth: RequestAuth,
  ): Promise<Response> {
    const id = requestIdOf(message);
    if (version !== undefined && !(LEGACY_PROTOCOL_VERSIONS as readonly string[]).includes(version)) {
      return errorResponse(
        400,
        ErrorCode.InvalidRequest,
        `Bad Request: unsupported MCP-Protocol-Version "${version}"; this server speaks ${[...MODERN_PROTOCOL_VERSIONS, ...LEGACY_PROTOCOL_VERSIONS].join(', ')}.`,
        {
          id,
          data: { supported: [...MODERN_PROTOCOL_VERSIONS, ...LEGACY_PROTOCOL_VERSIONS], requested: version },
        },
      );
    }
    if (sessions === undefined) return serveStateless(message, request, version, auth);
    const sessionId = request.headers.get('mcp-session-id')?.trim();
    if (sessionId === undefined || sessionId === '') {
      if (isRequest(message) && message.method === 'initialize') {
        const session = await sessions.open(auth.owner);
        if (session === undefined) return tooManySessions();
        return session.handlePost(message, request, auth.authInfo);
      }
      return errorResponse(
        400,
        ErrorCode.InvalidRequest,
        `Bad Request: the Mcp-Session-Id header is missing. Send initialize first and repeat the session id it returns on every request, or send a ${MODERN_PROTOCOL_VERSIONS[0]} request (MCP-Protocol-Version header and params._meta).`,
        { id },
      );
    }
    const session = sessions.get(sessionId);
    if (session === undefined) return unknownSession(id);
    if (session.owner !== auth.owner) return foreignSession(OWN_SESSION, id);
    return session.handlePost(message, request, auth.authInfo);
  }

  function unknownSession(id?: JsonRpcRequest['id']): Response {
    return errorResponse(
      404,
      ErrorCode.InvalidRequest,
      'Session not found: it expired or was closed. Send initialize without Mcp-Session-Id to start a new session.',
      { id },
    );
  }

  function sessionFor(
    request: Request,
    auth: RequestAuth,
  ): { session: NonNullable<ReturnType<SessionRegistry['get']>> } | Response {
    const sessionId = request.headers.get('mcp-session-id')?.trim();
    if (sessionId === undefined || sessionId === '') {
      return errorResponse(
        400,
        ErrorCode.InvalidRequest,
        'Bad Request: the Mcp-Session-Id header is missing; GET and DELETE act on the session initialize returned.',
      );
    }
    const session = sessions?.get(sessionId);
    if (session === undefined) return unknownSession();
    return session.owner === auth.owner ? { session } : foreignSession(OWN_SESSION);
  }

  async function servePost(request: Request, auth: RequestAuth): Promise<Response> {
    const notAcceptable = checkPostAccept(request);
    if (notAcceptable !== undefined) return notAcceptable;
    const unsupported = checkContentType(request);
    if (unsupported !== undefined) return unsupported;
    const body = await readMessage(request, config.maxBodyBytes);
    if (!body.ok) return body.response;
    const message = body.message;
    const version = request.headers.get('mcp-protocol-version')?.trim() || undefined;
    const modern =
      config.modernOnly ||
      (version !== undefined && (MODERN_PROTOCOL_VERSIONS as readonly string[]).includes(version)) ||
      ('method' in message && metaVersionOf(message) !== undefined);
    return modern ? serveModern(message, request, auth) : serveLegacy(message, request, version, auth);
  }

  async function serveEndpoint(request: Request, auth: RequestAuth): Promise<Response> {
    switch (request.method) {
      case 'POST':
        return servePost(request, auth);
      case 'GET': {
        if (!stateful) {
          return methodNotAllowed(allow, 'this endpoint has no standalone event stream; POST each message.');
        }
        if (!accepts(request.headers.get('accept'), 'text/event-stream')) {
          return errorResponse(
            406,
            ErrorCode.InvalidRequest,
            'Not Acceptable: a GET opens an event stream; send Accept: text/event-stream.',
          );
        }
        const found = sessionFor(request, auth);
        return found instanceof Response ? found : found.session.handleGet(request);
      }
      case 'DELETE': {
        if (!stateful) return methodNotAllowed(allow, 'this endpoint has no sessions to end.');
        const found = sessionFor(request, auth);
        if (found instanceof Response) return found;
        await found.session.close();
        return new Response(null, { status: 204 });
      }
      default:
        return methodNotAllowed(allow, `the MCP endpoint does not serve ${request.method}.`);
    }
  }

  async function route(request: Request, url: URL, auth: RequestAuth): Promise<Response> {
    const path = url.pathname;
    if (path === config.endpoint || path === `${config.endpoint}/`) {
      if (request.method === 'OPTIONS') return preflightResponse(request, config.cors, allow);
      return serveEndpoint(request, auth);
    }
    if (legacySse !== undefined && config.legacySse !== undefined) {
      if (path === config.legacySse.ssePath) {
        if (request.method === 'OPTIONS') return preflightResponse(request, config.cors, 'GET');
        if (request.method !== 'GET')
          return methodNotAllowed('GET', 'open the 2024-11-05 event stream with GET.');
        return legacySse.open(request, auth);
      }
      if (path === config.legacySse.messagesPath) {
        if (request.method === 'OPTIONS') return preflightResponse(request, config.cors, 'POST');
        if (request.method !== 'POST')
          return methodNotAllowed('POST', 'POST messages of a 2024-11-05 session here.');
        return legacySse.post(request, url, auth);
      }
    }
    return new Response(`Not Found: the MCP endpoint is ${config.endpoint}`, {
      status: 404,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }

  const handler = async (
    request: Request,
    connectionInfo?: unknown,
    context?: HttpRequestContext,
  ): Promise<Response> => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return errorResponse(
        400,
        ErrorCode.InvalidRequest,
        `Bad Request: cannot parse the URL ${JSON.stringify(request.url)}.`,
      );
    }
    const blocked = checkHostAndOrigin(request, url, connectionInfo, config);
    if (blocked !== undefined) return withCors(blocked, request, config.cors);
    let response: Response;
    try {
      const authInfo =
        typeof context === 'object' && context !== null
          ? (context as HttpRequestContext).authInfo
          : undefined;
      const auth: RequestAuth =
        authInfo === undefined ? ANONYMOUS : { authInfo, owner: sessionOwner(authInfo) };
      response = await route(request, url, auth);
      if (config.compression !== undefined) {
        response = await compressResponse(request, response, config.compression.threshold);
      }
    } catch (error) {
      onerror(asError(error));
      response = errorResponse(
        500,
        ErrorCode.InternalError,
        'Internal error: the request could not be served.',
      );
    }
    return withCors(response, request, config.cors);
  };

  return Object.assign(handler, {
    async close(): Promise<void> {
      legacySse?.closeAll();
      await sessions?.closeAll();
      await toolHeaders.close();
    },
  });
}
