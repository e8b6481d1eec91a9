// The whole test suite, in the order a failure is cheapest to find: types, lint, then every vitest suite
// (unit, property, end-to-end, interop). Each step runs even if an earlier one failed, so one run shows
// everything that is wrong; the exit code is non-zero if any step failed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureChromium } from './ensure-chromium.mjs';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(
    `pmcp's tests need Node >= 22 (this is ${process.version}). Run \`source scripts/node24.sh\` first.`,
  );
  process.exit(1);
}

const resultsDir = '.test-results';
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

// Browser tests need a system chromium; provide it before anything runs so its absence is one clear failure.
const chromium = ensureChromium();
if (!chromium.ok) {
  console.error(chromium.reason);
  process.exit(1);
}

const steps = [
  { name: 'typecheck', command: 'pnpm', args: ['run', 'typecheck'] },
  { name: 'lint', command: 'pnpm', args: ['run', 'lint'] },
  // Every published package builds with tsdown and packs cleanly (publint --strict on the real tarball).
  { name: 'build', command: 'pnpm', args: ['-r', '--filter', './packages/*', 'run', 'build'] },
  { name: 'publint', command: 'pnpm', args: ['-r', '--filter', './packages/*', 'run', 'publint'] },
  {
    name: 'vitest',
    command: 'pnpm',
    args: [
      'exec',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${resultsDir}/vitest.json`,
    ],
  },
  // The official MCP conformance suite against the pmcp fixture server and client (tests/conformance/README.md).
  { name: 'conformance', command: process.execPath, args: ['tests/conformance/run.ts'] },
];

let passed = 0;
let failed = 0;
const failures = [];
for (const step of steps) {
  console.log(`\n=== ${step.name} ===`);
  const run = spawnSync(step.command, step.args, { stdio: 'inherit', shell: false });
  const ok = run.status === 0;
  if (step.name === 'vitest') {
    try {
      const report = JSON.parse(readFileSync(`${resultsDir}/vitest.json`, 'utf8'));
      passed += report.numPassedTests;
      failed += report.numFailedTests;
      if (!ok && report.numFailedTests === 0) failed += 1;
    } catch {
      failed += 1;
    }
  } else if (step.name === 'conformance') {
    try {
      const report = JSON.parse(readFileSync(`${resultsDir}/conformance/summary.json`, 'utf8'));
      passed += report.passed;
      failed += report.failed;
      if (!ok && report.failed === 0) failed += 1;
    } catch {
      failed += 1;
    }
  } else if (ok) {
    passed += 1;
  } else {
    failed += 1;
  }
  if (!ok) failures.push(step.name);
}

console.log('\n=== summary ===');
if (failures.length > 0) console.log(`failed steps: ${failures.join(', ')}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failures.length > 0 ? 1 : 0);
