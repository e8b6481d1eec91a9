/**
 * The printed table (Markdown, so it can be pasted as is) and the footnotes that explain every cell that is
 * not a number.
 */
import { type BenchReport, type ReportRow, SDK_IDS, SDK_LABELS, type SdkId, type Unit } from './types.ts';

const UNIT_LABELS: Record<Unit, string> = {
  us: 'µs',
  ms: 'ms',
  'calls/s': 'calls/s',
  'msgs/s': 'msgs/s',
  'events/s': 'events/s',
  'MB/s': 'MB/s',
  MB: 'MB',
  KB: 'KB',
  B: 'B',
};

/** A number with about three significant digits and thousands separators. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** An advantage ratio: 2.31× means pmcp is 2.31 times better; 0.80× means it is behind. */
export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`;
}

/** Numbered footnotes, each text once. */
class Footnotes {
  readonly texts: string[] = [];
  mark(text: string): string {
    let index = this.texts.indexOf(text);
    if (index === -1) index = this.texts.push(text) - 1;
    return `[${index + 1}]`;
  }
}

function cellText(row: ReportRow, sdk: SdkId, notes: Footnotes): string {
  const cell = row.cells[sdk];
  if (!cell) return '';
  if (cell.status === 'ok' && cell.summary) {
    const { median, min, max, runs } = cell.summary;
    const spread = runs > 1 ? ` (${formatNumber(min)}–${formatNumber(max)})` : '';
    const note = cell.note ? ` ${notes.mark(`${SDK_LABELS[sdk]}: ${cell.note}`)}` : '';
    return `${formatNumber(median)}${spread}${note}`;
  }
  const label = cell.status === 'unavailable' ? 'n/a' : cell.status === 'failed' ? 'FAILED' : 'ERROR';
  return `${label} ${notes.mark(`${SDK_LABELS[sdk]}: ${cell.reason ?? cell.status}`)}`;
}

/** A target from the issue: pmcp's ratio against one SDK in one row must reach `atLeast`. */
export interface Target {
  label: string;
  caseId: string;
  metricKey: string;
  against: SdkId;
  atLeast: number;
}

/** The targets the design is judged by (issue 6), as ratio thresholds on table rows. */
export const TARGETS: readonly Target[] = [
  {
    label: 'browser client ≤ ¼ of official 2.x (gzip)',
    caseId: 'bundle-browser-client',
    metricKey: 'gzipped',
    against: 'official-v2',
    atLeast: 4,
  },
  {
    label: 'HTTP per-request cost ≥ 5× lower than official 2.x, 50 tools',
    caseId: 'size-http-50',
    metricKey: 'p50',
    against: 'official-v2',
    atLeast: 5,
  },
  {
    label: 'stdio round trip ≥ 2× faster than official 1.x',
    caseId: 'stdio-sequential',
    metricKey: 'p50',
    against: 'official-v1',
    atLeast: 2,
  },
  {
    label: 'idle server RSS below official 1.x',
    caseId: 'memory-stdio',
    metricKey: 'idleRss',
    against: 'official-v1',
    atLeast: 1,
  },
  {
    label: 'decode + validation ≥ 2× official 1.x',
    caseId: 'parse-jsonrpc',
    metricKey: 'rate',
    against: 'official-v1',
    atLeast: 2,
  },
  {
    label: 'decode + validation ≥ 2× official 2.x',
    caseId: 'parse-jsonrpc',
    metricKey: 'rate',
    against: 'official-v2',
    atLeast: 2,
  },
  {
    label: 'decode + validation within 20% of bare JSON.parse',
    caseId: 'parse-jsonrpc',
    metricKey: 'rate',
    against: 'floor',
    atLeast: 0.8,
  },
  {
    label: 'stdio round trip within 1.5× of the floor',
    caseId: 'stdio-sequential',
    metricKey: 'p50',
    against: 'floor',
    atLeast: 1 / 1.5,
  },
  {
    label: 'HTTP throughput within 1.5× of the floor',
    caseId: 'http-stateless-one-client',
    metricKey: 'throughput',
    against: 'floor',
    atLeast: 1 / 1.5,
  },
];

/** Each target with pmcp's measured ratio and whether it is met; `undefined` ratio when not measured. */
export function evaluateTargets(
  report: BenchReport,
): { target: Target; ratio: number | undefined; met: boolean | undefined }[] {
  return TARGETS.map((target) => {
    const row = report.rows.find(
      (entry) => entry.caseId === target.caseId && entry.metric.key === target.metricKey,
    );
    const ratio = row?.ratios.find((entry) => entry.against === target.against)?.advantage;
    return { target, ratio, met: ratio === undefined ? undefined : ratio >= target.atLeast };
  });
}

/** The whole report as Markdown: a header, one table, footnotes. */
export function renderReport(report: BenchReport): string {
  const notes = new Footnotes();
  const env = report.environment;
  const lines: string[] = [
    `pmcp benchmarks — ${report.date.slice(0, 10)}, profile "${report.profile.name}", Node ${env.node}, ` +
      `${env.platform}/${env.arch}, ${env.cpus} × ${env.cores}, ${env.memoryGiB} GiB, pmcp from ${report.pmcpBuild}`,
    '',
    'Cells: median of the runs (min–max). Ratios: how many times better pmcp is, run by run, median ' +
      '(> 1 = pmcp ahead, < 1 = behind).',
    '',
    `| # | case | metric | ${SDK_IDS.map((sdk) => SDK_LABELS[sdk]).join(' | ')} | pmcp vs 1.x | pmcp vs 2.x | pmcp vs floor |`,
    `|---|---|---|${SDK_IDS.map(() => '---:').join('|')}|---:|---:|---:|`,
  ];
  let previousCase = '';
  for (const row of report.rows) {
    const caseCell = row.caseId === previousCase ? '' : row.caseTitle;
    previousCase = row.caseId;
    const ratio = (against: SdkId): string => {
      const found = row.ratios.find((entry) => entry.against === against);
      return found ? formatRatio(found.advantage) : '';
    };
    lines.push(
      `| ${caseCell === '' ? '' : row.scenario} | ${caseCell} | ${row.metric.label} (${UNIT_LABELS[row.metric.unit]}) | ` +
        `${SDK_IDS.map((sdk) => cellText(row, sdk, notes)).join(' | ')} | ` +
        `${ratio('official-v1')} | ${ratio('official-v2')} | ${ratio('floor')} |`,
    );
  }
  lines.push('');
  notes.texts.forEach((text, index) => {
    lines.push(`[${index + 1}] ${text}`);
  });
  lines.push('', 'Targets (issue 6): pmcp ratio against the threshold');
  for (const { target, ratio, met } of evaluateTargets(report)) {
    const verdict = met === undefined ? 'not measured' : met ? 'met' : 'MISSED';
    lines.push(
      `- ${target.label}: ${ratio === undefined ? '–' : formatRatio(ratio)} (needs ≥ ${formatRatio(target.atLeast)}) → ${verdict}`,
    );
  }
  return lines.join('\n');
}
