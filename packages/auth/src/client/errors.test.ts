import { describe, expect, it } from 'vitest';
import { isOAuthError, OAuthError, oauthErrorFromResponse } from './errors.ts';

describe('OAuthError', () => {
  it('carries the OAuth code, description, uri and status', () => {
    const error = new OAuthError('invalid_grant', 'the code expired', {
      description: 'expired',
      status: 400,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'OAuthError',
      code: 'invalid_grant',
      description: 'expired',
      status: 400,
    });
    expect(error.uri).toBeUndefined();
  });

  it('is recognised across copies of the package by its Symbol.for brand, and subclasses stay ordinary', () => {
    const foreign = new Error('from another copy');
    Object.defineProperty(foreign, Symbol.for('pmcp.auth.OAuthError'), { value: true });
    expect(foreign instanceof OAuthError).toBe(true);
    expect(isOAuthError(foreign)).toBe(true);
    expect(isOAuthError(new Error('plain'))).toBe(false);
    class StepUpError extends OAuthError {}
    expect(new OAuthError('x', 'y') instanceof StepUpError).toBe(false);
    expect(new StepUpError('x', 'y') instanceof OAuthError).toBe(true);
  });
});

describe('oauthErrorFromResponse', () => {
  it('reads an RFC 6749 error body', async () => {
    const error = await oauthErrorFromResponse(
      Response.json(
        { error: 'invalid_client', error_description: 'bad secret', error_uri: 'https://d' },
        { status: 401 },
      ),
      'The token request',
    );
    expect(error).toMatchObject({
      code: 'invalid_client',
      description: 'bad secret',
      uri: 'https://d',
      status: 401,
    });
    expect(error.message).toBe('The token request failed: invalid_client: bad secret');
  });

  it('describes a body that is not an OAuth error', async () => {
    const error = await oauthErrorFromResponse(new Response('Bad Gateway', { status: 502 }), 'Registration');
    expect(error.code).toBe('invalid_response');
    expect(error.message).toBe('Registration failed: HTTP 502 Bad Gateway');
  });
});
