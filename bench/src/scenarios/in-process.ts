/**
 * Scenario 1: client and server in one process over each SDK's in-memory transport — the SDKs' own cost
 * per call with no I/O at all.
 */
import { loadAdapter } from '../sdks/registry.ts';
import type { Scenario } from '../types.ts';
import { connectionCase, measureConcurrent, measureSequential, P50, P99, THROUGHPUT } from './common.ts';

/** Scenario 1. */
export const inProcessScenario: Scenario = {
  id: '1',
  title: 'in-process (in-memory transport), 1 tool',
  cases: (profile) => [
    connectionCase({
      id: 'inproc-sequential',
      title: 'tools/call, sequential',
      metrics: [P50, P99],
      connect: async (sdk) => (await loadAdapter(sdk)).inMemory({ toolCount: 1, memoryProbe: false }),
      measure: (connection, profile, runIndex) =>
        measureSequential(connection, profile.sequentialCalls, profile, runIndex),
    }),
    connectionCase({
      id: 'inproc-concurrent',
      title: `tools/call, ${profile.inFlight} in flight`,
      metrics: [THROUGHPUT],
      connect: async (sdk) => (await loadAdapter(sdk)).inMemory({ toolCount: 1, memoryProbe: false }),
      measure: (connection, profile, runIndex) =>
        measureConcurrent(connection, profile.concurrentCalls, profile, runIndex),
    }),
  ],
};
