/**
 * Scenario 3: Streamable HTTP on loopback. The server runs in a child process (its own core); each SDK's
 * client talks to the same SDK's server, in the stateless mode (modern where the SDK has it) and in legacy
 * sessions.
 */
import { type HttpChild, startHttpChild } from '../children.ts';
import { runCalls } from '../measure.ts';
import { loadAdapter } from '../sdks/registry.ts';
import type { HttpMode, McpConnection } from '../sdks/types.ts';
import { isUnavailable } from '../sdks/types.ts';
import type { BenchCase, BenchProfile, MetricSpec, Scenario, SdkId, Unavailable } from '../types.ts';
import { ADD_TOOL, addArguments, checkAddResult } from '../workload.ts';
import { firstIndexOfRun, P50, P99, THROUGHPUT } from './common.ts';

/** An HTTP server child of `sdk` plus `clients` connected clients of the same SDK. */
export interface HttpSetup {
  child: HttpChild;
  clients: McpConnection[];
  close(): Promise<void>;
}

/** Starts the child and connects `clientCount` clients, or says why this SDK cannot. */
export async function setUpHttp(
  sdk: SdkId,
  mode: HttpMode,
  toolCount: number,
  clientCount: number,
): Promise<HttpSetup | Unavailable> {
  const adapter = await loadAdapter(sdk);
  if (sdk === 'floor' && mode === 'session') return { unavailable: 'the floor has no sessions' };
  const missing = await adapter.serverAvailable('http');
  if (missing) return missing;
  const child = await startHttpChild(sdk, mode, toolCount);
  const clients: McpConnection[] = [];
  const close = async (): Promise<void> => {
    await Promise.allSettled(clients.map((client) => client.close()));
    await child.close();
  };
  try {
    for (let index = 0; index < clientCount; index++) {
      const client = await adapter.httpClient(child.url, mode);
      if (isUnavailable(client)) {
        await close();
        return client;
      }
      clients.push(client);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { child, clients, close };
}

/** Options of {@link httpCase}. */
export interface HttpCaseOptions {
  id: string;
  title: string;
  mode: HttpMode;
  toolCount: number;
  metrics: readonly MetricSpec[];
  /** Clients connected; each is one in-flight slot unless `inFlight` says more. */
  clients(profile: BenchProfile): number;
  inFlight(profile: BenchProfile): number;
  calls(profile: BenchProfile): number;
}

/** A case with one HTTP server child and some clients per SDK. */
export function httpCase(options: HttpCaseOptions): BenchCase {
  return {
    id: options.id,
    title: options.title,
    metrics: options.metrics,
    async prepare(sdk, profile) {
      const setup = await setUpHttp(sdk, options.mode, options.toolCount, options.clients(profile));
      if (isUnavailable(setup)) return setup;
      const { clients } = setup;
      const call = (index: number, worker: number): Promise<unknown> =>
        (clients[worker % clients.length] as McpConnection).callTool(ADD_TOOL, addArguments(index));
      const loop = (calls: number, firstIndex: number) =>
        runCalls(call, checkAddResult, {
          calls,
          timeLimitMs: profile.runTimeLimitMs,
          inFlight: options.inFlight(profile),
          firstIndex,
        });
      return {
        ...(clients[0]?.note === undefined ? {} : { note: clients[0].note }),
        async warmup() {
          await loop(Math.max(clients.length, Math.ceil(profile.warmupCalls / 4)), 0);
        },
        async run(runIndex) {
          const result = await loop(options.calls(profile), firstIndexOfRun(runIndex));
          return { p50: result.p50Us, p99: result.p99Us, throughput: result.callsPerSecond };
        },
        dispose: () => setup.close(),
      };
    },
  };
}

/** Scenario 3. */
export const httpScenario: Scenario = {
  id: '3',
  title: 'Streamable HTTP on loopback, 1 tool',
  cases: (profile) =>
    (['stateless', 'session'] as const).flatMap((mode) => [
      httpCase({
        id: `http-${mode}-one-client`,
        title: `${mode}: 1 client, ${profile.inFlight} in flight`,
        mode,
        toolCount: 1,
        metrics: [THROUGHPUT, P99],
        clients: () => 1,
        inFlight: (p) => p.inFlight,
        calls: (p) => p.httpCalls,
      }),
      httpCase({
        id: `http-${mode}-many-clients`,
        title: `${mode}: ${profile.httpClients} clients at once`,
        mode,
        toolCount: 1,
        metrics: [THROUGHPUT, P99],
        clients: (p) => p.httpClients,
        inFlight: (p) => p.httpClients,
        calls: (p) => p.httpCalls,
      }),
    ]),
};

/** Scenario 4's HTTP part: per-request cost by registered tool count, sequential, stateless. */
export function httpSizeCase(toolCount: number): BenchCase {
  return httpCase({
    id: `size-http-${toolCount}`,
    title: `HTTP stateless tools/call, ${toolCount} tool${toolCount === 1 ? '' : 's'} registered`,
    mode: 'stateless',
    toolCount,
    metrics: [P50],
    clients: () => 1,
    inFlight: () => 1,
    calls: (p) => p.httpCalls,
  });
}
