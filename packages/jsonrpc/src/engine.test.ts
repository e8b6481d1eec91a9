import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RequestContext, RpcEngine, type RpcEngineOptions } from './engine.ts';
import {
  InvalidMessageError,
  McpError,
  ProtocolError,
  RequestCancelledError,
  RequestTimeoutError,
  TransportClosedError,
} from './errors.ts';
import { FakeTransport, flush } from './fake-transport.test-helper.ts';
import { createInMemoryTransportPair } from './in-memory.ts';
import type { JsonRpcRequest } from './messages.ts';

async function connected(
  options?: RpcEngineOptions,
): Promise<{ engine: RpcEngine; wire: FakeTransport; errors: Error[] }> {
  const engine = new RpcEngine(options);
  const errors: Error[] = [];
  engine.onerror = (error) => errors.push(error);
  const wire = new FakeTransport();
  await engine.connect(wire);
  return { engine, wire, errors };
}

async function pair(): Promise<{ client: RpcEngine; server: RpcEngine; serverErrors: Error[] }> {
  const [clientSide, serverSide] = createInMemoryTransportPair();
  const server = new RpcEngine();
  const serverErrors: Error[] = [];
  server.onerror = (error) => serverErrors.push(error);
  await server.connect(serverSide);
  const client = new RpcEngine();
  await client.connect(clientSide);
  return { client, server, serverErrors };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('RpcEngine requests', () => {
  it('round-trips requests over the in-memory pair', async () => {
    const { client, server } = await pair();
    server.setRequestHandler('sum', (params) => ({ sum: (params.a as number) + (params.b as number) }));
    await expect(client.request('sum', { a: 2, b: 3 })).resolves.toEqual({ sum: 5 });
    await expect(client.request('sum', { a: 10, b: -1 })).resolves.toEqual({ sum: 9 });
  });

  it('allocates ids from an incrementing integer starting at 1 and starts the transport', async () => {
    const { engine, wire } = await connected();
    expect(wire.started).toBe(true);
    void engine.request('a');
    void engine.request('b', { x: 1 });
    await flush();
    expect(wire.requests()).toEqual([
      { jsonrpc: '2.0', id: 1, method: 'a' },
      { jsonrpc: '2.0', id: 2, method: 'b', params: { x: 1 } },
    ]);
  });

  it('correlates responses by id, not by arrival order', async () => {
    const { engine, wire } = await connected();
    const first = engine.request('first');
    const second = engine.request('second');
    await flush();
    wire.deliver({ jsonrpc: '2.0', id: 2, result: { n: 2 } });
    wire.deliver({ jsonrpc: '2.0', id: 1, result: { n: 1 } });
    await expect(first).resolves.toEqual({ n: 1 });
    await expect(second).resolves.toEqual({ n: 2 });
  });

  it('rejects with the McpError the peer sent', async () => {
    const { engine, wire } = await connected();
    const pending = engine.request('tools/call');
    await flush();
    wire.deliver({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32602, message: 'Unknown tool', data: { tool: 'x' } },
    });
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect(error).toMatchObject({ code: -32602, message: 'Unknown tool', data: { tool: 'x' } });
  });

  it('reports a response to an unknown id as a ProtocolError and drops it', async () => {
    const { engine, wire, errors } = await connected();
    wire.deliver({ jsonrpc: '2.0', id: 42, result: {} });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ProtocolError);
    expect(errors[0]?.message).toContain('42');
    const pending = engine.request('still-works');
    await flush();
    wire.deliver({ jsonrpc: '2.0', id: 1, result: { ok: true } });
    await expect(pending).resolves.toEqual({ ok: true });
  });

  it('reports an error response without id as a ProtocolError carrying the peer error', async () => {
    const { wire, errors } = await connected();
    wire.deliver({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    wire.deliver({ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid request' } });
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(ProtocolError);
    expect((errors[0] as ProtocolError).cause).toMatchObject({ code: -32700 });
    expect(errors[1]?.message).toContain('-32600');
    expect(wire.sent).toEqual([]);
  });

  it('rejects when not connected, with a message that says to connect', async () => {
    const engine = new RpcEngine();
    await expect(engine.request('ping')).rejects.toThrow(TransportClosedError);
    await expect(engine.request('ping')).rejects.toThrow(/connect\(transport\)/);
    await expect(engine.notify('notifications/x')).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('stays unconnected when the transport fails to start', async () => {
    const engine = new RpcEngine();
    const broken = new FakeTransport();
    broken.start = async () => {
      throw new Error('spawn ENOENT');
    };
    await expect(engine.connect(broken)).rejects.toThrow('spawn ENOENT');
    expect(engine.transport).toBeUndefined();
    const working = new FakeTransport();
    await engine.connect(working);
    expect(engine.transport).toBe(working);
  });

  it('refuses to connect a second transport while connected', async () => {
    const { engine } = await connected();
    await expect(engine.connect(new FakeTransport())).rejects.toThrow(/already connected/);
  });

  it('rejects with the send error when the transport cannot send, and forgets the request', async () => {
    const { engine, wire, errors } = await connected();
    wire.failSends = new Error('pipe broken');
    await expect(engine.request('ping')).rejects.toThrow('pipe broken');
    wire.failSends = undefined;
    wire.deliver({ jsonrpc: '2.0', id: 1, result: {} });
    expect(errors[0]).toBeInstanceOf(ProtocolError);
  });

  it('rejects a bad timeout with a RangeError that says what is allowed', async () => {
    const { engine, wire } = await connected();
    await expect(engine.request('ping', undefined, { timeout: -5 })).rejects.toThrow(RangeError);
    await expect(engine.request('ping', undefined, { maxTotalTimeout: 0 })).rejects.toThrow(
      /maxTotalTimeout/,
    );
    expect(wire.sent).toEqual([]);
  });

  it('passes relatedRequestId and a send signal to the transport', async () => {
    const { engine, wire } = await connected();
    void engine.request('sampling/createMessage', {}, { relatedRequestId: 'outer' });
    await flush();
    expect(wire.sent[0]?.options?.relatedRequestId).toBe('outer');
    expect(wire.sent[0]?.options?.signal).toBeInstanceOf(AbortSignal);
  });

  it('tells onRequestId the assigned id synchronously, before the message is sent', async () => {
    const { engine, wire } = await connected();
    const seen: Array<{ id: unknown; sentBefore: number }> = [];
    void engine.request(
      'subscriptions/listen',
      {},
      {
        onRequestId: (id) => seen.push({ id, sentBefore: wire.sent.length }),
      },
    );
    expect(seen).toEqual([{ id: 1, sentBefore: 0 }]);
    await flush();
    expect(wire.sent[0]?.message).toMatchObject({ id: 1, method: 'subscriptions/listen' });
  });
});

describe('RpcEngine timeouts', () => {
  it('rejects with RequestTimeoutError naming method and timeout, and sends notifications/cancelled', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { engine, wire } = await connected();
    const pending = engine.request('tools/call', { name: 'slow' }, { timeout: 1000 });
    const outcome = pending.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(999);
    expect(wire.notifications()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ code: -32001, data: { method: 'tools/call', timeoutMs: 1000 } });
    expect((error as Error).message).toContain('`timeout`');
    expect(wire.notifications()).toEqual([
      {
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: 1, reason: expect.any(String) },
      },
    ]);
    expect(wire.sent[0]?.options?.signal?.aborted).toBe(true);
  });

  it('uses defaultTimeout and does not send cancellations when disabled', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { engine, wire } = await connected({ defaultTimeout: 50, sendCancelNotifications: false });
    const outcome = engine.request('ping').catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(50);
    expect(await outcome).toBeInstanceOf(RequestTimeoutError);
    expect(wire.notifications()).toEqual([]);
  });

  it('ignores a late response after the timeout as an unknown id', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { engine, wire, errors } = await connected();
    const outcome = engine.request('ping', undefined, { timeout: 10 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    expect(await outcome).toBeInstanceOf(RequestTimeoutError);
    wire.deliver({ jsonrpc: '2.0', id: 1, result: {} });
    expect(errors[0]).toBeInstanceOf(ProtocolError);
  });

  it('never cancels initialize on the wire', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { engine, wire } = await connected();
    const outcome = engine.request('initialize', {}, { timeout: 10 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    expect(await outcome).toBeInstanceOf(RequestTimeoutError);
    expect(wire.notifications()).toEqual([]);
  });
});

describe('RpcEngine progress', () => {
  it('adds the request id as progress token without touching the caller params, and routes progress', async () => {
    const { engine, wire } = await connected();
    const params = { name: 'x', _meta: { other: 1 } };
    const updates: unknown[] = [];
    const pending = engine.request('tools/call', params, { onProgress: (p) => updates.push(p) });
    await flush();
    expect(params).toEqual({ name: 'x', _meta: { other: 1 } });
    expect(wire.requests()[0]?.params).toEqual({ name: 'x', _meta: { other: 1, progressToken: 1 } });
    wire.deliver({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 1, progress: 1 },
    });
    wire.deliver({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 1, progress: 2, total: 4, message: 'half' },
    });
    wire.deliver({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 99, progress: 1 },
    });
    wire.deliver({ jsonrpc: '2.0', id: 1, result: {} });
    await pending;
    wire.deliver({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 1, progress: 3 },
    });
    expect(updates).toEqual([{ progress: 1 }, { progress: 2, total: 4, message: 'half' }]);
  });

  it('uses a progress token the caller supplied', async () => {
    const { engine, wire } = await connected();
    const updates: unknown[] = [];
    const pending = engine.request(
      'tools/call',
      { _meta: { progressToken: 'mine' } },
      { onProgress: (p) => updates.push(p) },
    );
    await flush();
    expect(wire.requests()[0]?.params).toEqual({ _meta: { progressToken: 'mine' } });
    wire.deliver({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 'mine', progress: 5 },
    });
    wire.deliver({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 1, progress: 6 },
    });
    wire.deliver({ jsonrpc: '2.0', id: 1, result: {} });
    await pending;
    expect(updates).toEqual([{ progress: 5 }]);
  });

  it('refuses a progress token already used by an active request', async () => {
    const { engine } = await connected();
    void engine.request('a', { _meta: { progressToken: 't' } }, { onProgress: () => {} });
    await expect(
      engine.request('b', { _meta: { progressToken: 't' } }, { onProgress: () => {} }),
    ).rejects.toThrow(/already used/);
  });

  it('reports an onProgress that throws to onerror and keeps the request alive', async () => {
    const { engine, wire, errors } = await connected();
    const pending = engine.request(
      'x',
      {},
      {
        onProgress: () => {
          throw new Error('listener bug');
        },
      },
    );
    await flush();
    wire.deliver({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 1, progress: 1 },
    });
    wire.deliver({ jsonrpc: '2.0', id: 1, result: { done: true } });
    await expect(pending).resolves.toEqual({ done: true });
    expect(errors.map((e) => e.message)).toEqual(['listener bug']);
  });

  it('restarts the timeout on progress only with resetTimeoutOnProgress', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { engine, wire } = await connected();
    const progress = (token: number, value: number): void =>
      wire.deliver({
        jsonrpc: '2.0',
        method: 'notifications/progress',
        params: { progressToken: token, progress: value },
      });

    let settled = false;
    const reset = engine
      .request('long', {}, { timeout: 1000, resetTimeoutOnProgress: true, onProgress: () => {} })
      .catch((e: unknown) => e)
      .finally(() => {
        settled = true;
      });
    const noReset = engine
      .request('long', {}, { timeout: 1000, onProgress: () => {} })
      .catch((e: unknown) => e);

    await vi.advanceTimersByTimeAsync(900);
    progress(1, 1);
    progress(2, 1);
    await vi.advanceTimersByTimeAsync(900);
    progress(1, 2);
    expect(await noReset).toBeInstanceOf(RequestTimeoutError);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await reset).toBeInstanceOf(RequestTimeoutError);
  });

  it('caps a progress-extended request at maxTotalTimeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { engine, wire } = await connected();
    const outcome = engine
      .request(
        'long',
        {},
        { timeout: 1000, resetTimeoutOnProgress: true, maxTotalTimeout: 2500, onProgress: () => {} },
      )
      .catch((e: unknown) => e);
    for (let step = 1; step <= 3; step++) {
      await vi.advanceTimersByTimeAsync(800);
      wire.deliver({
        jsonrpc: '2.0',
        method: 'notifications/progress',
        params: { progressToken: 1, progress: step },
      });
    }
    await vi.advanceTimersByTimeAsync(100);
    const error = await outcome;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ data: { method: 'long', timeoutMs: 2500 } });
    expect((error as Error).message).toContain('maxTotalTimeout');
  });
});

describe('RpcEngine cancellation', () => {
  it('rejects with RequestCancelledError carrying the abort reason and tells the peer', async () => {
    const { engine, wire } = await connected();
    const controller = new AbortController();
    const outcome = engine.request('tools/call', {}, { signal: controller.signal }).catch((e: unknown) => e);
    await flush();
    controller.abort('user pressed stop');
    const error = await outcome;
    expect(error).toBeInstanceOf(RequestCancelledError);
    expect((error as Error).cause).toBe('user pressed stop');
    await flush();
    expect(wire.notifications()).toEqual([
      {
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: 1, reason: 'user pressed stop' },
      },
    ]);
    wire.deliver({ jsonrpc: '2.0', id: 1, result: {} });
  });

  it('does not send a request whose signal is already aborted', async () => {
    const { engine, wire } = await connected();
    const reason = new Error('gave up');
    const error = await engine
      .request('x', {}, { signal: AbortSignal.abort(reason) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestCancelledError);
    expect((error as Error).cause).toBe(reason);
    expect(wire.sent).toEqual([]);
  });

  it('aborts the handler signal on notifications/cancelled and sends no response', async () => {
    const engine = new RpcEngine();
    const serverWire = new FakeTransport();
    let ctxSeen: RequestContext | undefined;
    let finish: () => void = () => {};
    engine.setRequestHandler('slow', async (_params, ctx) => {
      ctxSeen = ctx;
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
      return { late: true };
    });
    await engine.connect(serverWire);
    serverWire.deliver({ jsonrpc: '2.0', id: 'r1', method: 'slow' });
    await flush();
    expect(ctxSeen?.signal.aborted).toBe(false);
    serverWire.deliver({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: 'r1', reason: 'no longer needed' },
    });
    expect(ctxSeen?.signal.aborted).toBe(true);
    expect(ctxSeen?.signal.reason).toBeInstanceOf(RequestCancelledError);
    expect(String((ctxSeen?.signal.reason as Error | undefined)?.message)).toContain('no longer needed');
    finish();
    await flush();
    expect(serverWire.sent).toEqual([]);
  });

  it('cancels the handler on the other side of an in-memory pair', async () => {
    const { client, server } = await pair();
    const aborted = new Promise<unknown>((resolve) => {
      server.setRequestHandler('wait', (_params, ctx) => {
        ctx.signal.addEventListener('abort', () => resolve(ctx.signal.reason));
        return new Promise(() => {});
      });
    });
    const controller = new AbortController();
    const outcome = client.request('wait', {}, { signal: controller.signal }).catch((e: unknown) => e);
    await flush();
    controller.abort();
    expect(await outcome).toBeInstanceOf(RequestCancelledError);
    expect(await aborted).toBeInstanceOf(RequestCancelledError);
  });

  it('aborts the handler signal when extra.signal aborts', async () => {
    const { engine, wire } = await connected();
    let signal: AbortSignal | undefined;
    engine.setRequestHandler('stream', (_params, ctx) => {
      signal = ctx.signal;
      return new Promise(() => {});
    });
    const streamClosed = new AbortController();
    wire.deliver({ jsonrpc: '2.0', id: 1, method: 'stream' }, { signal: streamClosed.signal });
    await flush();
    expect(signal?.aborted).toBe(false);
    streamClosed.abort('stream closed');
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe('stream closed');
  });
});

describe('RpcEngine incoming requests', () => {
  it('answers with the handler result and gives the handler params, context and request', async () => {
    const { engine, wire } = await connected();
    let seen: { params: unknown; ctx: RequestContext; request: JsonRpcRequest } | undefined;
    engine.setRequestHandler('tools/call', (params, ctx, request) => {
      seen = { params, ctx, request };
      return { content: [] };
    });
    const extra = { authInfo: { token: 't' } };
    wire.deliver({ jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'x' } }, extra);
    await flush();
    expect(wire.sent).toEqual([
      { message: { jsonrpc: '2.0', id: 'a', result: { content: [] } }, options: { relatedRequestId: 'a' } },
    ]);
    expect(seen?.params).toEqual({ name: 'x' });
    expect(seen?.ctx).toMatchObject({ requestId: 'a', method: 'tools/call', extra });
    expect(seen?.request.id).toBe('a');
  });

  it('gives handlers empty params when the request has none', async () => {
    const { engine, wire } = await connected();
    engine.setRequestHandler('ping', (params) => ({ keys: Object.keys(params).length }));
    wire.deliver({ jsonrpc: '2.0', id: 1, method: 'ping' });
    await flush();
    expect(wire.responses()).toEqual([{ jsonrpc: '2.0', id: 1, result: { keys: 0 } }]);
  });

  it('answers an unknown method with -32601', async () => {
    const { wire } = await connected();
    wire.deliver({ jsonrpc: '2.0', id: 3, method: 'nope/nothing' });
    await flush();
    expect(wire.responses()).toEqual([
      { jsonrpc: '2.0', id: 3, error: { code: -32601, message: 'Method not found: nope/nothing' } },
    ]);
  });

  it('uses the fallback request handler, and removeRequestHandler falls back to it', async () => {
    const { engine, wire } = await connected({
      fallbackRequestHandler: (_p, ctx) => ({ fallback: ctx.method }),
    });
    engine.setRequestHandler('a', () => ({ own: true }));
    wire.deliver({ jsonrpc: '2.0', id: 1, method: 'a' });
    await flush();
    engine.removeRequestHandler('a');
    wire.deliver({ jsonrpc: '2.0', id: 2, method: 'a' });
    await flush();
    expect(wire.responses().map((r) => ('result' in r ? r.result : r.error))).toEqual([
      { own: true },
      { fallback: 'a' },
    ]);
  });

  it('sends the code, message and data of a thrown McpError', async () => {
    const { engine, wire, errors } = await connected();
    engine.setRequestHandler('tools/call', () => {
      throw new McpError(-32602, 'Unknown tool: x', { data: { tool: 'x' } });
    });
    wire.deliver({ jsonrpc: '2.0', id: 1, method: 'tools/call' });
    await flush();
    expect(wire.responses()).toEqual([
      { jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'Unknown tool: x', data: { tool: 'x' } } },
    ]);
    expect(errors).toEqual([]);
  });

  it('hides any other error behind -32603 "Internal error" and reports the original to onerror', async () => {
    const { engine, wire, errors } = await connected();
    const secret = new Error('db password is hunter2');
    engine.setRequestHandler('x', async () => {
      throw secret;
    });
    wire.deliver({ jsonrpc: '2.0', id: 1, method: 'x' });
    await flush();
    expect(wire.responses()).toEqual([
      { jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'Internal error' } },
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.cause).toBe(secret);
    expect(errors[0]?.message).toContain('"x"');
  });

  it('sends local-only errors (a nested timeout) as -32603 with their message', async () => {
    const { engine, wire } = await connected();
    engine.setRequestHandler('x', () => {
      throw new RequestTimeoutError('sampling/createMessage', 10);
    });
    wire.deliver({ jsonrpc: '2.0', id: 1, method: 'x' });
    await flush();
    const response = wire.responses()[0];
    expect(response && 'error' in response && response.error.code).toBe(-32603);
    expect(response && 'error' in response && response.error.message).toContain('sampling/createMessage');
  });

  it('answers -32603 when a handler returns something that is not an object', async () => {
    const { engine, wire, errors } = await connected();
    engine.setRequestHandler('x', () => undefined as unknown as Record<string, unknown>);
    wire.deliver({ jsonrpc: '2.0', id: 1, method: 'x' });
    await flush();
    expect(wire.responses()).toEqual([
      { jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'Internal error' } },
    ]);
    expect(errors[0]?.message).toMatch(/instead of a result object/);
  });

  it('answers a request whose id is still in flight with -32600, and still answers the first', async () => {
    const { engine, wire } = await connected();
    let release: () => void = () => {};
    engine.setRequestHandler(
      'slow',
      () => new Promise((resolve) => (release = () => resolve({ first: true }))),
    );
    wire.deliver({ jsonrpc: '2.0', id: 7, method: 'slow' });
    wire.deliver({ jsonrpc: '2.0', id: 7, method: 'slow' });
    await flush();
    const duplicate = wire.responses()[0];
    expect(duplicate).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32600 } });
    expect(duplicate && 'error' in duplicate && duplicate.error.message).toMatch(/already used/);
    release();
    await flush();
    expect(wire.responses()[1]).toEqual({ jsonrpc: '2.0', id: 7, result: { first: true } });
    wire.deliver({ jsonrpc: '2.0', id: 7, method: 'slow' });
    await flush();
    release();
    await flush();
    expect(wire.responses()).toHaveLength(3);
  });

  it('relates notifications and requests sent from a handler to the request being handled', async () => {
    const { engine, wire } = await connected();
    engine.setRequestHandler('tools/call', async (_params, ctx) => {
      await ctx.notify('notifications/message', { level: 'info', data: 'hi' });
      void ctx.request('roots/list');
      return {};
    });
    wire.deliver({ jsonrpc: '2.0', id: 'outer', method: 'tools/call' });
    await flush();
    expect(wire.sent.map((s) => s.options?.relatedRequestId)).toEqual(['outer', 'outer', 'outer']);
    expect(wire.sent.map((s) => ('method' in s.message ? s.message.method : 'response'))).toEqual([
      'notifications/message',
      'roots/list',
      'response',
    ]);
  });

  it('sends the reply of an InvalidMessageError the transport reports, and stays open', async () => {
    const { engine, wire, errors } = await connected();
    engine.setRequestHandler('ping', () => ({}));
    const invalid = new InvalidMessageError(-32700, 'Parse error: not JSON');
    wire.onerror?.(invalid);
    wire.onerror?.(new InvalidMessageError(-32602, 'params must be an object', { id: 4 }));
    await flush();
    expect(wire.responses()).toEqual([
      { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error: not JSON' } },
      { jsonrpc: '2.0', id: 4, error: { code: -32602, message: 'params must be an object' } },
    ]);
    expect(errors[0]).toBe(invalid);
    wire.deliver({ jsonrpc: '2.0', id: 5, method: 'ping' });
    await flush();
    expect(wire.responses()[2]).toEqual({ jsonrpc: '2.0', id: 5, result: {} });
  });

  it('forwards other transport errors to onerror without replying', async () => {
    const { wire, errors } = await connected();
    const failure = new Error('EPIPE');
    wire.onerror?.(failure);
    await flush();
    expect(errors).toEqual([failure]);
    expect(wire.sent).toEqual([]);
  });
});

describe('RpcEngine incoming notifications', () => {
  it('calls the registered handler with params, the notification and extra', async () => {
    const { engine, wire } = await connected();
    const calls: unknown[][] = [];
    engine.setNotificationHandler('notifications/tools/list_changed', (...args) => {
      calls.push(args);
    });
    const extra = { authInfo: 'x' };
    const notification = { jsonrpc: '2.0' as const, method: 'notifications/tools/list_changed' };
    wire.deliver(notification, extra);
    expect(calls).toEqual([[{}, notification, extra]]);
    engine.removeNotificationHandler('notifications/tools/list_changed');
    wire.deliver(notification);
    expect(calls).toHaveLength(1);
  });

  it('ignores unknown notifications, or gives them to the fallback', async () => {
    const quiet = await connected();
    quiet.wire.deliver({ jsonrpc: '2.0', method: 'notifications/unknown' });
    expect(quiet.errors).toEqual([]);
    expect(quiet.wire.sent).toEqual([]);

    const seen: string[] = [];
    const withFallback = await connected({
      fallbackNotificationHandler: (_p, n) => void seen.push(n.method),
    });
    withFallback.wire.deliver({ jsonrpc: '2.0', method: 'notifications/unknown' });
    withFallback.wire.deliver({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 1, progress: 1 },
    });
    expect(seen).toEqual(['notifications/unknown']);
  });

  it('sends errors of notification handlers, thrown or rejected, to onerror', async () => {
    const { engine, wire, errors } = await connected();
    engine.setNotificationHandler('sync', () => {
      throw new Error('sync failure');
    });
    engine.setNotificationHandler('async', async () => {
      throw new Error('async failure');
    });
    wire.deliver({ jsonrpc: '2.0', method: 'sync' });
    wire.deliver({ jsonrpc: '2.0', method: 'async' });
    await flush();
    expect(errors.map((e) => e.message)).toEqual(['sync failure', 'async failure']);
    expect(wire.sent).toEqual([]);
  });

  it('also calls a handler registered for notifications/cancelled', async () => {
    const { engine, wire } = await connected();
    const seen: unknown[] = [];
    engine.setNotificationHandler('notifications/cancelled', (params) => void seen.push(params));
    wire.deliver({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'unknown' } });
    expect(seen).toEqual([{ requestId: 'unknown' }]);
  });
});

describe('RpcEngine close', () => {
  it('rejects pending requests with TransportClosedError, aborts handlers, fires onclose once', async () => {
    const { engine, wire } = await connected();
    let onclose = 0;
    engine.onclose = () => onclose++;
    let handlerSignal: AbortSignal | undefined;
    engine.setRequestHandler('wait', (_params, ctx) => {
      handlerSignal = ctx.signal;
      return new Promise(() => {});
    });
    wire.deliver({ jsonrpc: '2.0', id: 'in', method: 'wait' });
    const first = engine.request('a').catch((e: unknown) => e);
    const second = engine.request('b').catch((e: unknown) => e);
    await flush();
    await wire.close();
    expect(await first).toBeInstanceOf(TransportClosedError);
    expect(await second).toBeInstanceOf(TransportClosedError);
    expect(handlerSignal?.aborted).toBe(true);
    expect(handlerSignal?.reason).toBeInstanceOf(TransportClosedError);
    await engine.close();
    wire.onclose?.();
    expect(onclose).toBe(1);
    expect(engine.transport).toBeUndefined();
    await expect(engine.request('c')).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('close() closes the transport and both engines of a pair', async () => {
    const { client, server } = await pair();
    const closed: string[] = [];
    client.onclose = () => closed.push('client');
    server.onclose = () => closed.push('server');
    server.setRequestHandler('never', () => new Promise(() => {}));
    const pending = client.request('never').catch((e: unknown) => e);
    await flush();
    await client.close();
    expect(await pending).toBeInstanceOf(TransportClosedError);
    await vi.waitFor(() => expect(closed.sort()).toEqual(['client', 'server']));
  });

  it('fires onclose even when the transport does not report its close', async () => {
    const { engine, wire } = await connected();
    wire.close = async () => {};
    let onclose = 0;
    engine.onclose = () => onclose++;
    const pending = engine.request('a').catch((e: unknown) => e);
    await engine.close();
    expect(onclose).toBe(1);
    expect(await pending).toBeInstanceOf(TransportClosedError);
  });

  it('does not answer a handler that finishes after the close', async () => {
    const { engine, wire } = await connected();
    let release: () => void = () => {};
    engine.setRequestHandler('slow', () => new Promise((resolve) => (release = () => resolve({}))));
    wire.deliver({ jsonrpc: '2.0', id: 1, method: 'slow' });
    await flush();
    await engine.close();
    release();
    await flush();
    expect(wire.sent).toEqual([]);
  });

  it('can connect a new transport after a close, and keeps counting ids', async () => {
    const { engine, wire } = await connected();
    void engine.request('before').catch(() => {});
    await wire.close();
    const next = new FakeTransport();
    await engine.connect(next);
    const pending = engine.request('ping');
    await flush();
    expect(next.requests()).toEqual([{ jsonrpc: '2.0', id: 2, method: 'ping' }]);
    next.deliver({ jsonrpc: '2.0', id: 2, result: { again: true } });
    await expect(pending).resolves.toEqual({ again: true });
  });
});
