/**
 * Order statistics. Latency is reported as percentiles of the individual calls of one run; each metric is
 * then summarised across runs by its median and spread, so one noisy run cannot move the headline number.
 */
import type { Better, RatioSummary, SdkId, Summary } from './types.ts';

/** The q-quantile (0..1) of already sorted numbers, interpolated linearly between neighbours. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] ?? Number.NaN;
  const high = sorted[upper] ?? low;
  return low + (high - low) * (position - lower);
}

/** The q-quantile of numbers in any order. */
export function quantile(values: readonly number[], q: number): number {
  return quantileSorted(
    [...values].sort((a, b) => a - b),
    q,
  );
}

/** The median of numbers in any order. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Median, min/max and interquartile range across runs. */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: quantileSorted(sorted, 0.5),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    q1: quantileSorted(sorted, 0.25),
    q3: quantileSorted(sorted, 0.75),
    runs: sorted.length,
  };
}

/** How many times better `mine` is than `theirs`: > 1 means mine is better, whichever way the metric points. */
export function advantage(mine: number, theirs: number, better: Better): number {
  return better === 'lower' ? theirs / mine : mine / theirs;
}

/**
 * pmcp's advantage over another SDK, pair by pair: run i of pmcp against run i of the other (the harness
 * interleaves the SDKs within each run, so both saw the same machine state), then the median of those ratios.
 */
export function pairedAdvantage(
  pmcp: readonly number[],
  other: readonly number[],
  better: Better,
  against: SdkId,
): RatioSummary | undefined {
  const count = Math.min(pmcp.length, other.length);
  const ratios: number[] = [];
  for (let index = 0; index < count; index++) {
    const mine = pmcp[index];
    const theirs = other[index];
    if (mine === undefined || theirs === undefined || !(mine > 0) || !(theirs > 0)) continue;
    ratios.push(advantage(mine, theirs, better));
  }
  if (ratios.length === 0) return undefined;
  const summary = summarize(ratios);
  return { against, advantage: summary.median, min: summary.min, max: summary.max };
}
