import { createInMemoryTransportPair, type JsonRpcMessage, McpError, RpcEngine } from '@pmcp/jsonrpc';
import { describe, expect, it } from 'vitest';
import { FakeTransport, flush } from './fake-transport.test-helper.ts';
import { metrics } from './metrics.ts';

function setup() {
  let now = 1_000;
  const recorder = metrics({ now: () => now });
  const base = new FakeTransport();
  const transport = recorder(base);
  transport.onmessage = () => {};
  return { recorder, base, transport, advance: (ms: number) => (now += ms) };
}

describe('metrics', () => {
  it('counts messages by direction, kind and method, bytes and errors by code', async () => {
    const { recorder, base, transport, advance } = setup();
    const call: JsonRpcMessage = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'é' } };
    await transport.send(call);
    advance(40);
    base.deliver({ jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'Unknown tool' } });
    base.deliver({ jsonrpc: '2.0', id: 'x', method: 'ping' });
    advance(5);
    await transport.send({ jsonrpc: '2.0', id: 'x', result: {} });
    base.deliver({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 1, progress: 1 },
    });
    base.deliver({ jsonrpc: '2.0', id: 99, result: {} });

    const snapshot = recorder.snapshot();
    expect(snapshot.out.messages).toBe(2);
    expect(snapshot.out.byKind).toEqual({ request: 1, notification: 0, response: 1, error: 0 });
    expect(snapshot.out.byMethod).toEqual({
      'tools/call': { request: 1, notification: 0, response: 0, error: 0 },
      ping: { request: 0, notification: 0, response: 1, error: 0 },
    });
    expect(snapshot.in.byKind).toEqual({ request: 1, notification: 1, response: 1, error: 1 });
    expect(snapshot.in.byMethod['tools/call']).toEqual({
      request: 0,
      notification: 0,
      response: 0,
      error: 1,
    });
    expect(snapshot.in.byMethod['(unknown)']).toEqual({ request: 0, notification: 0, response: 1, error: 0 });
    expect(snapshot.in.errorsByCode).toEqual({ '-32602': 1 });
    // "é" is two bytes in UTF-8: the JSON is one byte longer than its character count.
    expect(snapshot.out.bytes).toBe(
      JSON.stringify(call).length + 1 + JSON.stringify({ jsonrpc: '2.0', id: 'x', result: {} }).length,
    );
    expect(snapshot.latency.outgoing['tools/call']).toEqual({
      count: 1,
      min: 40,
      max: 40,
      mean: 40,
      p50: 40,
      p90: 40,
      p99: 40,
    });
    expect(snapshot.latency.incoming.ping).toMatchObject({ count: 1, min: 5, max: 5 });
    expect(snapshot.pending).toEqual({ outgoing: 0, incoming: 0 });
    expect(snapshot.since).toBe(1_000);
    expect(snapshot.at).toBe(1_045);
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });

  it('forgets cancelled requests and counts send failures', async () => {
    const { recorder, base, transport } = setup();
    await transport.send({ jsonrpc: '2.0', id: 1, method: 'tools/call' });
    base.deliver({ jsonrpc: '2.0', id: 2, method: 'tools/call' });
    expect(recorder.snapshot().pending).toEqual({ outgoing: 1, incoming: 1 });
    await transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } });
    base.deliver({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 2 } });
    expect(recorder.snapshot().pending).toEqual({ outgoing: 0, incoming: 0 });
    base.failSends = new Error('wire cut');
    await expect(transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' })).rejects.toThrow(
      'wire cut',
    );
    expect(recorder.snapshot().sendFailures).toBe(1);
  });

  it('reset starts a new period and ignores requests timed before it', async () => {
    const { recorder, base, transport, advance } = setup();
    await transport.send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    advance(10);
    recorder.reset();
    base.deliver({ jsonrpc: '2.0', id: 1, result: {} });
    const snapshot = recorder.snapshot();
    expect(snapshot.since).toBe(1_010);
    expect(snapshot.out.messages).toBe(0);
    expect(snapshot.in.byMethod['tools/list']).toEqual({
      request: 0,
      notification: 0,
      response: 1,
      error: 0,
    });
    expect(snapshot.latency.outgoing).toEqual({});
  });

  it('measures both sides of a real engine conversation', async () => {
    let now = 0;
    const clientMetrics = metrics({ now: () => now });
    const serverMetrics = metrics({ now: () => now });
    const [clientSide, serverSide] = createInMemoryTransportPair();
    const server = new RpcEngine();
    server.setRequestHandler('tools/call', async (params) => {
      now += 25;
      if (params.fail === true) throw new McpError(-32603, 'broken');
      return { content: [] };
    });
    await server.connect(serverMetrics(serverSide));
    const client = new RpcEngine();
    await client.connect(clientMetrics(clientSide));
    await client.request('tools/call', {});
    await client.request('tools/call', { fail: true }).catch(() => {});
    await flush();
    expect(clientMetrics.snapshot().latency.outgoing['tools/call']).toMatchObject({
      count: 2,
      min: 25,
      max: 25,
    });
    expect(serverMetrics.snapshot().latency.incoming['tools/call']).toMatchObject({
      count: 2,
      min: 25,
      max: 25,
    });
    expect(clientMetrics.snapshot().in.errorsByCode).toEqual({ '-32603': 1 });
    expect(serverMetrics.snapshot().out.errorsByCode).toEqual({ '-32603': 1 });
    await client.close();
  });
});
