import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  InvalidMessageError,
  type JsonRpcMessage,
  type RequestId,
  RpcEngine,
  TransportClosedError,
} from '@pmcp/jsonrpc';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type StdioClientTransport,
  type StdioClientTransportOptions,
  stdioClientTransport,
} from './client-transport.ts';
import { ServerProcessExitError } from './errors.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));
const ECHO_SERVER = fixture('echo-server.mjs');
const STUBBORN_SERVER = fixture('stubborn-server.mjs');
const STDIO_SERVER = fixture('stdio-server.ts');

interface Harness {
  transport: StdioClientTransport;
  messages: JsonRpcMessage[];
  errors: Error[];
  /** onerror and onclose calls in the order they happened. */
  events: string[];
  closed: Promise<void>;
  stderrText: () => string;
  /** The next message matching `predicate` (including one that already arrived). */
  next: (predicate: (message: JsonRpcMessage) => boolean) => Promise<JsonRpcMessage>;
  /** Sends a request and resolves with its response. */
  call: (id: RequestId, method: string, params?: Record<string, unknown>) => Promise<JsonRpcMessage>;
}

const running: StdioClientTransport[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((transport) => transport.close()));
});

function harness(options: StdioClientTransportOptions): Harness {
  const transport = stdioClientTransport(options);
  running.push(transport);
  const messages: JsonRpcMessage[] = [];
  const errors: Error[] = [];
  const events: string[] = [];
  const waiters: Array<{
    predicate: (message: JsonRpcMessage) => boolean;
    resolve: (m: JsonRpcMessage) => void;
  }> = [];
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  transport.onmessage = (message) => {
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  };
  transport.onerror = (error) => {
    errors.push(error);
    events.push(`error: ${error.name}`);
  };
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => {
      events.push('close');
      resolve();
    };
  });
  const next = (predicate: (message: JsonRpcMessage) => boolean): Promise<JsonRpcMessage> => {
    const found = messages.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => waiters.push({ predicate, resolve }));
  };
  return {
    transport,
    messages,
    errors,
    events,
    closed,
    stderrText: () => stderr,
    next,
    call: async (id, method, params = {}) => {
      const response = next((message) => 'id' in message && message.id === id && !('method' in message));
      await transport.send({ jsonrpc: '2.0', id, method, params });
      return response;
    },
  };
}

const node = (
  script: string,
  extra: Partial<StdioClientTransportOptions> = {},
): StdioClientTransportOptions => ({
  command: process.execPath,
  args: [script],
  ...extra,
});

describe('stdioClientTransport', () => {
  it('spawns the server and round-trips messages, including newlines and non-ASCII text', async () => {
    const h = harness(node(ECHO_SERVER));
    expect(h.transport.pid).toBeUndefined();
    await h.transport.start();
    expect(h.transport.pid).toEqual(expect.any(Number));
    const params = {
      text: 'line one\nline two',
      emoji: '🌍 ✓ héllo',
      nested: { list: [1, 2.5, null, true] },
    };
    expect(await h.call(1, 'echo', params)).toEqual({ jsonrpc: '2.0', id: 1, result: { echoed: params } });
    expect(await h.call('two', 'echo', {})).toEqual({ jsonrpc: '2.0', id: 'two', result: { echoed: {} } });
    expect(h.errors).toEqual([]);
  });

  it('reassembles a response the server writes a few bytes at a time', async () => {
    const h = harness(node(ECHO_SERVER));
    await h.transport.start();
    const params = { text: 'split across many tiny writes: ü 🌍 €', size: 3 };
    expect(await h.call(1, 'pieces', params)).toEqual({ jsonrpc: '2.0', id: 1, result: { echoed: params } });
    const single = { size: 1, more: 'one byte per write' };
    expect(await h.call(2, 'pieces', single)).toEqual({ jsonrpc: '2.0', id: 2, result: { echoed: single } });
    expect(h.errors).toEqual([]);
  });

  it('reports an invalid line from the server as an InvalidMessageError and keeps reading', async () => {
    const h = harness(node(ECHO_SERVER));
    await h.transport.start();
    expect(await h.call(1, 'garbage')).toEqual({ jsonrpc: '2.0', id: 1, result: { afterGarbage: true } });
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0]).toBeInstanceOf(InvalidMessageError);
    expect((h.errors[0] as InvalidMessageError).reply.error.code).toBe(-32700);
    expect(await h.call(2, 'echo', { still: 'open' })).toMatchObject({ id: 2 });
  });

  it('surfaces a server that dies mid-request: an error naming the exit code and its last stderr, then close', async () => {
    const h = harness(node(ECHO_SERVER, { stderr: 'pipe' }));
    await h.transport.start();
    await h.transport.send({ jsonrpc: '2.0', id: 1, method: 'crash', params: {} });
    await h.closed;
    expect(h.events).toEqual(['error: ServerProcessExitError', 'close']);
    const error = h.errors[0] as ServerProcessExitError;
    expect(error).toBeInstanceOf(ServerProcessExitError);
    expect(error).toBeInstanceOf(TransportClosedError);
    expect(error.exitCode).toBe(3);
    expect(error.signal).toBeNull();
    expect(error.message).toMatch(/exited unexpectedly with code 3/);
    expect(error.message).toContain('fatal: the disk is on fire');
    expect(error.stderrTail).toBe('starting the risky part\nfatal: the disk is on fire');
    expect(h.transport.exitCode).toBe(3);
    await expect(h.transport.send({ jsonrpc: '2.0', method: 'x' })).rejects.toBeInstanceOf(
      TransportClosedError,
    );
  });

  it('lets the request engine reject the pending request with TransportClosedError when the server dies', async () => {
    const transport = stdioClientTransport(node(ECHO_SERVER, { stderr: 'ignore' }));
    running.push(transport);
    const engine = new RpcEngine();
    const errors: Error[] = [];
    engine.onerror = (error) => errors.push(error);
    await engine.connect(transport);
    expect(await engine.request('echo', { a: 1 })).toEqual({ echoed: { a: 1 } });
    await expect(engine.request('crash')).rejects.toBeInstanceOf(TransportClosedError);
    expect(errors.some((error) => error instanceof ServerProcessExitError)).toBe(true);
    expect(errors.find((error) => error instanceof ServerProcessExitError)?.message).toMatch(
      /stderr: "pipe"/,
    );
  });

  it('shuts a well-behaved server down by ending its stdin: no signal needed, onclose once', async () => {
    const h = harness(node(ECHO_SERVER));
    await h.transport.start();
    await h.call(1, 'echo');
    await h.transport.close();
    expect(h.transport.exitCode).toBe(0);
    expect(h.transport.signalCode).toBeNull();
    await h.transport.close();
    expect(h.events).toEqual(['close']);
    await expect(h.transport.send({ jsonrpc: '2.0', method: 'x' })).rejects.toBeInstanceOf(
      TransportClosedError,
    );
  });

  it('sends SIGTERM to a server that ignores the end of its stdin', async () => {
    const h = harness(node(STUBBORN_SERVER, { stderr: 'pipe', shutdownTimeout: 500 }));
    await h.transport.start();
    await h.next((message) => 'method' in message && message.method === 'ready');
    await h.transport.close();
    expect(h.transport.signalCode).toBe('SIGTERM');
    expect(h.transport.exitCode).toBeNull();
    expect(h.stderrText()).toBe('stdin ended\n');
    expect(h.events).toEqual(['close']);
  });

  it('sends SIGKILL after SIGTERM to a server that ignores both', async () => {
    const h = harness(
      node(STUBBORN_SERVER, {
        args: [STUBBORN_SERVER, '--ignore-sigterm'],
        stderr: 'pipe',
        shutdownTimeout: 500,
      }),
    );
    await h.transport.start();
    await h.next((message) => 'method' in message && message.method === 'ready');
    await h.transport.close();
    expect(h.transport.signalCode).toBe('SIGKILL');
    // The order of the escalation, as the server saw it: EOF first, then SIGTERM, then it was killed.
    expect(h.stderrText()).toBe('stdin ended\ngot SIGTERM, staying\n');
    expect(h.events).toEqual(['close']);
  });

  it('stops a server that closes its stdout but keeps running, and reports that as unexpected', async () => {
    const h = harness(
      node(STUBBORN_SERVER, {
        args: [STUBBORN_SERVER, '--close-stdout'],
        stderr: 'pipe',
        shutdownTimeout: 500,
      }),
    );
    await h.transport.start();
    await h.closed;
    expect(h.messages).toEqual([{ jsonrpc: '2.0', method: 'ready' }]);
    expect(h.events).toEqual(['error: ServerProcessExitError', 'close']);
    expect(h.errors[0]?.message).toMatch(/closed its stdout without exiting, so it was stopped with SIGTERM/);
    expect(h.transport.signalCode).toBe('SIGTERM');
  });

  it('skips a line from the server longer than maxMessageBytes with an error, and stays open', async () => {
    const h = harness(node(ECHO_SERVER, { maxMessageBytes: 200 }));
    await h.transport.start();
    await h.transport.send({ jsonrpc: '2.0', id: 1, method: 'echo', params: { pad: 'x'.repeat(500) } });
    expect(await h.call(2, 'echo', { small: true })).toMatchObject({ id: 2 });
    expect(h.messages.map((message) => ('id' in message ? message.id : undefined))).toEqual([2]);
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0]).toBeInstanceOf(InvalidMessageError);
    expect(h.errors[0]?.message).toMatch(/maxMessageBytes \(200 bytes\)/);
  });

  it('closes cleanly when close() is called while start() is still pending', async () => {
    const h = harness(node(ECHO_SERVER));
    const started = h.transport.start();
    const closing = h.transport.close();
    await started;
    await closing;
    expect(h.transport.exitCode).toBe(0);
    expect(h.events).toEqual(['close']);
  });

  it('rejects start() with a message naming the command and cwd when the command does not exist', async () => {
    const cwd = tmpdir();
    const h = harness({ command: 'pmcp-no-such-command-f3a9', cwd });
    const failure = await h.transport.start().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).toContain('"pmcp-no-such-command-f3a9"');
    expect(message).toContain('not found');
    expect(message).toContain(`cwd: ${cwd}`);
    expect((failure as Error).cause).toMatchObject({ code: 'ENOENT' });
    expect(h.transport.pid).toBeUndefined();
    await expect(h.transport.send({ jsonrpc: '2.0', method: 'x' })).rejects.toBeInstanceOf(
      TransportClosedError,
    );
  });

  it('says so when the working directory does not exist', async () => {
    const h = harness(node(ECHO_SERVER, { cwd: '/definitely/not/a/dir/pmcp' }));
    await expect(h.transport.start()).rejects.toThrow(
      /working directory "\/definitely\/not\/a\/dir\/pmcp" does not exist/,
    );
  });

  it('validates its options up front', () => {
    expect(() => stdioClientTransport({ command: '' })).toThrow(/command/);
    expect(() => stdioClientTransport({ command: 'x', shutdownTimeout: -1 })).toThrow(/shutdownTimeout/);
    expect(() => stdioClientTransport({ command: 'x', maxMessageBytes: 1.5 })).toThrow(/maxMessageBytes/);
  });

  it('exposes a piped stderr as a stream, before start, without treating it as an error', async () => {
    const h = harness(node(ECHO_SERVER, { stderr: 'pipe' }));
    expect(h.transport.stderr).not.toBeNull();
    await h.transport.start();
    await h.call(1, 'log', { text: 'warming up the cache' });
    await h.call(2, 'log', { text: 'ERROR: this is only a log line' });
    await h.transport.close();
    expect(h.stderrText()).toBe('warming up the cache\nERROR: this is only a log line\n');
    expect(h.errors).toEqual([]);
  });

  it('has no stderr stream unless asked to pipe it', () => {
    expect(stdioClientTransport({ command: 'x' }).stderr).toBeNull();
    expect(stdioClientTransport({ command: 'x', stderr: 'ignore' }).stderr).toBeNull();
  });

  it('gives the server a minimal environment plus `env`, and the cwd it was asked for', async () => {
    process.env.PMCP_TEST_SECRET = 'must-not-leak';
    try {
      const cwd = tmpdir();
      const h = harness(node(ECHO_SERVER, { env: { PMCP_EXTRA: 'yes', PATH: '/custom/bin' }, cwd }));
      await h.transport.start();
      const response = await h.call(1, 'env');
      const { env, cwd: serverCwd } = (
        response as unknown as { result: { env: Record<string, string>; cwd: string } }
      ).result;
      expect(env.PMCP_EXTRA).toBe('yes');
      expect(env.PATH).toBe('/custom/bin');
      expect(env.PMCP_TEST_SECRET).toBeUndefined();
      if (process.env.HOME !== undefined) expect(env.HOME).toBe(process.env.HOME);
      expect(serverCwd).toBe(cwd);
    } finally {
      delete process.env.PMCP_TEST_SECRET;
    }
  });

  it('rejects a second start() and a send() before start()', async () => {
    const h = harness(node(ECHO_SERVER));
    await expect(h.transport.send({ jsonrpc: '2.0', method: 'x' })).rejects.toThrow(/start\(\)/);
    await h.transport.start();
    await expect(h.transport.start()).rejects.toThrow(/already called/);
  });

  it('closes a transport that was never started without spawning anything', async () => {
    const h = harness(node(ECHO_SERVER));
    await h.transport.close();
    expect(h.events).toEqual(['close']);
    await expect(h.transport.start()).rejects.toBeInstanceOf(TransportClosedError);
  });
});

describe('stdioServerTransport in a real process', () => {
  const serverOptions = (extra: Partial<StdioClientTransportOptions> = {}): StdioClientTransportOptions =>
    node(STDIO_SERVER, { args: ['--conditions=@pmcp/source', STDIO_SERVER], stderr: 'pipe', ...extra });

  it('serves requests and exits by itself once its client ends stdin', async () => {
    const h = harness(serverOptions());
    await h.transport.start();
    expect(await h.call(1, 'tools/list', { cursor: 'c' })).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: { echoed: { cursor: 'c' } },
    });
    await h.transport.close();
    // Exit code 0 and no signal: the process ended on its own, so the transport left nothing keeping it alive.
    expect(h.transport.exitCode).toBe(0);
    expect(h.transport.signalCode).toBeNull();
    expect(h.stderrText()).toBe('server transport started\nserver transport closed\n');
  });

  it('reports an invalid line through onerror and keeps serving', async () => {
    const child = spawn(process.execPath, ['--conditions=@pmcp/source', STDIO_SERVER], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    let stdout = '';
    const answered = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        if (stdout.endsWith('\n')) resolve();
      });
    });
    const exited = once(child, 'exit');
    child.stdin.write('this is not JSON\n');
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'still/there' })}\n`);
    await answered;
    child.stdin.end();
    const [exitCode] = await exited;
    expect(JSON.parse(stdout)).toEqual({ jsonrpc: '2.0', id: 5, result: { echoed: {} } });
    expect(stderr).toMatch(/transport error: InvalidMessageError: Parse error/);
    expect(exitCode).toBe(0);
  });

  it('closes instead of crashing when its client stops reading stdout (EPIPE)', async () => {
    const child = spawn(process.execPath, ['--conditions=@pmcp/source', STDIO_SERVER], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const exited = once(child, 'exit');
    // Wait until the transport runs, then close our end of its stdout so its next write fails with EPIPE.
    await new Promise<void>((resolve) => {
      child.stderr.on('data', () => {
        if (stderr.includes('server transport started')) resolve();
      });
    });
    child.stdout.destroy();
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'x', params: { pad: 'y'.repeat(1 << 16) } })}\n`,
    );
    try {
      const [exitCode, signal] = await exited;
      expect({ exitCode, signal }).toEqual({ exitCode: 0, signal: null });
      expect(stderr).toContain('server transport closed');
      expect(stderr).not.toMatch(/EPIPE|Unhandled|uncaught/i);
    } finally {
      child.stdin.destroy();
      child.kill('SIGKILL');
    }
  });
});
