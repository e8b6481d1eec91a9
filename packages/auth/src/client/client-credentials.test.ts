import { exportPKCS8, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { createClientCredentialsProvider } from './client-credentials.ts';
import { OAuthError } from './errors.ts';
import { createFakeWorld, type FakeWorldOptions, refusedContext } from './fake-oauth.test-helper.ts';

const SERVICE = { clientId: 'nightly-job', secret: 's3cret value' };

function world(options: FakeWorldOptions = {}) {
  return createFakeWorld({ clientCredentials: SERVICE, ...options });
}

describe('the client credentials grant', () => {
  it('on a 401: discovers, requests a token with client_secret_basic and the resource, and stores it', async () => {
    const fake = world({ challengeScope: 'jobs:run', expiresIn: 3600 });
    const provider = createClientCredentialsProvider({
      serverUrl: fake.serverUrl,
      clientId: SERVICE.clientId,
      clientSecret: SERVICE.secret,
      fetch: fake.fetch,
    });
    expect(await provider.tokens()).toBeUndefined();
    expect(await provider.onUnauthorized(await refusedContext(fake))).toBe(true);
    expect(await provider.tokens()).toEqual({ access_token: 'at-1', token_type: 'Bearer' });
    const [request] = fake.tokenRequests;
    expect(Object.fromEntries(request?.body ?? [])).toEqual({
      grant_type: 'client_credentials',
      resource: 'https://mcp.test/mcp',
      // The challenge's scope, as for the authorization code flow.
      scope: 'jobs:run',
    });
    // RFC 6749 §2.3.1: form-urlencoded before base64, so the space travels as "+".
    expect(request?.authorization).toBe(`Basic ${btoa('nightly-job:s3cret+value')}`);
    expect(fake.authorizationRequests).toEqual([]);
    expect(fake.registrations).toEqual([]);
    // The token opens the MCP server.
    expect((await refusedContext(fake, { token: 'at-1' })).response.status).toBe(200);
  });

  it('uses client_secret_post when that is all the server takes, and asks for the configured scope', async () => {
    const fake = world({ authMethods: ['client_secret_post'] });
    const provider = createClientCredentialsProvider({
      serverUrl: fake.serverUrl,
      clientId: SERVICE.clientId,
      clientSecret: SERVICE.secret,
      scope: 'jobs:read jobs:run',
      fetch: fake.fetch,
    });
    await provider.authorize();
    const [request] = fake.tokenRequests;
    expect(request?.authorization).toBeNull();
    expect(request?.body.get('client_secret')).toBe(SERVICE.secret);
    expect(request?.body.get('scope')).toBe('jobs:read jobs:run');
  });

  it('authenticates with a signed JWT (private_key_jwt) the server verifies', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const fake = world({ clientCredentials: { clientId: SERVICE.clientId, publicKey } });
    const provider = createClientCredentialsProvider({
      serverUrl: fake.serverUrl,
      clientId: SERVICE.clientId,
      privateKey: await exportPKCS8(privateKey),
      signingAlgorithm: 'ES256',
      fetch: fake.fetch,
    });
    expect(await provider.onUnauthorized(await refusedContext(fake))).toBe(true);
    const [request] = fake.tokenRequests;
    expect(request?.authorization).toBeNull();
    expect(request?.body.get('client_assertion_type')).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );
    const [, payload] = (request?.body.get('client_assertion') ?? '').split('.');
    expect(JSON.parse(atob((payload ?? '').replaceAll('-', '+').replaceAll('_', '/')))).toMatchObject({
      iss: 'nightly-job',
      sub: 'nightly-job',
      aud: 'https://auth.test',
    });
    // A second grant signs a new assertion: a unique jti each time.
    await provider.authorize();
    expect(fake.tokenRequests[1]?.body.get('client_assertion')).not.toBe(
      request?.body.get('client_assertion'),
    );
  });

  it('is refused by the server for a wrong secret, with the server error as an OAuthError', async () => {
    const fake = world();
    const provider = createClientCredentialsProvider({
      serverUrl: fake.serverUrl,
      clientId: SERVICE.clientId,
      clientSecret: 'wrong',
      fetch: fake.fetch,
    });
    const failure = await provider
      .onUnauthorized(await refusedContext(fake))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OAuthError);
    expect((failure as OAuthError).code).toBe('invalid_client');
  });

  it('refuses a server that does not offer the grant', async () => {
    const fake = world({ grantTypes: ['authorization_code'] });
    const provider = createClientCredentialsProvider({
      serverUrl: fake.serverUrl,
      clientId: SERVICE.clientId,
      clientSecret: SERVICE.secret,
      fetch: fake.fetch,
    });
    await expect(provider.authorize()).rejects.toMatchObject({
      code: 'unsupported_grant_type',
      message: expect.stringContaining('does not offer the client_credentials grant'),
    });
    expect(fake.tokenRequests).toEqual([]);
  });

  it('runs the grant again for an expired token (no refresh tokens here), once the server is known', async () => {
    let now = 1_000_000;
    const fake = world({ expiresIn: 60 });
    const provider = createClientCredentialsProvider({
      serverUrl: fake.serverUrl,
      clientId: SERVICE.clientId,
      clientSecret: SERVICE.secret,
      fetch: fake.fetch,
      now: () => now,
    });
    await provider.authorize();
    expect((await provider.tokens())?.access_token).toBe('at-1');
    now += 61_000;
    expect((await provider.tokens())?.access_token).toBe('at-2');
    expect(fake.tokenRequests).toHaveLength(2);
  });

  it('steps up on 403 insufficient_scope with the union of scopes, and not when the token has them', async () => {
    const fake = world({
      challengeScope: 'read',
      requiredScopes: (method) => (method === 'tools/call' ? ['write'] : []),
    });
    const provider = createClientCredentialsProvider({
      serverUrl: fake.serverUrl,
      clientId: SERVICE.clientId,
      clientSecret: SERVICE.secret,
      fetch: fake.fetch,
    });
    await provider.onUnauthorized(await refusedContext(fake));
    expect(fake.tokenRequests[0]?.body.get('scope')).toBe('read');
    const refused = await refusedContext(fake, { token: 'at-1', method: 'tools/call' });
    expect(refused.response.status).toBe(403);
    expect(await provider.onUnauthorized(refused)).toBe(true);
    expect(fake.tokenRequests[1]?.body.get('scope')).toBe('read write');
    const again = await refusedContext(fake, { token: 'at-2', method: 'tools/call' });
    expect(again.response.status).toBe(200);
  });

  it('shares one grant between concurrent refusals', async () => {
    const fake = world();
    const provider = createClientCredentialsProvider({
      serverUrl: fake.serverUrl,
      clientId: SERVICE.clientId,
      clientSecret: SERVICE.secret,
      fetch: fake.fetch,
    });
    const contexts = await Promise.all([refusedContext(fake), refusedContext(fake), refusedContext(fake)]);
    expect(await Promise.all(contexts.map((context) => provider.onUnauthorized(context)))).toEqual([
      true,
      true,
      true,
    ]);
    expect(fake.tokenRequests).toHaveLength(1);
  });

  it('rejects options without exactly one credential, and an unreadable key', async () => {
    const base = { serverUrl: 'https://mcp.test/mcp', clientId: 'x' };
    expect(() => createClientCredentialsProvider(base)).toThrow(
      /exactly one of clientSecret .* and privateKey/,
    );
    expect(() => createClientCredentialsProvider({ ...base, clientSecret: 's', privateKey: 'k' })).toThrow(
      /exactly one/,
    );
    expect(() => createClientCredentialsProvider({ ...base, clientId: '', clientSecret: 's' })).toThrow(
      /clientId must be a non-empty string/,
    );
    const fake = world();
    const provider = createClientCredentialsProvider({
      serverUrl: fake.serverUrl,
      clientId: 'x',
      privateKey: 'not a pem',
      fetch: fake.fetch,
    });
    await expect(provider.authorize()).rejects.toMatchObject({
      code: 'invalid_client',
      message: expect.stringContaining('could not be read as a PKCS#8 PEM key for RS256'),
    });
  });
});
