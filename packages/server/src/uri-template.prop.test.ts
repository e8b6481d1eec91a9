import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UriTemplate } from './uri-template.ts';

const RUNS = { numRuns: 300, interruptAfterTimeLimit: 5_000 };

// Well-formed strings only: a lone surrogate has no UTF-8 form, so it cannot survive percent-encoding.
const anyText = fc.string({ unit: 'grapheme', maxLength: 20 });
const nonEmptyText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 });
// Characters {+var} and {#var} copy as they are: unreserved and reserved ones, but not "%", which would be read
// back as the start of a percent-encoded triplet.
const reservedSafe = fc.string({
  unit: fc.constantFrom(..."abcXYZ019-._~:/?#[]@!$&'()*+,;= é"),
  minLength: 1,
  maxLength: 20,
});
const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/);

describe('UriTemplate (properties)', () => {
  it('simple expansion round-trips any non-empty string, surrounded by literals', () => {
    const template = new UriTemplate('notes://{folder}/{title}.txt');
    fc.assert(
      fc.property(nonEmptyText, nonEmptyText, (folder, title) => {
        const uri = template.expand({ folder, title });
        expect(template.match(uri)).toEqual({ folder, title });
      }),
      RUNS,
    );
  });

  it('several variables in one simple expression round-trip (commas inside values are encoded)', () => {
    const template = new UriTemplate('x:{a,b,c}');
    fc.assert(
      fc.property(nonEmptyText, nonEmptyText, nonEmptyText, (a, b, c) => {
        expect(template.match(template.expand({ a, b, c }))).toEqual({ a, b, c });
      }),
      RUNS,
    );
  });

  it('reserved and fragment expansion round-trip values made of URI characters', () => {
    const plus = new UriTemplate('file:///{+path}');
    const hash = new UriTemplate('doc://page{#section}');
    fc.assert(
      fc.property(reservedSafe, (value) => {
        expect(plus.match(plus.expand({ path: value }))).toEqual({ path: value });
        expect(hash.match(hash.expand({ section: value }))).toEqual({ section: value });
      }),
      RUNS,
    );
  });

  it('named operators round-trip any values, including empty ones, whatever the order in the URI', () => {
    const query = new UriTemplate('api://search{?q,lang}');
    const matrix = new UriTemplate('api://m{;x,y}');
    const reversed = new UriTemplate('api://search{?lang,q}');
    fc.assert(
      fc.property(anyText, anyText, (first, second) => {
        expect(query.match(query.expand({ q: first, lang: second }))).toEqual({ q: first, lang: second });
        expect(matrix.match(matrix.expand({ x: first, y: second }))).toEqual({ x: first, y: second });
        expect(query.match(reversed.expand({ q: first, lang: second }))).toEqual({ q: first, lang: second });
      }),
      RUNS,
    );
  });

  it('exploded path segments and query lists round-trip as arrays', () => {
    const path = new UriTemplate('repo://files{/segments*}');
    const query = new UriTemplate('repo://tags{?tag*}');
    fc.assert(
      fc.property(fc.array(anyText, { minLength: 1, maxLength: 8 }), (items) => {
        expect(path.match(path.expand({ segments: items }))).toEqual({ segments: items });
        expect(query.match(query.expand({ tag: items }))).toEqual({ tag: items });
      }),
      RUNS,
    );
  });

  it('exploded associative arrays round-trip as objects', () => {
    const template = new UriTemplate('api://find{?filters*}');
    const pairs = fc.dictionary(
      name.filter((key) => key !== 'filters'),
      anyText,
      { minKeys: 1, maxKeys: 6 },
    );
    fc.assert(
      fc.property(pairs, (filters) => {
        expect(template.match(template.expand({ filters }))).toEqual({ filters });
      }),
      RUNS,
    );
  });

  it('a prefix modifier round-trips values no longer than the prefix', () => {
    const template = new UriTemplate('id://{code:4}');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }), (code) => {
        fc.pre([...code].length <= 4);
        expect(template.match(template.expand({ code }))).toEqual({ code });
      }),
      RUNS,
    );
  });

  it('matching never throws and either returns null or variables that expand back to the same URI', () => {
    const templates = [
      new UriTemplate('users://{id}/profile{?fields}'),
      new UriTemplate('files://{/path*}{?q,page}'),
      new UriTemplate('x://{+a}/{b}{#c}'),
    ];
    const uriChars = fc.string({ unit: fc.constantFrom(...'us:/rfixe%2AF?&=#.,;aq123'), maxLength: 40 });
    fc.assert(
      fc.property(uriChars, (uri) => {
        for (const template of templates) {
          const variables = template.match(uri);
          if (variables !== null) expect(template.match(template.expand(variables))).toEqual(variables);
        }
      }),
      RUNS,
    );
  });
});
