import { describe, expect, it } from 'vitest';
import { reconnectDelay, resolveBackoff, sleep } from './sse-stream.ts';

describe('reconnection delays', () => {
  const backoff = resolveBackoff({ initialDelay: 100, maxDelay: 1000, backoffFactor: 2, maxAttempts: 4 });

  it("waits the server's retry: exactly for the first attempt, even above maxDelay", () => {
    expect(reconnectDelay(backoff, 2500, 0)).toBe(2500);
    expect(reconnectDelay(backoff, 0, 0)).toBe(0);
    expect(reconnectDelay(backoff, undefined, 0)).toBe(100);
  });

  it('backs off by the factor for consecutive failures, capped at maxDelay but never below the base', () => {
    expect([1, 2, 3, 4, 5].map((failures) => reconnectDelay(backoff, undefined, failures))).toEqual([
      200, 400, 800, 1000, 1000,
    ]);
    expect(reconnectDelay(backoff, 2500, 3)).toBe(2500);
  });

  it('fills in defaults and rejects nonsense with the option name', () => {
    expect(resolveBackoff(undefined)).toEqual({
      maxAttempts: 5,
      initialDelay: 1000,
      maxDelay: 30_000,
      backoffFactor: 1.5,
    });
    expect(() => resolveBackoff({ maxAttempts: 1.5 })).toThrow(/maxAttempts/);
    expect(() => resolveBackoff({ initialDelay: -1 })).toThrow(/initialDelay/);
    expect(() => resolveBackoff({ maxDelay: Number.NaN })).toThrow(/maxDelay/);
    expect(() => resolveBackoff({ backoffFactor: 0.5 })).toThrow(/backoffFactor/);
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const waiting = sleep(3_600_000, controller.signal);
    controller.abort();
    expect(await waiting).toBe(false);
    expect(await sleep(0, new AbortController().signal)).toBe(true);
  });
});
