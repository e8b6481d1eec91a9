/**
 * Building blocks shared by scenarios: metric definitions and a case that connects one client per SDK,
 * warms it up and runs a bounded call loop per run.
 */
import { type Call, type Check, runCalls } from '../measure.ts';
import type { McpConnection } from '../sdks/types.ts';
import { isUnavailable } from '../sdks/types.ts';
import type { BenchCase, BenchProfile, MetricSpec, SdkId, Unavailable } from '../types.ts';
import { ADD_TOOL, addArguments, checkAddResult } from '../workload.ts';

/** Median call latency of a run. */
export const P50: MetricSpec = { key: 'p50', label: 'p50 latency', unit: 'us', better: 'lower' };
/** 99th percentile call latency of a run. */
export const P99: MetricSpec = { key: 'p99', label: 'p99 latency', unit: 'us', better: 'lower' };
/** Completed calls per second of wall time. */
export const THROUGHPUT: MetricSpec = {
  key: 'throughput',
  label: 'throughput',
  unit: 'calls/s',
  better: 'higher',
};

/** A `tools/call add` through `connection`. */
export function addCall(connection: McpConnection): Call {
  return (index) => connection.callTool(ADD_TOOL, addArguments(index));
}

/** Checks an `add` answer. */
export const addCheck: Check = checkAddResult;

/** Call indices: warm-up and each run use their own range, so arguments never repeat. */
export function firstIndexOfRun(runIndex: number): number {
  return (runIndex + 1) * 1_000_000;
}

/** Options of a {@link connectionCase}. */
export interface ConnectionCaseOptions {
  id: string;
  title: string;
  metrics: readonly MetricSpec[];
  connect(sdk: SdkId, profile: BenchProfile): Promise<McpConnection | Unavailable>;
  /** One run: a bounded loop whose results are mapped to metric values. */
  measure(
    connection: McpConnection,
    profile: BenchProfile,
    runIndex: number,
  ): Promise<Record<string, number>>;
  runs?: number;
}

/** A case with one long-lived client connection per SDK. */
export function connectionCase(options: ConnectionCaseOptions): BenchCase {
  return {
    id: options.id,
    title: options.title,
    metrics: options.metrics,
    ...(options.runs === undefined ? {} : { runs: options.runs }),
    async prepare(sdk, profile) {
      const connection = await options.connect(sdk, profile);
      if (isUnavailable(connection)) return connection;
      return {
        ...(connection.note === undefined ? {} : { note: connection.note }),
        async warmup() {
          await runCalls(addCall(connection), addCheck, {
            calls: profile.warmupCalls,
            timeLimitMs: profile.runTimeLimitMs,
            inFlight: 1,
          });
        },
        run: (runIndex) => options.measure(connection, profile, runIndex),
        dispose: () => connection.close(),
      };
    },
  };
}

/** Sequential latency: p50 and p99 over `calls` calls made one after another. */
export async function measureSequential(
  connection: McpConnection,
  calls: number,
  profile: BenchProfile,
  runIndex: number,
): Promise<Record<string, number>> {
  const result = await runCalls(addCall(connection), addCheck, {
    calls,
    timeLimitMs: profile.runTimeLimitMs,
    inFlight: 1,
    firstIndex: firstIndexOfRun(runIndex),
  });
  return { p50: result.p50Us, p99: result.p99Us, throughput: result.callsPerSecond };
}

/** Throughput (and p99 under load) with `profile.inFlight` calls outstanding. */
export async function measureConcurrent(
  connection: McpConnection,
  calls: number,
  profile: BenchProfile,
  runIndex: number,
): Promise<Record<string, number>> {
  const result = await runCalls(addCall(connection), addCheck, {
    calls,
    timeLimitMs: profile.runTimeLimitMs,
    inFlight: profile.inFlight,
    firstIndex: firstIndexOfRun(runIndex),
  });
  return { p50: result.p50Us, p99: result.p99Us, throughput: result.callsPerSecond };
}
