import { describe, expect, it } from 'vitest';
import {
  authorizationServerMetadataUrls,
  discoverAuthorizationServerMetadata,
  discoverProtectedResourceMetadata,
  protectedResourceMetadataUrls,
} from './discovery.ts';
import { OAuthError } from './errors.ts';
import { createFakeWorld } from './fake-oauth.test-helper.ts';

describe('metadata URLs', () => {
  it('orders the PRM locations: challenge, path-based, root', () => {
    expect(protectedResourceMetadataUrls('https://h.example/a/mcp/', '/custom.json')).toEqual([
      'https://h.example/custom.json',
      'https://h.example/.well-known/oauth-protected-resource/a/mcp',
      'https://h.example/.well-known/oauth-protected-resource',
    ]);
    expect(protectedResourceMetadataUrls('https://h.example')).toEqual([
      'https://h.example/.well-known/oauth-protected-resource',
    ]);
  });

  it('orders the authorization server locations as the spec does, with and without an issuer path', () => {
    expect(authorizationServerMetadataUrls('https://auth.example/t1')).toEqual([
      'https://auth.example/.well-known/oauth-authorization-server/t1',
      'https://auth.example/.well-known/openid-configuration/t1',
      'https://auth.example/t1/.well-known/openid-configuration',
    ]);
    expect(authorizationServerMetadataUrls('https://auth.example/')).toEqual([
      'https://auth.example/.well-known/oauth-authorization-server',
      'https://auth.example/.well-known/openid-configuration',
    ]);
  });
});

describe('discoverProtectedResourceMetadata', () => {
  it('uses resource_metadata from the challenge', async () => {
    const world = createFakeWorld({ prmLocation: { custom: '/custom/prm.json' } });
    const prm = await discoverProtectedResourceMetadata(world.serverUrl, {
      resourceMetadata: 'https://mcp.test/custom/prm.json',
      fetch: world.fetch,
    });
    expect(prm.authorization_servers).toEqual(['https://auth.test']);
    expect(world.log).toEqual(['GET https://mcp.test/custom/prm.json']);
  });

  it('falls back from the path-based to the root location', async () => {
    const world = createFakeWorld({ prmLocation: 'root', prmResource: 'https://mcp.test' });
    const prm = await discoverProtectedResourceMetadata(world.serverUrl, { fetch: world.fetch });
    expect(prm.resource).toBe('https://mcp.test');
    expect(world.log).toEqual([
      'GET https://mcp.test/.well-known/oauth-protected-resource/mcp',
      'GET https://mcp.test/.well-known/oauth-protected-resource',
    ]);
  });

  it('fails with every URL tried when there is no usable document', async () => {
    const world = createFakeWorld({ prmLocation: { custom: '/elsewhere' } });
    const error = await discoverProtectedResourceMetadata(world.serverUrl, { fetch: world.fetch }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.code).toBe('discovery_failed');
    expect(error.message).toMatch(
      /oauth-protected-resource\/mcp: HTTP 404.*oauth-protected-resource: HTTP 404/,
    );
  });

  it('rejects documents without authorization servers', async () => {
    const fetchFn = async () =>
      Response.json({ resource: 'https://mcp.test/mcp', authorization_servers: [] });
    await expect(
      discoverProtectedResourceMetadata('https://mcp.test/mcp', { fetch: fetchFn }),
    ).rejects.toThrow(/authorization_servers.*non-empty/);
  });
});

describe('discoverAuthorizationServerMetadata', () => {
  it.each([
    ['oauth', 1],
    ['oidc-inserted', 2],
    ['oidc-appended', 3],
  ] as const)(
    'finds metadata served at the %s location after %i request(s)',
    async (asMetadataAt, requests) => {
      const world = createFakeWorld({ issuer: 'https://auth.test/tenant1', asMetadataAt });
      const metadata = await discoverAuthorizationServerMetadata('https://auth.test/tenant1', {
        fetch: world.fetch,
      });
      expect(metadata.token_endpoint).toBe('https://auth.test/tenant1/token');
      expect(world.log).toHaveLength(requests);
      expect(world.log).not.toContain('GET https://auth.test/.well-known/oauth-authorization-server');
    },
  );

  it('tries OIDC at the root after RFC 8414 for an issuer without a path', async () => {
    const world = createFakeWorld({ asMetadataAt: 'oidc-inserted' });
    await discoverAuthorizationServerMetadata('https://auth.test', { fetch: world.fetch });
    expect(world.log).toEqual([
      'GET https://auth.test/.well-known/oauth-authorization-server',
      'GET https://auth.test/.well-known/openid-configuration',
    ]);
  });

  it('never uses metadata whose issuer differs, not even by a trailing slash', async () => {
    for (const metadataIssuer of ['https://attacker.example', 'https://auth.test/']) {
      const world = createFakeWorld({ metadataIssuer });
      const error = await discoverAuthorizationServerMetadata('https://auth.test', {
        fetch: world.fetch,
      }).catch((e) => e);
      expect(error).toBeInstanceOf(OAuthError);
      expect(error.code).toBe('issuer_mismatch');
      expect(error.message).toContain(JSON.stringify(metadataIssuer));
    }
  });
});
