import { describe, expect, it } from 'vitest';
import { bearerChallenge } from './challenge.ts';

const PRM = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';

describe('bearerChallenge', () => {
  it('is the bare scheme without parameters', () => {
    expect(bearerChallenge()).toBe('Bearer');
    expect(bearerChallenge({ scope: [] })).toBe('Bearer');
  });

  it('names the metadata and the scopes of a first 401 (no error code)', () => {
    expect(bearerChallenge({ resourceMetadataUrl: PRM, scope: ['files:read'] })).toBe(
      `Bearer scope="files:read", resource_metadata="${PRM}"`,
    );
  });

  it('writes every parameter in a fixed order, the scopes space-separated', () => {
    expect(
      bearerChallenge({
        resourceMetadataUrl: new URL(PRM),
        scope: 'files:read  files:write',
        error: 'insufficient_scope',
        errorDescription: 'File write permission required',
        realm: 'mcp',
      }),
    ).toBe(
      `Bearer realm="mcp", error="insufficient_scope", error_description="File write permission required", scope="files:read files:write", resource_metadata="${PRM}"`,
    );
  });

  it('escapes quotes and backslashes in the realm (RFC 9110 quoted-string)', () => {
    expect(bearerChallenge({ realm: 'say "hi" \\ bye' })).toBe('Bearer realm="say \\"hi\\" \\\\ bye"');
  });

  it('replaces what RFC 6750 forbids in error_description instead of failing the response', () => {
    expect(bearerChallenge({ error: 'invalid_token', errorDescription: 'bad "token"\\\r\nnaïve' })).toBe(
      `Bearer error="invalid_token", error_description="bad 'token'/??na?ve"`,
    );
  });

  it('percent-encodes a metadata URL so it cannot break out of its quotes', () => {
    expect(bearerChallenge({ resourceMetadataUrl: 'https://x.example/a"b?c="d' })).toBe(
      'Bearer resource_metadata="https://x.example/a%22b?c=%22d"',
    );
  });

  it.each([
    [{ error: 'bad"code' }, /error must be an RFC 6750 error code/],
    [{ error: '' }, /error must be an RFC 6750 error code/],
    [{ scope: ['files read'] }, /scope "files read" is not a valid scope token/],
    [{ scope: ['a"b'] }, /is not a valid scope token/],
    [{ realm: 'line\nbreak' }, /realm must be a string of printable ASCII/],
    [{ resourceMetadataUrl: '/relative' }, /resourceMetadataUrl must be an absolute URL/],
  ])('refuses %j with a TypeError that names the field', (options, message) => {
    expect(() => bearerChallenge(options)).toThrow(TypeError);
    expect(() => bearerChallenge(options)).toThrow(message);
  });

  it('always produces a value Headers accepts', () => {
    const value = bearerChallenge({ errorDescription: '\u0000\u{1F600}\u00ff', realm: '\t' });
    expect(() => new Headers({ 'WWW-Authenticate': value })).not.toThrow();
    expect(value).toBe('Bearer realm="\t", error_description="???"');
  });
});
