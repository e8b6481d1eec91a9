import { describe, expect, it } from 'vitest';
import { OAuthError } from './errors.ts';
import { registerClient, requestToken, selectTokenEndpointAuthMethod } from './token-endpoint.ts';
import type { AuthorizationServerMetadata } from './types.ts';

const metadata = (extra: Partial<AuthorizationServerMetadata> = {}): AuthorizationServerMetadata => ({
  issuer: 'https://auth.test',
  authorization_endpoint: 'https://auth.test/authorize',
  token_endpoint: 'https://auth.test/token',
  registration_endpoint: 'https://auth.test/register',
  ...extra,
});

function recordingFetch(response: () => Response) {
  const calls: { url: string; headers: Headers; body: string }[] = [];
  const fetchFn = async (input: string | URL, init?: RequestInit) => {
    calls.push({ url: String(input), headers: new Headers(init?.headers), body: String(init?.body) });
    return response();
  };
  return { calls, fetchFn };
}

describe('selectTokenEndpointAuthMethod', () => {
  it('follows registration, else picks from what the server supports', () => {
    const secret = { client_id: 'c', client_secret: 's' };
    expect(
      selectTokenEndpointAuthMethod({ ...secret, token_endpoint_auth_method: 'client_secret_post' }, {}),
    ).toBe('client_secret_post');
    expect(selectTokenEndpointAuthMethod(secret, {})).toBe('client_secret_basic');
    expect(
      selectTokenEndpointAuthMethod(secret, {
        token_endpoint_auth_methods_supported: ['client_secret_post'],
      }),
    ).toBe('client_secret_post');
    expect(
      selectTokenEndpointAuthMethod(secret, {
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      }),
    ).toBe('client_secret_basic');
    expect(selectTokenEndpointAuthMethod({ client_id: 'public' }, {})).toBe('none');
  });
});

describe('requestToken', () => {
  const ok = () => Response.json({ access_token: 'at', token_type: 'Bearer', expires_in: 60, scope: 'a' });

  it('sends client_secret_basic as form-urlencoded credentials in the Authorization header', async () => {
    const { calls, fetchFn } = recordingFetch(ok);
    const tokens = await requestToken(
      fetchFn,
      metadata(),
      { client_id: 'my client', client_secret: 'p:ss' },
      {
        grant_type: 'authorization_code',
        code: 'c',
      },
    );
    expect(tokens).toEqual({ access_token: 'at', token_type: 'Bearer', expires_in: 60, scope: 'a' });
    expect(calls[0]?.headers.get('authorization')).toBe(`Basic ${btoa('my+client:p%3Ass')}`);
    expect(calls[0]?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    const body = new URLSearchParams(calls[0]?.body);
    expect(body.get('client_secret')).toBeNull();
    expect(body.get('grant_type')).toBe('authorization_code');
  });

  it('sends client_secret_post in the body, and only client_id for none', async () => {
    const post = recordingFetch(ok);
    await requestToken(
      post.fetchFn,
      metadata(),
      { client_id: 'c', client_secret: 's', token_endpoint_auth_method: 'client_secret_post' },
      { grant_type: 'refresh_token', refresh_token: 'r' },
    );
    const postBody = new URLSearchParams(post.calls[0]?.body);
    expect([postBody.get('client_id'), postBody.get('client_secret')]).toEqual(['c', 's']);
    expect(post.calls[0]?.headers.get('authorization')).toBeNull();

    const none = recordingFetch(ok);
    await requestToken(none.fetchFn, metadata(), { client_id: 'public' }, { grant_type: 'refresh_token' });
    const noneBody = new URLSearchParams(none.calls[0]?.body);
    expect([noneBody.get('client_id'), noneBody.get('client_secret')]).toEqual(['public', null]);
  });

  it('turns an error response into an OAuthError with the server code and description', async () => {
    const { fetchFn } = recordingFetch(() =>
      Response.json({ error: 'invalid_grant', error_description: 'code expired' }, { status: 400 }),
    );
    const error = await requestToken(
      fetchFn,
      metadata(),
      { client_id: 'c' },
      { grant_type: 'authorization_code' },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: 'invalid_grant', description: 'code expired', status: 400 });
    expect(error.message).toMatch(
      /authorization_code token request to https:\/\/auth\.test\/token failed: invalid_grant: code expired/,
    );
  });

  it('refuses a success without access_token, or with a body that is not JSON', async () => {
    const missing = recordingFetch(() => Response.json({ token_type: 'Bearer' }));
    await expect(
      requestToken(missing.fetchFn, metadata(), { client_id: 'c' }, { grant_type: 'x' }),
    ).rejects.toThrow(/returned no access_token/);
    const html = recordingFetch(() => new Response('<html>'));
    await expect(
      requestToken(html.fetchFn, metadata(), { client_id: 'c' }, { grant_type: 'x' }),
    ).rejects.toThrow(/not a JSON object: <html>/);
  });
});

describe('registerClient', () => {
  it('posts the metadata as JSON and returns the issued client', async () => {
    const { calls, fetchFn } = recordingFetch(() =>
      Response.json({ client_id: 'new', client_secret: 's' }, { status: 201 }),
    );
    const client = await registerClient(fetchFn, metadata(), {
      client_name: 'x',
      redirect_uris: ['http://127.0.0.1/cb'],
    });
    expect(client).toEqual({ client_id: 'new', client_secret: 's' });
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({
      client_name: 'x',
      redirect_uris: ['http://127.0.0.1/cb'],
    });
  });

  it('reports RFC 7591 errors and a missing endpoint', async () => {
    const { fetchFn } = recordingFetch(() =>
      Response.json(
        { error: 'invalid_redirect_uri', error_description: 'http not allowed' },
        { status: 400 },
      ),
    );
    await expect(registerClient(fetchFn, metadata(), {})).rejects.toMatchObject({
      code: 'invalid_redirect_uri',
    });
    await expect(
      registerClient(fetchFn, metadata({ registration_endpoint: undefined as never }), {}),
    ).rejects.toMatchObject({ code: 'registration_unavailable' });
  });
});
