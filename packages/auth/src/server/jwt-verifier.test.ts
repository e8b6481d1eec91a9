import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InsufficientScopeError, InvalidTokenError } from './auth-info.ts';
import {
  accessToken,
  ISSUER,
  type JwksServer,
  jwksServer,
  RESOURCE,
  type SigningKey,
  signingKey,
} from './jwt.test-helper.ts';
import { createJwtVerifier, type JwtVerifierOptions } from './jwt-verifier.ts';

let key: SigningKey;
let otherKey: SigningKey;
let jwks: JwksServer;

beforeAll(async () => {
  key = await signingKey('key-1');
  otherKey = await signingKey('key-1');
  jwks = await jwksServer([key.publicJwk]);
});

afterAll(async () => {
  await jwks.close();
});

/** Overrides of the defaults; `undefined` removes one (as a caller who leaves an option out). */
type Overrides = { [K in keyof JwtVerifierOptions]?: JwtVerifierOptions[K] | undefined };

function verifierWith(options: Overrides = {}) {
  return createJwtVerifier({
    issuer: ISSUER,
    audience: RESOURCE,
    key: key.publicKey,
    ...options,
  } as JwtVerifierOptions);
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the verifier to reject');
}

describe('createJwtVerifier', () => {
  it('accepts a token for this resource and maps its claims to AuthInfo', async () => {
    const token = await accessToken(key, { claims: { scope: 'notes:read notes:write', tenant: 't1' } });
    const auth = await verifierWith()(token);
    expect(auth).toEqual({
      token,
      subject: 'user-1',
      clientId: 'client-1',
      scopes: ['notes:read', 'notes:write'],
      expiresAt: expect.any(Number),
      resource: RESOURCE,
      claims: expect.objectContaining({ tenant: 't1', iss: ISSUER, aud: RESOURCE }),
    });
    expect(auth.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it('verifies against a JWKS fetched from its URL, and caches it', async () => {
    const verifier = verifierWith({ key: undefined, jwksUrl: jwks.url });
    const before = jwks.fetches;
    expect((await verifier(await accessToken(key))).subject).toBe('user-1');
    expect((await verifier(await accessToken(key, { claims: { sub: 'user-2' } }))).subject).toBe('user-2');
    expect(jwks.fetches - before).toBe(1);
  });

  it('verifies against a local key set', async () => {
    const verifier = verifierWith({ key: undefined, jwks: { keys: [key.publicJwk] } });
    expect((await verifier(await accessToken(key))).subject).toBe('user-1');
  });

  it('reads scopes from scp (array or string) and the client from azp', async () => {
    const verifier = verifierWith();
    const fromArray = await verifier(
      await accessToken(key, {
        claims: { scope: undefined, scp: ['a', 'b'], client_id: undefined, azp: 'app' },
      }),
    );
    expect(fromArray).toMatchObject({ scopes: ['a', 'b'], clientId: 'app' });
    const fromString = await verifier(await accessToken(key, { claims: { scope: undefined, scp: 'c d' } }));
    expect(fromString.scopes).toEqual(['c', 'd']);
    const none = await verifier(await accessToken(key, { claims: { scope: undefined, sub: undefined } }));
    expect(none.scopes).toEqual([]);
    expect(none).not.toHaveProperty('subject');
  });

  it.each<[string | string[], string]>([
    ['https://MCP.example.com:443/mcp/', 'a differently written form of the same URI'],
    [['https://other.example.com', RESOURCE], 'a list that includes this resource'],
  ])('accepts an audience of %j (%s)', async (aud) => {
    const auth = await verifierWith()(await accessToken(key, { claims: { aud } }));
    expect(auth.resource).toBe(RESOURCE);
  });

  it.each([
    [{ aud: 'https://other.example.com/mcp' }, /issued for another resource/],
    [{ aud: 'https://mcp.example.com/mcp2' }, /issued for another resource/],
    [{ aud: undefined }, /has no audience/],
    [{ iss: 'https://evil.example.com' }, /rejected: unexpected "iss" claim value/],
    [{ exp: undefined }, /rejected: missing required "exp" claim/],
    [{ nbf: Math.floor(Date.now() / 1000) + 600 }, /rejected: "nbf" claim timestamp check failed/],
  ])('refuses a token with %j as InvalidTokenError', async (claims, message) => {
    const error = await rejection(verifierWith()(await accessToken(key, { claims })));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error.message).toMatch(message);
  });

  it('refuses an expired token', async () => {
    const error = await rejection(verifierWith()(await accessToken(key, { expiresIn: -60 })));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error.message).toBe('The access token has expired');
  });

  it('tolerates the configured clock skew', async () => {
    const token = await accessToken(key, { expiresIn: -5 });
    expect((await verifierWith({ clockTolerance: 30 })(token)).subject).toBe('user-1');
  });

  it('refuses a token signed by another key, an algorithm not allowed, a wrong typ and garbage', async () => {
    const verifier = verifierWith({
      key: undefined,
      jwksUrl: jwks.url,
      algorithms: ['ES256'],
      typ: 'at+jwt',
    });
    const good = await accessToken(key, { typ: 'at+jwt' });
    expect((await verifier(good)).subject).toBe('user-1');
    for (const token of [
      await accessToken(otherKey, { typ: 'at+jwt' }),
      await accessToken(key, { typ: 'JWT' }),
      `${good.slice(0, -4)}AAAA`,
      'not.a.jwt',
      'e30.e30.',
    ]) {
      const error = await rejection(verifier(token));
      expect(error, token).toBeInstanceOf(InvalidTokenError);
    }
    const rsa = await signingKey('rsa', 'RS256');
    const rsaVerifier = verifierWith({ key: rsa.publicKey, algorithms: ['ES256'] });
    expect(await rejection(rsaVerifier(await accessToken(rsa)))).toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a token that lacks a required scope with InsufficientScopeError naming all of them', async () => {
    const verifier = verifierWith({ requiredScopes: ['notes:read', 'notes:write'] });
    const error = await rejection(verifier(await accessToken(key)));
    expect(error).toBeInstanceOf(InsufficientScopeError);
    expect((error as InsufficientScopeError).requiredScopes).toEqual(['notes:read', 'notes:write']);
    const enough = await accessToken(key, { claims: { scope: 'notes:write notes:read' } });
    expect((await verifier(enough)).scopes).toEqual(['notes:write', 'notes:read']);
  });

  it('reports an unreachable key set as a plain Error, not as a bad token', async () => {
    const failing = await jwksServer([key.publicJwk]);
    failing.serve(500);
    const verifier = verifierWith({ key: undefined, jwksUrl: failing.url });
    const error = await rejection(verifier(await accessToken(key)));
    await failing.close();
    expect(error).not.toBeInstanceOf(InvalidTokenError);
    expect(error.message).toMatch(/^Could not verify the access token: /);
  });

  it.each([
    [{ key: undefined }, /exactly one of jwksUrl, jwks and key \(got none\)/],
    [{ jwksUrl: 'https://a.example/jwks' }, /exactly one of jwksUrl, jwks and key \(got several\)/],
    [{ key: undefined, jwksUrl: 'relative' }, /jwksUrl must be an absolute URL/],
    [{ key: undefined, jwks: {} as never }, /jwks must be a JSON Web Key Set/],
    [{ issuer: '' }, /issuer must be/],
    [{ audience: [] }, /audience must be/],
    [{ requiredScopes: [''] }, /requiredScopes must be an array of non-empty strings/],
  ])('refuses invalid options %j with a TypeError', (options, message) => {
    expect(() => verifierWith(options as Overrides)).toThrow(TypeError);
    expect(() => verifierWith(options as Overrides)).toThrow(message);
  });
});
