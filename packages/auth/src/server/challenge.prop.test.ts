/**
 * Whatever text goes into a challenge, the header must parse back to exactly the parameters that were meant:
 * no value may end its quotes early and smuggle in a `resource_metadata` or `scope` of its own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bearerChallenge } from './challenge.ts';

/** A strict parser of `Bearer` + RFC 9110 auth-params (token or quoted-string values); throws on anything else. */
function parseChallenge(header: string): Map<string, string> {
  const match = /^Bearer(?: (.*))?$/s.exec(header);
  if (match === null) throw new Error(`not a Bearer challenge: ${header}`);
  const params = new Map<string, string>();
  const rest = match[1] ?? '';
  let index = 0;
  while (index < rest.length) {
    const name = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+=/.exec(rest.slice(index));
    if (name === null) throw new Error(`expected a parameter name at ${index}: ${rest}`);
    index += name[0].length;
    if (rest[index] !== '"') throw new Error(`expected a quoted value at ${index}: ${rest}`);
    index++;
    let value = '';
    for (;;) {
      const char = rest[index];
      if (char === undefined) throw new Error(`unterminated quoted value: ${rest}`);
      index++;
      if (char === '"') break;
      if (char === '\\') {
        const escaped = rest[index];
        if (escaped === undefined) throw new Error(`dangling escape: ${rest}`);
        value += escaped;
        index++;
      } else {
        value += char;
      }
    }
    const key = name[0].slice(0, -1);
    if (params.has(key)) throw new Error(`parameter ${key} appears twice: ${rest}`);
    params.set(key, value);
    if (index < rest.length) {
      if (rest.slice(index, index + 2) !== ', ') throw new Error(`expected ", " at ${index}: ${rest}`);
      index += 2;
    }
  }
  return params;
}

const printable = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
    fc.constant('\t'),
  ),
});
const anyText = fc.string({ unit: 'binary' });
const scopeToken = fc.string({
  unit: fc
    .integer({ min: 0x21, max: 0x7e })
    .filter((code) => code !== 0x22 && code !== 0x5c)
    .map((code) => String.fromCharCode(code)),
  minLength: 1,
  maxLength: 12,
});
const FORBIDDEN_IN_DESCRIPTION = /["\\]|[^\x20-\x7E]/u;

describe('bearerChallenge escaping (property)', () => {
  it('parses back to exactly the parameters given, for any realm, description and scopes', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            realm: printable,
            errorDescription: anyText,
            scope: fc.array(scopeToken, { maxLength: 5 }),
            error: fc.constantFrom('invalid_request', 'invalid_token', 'insufficient_scope'),
          },
          { requiredKeys: [] },
        ),
        (options) => {
          const header = bearerChallenge({
            ...options,
            resourceMetadataUrl: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
          });
          expect(() => new Headers({ 'WWW-Authenticate': header })).not.toThrow();
          const params = parseChallenge(header);
          const expected = new Set(['resource_metadata']);
          if (options.realm !== undefined) {
            expected.add('realm');
            expect(params.get('realm')).toBe(options.realm);
          }
          if (options.error !== undefined) {
            expected.add('error');
            expect(params.get('error')).toBe(options.error);
          }
          if (options.errorDescription !== undefined) {
            expected.add('error_description');
            const description = params.get('error_description') ?? '';
            expect(description).not.toMatch(FORBIDDEN_IN_DESCRIPTION);
            // One replacement per code point: same length, and every allowed character kept in place.
            const original = [...options.errorDescription];
            expect([...description]).toHaveLength(original.length);
            original.forEach((char, index) => {
              if (!FORBIDDEN_IN_DESCRIPTION.test(char)) expect([...description][index]).toBe(char);
            });
          }
          if (options.scope !== undefined && options.scope.length > 0) {
            expected.add('scope');
            expect(params.get('scope')?.split(' ')).toEqual(options.scope);
          }
          expect(new Set(params.keys())).toEqual(expected);
          expect(params.get('resource_metadata')).toBe(
            'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
          );
        },
      ),
      { numRuns: 500, interruptAfterTimeLimit: 5_000 },
    );
  });

  it('keeps any metadata URL inside its quotes', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), anyText, (url, junk) => {
        const target = `${url}/${junk}"\\`;
        const params = parseChallenge(bearerChallenge({ resourceMetadataUrl: target }));
        expect([...params.keys()]).toEqual(['resource_metadata']);
        expect(params.get('resource_metadata')).toBe(new URL(target).href);
      }),
      { numRuns: 300, interruptAfterTimeLimit: 5_000 },
    );
  });
});
