import { ProtocolError } from '@pmcp/jsonrpc';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeAll,
  connect,
  ERAS,
  expectSpecClean,
  notificationsOf,
  page,
  requestsOf,
  settle,
} from '../test/harness.ts';

afterEach(closeAll);

const LOG_LEVEL = 'io.modelcontextprotocol/logLevel';

describe.each(ERAS)('%s: client.on listeners', (era) => {
  it('delivers log messages, progress, list changes and resource updates', async () => {
    const { client, server } = await connect(era);
    const events: [string, unknown][] = [];
    client.on('log', (params) => events.push(['log', params]));
    client.on('progress', (params) => events.push(['progress', params]));
    client.on('toolsListChanged', () => events.push(['toolsListChanged', null]));
    client.on('promptsListChanged', () => events.push(['promptsListChanged', null]));
    client.on('resourcesListChanged', () => events.push(['resourcesListChanged', null]));
    client.on('resourceUpdated', ({ uri }) => events.push(['resourceUpdated', uri]));

    await server.engine.notify('notifications/message', {
      level: 'warning',
      logger: 'db',
      data: { slow: true },
    });
    await server.engine.notify('notifications/progress', {
      progressToken: 'elsewhere',
      progress: 3,
      total: 10,
    });
    await server.engine.notify('notifications/tools/list_changed');
    await server.engine.notify('notifications/prompts/list_changed');
    await server.engine.notify('notifications/resources/list_changed');
    await server.engine.notify('notifications/resources/updated', { uri: 'file:///a.txt' });
    await settle();

    expect(events).toEqual([
      ['log', { level: 'warning', logger: 'db', data: { slow: true } }],
      ['progress', { progressToken: 'elsewhere', progress: 3, total: 10 }],
      ['toolsListChanged', null],
      ['promptsListChanged', null],
      ['resourcesListChanged', null],
      ['resourceUpdated', 'file:///a.txt'],
    ]);
  });

  it('stops calling a listener once unsubscribed, one registration at a time', async () => {
    const { client, server } = await connect(era);
    const levels: string[] = [];
    const listener = ({ level }: { level: string }) => levels.push(level);
    const stopFirst = client.on('log', listener);
    client.on('log', listener);
    await server.engine.notify('notifications/message', { level: 'info', data: 'a' });
    await settle();
    stopFirst();
    await server.engine.notify('notifications/message', { level: 'error', data: 'b' });
    await settle();
    expect(levels).toEqual(['info', 'info', 'error']);
  });
});

describe('client.on, edge cases', () => {
  it('reports a throwing listener to onerror and still calls the others', async () => {
    const { client, server } = await connect('modern');
    const errors: Error[] = [];
    client.onerror = (error) => errors.push(error);
    const reached: string[] = [];
    client.on('toolsListChanged', () => {
      throw new Error('listener bug');
    });
    client.on('toolsListChanged', () => reached.push('second'));
    await server.engine.notify('notifications/tools/list_changed');
    await settle();
    expect(reached).toEqual(['second']);
    expect(errors.map((error) => error.message)).toContain('listener bug');
  });

  it('reports malformed notifications to onerror instead of passing them on', async () => {
    const { client, server } = await connect('legacy');
    const errors: Error[] = [];
    client.onerror = (error) => errors.push(error);
    const seen: unknown[] = [];
    client.on('log', (params) => seen.push(params));
    client.on('resourceUpdated', (params) => seen.push(params));
    await server.engine.notify('notifications/message', { level: 'loud', data: 'x' });
    await server.engine.notify('notifications/resources/updated', {});
    await settle();
    expect(seen).toEqual([]);
    expect(errors).toHaveLength(2);
    expect(errors.every((error) => error instanceof ProtocolError)).toBe(true);
    expect(errors[0]?.message).toContain('"loud"');
  });

  it('delivers legacy notifications/elicitation/complete', async () => {
    const { client, server } = await connect('legacy');
    const ids: string[] = [];
    client.on('elicitationComplete', ({ elicitationId }) => ids.push(elicitationId));
    await server.engine.notify('notifications/elicitation/complete', { elicitationId: 'e-42' });
    await settle();
    expect(ids).toEqual(['e-42']);
  });

  it('rejects unknown events and non-function listeners', async () => {
    const { client } = await connect('modern');
    expect(() => client.on('toolsChanged' as never, () => undefined)).toThrow(/unknown event "toolsChanged"/);
    expect(() => client.on('log', 'print' as never)).toThrow(/must be a function/);
  });
});

describe('log levels', () => {
  it('legacy: setLogLevel sends logging/setLevel', async () => {
    const { client, server, spec } = await connect('legacy', { 'logging/setLevel': () => ({}) });
    await client.setLogLevel('warning');
    expect(requestsOf(server, 'logging/setLevel').map((request) => request.params)).toEqual([
      { level: 'warning' },
    ]);
    expectSpecClean(spec);
  });

  it('legacy: setLogLevel needs the logging capability and a known level', async () => {
    const { client, server } = await connect('legacy', {}, { capabilities: { tools: {} } });
    const before = server.sent.length;
    await expect(client.setLogLevel('info')).rejects.toMatchObject({ code: -32601 });
    await expect(client.setLogLevel('verbose' as never)).rejects.toThrow(/logLevel must be one of/);
    expect(server.sent.length).toBe(before);
  });

  it('legacy: the client-wide logLevel is sent with logging/setLevel right after connecting', async () => {
    const { server } = await connect(
      'legacy',
      { 'logging/setLevel': () => ({}) },
      { clientOptions: { logLevel: 'debug' } },
    );
    expect(server.sentMethods()).toEqual(['initialize', 'notifications/initialized', 'logging/setLevel']);
    expect(requestsOf(server, 'logging/setLevel')[0]?.params).toEqual({ level: 'debug' });
  });

  it('legacy: a server without logging gets no logging/setLevel', async () => {
    const { server } = await connect(
      'legacy',
      {},
      { capabilities: { tools: {} }, clientOptions: { logLevel: 'debug' } },
    );
    expect(server.sentMethods()).toEqual(['initialize', 'notifications/initialized']);
  });

  it('legacy: a per-request logLevel is refused with advice', async () => {
    const { client } = await connect('legacy');
    await expect(client.callTool('x', {}, { logLevel: 'info' })).rejects.toThrow(/client\.setLogLevel/);
  });

  it('modern: the client-wide level goes into every request _meta, a per-request level wins', async () => {
    const { client, server, spec } = await connect(
      'modern',
      {
        'tools/call': () => ({ resultType: 'complete', content: [] }),
        'prompts/list': () => page('modern', { prompts: [] }),
      },
      { clientOptions: { logLevel: 'notice' } },
    );
    await client.listPrompts();
    await client.callTool('x', {}, { logLevel: 'debug', meta: { traceparent: '00-1-2-01' } });
    const metaOf = (method: string) =>
      requestsOf(server, method)[0]?.params?._meta as Record<string, unknown>;
    expect(metaOf('prompts/list')[LOG_LEVEL]).toBe('notice');
    expect(metaOf('tools/call')).toMatchObject({ [LOG_LEVEL]: 'debug', traceparent: '00-1-2-01' });
    expectSpecClean(spec);
  });

  it('modern: setLogLevel sends nothing and sets the level of later requests', async () => {
    const { client, server } = await connect('modern', {
      'tools/call': () => ({ resultType: 'complete', content: [] }),
    });
    await client.callTool('before');
    await client.setLogLevel('error');
    await client.callTool('after');
    expect(requestsOf(server, 'logging/setLevel')).toEqual([]);
    const levels = requestsOf(server, 'tools/call').map(
      (request) => (request.params?._meta as Record<string, unknown> | undefined)?.[LOG_LEVEL],
    );
    expect(levels).toEqual([undefined, 'error']);
  });

  it('rejects an unknown per-request level', async () => {
    const { client } = await connect('modern');
    await expect(client.callTool('x', {}, { logLevel: 'trace' as never })).rejects.toThrow(TypeError);
  });
});

describe('ping', () => {
  it('legacy: sends ping and resolves on the empty result', async () => {
    const { client, server, spec } = await connect('legacy', { ping: () => ({}) });
    await client.ping();
    expect(requestsOf(server, 'ping')).toHaveLength(1);
    expectSpecClean(spec);
  });

  it('modern: refused without a round trip (the method was removed)', async () => {
    const { client, server } = await connect('modern');
    const before = server.sent.length;
    await expect(client.ping()).rejects.toMatchObject({
      code: -32601,
      message: expect.stringContaining('removed ping'),
    });
    expect(server.sent.length).toBe(before);
    expect(notificationsOf(server, 'notifications/cancelled')).toEqual([]);
  });
});
