import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.ts';

describe('TokenBucket', () => {
  it('never admits more than burst + rate × elapsed over any window of any arrival sequence', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 1_000, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { minLength: 1, maxLength: 120 }),
        (ratePerSecond, burst, gaps) => {
          let now = 0;
          const bucket = new TokenBucket(ratePerSecond, burst, now);
          const admittedAt: number[] = [];
          for (const gap of gaps) {
            now += gap;
            if (bucket.take(now).ok) admittedAt.push(now);
          }
          // Every window [admittedAt[i], admittedAt[j]] holds j - i + 1 admissions.
          for (let i = 0; i < admittedAt.length; i++) {
            for (let j = i; j < admittedAt.length; j++) {
              const elapsed = (admittedAt[j] as number) - (admittedAt[i] as number);
              expect(j - i + 1).toBeLessThanOrEqual(burst + (ratePerSecond * elapsed) / 1000 + 1e-6);
            }
          }
        },
      ),
      { numRuns: 200, interruptAfterTimeLimit: 5_000 },
    );
  });

  it('admits a full burst after a quiet period and tells how long until the next token', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 40 }),
        (ratePerSecond, burst) => {
          const bucket = new TokenBucket(ratePerSecond, burst, 0);
          for (let n = 0; n < burst; n++) expect(bucket.take(0).ok).toBe(true);
          const refused = bucket.take(0);
          expect(refused).toEqual({ ok: false, retryAfterMs: Math.ceil(1000 / ratePerSecond) });
          if (!refused.ok) expect(bucket.take(refused.retryAfterMs).ok).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
