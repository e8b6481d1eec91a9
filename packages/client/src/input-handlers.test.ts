import type { McpError } from '@pmcp/jsonrpc';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_INFO, closeAll, connect, deferred, expectSpecClean, settle } from '../test/harness.ts';
import { createClient, type InputContext } from './index.ts';

afterEach(closeAll);

const FORM = {
  message: 'Who are you?',
  requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
};
const SAMPLING = {
  messages: [{ role: 'user', content: { type: 'text', text: 'Capital of France?' } }],
  maxTokens: 100,
};
const SAMPLED = {
  role: 'assistant',
  content: { type: 'text', text: 'Paris' },
  model: 'test-model',
  stopReason: 'endTurn',
};

describe('declared capabilities follow from the handlers', () => {
  it('declares nothing optional without handlers', () => {
    expect(createClient(CLIENT_INFO).capabilities).toEqual({});
  });

  it('declares each handler with its settings, merged with explicit capabilities', () => {
    const client = createClient(
      { ...CLIENT_INFO, capabilities: { experimental: { x: {} }, sampling: { context: {} } } },
      {
        onElicit: { modes: ['form', 'url'], handler: () => ({ action: 'cancel' }) },
        onSample: { tools: true, handler: () => SAMPLED as never },
        onRoots: () => [],
      },
    );
    expect(client.capabilities).toEqual({
      elicitation: { form: {}, url: {} },
      sampling: { tools: {}, context: {} },
      roots: { listChanged: true },
      experimental: { x: {} },
    });
  });

  it('defaults elicitation to form mode and honours listChanged: false for roots', () => {
    const client = createClient(CLIENT_INFO, {
      onElicit: () => ({ action: 'cancel' }),
      onSample: () => SAMPLED as never,
      onRoots: { listChanged: false, handler: () => [] },
    });
    expect(client.capabilities).toEqual({ elicitation: { form: {} }, sampling: {}, roots: {} });
  });

  it('rejects malformed handler options', () => {
    expect(() =>
      createClient(CLIENT_INFO, {
        onElicit: { modes: ['popup' as never], handler: () => ({ action: 'cancel' }) },
      }),
    ).toThrow(/modes must be/);
    expect(() => createClient(CLIENT_INFO, { onSample: {} as never })).toThrow(/onSample must be a function/);
  });

  it.each(['modern', 'legacy'] as const)('%s: the server is told the derived capabilities', async (era) => {
    const { server } = await connect(
      era,
      {},
      { clientOptions: { onRoots: () => [], onElicit: () => ({ action: 'decline' }) } },
    );
    const expected = { roots: { listChanged: true }, elicitation: { form: {} } };
    const first = server.sent[0] as { params: Record<string, unknown> };
    if (era === 'modern') {
      expect(
        (first.params._meta as Record<string, unknown>)['io.modelcontextprotocol/clientCapabilities'],
      ).toEqual(expected);
    } else {
      expect(first.params.capabilities).toEqual(expected);
    }
  });
});

describe('legacy: server→client requests answered by the handlers', () => {
  it('answers elicitation, sampling and roots, and ping', async () => {
    const seen: { request: unknown; context: InputContext }[] = [];
    const { server, spec } = await connect(
      'legacy',
      {},
      {
        clientOptions: {
          onElicit: (request, context) => {
            seen.push({ request, context });
            return { action: 'accept', content: { name: 'octocat' } };
          },
          onSample: (request, context) => {
            seen.push({ request, context });
            return SAMPLED as never;
          },
          onRoots: () => [{ uri: 'file:///project', name: 'project' }],
        },
      },
    );

    await expect(server.engine.request('elicitation/create', FORM)).resolves.toEqual({
      action: 'accept',
      content: { name: 'octocat' },
    });
    await expect(server.engine.request('sampling/createMessage', SAMPLING)).resolves.toEqual(SAMPLED);
    await expect(server.engine.request('roots/list')).resolves.toEqual({
      roots: [{ uri: 'file:///project', name: 'project' }],
    });
    await expect(server.engine.request('ping')).resolves.toEqual({});
    expect(seen.map(({ request }) => request)).toEqual([FORM, SAMPLING]);
    expect(seen.every(({ context }) => context.era === 'legacy' && !context.signal.aborted)).toBe(true);
    expectSpecClean(spec);
  });

  it('refuses what it has no handler for, saying which option to pass', async () => {
    const { server } = await connect('legacy');
    const error = (await server.engine
      .request('sampling/createMessage', SAMPLING)
      .catch((thrown: unknown) => thrown)) as McpError;
    expect(error.code).toBe(-32601);
    expect(error.message).toContain('onSample');
    await expect(server.engine.request('roots/list')).rejects.toMatchObject({ code: -32601 });
  });

  it('refuses an elicitation mode and sampling tools the client did not declare (-32602)', async () => {
    const { server } = await connect(
      'legacy',
      {},
      {
        clientOptions: { onElicit: () => ({ action: 'accept' }), onSample: () => SAMPLED as never },
      },
    );
    await expect(
      server.engine.request('elicitation/create', {
        mode: 'url',
        message: 'Sign in',
        url: 'https://example.com/login',
        elicitationId: 'e1',
      }),
    ).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining("add 'url' to onElicit.modes"),
    });
    await expect(
      server.engine.request('sampling/createMessage', {
        ...SAMPLING,
        tools: [{ name: 'weather', inputSchema: { type: 'object' } }],
      }),
    ).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('sampling.tools') });
  });

  it('answers -32603 when a handler returns something the protocol does not allow', async () => {
    const { server } = await connect(
      'legacy',
      {},
      {
        clientOptions: {
          onElicit: () => ({ action: 'maybe' }) as never,
          onRoots: () => [{ path: '/tmp' }] as never,
        },
      },
    );
    await expect(server.engine.request('elicitation/create', FORM)).rejects.toMatchObject({
      code: -32603,
      message: expect.stringContaining('onElicit'),
    });
    await expect(server.engine.request('roots/list')).rejects.toMatchObject({
      code: -32603,
      message: expect.stringContaining('onRoots'),
    });
  });

  it('aborts the handler signal when the server cancels its request', async () => {
    const started = deferred<AbortSignal>();
    const { server } = await connect(
      'legacy',
      {},
      {
        clientOptions: {
          onElicit: (_request, { signal }) => {
            started.resolve(signal);
            return new Promise(() => undefined);
          },
        },
      },
    );
    const controller = new AbortController();
    const asked = server.engine.request('elicitation/create', FORM, { signal: controller.signal });
    const signal = await started.promise;
    controller.abort('no longer needed');
    await expect(asked).rejects.toThrow(/cancelled/);
    await settle();
    expect(signal.aborted).toBe(true);
  });

  it('passes URL-mode requests (with their legacy elicitationId) to the handler when url is declared', async () => {
    let seen: unknown;
    const { server } = await connect(
      'legacy',
      {},
      {
        clientOptions: {
          onElicit: {
            modes: ['url'],
            handler: (request) => {
              seen = request;
              return { action: 'accept' };
            },
          },
        },
      },
    );
    const request = {
      mode: 'url',
      message: 'Sign in',
      url: 'https://example.com/login',
      elicitationId: 'e1',
    };
    await expect(server.engine.request('elicitation/create', request)).resolves.toEqual({ action: 'accept' });
    expect(seen).toEqual(request);
  });
});

describe('notifyRootsChanged', () => {
  it('legacy: sends notifications/roots/list_changed', async () => {
    const { client, server, spec } = await connect('legacy', {}, { clientOptions: { onRoots: () => [] } });
    await client.notifyRootsChanged();
    await settle();
    expect(server.sentMethods()).toContain('notifications/roots/list_changed');
    expectSpecClean(spec);
  });

  it('modern: sends nothing (modern servers ask for roots with each request)', async () => {
    const { client, server } = await connect('modern', {}, { clientOptions: { onRoots: () => [] } });
    const before = server.sent.length;
    await client.notifyRootsChanged();
    expect(server.sent.length).toBe(before);
  });

  it('needs a roots handler that declares listChanged', async () => {
    const { client } = await connect(
      'legacy',
      {},
      { clientOptions: { onRoots: { listChanged: false, handler: () => [] } } },
    );
    await expect(client.notifyRootsChanged()).rejects.toThrow(/listChanged/);
  });
});
