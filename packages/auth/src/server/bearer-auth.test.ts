import { beforeAll, describe, expect, it } from 'vitest';
import { type AuthInfo, InsufficientScopeError, InvalidTokenError, type TokenVerifier } from './auth-info.ts';
import { type BearerAuthOptions, type BearerProtectedHandler, requireBearerAuth } from './bearer-auth.ts';
import { accessToken, ISSUER, RESOURCE, type SigningKey, signingKey } from './jwt.test-helper.ts';
import { createJwtVerifier } from './jwt-verifier.ts';

const PRM = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const URL_ = 'https://mcp.example.com/mcp';

interface Call {
  request: Request;
  connectionInfo: unknown;
  context: { authInfo?: AuthInfo } | undefined;
}

function recordingHandler(): BearerProtectedHandler & { calls: Call[] } {
  const calls: Call[] = [];
  const handler = async (request: Request, connectionInfo?: unknown, context?: { authInfo?: AuthInfo }) => {
    calls.push({ request, connectionInfo, context });
    return new Response('inner', { status: 200 });
  };
  return Object.assign(handler, { calls });
}

let key: SigningKey;
beforeAll(async () => {
  key = await signingKey('k1');
});

function jwtVerifier(): TokenVerifier {
  return createJwtVerifier({ issuer: ISSUER, audience: RESOURCE, key: key.publicKey });
}

/** Overrides of the defaults; `undefined` removes one (as a caller who leaves an option out). */
type Overrides = { [K in keyof BearerAuthOptions]?: BearerAuthOptions[K] | undefined };

function protect(options: Overrides = {}) {
  const inner = recordingHandler();
  const protectedHandler = requireBearerAuth(inner, {
    verifier: jwtVerifier(),
    resourceMetadataUrl: PRM,
    requiredScopes: ['notes:read'],
    ...options,
  } as BearerAuthOptions);
  return { inner, protectedHandler };
}

function post(headers: Record<string, string> = {}, url = URL_): Request {
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
  });
}

async function expectRefusal(
  response: Response,
  status: number,
  challenge: string | null,
  error: { code: number; message: string | RegExp; data?: unknown },
): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('www-authenticate')).toBe(challenge);
  expect(response.headers.get('content-type')).toBe('application/json');
  const body = (await response.json()) as { jsonrpc: string; error: Record<string, unknown> };
  expect(body.jsonrpc).toBe('2.0');
  expect(body).not.toHaveProperty('id');
  expect(body.error.code).toBe(error.code);
  expect(body.error.message).toMatch(error.message);
  expect(body.error.data).toEqual(error.data);
}

describe('requireBearerAuth', () => {
  it('passes a valid token through, with its AuthInfo as the third argument', async () => {
    const { inner, protectedHandler } = protect();
    const token = await accessToken(key);
    const info = { remoteAddr: { hostname: '127.0.0.1' } };
    const response = await protectedHandler(post({ authorization: `Bearer ${token}` }), info);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('inner');
    expect(inner.calls).toHaveLength(1);
    expect(inner.calls[0]?.connectionInfo).toBe(info);
    expect(inner.calls[0]?.context?.authInfo).toMatchObject({
      token,
      subject: 'user-1',
      clientId: 'client-1',
      scopes: ['notes:read'],
      resource: RESOURCE,
    });
  });

  it('accepts the scheme in any case', async () => {
    const { inner, protectedHandler } = protect();
    const response = await protectedHandler(post({ authorization: `bEaReR ${await accessToken(key)}` }));
    expect(response.status).toBe(200);
    expect(inner.calls).toHaveLength(1);
  });

  it.each([
    ['no Authorization header', {}],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
  ])('answers %s with 401 and a challenge without error code', async (_case, headers) => {
    const { inner, protectedHandler } = protect();
    await expectRefusal(
      await protectedHandler(post(headers)),
      401,
      `Bearer scope="notes:read", resource_metadata="${PRM}"`,
      { code: -32600, message: /^Unauthorized: this server needs an OAuth access token/ },
    );
    expect(inner.calls).toHaveLength(0);
  });

  it('leaves scope out of the challenge when no scopes are required', async () => {
    const { protectedHandler } = protect({ requiredScopes: undefined });
    const response = await protectedHandler(post());
    expect(response.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${PRM}"`);
  });

  it.each(['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a,b', 'Bearer tok"en'])(
    'answers the malformed header %j with 401 invalid_token',
    async (authorization) => {
      const { inner, protectedHandler } = protect();
      const description = "The Authorization header is not of the form 'Bearer <token>'";
      await expectRefusal(
        await protectedHandler(post({ authorization })),
        401,
        `Bearer error="invalid_token", error_description="${description}", scope="notes:read", resource_metadata="${PRM}"`,
        {
          code: -32600,
          message: 'Unauthorized: the Authorization header must be "Bearer <token>".',
          data: {
            error: 'invalid_token',
            error_description: 'The Authorization header is not of the form "Bearer <token>"',
          },
        },
      );
      expect(inner.calls).toHaveLength(0);
    },
  );

  it.each([
    [
      'for another resource',
      { claims: { aud: 'https://other.example.com/mcp' } },
      'The access token was issued for another resource (aud); request one for this server',
    ],
    ['expired', { expiresIn: -60 }, 'The access token has expired'],
    [
      'from another issuer',
      { claims: { iss: 'https://evil.example.com' } },
      "The access token was rejected: unexpected 'iss' claim value",
    ],
  ])('answers a token %s with 401 invalid_token', async (_case, tokenOptions, description) => {
    const { inner, protectedHandler } = protect();
    const token = await accessToken(key, tokenOptions);
    const response = await protectedHandler(post({ authorization: `Bearer ${token}` }));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_token", error_description="${description}", scope="notes:read", resource_metadata="${PRM}"`,
    );
    expect(inner.calls).toHaveLength(0);
  });

  it('answers a token lacking a required scope with 403 insufficient_scope naming every needed scope', async () => {
    const { inner, protectedHandler } = protect({ requiredScopes: ['notes:read', 'notes:write'] });
    const token = await accessToken(key, { claims: { scope: 'notes:read' } });
    await expectRefusal(
      await protectedHandler(post({ authorization: `Bearer ${token}` })),
      403,
      `Bearer error="insufficient_scope", error_description="This request needs the scopes: notes:read notes:write", scope="notes:read notes:write", resource_metadata="${PRM}"`,
      {
        code: -32600,
        message:
          'Forbidden: the access token lacks a scope this request needs; it needs: notes:read notes:write.',
        data: {
          error: 'insufficient_scope',
          error_description: 'This request needs the scopes: notes:read notes:write',
        },
      },
    );
    expect(inner.calls).toHaveLength(0);
  });

  it("answers the verifier's InsufficientScopeError with 403 and the union of both scope lists", async () => {
    const { protectedHandler } = protect({
      verifier: async () => {
        throw new InsufficientScopeError(['admin'], 'Only admins');
      },
    });
    const response = await protectedHandler(post({ authorization: 'Bearer abc' }));
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_scope", error_description="Only admins", scope="admin notes:read", resource_metadata="${PRM}"`,
    );
  });

  it('refuses an AuthInfo whose expiresAt has passed, even when the verifier did not check it', async () => {
    const { inner, protectedHandler } = protect({
      verifier: async (token) => ({
        token,
        scopes: ['notes:read'],
        expiresAt: Math.floor(Date.now() / 1000) - 1,
      }),
    });
    const response = await protectedHandler(post({ authorization: 'Bearer abc' }));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_token", error_description="The access token has expired", scope="notes:read", resource_metadata="${PRM}"`,
    );
    expect(inner.calls).toHaveLength(0);
  });

  it('refuses a token in the query string with 400 invalid_request, even next to a valid header', async () => {
    const { inner, protectedHandler } = protect();
    const token = await accessToken(key);
    await expectRefusal(
      await protectedHandler(post({ authorization: `Bearer ${token}` }, `${URL_}?access_token=${token}`)),
      400,
      `Bearer error="invalid_request", error_description="Send the access token as 'Authorization: Bearer <token>', not in the URL", scope="notes:read", resource_metadata="${PRM}"`,
      {
        code: -32600,
        message: /only in the Authorization header, never in the query string/,
        data: {
          error: 'invalid_request',
          error_description: 'Send the access token as "Authorization: Bearer <token>", not in the URL',
        },
      },
    );
    expect(inner.calls).toHaveLength(0);
  });

  it('answers 503 when the verifier cannot run, and reports why', async () => {
    const errors: Error[] = [];
    const { inner, protectedHandler } = protect({
      verifier: async () => {
        throw new Error('JWKS endpoint unreachable');
      },
      onerror: (error) => errors.push(error),
    });
    await expectRefusal(await protectedHandler(post({ authorization: 'Bearer abc' })), 503, null, {
      code: -32603,
      message: 'Service Unavailable: the access token could not be verified right now; retry later.',
    });
    expect(errors.map((error) => error.message)).toEqual(['JWKS endpoint unreachable']);
    expect(inner.calls).toHaveLength(0);
  });

  it('answers 500 when the verifier resolves with something that is not an AuthInfo', async () => {
    const errors: Error[] = [];
    const { inner, protectedHandler } = protect({
      verifier: async () => ({ subject: 'x' }) as unknown as AuthInfo,
      onerror: (error) => errors.push(error),
    });
    const response = await protectedHandler(post({ authorization: 'Bearer abc' }));
    expect(response.status).toBe(500);
    expect(errors[0]?.message).toMatch(/not an AuthInfo/);
    expect(inner.calls).toHaveLength(0);
  });

  it('recognises InvalidTokenError from a hand-written verifier', async () => {
    const { protectedHandler } = protect({
      verifier: async () => {
        throw new InvalidTokenError('Token revoked');
      },
    });
    const response = await protectedHandler(post({ authorization: 'Bearer abc' }));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error_description="Token revoked"');
  });

  it('lets CORS preflights through without authentication or context', async () => {
    const { inner, protectedHandler } = protect();
    const preflight = new Request(URL_, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect((await protectedHandler(preflight)).status).toBe(200);
    expect(inner.calls).toHaveLength(1);
    expect(inner.calls[0]?.context).toBeUndefined();
  });

  it('checks scope hierarchies through scopeSatisfies', async () => {
    const { inner, protectedHandler } = protect({
      requiredScopes: ['notes:read'],
      scopeSatisfies: (granted, required) =>
        granted.some((scope) => scope === required || required.startsWith(`${scope}:`)),
    });
    const broad = await accessToken(key, { claims: { scope: 'notes' } });
    expect((await protectedHandler(post({ authorization: `Bearer ${broad}` }))).status).toBe(200);
    const unrelated = await accessToken(key, { claims: { scope: 'calendar' } });
    expect((await protectedHandler(post({ authorization: `Bearer ${unrelated}` }))).status).toBe(403);
    expect(inner.calls).toHaveLength(1);
  });

  it('asks a function for the scopes of each request (per tool, from Mcp-Name)', async () => {
    const { protectedHandler } = protect({
      requiredScopes: (request) =>
        request.headers.get('mcp-name') === 'delete_note' ? ['notes:read', 'notes:delete'] : ['notes:read'],
    });
    const token = await accessToken(key, { claims: { scope: 'notes:read' } });
    const read = await protectedHandler(post({ authorization: `Bearer ${token}`, 'mcp-name': 'list_notes' }));
    expect(read.status).toBe(200);
    const remove = await protectedHandler(
      post({ authorization: `Bearer ${token}`, 'mcp-name': 'delete_note' }),
    );
    expect(remove.status).toBe(403);
    expect(remove.headers.get('www-authenticate')).toContain('scope="notes:read notes:delete"');
    const anonymous = await protectedHandler(post({ 'mcp-name': 'delete_note' }));
    expect(anonymous.headers.get('www-authenticate')).toBe(
      `Bearer scope="notes:read notes:delete", resource_metadata="${PRM}"`,
    );
  });

  it('answers 500 when the scope function fails or returns something else than a list', async () => {
    const errors: Error[] = [];
    const { protectedHandler } = protect({
      requiredScopes: () => 'notes:read' as unknown as string[],
      onerror: (error) => errors.push(error),
    });
    expect((await protectedHandler(post())).status).toBe(500);
    expect(errors[0]?.message).toMatch(/requiredScopes\(request\) must be an array of scopes/);
  });

  describe('CORS on its own refusals', () => {
    it('lets an allowed origin read the challenge', async () => {
      const { protectedHandler } = protect({ cors: { origin: ['https://app.example.com'] } });
      const response = await protectedHandler(post({ origin: 'https://app.example.com' }));
      expect(response.status).toBe(401);
      expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(response.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate');
      expect(response.headers.get('vary')).toBe('Origin');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    });

    it('says * for any origin without credentials, and echoes the origin with them', async () => {
      const any = protect({ cors: { origin: '*' } }).protectedHandler;
      const anyResponse = await any(post({ origin: 'https://x.example' }));
      expect(anyResponse.headers.get('access-control-allow-origin')).toBe('*');
      const withCredentials = protect({ cors: { origin: '*', credentials: true } }).protectedHandler;
      const credentialed = await withCredentials(post({ origin: 'https://x.example' }));
      expect(credentialed.headers.get('access-control-allow-origin')).toBe('https://x.example');
      expect(credentialed.headers.get('access-control-allow-credentials')).toBe('true');
    });

    it('adds nothing for an origin that is not allowed, or without cors', async () => {
      const listed = protect({ cors: { origin: (origin) => origin.endsWith('.trusted.example') } });
      const refused = await listed.protectedHandler(post({ origin: 'https://evil.example' }));
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      const none = await protect().protectedHandler(post({ origin: 'https://app.example.com' }));
      expect(none.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  it('closes the wrapped handler when it can be closed', async () => {
    let closed = 0;
    const inner = Object.assign(recordingHandler(), {
      async close() {
        closed++;
      },
    });
    await requireBearerAuth(inner, { verifier: jwtVerifier(), resourceMetadataUrl: PRM }).close();
    expect(closed).toBe(1);
    await expect(
      requireBearerAuth(recordingHandler(), { verifier: jwtVerifier(), resourceMetadataUrl: PRM }).close(),
    ).resolves.toBeUndefined();
  });

  it.each([
    [{ verifier: undefined }, /options.verifier must be a function/],
    [{ resourceMetadataUrl: '/prm' }, /options.resourceMetadataUrl must be the absolute URL/],
    [{ requiredScopes: ['a b'] }, /options.requiredScopes must be an array of scopes/],
    [{ requiredScopes: [''] }, /options.requiredScopes must be an array of scopes/],
    [{ realm: 'a\nb' }, /realm must be a string of printable ASCII/],
  ])('refuses invalid options %j with a TypeError', (options, message) => {
    const create = () =>
      requireBearerAuth(recordingHandler(), {
        verifier: jwtVerifier(),
        resourceMetadataUrl: PRM,
        ...(options as Partial<BearerAuthOptions>),
      });
    expect(create).toThrow(TypeError);
    expect(create).toThrow(message);
  });

  it('refuses a missing handler with a TypeError', () => {
    expect(() =>
      requireBearerAuth(undefined as unknown as BearerProtectedHandler, {
        verifier: jwtVerifier(),
        resourceMetadataUrl: PRM,
      }),
    ).toThrow(/the first argument must be the handler to protect/);
  });
});
