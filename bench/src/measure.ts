/**
 * Bounded call loops. Every loop stops at its call count or its time limit, whichever comes first, and every
 * answer is checked — outside the timed span, so checking costs no SDK anything.
 */
import { quantileSorted } from './stats.ts';

/** One call under measurement; returns what the SDK answered. `worker` is which of the in-flight slots runs it. */
export type Call = (index: number, worker: number) => Promise<unknown>;
/** Throws (WrongResultError) when the answer to call `index` is wrong. */
export type Check = (result: unknown, index: number) => void;

/** Limits of one loop. */
export interface LoopLimits {
  calls: number;
  timeLimitMs: number;
  /** Calls in flight at once; 1 means strictly sequential. */
  inFlight?: number;
  /** The first call index, so warm-up and runs use different arguments. */
  firstIndex?: number;
}

/** What one loop measured. */
export interface LoopResult {
  completed: number;
  elapsedMs: number;
  callsPerSecond: number;
  p50Us: number;
  p99Us: number;
}

/**
 * Runs `call` up to `limits.calls` times with `limits.inFlight` calls outstanding, timing each one.
 * Latency percentiles are of individual calls; throughput is completed calls over wall time.
 */
export async function runCalls(call: Call, check: Check, limits: LoopLimits): Promise<LoopResult> {
  const inFlight = Math.max(1, limits.inFlight ?? 1);
  const firstIndex = limits.firstIndex ?? 0;
  const latenciesMs = new Float64Array(limits.calls);
  let next = 0;
  let completed = 0;
  const start = performance.now();
  const deadline = start + limits.timeLimitMs;

  const worker = async (_: unknown, workerIndex: number): Promise<void> => {
    while (next < limits.calls && performance.now() < deadline) {
      const slot = next++;
      const index = firstIndex + slot;
      const began = performance.now();
      const result = await call(index, workerIndex);
      latenciesMs[completed++] = performance.now() - began;
      check(result, index);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsedMs = performance.now() - start;
  const sorted = latenciesMs.subarray(0, completed).sort();
  return {
    completed,
    elapsedMs,
    callsPerSecond: completed / (elapsedMs / 1000),
    p50Us: quantileSorted(Array.from(sorted), 0.5) * 1000,
    p99Us: quantileSorted(Array.from(sorted), 0.99) * 1000,
  };
}

/** Runs `body` once and returns its duration in ms. */
export async function timeOnce(body: () => Promise<void>): Promise<number> {
  const began = performance.now();
  await body();
  return performance.now() - began;
}

/** Rejects when `promise` takes longer than `ms`, so no scenario can hang the run. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
