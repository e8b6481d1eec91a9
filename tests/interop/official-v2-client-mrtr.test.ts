/**
 * The official TypeScript SDK 2.x client against the pmcp feature server (fixtures/pmcp-features-server.ts) in
 * the modern era, over stdio. The server cannot send requests in 2026-07-28, so `ctx.elicit`, `ctx.sample` and
 * `ctx.roots` answer `tools/call`, `prompts/get` and `resources/read` with an `InputRequiredResult`; the 2.x
 * client fulfils it through the handlers it registered with `setRequestHandler` and retries with the answers
 * and the `requestState` echoed. Also: the manual round trip (auto-fulfilment off), resources, prompts,
 * completion, per-request logging, `subscriptions/listen`, and cancellation.
 */
import {
  Client,
  type CreateMessageRequestParams,
  type ElicitRequestParams,
  isInputRequiredResult,
  ProtocolError,
} from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { LATEST_PROTOCOL_VERSION, MetaKey } from '@pmcp/types';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  collectServerReports,
  createReportDir,
  expectCleanExit,
  expectSpecValid,
  fixtureCommand,
  receivedMessages,
  type ServerSpecReport,
  sentMessages,
  textOf,
} from './helpers.ts';

const capabilities = { elicitation: { form: {}, url: {} }, sampling: { tools: {} }, roots: {} };

function connectTransport(reportDir: string): StdioClientTransport {
  return new StdioClientTransport({
    ...fixtureCommand('pmcp-features-server.ts'),
    env: { PMCP_SPEC_REPORT_DIR: reportDir },
    stderr: 'pipe',
  });
}

/** The process that served the session (the other one only answered the server/discover probe). */
function sessionReport(reports: readonly ServerSpecReport[]): ServerSpecReport {
  const session = reports.find((report) =>
    receivedMessages(report).some((message) => message.method === 'tools/call'),
  );
  if (!session) throw new Error('no server process received a tools/call');
  return session;
}

type Params = Record<string, unknown> & { name?: string; uri?: string };

describe('official SDK 2.x client → pmcp stdio server: MRTR and the modern feature set', () => {
  let reportDir: Awaited<ReturnType<typeof createReportDir>>;
  let client: Client;
  const elicitations: ElicitRequestParams[] = [];
  const samplings: CreateMessageRequestParams[] = [];
  let rootsLists = 0;
  const logs: { level: string; data: unknown }[] = [];
  const updatedUris: string[] = [];
  let toolListChanges = 0;

  beforeAll(async () => {
    reportDir = await createReportDir();
    client = new Client(
      { name: 'official-v2-client', version: '2.0.0' },
      { versionNegotiation: { mode: 'auto' }, capabilities },
    );
    client.setRequestHandler('elicitation/create', (request) => {
      elicitations.push(request.params);
      if (request.params.mode === 'url') return { action: 'accept' };
      if (request.params.message.includes('name'))
        return { action: 'accept', content: { name: 'Grace', age: 85 } };
      if (request.params.message.includes('city')) return { action: 'accept', content: { city: 'Bonn' } };
      if (request.params.message.includes('vault')) return { action: 'accept', content: { pin: '1234' } };
      return { action: 'decline' };
    });
    client.setRequestHandler('sampling/createMessage', (request) => {
      samplings.push(request.params);
      const prompt = JSON.stringify(request.params.messages);
      if (request.params.tools?.some((tool) => tool.name === 'get_weather')) {
        return {
          model: 'stub-model',
          role: 'assistant',
          stopReason: 'toolUse',
          content: [{ type: 'tool_use', id: 'call-1', name: 'get_weather', input: { city: 'Paris' } }],
        };
      }
      return {
        model: 'stub-model',
        role: 'assistant',
        content: { type: 'text', text: prompt.includes('dish') ? 'sauerbraten' : 'short version' },
      };
    });
    client.setRequestHandler('roots/list', () => {
      rootsLists += 1;
      return { roots: [{ uri: 'file:///work', name: 'work' }] };
    });
    client.setNotificationHandler('notifications/message', (notification) => {
      logs.push({ level: notification.params.level, data: notification.params.data });
    });
    client.setNotificationHandler('notifications/resources/updated', (notification) => {
      updatedUris.push(notification.params.uri);
    });
    client.setNotificationHandler('notifications/tools/list_changed', () => {
      toolListChanges += 1;
    });
    await client.connect(connectTransport(reportDir.path));
  });

  afterAll(async () => {
    await client?.close();
    await reportDir?.dispose();
  });

  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const result = await client.callTool({ name, arguments: args });
    return { isError: result.isError, text: textOf(result.content), result };
  };

  it('negotiates the modern era; the server advertises completions, resources, prompts and logging', () => {
    expect(client.getProtocolEra()).toBe('modern');
    expect(client.getNegotiatedProtocolVersion()).toBe(LATEST_PROTOCOL_VERSION);
    expect(client.getServerCapabilities()).toMatchObject({
      tools: {},
      prompts: {},
      resources: {},
      completions: {},
      logging: {},
    });
  });

  describe('MRTR: input rounds fulfilled by the client handlers', () => {
    it('form elicitation on tools/call', async () => {
      const before = elicitations.length;
      await expect(call('ask_name')).resolves.toMatchObject({ text: 'Hello Grace, age 85' });
      expect(elicitations.slice(before)).toEqual([
        expect.objectContaining({
          message: 'What is your name?',
          requestedSchema: expect.objectContaining({ required: ['name'] }),
        }),
      ]);
    });

    it('URL elicitation on tools/call', async () => {
      const before = elicitations.length;
      await expect(call('sign_in')).resolves.toMatchObject({ text: 'sign-in: accept' });
      expect(elicitations.slice(before)).toEqual([
        expect.objectContaining({ mode: 'url', url: 'https://auth.example.com/sign-in?session=abc' }),
      ]);
    });

    it('sampling on tools/call', async () => {
      const before = samplings.length;
      await expect(call('summarize', { text: 'war and peace' })).resolves.toMatchObject({
        text: 'stub-model said: short version',
      });
      expect(samplings.slice(before)).toEqual([
        expect.objectContaining({
          messages: [{ role: 'user', content: { type: 'text', text: 'Summarize: war and peace' } }],
          maxTokens: 50,
        }),
      ]);
    });

    it('sampling with tools on tools/call', async () => {
      await expect(call('weather_agent')).resolves.toMatchObject({
        text: 'stop=toolUse uses=get_weather({"city":"Paris"})',
      });
      expect(samplings.at(-1)).toMatchObject({
        tools: [{ name: 'get_weather' }],
        toolChoice: { mode: 'auto' },
      });
    });

    it('roots on tools/call', async () => {
      const before = rootsLists;
      await expect(call('list_roots')).resolves.toMatchObject({ text: 'work=file:///work' });
      expect(rootsLists).toBe(before + 1);
    });

    it('three questions in one round; remembered values survive the retry', async () => {
      const { text } = await call('plan_everything');
      expect(text).toBe('Bonn / sauerbraten / 1 roots');
    });

    it('input rounds on prompts/get and resources/read', async () => {
      const prompt = await client.getPrompt({ name: 'personal_greeting' });
      expect(prompt.messages).toEqual([
        { role: 'user', content: { type: 'text', text: 'Say hello to Grace.' } },
      ]);
      const read = await client.readResource({ uri: 'vault://secret' }, { cacheMode: 'bypass' });
      expect(read.contents).toEqual([
        { uri: 'vault://secret', mimeType: 'text/plain', text: 'the treasure' },
      ]);
    });
  });

  describe('resources, prompts, completion', () => {
    it('lists and reads static resources and the template', async () => {
      const { resources } = await client.listResources();
      expect(resources.map((resource) => resource.uri)).toEqual([
        'docs://readme',
        'docs://logo',
        'vault://secret',
      ]);
      const logo = await client.readResource({ uri: 'docs://logo' });
      expect(logo.contents).toEqual([{ uri: 'docs://logo', mimeType: 'image/png', blob: 'iVBORw==' }]);
      const { resourceTemplates } = await client.listResourceTemplates();
      expect(resourceTemplates.map((template) => template.uriTemplate)).toEqual([
        'weather://{country}/{city}',
      ]);
      const bonn = await client.readResource({ uri: 'weather://DE/Bonn' });
      expect(bonn.contents).toEqual([
        { uri: 'weather://DE/Bonn', mimeType: 'text/plain', text: 'Sunny in Bonn' },
      ]);
    });

    it('an unknown resource is -32602 in the modern era', async () => {
      const error = await client.readResource({ uri: 'weather://FR/Bonn' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).code).toBe(-32602);
    });

    it('gets a prompt with arguments', async () => {
      const { prompts } = await client.listPrompts();
      expect(prompts.map((prompt) => prompt.name)).toEqual(['trip_plan', 'personal_greeting']);
      const prompt = await client.getPrompt({ name: 'trip_plan', arguments: { destination: 'Lyon' } });
      expect(prompt.messages).toEqual([
        { role: 'user', content: { type: 'text', text: 'Plan a trip to Lyon.' } },
      ]);
    });

    it('completes a prompt argument and a template variable with context', async () => {
      const season = await client.complete({
        ref: { type: 'ref/prompt', name: 'trip_plan' },
        argument: { name: 'season', value: 's' },
      });
      expect(season.completion.values).toEqual(['spring', 'summer']);
      const city = await client.complete({
        ref: { type: 'ref/resource', uri: 'weather://{country}/{city}' },
        argument: { name: 'city', value: 'Br' },
        context: { arguments: { country: 'DE' } },
      });
      expect(city.completion.values).toEqual(['Bremen']);
    });
  });

  describe('logging, subscriptions, cancellation', () => {
    it('logs only at or above the level the request asked for in _meta', async () => {
      logs.length = 0;
      await client.callTool({ name: 'chatty', arguments: {}, _meta: { [MetaKey.LogLevel]: 'warning' } });
      await vi.waitFor(() => expect(logs.at(-1)?.level).toBe('error'));
      expect(logs).toEqual([
        { level: 'warning', data: 'careful' },
        { level: 'error', data: { problem: 'oops' } },
      ]);
    });

    it('subscriptions/listen: resource updates and tool list changes for what was asked', async () => {
      const subscription = await client.listen({
        resourceSubscriptions: ['docs://readme'],
        toolsListChanged: true,
      });
      expect(subscription.honoredFilter).toEqual({
        resourceSubscriptions: ['docs://readme'],
        toolsListChanged: true,
      });
      await call('touch', { uri: 'docs://logo' });
      await call('touch', { uri: 'docs://readme' });
      await call('toggle_extra');
      await vi.waitFor(() => expect(toolListChanges).toBeGreaterThan(0));
      await vi.waitFor(() => expect(updatedUris).toEqual(['docs://readme']));
      const { tools } = await client.listTools({}, { cacheMode: 'bypass' });
      expect(tools.map((tool) => tool.name)).toContain('extra');
      await subscription.close();
      await expect(subscription.closed).resolves.toBe('local');
    });

    it('cancels a running call: the handler sees the abort', async () => {
      const controller = new AbortController();
      const pending = client.callTool(
        { name: 'wait_for_cancel', arguments: {} },
        { signal: controller.signal, onprogress: () => controller.abort(new Error('stop')) },
      );
      await expect(pending).rejects.toThrow();
      await vi.waitFor(async () => {
        const count = await client.callTool({ name: 'cancellations', arguments: {} });
        expect(count.structuredContent).toEqual({ count: 1 });
      });
    });
  });

  it('after close: the wire shows the rounds, and every message the server wrote matched the spec', async () => {
    await client.close();
    const reports = await collectServerReports(reportDir.path);
    expectSpecValid(reports);
    const session = sessionReport(reports);
    expectCleanExit(session);
    const sent = sentMessages(session);
    const received = receivedMessages(session);

    // Every request the client had to retry: first answered input_required, then retried with the state echoed.
    const inputRequired = sent.filter(
      (message) => (message.result as { resultType?: string } | undefined)?.resultType === 'input_required',
    );
    const roundMethods = inputRequired.map(
      (message) => received.find((request) => request.id === message.id)?.method,
    );
    expect(new Set(roundMethods)).toEqual(new Set(['tools/call', 'prompts/get', 'resources/read']));
    for (const answer of inputRequired) {
      const result = answer.result as { inputRequests: Record<string, unknown>; requestState: string };
      const original = received.find((request) => request.id === answer.id);
      const retry = received.find(
        (request) =>
          (request.params as { requestState?: string } | undefined)?.requestState === result.requestState,
      );
      expect(retry, `a retry echoing the state of request ${String(answer.id)}`).toBeDefined();
      expect(retry?.id).not.toBe(answer.id);
      expect(retry?.method).toBe(original?.method);
      const retryParams = retry?.params as Params & { inputResponses: Record<string, unknown> };
      const originalParams = original?.params as Params;
      expect(retryParams.name ?? retryParams.uri).toBe(originalParams.name ?? originalParams.uri);
      expect(Object.keys(retryParams.inputResponses).sort()).toEqual(
        Object.keys(result.inputRequests).sort(),
      );
      // No cache hints on an InputRequiredResult.
      expect(answer.result).not.toHaveProperty('ttlMs');
    }
    const planned = inputRequired.find(
      (message) =>
        (received.find((request) => request.id === message.id)?.params as Params | undefined)?.name ===
        'plan_everything',
    );
    expect(
      Object.keys((planned?.result as { inputRequests?: object } | undefined)?.inputRequests ?? {}).sort(),
    ).toEqual(['city', 'dish', 'roots']);
    // The legacy server→client requests never appear in the modern era.
    expect(sent.map((message) => message.method)).not.toContain('elicitation/create');
    // The listen stream: acknowledged first, then notifications tagged with its id.
    const listen = received.find((message) => message.method === 'subscriptions/listen');
    const tagged = sent.filter(
      (message) =>
        (message.params as { _meta?: Record<string, unknown> } | undefined)?._meta?.[
          MetaKey.SubscriptionId
        ] === listen?.id,
    );
    expect(tagged.map((message) => message.method)).toEqual(
      expect.arrayContaining([
        'notifications/subscriptions/acknowledged',
        'notifications/resources/updated',
        'notifications/tools/list_changed',
      ]),
    );
    expect(tagged[0]?.method).toBe('notifications/subscriptions/acknowledged');
  });
});

describe('official SDK 2.x client, manual MRTR (auto-fulfilment off) → pmcp stdio server', () => {
  it('surfaces the InputRequiredResult, accepts a hand-made retry and refuses a tampered state', async () => {
    const reportDir = await createReportDir();
    const client = new Client(
      { name: 'official-v2-client-manual', version: '2.0.0' },
      { versionNegotiation: { mode: 'auto' }, capabilities, inputRequired: { autoFulfill: false } },
    );
    try {
      await client.connect(connectTransport(reportDir.path));
      const first = await client.request(
        { method: 'tools/call', params: { name: 'ask_name', arguments: {} } },
        { allowInputRequired: true },
      );
      if (!isInputRequiredResult(first))
        throw new Error(`expected input_required, got ${JSON.stringify(first)}`);
      expect(first.inputRequests).toEqual({
        name: {
          method: 'elicitation/create',
          params: expect.objectContaining({ message: 'What is your name?' }),
        },
      });
      expect(first.requestState).toEqual(expect.any(String));
      const requestState = first.requestState ?? '';

      const tampered = `${requestState.slice(0, -2)}${requestState.endsWith('AA') ? 'BB' : 'AA'}`;
      const refused = await client
        .request({
          method: 'tools/call',
          params: {
            name: 'ask_name',
            arguments: {},
            inputResponses: { name: { action: 'accept', content: { name: 'Mallory' } } },
            requestState: tampered,
          },
        })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ProtocolError);
      expect((refused as ProtocolError).code).toBe(-32602);

      const done = await client.request({
        method: 'tools/call',
        params: {
          name: 'ask_name',
          arguments: {},
          inputResponses: { name: { action: 'accept', content: { name: 'Linus' } } },
          requestState,
        },
      });
      expect(textOf((done as { content: { type: string; text?: string }[] }).content)).toBe(
        'Hello Linus, age unknown',
      );

      // Without auto-fulfilment and without allowInputRequired, the SDK refuses to hand back a plain result.
      await expect(client.callTool({ name: 'ask_name', arguments: {} })).rejects.toThrow();

      await client.close();
      const reports = await collectServerReports(reportDir.path);
      expectSpecValid(reports);
      expectCleanExit(sessionReport(reports));
    } finally {
      await client.close();
      await reportDir.dispose();
    }
  });
});

describe('official SDK 2.x client without the capabilities → pmcp stdio server', () => {
  it('gets -32021 naming the capability each question needs', async () => {
    const reportDir = await createReportDir();
    const client = new Client(
      { name: 'official-v2-bare-client', version: '2.0.0' },
      { versionNegotiation: { mode: 'auto' } },
    );
    try {
      await client.connect(connectTransport(reportDir.path));
      for (const [tool, required] of [
        ['ask_name', { elicitation: {} }],
        ['sign_in', { elicitation: { url: {} } }],
        ['summarize', { sampling: {} }],
        ['list_roots', { roots: {} }],
      ] as const) {
        const error = await client
          .callTool({ name: tool, arguments: tool === 'summarize' ? { text: 'x' } : {} })
          .catch((e: unknown) => e);
        expect(error, tool).toBeInstanceOf(ProtocolError);
        expect((error as ProtocolError).code, tool).toBe(-32021);
        expect((error as ProtocolError).data, tool).toMatchObject({ requiredCapabilities: required });
      }
      await client.close();
      const reports = await collectServerReports(reportDir.path);
      expectSpecValid(reports);
      expectCleanExit(sessionReport(reports));
    } finally {
      await client.close();
      await reportDir.dispose();
    }
  });
});
