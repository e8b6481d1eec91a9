/**
 * Shared plumbing of the interop suite: where the fixtures are, how to launch them, and how to collect what the
 * pmcp server fixture recorded about its own messages.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { RecordedMessage } from '@pmcp/test-utils';
import { expect } from 'vitest';

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** `node` flags that make a child resolve `@pmcp/*` to their TypeScript sources, as the tests themselves do. */
export const SOURCE_CONDITION = '--conditions=@pmcp/source';

/** How to launch a fixture with this Node: `{ command, args }` as both SDKs' stdio transports take them. */
export function fixtureCommand(name: string): { command: string; args: string[] } {
  return { command: process.execPath, args: [SOURCE_CONDITION, join(fixturesDir, name)] };
}

/** A fresh directory for the pmcp server fixture's spec reports, removed by `dispose`. */
export async function createReportDir(): Promise<{ path: string; dispose: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'pmcp-interop-'));
  return { path, dispose: () => rm(path, { recursive: true, force: true }) };
}

/** What one pmcp server process recorded about the messages it wrote (see fixtures/pmcp-server.ts). */
export interface ServerSpecReport {
  pid: number;
  /** The code the process exited with. */
  exitCode: number;
  /** `SIGTERM` when a signal ended it (the fixture turns SIGTERM into an exit so it can still report). */
  signal: string | null;
  checked: number;
  violations: string[];
  messages: RecordedMessage[];
}

/** How long to wait for server processes to exit after their client closed stdin. Generous: CI machines are slow. */
const EXIT_WAIT_MS = 15_000;

/**
 * The reports of every pmcp server process that ran with this report directory, once each has exited. A process
 * that started but wrote no report hangs or was killed: that fails here.
 */
export async function collectServerReports(reportDir: string): Promise<ServerSpecReport[]> {
  const deadline = Date.now() + EXIT_WAIT_MS;
  for (;;) {
    const files = await readdir(reportDir);
    const started = files.filter((file) => file.endsWith('.started')).map((file) => file.slice(0, -8));
    const unfinished = started.filter((pid) => !files.includes(`${pid}.json`));
    if (started.length > 0 && unfinished.length === 0) {
      return Promise.all(
        started.map(async (pid) => ({
          pid: Number(pid),
          ...(JSON.parse(await readFile(join(reportDir, `${pid}.json`), 'utf8')) as Omit<
            ServerSpecReport,
            'pid'
          >),
        })),
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        started.length === 0
          ? `no pmcp server process started with PMCP_SPEC_REPORT_DIR=${reportDir}`
          : `pmcp server process(es) ${unfinished.join(', ')} never wrote their spec report: they hang, or ` +
              'were killed without a chance to exit',
      );
    }
    await sleep(25);
  }
}

/** The process ended by itself with code 0: what a stdio server does when its client closes stdin. */
export function expectCleanExit(report: ServerSpecReport): void {
  expect({ exitCode: report.exitCode, signal: report.signal }, `server process ${report.pid}`).toEqual({
    exitCode: 0,
    signal: null,
  });
}

/** Every message each server process wrote validated against its revision's schema, and there were some. */
export function expectSpecValid(reports: readonly ServerSpecReport[]): void {
  for (const report of reports) expect(report.violations, `server process ${report.pid}`).toEqual([]);
  const checked = reports.reduce((total, report) => total + report.checked, 0);
  expect(checked, 'messages validated across all server processes').toBeGreaterThan(0);
}

/** The messages the server process wrote (direction `sent`), parsed. */
export function sentMessages(report: ServerSpecReport): Record<string, unknown>[] {
  return report.messages
    .filter((entry) => entry.direction === 'sent')
    .map((entry) => entry.message as Record<string, unknown>);
}

/** The messages the server process read (direction `received`), parsed. */
export function receivedMessages(report: ServerSpecReport): Record<string, unknown>[] {
  return report.messages
    .filter((entry) => entry.direction === 'received')
    .map((entry) => entry.message as Record<string, unknown>);
}

/** Collects a child's stderr (a Node stream or null) into a string, for assertions after it exited. */
export function captureStderr(
  stream: { on(event: 'data', listener: (chunk: Buffer | string) => void): unknown } | null | undefined,
): { text: () => string } {
  let text = '';
  stream?.on('data', (chunk: Buffer | string) => {
    text += chunk.toString();
  });
  return { text: () => text };
}

/** The text of a tool result's text blocks, joined. */
export function textOf(content: readonly { type: string; text?: string }[] | undefined): string {
  return (content ?? [])
    .filter((block) => block.type === 'text')
    .map((block) => block.text)
    .join('\n');
}
