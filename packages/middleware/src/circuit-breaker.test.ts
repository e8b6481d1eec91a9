import {
  createInMemoryTransportPair,
  type JsonRpcMessage,
  McpError,
  RpcEngine,
  TransportClosedError,
} from '@pmcp/jsonrpc';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CircuitState, circuitBreaker } from './circuit-breaker.ts';
import { CircuitOpenError, MiddlewareErrorCode } from './errors.ts';
import { FakeTransport, flush } from './fake-transport.test-helper.ts';

const note = (n: number): JsonRpcMessage => ({
  jsonrpc: '2.0',
  method: 'notifications/message',
  params: { n },
});

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('circuitBreaker on rejected sends', () => {
  it('opens after failureThreshold failures, then fails fast without calling the inner send', async () => {
    const states: Array<[CircuitState, CircuitState]> = [];
    const breaker = circuitBreaker({
      failureThreshold: 3,
      resetTimeout: 5_000,
      onStateChange: (state, previous) => states.push([state, previous]),
    });
    const base = new FakeTransport();
    const transport = breaker(base);
    base.failSends = new TransportClosedError();

    for (let n = 0; n < 3; n++)
      await expect(transport.send(note(n))).rejects.toBeInstanceOf(TransportClosedError);
    expect(breaker.state).toBe('open');
    expect(base.sendCalls).toBe(3);

    const refused = await transport
      .send({ jsonrpc: '2.0', id: 9, method: 'tools/list' })
      .catch((e: unknown) => e);
    expect(base.sendCalls).toBe(3);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(refused).toBeInstanceOf(McpError);
    const error = refused as CircuitOpenError;
    expect(error.code).toBe(MiddlewareErrorCode.CircuitOpen);
    expect(error.message).toContain('Circuit breaker is open');
    expect(error.message).toContain('"tools/list" was not sent');
    expect(error.message).toContain('half-opens in 5000 ms (at 2030-01-01T00:00:05.000Z)');
    expect(error.data).toMatchObject({ state: 'open', method: 'tools/list', retryAfterMs: 5_000 });
    expect(breaker.halfOpensAt).toBe(Date.parse('2030-01-01T00:00:05Z'));
    expect(states).toEqual([['open', 'closed']]);
    breaker.dispose();
  });

  it('half-opens after resetTimeout, lets exactly one send through, and closes on its success', async () => {
    const breaker = circuitBreaker({ failureThreshold: 2, resetTimeout: 1_000 });
    const base = new FakeTransport();
    const transport = breaker(base);
    base.failSends = new Error('HTTP 503');
    await transport.send(note(1)).catch(() => {});
    await transport.send(note(2)).catch(() => {});
    expect(breaker.state).toBe('open');

    vi.advanceTimersByTime(999);
    expect(breaker.state).toBe('open');
    vi.advanceTimersByTime(1);
    expect(breaker.state).toBe('halfOpen');

    base.failSends = undefined;
    const trial = transport.send(note(3));
    const second = transport.send(note(4)).catch((e: unknown) => e);
    await trial;
    const refused = await second;
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect((refused as CircuitOpenError).message).toContain(
      'half-open and its one trial message is still in flight',
    );
    expect(base.sent.map((s) => s.message)).toEqual([note(3)]);
    expect(breaker.state).toBe('closed');

    await transport.send(note(5));
    expect(base.sent).toHaveLength(2);
    breaker.dispose();
  });

  it('re-opens when the half-open trial fails', async () => {
    const breaker = circuitBreaker({ failureThreshold: 1, resetTimeout: 100 });
    const base = new FakeTransport();
    const transport = breaker(base);
    base.failSends = new Error('down');
    await transport.send(note(1)).catch(() => {});
    vi.advanceTimersByTime(100);
    expect(breaker.state).toBe('halfOpen');
    await expect(transport.send(note(2))).rejects.toThrow('down');
    expect(breaker.state).toBe('open');
    expect(base.sendCalls).toBe(2);
    breaker.dispose();
  });

  it('opens on the percentage rule only once volumeThreshold sends were made', async () => {
    const breaker = circuitBreaker({ errorThresholdPercentage: 50, volumeThreshold: 4 });
    const base = new FakeTransport();
    const transport = breaker(base);
    await transport.send(note(1));
    base.failSends = new Error('flaky');
    await transport.send(note(2)).catch(() => {});
    await transport.send(note(3)).catch(() => {});
    expect(breaker.state).toBe('closed');
    await transport.send(note(4)).catch(() => {});
    expect(breaker.state).toBe('open');
    expect(breaker.stats()).toMatchObject({ fires: 4, failures: 3, successes: 1 });
    breaker.dispose();
  });

  it('counts only the rejections isFailure accepts', async () => {
    const breaker = circuitBreaker({
      failureThreshold: 1,
      isFailure: (error) => error instanceof TransportClosedError,
    });
    const base = new FakeTransport();
    const transport = breaker(base);
    base.failSends = new Error('not counted');
    await expect(transport.send(note(1))).rejects.toThrow('not counted');
    expect(breaker.state).toBe('closed');
    base.failSends = new TransportClosedError();
    await transport.send(note(2)).catch(() => {});
    expect(breaker.state).toBe('open');
    breaker.dispose();
  });

  it('reports refusals through onReject and rejects everything after dispose', async () => {
    const rejected: CircuitOpenError[] = [];
    const breaker = circuitBreaker({ failureThreshold: 1, onReject: (error) => rejected.push(error) });
    const base = new FakeTransport();
    const transport = breaker(base);
    base.failSends = new Error('x');
    await transport.send(note(1)).catch(() => {});
    await transport.send(note(2)).catch(() => {});
    expect(rejected).toHaveLength(1);
    breaker.dispose();
    await expect(transport.send(note(3))).rejects.toThrow(/disposed/);
  });

  it('rejects invalid options with a clear TypeError', () => {
    expect(() => circuitBreaker({ failureThreshold: 0 })).toThrow(
      /failureThreshold must be a positive integer/,
    );
    expect(() => circuitBreaker({ errorThresholdPercentage: 150 })).toThrow(/from 0 to 100/);
    expect(() => circuitBreaker({ failureCodes: [1.5] })).toThrow(/failureCodes/);
  });
});

describe('circuitBreaker with failureCodes', () => {
  async function connectPair(failing: { value: boolean }, options: Parameters<typeof circuitBreaker>[0]) {
    const [clientSide, serverSide] = createInMemoryTransportPair();
    const server = new RpcEngine();
    let handled = 0;
    server.setRequestHandler('tools/call', () => {
      handled += 1;
      if (failing.value) throw new McpError(-32603, 'Internal error');
      return { content: [] };
    });
    await server.connect(serverSide);
    const breaker = circuitBreaker(options);
    const client = new RpcEngine();
    await client.connect(breaker(clientSide));
    return { client, breaker, handled: () => handled };
  }

  it('counts error responses with a listed code as failures of their request', async () => {
    const failing = { value: true };
    const { client, breaker, handled } = await connectPair(failing, {
      failureThreshold: 2,
      failureCodes: [-32603],
      resetTimeout: 1_000,
    });
    await expect(client.request('tools/call', { name: 'a' })).rejects.toMatchObject({ code: -32603 });
    expect(breaker.state).toBe('closed');
    await expect(client.request('tools/call', { name: 'a' })).rejects.toMatchObject({ code: -32603 });
    expect(breaker.state).toBe('open');
    await expect(client.request('tools/call', { name: 'a' })).rejects.toBeInstanceOf(CircuitOpenError);
    expect(handled()).toBe(2);

    vi.advanceTimersByTime(1_000);
    expect(breaker.state).toBe('halfOpen');
    failing.value = false;
    await expect(client.request('tools/call', { name: 'a' })).resolves.toEqual({ content: [] });
    expect(breaker.state).toBe('closed');
    expect(handled()).toBe(3);
    await client.close();
    breaker.dispose();
  });

  it('does not count error codes that are not listed', async () => {
    const { client, breaker } = await connectPair(
      { value: true },
      { failureThreshold: 1, failureCodes: [-32000] },
    );
    await expect(client.request('tools/call', { name: 'a' })).rejects.toMatchObject({ code: -32603 });
    expect(breaker.state).toBe('closed');
    await client.close();
    breaker.dispose();
  });

  it('counts a request timeout as a failure and a caller cancellation as none', async () => {
    const base = new FakeTransport();
    const breaker = circuitBreaker({ failureThreshold: 1, failureCodes: [-32603] });
    const client = new RpcEngine();
    await client.connect(breaker(base));
    const controller = new AbortController();
    const cancelled = client
      .request('tools/call', {}, { signal: controller.signal })
      .catch((e: unknown) => e);
    await flush();
    controller.abort('user');
    await cancelled;
    await flush();
    expect(breaker.state).toBe('closed');
    const timedOut = client.request('tools/call', {}, { timeout: 50 }).catch((e: unknown) => e);
    await flush();
    vi.advanceTimersByTime(50);
    await timedOut;
    await flush();
    expect(breaker.state).toBe('open');
    breaker.dispose();
  });
});
