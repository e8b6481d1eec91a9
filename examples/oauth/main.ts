/**
 * OAuth 2.1 end to end, in one process on 127.0.0.1, with no external service:
 *
 * 1. a tiny authorization server (FOR THE EXAMPLE ONLY: it approves everyone as "alice"), with RFC 8414 metadata,
 *    Dynamic Client Registration, an auto-approving `/authorize`, a `/token` endpoint that checks PKCE (S256) and
 *    the `resource` indicator and signs a JWT with `jose`, and its JWKS;
 * 2. a pmcp server whose `whoami` tool reads `ctx.authInfo`, behind `requireBearerAuth`, publishing its
 *    Protected Resource Metadata;
 * 3. a pmcp client with `createOAuthClientProvider`, once per era: the first request is refused with 401, the
 *    provider discovers, registers, authorizes and fetches a token, and the transport retries with it.
 *
 * Run: node --conditions=@pmcp/source examples/oauth/main.ts
 */
import { createServer as createNodeServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AuthInfo,
  createHeadlessAuthorizer,
  createJwtVerifier,
  createOAuthClientProvider,
  type OAuthFetch,
  type ProtectedHandler,
  type ProtectedResourceMetadataHandler,
  protectedResourceMetadataHandler,
  protectedResourceMetadataUrl,
  requireBearerAuth,
} from '@pmcp/auth';
import { createClient } from '@pmcp/client';
import { createServer } from '@pmcp/server';
import { createHttpHandler, type FetchLike, httpClientTransport } from '@pmcp/transport-http';
import { listen } from '@pmcp/transport-http/node';
import { base64url, decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';

const SCOPES = ['notes:read', 'notes:write'] as const;
/**
 * A desktop app would listen here for the browser's redirect. The headless authorizer reads the redirect's
 * `Location` without following it, so nothing needs to listen in this example.
 */
const REDIRECT_URL = 'http://127.0.0.1:8765/callback';

/** What happened during the current connection, printed under its era's header (known only once connected). */
const trace: string[] = [];
const step = (what: string, detail: string): void => {
  trace.push(`  ${what.padEnd(13)} ${detail}`);
};
const flushTrace = (): void => {
  for (const line of trace.splice(0)) console.log(line);
};

// ── 1. The authorization server — FOR THE EXAMPLE ONLY ────────────────────────────────────────────────────────
// No users, no consent screen, no persistence, codes and clients in memory: just enough OAuth 2.1 to show the
// flow. Use a real authorization server (Keycloak, Auth0, Entra ID, …) for anything else.

interface AuthorizationServer {
  readonly issuer: string;
  readonly jwksUrl: string;
  close(): Promise<void>;
}

interface AuthorizationServerOptions {
  /** The one MCP server it issues tokens for: the only `resource` it accepts and the `aud` of its tokens. */
  resource: string;
  scopes: readonly string[];
  /** Everyone who comes to `/authorize` is approved as this user. */
  subject: string;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  resource: string;
  scope: string;
  expiresAt: number;
}

class OAuthRefusal extends Error {
  readonly status: number;
  readonly error: string;
  constructor(status: number, error: string, description: string) {
    super(description);
    this.status = status;
    this.error = error;
  }
}

const MAX_BODY_BYTES = 64 * 1024;
const TOKEN_LIFETIME_S = 3600;
const CODE_LIFETIME_MS = 60_000;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new OAuthRefusal(413, 'invalid_request', `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(JSON.stringify(body));
}

async function s256(verifier: string): Promise<string> {
  return base64url.encode(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
}

function isAllowedRedirectUri(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (
      url.protocol === 'https:' ||
      (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
    );
  } catch {
    return false;
  }
}

async function startAuthorizationServer(options: AuthorizationServerOptions): Promise<AuthorizationServer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const kid = 'example-key-1';
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const clients = new Map<string, { redirectUris: readonly string[] }>();
  const codes = new Map<string, PendingCode>();
  let issuer = '';

  const serverMetadata = () => ({
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    registration_endpoint: `${issuer}/register`,
    jwks_uri: `${issuer}/jwks`,
    scopes_supported: options.scopes,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none'],
    authorization_response_iss_parameter_supported: true,
  });

  /** RFC 7591: public clients only (a native app cannot keep a secret). */
  const register = (body: string, response: ServerResponse): void => {
    let requested: unknown;
    try {
      requested = JSON.parse(body);
    } catch {
      throw new OAuthRefusal(400, 'invalid_client_metadata', 'The registration request is not JSON.');
    }
    if (typeof requested !== 'object' || requested === null || Array.isArray(requested)) {
      throw new OAuthRefusal(
        400,
        'invalid_client_metadata',
        'The registration request must be a JSON object.',
      );
    }
    const metadataIn = requested as Record<string, unknown>;
    const redirectUris = metadataIn.redirect_uris;
    if (
      !Array.isArray(redirectUris) ||
      redirectUris.length === 0 ||
      !redirectUris.every(isAllowedRedirectUri)
    ) {
      throw new OAuthRefusal(
        400,
        'invalid_redirect_uri',
        'redirect_uris must be a non-empty array of https: or loopback http: URLs.',
      );
    }
    const authMethod = metadataIn.token_endpoint_auth_method ?? 'none';
    if (authMethod !== 'none') {
      throw new OAuthRefusal(
        400,
        'invalid_client_metadata',
        `This server registers public clients only; token_endpoint_auth_method must be "none", not ${JSON.stringify(authMethod)}.`,
      );
    }
    const clientId = crypto.randomUUID();
    clients.set(clientId, { redirectUris });
    sendJson(response, 201, {
      ...metadataIn,
      client_id: clientId,
      client_id_issued_at: Math.floor(Date.now() / 1000),
      token_endpoint_auth_method: 'none',
    });
  };

  /** What is wrong with an authorization request from a known client (RFC 6749 §4.1.2.1: told by redirect). */
  const authorizationRequestError = (
    params: URLSearchParams,
  ): { error: string; description: string } | undefined => {
    if (params.get('response_type') !== 'code') {
      return { error: 'unsupported_response_type', description: 'Only response_type=code is supported.' };
    }
    if (params.get('code_challenge') === null || params.get('code_challenge_method') !== 'S256') {
      return {
        error: 'invalid_request',
        description: 'PKCE is required: send code_challenge with code_challenge_method=S256.',
      };
    }
    if (params.get('resource') !== options.resource) {
      return {
        error: 'invalid_target',
        description: `This server issues tokens for ${options.resource} only (resource parameter).`,
      };
    }
    const scope = params.get('scope');
    const unknownScopes = (scope ?? '')
      .split(' ')
      .filter((name) => name !== '' && !options.scopes.includes(name));
    if (unknownScopes.length > 0) {
      return { error: 'invalid_scope', description: `Unknown scopes: ${unknownScopes.join(' ')}.` };
    }
    return undefined;
  };

  /** Approves at once: no login, no consent. Errors about the client or redirect URI must not redirect. */
  const authorize = (params: URLSearchParams, response: ServerResponse): void => {
    const clientId = params.get('client_id') ?? '';
    const redirectUri = params.get('redirect_uri') ?? '';
    const client = clients.get(clientId);
    if (client === undefined) {
      throw new OAuthRefusal(
        400,
        'invalid_client',
        `Unknown client_id ${JSON.stringify(clientId)}; register first.`,
      );
    }
    if (!client.redirectUris.includes(redirectUri)) {
      throw new OAuthRefusal(
        400,
        'invalid_request',
        `redirect_uri ${JSON.stringify(redirectUri)} is not registered.`,
      );
    }
    const back = new URL(redirectUri);
    const state = params.get('state');
    if (state !== null) back.searchParams.set('state', state);
    // RFC 9207: the client checks this to detect a mix-up between authorization servers.
    back.searchParams.set('iss', issuer);
    const refusal = authorizationRequestError(params);
    if (refusal !== undefined) {
      back.searchParams.set('error', refusal.error);
      back.searchParams.set('error_description', refusal.description);
      response.writeHead(302, { location: back.href }).end();
      return;
    }
    const codeChallenge = params.get('code_challenge') ?? '';
    const resource = options.resource;
    // No scope asked for: grant the default (all of them, for this toy).
    const scope = params.get('scope') || options.scopes.join(' ');
    const code = crypto.randomUUID();
    codes.set(code, {
      clientId,
      redirectUri,
      codeChallenge,
      resource,
      scope,
      expiresAt: Date.now() + CODE_LIFETIME_MS,
    });
    back.searchParams.set('code', code);
    response.writeHead(302, { location: back.href }).end();
  };

  const token = async (params: URLSearchParams, response: ServerResponse): Promise<void> => {
    if (params.get('grant_type') !== 'authorization_code') {
      throw new OAuthRefusal(
        400,
        'unsupported_grant_type',
        'Only grant_type=authorization_code is supported.',
      );
    }
    const code = params.get('code') ?? '';
    const pending = codes.get(code);
    codes.delete(code); // single use, even when the exchange fails
    if (pending === undefined || pending.expiresAt < Date.now()) {
      throw new OAuthRefusal(400, 'invalid_grant', 'The authorization code is unknown, used or expired.');
    }
    if (params.get('client_id') !== pending.clientId || params.get('redirect_uri') !== pending.redirectUri) {
      throw new OAuthRefusal(
        400,
        'invalid_grant',
        'client_id or redirect_uri differ from the authorization request.',
      );
    }
    const verifier = params.get('code_verifier');
    if (verifier === null || (await s256(verifier)) !== pending.codeChallenge) {
      throw new OAuthRefusal(
        400,
        'invalid_grant',
        'PKCE verification failed: code_verifier does not match code_challenge.',
      );
    }
    if (params.get('resource') !== pending.resource) {
      throw new OAuthRefusal(400, 'invalid_target', 'resource differs from the one authorized.');
    }
    const accessToken = await new SignJWT({ scope: pending.scope, client_id: pending.clientId })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(pending.resource)
      .setSubject(options.subject)
      .setIssuedAt()
      .setExpirationTime(`${TOKEN_LIFETIME_S}s`)
      .setJti(crypto.randomUUID())
      .sign(privateKey);
    step(
      'auth server',
      `code_verifier matches code_challenge (S256), resource ${pending.resource} matches → JWT for ${options.subject}`,
    );
    sendJson(response, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_S,
      scope: pending.scope,
    });
  };

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', issuer);
    switch (`${request.method} ${url.pathname}`) {
      case 'GET /.well-known/oauth-authorization-server':
        return sendJson(response, 200, serverMetadata());
      case 'GET /jwks':
        return sendJson(response, 200, { keys: [publicJwk] });
      case 'POST /register':
        return register(await readBody(request), response);
      case 'GET /authorize':
        return authorize(url.searchParams, response);
      case 'POST /token':
        return token(new URLSearchParams(await readBody(request)), response);
      default:
        throw new OAuthRefusal(404, 'not_found', `Nothing at ${request.method} ${url.pathname}.`);
    }
  };

  const httpServer = createNodeServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      const refusal =
        error instanceof OAuthRefusal ? error : new OAuthRefusal(500, 'server_error', String(error));
      sendJson(response, refusal.status, { error: refusal.error, error_description: refusal.message });
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    close: () =>
      new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      }),
  };
}

// ── 2. The protected MCP server ────────────────────────────────────────────────────────────────────────────────

const server = createServer({ name: 'oauth-example', version: '1.0.0' });
server.tool(
  'whoami',
  { description: 'The user and scopes of the access token this call came with' },
  (_args, ctx) => {
    const auth = ctx.authInfo as AuthInfo | undefined;
    return auth === undefined ? 'anonymous' : `${auth.subject} with scopes ${auth.scopes.join(' ')}`;
  },
);

// The resource (= the token audience) is the URL the server gets once its port is bound, so the listener looks
// the handlers up per request and they are created right after.
let metadata: ProtectedResourceMetadataHandler | undefined;
let mcp: ProtectedHandler | undefined;
const running = await listen(async (request, info) => {
  const document = metadata?.(request);
  if (document !== undefined) return document;
  if (mcp === undefined) return new Response('starting', { status: 503 });
  return mcp(request, info);
});
const resource = running.url;
const authorizationServer = await startAuthorizationServer({ resource, scopes: SCOPES, subject: 'alice' });
metadata = protectedResourceMetadataHandler({
  resource,
  authorizationServers: [authorizationServer.issuer],
  scopesSupported: SCOPES,
});
mcp = requireBearerAuth(createHttpHandler(server), {
  verifier: createJwtVerifier({
    issuer: authorizationServer.issuer,
    audience: resource,
    jwksUrl: authorizationServer.jwksUrl,
    typ: 'at+jwt',
  }),
  resourceMetadataUrl: protectedResourceMetadataUrl(resource),
  requiredScopes: SCOPES,
});
console.log(`MCP server ${resource}, authorization server ${authorizationServer.issuer}`);

// ── 3. The client ──────────────────────────────────────────────────────────────────────────────────────────────

function mcpMethodOf(body: RequestInit['body']): string | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const method = (JSON.parse(body) as { method?: unknown }).method;
    return typeof method === 'string' ? method : undefined;
  } catch {
    return undefined;
  }
}

/** The MCP requests: shows the 401 challenge and the retry that carries the token. */
function tracingMcpFetch(): FetchLike {
  let challenged = false;
  return async (input, init) => {
    const response = await fetch(input, init);
    const what = `${init.method ?? 'GET'} ${String(input)} (${mcpMethodOf(init.body) ?? 'no body'})`;
    if (response.status === 401) {
      challenged = true;
      step('challenge', `${what} → 401, WWW-Authenticate: ${response.headers.get('www-authenticate')}`);
    } else if (challenged && new Headers(init.headers).get('authorization')?.startsWith('Bearer ')) {
      challenged = false;
      step('retried', `${what} with Authorization: Bearer <token> → ${response.status}`);
    }
    return response;
  };
}

/** The OAuth provider's own requests: discovery, registration and the token exchange. */
const tracingOAuthFetch: OAuthFetch = async (input, init) => {
  const response = await fetch(input, init);
  const url = new URL(input);
  const request = `${init?.method ?? 'GET'} ${url.href} → ${response.status}`;
  const body = response.ok
    ? ((await response
        .clone()
        .json()
        .catch(() => ({}))) as Record<string, unknown>)
    : {};
  if (url.pathname.startsWith('/.well-known/oauth-protected-resource')) {
    step('discovery', `${request}, authorization_servers ${JSON.stringify(body.authorization_servers)}`);
  } else if (url.pathname.startsWith('/.well-known/')) {
    step(
      'discovery',
      `${request}, code_challenge_methods_supported ${JSON.stringify(body.code_challenge_methods_supported)}`,
    );
  } else if (url.pathname === '/register') {
    const sent = JSON.parse(String(init?.body)) as Record<string, unknown>;
    step(
      'registration',
      `${request}, application_type ${sent.application_type}, client_id ${body.client_id}`,
    );
  } else if (url.pathname === '/token') {
    const sent = new URLSearchParams(String(init?.body));
    step(
      'token',
      `${request} (grant_type ${sent.get('grant_type')}, code_verifier, resource ${sent.get('resource')}): ` +
        `${body.token_type}, expires_in ${body.expires_in}, scope "${body.scope}"`,
    );
    if (typeof body.access_token === 'string') {
      // Only to show what the server will check; a client treats access tokens as opaque.
      const claims = decodeJwt(body.access_token);
      step(
        'access token',
        `JWT iss ${claims.iss}, aud ${claims.aud}, sub ${claims.sub}, scope "${claims.scope}", lifetime ${(claims.exp ?? 0) - (claims.iat ?? 0)} s`,
      );
    }
  } else {
    step('oauth', request);
  }
  return response;
};

/** The user-agent step without a user: our authorization server redirects at once. */
const headless = createHeadlessAuthorizer();
const redirectToAuthorization = async (authorizationUrl: URL): Promise<string> => {
  const params = authorizationUrl.searchParams;
  step(
    'authorize',
    `GET ${authorizationUrl.origin}${authorizationUrl.pathname} with response_type ${params.get('response_type')}, ` +
      `code_challenge_method ${params.get('code_challenge_method')}, resource ${params.get('resource')}, ` +
      `scope "${params.get('scope')}", state`,
  );
  const callback = String(await headless(authorizationUrl));
  step('redirected', callback);
  return callback;
};

for (const era of ['modern', 'legacy'] as const) {
  // A fresh provider (with fresh in-memory storage) per era, so each era shows the whole flow.
  const auth = createOAuthClientProvider({
    serverUrl: resource,
    redirectUrl: REDIRECT_URL,
    redirectToAuthorization,
    clientMetadata: { client_name: 'pmcp OAuth example' },
    fetch: tracingOAuthFetch,
  });
  const client = createClient({ name: 'oauth-example-client', version: '1.0.0' });
  await client.connect(httpClientTransport(resource, { auth, fetch: tracingMcpFetch() }), { era });
  console.log(`\n── ${client.era} era (${client.protocolVersion}) ──`);
  flushTrace();
  const result = await client.callTool('whoami', {});
  const text = result.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
  console.log(`whoami → ${text}`);
  await client.close();
  flushTrace();
}

await mcp.close();
await running.close();
await authorizationServer.close();
console.log('\noauth example finished');
