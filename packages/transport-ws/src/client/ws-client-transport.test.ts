/**
 * The client transport against a scripted socket: the contract of Transport (start once, send after start,
 * TransportClosedError after close), bad frames reported as InvalidMessageError, keepalive only where the socket
 * can ping, and the backoff schedule.
 */
import { InvalidMessageError, type JsonRpcMessage, TransportClosedError } from '@pmcp/jsonrpc';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as NodeWsWebSocket } from 'ws';
import {
  type WebSocketClientTransportOptions,
  type WebSocketConstructor,
  type WebSocketEventLike,
  type WebSocketLike,
  webSocketClientTransport,
} from '../index.ts';
import { backoffDelay } from './ws-client-transport.ts';

type Listener = (event: WebSocketEventLike) => void;

class ScriptedSocket implements WebSocketLike {
  static last: ScriptedSocket | undefined;
  protocol = 'mcp';
  binaryType = 'blob';
  readonly sent: string[] = [];
  readonly closedWith: (number | undefined)[] = [];
  readonly listeners = new Map<string, Listener[]>();
  readonly url: string;
  readonly protocols: string | string[] | undefined;

  constructor(url: string, protocols?: string | string[]) {
    this.url = url;
    this.protocols = protocols;
    ScriptedSocket.last = this;
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(code?: number): void {
    this.closedWith.push(code);
  }

  /** Only the close codes a browser lets a client send (1000, 3000–4999); others throw, as there. */
  static browserLike(): WebSocketConstructor {
    return class extends ScriptedSocket {
      override close(code?: number): void {
        if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) {
          throw new DOMException('close code out of range', 'InvalidAccessError');
        }
        super.close(code);
      }
    };
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  emit(type: string, event: Partial<WebSocketEventLike> = {}): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ type, ...event });
  }
}

/** A `ws`-like socket that can ping. */
class PingingSocket extends ScriptedSocket {
  pings = 0;
  terminated = 0;
  pong: (() => void) | undefined;
  ping(): void {
    this.pings += 1;
  }
  on(_event: 'pong', listener: () => void): void {
    this.pong = listener;
  }
  terminate(): void {
    this.terminated += 1;
    this.emit('close', { code: 1006 });
  }
}

async function opened(
  Socket: WebSocketConstructor = ScriptedSocket,
  keepAliveMs?: number,
  extra: WebSocketClientTransportOptions = {},
) {
  const transport = webSocketClientTransport('ws://127.0.0.1:1/mcp', {
    WebSocket: Socket,
    ...(keepAliveMs === undefined ? {} : { keepAliveMs }),
    ...extra,
  });
  const messages: JsonRpcMessage[] = [];
  const errors: Error[] = [];
  let closes = 0;
  transport.onmessage = (message) => messages.push(message);
  transport.onerror = (error) => errors.push(error);
  transport.onclose = () => {
    closes += 1;
  };
  const started = transport.start();
  const socket = ScriptedSocket.last as ScriptedSocket;
  socket.emit('open');
  await started;
  return { transport, socket, messages, errors, closes: () => closes };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('webSocketClientTransport', () => {
  it('accepts the global WebSocket and the ws package as constructors', () => {
    const implementations: WebSocketConstructor[] = [NodeWsWebSocket, globalThis.WebSocket];
    expect(implementations.every((value) => typeof value === 'function')).toBe(true);
  });

  it('offers the mcp subprotocol and sends one message per text frame', async () => {
    const { transport, socket } = await opened();
    expect(socket.protocols).toBe('mcp');
    expect(socket.binaryType).toBe('arraybuffer');
    await transport.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(socket.sent.map((text) => JSON.parse(text))).toEqual([
      { jsonrpc: '2.0', id: 1, method: 'ping' },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
    ]);
  });

  it('delivers valid frames and reports invalid and binary ones as InvalidMessageError', async () => {
    const { socket, messages, errors, transport } = await opened();
    socket.emit('message', { data: '{"jsonrpc":"2.0","id":1,"result":{}}' });
    socket.emit('message', { data: '{not json' });
    socket.emit('message', { data: new ArrayBuffer(8) });
    socket.emit('message', { data: '[]' });
    expect(messages).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }]);
    expect(errors.map((error) => (error as InvalidMessageError).code)).toEqual([-32700, -32600, -32600]);
    expect(errors.every((error) => error instanceof InvalidMessageError)).toBe(true);
    expect(errors[1]?.message).toMatch(/binary WebSocket frame \(8 bytes\).*text frame/);
    expect(transport.state).toBe('open');
  });

  it('keeps delivering after a handler throws', async () => {
    const { socket, transport, errors } = await opened();
    const seen: unknown[] = [];
    transport.onmessage = (message) => {
      seen.push(message);
      throw new Error('handler bug');
    };
    socket.emit('message', { data: '{"jsonrpc":"2.0","method":"a"}' });
    socket.emit('message', { data: '{"jsonrpc":"2.0","method":"b"}' });
    expect(seen).toHaveLength(2);
    expect(errors.map((error) => error.message)).toEqual(['handler bug', 'handler bug']);
  });

  it('rejects send before start, refuses a second start, and rejects with TransportClosedError after close', async () => {
    const idle = webSocketClientTransport('ws://127.0.0.1:1/mcp', { WebSocket: ScriptedSocket });
    await expect(idle.send({ jsonrpc: '2.0', method: 'x' })).rejects.toThrow(/await start\(\) before send/);
    const { transport, socket, closes } = await opened();
    await expect(transport.start()).rejects.toThrow(/already called/);
    await transport.close();
    await transport.close();
    expect(closes()).toBe(1);
    expect(socket.closedWith).toEqual([1000]);
    expect(transport.state).toBe('closed');
    await expect(transport.send({ jsonrpc: '2.0', method: 'x' })).rejects.toBeInstanceOf(
      TransportClosedError,
    );
    await expect(transport.start()).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('fails start() with a clear error when the connection cannot be opened, and closes', async () => {
    const transport = webSocketClientTransport('ws://127.0.0.1:1/mcp', { WebSocket: ScriptedSocket });
    let closes = 0;
    transport.onclose = () => {
      closes += 1;
    };
    const started = transport.start();
    ScriptedSocket.last?.emit('close', { code: 1006, reason: '' });
    await expect(started).rejects.toThrow(/Could not open a WebSocket connection .*close code 1006.*"mcp"/);
    expect(closes).toBe(1);
    expect(transport.state).toBe('closed');
  });

  it('reports a close by the server and closes (no reconnect configured)', async () => {
    const { socket, errors, closes, transport } = await opened();
    socket.emit('close', { code: 1011, reason: 'boom' });
    expect(transport.state).toBe('closed');
    expect(closes()).toBe(1);
    expect(errors.map((error) => error.message)).toEqual([
      'The WebSocket connection to ws://127.0.0.1:1/mcp closed (close code 1011, "boom").',
    ]);
  });

  it('does not reconnect after a close code that says retrying would not help', async () => {
    const transport = webSocketClientTransport('ws://127.0.0.1:1/mcp', {
      WebSocket: ScriptedSocket,
      reconnect: true,
    });
    const started = transport.start();
    const socket = ScriptedSocket.last as ScriptedSocket;
    socket.emit('open');
    await started;
    socket.emit('close', { code: 1009, reason: 'too big' });
    expect(transport.state).toBe('closed');
  });

  it('refuses a message over maxMessageBytes (UTF-8 bytes) and closes with 1009', async () => {
    const { socket, messages, errors } = await opened(ScriptedSocket, undefined, { maxMessageBytes: 100 });
    const fits = `{"jsonrpc":"2.0","method":"m","params":{"t":"${'€'.repeat(15)}"}}`;
    socket.emit('message', { data: fits });
    expect(messages).toHaveLength(1);
    // 85 characters, but the euro signs make it 165 bytes.
    const tooBig = `{"jsonrpc":"2.0","method":"m","params":{"t":"${'€'.repeat(40)}"}}`;
    expect(tooBig.length).toBeLessThan(100);
    socket.emit('message', { data: tooBig });
    expect(messages).toHaveLength(1);
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringContaining('over maxMessageBytes (100 bytes); closing the connection with 1009'),
    ]);
    expect(socket.closedWith).toEqual([1009]);
  });

  it('closes with 1000 where the socket refuses 1009, as browsers do', async () => {
    const { errors } = await opened(ScriptedSocket.browserLike(), undefined, { maxMessageBytes: 10 });
    const socket = ScriptedSocket.last as ScriptedSocket;
    socket.emit('message', { data: '{"jsonrpc":"2.0","method":"long enough"}' });
    expect(errors).toHaveLength(1);
    expect(socket.closedWith).toEqual([1000]);
  });

  it('fails start() when the upgrade gets no answer within connectTimeoutMs', async () => {
    vi.useFakeTimers();
    const transport = webSocketClientTransport('ws://127.0.0.1:1/mcp', {
      WebSocket: ScriptedSocket,
      connectTimeoutMs: 500,
    });
    let settled: unknown;
    const started = transport.start().then(
      () => 'opened',
      (error: unknown) => error,
    );
    void started.then((value) => {
      settled = value;
    });
    const socket = ScriptedSocket.last as ScriptedSocket;
    await vi.advanceTimersByTimeAsync(499);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(String(await started)).toMatch(
      /no answer to the WebSocket upgrade within connectTimeoutMs, 500 ms/,
    );
    expect(socket.closedWith).toHaveLength(1);
    expect(transport.state).toBe('closed');
    // A late open of the abandoned socket changes nothing.
    socket.emit('open');
    expect(transport.state).toBe('closed');
  });

  it('refuses invalid connectTimeoutMs and maxMessageBytes', () => {
    expect(() => webSocketClientTransport('ws://x/mcp', { connectTimeoutMs: 0 })).toThrow(
      /connectTimeoutMs must be a positive number, got 0/,
    );
    expect(() => webSocketClientTransport('ws://x/mcp', { maxMessageBytes: -5 })).toThrow(
      /maxMessageBytes must be a positive number, got -5/,
    );
  });

  it('refuses invalid reconnect options', () => {
    expect(() => webSocketClientTransport('ws://x/mcp', { reconnect: { maxAttempts: -1 } })).toThrow(
      /reconnect.maxAttempts must be a finite number/,
    );
  });

  it('pings where the socket can, and treats an unanswered ping as a dropped connection', async () => {
    vi.useFakeTimers();
    const { socket, transport } = await opened(PingingSocket, 1000);
    const pinging = socket as PingingSocket;
    vi.advanceTimersByTime(1000);
    expect(pinging.pings).toBe(1);
    pinging.pong?.();
    vi.advanceTimersByTime(1000);
    expect(pinging.pings).toBe(2);
    vi.advanceTimersByTime(1000);
    expect(pinging.terminated).toBe(1);
    expect(transport.state).toBe('closed');
  });

  it('sends no pings where the socket cannot (browsers)', async () => {
    vi.useFakeTimers();
    const { socket, transport } = await opened(ScriptedSocket, 1000);
    vi.advanceTimersByTime(5000);
    expect(socket.sent).toEqual([]);
    expect(transport.state).toBe('open');
  });
});

describe('backoffDelay', () => {
  const options = { maxAttempts: 10, initialDelayMs: 100, maxDelayMs: 1000 };
  it('doubles per attempt, caps at maxDelayMs, and jitters within the upper half', () => {
    expect([0, 1, 2, 3, 4].map((attempt) => backoffDelay(attempt, options, () => 1))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
    expect([0, 1, 4].map((attempt) => backoffDelay(attempt, options, () => 0))).toEqual([50, 100, 500]);
  });
});
