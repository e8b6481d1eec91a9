/**
 * The README's first command runs the demo; this runs it the same way (from the repository root, on source) and
 * checks what it prints, so a broken quick start fails the suite.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LATEST_LEGACY_PROTOCOL_VERSION, LATEST_PROTOCOL_VERSION } from '@pmcp/types';
import { describe, expect, it } from 'vitest';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function runDemo(): Promise<{
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@pmcp/source', 'examples/demo/run-demo.ts'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The demo prints one block per session, each opened by a "── connected" line. */
function sessions(stdout: string): string[] {
  return stdout.split(/^── connected/m).slice(1);
}

describe('the quick-start demo (node --conditions=@pmcp/source examples/demo/run-demo.ts)', () => {
  it('runs both eras end to end: tools, structured output, invalid arguments, progress and cancellation', async () => {
    const { code, signal, stdout, stderr } = await runDemo();
    expect({ code, signal }, `demo stderr:\n${stderr}`).toEqual({ code: 0, signal: null });

    const [auto, legacy, ...rest] = sessions(stdout);
    expect(rest).toEqual([]);
    expect(auto).toContain(`era: modern, protocol version: ${LATEST_PROTOCOL_VERSION}`);
    expect(legacy).toContain(`era: legacy, protocol version: ${LATEST_LEGACY_PROTOCOL_VERSION}`);

    for (const session of [auto, legacy]) {
      expect(session).toContain('server: pmcp-demo 1.0.0');
      expect(session).toContain('tools (3):');
      expect(session).toContain('add(2, 40) → 2 + 40 = 42');
      expect(session).toContain(
        'convert_temperature(100 °C) → structuredContent {"celsius":100,"fahrenheit":212}',
      );
      expect(session).toMatch(/add\("two", 40\) → isError=true: Invalid arguments for tool "add": a: /);
      expect(session).toMatch(
        /progress 1\/4 step 1 of 4\n {2}progress 2\/4 step 2 of 4\n {2}progress 3\/4 step 3 of 4\n {2}progress 4\/4 step 4 of 4\n/,
      );
      expect(session).toContain('slow_job(4) → finished 4 steps');
      expect(session).toContain('slow_job(20) cancelled → RequestCancelledError');
    }
    expect(stdout.trimEnd().endsWith('demo finished')).toBe(true);
  });
});
