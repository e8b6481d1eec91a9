// The generated files are committed; this fails when one no longer matches what scripts/generate.mjs produces
// from spec/ (a schema update, a generator change, or a hand edit).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('generated types, schemas, example checks and export lists are fresh', () => {
  const script = fileURLToPath(new URL('../scripts/generate.mjs', import.meta.url));
  const run = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});
