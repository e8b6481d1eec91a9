import type { RequestId, Transport } from '@pmcp/jsonrpc';
import { describe, expect, it } from 'vitest';
import { modern, resultOf, roundTrip, type ServerRequestAnswerer, useTestClients } from '../test/harness.ts';
import { createServer, type HandlerContext, type ServerOptions } from './index.ts';

const connect = useTestClients();

function text(result: Record<string, unknown>): string {
  return (result.content as Array<{ text?: string }>).map((block) => block.text ?? '').join('');
}

const emptyForm = { message: 'Continue?', requestedSchema: { type: 'object' as const, properties: {} } };

/** A server with one tool `run` whose body is `body`; returns its JSON-able result as text. */
function serverRunning(body: (ctx: HandlerContext) => Promise<unknown>, options: ServerOptions = {}) {
  const server = createServer({ name: 'ctx', version: '1' }, options);
  server.tool('run', { description: 'runs the test body' }, async (_args, ctx) =>
    JSON.stringify(await body(ctx)),
  );
  return server;
}

async function legacyClient(
  server: ReturnType<typeof createServer>,
  revision: string,
  capabilities: Record<string, unknown>,
  onRequest: ServerRequestAnswerer = () => ({}),
) {
  const client = await connect(server, { onRequest });
  await client.initialize(revision, { capabilities });
  return client;
}

describe('ctx.elicit / sample / roots in a legacy session', () => {
  it('sends elicitation/create (form) and returns the answer', async () => {
    const server = serverRunning((ctx) => ctx.elicit(emptyForm));
    const client = await legacyClient(server, '2025-11-25', { elicitation: {} }, () => ({
      action: 'decline',
    }));
    const result = resultOf(await client.request('tools/call', { name: 'run' }));
    expect(JSON.parse(text(result))).toEqual({ action: 'decline' });
    expect(client.serverRequests('elicitation/create')[0]?.params).toEqual(emptyForm);
  });

  it('leaves "mode" out for 2025-06-18, whose schema does not know it', async () => {
    const server = serverRunning((ctx) => ctx.elicit({ ...emptyForm, mode: 'form' }));
    const client = await legacyClient(server, '2025-06-18', { elicitation: {} }, () => ({
      action: 'cancel',
    }));
    await client.request('tools/call', { name: 'run' });
    expect(client.serverRequests('elicitation/create')[0]?.params).toEqual(emptyForm);
  });

  it('adds an elicitationId to URL mode (2025-11-25 requires one)', async () => {
    const server = serverRunning((ctx) =>
      ctx.elicit({ mode: 'url', message: 'Log in', url: 'https://example.com/a' }),
    );
    const client = await legacyClient(server, '2025-11-25', { elicitation: { url: {} } }, () => ({
      action: 'accept',
    }));
    const result = resultOf(await client.request('tools/call', { name: 'run' }));
    expect(JSON.parse(text(result))).toEqual({ action: 'accept' });
    expect(client.serverRequests('elicitation/create')[0]?.params).toEqual({
      mode: 'url',
      message: 'Log in',
      url: 'https://example.com/a',
      elicitationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it.each([
    [
      'form elicitation before 2025-06-18',
      '2025-03-26',
      { elicitation: {} },
      emptyForm,
      'needs protocol revision 2025-06-18',
    ],
    [
      'URL elicitation before 2025-11-25',
      '2025-06-18',
      { elicitation: { url: {} } },
      { mode: 'url', message: 'm', url: 'https://example.com' },
      'needs protocol revision 2025-11-25',
    ],
    [
      'elicitation without the capability',
      '2025-11-25',
      {},
      emptyForm,
      'did not declare the "elicitation" capability',
    ],
    [
      'URL elicitation with elicitation: {} (form only)',
      '2025-11-25',
      { elicitation: {} },
      { mode: 'url', message: 'm', url: 'https://example.com' },
      '"elicitation.url" capability',
    ],
  ])(
    'turns %s into an isError result the model can read',
    async (_label, revision, capabilities, request, fragment) => {
      const server = serverRunning((ctx) => ctx.elicit(request as Parameters<HandlerContext['elicit']>[0]));
      const client = await legacyClient(server, revision, capabilities);
      const result = resultOf(await client.request('tools/call', { name: 'run' }));
      expect(result.isError).toBe(true);
      expect(text(result)).toContain(fragment);
      expect(client.serverRequests()).toEqual([]);
    },
  );

  it('sends sampling/createMessage, with tools only when the client declared sampling.tools', async () => {
    const request = {
      messages: [{ role: 'user' as const, content: { type: 'text' as const, text: 'Weather?' } }],
      maxTokens: 20,
      tools: [{ name: 'get_weather', inputSchema: { type: 'object' as const } }],
    };
    const answer = { role: 'assistant', content: { type: 'text', text: 'Sunny' }, model: 'm' };
    const server = serverRunning((ctx) => ctx.sample(request));
    const withTools = await legacyClient(server, '2025-11-25', { sampling: { tools: {} } }, () => answer);
    expect(JSON.parse(text(resultOf(await withTools.request('tools/call', { name: 'run' }))))).toEqual(
      answer,
    );
    expect(withTools.serverRequests('sampling/createMessage')[0]?.params).toEqual(request);

    const withoutTools = await legacyClient(server, '2025-11-25', { sampling: {} }, () => answer);
    const refused = resultOf(await withoutTools.request('tools/call', { name: 'run' }));
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain('"sampling.tools"');
  });

  it('sends roots/list and returns the roots', async () => {
    const server = serverRunning((ctx) => ctx.roots());
    const client = await legacyClient(server, '2024-11-05', { roots: { listChanged: true } }, () => ({
      roots: [{ uri: 'file:///home', name: 'home' }],
    }));
    const result = resultOf(await client.request('tools/call', { name: 'run' }));
    expect(JSON.parse(text(result))).toEqual([{ uri: 'file:///home', name: 'home' }]);
  });

  it('reports a client error or an invalid answer as an isError result', async () => {
    const server = serverRunning((ctx) => ctx.roots());
    const failing = await legacyClient(server, '2025-11-25', { roots: {} }, () => {
      throw Object.assign(new Error('no roots here'), { code: -32601 });
    });
    const failed = resultOf(await failing.request('tools/call', { name: 'run' }));
    expect(failed.isError).toBe(true);
    expect(text(failed)).toContain('The client could not answer roots/list: no roots here');

    const invalid = await legacyClient(server, '2025-11-25', { roots: {} }, () => ({ roots: 'none' }));
    const result = resultOf(await invalid.request('tools/call', { name: 'run' }));
    expect(text(result)).toContain('invalid result: "roots" must be an array');
  });

  it('computes ctx.remember once per request', async () => {
    let computed = 0;
    const server = serverRunning(async (ctx) => [
      await ctx.remember('id', () => ++computed),
      await ctx.remember('id', () => ++computed),
    ]);
    const client = await legacyClient(server, '2025-11-25', {});
    expect(JSON.parse(text(resultOf(await client.request('tools/call', { name: 'run' }))))).toEqual([1, 1]);
  });
});

describe('ctx.log', () => {
  const logEveryLevel = async (ctx: HandlerContext) => {
    for (const level of ['debug', 'info', 'warning', 'error'] as const)
      await ctx.log(level, { level }, 'test');
    return 'logged';
  };

  it('legacy: sends every level before logging/setLevel, then only from that level up', async () => {
    const client = await legacyClient(serverRunning(logEveryLevel), '2025-11-25', {});
    await client.request('tools/call', { name: 'run' });
    expect(client.notifications('notifications/message').map((n) => n.params?.level)).toEqual([
      'debug',
      'info',
      'warning',
      'error',
    ]);
    expect(client.notifications('notifications/message')[0]?.params).toEqual({
      level: 'debug',
      logger: 'test',
      data: { level: 'debug' },
    });
    expect(resultOf(await client.request('logging/setLevel', { level: 'warning' }))).toEqual({});
    await client.request('tools/call', { name: 'run' });
    expect(
      client
        .notifications('notifications/message')
        .slice(4)
        .map((n) => n.params?.level),
    ).toEqual(['warning', 'error']);
  });

  it('modern: sends nothing unless _meta asks for a log level, then only from that level up', async () => {
    const client = await connect(serverRunning(logEveryLevel));
    await client.request('tools/call', modern({ name: 'run' }));
    expect(client.notifications('notifications/message')).toEqual([]);
    await client.request(
      'tools/call',
      modern({ name: 'run' }, { 'io.modelcontextprotocol/logLevel': 'info' }),
    );
    expect(client.notifications('notifications/message').map((n) => n.params?.level)).toEqual([
      'info',
      'warning',
      'error',
    ]);
  });

  it('modern: an invalid log level gets -32602', async () => {
    const client = await connect(serverRunning(logEveryLevel));
    const response = await client.request(
      'tools/call',
      modern({ name: 'run' }, { 'io.modelcontextprotocol/logLevel': 'loud' }),
    );
    expect(response).toMatchObject({ error: { code: -32602 } });
    expect((response as { error: { message: string } }).error.message).toContain('debug, info, notice');
  });

  it('sends nothing after the handler returned, and nothing at all with logging: false', async () => {
    let saved: HandlerContext | undefined;
    const server = serverRunning(async (ctx) => {
      saved = ctx;
      return 'ok';
    });
    const client = await legacyClient(server, '2025-11-25', {});
    await client.request('tools/call', { name: 'run' });
    await saved?.log('error', 'too late');
    await roundTrip(client);
    expect(client.notifications('notifications/message')).toEqual([]);

    const quiet = await legacyClient(serverRunning(logEveryLevel, { logging: false }), '2025-11-25', {});
    await quiet.request('tools/call', { name: 'run' });
    expect(quiet.notifications('notifications/message')).toEqual([]);
  });

  it('throws a TypeError for a level that does not exist', async () => {
    const server = serverRunning(async (ctx) => ctx.log('loud' as 'info', 'x'));
    const errors: Error[] = [];
    server.onerror = (error) => errors.push(error);
    const client = await legacyClient(server, '2025-11-25', {});
    const result = resultOf(await client.request('tools/call', { name: 'run' }));
    expect(result.isError).toBe(true);
    expect(errors[0]?.message).toContain('level must be one of');
  });
});

describe('ctx.progress rate limiting', () => {
  it('sends the first update at once and the latest before the result, never after', async () => {
    const server = serverRunning(
      async (ctx) => {
        for (let i = 1; i <= 10; i++) await ctx.progress(i, 10);
        return 'done';
      },
      { progressIntervalMs: 60_000 },
    );
    const client = await connect(server);
    const response = await client.request('tools/call', modern({ name: 'run' }, { progressToken: 'p' }));
    const progress = client.notifications('notifications/progress').map((n) => n.params?.progress);
    expect(progress).toEqual([1, 10]);
    const responseIndex = client.received.indexOf(response);
    const lastProgressIndex = client.received.findLastIndex(
      (message) => 'method' in message && message.method === 'notifications/progress',
    );
    expect(lastProgressIndex).toBeLessThan(responseIndex);
    await roundTrip(client);
    expect(client.notifications('notifications/progress')).toHaveLength(2);
  });
});

describe('ctx.signal', () => {
  it('aborts on notifications/cancelled in the modern era too, and no response is sent', async () => {
    let aborted: (reason: unknown) => void = () => undefined;
    const abortedReason = new Promise((resolve) => {
      aborted = resolve;
    });
    const server = serverRunning(
      (ctx) =>
        new Promise((resolve) => {
          const stop = () => {
            aborted(ctx.signal.reason);
            resolve('stopped');
          };
          // The modern run may start after the cancellation arrived (it first checks the request state).
          if (ctx.signal.aborted) stop();
          else ctx.signal.addEventListener('abort', stop);
        }),
    );
    const client = await connect(server);
    await client.sendRequest('call-1', 'tools/call', modern({ name: 'run' }));
    await roundTrip(client).catch(() => undefined);
    await client.notify('notifications/cancelled', { requestId: 'call-1', reason: 'user' });
    expect(String(await abortedReason)).toContain('user');
    await client.request('tools/list', modern());
    expect(client.received.some((message) => 'id' in message && message.id === 'call-1')).toBe(false);
  });
});

describe('ctx.closeSseStream', () => {
  /** Wraps the server's side of the connection so every request arrives with a `closeSseStream` hook. */
  function withCloseHook(server: ReturnType<typeof createServer>, closed: RequestId[]) {
    return {
      async connect(transport: Transport) {
        await server.connect(transport);
        const deliver = transport.onmessage;
        if (deliver === undefined) throw new Error('the server did not listen on its transport');
        transport.onmessage = (message, extra) => {
          if ('method' in message && 'id' in message && message.id !== undefined) {
            const id = message.id;
            deliver(message, { ...extra, closeSseStream: () => closed.push(id) });
          } else {
            deliver(message, extra);
          }
        };
      },
    };
  }

  it('returns false and does nothing where the transport cannot resume a stream', async () => {
    const server = serverRunning(async (ctx) => ctx.closeSseStream());
    const client = await legacyClient(server, '2025-11-25', {});
    expect(text(resultOf(await client.request('tools/call', { name: 'run' })))).toBe('false');
  });

  it("ends the request's stream through the transport's hook, and not once the handler returned", async () => {
    const closed: RequestId[] = [];
    let late: HandlerContext | undefined;
    const server = serverRunning(async (ctx) => {
      late = ctx;
      return ctx.closeSseStream();
    });
    const client = await connect(withCloseHook(server, closed));
    await client.initialize('2025-11-25');
    const response = await client.request('tools/call', { name: 'run' });
    expect(text(resultOf(response))).toBe('true');
    expect(closed).toEqual([response.id]);
    expect(late?.closeSseStream()).toBe(false);
    expect(closed).toHaveLength(1);
  });
});
