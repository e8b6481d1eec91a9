/**
 * Runs scenarios: every SDK prepared and warmed up, then several runs with the SDKs interleaved (rotating
 * the order each run, so none always goes first or last), then median, spread and pair-by-pair ratios.
 */
import { cpus, totalmem } from 'node:os';
import { buildChildBundles } from './children.ts';
import { withTimeout } from './measure.ts';
import { isUnavailable } from './sdks/types.ts';
import { pairedAdvantage, summarize } from './stats.ts';
import {
  type BenchCase,
  type BenchProfile,
  type BenchReport,
  type CellResult,
  type PreparedCase,
  type RatioSummary,
  type ReportRow,
  type Scenario,
  SDK_IDS,
  type SdkId,
  WrongResultError,
} from './types.ts';

/** What to run and where to say what is happening. */
export interface RunOptions {
  profile: BenchProfile;
  /** Only scenarios whose id starts with one of these (all when absent). */
  only?: readonly string[];
  sdks?: readonly SdkId[];
  log?: (line: string) => void;
  /** How pmcp was loaded, for the report ("source" or "dist"). */
  pmcpBuild?: string;
}

/** The outcome of one case for every SDK. */
export interface CaseOutcome {
  scenario: Scenario;
  benchCase: BenchCase;
  cells: Partial<Record<SdkId, CellResult>>;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function failure(error: unknown): CellResult {
  return error instanceof WrongResultError
    ? { status: 'failed', reason: describeError(error) }
    : { status: 'error', reason: describeError(error) };
}

/** Runs one case for the given SDKs. Never throws: a broken SDK becomes a failed or errored cell. */
export async function runCase(
  benchCase: BenchCase,
  profile: BenchProfile,
  sdks: readonly SdkId[],
  log: (line: string) => void,
): Promise<Partial<Record<SdkId, CellResult>>> {
  const cells: Partial<Record<SdkId, CellResult>> = {};
  const prepared = new Map<SdkId, PreparedCase>();
  const values = new Map<SdkId, Record<string, number[]>>();
  const stepLimitMs = profile.runTimeLimitMs * 4 + 60_000;

  for (const sdk of sdks) {
    try {
      const outcome = await withTimeout(benchCase.prepare(sdk, profile), stepLimitMs, `${sdk} setup`);
      if (isUnavailable(outcome)) {
        cells[sdk] = { status: 'unavailable', reason: outcome.unavailable };
        continue;
      }
      prepared.set(sdk, outcome);
      await withTimeout(outcome.warmup(), stepLimitMs, `${sdk} warm-up`);
      values.set(sdk, Object.fromEntries(benchCase.metrics.map((metric) => [metric.key, [] as number[]])));
    } catch (error) {
      cells[sdk] = failure(error);
      log(`    ${sdk}: ${describeError(error)}`);
    }
  }

  const runs = benchCase.runs ?? profile.runs;
  for (let runIndex = 0; runIndex < runs; runIndex++) {
    const order = [...values.keys()];
    const rotated = [...order.slice(runIndex % order.length), ...order.slice(0, runIndex % order.length)];
    for (const sdk of rotated) {
      const series = values.get(sdk);
      const preparedCase = prepared.get(sdk);
      if (!series || !preparedCase || cells[sdk]) continue;
      try {
        const measured = await withTimeout(
          preparedCase.run(runIndex),
          stepLimitMs,
          `${sdk} run ${runIndex + 1}`,
        );
        for (const metric of benchCase.metrics) {
          const value = measured[metric.key];
          if (value === undefined || !Number.isFinite(value)) {
            throw new Error(`run ${runIndex + 1} produced no value for ${metric.key}`);
          }
          series[metric.key]?.push(value);
        }
      } catch (error) {
        cells[sdk] = failure(error);
        log(`    ${sdk}: ${describeError(error)}`);
      }
    }
  }

  for (const [sdk, preparedCase] of prepared) {
    try {
      await withTimeout(preparedCase.dispose(), 30_000, `${sdk} teardown`);
    } catch (error) {
      log(`    ${sdk} teardown: ${describeError(error)}`);
    }
    const series = values.get(sdk);
    if (!cells[sdk] && series) {
      cells[sdk] =
        preparedCase.note === undefined
          ? { status: 'ok', values: series }
          : { status: 'ok', values: series, note: preparedCase.note };
    }
  }
  return cells;
}

/** Turns one case's cells into report rows, one per metric, with pmcp's ratios against each other SDK. */
export function toRows(
  scenario: Scenario,
  benchCase: BenchCase,
  cells: Partial<Record<SdkId, CellResult>>,
): ReportRow[] {
  return benchCase.metrics.map((metric) => {
    const row: ReportRow = {
      scenario: scenario.id,
      caseId: benchCase.id,
      caseTitle: benchCase.title,
      metric,
      cells: {},
      ratios: [],
    };
    for (const [sdk, cell] of Object.entries(cells) as [SdkId, CellResult][]) {
      if (cell.status === 'ok') {
        const series = cell.values[metric.key] ?? [];
        row.cells[sdk] =
          cell.note === undefined
            ? { status: 'ok', summary: summarize(series) }
            : { status: 'ok', summary: summarize(series), note: cell.note };
      } else {
        row.cells[sdk] = { status: cell.status, reason: cell.reason };
      }
    }
    const pmcp = cells.pmcp;
    if (pmcp?.status === 'ok') {
      for (const against of ['official-v1', 'official-v2', 'floor'] as const) {
        const other = cells[against];
        if (other?.status !== 'ok') continue;
        const ratio: RatioSummary | undefined = pairedAdvantage(
          pmcp.values[metric.key] ?? [],
          other.values[metric.key] ?? [],
          metric.better,
          against,
        );
        if (ratio) row.ratios.push(ratio);
      }
    }
    return row;
  });
}

/** Node, OS and machine, for the report. */
export function describeEnvironment(): BenchReport['environment'] {
  const processors = cpus();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

/** Runs every selected scenario and returns the full report. */
export async function runBenchmarks(
  scenarios: readonly Scenario[],
  options: RunOptions,
  versions: Record<string, string>,
): Promise<BenchReport> {
  const log = options.log ?? (() => {});
  const sdks = options.sdks ?? SDK_IDS;
  const rows: ReportRow[] = [];
  await buildChildBundles();
  for (const scenario of scenarios) {
    if (options.only && !options.only.some((prefix) => scenario.id.startsWith(prefix))) continue;
    log(`scenario ${scenario.id}: ${scenario.title}`);
    for (const benchCase of scenario.cases(options.profile)) {
      log(`  ${benchCase.title}`);
      const cells = await runCase(benchCase, options.profile, sdks, log);
      rows.push(...toRows(scenario, benchCase, cells));
    }
  }
  return {
    date: new Date().toISOString(),
    profile: options.profile,
    environment: describeEnvironment(),
    versions,
    pmcpBuild: options.pmcpBuild ?? 'source',
    rows,
  };
}
