/**
 * `requireBearerAuth`: a web handler (such as `createHttpHandler`'s) behind an OAuth 2.1 bearer-token check, with
 * the challenges MCP clients need to find the authorization server and the scopes to ask for.
 */
import { ErrorCode } from '@pmcp/types';
import { type AuthInfo, InsufficientScopeError, InvalidTokenError, type TokenVerifier } from './auth-info.ts';
import { bearerChallenge } from './challenge.ts';

/**
 * A handler `requireBearerAuth` can protect: it receives who the request is authenticated as in the third
 * argument. `createHttpHandler` from `@pmcp/transport-http` is one; the `authInfo` then reaches every message of
 * the request (`ctx.authInfo` in `@pmcp/server` handlers). CORS preflights (`OPTIONS`) arrive without it.
 *
 * @example
 * ```ts
 * import type { BearerProtectedHandler } from '@pmcp/auth';
 *
 * const hello: BearerProtectedHandler = async (_request, _info, context) =>
 *   new Response(`Hello, ${context?.authInfo?.subject ?? 'stranger'}`);
 * ```
 */
export type BearerProtectedHandler = (
  request: Request,
  connectionInfo?: unknown,
  context?: { authInfo?: AuthInfo },
) => Response | Promise<Response>;

/**
 * The protected handler `requireBearerAuth` returns: a web handler for any runtime, plus `close()`, which closes
 * the wrapped handler when it has a `close()` (`createHttpHandler`'s ends its sessions).
 *
 * @example
 * ```ts
 * import { requireBearerAuth, type ProtectedHandler } from '@pmcp/auth';
 *
 * const protectedMcp: ProtectedHandler = requireBearerAuth(mcp, { verifier, resourceMetadataUrl });
 * Deno.serve({ hostname: '127.0.0.1', port: 3000 }, protectedMcp);
 * ```
 */
export interface ProtectedHandler {
  (request: Request, connectionInfo?: unknown): Promise<Response>;
  /** Closes the wrapped handler, if it can be closed. */
  close(): Promise<void>;
}

/**
 * Cross-origin access to the refusals `requireBearerAuth` answers itself (401, 403, 400, 503), so a browser
 * client can read their `WWW-Authenticate`. Give it the same origins as the MCP handler's `cors` option.
 *
 * @example
 * ```ts
 * import type { BearerAuthCors } from '@pmcp/auth';
 *
 * const cors: BearerAuthCors = { origin: ['https://app.example.com'] };
 * ```
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
export interface BearerAuthCors {
  /** The origins allowed: `'*'` for any, one origin, a list, or a test. */
  origin: '*' | string | readonly string[] | ((origin: string) => boolean);
  /** Whether the browser may send credentials (the origin is then echoed, never `*`). Default false. */
  credentials?: boolean;
}

/**
 * Options of {@link requireBearerAuth}.
 *
 * @example
 * ```ts
 * import { createJwtVerifier, type BearerAuthOptions } from '@pmcp/auth';
 *
 * const options: BearerAuthOptions = {
 *   verifier: createJwtVerifier({ issuer, audience: 'https://mcp.example.com/mcp', jwksUrl }),
 *   resourceMetadataUrl: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
 *   requiredScopes: ['notes:read'],
 * };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#access-token-usage
 */
export interface BearerAuthOptions {
  /** Validates each token (for JWTs, {@link createJwtVerifier}). */
  verifier: TokenVerifier;
  /** The URL of this server's Protected Resource Metadata; every challenge names it (`resource_metadata`). */
  resourceMetadataUrl: string | URL;
  /**
   * Scopes a request needs: a list, or a function of the request (it may read headers such as `Mcp-Method` and
   * `Mcp-Name`, but must not consume the body). A token lacking any gets 403 `insufficient_scope` naming all of
   * them; 401 challenges name them too. Default: none.
   */
  requiredScopes?: readonly string[] | ((request: Request) => readonly string[] | Promise<readonly string[]>);
  /**
   * Whether the granted scopes cover one required scope, for servers with scope hierarchies (`notes` implying
   * `notes:read`). Default: the scope was granted exactly.
   */
  scopeSatisfies?: (granted: readonly string[], required: string) => boolean;
  /** The `realm` of the challenges, if the server has several protection spaces. */
  realm?: string;
  /** CORS for the refusals answered here; off unless given. */
  cors?: BearerAuthCors;
  /** Failures the client is not told the details of: a verifier that could not run, or returned nonsense. */
  onerror?: (error: Error) => void;
}

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const SCHEME = /^\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)/;
// RFC 6749 §3.3 scope-token.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function fail(message: string): never {
  throw new TypeError(`requireBearerAuth: ${message}`);
}

function checkScopeList(value: unknown, where: string): readonly string[] {
  if (
    !Array.isArray(value) ||
    !value.every((scope) => typeof scope === 'string' && SCOPE_TOKEN.test(scope))
  ) {
    throw new TypeError(
      `requireBearerAuth: ${where} must be an array of scopes (each printable ASCII without spaces, " or \\)`,
    );
  }
  return value;
}

function isAuthInfo(value: unknown): value is AuthInfo {
  if (typeof value !== 'object' || value === null) return false;
  const { token, scopes, expiresAt } = value as Record<string, unknown>;
  return (
    typeof token === 'string' &&
    Array.isArray(scopes) &&
    scopes.every((scope) => typeof scope === 'string') &&
    (expiresAt === undefined || typeof expiresAt === 'number')
  );
}

function allowedOrigin(cors: BearerAuthCors, origin: string): boolean {
  const allowed = cors.origin;
  if (allowed === '*') return true;
  if (typeof allowed === 'function') return allowed(origin);
  if (typeof allowed === 'string') return allowed === origin;
  return allowed.includes(origin);
}

/**
 * Puts a web handler behind bearer-token authentication, as the MCP authorization spec asks of a protected
 * server:
 *
 * - no `Authorization: Bearer` header (or another scheme) → 401 with `WWW-Authenticate: Bearer
 *   resource_metadata="…", scope="…"`, which starts the client's OAuth flow;
 * - a malformed header, or a token the verifier refuses (bad signature, expired, wrong issuer or audience) →
 *   401 with `error="invalid_token"`;
 * - a token without every required scope → 403 with `error="insufficient_scope"` and `scope` naming all of them;
 * - an `access_token` in the query string → 400 `invalid_request`: tokens travel only in the header;
 * - a verifier that cannot run (key set unreachable) → 503, and the error goes to `onerror`;
 * - otherwise the request goes to `handler` with `{ authInfo }` as the third argument.
 *
 * The refusals have JSON-RPC error bodies (`data.error` is the OAuth error code). `OPTIONS` requests (CORS
 * preflights, which never carry credentials) pass through unauthenticated.
 *
 * @throws TypeError when an option is invalid (the message names it).
 * @example
 * ```ts
 * import {
 *   createJwtVerifier,
 *   protectedResourceMetadataHandler,
 *   protectedResourceMetadataUrl,
 *   requireBearerAuth,
 * } from '@pmcp/auth';
 * import { createServer } from '@pmcp/server';
 * import { createHttpHandler } from '@pmcp/transport-http';
 * import { listen } from '@pmcp/transport-http/node';
 *
 * const resource = 'https://mcp.example.com/mcp';
 * const issuer = 'https://auth.example.com';
 * const server = createServer({ name: 'notes', version: '1.0.0' });
 * server.tool('whoami', { description: 'Who is calling' }, (_args, ctx) =>
 *   (ctx.authInfo as AuthInfo | undefined)?.subject ?? 'anonymous',
 * );
 * const metadata = protectedResourceMetadataHandler({ resource, authorizationServers: [issuer] });
 * const mcp = requireBearerAuth(createHttpHandler(server), {
 *   verifier: createJwtVerifier({ issuer, audience: resource, jwksUrl: `${issuer}/.well-known/jwks.json` }),
 *   resourceMetadataUrl: protectedResourceMetadataUrl(resource),
 *   requiredScopes: ['notes:read'],
 * });
 * await listen(async (request, info) => metadata(request) ?? mcp(request, info), { port: 3000 });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#access-token-usage
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-3
 */
export function requireBearerAuth(
  handler: BearerProtectedHandler,
  options: BearerAuthOptions,
): ProtectedHandler {
  if (typeof handler !== 'function') {
    fail('the first argument must be the handler to protect, such as createHttpHandler(server)');
  }
  if (typeof options !== 'object' || options === null) fail('options must be an object');
  const { verifier, realm, cors, onerror } = options;
  if (typeof verifier !== 'function') {
    fail('options.verifier must be a function (token) => Promise<AuthInfo>, such as createJwtVerifier(...)');
  }
  let resourceMetadataUrl: string;
  try {
    resourceMetadataUrl = new URL(options.resourceMetadataUrl).href;
  } catch {
    fail(
      `options.resourceMetadataUrl must be the absolute URL of the Protected Resource Metadata, got ${JSON.stringify(String(options.resourceMetadataUrl))}`,
    );
  }
  const requiredScopes = options.requiredScopes ?? [];
  if (typeof requiredScopes !== 'function') checkScopeList(requiredScopes, 'options.requiredScopes');
  const satisfies =
    options.scopeSatisfies ?? ((granted: readonly string[], required: string) => granted.includes(required));
  // Builds one challenge now, so a bad realm fails at startup rather than on the first request.
  bearerChallenge({ resourceMetadataUrl, ...(realm === undefined ? {} : { realm }) });

  const report = (error: unknown): void => {
    try {
      onerror?.(asError(error));
    } catch {
      // The error callback is the last resort; what it throws has nowhere to go.
    }
  };

  function refuse(
    request: Request,
    status: number,
    message: string,
    challenge?: { error?: string; description?: string; scope: readonly string[] },
  ): Response {
    const headers = new Headers({ 'Content-Type': 'application/json' });
    const body: { jsonrpc: '2.0'; error: { code: number; message: string; data?: unknown } } = {
      jsonrpc: '2.0',
      error: { code: status >= 500 ? ErrorCode.InternalError : ErrorCode.InvalidRequest, message },
    };
    if (challenge !== undefined) {
      headers.set(
        'WWW-Authenticate',
        bearerChallenge({
          resourceMetadataUrl,
          scope: challenge.scope,
          ...(realm === undefined ? {} : { realm }),
          ...(challenge.error === undefined ? {} : { error: challenge.error }),
          ...(challenge.description === undefined ? {} : { errorDescription: challenge.description }),
        }),
      );
      if (challenge.error !== undefined) {
        body.error.data = {
          error: challenge.error,
          ...(challenge.description === undefined ? {} : { error_description: challenge.description }),
        };
      }
    }
    const origin = request.headers.get('origin');
    if (cors !== undefined && origin !== null && allowedOrigin(cors, origin)) {
      const credentials = cors.credentials === true;
      headers.set('Access-Control-Allow-Origin', cors.origin === '*' && !credentials ? '*' : origin);
      if (credentials) headers.set('Access-Control-Allow-Credentials', 'true');
      headers.set('Access-Control-Expose-Headers', 'WWW-Authenticate');
      headers.append('Vary', 'Origin');
    }
    return new Response(JSON.stringify(body), { status, headers });
  }

  async function scopesFor(request: Request): Promise<readonly string[]> {
    if (typeof requiredScopes !== 'function') return requiredScopes;
    return checkScopeList(await requiredScopes(request), 'the result of options.requiredScopes(request)');
  }

  async function authenticate(request: Request, connectionInfo: unknown): Promise<Response> {
    if (request.method === 'OPTIONS') return handler(request, connectionInfo);
    let needed: readonly string[];
    try {
      needed = await scopesFor(request);
    } catch (error) {
      report(error);
      return refuse(request, 500, 'Internal error: the scopes this request needs could not be determined.');
    }
    if (new URL(request.url).searchParams.has('access_token')) {
      return refuse(
        request,
        400,
        'Bad Request: access tokens are accepted only in the Authorization header, never in the query string.',
        {
          error: 'invalid_request',
          description: 'Send the access token as "Authorization: Bearer <token>", not in the URL',
          scope: needed,
        },
      );
    }
    const header = request.headers.get('authorization');
    const scheme = header === null ? undefined : SCHEME.exec(header)?.[1];
    if (header === null || scheme === undefined || scheme.toLowerCase() !== 'bearer') {
      // RFC 6750 §3.1: a request without (Bearer) credentials gets a challenge without an error code.
      return refuse(
        request,
        401,
        'Unauthorized: this server needs an OAuth access token in an "Authorization: Bearer" header. The WWW-Authenticate header names its protected resource metadata.',
        { scope: needed },
      );
    }
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) {
      return refuse(request, 401, 'Unauthorized: the Authorization header must be "Bearer <token>".', {
        error: 'invalid_token',
        description: 'The Authorization header is not of the form "Bearer <token>"',
        scope: needed,
      });
    }
    let authInfo: unknown;
    try {
      authInfo = await verifier(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        return refuse(request, 401, `Unauthorized: ${error.message}.`, {
          error: 'invalid_token',
          description: error.message,
          scope: needed,
        });
      }
      if (error instanceof InsufficientScopeError) {
        const scope = [...new Set([...error.requiredScopes, ...needed])];
        return refuse(request, 403, `Forbidden: ${error.message}.`, {
          error: 'insufficient_scope',
          description: error.message,
          scope,
        });
      }
      report(error);
      return refuse(
        request,
        503,
        'Service Unavailable: the access token could not be verified right now; retry later.',
      );
    }
    if (!isAuthInfo(authInfo)) {
      report(
        new TypeError(
          'requireBearerAuth: the verifier resolved with something that is not an AuthInfo ({ token: string, scopes: string[], expiresAt?: number, … })',
        ),
      );
      return refuse(request, 500, 'Internal error: the access token could not be verified.');
    }
    // The verifier may not check expiry itself (an introspection cache, a hand-written verifier).
    if (authInfo.expiresAt !== undefined && authInfo.expiresAt * 1000 <= Date.now()) {
      return refuse(request, 401, 'Unauthorized: the access token has expired.', {
        error: 'invalid_token',
        description: 'The access token has expired',
        scope: needed,
      });
    }
    const granted = authInfo.scopes;
    if (needed.some((scope) => !satisfies(granted, scope))) {
      return refuse(
        request,
        403,
        `Forbidden: the access token lacks a scope this request needs; it needs: ${needed.join(' ')}.`,
        {
          error: 'insufficient_scope',
          description: `This request needs the scopes: ${needed.join(' ')}`,
          scope: needed,
        },
      );
    }
    return handler(request, connectionInfo, { authInfo });
  }

  const closeInner = (handler as { close?: unknown }).close;
  return Object.assign(
    async (request: Request, connectionInfo?: unknown): Promise<Response> =>
      authenticate(request, connectionInfo),
    {
      async close(): Promise<void> {
        if (typeof closeInner === 'function') await closeInner.call(handler);
      },
    },
  );
}
