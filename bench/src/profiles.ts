/**
 * Counts and time limits. `full` is what the README's table comes from; `quick` is a minute-scale smoke run
 * that still shows the shape of the results; `smoke` only proves every scenario still runs and is right.
 */
import type { BenchProfile } from './types.ts';

/** The published numbers. */
export const FULL_PROFILE: BenchProfile = {
  name: 'full',
  runs: 5,
  warmupCalls: 1_000,
  sequentialCalls: 5_000,
  stdioSequentialCalls: 2_000,
  concurrentCalls: 5_000,
  inFlight: 32,
  httpCalls: 2_000,
  httpClients: 16,
  runTimeLimitMs: 20_000,
  coldStarts: 5,
  memoryCalls: 10_000,
  memorySessions: 200,
  parseCorpusSize: 2_000,
  parsePasses: 50,
  sseEvents: 20_000,
};

/** `pnpm bench --quick`. */
export const QUICK_PROFILE: BenchProfile = {
  name: 'quick',
  runs: 3,
  warmupCalls: 200,
  sequentialCalls: 1_000,
  stdioSequentialCalls: 500,
  concurrentCalls: 1_000,
  inFlight: 32,
  httpCalls: 400,
  httpClients: 16,
  runTimeLimitMs: 5_000,
  coldStarts: 3,
  memoryCalls: 10_000,
  memorySessions: 50,
  parseCorpusSize: 1_000,
  parsePasses: 20,
  sseEvents: 5_000,
};

/** The vitest smoke test: tiny counts, one run; checks correctness, never timing. */
export const SMOKE_PROFILE: BenchProfile = {
  name: 'smoke',
  runs: 1,
  warmupCalls: 3,
  sequentialCalls: 10,
  stdioSequentialCalls: 10,
  concurrentCalls: 40,
  inFlight: 8,
  httpCalls: 10,
  httpClients: 2,
  runTimeLimitMs: 10_000,
  coldStarts: 1,
  memoryCalls: 20,
  // Enough sessions that their heap stands above the collector's noise: with 2, a run can measure ≤ 0.
  memorySessions: 25,
  parseCorpusSize: 40,
  parsePasses: 1,
  sseEvents: 40,
};
