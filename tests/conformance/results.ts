/**
 * Reading what the conformance suite decides and produces: which scenarios a revision scores, which client
 * scenarios we expect to fail, and the `checks.json` files a run leaves behind. Pure file reading, so the runner's
 * verdict logic is tested on its own (results.test.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export type Side = 'server' | 'client';

/** One check as the suite writes it to `checks.json`. */
export interface Check {
  id: string;
  name?: string;
  description?: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'INFO';
  errorMessage?: string;
  details?: unknown;
}

/**
 * The entries of one top-level list (`server:`, `client:`) of a flat YAML file: `  - name  # comment` lines.
 * The suite's requirement files and our expected-failures file are exactly that shape, so no YAML library is
 * needed; entries that are objects (`- scenario: x`) are not plain names and are skipped.
 */
export function readYamlList(text: string, key: string): string[] {
  const entries: string[] = [];
  let inList = false;
  for (const line of text.split('\n')) {
    if (/^\S/.test(line) && !line.startsWith('#')) inList = line.trim() === `${key}:`;
    else if (inList) {
      const item = /^\s+-\s+([^\s#]+)\s*(?:#.*)?$/.exec(line);
      if (item?.[1] !== undefined && !item[1].endsWith(':')) entries.push(item[1]);
    }
  }
  return entries;
}

/** The scenarios `--requirements <revision>` scores for one side, from the suite's frozen requirements file. */
export function scoredScenarios(requirementsDir: string, revision: string, side: Side): Set<string> {
  const scenarios = readYamlList(readFileSync(join(requirementsDir, `${revision}.yaml`), 'utf8'), side);
  if (scenarios.length === 0) {
    throw new Error(`no ${side} scenarios found in ${join(requirementsDir, `${revision}.yaml`)}`);
  }
  return new Set(scenarios);
}

/** The `client:` entries of expected-failures.yaml, each with the comment that justifies it. */
export function expectedClientFailures(file: string): Map<string, string> {
  const entries = new Map<string, string>();
  let inClient = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\S/.test(line) && !line.startsWith('#')) inClient = line.trim() === 'client:';
    else if (inClient) {
      const item = /^\s+-\s+([^\s#]+)\s*(?:#\s*(.*))?$/.exec(line);
      if (item?.[1] !== undefined) entries.set(item[1], item[2]?.trim() ?? '');
    }
  }
  return entries;
}

const TIMESTAMP_SUFFIX = /-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/;

/**
 * Every `checks.json` under a run's output directory, by scenario. The suite names each directory
 * `[server-]<scenario>-<ISO time>`; a scenario with a `/` (`auth/basic-cimd`) becomes nested directories.
 */
export function readChecks(outputDir: string, side: Side): Map<string, Check[]> {
  const byScenario = new Map<string, Check[]>();
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === 'checks.json') {
        let scenario = relative(outputDir, current).split('\\').join('/').replace(TIMESTAMP_SUFFIX, '');
        if (side === 'server') scenario = scenario.replace(/^server-/, '');
        byScenario.set(scenario, JSON.parse(readFileSync(path, 'utf8')) as Check[]);
      }
    }
  };
  if (existsSync(outputDir)) walk(outputDir);
  return byScenario;
}

/** A failed check, as the summary shows it. */
export interface FailedCheck {
  id: string;
  error: string;
}

/** The verdict on one run, from its checks (the suite's exit code is added by the runner). */
export interface RunVerdict {
  passed: string[];
  failed: { scenario: string; checks: FailedCheck[] }[];
  /** Scored scenarios without results: the suite crashed or was stopped before writing them. */
  missing: string[];
  expectedFailures: string[];
  /** Expected failures that passed: the baseline is out of date. */
  staleExpectedFailures: string[];
  notScored: { scenario: string; failing: boolean }[];
  checks: { passed: number; failed: number; warnings: number };
}

/**
 * Scores one run the way the issue asks: a wanted scenario passes when none of its checks is a FAILURE.
 * Warnings are counted and shown but do not fail a scenario (the suite's own `--requirements` scoring does the
 * same). Expected failures pass only by failing; one that succeeds is reported as stale.
 */
export function judgeRun(
  checksByScenario: ReadonlyMap<string, readonly Check[]>,
  wanted: ReadonlySet<string>,
  expected: ReadonlySet<string>,
): RunVerdict {
  const verdict: RunVerdict = {
    passed: [],
    failed: [],
    missing: [],
    expectedFailures: [],
    staleExpectedFailures: [],
    notScored: [],
    checks: { passed: 0, failed: 0, warnings: 0 },
  };
  for (const scenario of wanted) {
    const checks = checksByScenario.get(scenario);
    if (checks === undefined) {
      verdict.missing.push(scenario);
      continue;
    }
    const failures = checks.filter((check) => check.status === 'FAILURE');
    const warnings = checks.filter((check) => check.status === 'WARNING');
    if (expected.has(scenario)) {
      if (failures.length > 0 || warnings.length > 0) verdict.expectedFailures.push(scenario);
      else verdict.staleExpectedFailures.push(scenario);
      continue;
    }
    verdict.checks.passed += checks.filter((check) => check.status === 'SUCCESS').length;
    verdict.checks.failed += failures.length;
    verdict.checks.warnings += warnings.length;
    if (failures.length > 0) {
      verdict.failed.push({
        scenario,
        checks: failures.map((check) => ({
          id: check.id,
          error: check.errorMessage ?? check.description ?? '',
        })),
      });
    } else verdict.passed.push(scenario);
  }
  for (const [scenario, checks] of checksByScenario) {
    if (wanted.has(scenario)) continue;
    verdict.notScored.push({ scenario, failing: checks.some((check) => check.status === 'FAILURE') });
  }
  return verdict;
}
