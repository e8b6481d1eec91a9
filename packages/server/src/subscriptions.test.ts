import {
  createInMemoryTransportPair,
  type JsonRpcNotification,
  type JsonRpcResponse,
  type RequestId,
  RpcEngine,
  type Transport,
} from '@pmcp/jsonrpc';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { modern, resultOf, roundTrip, type TestClient, useTestClients } from '../test/harness.ts';
import { createServer, type ServerOptions } from './index.ts';

const connect = useTestClients();
const SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';

afterEach(() => {
  vi.useRealTimers();
});

function errorOf(response: JsonRpcResponse): { code: number; message: string } {
  if (!('error' in response)) throw new Error(`expected an error, got ${JSON.stringify(response)}`);
  return response.error;
}

/** A server with tools and resources (so list changes and subscriptions are offered), but no prompts. */
function subscribableServer(options: ServerOptions = { notificationDebounceMs: 0 }) {
  const server = createServer({ name: 'subs', version: '1.0.0' }, options);
  server.tool('noop', { description: 'does nothing' }, () => 'ok');
  server.tool('test_trigger_tool_change', { description: 'Adds and removes a tool' }, () => {
    server.tool('temporary', { description: 'short-lived' }, () => 'x').remove();
    return 'triggered';
  });
  server.resource('test://watched-resource', { name: 'watched', description: 'changes' }, () => 'v1');
  return server;
}

async function listen(client: TestClient, id: RequestId, notifications: Record<string, unknown>) {
  await client.sendRequest(id, 'subscriptions/listen', modern({ notifications }));
  return client.waitFor(
    (message) =>
      'method' in message &&
      message.method === 'notifications/subscriptions/acknowledged' &&
      (message.params?._meta as Record<string, unknown> | undefined)?.[SUBSCRIPTION_ID] === id,
  ) as Promise<JsonRpcNotification>;
}

function onStream(client: TestClient, id: RequestId, method?: string): JsonRpcNotification[] {
  return client
    .notifications(method)
    .filter((n) => (n.params?._meta as Record<string, unknown> | undefined)?.[SUBSCRIPTION_ID] === id);
}

describe('subscriptions/listen (modern)', () => {
  it('acknowledges first, with only the types the server honours', async () => {
    const client = await connect(subscribableServer());
    const ack = await listen(client, 'listen-1', {
      toolsListChanged: true,
      promptsListChanged: true,
      resourcesListChanged: false,
      resourceSubscriptions: ['test://watched-resource'],
    });
    expect(ack.params).toEqual({
      _meta: { [SUBSCRIPTION_ID]: 'listen-1' },
      notifications: { toolsListChanged: true, resourceSubscriptions: ['test://watched-resource'] },
    });
    expect(client.received[0]).toBe(ack);
  });

  it('sends list changes only to streams that asked, tagged with their listen id', async () => {
    const server = subscribableServer();
    const client = await connect(server);
    await listen(client, 'tools-only', { toolsListChanged: true });
    await listen(client, 'resources-only', { resourcesListChanged: true });
    await client.request('tools/call', modern({ name: 'test_trigger_tool_change' }));
    await roundTrip(client);
    expect(onStream(client, 'tools-only', 'notifications/tools/list_changed')).toHaveLength(1);
    expect(onStream(client, 'resources-only', 'notifications/tools/list_changed')).toHaveLength(0);

    server.resource('test://new', { name: 'new' }, () => 'n');
    await roundTrip(client);
    expect(onStream(client, 'resources-only', 'notifications/resources/list_changed')).toEqual([
      {
        jsonrpc: '2.0',
        method: 'notifications/resources/list_changed',
        params: { _meta: { [SUBSCRIPTION_ID]: 'resources-only' } },
      },
    ]);
    expect(onStream(client, 'tools-only', 'notifications/resources/list_changed')).toHaveLength(0);
  });

  it('stops a stream on notifications/cancelled, without a response', async () => {
    const server = subscribableServer();
    const client = await connect(server);
    await listen(client, 7, { toolsListChanged: true });
    await client.notify('notifications/cancelled', { requestId: 7 });
    server.tool('after', { description: 'd' }, () => 'x');
    await roundTrip(client);
    expect(onStream(client, 7).map((n) => n.method)).toEqual(['notifications/subscriptions/acknowledged']);
    expect(client.notifications('notifications/tools/list_changed')).toHaveLength(0);
    expect(client.received.some((message) => 'id' in message && message.id === 7)).toBe(false);
  });

  it('stops a stream when the transport aborts its request (an HTTP stream closed)', async () => {
    // What Streamable HTTP does: each request carries extra.signal, aborted when its response stream closes.
    const [clientSide, serverSide] = createInMemoryTransportPair();
    const streams = new Map<RequestId, AbortController>();
    const httpLike: Transport = {
      start() {
        serverSide.onmessage = (message, extra) => {
          const controller = new AbortController();
          if ('id' in message && 'method' in message) streams.set(message.id, controller);
          httpLike.onmessage?.(message, { ...extra, signal: controller.signal });
        };
        serverSide.onclose = () => httpLike.onclose?.();
        return serverSide.start();
      },
      send: (message, options) => serverSide.send(message, options),
      close: () => serverSide.close(),
    };
    const server = subscribableServer();
    await server.connect(httpLike);
    const client = new RpcEngine();
    const received: JsonRpcNotification[] = [];
    client.setNotificationHandler('notifications/tools/list_changed', (_params, notification) => {
      received.push(notification);
    });
    let acknowledged: () => void = () => undefined;
    const ack = new Promise<void>((resolve) => {
      acknowledged = resolve;
    });
    client.setNotificationHandler('notifications/subscriptions/acknowledged', () => acknowledged());
    await client.connect(clientSide);
    const listening = client
      .request('subscriptions/listen', modern({ notifications: { toolsListChanged: true } }), {
        timeout: Infinity,
      })
      .catch((error: unknown) => error);
    await ack;
    server.tool('first', { description: 'd' }, () => 'x');
    await client.request('tools/list', modern());
    expect(received).toHaveLength(1);

    streams.get(1)?.abort();
    server.tool('second', { description: 'd' }, () => 'x');
    await client.request('tools/list', modern());
    expect(received).toHaveLength(1);
    await client.close();
    expect(await listening).toBeInstanceOf(Error);
  });

  it('ends every stream gracefully when the server closes', async () => {
    const server = subscribableServer();
    const client = await connect(server);
    await listen(client, 'a', { toolsListChanged: true });
    await listen(client, 'b', {});
    await server.close();
    for (const id of ['a', 'b']) {
      const result = resultOf(await client.response(id));
      expect(result).toEqual({
        resultType: 'complete',
        _meta: {
          [SUBSCRIPTION_ID]: id,
          'io.modelcontextprotocol/serverInfo': { name: 'subs', version: '1.0.0' },
        },
      });
    }
  });

  it('refuses malformed filters with -32602', async () => {
    const client = await connect(subscribableServer());
    for (const notifications of [
      undefined,
      [],
      { toolsListChanged: 'yes' },
      { resourceSubscriptions: 'test://x' },
    ]) {
      const error = errorOf(await client.request('subscriptions/listen', modern({ notifications })));
      expect(error.code).toBe(-32602);
      expect(error.message).toContain('notifications');
    }
  });

  it('is a modern method: a legacy session gets -32602 explaining the _meta it needs', async () => {
    const client = await connect(subscribableServer());
    await client.initialize();
    const error = errorOf(await client.request('subscriptions/listen', { notifications: {} }));
    expect(error.code).toBe(-32602);
    expect(error.message).toContain('2026-07-28 method');
  });
});

describe('resources/subscribe and unsubscribe (legacy)', () => {
  it('advertises resources.subscribe and answers {}', async () => {
    const client = await connect(subscribableServer());
    const init = await client.initialize('2025-11-25');
    expect(init.capabilities).toMatchObject({ resources: { subscribe: true, listChanged: true } });
    expect(resultOf(await client.request('resources/subscribe', { uri: 'test://watched-resource' }))).toEqual(
      {},
    );
    expect(
      resultOf(await client.request('resources/unsubscribe', { uri: 'test://watched-resource' })),
    ).toEqual({});
    expect(resultOf(await client.request('resources/unsubscribe', { uri: 'test://never' }))).toEqual({});
  });

  it('refuses a missing uri with -32602, and answers -32601 on a server without resources', async () => {
    const client = await connect(subscribableServer());
    await client.initialize();
    expect(errorOf(await client.request('resources/subscribe', {})).code).toBe(-32602);
    const bare = createServer({ name: 'bare', version: '1' });
    bare.tool('t', { description: 'd' }, () => 'x');
    const other = await connect(bare);
    await other.initialize();
    expect(errorOf(await other.request('resources/subscribe', { uri: 'test://x' })).code).toBe(-32601);
  });
});

describe('server.notifyResourceUpdated', () => {
  it('reaches legacy subscribers and listen streams that named the URI, and nobody else', async () => {
    const server = subscribableServer();
    const subscribed = await connect(server);
    await subscribed.initialize('2025-06-18');
    await subscribed.request('resources/subscribe', { uri: 'test://watched-resource' });
    const unsubscribed = await connect(server);
    await unsubscribed.initialize('2025-06-18');
    await unsubscribed.request('resources/subscribe', { uri: 'test://watched-resource' });
    await unsubscribed.request('resources/unsubscribe', { uri: 'test://watched-resource' });
    const modernClient = await connect(server);
    await listen(modernClient, 'watch', { resourceSubscriptions: ['test://watched-resource'] });
    await listen(modernClient, 'other', { resourceSubscriptions: ['test://other'] });

    server.notifyResourceUpdated('test://watched-resource');
    await roundTrip(subscribed);
    await roundTrip(unsubscribed);
    await roundTrip(modernClient);

    expect(subscribed.notifications('notifications/resources/updated').map((n) => n.params)).toEqual([
      { uri: 'test://watched-resource' },
    ]);
    expect(unsubscribed.notifications('notifications/resources/updated')).toEqual([]);
    expect(onStream(modernClient, 'watch', 'notifications/resources/updated').map((n) => n.params)).toEqual([
      { _meta: { [SUBSCRIPTION_ID]: 'watch' }, uri: 'test://watched-resource' },
    ]);
    expect(onStream(modernClient, 'other', 'notifications/resources/updated')).toEqual([]);
  });

  it('refuses an empty URI', () => {
    expect(() => subscribableServer().notifyResourceUpdated('')).toThrow(TypeError);
  });
});

describe('debouncing', () => {
  it('merges changes within notificationDebounceMs into one notification per list and URI', async () => {
    vi.useFakeTimers();
    const server = subscribableServer({ notificationDebounceMs: 50 });
    const legacy = await connect(server);
    await legacy.initialize('2025-11-25');
    await legacy.request('resources/subscribe', { uri: 'test://watched-resource' });
    const modernClient = await connect(server);
    await listen(modernClient, 'all', {
      toolsListChanged: true,
      resourcesListChanged: true,
      resourceSubscriptions: ['test://watched-resource'],
    });

    for (let i = 0; i < 5; i++) {
      server.tool(`burst-${i}`, { description: 'd' }, () => 'x');
      server.notifyResourceUpdated('test://watched-resource');
    }
    server.resource('test://added', { name: 'added' }, () => 'a');
    await roundTrip(legacy);
    expect(legacy.notifications()).toEqual([]);

    await vi.advanceTimersByTimeAsync(50);
    await roundTrip(legacy);
    await roundTrip(modernClient);
    expect(legacy.notifications().map((n) => n.method)).toEqual([
      'notifications/tools/list_changed',
      'notifications/resources/list_changed',
      'notifications/resources/updated',
    ]);
    expect(onStream(modernClient, 'all').map((n) => n.method)).toEqual([
      'notifications/subscriptions/acknowledged',
      'notifications/tools/list_changed',
      'notifications/resources/list_changed',
      'notifications/resources/updated',
    ]);
  });

  it('delivers what is pending when the server closes instead of dropping it', async () => {
    vi.useFakeTimers();
    const server = subscribableServer({ notificationDebounceMs: 60_000 });
    const legacy = await connect(server);
    await legacy.initialize('2025-11-25');
    await legacy.request('resources/subscribe', { uri: 'test://watched-resource' });
    server.notifyResourceUpdated('test://watched-resource');
    await server.close();
    await vi.waitFor(() => expect(legacy.notifications('notifications/resources/updated')).toHaveLength(1));
  });
});

describe('server.log', () => {
  it('goes to initialized legacy sessions at or above their level, never to modern clients', async () => {
    const server = subscribableServer();
    const everything = await connect(server);
    await everything.initialize('2025-11-25');
    const errorsOnly = await connect(server);
    await errorsOnly.initialize('2025-11-25');
    await errorsOnly.request('logging/setLevel', { level: 'error' });
    const notYet = await connect(server);
    await notYet.initialize('2025-11-25', { sendInitialized: false });
    const modernClient = await connect(server);
    await listen(modernClient, 'l', { toolsListChanged: true });

    await server.log('warning', { disk: 'almost full' }, 'storage');
    await server.log('critical', 'disk full');
    for (const client of [everything, errorsOnly, notYet, modernClient]) await roundTrip(client);

    expect(everything.notifications('notifications/message').map((n) => n.params)).toEqual([
      { level: 'warning', logger: 'storage', data: { disk: 'almost full' } },
      { level: 'critical', data: 'disk full' },
    ]);
    expect(errorsOnly.notifications('notifications/message').map((n) => n.params?.level)).toEqual([
      'critical',
    ]);
    expect(notYet.notifications()).toEqual([]);
    expect(modernClient.notifications('notifications/message')).toEqual([]);
  });

  it('refuses an invalid level in logging/setLevel with -32602, and in server.log with a TypeError', async () => {
    const server = subscribableServer();
    const client = await connect(server);
    await client.initialize('2025-11-25');
    const error = errorOf(await client.request('logging/setLevel', { level: 'verbose' }));
    expect(error.code).toBe(-32602);
    expect(error.message).toContain('"verbose"');
    await expect(server.log('verbose' as 'info', 'x')).rejects.toThrow(TypeError);
  });

  it('with logging: false there is no capability, no setLevel and no message', async () => {
    const server = createServer({ name: 'quiet', version: '1' }, { logging: false });
    const client = await connect(server);
    const init = await client.initialize('2025-11-25');
    expect(init.capabilities).toEqual({});
    expect(errorOf(await client.request('logging/setLevel', { level: 'info' })).code).toBe(-32601);
    await server.log('emergency', 'ignored');
    await roundTrip(client);
    expect(client.notifications()).toEqual([]);
  });
});
