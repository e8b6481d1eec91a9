/**
 * Scenario 2: a real child process over stdio, each SDK's client talking to the same SDK's server.
 */
import { stdioServerCommand } from '../children.ts';
import { loadAdapter } from '../sdks/registry.ts';
import type { McpConnection } from '../sdks/types.ts';
import type { BenchProfile, Scenario, SdkId, Unavailable } from '../types.ts';
import { connectionCase, measureConcurrent, measureSequential, P50, P99, THROUGHPUT } from './common.ts';

/** A client of `sdk` connected to a fresh stdio child of the same SDK. */
export async function connectStdio(
  sdk: SdkId,
  toolCount: number,
  memoryProbe = false,
): Promise<McpConnection | Unavailable> {
  const adapter = await loadAdapter(sdk);
  const missing = await adapter.serverAvailable('stdio');
  if (missing) return missing;
  return adapter.stdioClient(stdioServerCommand(sdk, toolCount, memoryProbe));
}

/** Scenario 2. */
export const stdioScenario: Scenario = {
  id: '2',
  title: 'stdio (child process), 1 tool',
  cases: (profile: BenchProfile) => [
    connectionCase({
      id: 'stdio-sequential',
      title: `tools/call, sequential (${profile.stdioSequentialCalls.toLocaleString('en-US')} calls)`,
      metrics: [P50, P99],
      connect: (sdk) => connectStdio(sdk, 1),
      measure: (connection, p, runIndex) =>
        measureSequential(connection, p.stdioSequentialCalls, p, runIndex),
    }),
    connectionCase({
      id: 'stdio-concurrent',
      title: `tools/call, ${profile.inFlight} in flight`,
      metrics: [THROUGHPUT],
      connect: (sdk) => connectStdio(sdk, 1),
      measure: (connection, p, runIndex) => measureConcurrent(connection, p.concurrentCalls, p, runIndex),
    }),
  ],
};
