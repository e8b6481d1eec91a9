/**
 * Every legacy feature the official TypeScript SDK 1.x client supports, against the pmcp server
 * (fixtures/pmcp-features-server.ts) in a real child process: server→client requests (sampling, elicitation in
 * form and URL mode, roots) made from inside tool calls, resource subscriptions, logging levels, completion,
 * progress and cancellation, including the cancellation of a question the server is still waiting on.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Transport as SdkTransport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type CreateMessageRequest,
  CreateMessageRequestSchema,
  type ElicitRequest,
  ElicitRequestSchema,
  EmptyResultSchema,
  ListRootsRequestSchema,
  type LoggingMessageNotification,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
  McpError as SdkMcpError,
} from '@modelcontextprotocol/sdk/types.js';
import { LATEST_LEGACY_PROTOCOL_VERSION } from '@pmcp/types';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  collectServerReports,
  createReportDir,
  expectCleanExit,
  expectSpecValid,
  fixtureCommand,
  receivedMessages,
  sentMessages,
  textOf,
} from './helpers.ts';

type Content = { type: string; text?: string }[];

describe('official SDK 1.x client → pmcp stdio server: every legacy feature', () => {
  let reportDir: Awaited<ReturnType<typeof createReportDir>>;
  let client: Client;
  let negotiatedVersion: string | undefined;

  const elicitations: ElicitRequest['params'][] = [];
  const samplings: CreateMessageRequest['params'][] = [];
  let rootsLists = 0;
  const logs: LoggingMessageNotification['params'][] = [];
  const updatedUris: string[] = [];
  /** Set by the cancellation test: the next elicitation waits until the server cancels it. */
  let holdNextElicitation: ((signal: AbortSignal) => void) | undefined;

  beforeAll(async () => {
    reportDir = await createReportDir();
    const transport = new StdioClientTransport({
      ...fixtureCommand('pmcp-features-server.ts'),
      env: { PMCP_SPEC_REPORT_DIR: reportDir.path },
      stderr: 'pipe',
    });
    (transport as SdkTransport).setProtocolVersion = (version) => {
      negotiatedVersion = version;
    };
    client = new Client(
      { name: 'official-v1-client', version: '9.9.9' },
      {
        capabilities: {
          sampling: { tools: {} },
          elicitation: { form: {}, url: {} },
          roots: { listChanged: true },
        },
      },
    );

    client.setRequestHandler(ElicitRequestSchema, async (request, extra) => {
      elicitations.push(request.params);
      const hold = holdNextElicitation;
      if (hold) {
        holdNextElicitation = undefined;
        hold(extra.signal);
        // Never answered: only the server's cancellation ends this question.
        await new Promise((resolve) => extra.signal.addEventListener('abort', resolve, { once: true }));
        return { action: 'cancel' };
      }
      if (request.params.mode === 'url') return { action: 'accept' };
      if (request.params.message.includes('name'))
        return { action: 'accept', content: { name: 'Ada', age: 36 } };
      if (request.params.message.includes('city')) return { action: 'accept', content: { city: 'Lyon' } };
      return { action: 'decline' };
    });
    client.setRequestHandler(CreateMessageRequestSchema, (request) => {
      samplings.push(request.params);
      const prompt = request.params.messages.map((message) => JSON.stringify(message.content)).join(' ');
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
        stopReason: 'endTurn',
        content: { type: 'text', text: prompt.includes('dish') ? 'ratatouille' : 'short version' },
      };
    });
    client.setRequestHandler(ListRootsRequestSchema, () => {
      rootsLists += 1;
      return {
        roots: [
          { uri: 'file:///home/ada/project', name: 'project' },
          { uri: 'file:///tmp', name: 'scratch' },
        ],
      };
    });
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      logs.push(notification.params);
    });
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      updatedUris.push(notification.params.uri);
    });

    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    await reportDir?.dispose();
  });

  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const result = await client.callTool({ name, arguments: args });
    return { isError: result.isError, text: textOf(result.content as Content), result };
  };

  it('initializes at the newest legacy revision; the server advertises what it has', () => {
    expect(negotiatedVersion).toBe(LATEST_LEGACY_PROTOCOL_VERSION);
    expect(client.getServerCapabilities()).toMatchObject({
      tools: {},
      prompts: {},
      resources: { subscribe: true },
      completions: {},
      logging: {},
    });
  });

  describe('server → client requests from inside a tool call', () => {
    it('elicitation, form mode: the answer reaches the tool', async () => {
      const before = elicitations.length;
      await expect(call('ask_name')).resolves.toMatchObject({ text: 'Hello Ada, age 36' });
      expect(elicitations.slice(before)).toEqual([
        expect.objectContaining({
          message: 'What is your name?',
          requestedSchema: expect.objectContaining({ required: ['name'] }),
        }),
      ]);
    });

    it('elicitation, URL mode: the client sees the URL and a fresh elicitationId', async () => {
      const before = elicitations.length;
      await expect(call('sign_in')).resolves.toMatchObject({ text: 'sign-in: accept' });
      const [asked] = elicitations.slice(before);
      expect(asked).toMatchObject({
        mode: 'url',
        message: 'Sign in to continue',
        url: 'https://auth.example.com/sign-in?session=abc',
      });
      expect((asked as { elicitationId?: unknown }).elicitationId).toEqual(expect.any(String));
    });

    it("sampling: the request reaches the client's model and its answer reaches the tool", async () => {
      const before = samplings.length;
      await expect(call('summarize', { text: 'a long story' })).resolves.toMatchObject({
        text: 'stub-model said: short version',
      });
      expect(samplings.slice(before)).toEqual([
        expect.objectContaining({
          messages: [{ role: 'user', content: { type: 'text', text: 'Summarize: a long story' } }],
          systemPrompt: 'Be brief.',
          maxTokens: 50,
        }),
      ]);
    });

    it('sampling with tools: the client sees the tools and the tool sees the tool_use answer', async () => {
      const before = samplings.length;
      await expect(call('weather_agent')).resolves.toMatchObject({
        text: 'stop=toolUse uses=get_weather({"city":"Paris"})',
      });
      expect(samplings.slice(before)).toEqual([
        expect.objectContaining({
          tools: [expect.objectContaining({ name: 'get_weather' })],
          toolChoice: { mode: 'auto' },
        }),
      ]);
    });

    it("roots: the tool sees the client's roots", async () => {
      const before = rootsLists;
      await expect(call('list_roots')).resolves.toMatchObject({
        text: 'project=file:///home/ada/project, scratch=file:///tmp',
      });
      expect(rootsLists).toBe(before + 1);
    });

    it('all three at once, as one tool asks them', async () => {
      const { text, result } = await call('plan_everything');
      expect(text).toBe('Lyon / ratatouille / 2 roots');
      expect(result._meta).toEqual({ nonce: expect.any(String) });
    });

    it('a prompt and a resource read can ask too', async () => {
      const prompt = await client.getPrompt({ name: 'personal_greeting' });
      expect(prompt.messages).toEqual([
        { role: 'user', content: { type: 'text', text: 'Say hello to Ada.' } },
      ]);
      // The handler declines the vault's question, so the read goes on without the pin.
      const read = await client.readResource({ uri: 'vault://secret' });
      expect(read.contents).toEqual([{ uri: 'vault://secret', mimeType: 'text/plain', text: 'locked' }]);
    });

    it('cancelling the tool call cancels the question the server is waiting on', async () => {
      const questionCancelled = new Promise<AbortSignal>((resolve) => {
        holdNextElicitation = resolve;
      }).then(
        (signal) => new Promise<boolean>((resolve) => signal.addEventListener('abort', () => resolve(true))),
      );
      const controller = new AbortController();
      const pending = client.callTool({ name: 'ask_name', arguments: {} }, undefined, {
        signal: controller.signal,
      });
      await vi.waitFor(() => expect(holdNextElicitation).toBeUndefined());
      controller.abort(new Error('user gave up'));
      await expect(pending).rejects.toThrow('user gave up');
      await expect(questionCancelled).resolves.toBe(true);
    });
  });

  describe('resources and prompts', () => {
    it('lists static resources, reads text and binary, lists the template', async () => {
      const { resources } = await client.listResources();
      expect(resources.map((resource) => resource.uri)).toEqual([
        'docs://readme',
        'docs://logo',
        'vault://secret',
      ]);
      const readme = await client.readResource({ uri: 'docs://readme' });
      expect(readme.contents).toEqual([
        { uri: 'docs://readme', mimeType: 'text/markdown', text: '# Features' },
      ]);
      const logo = await client.readResource({ uri: 'docs://logo' });
      expect(logo.contents).toEqual([{ uri: 'docs://logo', mimeType: 'image/png', blob: 'iVBORw==' }]);
      const { resourceTemplates } = await client.listResourceTemplates();
      expect(resourceTemplates).toEqual([
        expect.objectContaining({ uriTemplate: 'weather://{country}/{city}', name: 'weather' }),
      ]);
    });

    it('reads through the template, and an unknown URI is -32002', async () => {
      const read = await client.readResource({ uri: 'weather://DE/Bonn' });
      expect(read.contents).toEqual([
        { uri: 'weather://DE/Bonn', mimeType: 'text/plain', text: 'Sunny in Bonn' },
      ]);
      const error = await client.readResource({ uri: 'weather://DE/Paris' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SdkMcpError);
      expect((error as SdkMcpError).code).toBe(-32002);
    });

    it('lists and gets a prompt; a missing required argument is -32602', async () => {
      const { prompts } = await client.listPrompts();
      expect(prompts.find((prompt) => prompt.name === 'trip_plan')?.arguments).toEqual([
        { name: 'destination', required: true },
        { name: 'season' },
      ]);
      const prompt = await client.getPrompt({
        name: 'trip_plan',
        arguments: { destination: 'Paris', season: 'spring' },
      });
      expect(prompt.messages).toEqual([
        { role: 'user', content: { type: 'text', text: 'Plan a trip to Paris in spring.' } },
      ]);
      const error = await client.getPrompt({ name: 'trip_plan', arguments: {} }).catch((e: unknown) => e);
      expect((error as SdkMcpError).code).toBe(-32602);
    });
  });

  describe('completion', () => {
    it('completes a prompt argument', async () => {
      const { completion } = await client.complete({
        ref: { type: 'ref/prompt', name: 'trip_plan' },
        argument: { name: 'destination', value: 'L' },
      });
      expect(completion.values).toEqual(['Lyon']);
    });

    it('completes a template variable, using the values already chosen', async () => {
      const { completion } = await client.complete({
        ref: { type: 'ref/resource', uri: 'weather://{country}/{city}' },
        argument: { name: 'city', value: 'B' },
        context: { arguments: { country: 'DE' } },
      });
      expect(completion.values).toEqual(['Berlin', 'Bonn', 'Bremen']);
      const countries = await client.complete({
        ref: { type: 'ref/resource', uri: 'weather://{country}/{city}' },
        argument: { name: 'country', value: 'f' },
      });
      expect(countries.completion.values).toEqual(['FR']);
    });
  });

  describe('subscriptions', () => {
    it('notifications/resources/updated for subscribed URIs only, and none after unsubscribe', async () => {
      await client.subscribeResource({ uri: 'docs://readme' });
      await call('touch', { uri: 'docs://logo' });
      await call('touch', { uri: 'docs://readme' });
      await vi.waitFor(() => expect(updatedUris).toContain('docs://readme'));
      await client.unsubscribeResource({ uri: 'docs://readme' });
      await call('touch', { uri: 'docs://readme' });
      // A later subscription's notification arrives after anything the unsubscribed touch could have caused.
      await client.subscribeResource({ uri: 'weather://FR/Paris' });
      await call('touch', { uri: 'weather://FR/Paris' });
      await vi.waitFor(() => expect(updatedUris).toContain('weather://FR/Paris'));
      expect(updatedUris).toEqual(['docs://readme', 'weather://FR/Paris']);
    });
  });

  describe('logging', () => {
    it('logging/setLevel filters notifications/message', async () => {
      await client.setLoggingLevel('debug');
      logs.length = 0;
      await call('chatty');
      await vi.waitFor(() => expect(logs.at(-1)?.level).toBe('error'));
      expect(logs).toEqual([
        { level: 'debug', logger: 'chatty', data: 'debug detail' },
        { level: 'info', logger: 'chatty', data: { step: 'info' } },
        { level: 'warning', logger: 'chatty', data: 'careful' },
        { level: 'error', logger: 'chatty', data: { problem: 'oops' } },
      ]);

      await client.setLoggingLevel('warning');
      logs.length = 0;
      await call('chatty');
      await vi.waitFor(() => expect(logs.at(-1)?.level).toBe('error'));
      expect(logs.map((log) => log.level)).toEqual(['warning', 'error']);
    });

    it('an invalid level is -32602', async () => {
      const error = await client
        .request({ method: 'logging/setLevel', params: { level: 'loud' } } as never, EmptyResultSchema)
        .catch((e: unknown) => e);
      expect((error as SdkMcpError).code).toBe(-32602);
    });
  });

  describe('progress and cancellation', () => {
    it('receives progress notifications for a call that asked for them', async () => {
      const updates: unknown[] = [];
      const result = await client.callTool(
        { name: 'count_up', arguments: { steps: 3, hold: true } },
        undefined,
        {
          onprogress: (progress) => {
            updates.push(progress);
            if (progress.progress === 3) void client.callTool({ name: 'release', arguments: {} });
          },
        },
      );
      expect(textOf(result.content as Content)).toBe('counted to 3');
      expect(updates).toEqual([
        { progress: 1, total: 3, message: 'step 1' },
        { progress: 2, total: 3, message: 'step 2' },
        { progress: 3, total: 3, message: 'step 3' },
      ]);
    });

    it('cancels a running call: the handler sees the abort', async () => {
      const controller = new AbortController();
      const pending = client.callTool({ name: 'wait_for_cancel', arguments: {} }, undefined, {
        signal: controller.signal,
        onprogress: () => controller.abort(new Error('user pressed stop')),
      });
      await expect(pending).rejects.toThrow('user pressed stop');
      const count = await client.callTool({ name: 'cancellations', arguments: {} });
      expect(count.structuredContent).toEqual({ count: 1 });
    });
  });

  it('a client that declared none of these capabilities gets isError results that say what is missing', async () => {
    const bareReportDir = await createReportDir();
    const bare = new Client({ name: 'official-v1-bare-client', version: '1.0.0' });
    try {
      await bare.connect(
        new StdioClientTransport({
          ...fixtureCommand('pmcp-features-server.ts'),
          env: { PMCP_SPEC_REPORT_DIR: bareReportDir.path },
          stderr: 'pipe',
        }),
      );
      for (const [tool, capability] of [
        ['ask_name', 'elicitation'],
        ['summarize', 'sampling'],
        ['list_roots', 'roots'],
      ] as const) {
        const result = await bare.callTool({
          name: tool,
          arguments: tool === 'summarize' ? { text: 'x' } : {},
        });
        expect(result.isError, tool).toBe(true);
        expect(textOf(result.content as Content), tool).toContain(capability);
      }
      await bare.close();
      const reports = await collectServerReports(bareReportDir.path);
      expectSpecValid(reports);
      // Nothing was asked of a client that cannot answer.
      const asked = reports.flatMap(sentMessages).map((message) => message.method);
      expect(asked).not.toContain('elicitation/create');
      expect(asked).not.toContain('sampling/createMessage');
      expect(asked).not.toContain('roots/list');
    } finally {
      await bare.close();
      await bareReportDir.dispose();
    }
  });

  it('after close: the server exited cleanly and every message it wrote matched the spec', async () => {
    await client.close();
    const reports = await collectServerReports(reportDir.path);
    expect(reports).toHaveLength(1);
    expectSpecValid(reports);
    const [report] = reports;
    if (!report) throw new Error('unreachable: one report was asserted above');
    expectCleanExit(report);
    const sent = sentMessages(report);
    expect(report.checked).toBe(sent.length);
    const sentMethods = new Set(sent.map((message) => message.method).filter(Boolean));
    for (const method of [
      'elicitation/create',
      'sampling/createMessage',
      'roots/list',
      'notifications/message',
      'notifications/resources/updated',
      'notifications/progress',
      'notifications/cancelled',
    ]) {
      expect(sentMethods, `the server sent ${method}`).toContain(method);
    }
    // The cancelled tool call took its pending question with it: the server cancelled its own elicitation/create.
    const cancelledIds = sent
      .filter((message) => message.method === 'notifications/cancelled')
      .map((message) => (message.params as { requestId?: unknown }).requestId);
    const elicitationIds = sent.filter((message) => message.method === 'elicitation/create').map((m) => m.id);
    expect(cancelledIds.length).toBeGreaterThan(0);
    for (const id of cancelledIds) expect(elicitationIds).toContain(id);
    const answered = new Set(
      receivedMessages(report)
        .map((message) => message.method)
        .filter(Boolean),
    );
    for (const method of [
      'resources/subscribe',
      'resources/unsubscribe',
      'logging/setLevel',
      'completion/complete',
    ]) {
      expect(answered, `the client sent ${method}`).toContain(method);
    }
  });
});
