import {
  type JsonRpcNotification,
  type JsonRpcRequest,
  McpError,
  ProtocolError,
  RequestCancelledError,
  type RequestHandler,
  RequestTimeoutError,
  TransportClosedError,
} from '@pmcp/jsonrpc';
import type { Tool } from '@pmcp/types';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createFakeServer,
  discoverResult,
  type FakeServer,
  initializeResult,
  neverAnswer,
} from '../test/fake-server.ts';
import { expectAllSpecValid, revisionRule } from '../test/spec-check.ts';
import { type Client, type ClientOptions, createClient } from './index.ts';

const CLIENT_INFO = { name: 'test-client', version: '1.2.3' };
const RESERVED_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
};

const openClients: Client[] = [];
afterEach(async () => {
  await Promise.all(openClients.splice(0).map((client) => client.close()));
});

type Era = 'modern' | 'legacy';

/** A connected client plus the fake server it talks to; the handshake handlers are added for the era. */
async function connected(
  era: Era,
  handlers: Record<string, RequestHandler>,
  options: { capabilities?: Record<string, unknown>; clientOptions?: ClientOptions } = {},
): Promise<{ client: Client; server: FakeServer }> {
  const capabilities = options.capabilities ?? { tools: { listChanged: true } };
  const server = await createFakeServer({
    ...(era === 'modern'
      ? { 'server/discover': () => discoverResult(capabilities) }
      : { initialize: () => initializeResult('2025-11-25', capabilities) }),
    // callTool lists the tools once to find output schemas; an empty list unless a test scripts its own.
    'tools/list': () => ({ resultType: 'complete', tools: [], ttlMs: 0, cacheScope: 'public' }),
    ...handlers,
  });
  const client = createClient(CLIENT_INFO, options.clientOptions);
  openClients.push(client);
  await client.connect(server.transport, { era });
  return { client, server };
}

function requests(server: FakeServer, method: string): JsonRpcRequest[] {
  return server.sent.filter(
    (message): message is JsonRpcRequest =>
      'id' in message && 'method' in message && message.method === method,
  );
}

function notifications(server: FakeServer, method: string): JsonRpcNotification[] {
  return server.sent.filter(
    (message): message is JsonRpcNotification =>
      !('id' in message) && 'method' in message && message.method === method,
  );
}

function tool(name: string, extra: Partial<Tool> = {}): Tool {
  return { name, inputSchema: { type: 'object' }, ...extra };
}

function text(value: string) {
  return [{ type: 'text', text: value }];
}

/** Lets queued microtasks (in-memory delivery) run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

describe('request params per era', () => {
  it('modern: every request carries the reserved _meta keys, merged with the caller _meta and progressToken', async () => {
    const seen: Record<string, unknown>[] = [];
    const { client, server } = await connected('modern', {
      'tools/list': (params) => {
        seen.push(params);
        return { resultType: 'complete', tools: [tool('echo')], ttlMs: 0, cacheScope: 'public' };
      },
      'tools/call': (params) => {
        seen.push(params);
        return { resultType: 'complete', content: text('ok') };
      },
    });

    await client.listTools();
    await client.callTool(
      'echo',
      { value: 1 },
      { meta: { traceparent: '00-abc-def-01' }, onProgress: () => undefined },
    );

    expect(seen[0]).toEqual({ _meta: RESERVED_META });
    expect(seen[1]).toEqual({
      name: 'echo',
      arguments: { value: 1 },
      _meta: { ...RESERVED_META, traceparent: '00-abc-def-01', progressToken: expect.anything() },
    });
    for (const message of server.sent) {
      if ('id' in message && 'method' in message) expect(message.params?._meta).toMatchObject(RESERVED_META);
    }
    expectAllSpecValid(server.sent, revisionRule(client.protocolVersion));
  });

  it('modern: the caller cannot override the reserved keys', async () => {
    let seen: Record<string, unknown> | undefined;
    const { client } = await connected('modern', {
      'tools/call': (params) => {
        seen = params;
        return { resultType: 'complete', content: [] };
      },
    });
    await client.callTool('echo', {}, { meta: { 'io.modelcontextprotocol/protocolVersion': '1999-01-01' } });
    expect(seen?._meta).toMatchObject({ 'io.modelcontextprotocol/protocolVersion': '2026-07-28' });
  });

  it('legacy: plain params after initialize and notifications/initialized, in that order', async () => {
    const seen: Record<string, unknown>[] = [];
    const { client, server } = await connected('legacy', {
      'tools/list': (params) => {
        seen.push(params);
        return { tools: [tool('echo')] };
      },
      'tools/call': (params) => {
        seen.push(params);
        return { content: text('ok') };
      },
    });
    await client.listTools();
    await client.callTool('echo');

    expect(seen).toEqual([{}, { name: 'echo' }]);
    expect(server.sentMethods()).toEqual([
      'initialize',
      'notifications/initialized',
      'tools/list',
      'tools/call',
    ]);
    expectAllSpecValid(server.sent, revisionRule(client.protocolVersion));
  });

  it('legacy: answers a server ping with an empty result', async () => {
    const { server } = await connected('legacy', {});
    await expect(server.engine.request('ping')).resolves.toEqual({});
  });
});

describe('results', () => {
  it('treats a missing resultType as complete', async () => {
    const { client } = await connected('modern', { 'tools/call': () => ({ content: text('old style') }) });
    await expect(client.callTool('x')).resolves.toEqual({
      resultType: 'complete',
      content: text('old style'),
    });
  });

  it('rejects an unknown resultType with a ProtocolError naming it', async () => {
    const { client } = await connected('modern', {
      'tools/call': () => ({ resultType: 'task', content: [], task: { taskId: 't1' } }),
    });
    const error = await client.callTool('x').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as McpError).message).toContain('"task"');
  });

  it('rejects an input request for a capability the client never declared as a protocol violation', async () => {
    const inputRequests = {
      github_login: {
        method: 'elicitation/create',
        params: { message: 'Who are you?', requestedSchema: { type: 'object', properties: {} } },
      },
    };
    const { client, server } = await connected('modern', {
      'tools/call': () => ({ resultType: 'input_required', inputRequests, requestState: 'opaque' }),
    });
    const error = (await client.callTool('login').catch((thrown: unknown) => thrown)) as McpError;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toContain('"github_login"');
    expect(error.message).toContain('onElicit');
    expect(error.data).toMatchObject({ key: 'github_login', inputMethod: 'elicitation/create' });
    // No retry was attempted.
    expect(requests(server, 'tools/call')).toHaveLength(1);
  });

  it('surfaces a -32022 mid-session after one retry when the server keeps rejecting a version it lists', async () => {
    const { client, server } = await connected('modern', {
      'tools/list': () => {
        throw new McpError(-32022, 'Unsupported protocol version', {
          data: { supported: ['2026-07-28', '2025-11-25'], requested: '2026-07-28' },
        });
      },
    });
    await expect(client.listTools()).rejects.toMatchObject({
      code: -32022,
      message: expect.stringContaining('contradicts itself'),
    });
    expect(requests(server, 'tools/list')).toHaveLength(2);
  });

  it('rejects a tools/call result without a content array', async () => {
    const { client } = await connected('modern', { 'tools/call': () => ({ resultType: 'complete' }) });
    await expect(client.callTool('x')).rejects.toBeInstanceOf(ProtocolError);
  });

  it('rejects a tools/list result with a nameless tool', async () => {
    const { client } = await connected('modern', {
      'tools/list': () => ({
        resultType: 'complete',
        tools: [{ inputSchema: {} }],
        ttlMs: 0,
        cacheScope: 'public',
      }),
    });
    await expect(client.listTools()).rejects.toThrow(/index 0/);
  });
});

describe('capabilities', () => {
  it.each(['modern', 'legacy'] as const)(
    '%s: tools calls on a server without the tools capability fail before any round trip',
    async (era) => {
      const { client, server } = await connected(era, {}, { capabilities: { prompts: {} } });
      const before = server.sent.length;
      const error = (await client.listTools().catch((thrown: unknown) => thrown)) as McpError;
      expect(error.code).toBe(-32601);
      expect(error.message).toContain('"tools" capability');
      await expect(client.callTool('x')).rejects.toMatchObject({ code: -32601 });
      await expect(client.listAllTools()).rejects.toMatchObject({ code: -32601 });
      expect(server.sent.length).toBe(before);
    },
  );

  it('refuses calls before connect with a message saying what to do', async () => {
    const client = createClient(CLIENT_INFO);
    await expect(client.listTools()).rejects.toThrow(/connect\(transport\)/);
    expect(client.era).toBeUndefined();
  });
});

describe('pagination', () => {
  const pages: Record<string, { tools: Tool[]; nextCursor?: string }> = {
    start: { tools: [tool('a'), tool('b')], nextCursor: 'p2' },
    p2: { tools: [tool('c')], nextCursor: 'p3' },
    p3: { tools: [tool('d')] },
  };

  it.each(['modern', 'legacy'] as const)('%s: listAllTools follows nextCursor to the end', async (era) => {
    const { client, server } = await connected(era, {
      'tools/list': (params) => ({
        resultType: 'complete',
        ttlMs: 0,
        cacheScope: 'public',
        ...pages[String(params.cursor ?? 'start')],
      }),
    });
    const tools = await client.listAllTools();
    expect(tools.map((entry) => entry.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(requests(server, 'tools/list').map((request) => request.params?.cursor)).toEqual([
      undefined,
      'p2',
      'p3',
    ]);
    expectAllSpecValid(server.sent, revisionRule(client.protocolVersion));
  });

  it('listTools returns one page with its cursor', async () => {
    const { client } = await connected('modern', {
      'tools/list': (params) => ({
        resultType: 'complete',
        ttlMs: 0,
        cacheScope: 'public',
        ...pages[String(params.cursor ?? 'start')],
      }),
    });
    const first = await client.listTools();
    expect(first.tools.map((entry) => entry.name)).toEqual(['a', 'b']);
    expect(first.nextCursor).toBe('p2');
    const last = await client.listTools({ cursor: 'p3' });
    expect(last.nextCursor).toBeUndefined();
  });

  it('stops at maxListPages with an error naming the cap', async () => {
    let page = 0;
    const { client, server } = await connected(
      'modern',
      {
        'tools/list': () => {
          page += 1;
          return {
            resultType: 'complete',
            ttlMs: 0,
            cacheScope: 'public',
            tools: [tool(`t${page}`)],
            nextCursor: `c${page}`,
          };
        },
      },
      { clientOptions: { maxListPages: 3 } },
    );
    const error = (await client.listAllTools().catch((thrown: unknown) => thrown)) as McpError;
    expect(error).toBeInstanceOf(McpError);
    expect(error.message).toContain('maxListPages');
    expect(error.message).toContain('3 pages');
    expect(requests(server, 'tools/list')).toHaveLength(3);
  });

  it('detects a repeated cursor', async () => {
    const { client, server } = await connected('modern', {
      'tools/list': (params) => ({
        resultType: 'complete',
        ttlMs: 0,
        cacheScope: 'public',
        tools: [tool(String(params.cursor ?? 'first'))],
        nextCursor: params.cursor === 'x' ? 'y' : 'x',
      }),
    });
    const error = (await client.listAllTools().catch((thrown: unknown) => thrown)) as McpError;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toMatch(/cursor "x" a second time/);
    expect(requests(server, 'tools/list')).toHaveLength(3);
  });
});

describe('callTool structured output', () => {
  const weather = tool('weather', {
    outputSchema: {
      type: 'object',
      properties: { temperature: { type: 'number' }, conditions: { type: 'string' } },
      required: ['temperature', 'conditions'],
    },
  });

  function weatherServer(structuredContent: unknown, extra: Record<string, unknown> = {}) {
    const calls = { list: 0 };
    const handlers: Record<string, RequestHandler> = {
      'tools/list': () => {
        calls.list += 1;
        return { resultType: 'complete', ttlMs: 0, cacheScope: 'public', tools: [weather, tool('plain')] };
      },
      'tools/call': (params) => {
        if (params.name === 'plain') return { resultType: 'complete', content: text('plain') };
        const result: Record<string, unknown> = {
          resultType: 'complete',
          content: text(JSON.stringify(structuredContent)),
          ...extra,
        };
        if (structuredContent !== undefined) result.structuredContent = structuredContent;
        return result;
      },
    };
    return { calls, handlers };
  }

  it.each(['modern', 'legacy'] as const)(
    '%s: accepts structuredContent that matches the outputSchema',
    async (era) => {
      const { handlers } = weatherServer({ temperature: 21.5, conditions: 'sunny' });
      const { client } = await connected(era, handlers);
      await client.listAllTools();
      const result = await client.callTool('weather', { city: 'Paris' });
      expect(result.structuredContent).toEqual({ temperature: 21.5, conditions: 'sunny' });
    },
  );

  it('throws -32602 naming the tool and the first problems when structuredContent does not match', async () => {
    const { handlers } = weatherServer({ temperature: 'hot' });
    const { client } = await connected('modern', handlers);
    await client.listAllTools();
    const error = (await client.callTool('weather').catch((thrown: unknown) => thrown)) as McpError;
    expect(error).toBeInstanceOf(McpError);
    expect(error.code).toBe(-32602);
    expect(error.message).toContain('Tool "weather"');
    expect(error.message).toContain('/temperature');
    expect(error.message).toContain('conditions');
    expect(error.data).toMatchObject({
      tool: 'weather',
      issues: expect.arrayContaining([expect.objectContaining({ path: '/temperature' })]),
    });
  });

  it('throws when a tool with an outputSchema returns no structuredContent', async () => {
    const { handlers } = weatherServer(undefined);
    const { client } = await connected('modern', handlers);
    await client.listAllTools();
    await expect(client.callTool('weather')).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('no structuredContent'),
    });
  });

  it('returns isError results unvalidated instead of throwing', async () => {
    const { handlers } = weatherServer(undefined, { isError: true, content: text('city not found') });
    const { client } = await connected('modern', handlers);
    await client.listAllTools();
    await expect(client.callTool('weather')).resolves.toMatchObject({
      isError: true,
      content: text('city not found'),
    });
  });

  it('lists the tools once, lazily, when the called tool is not known yet', async () => {
    const { calls, handlers } = weatherServer({ temperature: 'hot' });
    const { client } = await connected('modern', handlers);
    await expect(client.callTool('weather')).rejects.toMatchObject({ code: -32602 });
    await expect(client.callTool('weather')).rejects.toMatchObject({ code: -32602 });
    await client.callTool('plain');
    await client.callTool('unknown-to-the-list');
    expect(calls.list).toBe(1);
  });

  it('shares one lazy listing between concurrent calls', async () => {
    const { calls, handlers } = weatherServer({ temperature: 3, conditions: 'snow' });
    const { client } = await connected('modern', handlers);
    await Promise.all([client.callTool('weather'), client.callTool('weather'), client.callTool('plain')]);
    expect(calls.list).toBe(1);
  });

  it('keeps the call result when the lazy listing fails', async () => {
    const { client } = await connected('modern', {
      'tools/list': () => {
        throw new McpError(-32603, 'listing is broken');
      },
      'tools/call': () => ({ resultType: 'complete', content: text('done') }),
    });
    const error = (await client.callTool('x').catch((thrown: unknown) => thrown)) as McpError;
    expect(error.message).toContain('listing is broken');
    expect(error.data).toMatchObject({ tool: 'x', result: { content: text('done') } });
  });

  it('forgets the tools on notifications/tools/list_changed and lists them again on the next call', async () => {
    const { calls, handlers } = weatherServer({ temperature: 3, conditions: 'snow' });
    const { client, server } = await connected('modern', handlers);
    await client.callTool('weather');
    expect(calls.list).toBe(1);
    await server.engine.notify('notifications/tools/list_changed');
    await settle();
    await client.callTool('weather');
    expect(calls.list).toBe(2);
  });
});

describe('progress, cancellation and timeouts', () => {
  it.each(['modern', 'legacy'] as const)('%s: delivers progress notifications to onProgress', async (era) => {
    const { client, server } = await connected(era, {
      'tools/call': async (params, ctx) => {
        const token = (params._meta as Record<string, unknown>).progressToken;
        for (const progress of [1, 2, 3]) {
          await ctx.notify('notifications/progress', {
            progressToken: token,
            progress,
            total: 3,
            message: `step ${progress}`,
          });
        }
        return { resultType: 'complete', content: text('done') };
      },
    });
    const updates: unknown[] = [];
    await client.callTool('slow', {}, { onProgress: (update) => updates.push(update) });
    expect(updates).toEqual([
      { progress: 1, total: 3, message: 'step 1' },
      { progress: 2, total: 3, message: 'step 2' },
      { progress: 3, total: 3, message: 'step 3' },
    ]);
    expectAllSpecValid(server.sent, revisionRule(client.protocolVersion));
  });

  it.each(['modern', 'legacy'] as const)(
    '%s: aborting sends notifications/cancelled for the request',
    async (era) => {
      let handlerSignal: AbortSignal | undefined;
      let started: () => void = () => undefined;
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      const { client, server } = await connected(era, {
        'tools/call': (params, ctx) => {
          handlerSignal = ctx.signal;
          started();
          return neverAnswer(params, ctx, {} as JsonRpcRequest);
        },
      });
      const controller = new AbortController();
      const call = client.callTool('slow', {}, { signal: controller.signal });
      await running;
      controller.abort('user pressed stop');
      await expect(call).rejects.toBeInstanceOf(RequestCancelledError);
      await settle();

      const callId = requests(server, 'tools/call')[0]?.id;
      expect(notifications(server, 'notifications/cancelled').map((message) => message.params)).toEqual([
        { requestId: callId, reason: 'user pressed stop' },
      ]);
      expect(handlerSignal?.aborted).toBe(true);
      expectAllSpecValid(server.sent, revisionRule(client.protocolVersion));
    },
  );

  it('times out a call with RequestTimeoutError', async () => {
    const { client } = await connected('modern', { 'tools/call': neverAnswer });
    await expect(client.callTool('slow', {}, { timeout: 20 })).rejects.toBeInstanceOf(RequestTimeoutError);
  });

  it('uses defaultTimeout from the client options', async () => {
    const { client } = await connected(
      'modern',
      { 'tools/call': neverAnswer },
      { clientOptions: { defaultTimeout: 20 } },
    );
    await expect(client.callTool('slow')).rejects.toMatchObject({
      data: { method: 'tools/call', timeoutMs: 20 },
    });
  });
});

describe('connection lifecycle', () => {
  it('reports the close and rejects later calls with TransportClosedError', async () => {
    const { client, server } = await connected('modern', { 'tools/list': () => ({ tools: [] }) });
    let closes = 0;
    client.onclose = () => {
      closes += 1;
    };
    await server.engine.close();
    await settle();
    expect(closes).toBe(1);
    await expect(client.listTools()).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('validates callTool input', async () => {
    const { client } = await connected('modern', {});
    await expect(client.callTool('')).rejects.toThrow(TypeError);
    await expect(client.callTool('x', [] as unknown as Record<string, unknown>)).rejects.toThrow(
      /plain object/,
    );
  });
});
