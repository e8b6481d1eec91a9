import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startGoodHttpServer } from './__fixtures__/servers.ts';
import type { ComplianceReport } from './commands/compliance.ts';

const BIN = fileURLToPath(new URL('../bin/mcp-tester.js', import.meta.url));

function runBin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the mcp-tester bin', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startGoodHttpServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('writes one JSON document on stdout and exits 0 when every check passed', async () => {
    const { code, stdout } = await runBin(['compliance', server.url, '--json']);
    const report = JSON.parse(stdout) as ComplianceReport;
    expect(report.command).toBe('compliance');
    expect(report.ok).toBe(true);
    expect(report.checks.length).toBeGreaterThan(10);
    expect(code).toBe(0);
  });

  it('exits 2 on a usage error', async () => {
    const { code, stderr } = await runBin(['compliance']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/needs one target/);
  });
});
