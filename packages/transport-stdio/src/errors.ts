import { TransportClosedError } from '@pmcp/jsonrpc';

/**
 * What ended the server process: its exit code, or the signal that killed it.
 *
 * @example
 * ```ts
 * import type { ServerProcessExit } from '@pmcp/transport-stdio';
 *
 * const describeExit = ({ exitCode, signal }: ServerProcessExit): string =>
 *   signal === null ? `exit code ${exitCode}` : `signal ${signal}`;
 * ```
 */
export interface ServerProcessExit {
  /** The exit code, or `null` when a signal ended the process. */
  exitCode: number | null;
  /** The signal that ended the process (`'SIGTERM'`, `'SIGKILL'`...), or `null` when it exited by itself. */
  signal: NodeJS.Signals | null;
}

/**
 * The spawned MCP server exited while the connection was open: it crashed, was killed, or quit on its own.
 * Reported through the transport's `onerror` just before `onclose` (after which every pending request
 * rejects with a `TransportClosedError`). It is a `TransportClosedError` itself, local only.
 *
 * @example
 * ```ts
 * import { ServerProcessExitError, stdioClientTransport } from '@pmcp/transport-stdio';
 *
 * const transport = stdioClientTransport({ command: 'my-mcp-server', stderr: 'pipe' });
 * transport.onerror = (error) => {
 *   if (error instanceof ServerProcessExitError) console.error(error.exitCode, error.signal, error.stderrTail);
 * };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/stdio
 */
export class ServerProcessExitError extends TransportClosedError {
  /** The exit code, or `null` when a signal ended the process. */
  readonly exitCode: number | null;
  /** The signal that ended the process, or `null`. */
  readonly signal: NodeJS.Signals | null;
  /** The last lines the server wrote to stderr (only when `stderr: 'pipe'`); empty otherwise. */
  readonly stderrTail: string;

  constructor(message: string, exit: ServerProcessExit, stderrTail: string) {
    super(message, { data: { exitCode: exit.exitCode, signal: exit.signal } });
    this.name = 'ServerProcessExitError';
    this.exitCode = exit.exitCode;
    this.signal = exit.signal;
    this.stderrTail = stderrTail;
  }
}
