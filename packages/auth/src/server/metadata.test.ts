import { describe, expect, it } from 'vitest';
import {
  protectedResourceMetadata,
  protectedResourceMetadataHandler,
  protectedResourceMetadataUrl,
} from './metadata.ts';

const OPTIONS = {
  resource: 'https://mcp.example.com/mcp',
  authorizationServers: ['https://auth.example.com', 'https://login.example.com/tenant-1'],
};

describe('protectedResourceMetadata', () => {
  it('builds the RFC 9728 document with header-only bearer tokens', () => {
    expect(protectedResourceMetadata(OPTIONS)).toEqual({
      resource: 'https://mcp.example.com/mcp',
      authorization_servers: ['https://auth.example.com', 'https://login.example.com/tenant-1'],
      bearer_methods_supported: ['header'],
    });
  });

  it('maps every optional field to its RFC 9728 member, extra members beside them', () => {
    expect(
      protectedResourceMetadata({
        resource: new URL('HTTPS://MCP.Example.com:443/'),
        authorizationServers: [new URL('https://auth.example.com/')],
        scopesSupported: ['notes:read', 'notes:write'],
        resourceName: 'Notes',
        resourceDocumentation: 'https://docs.example.com/notes',
        resourcePolicyUri: 'https://example.com/policy',
        resourceTosUri: 'https://example.com/tos',
        jwksUri: 'https://mcp.example.com/jwks.json',
        extra: {
          dpop_bound_access_tokens_required: false,
          resource: 'ignored',
          bearer_methods_supported: [],
        },
      }),
    ).toEqual({
      resource: 'https://mcp.example.com',
      authorization_servers: ['https://auth.example.com/'],
      bearer_methods_supported: ['header'],
      scopes_supported: ['notes:read', 'notes:write'],
      resource_name: 'Notes',
      resource_documentation: 'https://docs.example.com/notes',
      resource_policy_uri: 'https://example.com/policy',
      resource_tos_uri: 'https://example.com/tos',
      jwks_uri: 'https://mcp.example.com/jwks.json',
      dpop_bound_access_tokens_required: false,
    });
  });

  it.each([
    [{ ...OPTIONS, resource: 'mcp.example.com' }, /resource must be an absolute http\(s\) URL/],
    [{ ...OPTIONS, resource: 'https://mcp.example.com/mcp#frag' }, /resource must not have a fragment/],
    [{ ...OPTIONS, resource: 'ftp://mcp.example.com' }, /resource must be an absolute http\(s\) URL/],
    [{ ...OPTIONS, authorizationServers: [] }, /at least one authorization server/],
    [{ ...OPTIONS, authorizationServers: ['auth'] }, /authorizationServers\[0\] must be an absolute/],
    [{ ...OPTIONS, scopesSupported: [''] }, /scopesSupported must be an array of non-empty strings/],
  ])('refuses invalid options with a TypeError naming the field (%#)', (options, message) => {
    expect(() => protectedResourceMetadata(options)).toThrow(TypeError);
    expect(() => protectedResourceMetadata(options)).toThrow(message);
  });
});

describe('protectedResourceMetadataUrl', () => {
  it.each([
    ['https://mcp.example.com/mcp', 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'],
    ['https://mcp.example.com', 'https://mcp.example.com/.well-known/oauth-protected-resource'],
    ['https://mcp.example.com/', 'https://mcp.example.com/.well-known/oauth-protected-resource'],
    [
      'http://127.0.0.1:8080/a/b?tenant=1',
      'http://127.0.0.1:8080/.well-known/oauth-protected-resource/a/b?tenant=1',
    ],
  ])('inserts the well-known path between host and path: %s', (resource, url) => {
    expect(protectedResourceMetadataUrl(resource)).toBe(url);
  });
});

describe('protectedResourceMetadataHandler', () => {
  const handler = protectedResourceMetadataHandler({ ...OPTIONS, scopesSupported: ['notes:read'] });

  it.each([
    'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
    'https://mcp.example.com/.well-known/oauth-protected-resource',
  ])('serves the document at %s with CORS for any origin', async (url) => {
    const response = handler(new Request(url, { headers: { origin: 'https://app.example.com' } }));
    expect(response?.status).toBe(200);
    expect(response?.headers.get('content-type')).toBe('application/json');
    expect(response?.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response?.json()).toEqual({
      resource: 'https://mcp.example.com/mcp',
      authorization_servers: OPTIONS.authorizationServers,
      bearer_methods_supported: ['header'],
      scopes_supported: ['notes:read'],
    });
  });

  it('answers HEAD without a body', async () => {
    const response = handler(
      new Request('https://mcp.example.com/.well-known/oauth-protected-resource/mcp', { method: 'HEAD' }),
    );
    expect(response?.status).toBe(200);
    expect(await response?.text()).toBe('');
  });

  it('answers a CORS preflight', () => {
    const response = handler(
      new Request('https://mcp.example.com/.well-known/oauth-protected-resource/mcp', {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example.com',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'mcp-protocol-version',
        },
      }),
    );
    expect(response?.status).toBe(204);
    expect(Object.fromEntries(response?.headers ?? [])).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, HEAD, OPTIONS',
      'access-control-allow-headers': '*',
      'access-control-max-age': '86400',
    });
  });

  it('refuses other methods with 405 and a JSON-RPC error', async () => {
    const response = handler(
      new Request('https://mcp.example.com/.well-known/oauth-protected-resource', { method: 'POST' }),
    );
    expect(response?.status).toBe(405);
    expect(response?.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect(await response?.json()).toEqual({
      jsonrpc: '2.0',
      error: {
        code: -32600,
        message: 'Method Not Allowed: the protected resource metadata is read with GET, not POST.',
      },
    });
  });

  it.each([
    'https://mcp.example.com/mcp',
    'https://mcp.example.com/.well-known/oauth-protected-resource/other',
    'https://mcp.example.com/.well-known/oauth-authorization-server',
  ])('leaves %s to the next handler', (url) => {
    expect(handler(new Request(url))).toBeUndefined();
  });

  it('serves a root resource at the root form only', () => {
    const root = protectedResourceMetadataHandler({ ...OPTIONS, resource: 'http://127.0.0.1:3000' });
    expect(root(new Request('http://127.0.0.1:3000/.well-known/oauth-protected-resource'))?.status).toBe(200);
    expect(root(new Request('http://127.0.0.1:3000/.well-known/oauth-protected-resource/'))).toBeUndefined();
  });
});
