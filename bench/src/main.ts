/**
 * `pnpm bench`: runs every scenario for pmcp, the official SDK 1.x and 2.x and the floor, prints one table
 * and writes the JSON report to bench/results/<date>.json (and latest.json).
 *
 * Flags: --quick (minute-scale smoke run), --only=1,2,6 (scenario ids), --sdks=pmcp,official-v1,
 * --pmcp-from=dist (load pmcp from built dist; run node without --conditions=@pmcp/source), --no-write,
 * --render=bench/results/latest.json (print the table of a saved report, measuring nothing).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { pmcpBuild, setPmcpFromSource } from './children.ts';
import { runBenchmarks } from './harness.ts';
import { FULL_PROFILE, QUICK_PROFILE } from './profiles.ts';
import { renderReport } from './report.ts';
import { SCENARIOS } from './scenarios/index.ts';
import { parseSdkId } from './sdks/registry.ts';
import type { BenchReport } from './types.ts';

const flags = new Map(
  process.argv.slice(2).map((argument) => {
    const [name, value] = argument.replace(/^--/, '').split('=', 2);
    return [name as string, value ?? 'true'] as const;
  }),
);
const known = new Set(['quick', 'only', 'sdks', 'pmcp-from', 'no-write', 'render']);
for (const name of flags.keys()) {
  if (!known.has(name)) {
    console.error(
      `unknown flag --${name}; known: --quick, --only=1,2, --sdks=pmcp,floor, --pmcp-from=dist, --no-write, --render=<report.json>`,
    );
    process.exit(1);
  }
}

const savedReport = flags.get('render');
if (savedReport !== undefined) {
  console.log(renderReport(JSON.parse(readFileSync(savedReport, 'utf8')) as BenchReport));
  process.exit(0);
}

const fromDist = flags.get('pmcp-from') === 'dist';
const sourceCondition = process.execArgv.some((argument) => argument.includes('@pmcp/source'));
if (fromDist === sourceCondition) {
  console.error(
    fromDist
      ? '--pmcp-from=dist needs node without --conditions=@pmcp/source (run `pnpm bench:dist`)'
      : 'pmcp is loaded from source: run node with --conditions=@pmcp/source (as `pnpm bench` does)',
  );
  process.exit(1);
}
setPmcpFromSource(!fromDist);
if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
  console.error('warning: run node with --expose-gc so memory readings follow a full gc');
}

const require = createRequire(import.meta.url);
function versionOf(name: string): string {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'not installed';
  }
}

const profile = flags.has('quick') ? QUICK_PROFILE : FULL_PROFILE;
const report = await runBenchmarks(
  SCENARIOS,
  {
    profile,
    ...(flags.has('only') ? { only: (flags.get('only') as string).split(',') } : {}),
    ...(flags.has('sdks') ? { sdks: (flags.get('sdks') as string).split(',').map(parseSdkId) } : {}),
    log: (line) => console.error(line),
    pmcpBuild: pmcpBuild(),
  },
  {
    '@modelcontextprotocol/sdk': versionOf('@modelcontextprotocol/sdk'),
    '@modelcontextprotocol/server': versionOf('@modelcontextprotocol/server'),
    '@modelcontextprotocol/client': versionOf('@modelcontextprotocol/client'),
    'eventsource-parser': versionOf('eventsource-parser'),
    esbuild: versionOf('esbuild'),
    zod: versionOf('zod'),
  },
);

console.log(renderReport(report));
if (!flags.has('no-write')) {
  const directory = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(directory, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const stamp = report.date.replace(/[:]/g, '-').replace(/\..*$/, '');
  writeFileSync(`${directory}${stamp}${profile.name === 'full' ? '' : `-${profile.name}`}.json`, json);
  writeFileSync(`${directory}latest.json`, json);
  console.error(`\nwrote bench/results/${stamp}.json and bench/results/latest.json`);
}
