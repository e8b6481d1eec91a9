/**
 * Keeps the harness from rotting: every scenario runs in the smoke profile (tiny counts, one run) and every
 * SDK that can run a case must return right answers. Timing is never asserted — only correctness, and that
 * a wrong answer turns a cell into a failure instead of a number.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildChildBundles } from './children.ts';
import { runBenchmarks, runCase, toRows } from './harness.ts';
import { SMOKE_PROFILE } from './profiles.ts';
import { evaluateTargets, renderReport } from './report.ts';
import { SCENARIOS } from './scenarios/index.ts';
import { pairedAdvantage, quantile, summarize } from './stats.ts';
import type { BenchCase, ReportRow, SdkId } from './types.ts';
import { checkAddResult, checkToolNames, expectedToolNames } from './workload.ts';

/** Cells an SDK may legitimately not run, by design rather than by a missing package. */
function isExpectedGap(sdk: SdkId, reason: string): boolean {
  if (sdk === 'floor') return /the floor (has no|serves)/.test(reason);
  if (sdk === 'pmcp') return reason.startsWith('not available yet');
  return false;
}

function problems(rows: readonly ReportRow[]): string[] {
  const found: string[] = [];
  for (const row of rows) {
    for (const [sdk, cell] of Object.entries(row.cells) as [
      SdkId,
      NonNullable<ReportRow['cells'][SdkId]>,
    ][]) {
      const where = `${row.caseId} / ${row.metric.key} / ${sdk}`;
      if (cell.status === 'ok') {
        if (!(cell.summary && Number.isFinite(cell.summary.median) && cell.summary.median > 0)) {
          found.push(`${where}: no positive value`);
        }
      } else if (cell.status !== 'unavailable' || !isExpectedGap(sdk, cell.reason ?? '')) {
        found.push(`${where}: ${cell.status} — ${cell.reason}`);
      }
    }
  }
  return found;
}

// Whole scenarios (child processes, bundles, HTTP servers) run here: they get minutes, not the suite's 30 s default.
describe('every scenario in smoke mode', { timeout: 240_000 }, () => {
  beforeAll(async () => {
    await buildChildBundles();
  }, 240_000);

  for (const scenario of SCENARIOS) {
    it(`scenario ${scenario.id} (${scenario.title}) returns right results for every available SDK`, async () => {
      const report = await runBenchmarks([scenario], { profile: SMOKE_PROFILE }, {});
      const cases = scenario.cases(SMOKE_PROFILE);
      expect(new Set(report.rows.map((row) => row.caseId))).toEqual(new Set(cases.map((c) => c.id)));
      expect(problems(report.rows)).toEqual([]);
      // The official SDKs are installed, so they must have produced numbers in every case.
      for (const row of report.rows) {
        expect(row.cells['official-v1']?.status, `${row.caseId} official-v1`).toBe('ok');
        expect(row.cells['official-v2']?.status, `${row.caseId} official-v2`).toBe('ok');
      }
      expect(renderReport(report)).toContain(`| ${scenario.id} |`);
    });
  }
});

describe('correctness checks', () => {
  it('rejects a wrong, missing or error tool result', () => {
    expect(() => checkAddResult({ content: [{ type: 'text', text: '10' }] }, 3)).not.toThrow();
    expect(() => checkAddResult({ content: [{ type: 'text', text: '11' }] }, 3)).toThrow(
      /expected a text block "10"/,
    );
    expect(() => checkAddResult({ content: [] }, 3)).toThrow();
    expect(() => checkAddResult({ content: [{ type: 'text', text: '10' }], isError: true }, 3)).toThrow();
  });

  it('rejects a tools/list with missing or extra tools', () => {
    expect(() => checkToolNames(expectedToolNames(50), 50)).not.toThrow();
    expect(() => checkToolNames(expectedToolNames(49), 50)).toThrow(/missing 1/);
    expect(() => checkToolNames([...expectedToolNames(50), 'surprise'], 50)).toThrow(/unexpected 1/);
  });

  it('turns a fast wrong answer into a failed cell, never a number', async () => {
    const lying: BenchCase = {
      id: 'lying',
      title: 'an SDK that answers instantly and wrongly',
      metrics: [{ key: 'p50', label: 'p50', unit: 'us', better: 'lower' }],
      async prepare(sdk) {
        return {
          warmup: async () => {},
          async run() {
            checkAddResult(
              { content: [{ type: 'text', text: sdk === 'pmcp' ? '0' : '1000007' }] },
              1_000_000,
            );
            return { p50: 1 };
          },
          dispose: async () => {},
        };
      },
    };
    const cells = await runCase(lying, SMOKE_PROFILE, ['pmcp', 'official-v1'], () => {});
    expect(cells.pmcp?.status).toBe('failed');
    expect(cells['official-v1']?.status).toBe('ok');
    const [row] = toRows(SCENARIOS[0] as (typeof SCENARIOS)[number], lying, cells);
    expect(row?.ratios).toEqual([]);
  });
});

describe('targets', () => {
  it('judges a target by pmcp’s ratio and says when it was not measured', () => {
    const rss = { key: 'idleRss', label: 'idle RSS', unit: 'MB', better: 'lower' } as const;
    const row = (advantage: number): ReportRow => ({
      scenario: '5',
      caseId: 'memory-stdio',
      caseTitle: 'memory',
      metric: rss,
      cells: {},
      ratios: [{ against: 'official-v1', advantage, min: advantage, max: advantage }],
    });
    const report = (rows: ReportRow[]) => ({
      date: '2026-01-01T00:00:00.000Z',
      profile: SMOKE_PROFILE,
      environment: { node: 'v24', platform: 'linux', arch: 'x64', cpus: 'cpu', cores: 2, memoryGiB: 1 },
      versions: {},
      pmcpBuild: 'source',
      rows,
    });
    const verdict = (rows: ReportRow[]) =>
      evaluateTargets(report(rows)).find((entry) => entry.target.caseId === 'memory-stdio')?.met;
    expect(verdict([row(1.2)])).toBe(true);
    expect(verdict([row(0.9)])).toBe(false);
    expect(verdict([])).toBeUndefined();
  });
});

describe('statistics', () => {
  it('computes medians, quantiles and spread', () => {
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(summarize([4, 1, 9, 2, 7])).toMatchObject({ median: 4, min: 1, max: 9, q1: 2, q3: 7, runs: 5 });
  });

  it('computes pmcp advantage run by run, in the direction the metric points', () => {
    // Latency: pmcp 10 vs 20 and 10 vs 40 → 2× and 4× better → median 3×.
    expect(pairedAdvantage([10, 10], [20, 40], 'lower', 'official-v1')?.advantage).toBe(3);
    // Throughput: pmcp 50 vs 100 → half as good.
    expect(pairedAdvantage([50], [100], 'higher', 'floor')?.advantage).toBe(0.5);
    expect(pairedAdvantage([], [1], 'higher', 'floor')).toBeUndefined();
  });
});
