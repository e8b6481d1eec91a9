import { PassThrough, Writable } from 'node:stream';
import {
  createNdjsonDecoder,
  type FrameDecoderFactory,
  InvalidMessageError,
  type JsonRpcMessage,
  type Transport,
  TransportClosedError,
} from '@pmcp/jsonrpc';
import { describe, expect, it, vi } from 'vitest';
import { stdioServerTransport } from './server-transport.ts';

interface Harness {
  transport: Transport;
  stdin: PassThrough;
  stdout: PassThrough;
  messages: JsonRpcMessage[];
  errors: Error[];
  closed: Promise<void>;
  closeCount: () => number;
  /** Resolves once `count` messages arrived. */
  received: (count: number) => Promise<void>;
  /** Everything written to stdout so far. */
  output: () => string;
}

async function startHarness(
  options: { maxMessageBytes?: number; decoder?: FrameDecoderFactory } = {},
): Promise<Harness> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const written: string[] = [];
  stdout.on('data', (chunk: Buffer) => written.push(chunk.toString('utf8')));
  const transport = stdioServerTransport({ stdin, stdout, ...options });
  const messages: JsonRpcMessage[] = [];
  const errors: Error[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let closeCount = 0;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  transport.onmessage = (message) => {
    messages.push(message);
    for (const waiter of waiters) if (messages.length >= waiter.count) waiter.resolve();
  };
  transport.onerror = (error) => errors.push(error);
  transport.onclose = () => {
    closeCount++;
    resolveClosed();
  };
  await transport.start();
  return {
    transport,
    stdin,
    stdout,
    messages,
    errors,
    closed,
    closeCount: () => closeCount,
    received: (count) =>
      messages.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve })),
    output: () => written.join(''),
  };
}

const ping = (id: number): JsonRpcMessage => ({ jsonrpc: '2.0', id, method: 'tools/list', params: {} });

describe('stdioServerTransport', () => {
  it('delivers each input line as a message and writes each sent message as one line', async () => {
    const h = await startHarness();
    h.stdin.write(
      `${JSON.stringify(ping(1))}\n${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/x' })}\n`,
    );
    await h.received(2);
    expect(h.messages).toEqual([ping(1), { jsonrpc: '2.0', method: 'notifications/x' }]);

    const reply: JsonRpcMessage = {
      jsonrpc: '2.0',
      id: 1,
      result: { text: 'two\nlines\r\nand a \u2028 separator' },
    };
    await h.transport.send(reply);
    await new Promise((resolve) => setImmediate(resolve));
    const lines = h.output().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('');
    expect(JSON.parse(lines[0] ?? '')).toEqual(reply);
    await h.transport.close();
  });

  it('reports an invalid line as an InvalidMessageError the engine can answer, and keeps reading', async () => {
    const h = await startHarness();
    h.stdin.write('{"jsonrpc":"2.0","id":7,"method":\n');
    h.stdin.write('{"jsonrpc":"1.0","id":8,"method":"x"}\n');
    h.stdin.write(`${JSON.stringify(ping(9))}\n`);
    await h.received(1);
    expect(h.messages).toEqual([ping(9)]);
    expect(h.errors).toHaveLength(2);
    const [parseError, invalidRequest] = h.errors;
    expect(parseError).toBeInstanceOf(InvalidMessageError);
    expect((parseError as InvalidMessageError).reply.error.code).toBe(-32700);
    expect(invalidRequest).toBeInstanceOf(InvalidMessageError);
    expect((invalidRequest as InvalidMessageError).reply).toMatchObject({ id: 8, error: { code: -32600 } });
    expect(h.closeCount()).toBe(0);
    await h.transport.close();
  });

  it('skips a line longer than maxMessageBytes with an error and reads the next one', async () => {
    const h = await startHarness({ maxMessageBytes: 64 });
    h.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'x', params: { pad: 'y'.repeat(200) } })}\n`,
    );
    h.stdin.write(`${JSON.stringify(ping(2))}\n`);
    await h.received(1);
    expect(h.messages).toEqual([ping(2)]);
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0]).toBeInstanceOf(InvalidMessageError);
    expect(h.errors[0]?.message).toMatch(/maxMessageBytes/);
    await h.transport.close();
  });

  it('closes on stdin EOF after delivering a last line that has no newline, and lets go of stdin', async () => {
    const h = await startHarness();
    h.stdin.end(JSON.stringify(ping(3)));
    await h.closed;
    expect(h.messages).toEqual([ping(3)]);
    expect(h.closeCount()).toBe(1);
    expect(h.stdin.listenerCount('data')).toBe(0);
    expect(h.stdin.isPaused()).toBe(true);
    await h.transport.close();
    expect(h.closeCount()).toBe(1);
  });

  it('closes when stdin is destroyed without an end', async () => {
    const h = await startHarness();
    h.stdin.destroy();
    await h.closed;
    expect(h.errors).toEqual([]);
    expect(h.closeCount()).toBe(1);
  });

  it('rejects send() after close with TransportClosedError', async () => {
    const h = await startHarness();
    await h.transport.close();
    await expect(h.transport.send(ping(1))).rejects.toBeInstanceOf(TransportClosedError);
    expect(h.closeCount()).toBe(1);
  });

  it('refuses to start twice and to send before start', async () => {
    const transport = stdioServerTransport({ stdin: new PassThrough(), stdout: new PassThrough() });
    await expect(transport.send(ping(1))).rejects.toThrow(/start\(\)/);
    await transport.start();
    await expect(transport.start()).rejects.toThrow(/already called/);
    await transport.close();
    await expect(transport.start()).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('closes without crashing or reporting when stdout fails with EPIPE, and survives a late EPIPE', async () => {
    const h = await startHarness();
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    h.stdout.emit('error', epipe);
    await h.closed;
    expect(h.errors).toEqual([]);
    // A write accepted before close can fail afterwards; without a listener Node would throw it.
    expect(() => h.stdout.emit('error', epipe)).not.toThrow();
    await expect(h.transport.send(ping(1))).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('reports any other stdout failure before closing', async () => {
    const h = await startHarness();
    h.stdout.emit('error', Object.assign(new Error('disk quota exceeded'), { code: 'EDQUOT' }));
    await h.closed;
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0]?.message).toMatch(/stdout failed.*disk quota exceeded/);
  });

  it('reports a stdin failure and closes', async () => {
    const h = await startHarness();
    h.stdin.destroy(new Error('EIO: i/o error, read'));
    await h.closed;
    expect(h.errors.map((error) => error.message)).toEqual([expect.stringMatching(/stdin failed.*EIO/)]);
  });

  it('routes a throwing onmessage to onerror and keeps delivering', async () => {
    const h = await startHarness();
    const seen: JsonRpcMessage[] = [];
    h.transport.onmessage = (message) => {
      seen.push(message);
      if (seen.length === 1) throw new Error('handler bug');
    };
    h.stdin.write(`${JSON.stringify(ping(1))}\n${JSON.stringify(ping(2))}\n`);
    await vi.waitFor(() => expect(seen).toHaveLength(2));
    expect(h.errors.map((error) => error.message)).toEqual(['handler bug']);
    await h.transport.close();
  });

  it('stops delivering the rest of a chunk once a handler closes the transport', async () => {
    const h = await startHarness();
    const seen: JsonRpcMessage[] = [];
    h.transport.onmessage = (message) => {
      seen.push(message);
      void h.transport.close();
    };
    h.stdin.write(`${JSON.stringify(ping(1))}\n${JSON.stringify(ping(2))}\n`);
    await h.closed;
    expect(seen).toEqual([ping(1)]);
  });

  it('reads a stream that has an encoding set (string chunks)', async () => {
    const h = await startHarness();
    h.stdin.setEncoding('utf8');
    h.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'n', params: { text: 'héllo ✓ 🌍' } })}\n`);
    await h.received(1);
    expect(h.messages).toEqual([{ jsonrpc: '2.0', method: 'n', params: { text: 'héllo ✓ 🌍' } }]);
    await h.transport.close();
  });

  it('uses the decoder factory it is given, with maxMessageBytes', async () => {
    const factory = vi.fn<FrameDecoderFactory>((options) => createNdjsonDecoder(options));
    const h = await startHarness({ decoder: factory, maxMessageBytes: 1000 });
    expect(factory).toHaveBeenCalledWith({ maxMessageBytes: 1000 });
    h.stdin.write(`${JSON.stringify(ping(1))}\n`);
    await h.received(1);
    await h.transport.close();
  });

  it('rejects a nonsensical maxMessageBytes with a clear error', () => {
    expect(() =>
      stdioServerTransport({ stdin: new PassThrough(), stdout: new PassThrough(), maxMessageBytes: 0 }),
    ).toThrow(/maxMessageBytes must be a positive integer/);
  });

  it('waits for drain before writing more once stdout signals backpressure, and keeps order', async () => {
    const chunks: string[] = [];
    const pendingCallbacks: Array<() => void> = [];
    // highWaterMark 1: every write fills the buffer, so write() returns false until _write completes.
    const stdout = new Writable({
      highWaterMark: 1,
      decodeStrings: false,
      write(chunk: string, _encoding, callback) {
        chunks.push(chunk);
        pendingCallbacks.push(() => callback());
      },
    });
    const transport = stdioServerTransport({ stdin: new PassThrough(), stdout });
    await transport.start();

    const first = transport.send(ping(1));
    const second = transport.send(ping(2));
    const third = transport.send(ping(3));
    let secondSettled = false;
    void second.then(() => {
      secondSettled = true;
    });
    await first;
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    // The stream has not drained, so nothing after the first line was handed to it.
    expect(chunks).toEqual([`${JSON.stringify(ping(1))}\n`]);
    expect(secondSettled).toBe(false);

    pendingCallbacks.shift()?.();
    await second;
    expect(chunks).toHaveLength(2);
    pendingCallbacks.shift()?.();
    await third;
    pendingCallbacks.shift()?.();
    expect(chunks).toEqual([1, 2, 3].map((id) => `${JSON.stringify(ping(id))}\n`));
    await transport.close();
  });

  it('rejects sends still waiting for drain when it closes', async () => {
    const stdout = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, _callback) {
        // Never completes: the reader on the other side is stuck.
      },
    });
    const transport = stdioServerTransport({ stdin: new PassThrough(), stdout });
    await transport.start();
    await transport.send(ping(1));
    const stuck = transport.send(ping(2));
    await transport.close();
    await expect(stuck).rejects.toBeInstanceOf(TransportClosedError);
  });
});
