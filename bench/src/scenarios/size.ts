/**
 * Scenario 4: what a server costs as it grows — per-request cost with 1, 50 and 500 registered tools
 * (in-memory and over HTTP, where a server rebuilt per request pays for every tool on every request),
 * `tools/list` with 500 tools, and a cold start of a server process to its first answer.
 */
import { stdioServerCommand } from '../children.ts';
import { runCalls } from '../measure.ts';
import { loadAdapter } from '../sdks/registry.ts';
import { isUnavailable } from '../sdks/types.ts';
import { median } from '../stats.ts';
import type { BenchCase, MetricSpec, Scenario } from '../types.ts';
import { ADD_TOOL, addArguments, checkAddResult, checkToolNames } from '../workload.ts';
import { connectionCase, firstIndexOfRun, measureSequential, P50 } from './common.ts';
import { httpSizeCase } from './http.ts';

const TOOL_COUNTS = [1, 50, 500] as const;

const COLD_START: MetricSpec = {
  key: 'coldStart',
  label: 'spawn → first result',
  unit: 'ms',
  better: 'lower',
};

function toolsListCase(toolCount: number): BenchCase {
  return {
    id: `tools-list-${toolCount}`,
    title: `tools/list, ${toolCount} tools (in-memory)`,
    metrics: [P50],
    async prepare(sdk, profile) {
      const connection = await (await loadAdapter(sdk)).inMemory({ toolCount, memoryProbe: false });
      if (isUnavailable(connection)) return connection;
      const list = (): Promise<unknown> => connection.listToolNames();
      const check = (names: unknown): void => checkToolNames(names as string[], toolCount);
      const calls = Math.max(3, Math.ceil(profile.sequentialCalls / 20));
      return {
        ...(connection.note === undefined ? {} : { note: connection.note }),
        async warmup() {
          await runCalls(list, check, { calls, timeLimitMs: profile.runTimeLimitMs });
        },
        async run() {
          const result = await runCalls(list, check, { calls, timeLimitMs: profile.runTimeLimitMs });
          return { p50: result.p50Us };
        },
        dispose: () => connection.close(),
      };
    },
  };
}

const coldStartCase: BenchCase = {
  id: 'cold-start',
  title: 'stdio cold start: spawn → connected → first tools/call result',
  metrics: [COLD_START],
  async prepare(sdk, profile) {
    const adapter = await loadAdapter(sdk);
    const missing = await adapter.serverAvailable('stdio');
    if (missing) return missing;
    const once = async (index: number): Promise<number> => {
      const began = performance.now();
      const connection = await adapter.stdioClient(stdioServerCommand(sdk, 1));
      if (isUnavailable(connection)) throw new Error(connection.unavailable);
      try {
        const result = await connection.callTool(ADD_TOOL, addArguments(index));
        const elapsed = performance.now() - began;
        checkAddResult(result, index);
        return elapsed;
      } finally {
        await connection.close();
      }
    };
    return {
      // The first start also loads the client's own modules in this process; it is not measured.
      warmup: async () => void (await once(0)),
      async run(runIndex) {
        const samples: number[] = [];
        for (let start = 0; start < profile.coldStarts; start++) {
          samples.push(await once(firstIndexOfRun(runIndex) + start));
        }
        return { coldStart: median(samples) };
      },
      dispose: async () => {},
    };
  },
};

/** Scenario 4. */
export const sizeScenario: Scenario = {
  id: '4',
  title: 'server cost versus size',
  cases: () => [
    ...TOOL_COUNTS.map((toolCount) =>
      connectionCase({
        id: `size-inproc-${toolCount}`,
        title: `in-memory tools/call, ${toolCount} tool${toolCount === 1 ? '' : 's'} registered`,
        metrics: [P50],
        connect: async (sdk) => (await loadAdapter(sdk)).inMemory({ toolCount, memoryProbe: false }),
        measure: (connection, profile, runIndex) =>
          measureSequential(connection, profile.sequentialCalls, profile, runIndex),
      }),
    ),
    ...TOOL_COUNTS.map((toolCount) => httpSizeCase(toolCount)),
    toolsListCase(500),
    coldStartCase,
  ],
};
