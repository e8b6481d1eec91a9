/**
 * End to end on 127.0.0.1: a pmcp server behind `requireBearerAuth(createHttpHandler(server))` and the metadata
 * handler, JWTs checked against a JWKS endpoint, and real clients — pmcp's in every era, the official SDK 1.x —
 * whose tool call comes back with the subject the token was issued to.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createClient } from '@pmcp/client';
import { createServer } from '@pmcp/server';
import {
  createHttpHandler,
  type HttpClientEra,
  type HttpUnauthorizedContext,
  httpClientTransport,
} from '@pmcp/transport-http';
import { type ListeningServer, listen } from '@pmcp/transport-http/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthInfo } from './auth-info.ts';
import { type ProtectedHandler, requireBearerAuth } from './bearer-auth.ts';
import {
  accessToken,
  ISSUER,
  type JwksServer,
  jwksServer,
  type SigningKey,
  signingKey,
} from './jwt.test-helper.ts';
import { createJwtVerifier } from './jwt-verifier.ts';
import {
  type ProtectedResourceMetadataHandler,
  protectedResourceMetadataHandler,
  protectedResourceMetadataUrl,
} from './metadata.ts';

let key: SigningKey;
let jwks: JwksServer;
let running: ListeningServer;
let mcp: ProtectedHandler;
let metadata: ProtectedResourceMetadataHandler;
/** The MCP endpoint, which is also the resource tokens must be issued for. */
let resource: string;
let sseUrl: string;

beforeAll(async () => {
  key = await signingKey('e2e');
  jwks = await jwksServer([key.publicJwk]);
  const server = createServer({ name: 'protected-notes', version: '1.0.0' });
  server.tool('whoami', { description: 'The subject and scopes of the caller' }, (_args, ctx) => {
    const auth = ctx.authInfo as AuthInfo | undefined;
    return `${auth?.subject ?? 'anonymous'} [${auth?.scopes.join(' ') ?? ''}] (${ctx.era})`;
  });
  // The handlers need the URL, which exists once the port is bound: the listener looks them up per request.
  running = await listen(async (request, info) => metadata(request) ?? mcp(request, info));
  resource = running.url;
  sseUrl = new URL('/sse', resource).href;
  metadata = protectedResourceMetadataHandler({
    resource,
    authorizationServers: [ISSUER],
    scopesSupported: ['notes:read'],
  });
  mcp = requireBearerAuth(createHttpHandler(server, { enableLegacySse: true }), {
    verifier: createJwtVerifier({ issuer: ISSUER, audience: resource, jwksUrl: jwks.url }),
    resourceMetadataUrl: protectedResourceMetadataUrl(resource),
    requiredScopes: ['notes:read'],
  });
});

afterAll(async () => {
  await mcp?.close();
  await running?.close();
  await jwks?.close();
});

function tokenFor(subject: string, claims: Record<string, unknown> = {}): Promise<string> {
  return accessToken(key, { claims: { aud: resource, sub: subject, ...claims } });
}

/** A static token; every refusal is recorded and not retried. */
function staticAuth(token: string | undefined) {
  const refusals: HttpUnauthorizedContext[] = [];
  return {
    refusals,
    auth: {
      tokens: () => (token === undefined ? undefined : { access_token: token, token_type: 'Bearer' }),
      onUnauthorized: (context: HttpUnauthorizedContext) => {
        refusals.push(context);
        return false;
      },
    },
  };
}

function textOf(result: { content: unknown }): string {
  return (result.content as { type: string; text?: string }[]).map((block) => block.text ?? '').join('');
}

describe('a protected pmcp server, end to end', () => {
  it.each<[HttpClientEra, string, 'modern' | 'legacy']>([
    ['modern', 'endpoint', 'modern'],
    ['auto', 'endpoint', 'modern'],
    ['legacy', 'endpoint', 'legacy'],
    ['legacy-sse', 'sse', 'legacy'],
  ])('serves a pmcp client (era %s) and its tool sees the token subject', async (era, path, expected) => {
    const { auth, refusals } = staticAuth(await tokenFor(`alice-${era}`));
    const client = createClient({ name: 'e2e', version: '1.0.0' });
    await client.connect(httpClientTransport(path === 'sse' ? sseUrl : resource, { era, auth }));
    try {
      expect(client.era).toBe(expected);
      const result = await client.callTool('whoami', {});
      expect(textOf(result)).toBe(`alice-${era} [notes:read] (${expected})`);
      expect(refusals).toEqual([]);
    } finally {
      await client.close();
    }
  });

  /** Connects a pmcp client (era auto) that must be refused; every challenge it saw, and the error. */
  async function refusedConnect(token: string | undefined) {
    const { auth, refusals } = staticAuth(token);
    const client = createClient({ name: 'e2e', version: '1.0.0' });
    const error: unknown = await client.connect(httpClientTransport(resource, { auth })).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    await client.close();
    // The client tries server/discover, then initialize: each attempt is refused the same way.
    expect(refusals.length).toBeGreaterThan(0);
    const challenges = new Set(refusals.map((refusal) => refusal.response.headers.get('www-authenticate')));
    expect(challenges.size).toBe(1);
    return {
      error: error as { data?: Record<string, unknown> } | undefined,
      status: new Set(refusals.map((refusal) => refusal.response.status)),
      challenge: [...challenges][0],
    };
  }

  it('refuses a token issued for another resource with 401 invalid_token', async () => {
    const refused = await refusedConnect(await tokenFor('alice', { aud: 'https://other.example.com/mcp' }));
    expect(refused.status).toEqual(new Set([401]));
    expect(refused.challenge).toBe(
      `Bearer error="invalid_token", error_description="The access token was issued for another resource (aud); request one for this server", scope="notes:read", resource_metadata="${protectedResourceMetadataUrl(resource)}"`,
    );
    expect(refused.error?.data).toMatchObject({ httpStatus: 401, error: 'invalid_token' });
  });

  it('challenges a client without a token, and the challenge leads to the metadata and its authorization server', async () => {
    const refused = await refusedConnect(undefined);
    expect(refused.status).toEqual(new Set([401]));
    expect(refused.error?.data).toMatchObject({ httpStatus: 401 });
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(refused.challenge ?? '')?.[1];
    expect(metadataUrl).toBe(new URL('/.well-known/oauth-protected-resource/mcp', resource).href);
    const document = await (await fetch(metadataUrl ?? '')).json();
    expect(document).toEqual({
      resource,
      authorization_servers: [ISSUER],
      bearer_methods_supported: ['header'],
      scopes_supported: ['notes:read'],
    });
    const root = await fetch(new URL('/.well-known/oauth-protected-resource', resource));
    expect(root.status).toBe(200);
  });

  it('answers 403 insufficient_scope to a valid token without the required scope', async () => {
    const refused = await refusedConnect(await tokenFor('carol', { scope: 'calendar:read' }));
    expect(refused.status).toEqual(new Set([403]));
    expect(refused.challenge).toBe(
      `Bearer error="insufficient_scope", error_description="This request needs the scopes: notes:read", scope="notes:read", resource_metadata="${protectedResourceMetadataUrl(resource)}"`,
    );
    expect(refused.error?.data).toMatchObject({ httpStatus: 403, error: 'insufficient_scope' });
  });

  it('serves the official SDK 1.x client with a bearer header, and keeps others out of its session', async () => {
    const token = await tokenFor('dave');
    const transport = new StreamableHTTPClientTransport(new URL(resource), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    });
    const client = new Client({ name: 'official', version: '1.0.0' });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      expect(textOf(result as { content: unknown })).toBe('dave [notes:read] (legacy)');
      const sessionId = transport.sessionId;
      expect(sessionId).toMatch(/^[0-9a-f]{32}$/);
      const hijack = await fetch(resource, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await tokenFor('eve')}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-session-id': sessionId ?? '',
          'mcp-protocol-version': '2025-11-25',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'whoami' } }),
      });
      expect(hijack.status).toBe(403);
      expect(((await hijack.json()) as { error: { message: string } }).error.message).toMatch(
        /^Forbidden: this session belongs to a different authenticated user or client/,
      );
    } finally {
      await client.close();
    }
  });

  it('refuses the official SDK client without a token', async () => {
    const client = new Client({ name: 'official', version: '1.0.0' });
    await expect(client.connect(new StreamableHTTPClientTransport(new URL(resource)))).rejects.toThrow(
      /Unauthorized: this server needs an OAuth access token/,
    );
  });
});
