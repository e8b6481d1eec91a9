import {
  McpError,
  ProtocolError,
  RequestCancelledError,
  type RequestContext,
  type RequestHandler,
  type RequestId,
  TransportClosedError,
} from '@pmcp/jsonrpc';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeAll,
  connect,
  deferred,
  expectSpecClean,
  notificationsOf,
  requestsOf,
  settle,
} from '../test/harness.ts';
import type { ListenNotification, Subscription } from './index.ts';

afterEach(closeAll);

const SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';

interface OpenListen {
  ctx: RequestContext;
  params: Record<string, unknown>;
  end(result?: Record<string, unknown>): void;
  fail(error: McpError): void;
}

/**
 * A modern server side of subscriptions/listen: acknowledges what it supports (everything but
 * promptsListChanged, unless told otherwise) and keeps the request open until the test or the client ends it.
 */
function listenServer(options: { acknowledge?: boolean; supportsPrompts?: boolean } = {}) {
  const open = new Map<RequestId, OpenListen>();
  const opened = deferred<OpenListen>();
  const handler: RequestHandler = (params, ctx) =>
    new Promise((resolve, reject) => {
      const entry: OpenListen = {
        ctx,
        params,
        end: (result = { resultType: 'complete', _meta: { [SUBSCRIPTION_ID]: ctx.requestId } }) =>
          resolve(result),
        fail: reject,
      };
      open.set(ctx.requestId, entry);
      ctx.signal.addEventListener('abort', () => reject(new McpError(-32603, 'aborted')), { once: true });
      if (options.acknowledge !== false) {
        const { promptsListChanged, ...rest } = params.notifications as Record<string, unknown>;
        const honoured =
          options.supportsPrompts && promptsListChanged ? { ...rest, promptsListChanged } : rest;
        void ctx.notify('notifications/subscriptions/acknowledged', {
          _meta: { [SUBSCRIPTION_ID]: ctx.requestId },
          notifications: honoured,
        });
      }
      opened.resolve(entry);
    });
  return { handler, open, opened: opened.promise };
}

function tagged(id: RequestId, params: Record<string, unknown> = {}) {
  return { ...params, _meta: { [SUBSCRIPTION_ID]: id } };
}

async function take(subscription: Subscription, count: number): Promise<ListenNotification[]> {
  const seen: ListenNotification[] = [];
  if (count === 0) return seen;
  for await (const notification of subscription) {
    seen.push(notification);
    if (seen.length === count) break;
  }
  return seen;
}

describe('modern listen()', () => {
  it('resolves once acknowledged, exposes the honoured subset and delivers tagged notifications in order', async () => {
    const listen = listenServer();
    const { client, server, spec } = await connect('modern', { 'subscriptions/listen': listen.handler });
    const filter = {
      toolsListChanged: true,
      promptsListChanged: true,
      resourceSubscriptions: ['file:///a.txt'],
    };
    const subscription = await client.listen(filter);
    expect(subscription.acknowledged).toEqual({
      toolsListChanged: true,
      resourceSubscriptions: ['file:///a.txt'],
    });
    const request = requestsOf(server, 'subscriptions/listen')[0];
    expect(subscription.id).toBe(request?.id);
    expect(request?.params?.notifications).toEqual(filter);

    const id = subscription.id as RequestId;
    await server.engine.notify('notifications/tools/list_changed', tagged(id));
    await server.engine.notify('notifications/resources/updated', tagged(id, { uri: 'file:///a.txt' }));
    const seen = await take(subscription, 2);
    expect(seen.map((notification) => notification.method)).toEqual([
      'notifications/tools/list_changed',
      'notifications/resources/updated',
    ]);
    expect(seen[1]?.params.uri).toBe('file:///a.txt');
    expectSpecClean(spec);
  });

  it('routes by subscriptionId when several subscriptions are open at once', async () => {
    const listen = listenServer();
    const { client, server } = await connect('modern', { 'subscriptions/listen': listen.handler });
    const tools = await client.listen({ toolsListChanged: true });
    const resources = await client.listen({ resourcesListChanged: true });
    expect(tools.id).not.toBe(resources.id);

    await server.engine.notify('notifications/resources/list_changed', tagged(resources.id as RequestId));
    await server.engine.notify('notifications/tools/list_changed', tagged(tools.id as RequestId));
    await server.engine.notify('notifications/tools/list_changed', tagged(tools.id as RequestId));
    // Untagged or for an unknown id: not part of either stream.
    await server.engine.notify('notifications/tools/list_changed', {});
    await server.engine.notify('notifications/tools/list_changed', tagged('nobody'));
    await server.engine.notify('notifications/resources/list_changed', tagged(resources.id as RequestId));

    expect((await take(tools, 2)).map((n) => n.method)).toEqual([
      'notifications/tools/list_changed',
      'notifications/tools/list_changed',
    ]);
    expect((await take(resources, 2)).map((n) => n.method)).toEqual([
      'notifications/resources/list_changed',
      'notifications/resources/list_changed',
    ]);
  });

  it('ends the loop when the server answers the listen request (graceful end), delivering what came first', async () => {
    const listen = listenServer();
    const { client, server } = await connect('modern', { 'subscriptions/listen': listen.handler });
    const subscription = await client.listen({ toolsListChanged: true });
    const open = await listen.opened;
    await server.engine.notify('notifications/tools/list_changed', tagged(open.ctx.requestId));
    open.end();
    const seen: string[] = [];
    for await (const notification of subscription) seen.push(notification.method);
    expect(seen).toEqual(['notifications/tools/list_changed']);
    expect(subscription.ended).toBe(true);
    expect(notificationsOf(server, 'notifications/cancelled')).toEqual([]);
  });

  it('ends the loop when the server cancels the listen request, without cancelling back', async () => {
    const listen = listenServer();
    const { client, server } = await connect('modern', { 'subscriptions/listen': listen.handler });
    const subscription = await client.listen({ toolsListChanged: true });
    const open = await listen.opened;
    await server.engine.notify('notifications/cancelled', {
      requestId: open.ctx.requestId,
      reason: 'shutting down',
    });
    const seen: ListenNotification[] = [];
    for await (const notification of subscription) seen.push(notification);
    expect(seen).toEqual([]);
    await settle();
    expect(notificationsOf(server, 'notifications/cancelled')).toEqual([]);
  });

  it('leaving the loop cancels the listen request with notifications/cancelled', async () => {
    const listen = listenServer();
    const { client, server, spec } = await connect('modern', { 'subscriptions/listen': listen.handler });
    const subscription = await client.listen({ toolsListChanged: true });
    const open = await listen.opened;
    await server.engine.notify('notifications/tools/list_changed', tagged(open.ctx.requestId));
    await take(subscription, 1);
    await settle();
    expect(subscription.ended).toBe(true);
    expect(open.ctx.signal.aborted).toBe(true);
    expect(
      notificationsOf(server, 'notifications/cancelled').map((message) => message.params?.requestId),
    ).toEqual([open.ctx.requestId]);
    expectSpecClean(spec);
  });

  it('aborting the signal ends the loop and cancels the request', async () => {
    const listen = listenServer();
    const { client, server } = await connect('modern', { 'subscriptions/listen': listen.handler });
    const controller = new AbortController();
    const subscription = await client.listen({ toolsListChanged: true }, { signal: controller.signal });
    const loop = take(subscription, 5);
    controller.abort();
    await expect(loop).resolves.toEqual([]);
    await settle();
    expect(notificationsOf(server, 'notifications/cancelled')).toHaveLength(1);
  });

  it('close() twice is harmless and cancels once', async () => {
    const listen = listenServer();
    const { client, server } = await connect('modern', { 'subscriptions/listen': listen.handler });
    const subscription = await client.listen({ toolsListChanged: true });
    await subscription.close();
    await subscription.close();
    await settle();
    expect(notificationsOf(server, 'notifications/cancelled')).toHaveLength(1);
  });

  it('rejects with RequestCancelledError when aborted before the acknowledgement', async () => {
    const listen = listenServer({ acknowledge: false });
    const { client } = await connect('modern', { 'subscriptions/listen': listen.handler });
    const controller = new AbortController();
    const pending = client.listen({ toolsListChanged: true }, { signal: controller.signal });
    await listen.opened;
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(RequestCancelledError);
    const aborted = new AbortController();
    aborted.abort();
    await expect(client.listen({}, { signal: aborted.signal })).rejects.toBeInstanceOf(RequestCancelledError);
  });

  it("rejects with the server's error when it refuses the subscription", async () => {
    const { client } = await connect('modern', {
      'subscriptions/listen': () => {
        throw new McpError(-32602, 'resourceSubscriptions: unknown URI');
      },
    });
    await expect(client.listen({ resourceSubscriptions: ['x:/y'] })).rejects.toMatchObject({
      code: -32602,
      message: 'resourceSubscriptions: unknown URI',
    });
  });

  it('rejects a graceful end that comes before the acknowledgement as a protocol violation', async () => {
    const { client } = await connect('modern', {
      'subscriptions/listen': (_params, ctx) => ({
        resultType: 'complete',
        _meta: { [SUBSCRIPTION_ID]: ctx.requestId },
      }),
    });
    await expect(client.listen({ toolsListChanged: true })).rejects.toBeInstanceOf(ProtocolError);
  });

  it('an error after the acknowledgement is thrown by the loop', async () => {
    const listen = listenServer();
    const { client } = await connect('modern', { 'subscriptions/listen': listen.handler });
    const subscription = await client.listen({ toolsListChanged: true });
    (await listen.opened).fail(new McpError(-32603, 'subscription store crashed'));
    await expect(take(subscription, 1)).rejects.toMatchObject({ message: 'subscription store crashed' });
  });

  it('a lost connection makes the loop throw TransportClosedError; closing the client ends it quietly', async () => {
    const first = listenServer();
    const dropped = await connect('modern', { 'subscriptions/listen': first.handler });
    const lost = await dropped.client.listen({ toolsListChanged: true });
    await dropped.server.engine.close();
    await expect(take(lost, 1)).rejects.toBeInstanceOf(TransportClosedError);

    const second = listenServer();
    const closing = await connect('modern', { 'subscriptions/listen': second.handler });
    const ended = await closing.client.listen({ toolsListChanged: true });
    await closing.client.close();
    await expect(take(ended, 1)).resolves.toEqual([]);
  });

  it('sends no log level on a listen request, even with a client-wide logLevel', async () => {
    const listen = listenServer();
    const { client, server } = await connect(
      'modern',
      { 'subscriptions/listen': listen.handler },
      { clientOptions: { logLevel: 'debug' } },
    );
    await client.listen({ toolsListChanged: true });
    const meta = requestsOf(server, 'subscriptions/listen')[0]?.params?._meta as Record<string, unknown>;
    expect(meta).not.toHaveProperty('io.modelcontextprotocol/logLevel');
    expect(meta['io.modelcontextprotocol/protocolVersion']).toBe('2026-07-28');
  });

  it('also feeds client.on listeners with what arrives on the stream', async () => {
    const listen = listenServer();
    const { client, server } = await connect('modern', { 'subscriptions/listen': listen.handler });
    const changed: unknown[] = [];
    client.on('toolsListChanged', (params) => changed.push(params));
    const subscription = await client.listen({ toolsListChanged: true });
    await server.engine.notify('notifications/tools/list_changed', tagged(subscription.id as RequestId));
    await take(subscription, 1);
    expect(changed).toHaveLength(1);
  });
});

describe('legacy listen() emulation', () => {
  const handlers = { 'resources/subscribe': () => ({}), 'resources/unsubscribe': () => ({}) };

  it('acknowledges what the capabilities allow, subscribes the URIs and delivers only what was asked', async () => {
    const { client, server, spec } = await connect('legacy', handlers, {
      capabilities: { tools: { listChanged: true }, prompts: {}, resources: { subscribe: true } },
    });
    const subscription = await client.listen({
      toolsListChanged: true,
      promptsListChanged: true,
      resourcesListChanged: true,
      resourceSubscriptions: ['file:///a.txt'],
    });
    expect(subscription.id).toBeUndefined();
    expect(subscription.acknowledged).toEqual({
      toolsListChanged: true,
      resourceSubscriptions: ['file:///a.txt'],
    });
    expect(requestsOf(server, 'resources/subscribe').map((request) => request.params)).toEqual([
      { uri: 'file:///a.txt' },
    ]);

    await server.engine.notify('notifications/prompts/list_changed');
    await server.engine.notify('notifications/resources/updated', { uri: 'file:///other.txt' });
    await server.engine.notify('notifications/resources/updated', { uri: 'file:///a.txt' });
    await server.engine.notify('notifications/tools/list_changed');
    const seen = await take(subscription, 2);
    expect(seen.map((notification) => notification.method)).toEqual([
      'notifications/resources/updated',
      'notifications/tools/list_changed',
    ]);
    expect(seen[0]?.params.uri).toBe('file:///a.txt');
    await settle();
    expect(requestsOf(server, 'resources/unsubscribe').map((request) => request.params)).toEqual([
      { uri: 'file:///a.txt' },
    ]);
    expectSpecClean(spec);
  });

  it('keeps a URI subscribed while any listen or subscribeResource still needs it', async () => {
    const { client, server } = await connect('legacy', handlers);
    const one = await client.listen({ resourceSubscriptions: ['file:///a.txt'] });
    const two = await client.listen({ resourceSubscriptions: ['file:///a.txt', 'file:///b.txt'] });
    expect(requestsOf(server, 'resources/subscribe').map((request) => request.params?.uri)).toEqual([
      'file:///a.txt',
      'file:///b.txt',
    ]);
    await one.close();
    expect(requestsOf(server, 'resources/unsubscribe')).toEqual([]);
    await client.subscribeResource('file:///b.txt');
    await two.close();
    expect(requestsOf(server, 'resources/unsubscribe').map((request) => request.params?.uri)).toEqual([
      'file:///a.txt',
    ]);
    await client.unsubscribeResource('file:///b.txt');
    expect(requestsOf(server, 'resources/unsubscribe').map((request) => request.params?.uri)).toEqual([
      'file:///a.txt',
      'file:///b.txt',
    ]);
  });

  it('does not subscribe when the server cannot, and says so in the acknowledgement', async () => {
    const { client, server } = await connect('legacy', handlers, { capabilities: { resources: {} } });
    const subscription = await client.listen({ resourceSubscriptions: ['file:///a.txt'] });
    expect(subscription.acknowledged).toEqual({});
    expect(requestsOf(server, 'resources/subscribe')).toEqual([]);
  });

  it('fails listen() and undoes earlier subscriptions when one resources/subscribe fails', async () => {
    const { client, server } = await connect('legacy', {
      ...handlers,
      'resources/subscribe': (params) => {
        if (params.uri === 'file:///bad') throw new McpError(-32002, 'Resource not found');
        return {};
      },
    });
    await expect(
      client.listen({ resourceSubscriptions: ['file:///ok', 'file:///bad'] }),
    ).rejects.toMatchObject({
      code: -32002,
    });
    expect(requestsOf(server, 'resources/unsubscribe').map((request) => request.params?.uri)).toEqual([
      'file:///ok',
    ]);
  });

  it('ends with the connection: quietly on client.close(), with TransportClosedError when the server goes', async () => {
    const quiet = await connect('legacy', handlers);
    const quietSubscription = await quiet.client.listen({ toolsListChanged: true });
    await quiet.client.close();
    await expect(take(quietSubscription, 1)).resolves.toEqual([]);

    const lost = await connect('legacy', handlers);
    const lostSubscription = await lost.client.listen({ toolsListChanged: true });
    await lost.server.engine.close();
    await expect(take(lostSubscription, 1)).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('aborting the signal ends it', async () => {
    const { client } = await connect('legacy', handlers);
    const controller = new AbortController();
    const subscription = await client.listen({ toolsListChanged: true }, { signal: controller.signal });
    const loop = take(subscription, 1);
    controller.abort();
    await expect(loop).resolves.toEqual([]);
  });
});

describe('listen() input', () => {
  it('rejects a malformed filter with a TypeError that names the problem', async () => {
    const { client } = await connect('modern');
    await expect(client.listen({ toolsListChanged: 'yes' } as never)).rejects.toThrow(
      /toolsListChanged must be a boolean/,
    );
    await expect(client.listen({ resourceSubscriptions: 'file:///a' } as never)).rejects.toThrow(
      /array of resource URIs/,
    );
    await expect(client.listen({ everything: true } as never)).rejects.toThrow(
      /unknown filter key "everything"/,
    );
    await expect(client.listen(null as never)).rejects.toThrow(/filter object/);
  });
});

describe('listen() acknowledgements', () => {
  it('reports an acknowledgement for a subscription that never existed, not one for a subscription just ended', async () => {
    const listen = listenServer();
    const { client, server } = await connect('modern', { 'subscriptions/listen': listen.handler });
    const errors: Error[] = [];
    client.onerror = (error) => errors.push(error);
    const subscription = await client.listen({ toolsListChanged: true });
    await subscription.close();
    await settle();
    await server.engine.notify(
      'notifications/subscriptions/acknowledged',
      tagged(subscription.id as RequestId, { notifications: {} }),
    );
    await settle();
    expect(errors).toEqual([]);
    await server.engine.notify(
      'notifications/subscriptions/acknowledged',
      tagged(9999, { notifications: {} }),
    );
    await settle();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ProtocolError);
  });
});
