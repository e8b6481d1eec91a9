import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paginate } from './pagination.ts';

describe('paginate (properties)', () => {
  it('visits every entry exactly once, in order, for any list and page size', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 25 }),
        (names, pageSize) => {
          const entries = names.map((name) => [name, name] as const);
          const seen: string[] = [];
          let cursor: string | undefined;
          let pages = 0;
          do {
            const page = paginate(entries, 'tools/list', cursor, pageSize);
            expect(page.items.length).toBeLessThanOrEqual(pageSize);
            seen.push(...page.items);
            cursor = page.nextCursor;
            pages++;
          } while (cursor !== undefined);
          expect(seen).toEqual(names);
          expect(pages).toBe(Math.max(1, Math.ceil(names.length / pageSize)));
        },
      ),
      { numRuns: 200, interruptAfterTimeLimit: 5_000 },
    );
  });
});
