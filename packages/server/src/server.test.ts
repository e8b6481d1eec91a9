import { createInMemoryTransportPair, RpcEngine } from '@pmcp/jsonrpc';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { modern, resultOf, roundTrip, useTestClients } from '../test/harness.ts';
import { createServer, type HandlerContext } from './index.ts';

const connect = useTestClients();

function namesOf(result: Record<string, unknown>): string[] {
  return (result.tools as Array<{ name: string }>).map((tool) => tool.name);
}

function serverWithTools(count: number, pageSize?: number) {
  // Debounce 0: list_changed goes out at the end of the tick, so a ping round trip observes it.
  const server = createServer(
    { name: 's', version: '1' },
    pageSize === undefined ? { notificationDebounceMs: 0 } : { pageSize, notificationDebounceMs: 0 },
  );
  for (let i = 0; i < count; i++) server.tool(`tool-${i}`, { description: `Tool ${i}` }, () => String(i));
  return server;
}

describe('tools/list', () => {
  it('lists in registration order, stable across calls', async () => {
    const server = createServer({ name: 's', version: '1' });
    for (const name of ['zeta', 'alpha', 'mid']) server.tool(name, { description: name }, () => name);
    const client = await connect(server);
    const first = namesOf(resultOf(await client.request('tools/list', modern())));
    const second = namesOf(resultOf(await client.request('tools/list', modern())));
    expect(first).toEqual(['zeta', 'alpha', 'mid']);
    expect(second).toEqual(first);
  });

  it('pages with an opaque cursor and ends without nextCursor', async () => {
    const client = await connect(serverWithTools(5, 2));
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const result = resultOf(
        await client.request('tools/list', modern(cursor === undefined ? {} : { cursor })),
      );
      pages.push(namesOf(result));
      cursor = result.nextCursor as string | undefined;
      if (cursor !== undefined) expect(cursor).not.toMatch(/tool-/);
    } while (cursor !== undefined);
    expect(pages).toEqual([['tool-0', 'tool-1'], ['tool-2', 'tool-3'], ['tool-4']]);
  });

  it('pages the same way in a legacy session', async () => {
    const client = await connect(serverWithTools(3, 2));
    await client.initialize('2025-03-26');
    const first = resultOf(await client.request('tools/list'));
    expect(namesOf(first)).toEqual(['tool-0', 'tool-1']);
    const second = resultOf(await client.request('tools/list', { cursor: first.nextCursor }));
    expect(namesOf(second)).toEqual(['tool-2']);
    expect(second).not.toHaveProperty('nextCursor');
  });

  it('does not offer a cursor when the last page is exactly full', async () => {
    const client = await connect(serverWithTools(2, 2));
    expect(resultOf(await client.request('tools/list', modern()))).not.toHaveProperty('nextCursor');
  });

  it('refuses cursors it did not issue, and cursors whose position is gone', async () => {
    const server = createServer({ name: 's', version: '1' }, { pageSize: 1 });
    const first = server.tool('first', { description: 'd' }, () => '1');
    server.tool('second', { description: 'd' }, () => '2');
    const client = await connect(server);
    for (const cursor of ['garbage', '', 'eyJ9', btoa('{"l":"prompts/list","a":"first"}')]) {
      const response = await client.request('tools/list', modern({ cursor }));
      expect(response).toMatchObject({ error: { code: -32602 } });
      expect('error' in response && response.error.message).toMatch(/^Invalid cursor for tools\/list/);
    }
    const page = resultOf(await client.request('tools/list', modern()));
    first.remove();
    const stale = await client.request('tools/list', modern({ cursor: page.nextCursor }));
    expect(stale).toMatchObject({ error: { code: -32602 } });
    expect('error' in stale && stale.error.message).toContain('the list changed');
  });

  it('shapes tools for each revision', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.tool(
      'rich',
      {
        description: 'Everything',
        title: 'Rich Tool',
        input: z.object({ q: z.string() }),
        output: z.object({ n: z.number() }),
        annotations: { readOnlyHint: true },
        icons: [{ src: 'https://example.com/t.png' }],
        _meta: { 'com.example/x': 1 },
      },
      () => ({ n: 1 }),
    );
    server.tool('listy', { description: 'Array output', output: z.array(z.string()) }, () => ['a']);
    const toolsAt = async (revision: string) => {
      const client = await connect(server);
      await client.initialize(revision);
      return resultOf(await client.request('tools/list')).tools as Array<Record<string, unknown>>;
    };
    const keys = (tools: Array<Record<string, unknown>>) => tools.map((tool) => Object.keys(tool).sort());

    expect(keys(await toolsAt('2024-11-05'))).toEqual([
      ['description', 'inputSchema', 'name'],
      ['description', 'inputSchema', 'name'],
    ]);
    expect(keys(await toolsAt('2025-03-26'))[0]).toEqual([
      'annotations',
      'description',
      'inputSchema',
      'name',
    ]);
    const june = await toolsAt('2025-06-18');
    expect(keys(june)[0]).toEqual([
      '_meta',
      'annotations',
      'description',
      'inputSchema',
      'name',
      'outputSchema',
      'title',
    ]);
    // 2025-06-18 only allows object output schemas.
    expect(june[1]).not.toHaveProperty('outputSchema');
    expect(keys(await toolsAt('2025-11-25'))[0]).toContain('icons');

    const client = await connect(server);
    const modernTools = resultOf(await client.request('tools/list', modern())).tools as Array<
      Record<string, unknown>
    >;
    expect(modernTools[1]?.outputSchema).toMatchObject({ type: 'array' });
  });

  it('keeps structuredContent out of legacy results that cannot carry it', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.tool('obj', { description: 'd', output: z.object({ n: z.number() }) }, () => ({ n: 1 }));
    server.tool('arr', { description: 'd', output: z.array(z.number()) }, () => [1]);
    const callAt = async (revision: string, name: string) => {
      const client = await connect(server);
      await client.initialize(revision);
      return resultOf(await client.request('tools/call', { name }));
    };
    expect(await callAt('2025-03-26', 'obj')).toEqual({ content: [{ type: 'text', text: '{"n":1}' }] });
    expect(await callAt('2025-06-18', 'obj')).toEqual({
      content: [{ type: 'text', text: '{"n":1}' }],
      structuredContent: { n: 1 },
    });
    expect(await callAt('2025-11-25', 'arr')).toEqual({ content: [{ type: 'text', text: '[1]' }] });
  });
});

describe('notifications/tools/list_changed', () => {
  it('goes to initialized legacy sessions, once per burst of changes', async () => {
    const server = serverWithTools(1);
    const client = await connect(server);
    await client.initialize();
    await roundTrip(client);
    expect(client.notifications('notifications/tools/list_changed')).toHaveLength(0);

    server.tool('a', { description: 'd' }, () => 'a');
    server.tool('b', { description: 'd' }, () => 'b');
    server.tool('c', { description: 'd' }, () => 'c');
    await roundTrip(client);
    expect(client.notifications('notifications/tools/list_changed')).toHaveLength(1);
  });

  it('follows enable, disable and remove', async () => {
    const server = createServer({ name: 's', version: '1' }, { notificationDebounceMs: 0 });
    const handle = server.tool('t', { description: 'd' }, () => 't');
    const client = await connect(server);
    await client.initialize('2024-11-05');
    let expected = 0;
    for (const change of [() => handle.disable(), () => handle.enable(), () => handle.remove()]) {
      change();
      expected++;
      await roundTrip(client);
      expect(client.notifications('notifications/tools/list_changed')).toHaveLength(expected);
    }
    // No change, no notification.
    handle.remove();
    await roundTrip(client);
    expect(client.notifications('notifications/tools/list_changed')).toHaveLength(expected);
  });

  it('waits for notifications/initialized, and skips connections without a session', async () => {
    const server = serverWithTools(1);
    const pending = await connect(server);
    await pending.initialize('2025-11-25', { sendInitialized: false });
    const stateless = await connect(server);
    await stateless.request('tools/list', modern());

    server.tool('late', { description: 'd' }, () => 'x');
    await roundTrip(pending);
    await roundTrip(stateless);
    expect(pending.notifications()).toHaveLength(0);
    expect(stateless.notifications()).toHaveLength(0);

    await pending.notify('notifications/initialized');
    server.tool('later', { description: 'd' }, () => 'x');
    await roundTrip(pending);
    expect(pending.notifications('notifications/tools/list_changed')).toHaveLength(1);
  });
});

describe('ctx.progress', () => {
  function progressServer(onCtx?: (ctx: HandlerContext) => void) {
    const server = createServer({ name: 's', version: '1' });
    server.tool('work', { description: 'd' }, async (_args, ctx) => {
      onCtx?.(ctx);
      await ctx.progress(0, 100);
      await ctx.progress(50, 100, 'halfway');
      await ctx.progress(100, 100);
      return 'done';
    });
    return server;
  }

  it('sends notifications/progress for a request with a progressToken (modern)', async () => {
    const client = await connect(progressServer());
    const result = resultOf(
      await client.request('tools/call', modern({ name: 'work' }, { progressToken: 'tok' })),
    );
    expect(result.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(client.notifications('notifications/progress').map((n) => n.params)).toEqual([
      { progressToken: 'tok', progress: 0, total: 100 },
      { progressToken: 'tok', progress: 50, total: 100, message: 'halfway' },
      { progressToken: 'tok', progress: 100, total: 100 },
    ]);
    // Progress arrives before the response it belongs to.
    const responseIndex = client.received.findIndex((message) => 'result' in message);
    const lastProgress = client.received.findLastIndex((message) => 'method' in message);
    expect(lastProgress).toBeLessThan(responseIndex);
  });

  it('leaves out message for 2024-11-05, whose schema lacks it', async () => {
    const client = await connect(progressServer());
    await client.initialize('2024-11-05');
    await client.request('tools/call', { name: 'work', _meta: { progressToken: 7 } });
    const params = client.notifications('notifications/progress').map((n) => n.params);
    expect(params).toHaveLength(3);
    expect(params[1]).toEqual({ progressToken: 7, progress: 50, total: 100 });
  });

  it('sends nothing without a progressToken', async () => {
    const client = await connect(progressServer());
    await client.initialize();
    resultOf(await client.request('tools/call', { name: 'work' }));
    resultOf(await client.request('tools/call', modern({ name: 'work' })));
    expect(client.notifications('notifications/progress')).toEqual([]);
  });

  it('throws when progress does not increase', async () => {
    const server = createServer({ name: 's', version: '1' });
    const onerror = vi.fn();
    server.onerror = onerror;
    server.tool('stuck', { description: 'd' }, async (_args, ctx) => {
      await ctx.progress(5);
      await ctx.progress(5);
      return 'unreachable';
    });
    const client = await connect(server);
    const result = resultOf(
      await client.request('tools/call', modern({ name: 'stuck' }, { progressToken: 1 })),
    );
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'Tool "stuck" failed' }] });
    expect(onerror.mock.calls[0]?.[0]).toBeInstanceOf(RangeError);
    expect(String(onerror.mock.calls[0]?.[0])).toContain('must be greater than the previous progress (5)');
    expect(client.notifications('notifications/progress')).toHaveLength(1);
  });

  it('rejects non-numeric progress', async () => {
    let context: HandlerContext | undefined;
    const client = await connect(progressServer((ctx) => (context = ctx)));
    await client.request('tools/call', modern({ name: 'work' }));
    await expect(context?.progress(Number.NaN)).rejects.toThrow('progress must be a finite number');
    await expect(context?.progress(1000, '10' as never)).rejects.toThrow('total must be a finite number');
  });

  it('goes quiet once the response is sent', async () => {
    let context: HandlerContext | undefined;
    const client = await connect(progressServer((ctx) => (context = ctx)));
    await client.request('tools/call', modern({ name: 'work' }, { progressToken: 'late' }));
    await context?.progress(1000);
    await roundTrip(client);
    expect(client.notifications('notifications/progress')).toHaveLength(3);
  });
});

describe('ctx', () => {
  it('describes the request in each era', async () => {
    const contexts: HandlerContext[] = [];
    const server = createServer({ name: 's', version: '1' });
    server.tool('who', { description: 'd' }, (_args, ctx) => {
      contexts.push(ctx);
      return 'ok';
    });
    const client = await connect(server);
    await client.initialize('2025-06-18');
    await client.request('tools/call', { name: 'who' });
    await client.request(
      'tools/call',
      modern(
        { name: 'who' },
        {
          'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
          'io.modelcontextprotocol/clientInfo': { name: 'modern-client', version: '9' },
        },
      ),
    );
    const [legacy, stateless] = contexts;
    expect(legacy).toMatchObject({
      era: 'legacy',
      protocolVersion: '2025-06-18',
      requestId: 2,
      client: { info: { name: 'harness', version: '0.0.0' }, capabilities: {} },
    });
    // Modern requests never inherit the session's identity or capabilities.
    expect(stateless).toMatchObject({
      era: 'modern',
      protocolVersion: '2026-07-28',
      requestId: 3,
      client: { info: { name: 'modern-client', version: '9' }, capabilities: { elicitation: {} } },
    });
    expect(legacy?.signal).toBeInstanceOf(AbortSignal);
  });

  it('aborts ctx.signal on notifications/cancelled and sends no response', async () => {
    const server = createServer({ name: 's', version: '1' });
    let observedAbort: () => void = () => {};
    const aborted = new Promise<void>((resolve) => (observedAbort = resolve));
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    server.tool('slow', { description: 'd' }, async (_args, ctx) => {
      started();
      await new Promise<void>((resolve) =>
        ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      observedAbort();
      return 'too late';
    });
    const client = await connect(server);
    await client.sendRequest('slow-1', 'tools/call', modern({ name: 'slow' }));
    await running;
    await client.notify('notifications/cancelled', { requestId: 'slow-1', reason: 'user' });
    await aborted;
    await roundTrip(client);
    expect(client.received.some((message) => 'id' in message && message.id === 'slow-1')).toBe(false);
  });
});

describe('connections', () => {
  it('keeps session state per connection', async () => {
    const server = serverWithTools(1);
    const legacy = await connect(server);
    await legacy.initialize('2024-11-05');
    const fresh = await connect(server);
    const response = await fresh.request('tools/list', {});
    expect(response).toMatchObject({ error: { code: -32602 } });
    expect(namesOf(resultOf(await legacy.request('tools/list')))).toEqual(['tool-0']);
  });

  it('closes every connection', async () => {
    const server = serverWithTools(1);
    const [clientSide, serverSide] = createInMemoryTransportPair();
    await server.connect(serverSide);
    const client = new RpcEngine();
    const closed = new Promise<void>((resolve) => (client.onclose = resolve));
    await client.connect(clientSide);
    await server.close();
    await closed;
    expect(client.transport).toBeUndefined();
  });

  it('talks to an RpcEngine client end to end', async () => {
    const server = serverWithTools(2);
    const [clientSide, serverSide] = createInMemoryTransportPair();
    await server.connect(serverSide);
    const client = new RpcEngine();
    await client.connect(clientSide);
    const progress = vi.fn();
    const result = await client.request('tools/call', modern({ name: 'tool-1' }), { onProgress: progress });
    expect(result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: '1' }] });
    await client.close();
  });
});
