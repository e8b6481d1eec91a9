/**
 * A pmcp server behind bearer auth, and a minimal authorization server that approves everyone at once (metadata,
 * dynamic registration, an auto-approving /authorize, /token with a PKCE check, JWKS). For tests only: no users,
 * no consent, everything in memory. Everything listens on 127.0.0.1.
 */
import { createServer as createNodeServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AuthInfo,
  createJwtVerifier,
  type ProtectedHandler,
  type ProtectedResourceMetadataHandler,
  protectedResourceMetadataHandler,
  protectedResourceMetadataUrl,
  requireBearerAuth,
} from '@pmcp/auth';
import { createServer } from '@pmcp/server';
import { createHttpHandler } from '@pmcp/transport-http';
import { listen } from '@pmcp/transport-http/node';
import { base64url, exportJWK, generateKeyPair, SignJWT } from 'jose';

export const SCOPES: readonly string[] = ['notes:read'];
/** A client the authorization server knows without registration (for --client-id). */
export const PRE_REGISTERED_CLIENT_ID = 'mcp-tester-ci';
/** A service allowed the client credentials grant with this secret (for --oauth-client-credentials). */
export const SERVICE_CLIENT = { id: 'mcp-tester-service', secret: 'service secret' } as const;

export interface ProtectedSetup {
  /** The MCP endpoint (the token audience). */
  url: string;
  issuer: string;
  /** How many clients registered dynamically. */
  registrations(): number;
  /** The client_ids that redeemed a code at /token. */
  tokenClients(): string[];
  close(): Promise<void>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
}

class Refusal extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, description: string) {
    super(description);
    this.status = status;
    this.code = code;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url.encode(new Uint8Array(digest));
}

function isLoopback(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && url.hostname === '127.0.0.1';
  } catch {
    return false;
  }
}

async function startAuthorizationServer(resource: () => string): Promise<{
  issuer: string;
  registrations(): number;
  tokenClients(): string[];
  close(): Promise<void>;
}> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  // A pre-registered client may use any loopback redirect URI, as RFC 8252 allows for native apps.
  const clients = new Map<string, readonly string[] | 'any-loopback'>([
    [PRE_REGISTERED_CLIENT_ID, 'any-loopback'],
  ]);
  const codes = new Map<string, PendingCode>();
  const redeemedBy: string[] = [];
  let registered = 0;
  let issuer = '';

  const accessToken = (clientId: string, scope: string, subject: string): Promise<string> =>
    new SignJWT({ scope, client_id: clientId })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(resource())
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', issuer);
    switch (`${request.method} ${url.pathname}`) {
      case 'GET /.well-known/oauth-authorization-server':
        return sendJson(response, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          registration_endpoint: `${issuer}/register`,
          jwks_uri: `${issuer}/jwks`,
          scopes_supported: SCOPES,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'client_credentials'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
          authorization_response_iss_parameter_supported: true,
        });
      case 'GET /jwks':
        return sendJson(response, 200, { keys: [publicJwk] });
      case 'POST /register': {
        const metadata = JSON.parse(await readBody(request)) as { redirect_uris?: unknown };
        const uris = metadata.redirect_uris;
        if (!Array.isArray(uris) || !uris.every((uri) => typeof uri === 'string' && isLoopback(uri))) {
          throw new Refusal(400, 'invalid_redirect_uri', 'redirect_uris must be loopback http: URLs.');
        }
        const clientId = crypto.randomUUID();
        clients.set(clientId, uris as string[]);
        registered += 1;
        return sendJson(response, 201, {
          ...metadata,
          client_id: clientId,
          token_endpoint_auth_method: 'none',
        });
      }
      case 'GET /authorize': {
        const params = url.searchParams;
        const clientId = params.get('client_id') ?? '';
        const redirectUri = params.get('redirect_uri') ?? '';
        const allowed = clients.get(clientId);
        if (allowed === undefined) throw new Refusal(400, 'invalid_client', `Unknown client ${clientId}.`);
        if (allowed === 'any-loopback' ? !isLoopback(redirectUri) : !allowed.includes(redirectUri)) {
          throw new Refusal(400, 'invalid_request', `redirect_uri ${redirectUri} is not registered.`);
        }
        if (params.get('code_challenge_method') !== 'S256' || params.get('resource') !== resource()) {
          throw new Refusal(400, 'invalid_request', 'PKCE S256 and this server as resource are required.');
        }
        const code = crypto.randomUUID();
        codes.set(code, {
          clientId,
          redirectUri,
          codeChallenge: params.get('code_challenge') ?? '',
          scope: params.get('scope') || SCOPES.join(' '),
        });
        const back = new URL(redirectUri);
        back.searchParams.set('code', code);
        back.searchParams.set('state', params.get('state') ?? '');
        back.searchParams.set('iss', issuer);
        response.writeHead(302, { location: back.href }).end();
        return;
      }
      case 'POST /token': {
        const params = new URLSearchParams(await readBody(request));
        if (params.get('grant_type') === 'client_credentials') {
          const [id, secret] = atob((request.headers.authorization ?? '').replace(/^Basic /, ''))
            .split(':')
            .map((part) => decodeURIComponent(part.replaceAll('+', ' ')));
          if (
            id !== SERVICE_CLIENT.id ||
            secret !== SERVICE_CLIENT.secret ||
            params.get('resource') !== resource()
          ) {
            throw new Refusal(401, 'invalid_client', 'Unknown service or secret, or not this resource.');
          }
          redeemedBy.push(id);
          return sendJson(response, 200, {
            access_token: await accessToken(id, params.get('scope') || SCOPES.join(' '), id),
            token_type: 'Bearer',
            expires_in: 3600,
          });
        }
        const code = params.get('code') ?? '';
        const pending = codes.get(code);
        codes.delete(code);
        if (
          pending === undefined ||
          params.get('grant_type') !== 'authorization_code' ||
          params.get('client_id') !== pending.clientId ||
          params.get('redirect_uri') !== pending.redirectUri ||
          (await s256(params.get('code_verifier') ?? '')) !== pending.codeChallenge
        ) {
          throw new Refusal(400, 'invalid_grant', 'Unknown code, or client, redirect_uri or PKCE mismatch.');
        }
        redeemedBy.push(pending.clientId);
        return sendJson(response, 200, {
          access_token: await accessToken(pending.clientId, pending.scope, 'alice'),
          token_type: 'Bearer',
          expires_in: 3600,
          scope: pending.scope,
        });
      }
      default:
        throw new Refusal(404, 'not_found', `Nothing at ${request.method} ${url.pathname}.`);
    }
  };

  const server = createNodeServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      const refusal = error instanceof Refusal ? error : new Refusal(500, 'server_error', String(error));
      sendJson(response, refusal.status, { error: refusal.code, error_description: refusal.message });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    registrations: () => registered,
    tokenClients: () => [...redeemedBy],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A pmcp server with a `whoami` tool, protected by bearer tokens from the authorization server above. */
export async function startProtectedServer(): Promise<ProtectedSetup> {
  const server = createServer({ name: 'protected', version: '1.0.0' });
  server.tool('whoami', { description: 'The subject of the access token' }, (_args, ctx) => {
    const auth = ctx.authInfo as AuthInfo | undefined;
    return auth?.subject ?? 'anonymous';
  });
  server.onerror = () => {};
  let metadata: ProtectedResourceMetadataHandler | undefined;
  let mcp: ProtectedHandler | undefined;
  const running = await listen(
    async (request, info) => {
      const document = metadata?.(request);
      if (document !== undefined) return document;
      if (mcp === undefined) return new Response('starting', { status: 503 });
      return mcp(request, info);
    },
    { host: '127.0.0.1' },
  );
  const resource = running.url;
  const authorizationServer = await startAuthorizationServer(() => resource);
  metadata = protectedResourceMetadataHandler({
    resource,
    authorizationServers: [authorizationServer.issuer],
    scopesSupported: SCOPES,
  });
  mcp = requireBearerAuth(createHttpHandler(server), {
    verifier: createJwtVerifier({
      issuer: authorizationServer.issuer,
      audience: resource,
      jwksUrl: `${authorizationServer.issuer}/jwks`,
    }),
    resourceMetadataUrl: protectedResourceMetadataUrl(resource),
    requiredScopes: SCOPES,
  });
  const handler = mcp;
  return {
    url: resource,
    issuer: authorizationServer.issuer,
    registrations: authorizationServer.registrations,
    tokenClients: authorizationServer.tokenClients,
    close: async () => {
      await handler.close();
      await running.close();
      await authorizationServer.close();
    },
  };
}
