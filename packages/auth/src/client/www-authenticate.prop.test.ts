import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuthChallenge, parseWwwAuthenticate } from './www-authenticate.ts';

const tchars = "!#$%&'*+-.^_`|~abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".split('');
const token = fc
  .array(fc.constantFrom(...tchars), { minLength: 1, maxLength: 12 })
  .map((chars) => chars.join(''));
// Every visible ASCII character and the space, quotes and backslashes included: they must survive quoting.
const quotable = fc
  .array(
    fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
    { maxLength: 30 },
  )
  .map((chars) => chars.join(''));

const challenge = fc
  .record({
    scheme: token,
    params: fc.uniqueArray(fc.tuple(token, quotable, fc.boolean()), {
      minLength: 1,
      maxLength: 5,
      selector: ([name]) => name.toLowerCase(),
    }),
  })
  .map(({ scheme, params }) => ({ scheme, params }));

function quote(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

function serialize(
  challenges: { scheme: string; params: [string, string, boolean][] }[],
  separator: string,
): string {
  return challenges
    .map(
      ({ scheme, params }) =>
        `${scheme} ${params
          // A value that is itself a token may go unquoted; any value may be quoted.
          .map(
            ([name, value, bare]) =>
              `${name}${separator}=${separator}${bare && /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value) ? value : quote(value)}`,
          )
          .join(`,${separator}`)}`,
    )
    .join(`,${separator}`);
}

describe('parseWwwAuthenticate (property)', () => {
  it('reads back any serialized list of challenges', () => {
    fc.assert(
      fc.property(
        fc.array(challenge, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('', ' ', '  '),
        (challenges, ws) => {
          const parsed = parseWwwAuthenticate(serialize(challenges, ws));
          const expected: AuthChallenge[] = challenges.map(({ scheme, params }) => ({
            scheme,
            params: Object.fromEntries(params.map(([name, value]) => [name.toLowerCase(), value])),
          }));
          expect(parsed).toEqual(expected);
        },
      ),
      { numRuns: 300, interruptAfterTimeLimit: 4_000 },
    );
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (header) => {
        expect(Array.isArray(parseWwwAuthenticate(header))).toBe(true);
      }),
      { numRuns: 500, interruptAfterTimeLimit: 4_000 },
    );
  });
});
