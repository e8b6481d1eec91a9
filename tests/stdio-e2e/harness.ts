/**
 * A stdio server child process driven byte by byte: raw lines in, stdout lines out, nothing in between that
 * could fix up what the server does wrong.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** How long to wait for an expected line or exit before failing with a description of what did arrive. */
const WAIT_MS = 15_000;

/** One entry of the conversation, in the order it happened (what the server read, what it wrote). */
export interface TranscriptEntry {
  direction: 'sent' | 'received';
  message: unknown;
}

export interface ServerProcess {
  /**
   * Writes `bytes` to the server's stdin exactly as given (add the newline yourself). Pass the message they
   * encode as `record` to enter it in the transcript.
   */
  writeRaw(bytes: string | Uint8Array, record?: Record<string, unknown>): void;
  /**
   * Writes one line: `line` plus LF. Entered in the transcript when it is a JSON object, unless `record` is
   * false (for input the spec recorder itself would reject, such as an unknown protocol version).
   */
  writeLine(line: string, record?: boolean): void;
  /** Writes a message as one JSON line (`record` as for `writeLine`). */
  send(message: Record<string, unknown>, record?: boolean): void;
  /** The next `count` lines the server writes, parsed (a line that is not JSON fails here). */
  read(count: number): Promise<Record<string, unknown>[]>;
  /** Closes the server's stdin (EOF). */
  endInput(): void;
  /** Resolves when the process exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the server wrote to stdout, as bytes. */
  stdoutBytes(): Buffer;
  /** Lines written but not yet read. */
  unread(): string[];
  /** What the server read (valid JSON objects only) and wrote, in order, for spec validation. */
  readonly transcript: TranscriptEntry[];
  stderr(): string;
  kill(): void;
}

/** Spawns `fixtures/<name>` with this Node, resolving `@pmcp/*` to their sources. */
export function spawnServer(name: string): ServerProcess {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['--conditions=@pmcp/source', join(fixturesDir, name)],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const stdoutChunks: Buffer[] = [];
  let partial = Buffer.alloc(0);
  const lines: string[] = [];
  const transcript: TranscriptEntry[] = [];
  let stderr = '';
  let wake: (() => void) | undefined;
  let done = false;

  child.stdout.on('data', (chunk: Buffer) => {
    stdoutChunks.push(chunk);
    partial = Buffer.concat([partial, chunk]);
    let lf = partial.indexOf(0x0a);
    while (lf !== -1) {
      lines.push(partial.subarray(0, lf).toString('utf8'));
      partial = partial.subarray(lf + 1);
      lf = partial.indexOf(0x0a);
    }
    wake?.();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  // A server that already exited makes writes fail with EPIPE; the test sees that through `exited`.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      done = true;
      wake?.();
      resolve({ code, signal });
    });
  });

  const server: ServerProcess = {
    writeRaw(bytes, record) {
      if (record) transcript.push({ direction: 'received', message: record });
      child.stdin.write(bytes);
    },
    writeLine(line, record = true) {
      try {
        const parsed: unknown = JSON.parse(line);
        if (record && typeof parsed === 'object' && parsed !== null) {
          transcript.push({ direction: 'received', message: parsed });
        }
      } catch {
        // Not JSON: nothing the spec recorder could pair a response with.
      }
      child.stdin.write(`${line}\n`);
    },
    send(message, record = true) {
      server.writeLine(JSON.stringify(message), record);
    },
    async read(count) {
      const deadline = Date.now() + WAIT_MS;
      while (lines.length < count) {
        if (done) {
          throw new Error(
            `the server exited after writing ${lines.length} of the ${count} lines expected: ${JSON.stringify(lines)}\nstderr:\n${stderr}`,
          );
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          throw new Error(
            `waited ${WAIT_MS} ms for ${count} lines from the server, got ${lines.length}: ${JSON.stringify(lines)}\nstderr:\n${stderr}`,
          );
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      return lines.splice(0, count).map((line) => {
        transcript.push({ direction: 'sent', message: line });
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          throw new Error(`the server wrote a line to stdout that is not JSON: ${line.slice(0, 200)}`);
        }
      });
    },
    endInput() {
      child.stdin.end();
    },
    exited,
    stdoutBytes: () => Buffer.concat(stdoutChunks),
    unread: () => [...lines],
    transcript,
    stderr: () => stderr,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  return server;
}

/** Waits for the process to exit, failing with its stderr if it does not within the harness's wait. */
export async function waitForExit(
  server: ServerProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the server did not exit within ${WAIT_MS} ms\nstderr:\n${server.stderr()}`)),
      WAIT_MS,
    );
  });
  try {
    return await Promise.race([server.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
