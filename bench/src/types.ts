/**
 * The shapes the harness, the scenarios and the SDK adapters agree on.
 */

/** The implementations measured side by side. `floor` is the hand-written JSON-RPC with no validation. */
export type SdkId = 'floor' | 'pmcp' | 'official-v1' | 'official-v2';

/** Every SDK, in table column order. */
export const SDK_IDS: readonly SdkId[] = ['floor', 'pmcp', 'official-v1', 'official-v2'];

/** Column headings. */
export const SDK_LABELS: Readonly<Record<SdkId, string>> = {
  floor: 'floor',
  pmcp: 'pmcp',
  'official-v1': 'official 1.x',
  'official-v2': 'official 2.x',
};

/** Which direction of a metric is better. */
export type Better = 'lower' | 'higher';

/** One number a case reports per run. */
export interface MetricSpec {
  key: string;
  label: string;
  unit: Unit;
  better: Better;
}

/** Units the table knows how to print. */
export type Unit = 'us' | 'ms' | 'calls/s' | 'msgs/s' | 'events/s' | 'MB/s' | 'MB' | 'KB' | 'B';

/** Raised by a measurement when an SDK returned a wrong answer: the cell fails instead of winning. */
export class WrongResultError extends Error {
  override readonly name: string = 'WrongResultError';
}

/** Returned instead of a prepared measurement when an SDK cannot run a case (yet). */
export interface Unavailable {
  unavailable: string;
}

/** A case set up for one SDK: warmed up once, then run several times, then disposed. */
export interface PreparedCase {
  warmup(): Promise<void>;
  /** One measured run; returns a value per metric key. Must throw WrongResultError on a wrong answer. */
  run(runIndex: number): Promise<Record<string, number>>;
  dispose(): Promise<void>;
  /** Said next to the numbers, e.g. which era or transport mode the SDK used. */
  note?: string;
}

/** A measured thing inside a scenario, run for every SDK that supports it. */
export interface BenchCase {
  id: string;
  title: string;
  metrics: readonly MetricSpec[];
  /** How many measured runs (defaults to the profile's). Deterministic cases such as bundle size use 1. */
  runs?: number;
  prepare(sdk: SdkId, profile: BenchProfile): Promise<PreparedCase | Unavailable>;
}

/** A numbered scenario from the issue. */
export interface Scenario {
  id: string;
  title: string;
  cases(profile: BenchProfile): readonly BenchCase[];
}

/** Counts and time limits for one kind of run (full, quick, smoke). */
export interface BenchProfile {
  name: 'full' | 'quick' | 'smoke';
  runs: number;
  /** Calls made before measuring, per prepared case. */
  warmupCalls: number;
  /** Sequential calls per run for in-process latency. */
  sequentialCalls: number;
  /** Sequential calls per run over stdio (the issue asks for 2,000). */
  stdioSequentialCalls: number;
  /** Calls per run when measuring throughput with many in flight. */
  concurrentCalls: number;
  inFlight: number;
  /** Calls per run over HTTP. */
  httpCalls: number;
  httpClients: number;
  /** A run stops after this long even if it has not made all its calls. */
  runTimeLimitMs: number;
  coldStarts: number;
  /** Calls made before the second memory reading (the issue asks for 10,000). */
  memoryCalls: number;
  /** Legacy HTTP sessions opened to measure bytes retained per session. */
  memorySessions: number;
  /** Messages in the parse corpus, and how many passes over it per run. */
  parseCorpusSize: number;
  parsePasses: number;
  sseEvents: number;
}

/** The outcome of one SDK in one case. */
export type CellResult =
  | { status: 'ok'; values: Record<string, number[]>; note?: string }
  | { status: 'unavailable'; reason: string }
  | { status: 'failed'; reason: string }
  | { status: 'error'; reason: string };

/** Median and spread of one metric for one SDK. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
  runs: number;
}

/** pmcp against one other SDK, computed run by run. */
export interface RatioSummary {
  against: SdkId;
  /** Median over runs of (pmcp advantage in that run): > 1 means pmcp is better. */
  advantage: number;
  min: number;
  max: number;
}

/** One row of the report: one metric of one case. */
export interface ReportRow {
  scenario: string;
  caseId: string;
  caseTitle: string;
  metric: MetricSpec;
  cells: Partial<
    Record<SdkId, { status: CellResult['status']; summary?: Summary; reason?: string; note?: string }>
  >;
  ratios: RatioSummary[];
}

/** Everything one run of the harness produced, as written to JSON. */
export interface BenchReport {
  date: string;
  profile: BenchProfile;
  environment: {
    node: string;
    platform: string;
    arch: string;
    cpus: string;
    cores: number;
    memoryGiB: number;
  };
  versions: Record<string, string>;
  pmcpBuild: string;
  rows: ReportRow[];
}
