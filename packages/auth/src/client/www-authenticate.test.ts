import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate, readBearerChallenge } from './www-authenticate.ts';

describe('parseWwwAuthenticate', () => {
  it('reads a Bearer challenge with quoted and token parameters, names lower-cased', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer Error=invalid_token, resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", scope="a b"',
      ),
    ).toEqual([
      {
        scheme: 'Bearer',
        params: {
          error: 'invalid_token',
          resource_metadata: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
          scope: 'a b',
        },
      },
    ]);
  });

  it('splits several challenges, including commas inside quoted strings', () => {
    const challenges = parseWwwAuthenticate(
      'Basic realm="a, b", Bearer scope="x", error="insufficient_scope"',
    );
    expect(challenges).toEqual([
      { scheme: 'Basic', params: { realm: 'a, b' } },
      { scheme: 'Bearer', params: { scope: 'x', error: 'insufficient_scope' } },
    ]);
  });

  it('unescapes quoted-pairs', () => {
    expect(parseWwwAuthenticate('Bearer error_description="say \\"hi\\" \\\\ bye"')[0]?.params).toEqual({
      error_description: 'say "hi" \\ bye',
    });
  });

  it('reads token68 credentials and bare schemes', () => {
    expect(parseWwwAuthenticate('Negotiate abc+/def==, Bearer')).toEqual([
      { scheme: 'Negotiate', params: {}, token68: 'abc+/def==' },
      { scheme: 'Bearer', params: {} },
    ]);
  });

  it('keeps the first of duplicated parameters and tolerates garbage', () => {
    expect(parseWwwAuthenticate('Bearer scope="a", scope="b", =oops, "stray"')).toEqual([
      { scheme: 'Bearer', params: { scope: 'a' } },
    ]);
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate('Bearer scope="unterminated')[0]?.params).toEqual({ scope: 'unterminated' });
  });
});

describe('readBearerChallenge', () => {
  it('takes the Bearer challenge whatever the case of its scheme', () => {
    expect(
      readBearerChallenge(
        'Basic realm="x", bearer resource_metadata="https://h/prm", scope="s", error_description="d"',
      ),
    ).toEqual({ resourceMetadata: 'https://h/prm', scope: 's', errorDescription: 'd' });
  });

  it('is empty without a header or without a Bearer challenge', () => {
    expect(readBearerChallenge(null)).toEqual({});
    expect(readBearerChallenge('Basic realm="x"')).toEqual({});
  });
});
