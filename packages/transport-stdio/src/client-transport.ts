import { type ChildProcess, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import {
  encodeNdjson,
  type FrameDecoderFactory,
  type JsonRpcMessage,
  type Transport,
  TransportClosedError,
} from '@pmcp/jsonrpc';
import { createFrameDecoder } from './decoder-options.ts';
import { getDefaultEnvironment } from './default-environment.ts';
import { type ServerProcessExit, ServerProcessExitError } from './errors.ts';
import { LineWriter } from './line-writer.ts';
import { MessageReader } from './message-reader.ts';
import { StderrTail } from './stderr-tail.ts';

/**
 * Options of {@link stdioClientTransport}.
 *
 * @example
 * ```ts
 * import { stdioClientTransport, type StdioClientTransportOptions } from '@pmcp/transport-stdio';
 *
 * const options: StdioClientTransportOptions = { command: 'node', args: ['server.js'], stderr: 'pipe' };
 * const transport = stdioClientTransport(options);
 * ```
 */
export interface StdioClientTransportOptions {
  /** The program to run: a name looked up on PATH or a path. It is run directly, never through a shell. */
  command: string;
  /** Its arguments, passed as they are (no shell quoting or expansion). */
  args?: string[];
  /**
   * Extra environment variables, merged over {@link getDefaultEnvironment} (HOME, PATH, USER... but not
   * the rest of this process's environment, so secrets do not leak to the server).
   */
  env?: Record<string, string>;
  /** The server's working directory; default this process's. */
  cwd?: string;
  /**
   * What happens to the server's stderr (its logs; never treated as an error signal):
   * `'inherit'` (default) shares this process's stderr, `'ignore'` discards it, and `'pipe'` exposes it as
   * {@link StdioClientTransport.stderr}. A piped stderr must be read: once its buffer fills the server blocks
   * on its next log line, as with any pipe.
   */
  stderr?: 'inherit' | 'pipe' | 'ignore';
  /** Splits the server's stdout into message texts; default `createNdjsonDecoder` from `@pmcp/jsonrpc`. */
  decoder?: FrameDecoderFactory;
  /** Longest accepted line from the server in bytes; longer lines are reported and skipped. Default 8 MiB. */
  maxMessageBytes?: number;
  /**
   * How long `close()` waits, in ms, at each step of the shutdown: after ending the server's stdin, then
   * after SIGTERM, before sending SIGKILL. Default 2000.
   */
  shutdownTimeout?: number;
}

/**
 * The transport returned by {@link stdioClientTransport}: a {@link Transport} plus the child process's
 * identity and fate.
 *
 * @example
 * ```ts
 * import { stdioClientTransport, type StdioClientTransport } from '@pmcp/transport-stdio';
 *
 * const transport: StdioClientTransport = stdioClientTransport({ command: 'my-mcp-server' });
 * await transport.start();
 * console.error(`server running as pid ${transport.pid}`);
 * ```
 */
export interface StdioClientTransport extends Transport {
  /** The server's process id once started; `undefined` before `start()` resolved or when spawning failed. */
  readonly pid: number | undefined;
  /**
   * The server's stderr when `stderr: 'pipe'` was chosen (available before `start()`, so no line is
   * missed), otherwise `null`.
   */
  readonly stderr: Readable | null;
  /** The server's exit code once it has exited by itself; `null` while it runs or when a signal ended it. */
  readonly exitCode: number | null;
  /** The signal that ended the server (for example `'SIGTERM'` sent by `close()`), otherwise `null`. */
  readonly signalCode: NodeJS.Signals | null;
}

type State = 'idle' | 'starting' | 'open' | 'closing' | 'closed';

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 2000;

class ChildProcessTransport implements StdioClientTransport {
  onmessage?: ((message: JsonRpcMessage) => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onclose?: (() => void) | undefined;

  readonly #command: string;
  readonly #args: string[];
  readonly #env: Record<string, string>;
  readonly #cwd: string | undefined;
  readonly #stderrMode: 'inherit' | 'pipe' | 'ignore';
  readonly #shutdownTimeout: number;
  readonly #reader: MessageReader;
  readonly #stderrOutput: PassThrough | null;
  readonly #stderrTail = new StderrTail();

  #state: State = 'idle';
  #child: ChildProcess | undefined;
  #writer: LineWriter | undefined;
  #starting: Promise<void> | undefined;
  #exit: ServerProcessExit | undefined;
  #closeRequested = false;
  #signalSent: NodeJS.Signals | undefined;
  #shuttingDown = false;
  #afterExitTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #exitWaiters = new Set<() => void>();
  readonly #closed: Promise<void>;
  #resolveClosed: () => void = () => {};

  constructor(options: StdioClientTransportOptions) {
    if (typeof options?.command !== 'string' || options.command === '') {
      throw new TypeError(
        'stdioClientTransport: `command` must be a non-empty string naming the server program.',
      );
    }
    const shutdownTimeout = options.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    if (!(Number.isFinite(shutdownTimeout) && shutdownTimeout >= 0)) {
      throw new RangeError(
        `stdioClientTransport: shutdownTimeout must be a non-negative number of ms; got ${String(shutdownTimeout)}.`,
      );
    }
    this.#command = options.command;
    this.#args = options.args ?? [];
    this.#env = { ...getDefaultEnvironment(), ...options.env };
    this.#cwd = options.cwd;
    this.#stderrMode = options.stderr ?? 'inherit';
    this.#shutdownTimeout = shutdownTimeout;
    this.#stderrOutput = this.#stderrMode === 'pipe' ? new PassThrough() : null;
    this.#reader = new MessageReader(createFrameDecoder(options.decoder, options.maxMessageBytes), {
      isOpen: () => this.#state === 'open' || this.#state === 'closing',
      message: (message) => this.onmessage?.(message),
      error: (error) => this.onerror?.(error),
    });
    this.#closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get stderr(): Readable | null {
    return this.#stderrOutput;
  }

  get exitCode(): number | null {
    return this.#exit?.exitCode ?? null;
  }

  get signalCode(): NodeJS.Signals | null {
    return this.#exit?.signal ?? null;
  }

  start(): Promise<void> {
    if (this.#state !== 'idle') {
      return Promise.reject(
        this.#state === 'closed'
          ? new TransportClosedError(
              'This stdio transport is closed; create a new one to start the server again.',
            )
          : new Error(
              'stdioClientTransport: start() was already called. The endpoint that owns a transport starts it once.',
            ),
      );
    }
    this.#state = 'starting';
    this.#starting = this.#spawn();
    return this.#starting;
  }

  send(message: JsonRpcMessage): Promise<void> {
    if (this.#state === 'idle' || this.#state === 'starting') {
      return Promise.reject(new Error('stdioClientTransport: wait for start() to resolve before send().'));
    }
    if (this.#state !== 'open' || this.#writer === undefined) {
      return Promise.reject(new TransportClosedError());
    }
    let line: string;
    try {
      line = encodeNdjson(message);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#writer.write(line);
  }

  async close(): Promise<void> {
    if (this.#state === 'idle') {
      this.#finish(undefined);
      return;
    }
    if (this.#state === 'starting') {
      await this.#starting?.catch(() => {});
      return this.close();
    }
    if (this.#state === 'open') {
      this.#closeRequested = true;
      this.#state = 'closing';
      void this.#shutDown();
    }
    await this.#closed;
  }

  #spawn(): Promise<void> {
    let child: ChildProcess;
    try {
      child = spawn(this.#command, this.#args, {
        cwd: this.#cwd,
        env: this.#env,
        stdio: ['pipe', 'pipe', this.#stderrMode],
        shell: false,
        windowsHide: true,
      });
    } catch (error) {
      // Invalid arguments (a NUL byte in the command, say) throw synchronously instead of emitting 'error'.
      const failure = this.#spawnError(error);
      this.#finish(undefined);
      return Promise.reject(failure);
    }
    this.#child = child;
    return new Promise<void>((resolve, reject) => {
      const onSpawned = (): void => {
        child.off('error', onSpawnFailed);
        this.#attach(child);
        this.#state = 'open';
        resolve();
      };
      const onSpawnFailed = (error: Error): void => {
        child.off('spawn', onSpawned);
        child.stdin?.destroy();
        child.stdout?.destroy();
        child.stderr?.destroy();
        reject(this.#spawnError(error));
        this.#finish(undefined);
      };
      child.once('spawn', onSpawned);
      child.once('error', onSpawnFailed);
    });
  }

  #attach(child: ChildProcess): void {
    // stdio ['pipe', 'pipe', ...] guarantees both pipes exist once the child has spawned.
    const stdin = child.stdin!;
    const stdout = child.stdout!;
    const stderr = child.stderr;
    this.#writer = new LineWriter(stdin);
    // These listeners stay for good: a pipe error after close must not become an uncaught exception.
    stdin.on('error', (error: Error) => {
      this.#writer?.fail(
        new TransportClosedError(
          `The MCP server "${this.#command}" no longer reads its stdin: ${error.message}`,
          {
            cause: error,
          },
        ),
      );
    });
    stdout.on('data', (chunk: Uint8Array) => this.#reader.push(chunk));
    stdout.on('end', () => {
      this.#reader.end();
      // A server that closes its stdout can no longer answer: wind it down as if close() had been called,
      // but still report the end as unexpected.
      if (this.#state === 'open') {
        this.#state = 'closing';
        void this.#shutDown();
      }
    });
    stdout.on('error', (error: Error) => {
      if (this.#state !== 'open') return;
      this.onerror?.(new Error(`Reading the MCP server's stdout failed: ${error.message}`, { cause: error }));
    });
    if (stderr !== null && this.#stderrOutput !== null) {
      stderr.on('data', (chunk: Uint8Array) => this.#stderrTail.push(chunk));
      stderr.on('error', () => {});
      stderr.pipe(this.#stderrOutput);
    }
    child.on('error', (error: Error) => {
      // After a successful spawn this only comes from kill() failing; the exit is still awaited.
      if (this.#state === 'open' || this.#state === 'closing') this.onerror?.(error);
    });
    child.on('exit', (exitCode: number | null, signal: NodeJS.Signals | null) => {
      this.#exit = { exitCode, signal };
      for (const wake of [...this.#exitWaiters]) wake();
      // 'close' follows once the pipes are drained; a grandchild holding them open must not keep us waiting.
      this.#afterExitTimer = setTimeout(() => {
        stdout.destroy();
        stderr?.destroy();
        this.#finish(this.#exit);
      }, this.#shutdownTimeout);
      this.#afterExitTimer.unref?.();
    });
    child.on('close', (exitCode: number | null, signal: NodeJS.Signals | null) => {
      this.#finish(this.#exit ?? { exitCode, signal });
    });
  }

  async #shutDown(): Promise<void> {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    this.#writer?.fail(new TransportClosedError('The stdio transport is closing; the message was not sent.'));
    const child = this.#child;
    if (child === undefined) return;
    // The polite request first: a well-behaved server exits when its stdin ends.
    child.stdin?.end();
    if (await this.#exitedWithin(this.#shutdownTimeout)) return;
    this.#kill(child, 'SIGTERM');
    if (await this.#exitedWithin(this.#shutdownTimeout)) return;
    this.#kill(child, 'SIGKILL');
    if (await this.#exitedWithin(this.#shutdownTimeout)) return;
    // SIGKILL cannot be ignored, but a process stuck in the kernel may not die yet: do not hang close() on it.
    child.stdout?.destroy();
    child.stderr?.destroy();
    this.#finish(this.#exit);
  }

  #kill(child: ChildProcess, signal: NodeJS.Signals): void {
    this.#signalSent = signal;
    child.kill(signal);
  }

  #exitedWithin(ms: number): Promise<boolean> {
    if (this.#exit !== undefined) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onExit = (): void => {
        clearTimeout(timer);
        this.#exitWaiters.delete(onExit);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#exitWaiters.delete(onExit);
        resolve(false);
      }, ms);
      this.#exitWaiters.add(onExit);
    });
  }

  #finish(exit: ServerProcessExit | undefined): void {
    if (this.#state === 'closed') return;
    const wasRunning = this.#state === 'open' || this.#state === 'closing';
    this.#state = 'closed';
    clearTimeout(this.#afterExitTimer);
    this.#writer?.fail(new TransportClosedError());
    // Normally the child's stderr ends the piped copy; when it never existed or was cut off, end it here.
    const childStderr = this.#child?.stderr;
    if (this.#stderrOutput !== null && (childStderr == null || childStderr.destroyed)) {
      this.#stderrOutput.end();
    }
    if (wasRunning && !this.#closeRequested) this.onerror?.(this.#exitError(exit));
    this.#resolveClosed();
    this.onclose?.();
  }

  #exitError(exit: ServerProcessExit | undefined): ServerProcessExitError {
    const server = `MCP server "${this.#command}"${this.pid === undefined ? '' : ` (pid ${this.pid})`}`;
    const exitCode = exit?.exitCode ?? null;
    const signal = exit?.signal ?? null;
    let message: string;
    if (exitCode !== null) {
      message = `${server} exited unexpectedly with code ${exitCode}.`;
    } else if (signal !== null && signal === this.#signalSent) {
      message = `${server} closed its stdout without exiting, so it was stopped with ${signal}.`;
    } else if (signal !== null) {
      message = `${server} was killed by ${signal}.`;
    } else {
      message = `${server} stopped responding: its stdout closed and it did not exit.`;
    }
    const tail = this.#stderrTail.lines();
    if (tail !== '') {
      message += `\nLast lines of its stderr:\n${tail}`;
    } else if (this.#stderrMode === 'ignore') {
      message += ' (Its stderr is ignored; use `stderr: "pipe"` to see its last lines here.)';
    }
    return new ServerProcessExitError(message, { exitCode, signal }, tail);
  }

  #spawnError(error: unknown): Error {
    const code = (error as { code?: unknown } | null)?.code;
    const reason = error instanceof Error ? error.message : String(error);
    const cwd = this.#cwd ?? process.cwd();
    let message: string;
    if (code === 'ENOENT' && this.#cwd !== undefined && !isDirectory(this.#cwd)) {
      message = `Could not start the MCP server "${this.#command}": its working directory "${cwd}" does not exist. Pass an existing directory as \`cwd\`.`;
    } else if (code === 'ENOENT') {
      message = `Could not start the MCP server: command "${this.#command}" was not found (cwd: ${cwd}). Check that it is installed and on the PATH given to the server, or pass an absolute path. No shell is involved, so shell aliases and functions do not resolve.`;
    } else if (code === 'EACCES') {
      message = `Could not start the MCP server "${this.#command}" (cwd: ${cwd}): permission denied. Make the file executable, or run it through its interpreter (for example command "node" with the script in \`args\`).`;
    } else {
      message = `Could not start the MCP server "${this.#command}" (cwd: ${cwd}): ${reason}`;
    }
    return new Error(message, { cause: error });
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A transport to an MCP server that this process launches as a child: messages go to the child's stdin and
 * come back from its stdout, one JSON text per line.
 *
 * The command runs directly (no shell) with a minimal environment ({@link getDefaultEnvironment} plus `env`).
 * `start()` resolves once the process has spawned and rejects with a message naming the command and cwd if it
 * cannot. `close()` shuts the server down the way the spec asks: end its stdin, wait, SIGTERM, wait, SIGKILL.
 * If the server exits on its own, `onerror` receives a {@link ServerProcessExitError} naming the exit code or
 * signal (and its last stderr lines when piped), then `onclose` fires, so no request is left waiting.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * import { stdioClientTransport } from '@pmcp/transport-stdio';
 *
 * const client = createClient({ name: 'my-app', version: '1.0.0' });
 * await client.connect(stdioClientTransport({ command: 'node', args: ['server.js'], env: { LOG_LEVEL: 'debug' } }));
 * const { tools } = await client.listTools();
 * await client.close(); // ends the server's stdin; SIGTERM, then SIGKILL, if it lingers
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/stdio
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/lifecycle#shutdown
 */
export function stdioClientTransport(options: StdioClientTransportOptions): StdioClientTransport {
  return new ChildProcessTransport(options);
}
