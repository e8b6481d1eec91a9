/**
 * Scenario 5: memory of a server process. A stdio child per SDK reports its RSS and V8 heap (after a full gc)
 * when idle and after N calls; an HTTP child reports how much heap each open legacy session retains.
 */
import { runCalls } from '../measure.ts';
import { loadAdapter } from '../sdks/registry.ts';
import { isUnavailable, type McpConnection } from '../sdks/types.ts';
import type { BenchCase, MetricSpec, Scenario, SdkId } from '../types.ts';
import { MEMORY_PROBE_TOOL, parseMemoryReading } from '../workload.ts';
import { addCall, addCheck, firstIndexOfRun } from './common.ts';
import { setUpHttp } from './http.ts';
import { connectStdio } from './stdio.ts';

const MB = 1024 * 1024;

const IDLE_RSS: MetricSpec = { key: 'idleRss', label: 'idle RSS', unit: 'MB', better: 'lower' };
const IDLE_HEAP: MetricSpec = { key: 'idleHeap', label: 'idle heap used', unit: 'MB', better: 'lower' };
const BUSY_RSS: MetricSpec = { key: 'busyRss', label: 'RSS after calls', unit: 'MB', better: 'lower' };
const BUSY_HEAP: MetricSpec = {
  key: 'busyHeap',
  label: 'heap used after calls',
  unit: 'MB',
  better: 'lower',
};
const PER_SESSION: MetricSpec = {
  key: 'perSession',
  label: 'heap retained per session',
  unit: 'KB',
  better: 'lower',
};

function stdioMemoryCase(calls: number): BenchCase {
  return {
    id: 'memory-stdio',
    title: `stdio server process: idle, then after ${calls.toLocaleString('en-US')} calls`,
    metrics: [IDLE_RSS, IDLE_HEAP, BUSY_RSS, BUSY_HEAP],
    async prepare(sdk, profile) {
      // A fresh process per run: memory is about the process's history, so runs must not share one.
      const measureOnce = async (runIndex: number): Promise<Record<string, number>> => {
        const connection = await connectStdio(sdk, 1, true);
        if (isUnavailable(connection)) throw new Error(connection.unavailable);
        try {
          const idle = parseMemoryReading(await connection.callTool(MEMORY_PROBE_TOOL, {}));
          await runCalls(addCall(connection), addCheck, {
            calls,
            timeLimitMs: profile.runTimeLimitMs * 3,
            firstIndex: firstIndexOfRun(runIndex),
          });
          const busy = parseMemoryReading(await connection.callTool(MEMORY_PROBE_TOOL, {}));
          return {
            idleRss: idle.rss / MB,
            idleHeap: idle.heapUsed / MB,
            busyRss: busy.rss / MB,
            busyHeap: busy.heapUsed / MB,
          };
        } finally {
          await connection.close();
        }
      };
      const probe = await connectStdio(sdk, 1, true);
      if (isUnavailable(probe)) return probe;
      await probe.close();
      return {
        warmup: async () => {},
        run: measureOnce,
        dispose: async () => {},
      };
    },
  };
}

function sessionMemoryCase(sessions: number): BenchCase {
  return {
    id: 'memory-session',
    title: `HTTP server: heap retained per open legacy session (${sessions} sessions)`,
    metrics: [PER_SESSION],
    async prepare(sdk) {
      const measureOnce = async (): Promise<Record<string, number>> => {
        const setup = await setUpHttp(sdk, 'session', 1, 1);
        if (isUnavailable(setup)) throw new Error(setup.unavailable);
        const opened: McpConnection[] = [];
        try {
          const before = await setup.child.memory();
          for (let index = 0; index < sessions; index++) {
            opened.push(await setUpHttpClient(sdk, setup.child.url));
          }
          const after = await setup.child.memory();
          return { perSession: (after.heapUsed - before.heapUsed) / sessions / 1024 };
        } finally {
          await Promise.allSettled(opened.map((client) => client.close()));
          await setup.close();
        }
      };
      const probe = await setUpHttp(sdk, 'session', 1, 1);
      if (isUnavailable(probe)) return probe;
      await probe.close();
      return { warmup: async () => {}, run: measureOnce, dispose: async () => {} };
    },
  };
}

async function setUpHttpClient(sdk: SdkId, url: string): Promise<McpConnection> {
  const client = await (await loadAdapter(sdk)).httpClient(url, 'session');
  if (isUnavailable(client)) throw new Error(client.unavailable);
  return client;
}

/** Scenario 5. */
export const memoryScenario: Scenario = {
  id: '5',
  title: 'memory',
  cases: (profile) => [stdioMemoryCase(profile.memoryCalls), sessionMemoryCase(profile.memorySessions)],
};
