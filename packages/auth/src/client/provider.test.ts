import { describe, expect, it } from 'vitest';
import { OAuthError } from './errors.ts';
import {
  createFakeWorld,
  type FakeWorld,
  type FakeWorldOptions,
  refusedContext,
} from './fake-oauth.test-helper.ts';
import { createHeadlessAuthorizer } from './headless.ts';
import { s256CodeChallenge } from './pkce.ts';
import { createOAuthClientProvider, type OAuthClientProviderOptions } from './provider.ts';
import { createInMemoryOAuthStorage } from './storage.ts';

const REDIRECT = 'http://127.0.0.1:8765/callback';

function setup(
  worldOptions: FakeWorldOptions = {},
  providerOptions: Partial<OAuthClientProviderOptions> = {},
) {
  const world = createFakeWorld(worldOptions);
  const provider = createOAuthClientProvider({
    serverUrl: world.serverUrl,
    redirectUrl: REDIRECT,
    redirectToAuthorization: createHeadlessAuthorizer({ fetch: world.fetch }),
    fetch: world.fetch,
    ...providerOptions,
  });
  return { world, provider };
}

async function authorizeOnce(world: FakeWorld, provider: ReturnType<typeof setup>['provider']) {
  return provider.onUnauthorized(await refusedContext(world));
}

describe('the authorization code flow', () => {
  it('discovers, registers, authorizes with PKCE, state and resource, and stores the token', async () => {
    const { world, provider } = setup();
    expect(await provider.tokens()).toBeUndefined();
    expect(await authorizeOnce(world, provider)).toBe(true);
    expect(await provider.tokens()).toEqual({ access_token: 'at-1', token_type: 'Bearer' });

    const [authorization] = world.authorizationRequests;
    expect(Object.fromEntries(authorization ?? [])).toMatchObject({
      response_type: 'code',
      client_id: 'dcr-client-1',
      redirect_uri: REDIRECT,
      code_challenge_method: 'S256',
      resource: 'https://mcp.test/mcp',
    });
    expect(authorization?.get('scope')).toBeNull();
    expect(authorization?.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const [token] = world.tokenRequests;
    expect(token?.body.get('resource')).toBe('https://mcp.test/mcp');
    expect(token?.body.get('redirect_uri')).toBe(REDIRECT);
    expect(await s256CodeChallenge(token?.body.get('code_verifier') ?? '')).toBe(
      authorization?.get('code_challenge'),
    );

    expect(world.registrations[0]).toMatchObject({
      redirect_uris: [REDIRECT],
      application_type: 'native',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    });
  });

  it('sends the resource exactly as the metadata publishes it, even without a path', async () => {
    const { world, provider } = setup({ prmLocation: 'root', prmResource: 'https://mcp.test' });
    await authorizeOnce(world, provider);
    expect(world.authorizationRequests[0]?.get('resource')).toBe('https://mcp.test');
    expect(world.tokenRequests[0]?.body.get('resource')).toBe('https://mcp.test');
  });

  it('refuses metadata for another resource before contacting any authorization server', async () => {
    const { world, provider } = setup({ prmResource: 'https://evil.example/mcp' });
    const error = await authorizeOnce(world, provider).catch((e) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.code).toBe('resource_mismatch');
    expect(error.message).toContain('"https://evil.example/mcp"');
    expect(world.log.some((line) => line.includes('auth.test'))).toBe(false);
  });

  it.each([
    [null, 'has no code_challenge_methods_supported'],
    [['plain'], 'lists only ["plain"]'],
  ])('refuses an authorization server without S256 (%j)', async (methods, detail) => {
    const { world, provider } = setup({ codeChallengeMethods: methods });
    const error = await authorizeOnce(world, provider).catch((e) => e);
    expect(error.code).toBe('pkce_unsupported');
    expect(error.message).toContain('does not support PKCE S256');
    expect(error.message).toContain(detail);
    expect(world.authorizationRequests).toHaveLength(0);
  });

  it('surfaces an authorization error with its code, and cleans up the flow', async () => {
    const { world, provider } = setup({ authorizationError: 'access_denied' });
    await expect(authorizeOnce(world, provider)).rejects.toMatchObject({ code: 'access_denied' });
    expect(world.tokenRequests).toHaveLength(0);
  });

  it('finishes later when the user-agent step resolves nothing', async () => {
    const world = createFakeWorld();
    let sentTo: URL | undefined;
    const provider = createOAuthClientProvider({
      serverUrl: world.serverUrl,
      redirectUrl: REDIRECT,
      fetch: world.fetch,
      redirectToAuthorization: (url) => {
        sentTo = url;
        return undefined;
      },
    });
    expect(await authorizeOnce(world, provider)).toBe(false);
    if (sentTo === undefined) throw new Error('the provider never redirected');
    const callback = await createHeadlessAuthorizer({ fetch: world.fetch })(sentTo);
    await provider.finishAuthorization(callback as string);
    expect(await provider.tokens()).toEqual({ access_token: 'at-1', token_type: 'Bearer' });
    // Each state is good for one use only.
    await expect(provider.finishAuthorization(callback as string)).rejects.toMatchObject({
      code: 'state_mismatch',
    });
  });

  it('refuses a callback whose state it never issued, or that is not a URL', async () => {
    const { provider } = setup();
    await expect(provider.finishAuthorization(`${REDIRECT}?code=x&state=forged`)).rejects.toMatchObject({
      code: 'state_mismatch',
    });
    await expect(provider.finishAuthorization(`${REDIRECT}?code=x`)).rejects.toMatchObject({
      code: 'state_mismatch',
    });
    await expect(provider.finishAuthorization('not a url')).rejects.toMatchObject({
      code: 'invalid_callback',
    });
  });

  it('shares one flow between concurrent refusals', async () => {
    const { world, provider } = setup();
    const [a, b] = await Promise.all([
      refusedContext(world).then((context) => provider.onUnauthorized(context)),
      refusedContext(world).then((context) => provider.onUnauthorized(context)),
    ]);
    expect([a, b]).toEqual([true, true]);
    expect(world.authorizationRequests).toHaveLength(1);
  });
});

describe('RFC 9207 iss', () => {
  it.each([
    ['correct', true],
    ['omit', false],
  ] as const)(
    'accepts iss=%s (advertised: %s): present and exact, or absent and not advertised',
    async (issInRedirect, supported) => {
      const { world, provider } = setup({ issInRedirect, issSupported: supported ? true : null });
      expect(await authorizeOnce(world, provider)).toBe(true);
      expect(world.tokenRequests).toHaveLength(1);
    },
  );

  it.each([
    ['wrong', true, /names issuer "https:\/\/evil\.example"/],
    ['wrong', null, /names issuer "https:\/\/evil\.example"/],
    ['normalized', true, /names issuer "https:\/\/auth\.test\/"/],
    ['omit', true, /has no iss parameter although https:\/\/auth\.test advertises/],
  ] as const)(
    'rejects iss=%s (advertised: %s) before any token request',
    async (issInRedirect, issSupported, message) => {
      const { world, provider } = setup({ issInRedirect, issSupported });
      const error = await authorizeOnce(world, provider).catch((e) => e);
      expect(error).toBeInstanceOf(OAuthError);
      expect(error.code).toBe('iss_mismatch');
      expect(error.message).toMatch(message);
      expect(world.tokenRequests).toHaveLength(0);
    },
  );

  it('does not act on the error of a response from the wrong issuer', async () => {
    const { world, provider } = setup({ issInRedirect: 'wrong', authorizationError: 'access_denied' });
    await expect(authorizeOnce(world, provider)).rejects.toMatchObject({ code: 'iss_mismatch' });
  });
});

describe('scopes', () => {
  it('uses the challenge scope, else scopes_supported, adding offline_access when the server lists it', async () => {
    const fromChallenge = setup({ challengeScope: 'mcp:basic', prmScopes: ['mcp:basic', 'mcp:write'] });
    await authorizeOnce(fromChallenge.world, fromChallenge.provider);
    expect(fromChallenge.world.authorizationRequests[0]?.get('scope')).toBe('mcp:basic');

    const fromPrm = setup({
      prmScopes: ['mcp:basic', 'mcp:read'],
      asScopes: ['mcp:basic', 'offline_access'],
    });
    await authorizeOnce(fromPrm.world, fromPrm.provider);
    expect(fromPrm.world.authorizationRequests[0]?.get('scope')).toBe('mcp:basic mcp:read offline_access');

    const optedOut = setup(
      { prmScopes: ['mcp:basic'], asScopes: ['offline_access'] },
      { requestOfflineAccess: false },
    );
    await authorizeOnce(optedOut.world, optedOut.provider);
    expect(optedOut.world.authorizationRequests[0]?.get('scope')).toBe('mcp:basic');
  });

  it('steps up on insufficient_scope with the union of scopes, and stops when the token already has them', async () => {
    const { world, provider } = setup({
      challengeScope: 'mcp:basic',
      requiredScopes: (method) => (method === 'tools/call' ? ['mcp:write'] : ['mcp:basic']),
    });
    await authorizeOnce(world, provider);
    const first = await provider.tokens();
    const refused = await refusedContext(world, { token: first?.access_token ?? '', method: 'tools/call' });
    expect(refused.response.status).toBe(403);
    expect(await provider.onUnauthorized(refused)).toBe(true);
    expect(world.authorizationRequests[1]?.get('scope')).toBe('mcp:basic mcp:write');

    const second = await provider.tokens();
    const stillRefused = await refusedContext(world, {
      token: second?.access_token ?? '',
      method: 'tools/call',
    });
    expect(stillRefused.response.status).toBe(200);
    // A server that refuses a token holding every scope it demands: re-authorizing cannot help.
    const forged = new Response(null, {
      status: 403,
      headers: { 'www-authenticate': 'Bearer error="insufficient_scope", scope="mcp:write"' },
    });
    expect(
      await provider.onUnauthorized({ url: new URL(world.serverUrl), method: 'POST', response: forged }),
    ).toBe(false);
    expect(world.authorizationRequests).toHaveLength(2);
  });

  it('gives up stepping up after maxStepUpAttempts when the server never grants the scope', async () => {
    const { world, provider } = setup(
      { grant: () => 'mcp:basic', requiredScopes: () => ['mcp:admin'] },
      { maxStepUpAttempts: 2 },
    );
    await authorizeOnce(world, provider);
    const outcomes: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const token = (await provider.tokens())?.access_token ?? '';
      outcomes.push(await provider.onUnauthorized(await refusedContext(world, { token })));
    }
    expect(outcomes).toEqual([true, true, false, false]);
    expect(world.authorizationRequests).toHaveLength(3);
  });
});

describe('client registration', () => {
  it('uses a pre-registered client first, with the auth method the server supports', async () => {
    const { world, provider } = setup(
      { dcr: false, authMethods: ['client_secret_basic'], cimd: true },
      {
        clientInformation: { client_id: 'pre', client_secret: 'secret' },
        clientMetadataUrl: 'https://app.example/client.json',
      },
    );
    await authorizeOnce(world, provider);
    expect(world.registrations).toHaveLength(0);
    expect(world.authorizationRequests[0]?.get('client_id')).toBe('pre');
    expect(world.tokenRequests[0]?.authorization).toBe(`Basic ${btoa('pre:secret')}`);
  });

  it('asks a per-issuer function for pre-registered clients', async () => {
    const asked: string[] = [];
    const { world, provider } = setup(
      {},
      {
        clientInformation: (issuer) => {
          asked.push(issuer);
          return undefined;
        },
      },
    );
    await authorizeOnce(world, provider);
    expect(asked[0]).toBe('https://auth.test');
    expect(world.registrations).toHaveLength(1);
  });

  it('uses the CIMD URL as client_id when the server supports it, without registering', async () => {
    const { world, provider } = setup(
      { cimd: true },
      { clientMetadataUrl: 'https://app.example/client.json' },
    );
    await authorizeOnce(world, provider);
    expect(world.registrations).toHaveLength(0);
    expect(world.authorizationRequests[0]?.get('client_id')).toBe('https://app.example/client.json');
    expect(world.tokenRequests[0]?.body.get('client_id')).toBe('https://app.example/client.json');
  });

  it('registers once per authorization server and reuses the registration', async () => {
    const { world, provider } = setup({
      authMethods: ['client_secret_post'],
      registration: { secret: true },
    });
    await authorizeOnce(world, provider);
    await provider.signOut();
    await authorizeOnce(world, provider);
    expect(world.registrations).toHaveLength(1);
    expect(world.registrations[0]?.token_endpoint_auth_method).toBe('client_secret_post');
    expect(world.tokenRequests[1]?.body.get('client_secret')).toBe('dcr-secret');
  });

  it('says what to configure when no client_id can be had', async () => {
    const plain = setup({ dcr: false });
    await expect(authorizeOnce(plain.world, plain.provider)).rejects.toThrow(
      /No client_id for the authorization server https:\/\/auth\.test.*pass clientInformation/,
    );
    const cimdOnly = setup({ dcr: false, cimd: true });
    await expect(authorizeOnce(cimdOnly.world, cimdOnly.provider)).rejects.toThrow(/pass clientMetadataUrl/);
  });

  it('re-registers when the resource moves to another authorization server, never reusing the old client', async () => {
    const as1 = createFakeWorld({ issuer: 'https://as1.test' });
    const as2 = createFakeWorld({ issuer: 'https://as2.test' });
    let resourceWorld = as1;
    const fetchFn = (input: string | URL, init?: RequestInit) => {
      const { origin } = new URL(input);
      const world = origin === 'https://as1.test' ? as1 : origin === 'https://as2.test' ? as2 : resourceWorld;
      return world.fetch(input, init);
    };
    const storage = createInMemoryOAuthStorage();
    const provider = createOAuthClientProvider({
      serverUrl: as1.serverUrl,
      redirectUrl: REDIRECT,
      redirectToAuthorization: createHeadlessAuthorizer({ fetch: fetchFn }),
      fetch: fetchFn,
      storage,
    });
    await authorizeOnce(as1, provider);
    resourceWorld = as2;
    const token = (await provider.tokens())?.access_token ?? '';
    expect(await provider.onUnauthorized(await refusedContext(as2, { token }))).toBe(true);
    expect(as2.registrations).toHaveLength(1);
    expect(as2.authorizationRequests[0]?.get('client_id')).toBe('dcr-client-1');
    expect(await storage.getClient('https://as1.test')).toMatchObject({ client_id: 'dcr-client-1' });
    expect((await storage.getTokens(provider.serverUri))?.issuer).toBe('https://as2.test');
  });
});

describe('refresh', () => {
  it('refreshes an expiring token with the refresh token and the resource', async () => {
    let now = 1_000_000;
    const { world, provider } = setup({ refreshTokens: true, expiresIn: 3600 }, { now: () => now });
    await authorizeOnce(world, provider);
    expect((await provider.tokens())?.access_token).toBe('at-1');
    now += 3600_000;
    expect((await provider.tokens())?.access_token).toBe('at-2');
    const refresh = world.tokenRequests[1]?.body;
    expect(refresh?.get('grant_type')).toBe('refresh_token');
    expect(refresh?.get('refresh_token')).toBe('rt-1');
    expect(refresh?.get('resource')).toBe('https://mcp.test/mcp');
    expect(world.authorizationRequests).toHaveLength(1);
  });

  it('never assumes a refresh token: an expired token without one is simply not sent', async () => {
    let now = 0;
    const { world, provider } = setup({ expiresIn: 60 }, { now: () => now });
    await authorizeOnce(world, provider);
    now += 60_000;
    expect(await provider.tokens()).toBeUndefined();
    expect(world.tokenRequests).toHaveLength(1);
  });

  it('refreshes on a 401 before running the whole flow again', async () => {
    const { world, provider } = setup({ refreshTokens: true });
    await authorizeOnce(world, provider);
    world.validTokens.clear();
    expect(await provider.onUnauthorized(await refusedContext(world, { token: 'at-1' }))).toBe(true);
    expect((await provider.tokens())?.access_token).toBe('at-2');
    expect(world.authorizationRequests).toHaveLength(1);
  });

  it('forgets tokens whose refresh the server refuses', async () => {
    let now = 0;
    const world = createFakeWorld({ refreshTokens: true, expiresIn: 60 });
    const storage = createInMemoryOAuthStorage();
    const provider = createOAuthClientProvider({
      serverUrl: world.serverUrl,
      redirectUrl: REDIRECT,
      redirectToAuthorization: createHeadlessAuthorizer({ fetch: world.fetch }),
      fetch: world.fetch,
      storage,
      now: () => now,
    });
    await authorizeOnce(world, provider);
    const stored = await storage.getTokens(provider.serverUri);
    await storage.setTokens(provider.serverUri, {
      ...(stored as NonNullable<typeof stored>),
      refresh_token: 'revoked',
    });
    now += 60_000;
    expect(await provider.tokens()).toBeUndefined();
    expect(await storage.getTokens(provider.serverUri)).toBeUndefined();
  });
});

describe('options', () => {
  const base = { serverUrl: 'https://mcp.test/mcp', redirectToAuthorization: () => undefined };

  it('refuses redirect URIs that are neither https nor loopback', () => {
    expect(() => createOAuthClientProvider({ ...base, redirectUrl: 'http://example.com/cb' })).toThrow(
      /redirectUrl must be https: or a loopback http: URL/,
    );
    expect(() => createOAuthClientProvider({ ...base, redirectUrl: 'http://[::1]:9/cb' })).not.toThrow();
  });

  it('refuses a CIMD URL that is not https with a path', () => {
    expect(() =>
      createOAuthClientProvider({
        ...base,
        redirectUrl: REDIRECT,
        clientMetadataUrl: 'https://app.example/',
      }),
    ).toThrow(/clientMetadataUrl must be an https: URL with a path/);
  });

  it('uses application_type web for an https redirect URI', async () => {
    const { world, provider } = setup({}, { redirectUrl: 'https://app.example/cb' });
    await authorizeOnce(world, provider);
    expect(world.registrations[0]?.application_type).toBe('web');
  });
});

describe('createHeadlessAuthorizer', () => {
  it('refuses an authorization endpoint that does not redirect', async () => {
    const authorize = createHeadlessAuthorizer({ fetch: async () => new Response('<form>login</form>') });
    await expect(authorize(new URL('https://auth.test/authorize?x=1'))).rejects.toThrow(
      /https:\/\/auth\.test\/authorize answered HTTP 200 instead of redirecting/,
    );
  });
});
