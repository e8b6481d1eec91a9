import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitCommandLine } from './args.ts';

/** Quotes a word the way the README tells users to. */
function quote(word: string): string {
  return `"${word.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

describe('splitCommandLine (properties)', () => {
  it('gives back any list of words, each quoted and joined by spaces', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 6 }), (words) => {
        expect(splitCommandLine(words.map(quote).join(' '))).toEqual({ ok: true, words });
      }),
      { numRuns: 300 },
    );
  });

  it('splits plain words (no spaces, tabs or quotes) on any run of blanks', () => {
    const plain = fc.string({ minLength: 1 }).filter((word) => !/[ \t"]/.test(word));
    const blanks = fc.constantFrom(' ', '\t', '  ', ' \t ');
    fc.assert(
      fc.property(fc.array(plain, { minLength: 1, maxLength: 6 }), blanks, (words, gap) => {
        expect(splitCommandLine(gap + words.join(gap) + gap)).toEqual({ ok: true, words });
      }),
      { numRuns: 300 },
    );
  });
});
