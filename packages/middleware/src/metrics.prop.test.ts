import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeTransport } from './fake-transport.test-helper.ts';
import { type LatencyStats, metrics } from './metrics.ts';

const METHODS = ['tools/call', 'tools/list', 'ping'] as const;

/** Nearest rank, written independently of the implementation: the k-th smallest with k = ceil(p·n/100). */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const k = Math.ceil((p * sorted.length) / 100);
  return sorted[Math.max(k, 1) - 1] as number;
}

function expected(values: number[]): LatencyStats {
  return {
    count: values.length,
    min: Math.min(...values),
    max: Math.max(...values),
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
  };
}

type Step =
  | { kind: 'request'; method: number; outgoing: boolean }
  | { kind: 'answer'; pick: number }
  | { kind: 'tick'; ms: number };

describe('metrics latency', () => {
  it('is exact for any interleaving of requests and responses in both directions', () => {
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('request' as const), method: fc.nat(2), outgoing: fc.boolean() }),
      fc.record({ kind: fc.constant('answer' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 1_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        let now = 0;
        const recorder = metrics({ now: () => now });
        const base = new FakeTransport();
        const transport = recorder(base);
        transport.onmessage = () => {};
        const open: Array<{ id: number; method: string; outgoing: boolean; at: number }> = [];
        const samples = { outgoing: new Map<string, number[]>(), incoming: new Map<string, number[]>() };
        let nextId = 0;
        for (const s of steps) {
          if (s.kind === 'tick') now += s.ms;
          else if (s.kind === 'request') {
            // The same ids in both directions: correlation must keep the directions apart.
            const id = nextId++ % 7 === 0 ? 0 : nextId;
            if (open.some((o) => o.id === id && o.outgoing === s.outgoing)) continue;
            const method = METHODS[s.method] as string;
            open.push({ id, method, outgoing: s.outgoing, at: now });
            if (s.outgoing) void transport.send({ jsonrpc: '2.0', id, method });
            else base.deliver({ jsonrpc: '2.0', id, method });
          } else if (open.length > 0) {
            const [request] = open.splice(s.pick % open.length, 1);
            if (request === undefined) continue;
            const table = request.outgoing ? samples.outgoing : samples.incoming;
            table.set(request.method, [...(table.get(request.method) ?? []), now - request.at]);
            if (request.outgoing) base.deliver({ jsonrpc: '2.0', id: request.id, result: {} });
            else void transport.send({ jsonrpc: '2.0', id: request.id, result: {} });
          }
        }
        const snapshot = recorder.snapshot();
        for (const direction of ['outgoing', 'incoming'] as const) {
          const wanted = Object.fromEntries(
            [...samples[direction]].map(([method, values]) => [method, expected(values)]),
          );
          expect(snapshot.latency[direction]).toEqual(wanted);
        }
        expect(snapshot.pending).toEqual({
          outgoing: open.filter((o) => o.outgoing).length,
          incoming: open.filter((o) => !o.outgoing).length,
        });
      }),
      { numRuns: 300, interruptAfterTimeLimit: 10_000 },
    );
  });

  it('keeps count, min, max and mean exact once the reservoir samples', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 300 }),
        (latencies) => {
          let now = 0;
          const recorder = metrics({ now: () => now, reservoirSize: 8 });
          const base = new FakeTransport();
          const transport = recorder(base);
          latencies.forEach((latency, id) => {
            void transport.send({ jsonrpc: '2.0', id, method: 'ping' });
            now += latency;
            base.deliver({ jsonrpc: '2.0', id, result: {} });
          });
          const stats = recorder.snapshot().latency.outgoing.ping as LatencyStats;
          const exact = expected(latencies);
          expect(stats).toMatchObject({ count: exact.count, min: exact.min, max: exact.max });
          expect(stats.mean).toBeCloseTo(exact.mean, 6);
          for (const p of [stats.p50, stats.p90, stats.p99]) {
            expect(latencies).toContain(p);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
