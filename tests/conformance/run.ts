/**
 * Runs the official MCP conformance suite (@modelcontextprotocol/conformance) against pmcp: server mode against
 * the fixture server and client mode with the fixture client, each for `--requirements 2025-11-25` and
 * `--requirements 2026-07-28`. Prints one summary line per run and the scored totals, writes them to
 * `.test-results/conformance/summary.json` (which scripts/test.mjs adds to its counts), and exits non-zero when
 * a scored scenario fails (or one listed in expected-failures.yaml, empty today, passes).
 *
 * Usage: node tests/conformance/run.ts [--only server|client] [--requirements 2025-11-25|2026-07-28]
 *                                      [--scenario <name>] [--url <a running server>] [--verbose]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type Check,
  expectedClientFailures,
  judgeRun,
  type RunVerdict,
  readChecks,
  type Side,
  scoredScenarios,
} from './results.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const resultsRoot = join(repoRoot, '.test-results', 'conformance');
const suiteDir = join(here, 'node_modules/@modelcontextprotocol/conformance');
const conformanceBin = join(suiteDir, 'dist/index.js');
const requirementsDir = join(suiteDir, 'requirements');
const expectedFailuresFile = join(here, 'expected-failures.yaml');

const REVISIONS = ['2025-11-25', '2026-07-28'] as const;
// A scenario that hangs is cut by the suite itself and reported as a failure. Client mode starts every scenario's
// client process at once, one Node process each, so on a small or busy machine a client needs far longer than a
// server scenario. RUN_TIMEOUT_MS only stops a suite process that wedges as a whole, so `pnpm test` always ends.
const SERVER_SCENARIO_TIMEOUT_MS = 20_000;
const CLIENT_SCENARIO_TIMEOUT_MS = 120_000;
const RUN_TIMEOUT_MS = 10 * 60_000;
const SERVER_START_TIMEOUT_MS = 30_000;

interface Run {
  name: string;
  side: Side;
  revision: string;
}

interface RunResult extends RunVerdict {
  name: string;
  side: Side;
  revision: string;
  ok: boolean;
  exitCode: number;
  timedOut: boolean;
  seconds: number;
  log: string;
  /** Warnings outside expected failures: not a scenario failure, but the suite's baseline mode exits 1 on them. */
  warned: { scenario: string; checks: { id: string; error: string }[] }[];
}

function fail(message: string): never {
  console.error(`conformance: ${message}`);
  process.exit(2);
}

const { values: cli } = parseArgs({
  options: {
    only: { type: 'string' },
    requirements: { type: 'string' },
    scenario: { type: 'string' },
    url: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
if (cli.only !== undefined && cli.only !== 'server' && cli.only !== 'client') {
  fail(`--only must be "server" or "client", got "${cli.only}"`);
}
if (cli.requirements !== undefined && !(REVISIONS as readonly string[]).includes(cli.requirements)) {
  fail(`--requirements must be one of ${REVISIONS.join(', ')}, got "${cli.requirements}"`);
}
if (!existsSync(conformanceBin)) {
  fail(`${relative(repoRoot, conformanceBin)} is missing: run \`npx -y pnpm@10.34.9 install\` first`);
}

/** Kills a detached child and everything it spawned (client mode runs one shell and client per scenario). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/** Runs a child to completion, its output to `logFile` (and the console with --verbose), killed at `timeoutMs`. */
function runLogged(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; logFile: string; timeoutMs: number },
): Promise<{ code: number; timedOut: boolean }> {
  return new Promise((resolveRun) => {
    const log = createWriteStream(options.logFile);
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, options.timeoutMs);
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk: Buffer) => {
        log.write(chunk);
        if (cli.verbose) process.stdout.write(chunk);
      });
    }
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      log.end(() => resolveRun({ code: code ?? (signal === null ? 0 : 1), timedOut }));
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      log.write(`\n${error.stack ?? error.message}\n`);
      log.end(() => resolveRun({ code: 1, timedOut }));
    });
  });
}

interface FixtureServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts the fixture server on a free port (PORT=0) and resolves with the URL it reports once listening. */
function startFixtureServer(): Promise<FixtureServer> {
  const logFile = join(resultsRoot, 'fixture-server.log');
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, ['--conditions=@pmcp/source', join(here, 'fixture-server.ts')], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolveStart, rejectStart) => {
    let buffered = '';
    const timer = setTimeout(() => {
      void stop();
      rejectStart(
        new Error(`the fixture server did not report its URL within ${SERVER_START_TIMEOUT_MS} ms`),
      );
    }, SERVER_START_TIMEOUT_MS);
    child.stderr.on('data', (chunk: Buffer) => log.write(chunk));
    child.stdout.on('data', (chunk: Buffer) => {
      log.write(chunk);
      buffered += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(buffered);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        buffered = '';
        resolveStart({ url: match[1], stop });
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      rejectStart(
        new Error(
          `the fixture server exited (${signal ?? `code ${code}`}) before listening; see ${relative(repoRoot, logFile)}`,
        ),
      );
    });
  });
}

function warningsOf(checks: readonly Check[]): { id: string; error: string }[] {
  return checks
    .filter((check) => check.status === 'WARNING')
    .map((check) => ({ id: check.id, error: check.errorMessage ?? check.description ?? '' }));
}

async function runSuite(run: Run, serverUrl: string | undefined): Promise<RunResult> {
  const outputDir = join(resultsRoot, run.name);
  mkdirSync(outputDir, { recursive: true });
  const args = [conformanceBin, run.side];
  if (run.side === 'server') {
    if (serverUrl === undefined) throw new Error('no server to test');
    args.push('--url', serverUrl);
  } else {
    // The suite splits this on spaces and runs it through a shell with the mock server's URL appended: a bare
    // `node` (this Node, first on PATH below) and a path relative to cwd keep it free of spaces.
    args.push('--command', 'node --conditions=@pmcp/source fixture-client.ts');
    args.push('--expected-failures', expectedFailuresFile);
  }
  if (cli.scenario !== undefined) args.push('--scenario', cli.scenario, '--spec-version', run.revision);
  else args.push('--requirements', run.revision);
  const timeout = run.side === 'client' ? CLIENT_SCENARIO_TIMEOUT_MS : SERVER_SCENARIO_TIMEOUT_MS;
  args.push('--timeout', String(timeout), '-o', outputDir);

  const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
  const logFile = join(resultsRoot, `${run.name}.log`);
  const started = Date.now();
  const outcome = await runLogged(process.execPath, args, {
    env,
    cwd: here,
    logFile,
    timeoutMs: RUN_TIMEOUT_MS,
  });

  const expected =
    run.side === 'client' ? new Set(expectedClientFailures(expectedFailuresFile).keys()) : new Set<string>();
  const wanted =
    cli.scenario !== undefined
      ? new Set([cli.scenario])
      : new Set([
          ...scoredScenarios(requirementsDir, run.revision, run.side),
          ...REQUIRED_EXTENSIONS[run.side],
        ]);
  const checksByScenario = readChecks(outputDir, run.side);
  const verdict = judgeRun(checksByScenario, wanted, expected);
  const warned = [...wanted]
    .filter((scenario) => !expected.has(scenario))
    .map((scenario) => ({ scenario, checks: warningsOf(checksByScenario.get(scenario) ?? []) }))
    .filter((entry) => entry.checks.length > 0);
  return {
    ...verdict,
    name: run.name,
    side: run.side,
    revision: run.revision,
    // The suite's exit code counts too: it catches what the checks alone do not (a crash, a stale baseline, and in
    // client mode with a baseline, a warning).
    ok:
      outcome.code === 0 &&
      !outcome.timedOut &&
      verdict.failed.length === 0 &&
      verdict.missing.length === 0 &&
      verdict.staleExpectedFailures.length === 0,
    exitCode: outcome.code,
    timedOut: outcome.timedOut,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    log: relative(repoRoot, logFile),
    warned,
  };
}

/**
 * Extension scenarios (outside the spec timeline, so the suite scores none of them) whose extension pmcp implements:
 * held to the bar of the scored ones, so a regression fails the run instead of moving a "not scored" count.
 */
const REQUIRED_EXTENSIONS: Record<'client' | 'server', readonly string[]> = {
  // io.modelcontextprotocol/oauth-client-credentials, through createClientCredentialsProvider of @pmcp/auth.
  client: ['auth/client-credentials-basic', 'auth/client-credentials-jwt'],
  server: [],
};

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 400 ? `${flat.slice(0, 400)}…` : flat;
}

function printRun(result: RunResult): void {
  const total = result.passed.length + result.failed.length + result.missing.length;
  const parts = [
    `${result.passed.length}/${total} scored scenarios passed`,
    `${result.checks.passed} checks passed, ${result.checks.failed} failed, ${result.checks.warnings} warnings`,
  ];
  if (result.expectedFailures.length > 0) parts.push(`${result.expectedFailures.length} expected failures`);
  if (result.notScored.length > 0) {
    const failing = result.notScored.filter((entry) => entry.failing).length;
    parts.push(`not scored: ${result.notScored.length} run, ${failing} failing`);
  }
  console.log(`${result.ok ? '✓' : '✗'} ${result.name}: ${parts.join('; ')} (${result.seconds} s)`);
  for (const failure of result.failed) {
    console.log(`    ✗ ${failure.scenario}`);
    for (const check of failure.checks) console.log(`        [${check.id}] ${oneLine(check.error)}`);
  }
  for (const entry of result.warned) {
    console.log(`    ⚠ ${entry.scenario}`);
    for (const check of entry.checks) console.log(`        [${check.id}] warning ${oneLine(check.error)}`);
  }
  for (const scenario of result.missing)
    console.log(`    ✗ ${scenario}: no results (the scenario did not complete)`);
  for (const scenario of result.staleExpectedFailures) {
    console.log(`    ✗ ${scenario} passes now: remove it from tests/conformance/expected-failures.yaml`);
  }
  if (result.timedOut)
    console.log(`    ✗ the suite did not finish within ${RUN_TIMEOUT_MS / 1000} s and was stopped`);
  if (!result.ok && result.exitCode !== 0)
    console.log(`    ✗ the suite exited with code ${result.exitCode}; see ${result.log}`);
}

const runs: Run[] = [];
for (const side of ['server', 'client'] as const) {
  if (cli.only !== undefined && cli.only !== side) continue;
  for (const revision of REVISIONS) {
    if (cli.requirements !== undefined && cli.requirements !== revision) continue;
    runs.push({ name: `${side}-${revision}`, side, revision });
  }
}

rmSync(resultsRoot, { recursive: true, force: true });
mkdirSync(resultsRoot, { recursive: true });

const results: RunResult[] = [];
let setupError: string | undefined;
let server: FixtureServer | undefined;
try {
  if (cli.url !== undefined) console.log(`server under test: ${cli.url}`);
  else if (runs.some((run) => run.side === 'server')) {
    server = await startFixtureServer();
    console.log(`fixture server: ${server.url}`);
  }
  for (const run of runs) {
    const result = await runSuite(run, cli.url ?? server?.url);
    printRun(result);
    results.push(result);
  }
} catch (error) {
  setupError = error instanceof Error ? error.message : String(error);
  console.error(`conformance: ${setupError}`);
} finally {
  await server?.stop();
}

const passed = results.reduce((sum, result) => sum + result.passed.length, 0);
// A run that failed without a failing scenario (a crash, a stale baseline, a warning the baseline refuses) still
// counts as one failure, and so does a setup that never got to run the suite.
const failed =
  results.reduce(
    (sum, result) =>
      sum +
      result.failed.length +
      result.missing.length +
      (!result.ok && result.failed.length === 0 && result.missing.length === 0 ? 1 : 0),
    0,
  ) + (setupError === undefined ? 0 : 1);
const ok = setupError === undefined && results.every((result) => result.ok);
writeFileSync(
  join(resultsRoot, 'summary.json'),
  `${JSON.stringify({ ok, passed, failed, setupError, runs: results }, null, 2)}\n`,
);
console.log(`conformance: ${passed} scored scenarios passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
