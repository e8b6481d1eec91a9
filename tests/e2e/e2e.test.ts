/**
 * Every feature of issue 3, end to end, in both eras (a pmcp client connected with `era: 'modern'` and with
 * `era: 'legacy'`) over both the in-memory pair and stdio (the fixture server in a real child process). Both
 * sides' messages are recorded and validated against the JSON Schema of the revision in use; the wire is also
 * inspected where the behaviour is only visible there (MRTR rounds, subscription ids, what was not sent).
 */
import {
  type ClientEvents,
  type ClientOptions,
  type ElicitationRequest,
  ResourceNotFoundError,
} from '@pmcp/client';
import { McpError, RequestCancelledError, TransportClosedError } from '@pmcp/jsonrpc';
import type { CreateMessageRequestParams } from '@pmcp/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BINARY_BYTES,
  buildEverythingServer,
  LISTED_ITEM_IDS,
  PAGE_SIZE,
  PNG_BASE64,
  SERVER_TTL_MS,
  STATIC_RESOURCE_URIS,
  STATIC_TEXT_TTL_MS,
  STATIC_TOOL_NAMES,
  WAV_BASE64,
} from './fixtures/everything-server.ts';
import {
  type Connection,
  type ConnectionReport,
  type Era,
  modernMeta,
  openConnection,
  openRawConnection,
  type RawConnection,
  readInBackground,
  removeReports,
  type TransportKind,
  textOf,
  type WireMessage,
  waitFor,
} from './harness.ts';

const MATRIX: [TransportKind, Era][] = [
  ['in-memory', 'modern'],
  ['in-memory', 'legacy'],
  ['stdio', 'modern'],
  ['stdio', 'legacy'],
];

const ROOT = { uri: 'file:///work/project', name: 'project' };
const MODERN_VERSION = '2026-07-28';
const LEGACY_VERSION = '2025-11-25';

/** Fills a form from its schema, so any elicitation the fixture sends can be accepted. */
function fillForm(request: ElicitationRequest): Record<string, string | number | boolean> {
  const content: Record<string, string | number | boolean> = {};
  if (request.mode === 'url') return content;
  for (const [name, schema] of Object.entries(request.requestedSchema.properties)) {
    content[name] = schema.type === 'boolean' ? true : schema.type === 'string' ? 'Ada' : 1;
  }
  return content;
}

function sampleAnswer(request: CreateMessageRequestParams): string {
  if (request.tools !== undefined) return `tools seen: ${request.tools.map((tool) => tool.name).join(',')}`;
  return 'short summary';
}

/** Collects one client event. */
function collect<Event extends keyof ClientEvents>(
  connection: Connection,
  event: Event,
): { items: ClientEvents[Event][]; stop: () => void } {
  const items: ClientEvents[Event][] = [];
  const stop = connection.client.on(event, (params) => items.push(params));
  return { items, stop };
}

const sentRequests = (messages: WireMessage[], method: string, name?: string) =>
  messages.filter(
    ({ direction, message }) =>
      direction === 'sent' &&
      message.method === method &&
      'id' in message &&
      (name === undefined || message.params?.name === name),
  );

const receivedRequests = (messages: WireMessage[], method: string) =>
  messages.filter(
    ({ direction, message }) => direction === 'received' && message.method === method && 'id' in message,
  );

const notificationsOf = (messages: WireMessage[], direction: 'sent' | 'received', method: string) =>
  messages.filter(
    ({ direction: d, message }) => d === direction && message.method === method && !('id' in message),
  );

const responseTo = (messages: WireMessage[], id: unknown) =>
  messages.find(
    ({ direction, message }) => direction === 'received' && message.id === id && !('method' in message),
  )?.message;

/**
 * Room for starting and stopping stdio child processes on a loaded machine (the suite runs beside every other
 * one). A guard against hangs, not a statement about speed: `waitFor` gives up long before it.
 */
const PROCESS_LIMIT_MS = 120_000;

describe.each(MATRIX)('end to end over %s, %s era', { timeout: PROCESS_LIMIT_MS }, (transport, era) => {
  const modern = era === 'modern';
  const opened: (Connection | RawConnection)[] = [];
  const seen = {
    elicit: [] as { request: ElicitationRequest; era: string }[],
    sample: [] as CreateMessageRequestParams[],
    roots: 0,
  };
  const fullHandlers: ClientOptions = {
    onElicit: {
      modes: ['form', 'url'],
      handler: (request, context) => {
        seen.elicit.push({ request, era: context.era });
        return request.mode === 'url'
          ? { action: 'accept' }
          : { action: 'accept', content: fillForm(request) };
      },
    },
    onSample: {
      tools: true,
      handler: (request) => {
        seen.sample.push(request);
        return {
          role: 'assistant',
          content: { type: 'text', text: sampleAnswer(request) },
          model: 'e2e-model',
          stopReason: 'endTurn',
        };
      },
    },
    onRoots: () => {
      seen.roots += 1;
      return [ROOT];
    },
  };
  // Form elicitation only, sampling without tools, no roots: for the capability checks. Reads are cached.
  const limitedHandlers: ClientOptions = {
    onElicit: (request) => ({ action: 'accept', content: fillForm(request) }),
    onSample: (request) => ({
      role: 'assistant',
      content: { type: 'text', text: sampleAnswer(request) },
      model: 'e2e-model',
    }),
    cache: { reads: true },
  };

  let main: Connection;
  let limited: Connection;

  async function open(label: string, options: ClientOptions): Promise<Connection> {
    const connection = await openConnection(transport, era, label, options);
    opened.push(connection);
    return connection;
  }

  async function openRaw(label: string): Promise<RawConnection> {
    const connection = await openRawConnection(transport, label);
    opened.push(connection);
    return connection;
  }

  /** Expects the era's refusal of an input the client did not declare: -32021 modern, an isError result legacy. */
  async function expectMissingCapability(
    connection: Connection,
    tool: string,
    required: Record<string, unknown>,
    legacyText: string,
  ): Promise<void> {
    const mark = connection.wire.mark();
    if (modern) {
      const error = await connection.client.callTool(tool, {}).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(McpError);
      expect(error).toMatchObject({ code: -32021, data: { requiredCapabilities: required } });
      // Refused outright: no input round was offered for a question the client cannot answer.
      const calls = sentRequests(connection.wire.since(mark), 'tools/call', tool);
      expect(calls).toHaveLength(1);
      expect(responseTo(connection.wire.since(mark), calls[0]?.message.id)).toMatchObject({
        error: { code: -32021 },
      });
    } else {
      const result = await connection.client.callTool(tool, {});
      expect(result.isError).toBe(true);
      expect(textOf(result.content)).toContain(legacyText);
      // The server never sent the question.
      const messages = connection.wire.since(mark);
      for (const method of ['elicitation/create', 'sampling/createMessage', 'roots/list']) {
        expect(receivedRequests(messages, method)).toEqual([]);
      }
    }
  }

  /**
   * Modern: the call went out twice — an `InputRequiredResult` came back first, the retry had a new id, echoed the
   * `requestState` exactly and answered every key. Legacy: one call, and the server asked with its own requests.
   */
  function expectInputRounds(
    messages: WireMessage[],
    method: string,
    name: string | undefined,
    inputs: Record<string, string>,
  ): void {
    const calls = sentRequests(messages, method).filter(
      ({ message }) => name === undefined || message.params?.name === name || message.params?.uri === name,
    );
    if (modern) {
      expect(calls).toHaveLength(2);
      const [first, retry] = calls.map(({ message }) => message);
      expect(first?.params).not.toHaveProperty('requestState');
      expect(first?.params).not.toHaveProperty('inputResponses');
      const asked = responseTo(messages, first?.id)?.result;
      expect(asked?.resultType).toBe('input_required');
      expect(typeof asked?.requestState).toBe('string');
      expect(asked).not.toHaveProperty('ttlMs');
      const requested = Object.fromEntries(
        Object.entries(asked?.inputRequests ?? {}).map(([key, value]) => [
          key,
          (value as { method: string }).method,
        ]),
      );
      expect(requested).toEqual(inputs);
      expect(retry?.id).not.toBe(first?.id);
      expect(retry?.params.requestState).toBe(asked?.requestState);
      expect(Object.keys(retry?.params.inputResponses ?? {}).sort()).toEqual(Object.keys(inputs).sort());
      expect(responseTo(messages, retry?.id)?.result?.resultType).toBe('complete');
      for (const method of Object.values(inputs)) expect(receivedRequests(messages, method)).toEqual([]);
    } else {
      expect(calls).toHaveLength(1);
      const result = responseTo(messages, calls[0]?.message.id)?.result;
      expect(result).not.toHaveProperty('resultType');
      for (const method of new Set(Object.values(inputs))) {
        const asked = receivedRequests(messages, method);
        expect(asked.length, `server→client ${method}`).toBeGreaterThan(0);
        for (const { message } of asked) {
          // Answered by the client's handler on the same wire.
          expect(
            messages.some(
              (m) => m.direction === 'sent' && m.message.id === message.id && 'result' in m.message,
            ),
          ).toBe(true);
        }
      }
    }
  }

  beforeAll(async () => {
    main = await open('main', fullHandlers);
    limited = await open('limited', limitedHandlers);
  }, PROCESS_LIMIT_MS);

  afterAll(async () => {
    await Promise.allSettled(opened.map((connection) => connection.close()));
    await removeReports();
  }, PROCESS_LIMIT_MS);

  describe('connection', () => {
    it('speaks the requested era and revision', async () => {
      expect(main.client.era).toBe(era);
      expect(main.client.protocolVersion).toBe(modern ? MODERN_VERSION : LEGACY_VERSION);
      expect(main.client.serverInfo).toMatchObject({ name: 'pmcp-e2e', version: '3.0.0' });
      expect(main.client.instructions).toBe('Fixture for the end-to-end suite.');
      const handshake = main.wire.since(0).filter(({ direction }) => direction === 'sent')[0]?.message;
      expect(handshake?.method).toBe(modern ? 'server/discover' : 'initialize');
    });

    it('advertises what the server has, and the client declares what its handlers answer', () => {
      const capabilities = main.client.serverCapabilities;
      expect(capabilities).toMatchObject({
        tools: { listChanged: true },
        prompts: { listChanged: true },
        resources: { listChanged: true },
        completions: {},
        logging: {},
      });
      if (!modern) expect(capabilities?.resources).toMatchObject({ subscribe: true });
      expect(main.client.capabilities).toMatchObject({
        elicitation: { form: {}, url: {} },
        sampling: { tools: {} },
        roots: {},
      });
      expect(limited.client.capabilities.roots).toBeUndefined();
      expect(limited.client.capabilities.elicitation).not.toHaveProperty('url');
    });

    it(modern ? 'has no ping (removed in 2026-07-28)' : 'answers ping', async () => {
      if (modern) await expect(main.client.ping()).rejects.toMatchObject({ code: -32601 });
      else await expect(main.client.ping()).resolves.toBeUndefined();
    });
  });

  describe('resources', () => {
    it('reads a static text resource', async () => {
      const { contents } = await main.client.readResource('test://static/text');
      expect(contents).toEqual([
        { uri: 'test://static/text', mimeType: 'text/plain', text: 'This is the static text resource.' },
      ]);
    });

    it('reads a static binary resource as base64', async () => {
      const { contents } = await main.client.readResource('test://static/binary');
      expect(contents).toHaveLength(1);
      const [item] = contents;
      expect(item).toMatchObject({ uri: 'test://static/binary', mimeType: 'application/octet-stream' });
      expect(item && 'blob' in item ? [...Buffer.from(item.blob, 'base64')] : undefined).toEqual([
        ...BINARY_BYTES,
      ]);
    });

    it('lists resources in pages with an opaque cursor, then the template list callback entries', async () => {
      const expected = [...STATIC_RESOURCE_URIS, ...LISTED_ITEM_IDS.map((id) => `test://items/${id}`)];
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await main.client.listResources(
          cursor === undefined ? { cache: false } : { cursor, cache: false },
        );
        pages.push(page.resources.map((resource) => resource.uri));
        cursor = page.nextCursor;
      } while (cursor !== undefined && pages.length < 10);
      expect(pages.length).toBe(Math.ceil(expected.length / PAGE_SIZE));
      for (const page of pages) expect(page.length).toBeLessThanOrEqual(PAGE_SIZE);
      expect(pages.flat()).toEqual(expected);
      const all = await main.client.listAllResources({ cache: false });
      expect(all.map((resource) => resource.uri)).toEqual(expected);
      // Listed through the template: the template's mimeType is filled in.
      expect(all.find((resource) => resource.uri === 'test://items/2')).toMatchObject({
        name: 'item 2',
        mimeType: 'application/json',
      });
    });

    it('rejects a cursor the server did not issue with -32602', async () => {
      await expect(
        main.client.listResources({ cursor: 'not-a-real-cursor', cache: false }),
      ).rejects.toMatchObject({
        code: -32602,
      });
      await expect(main.client.listTools({ cursor: 'bogus', cache: false })).rejects.toMatchObject({
        code: -32602,
      });
    });

    it(`reports a missing resource with ${modern ? '-32602' : '-32002'}, never an empty contents`, async () => {
      const code = modern ? -32602 : -32002;
      for (const uri of ['test://nowhere', 'test://items/1000']) {
        const mark = main.wire.mark();
        const error = await main.client.readResource(uri).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(error, uri).toBeInstanceOf(ResourceNotFoundError);
        expect(error).toMatchObject({ code, uri });
        const [request] = sentRequests(main.wire.since(mark), 'resources/read');
        expect(responseTo(main.wire.since(mark), request?.message.id)).toMatchObject({
          error: { code, data: { uri } },
        });
      }
    });
  });

  describe('resource templates', () => {
    it('lists the templates in registration order', async () => {
      const templates = await main.client.listAllResourceTemplates({ cache: false });
      expect(templates.map((template) => template.uriTemplate)).toEqual([
        'test://items/{id}',
        'weather://{country}/{city}{?units}',
        'search://docs{?q,tags*}',
      ]);
    });

    it('reads through templates, with simple, query and exploded variables', async () => {
      const item = await main.client.readResource('test://items/2');
      expect(item.contents).toEqual([
        {
          uri: 'test://items/2',
          mimeType: 'application/json',
          text: JSON.stringify({ id: '2', label: 'Item 2' }),
        },
      ]);
      const weather = await main.client.readResource('weather://FR/Paris?units=imperial');
      expect(weather.contents[0]).toMatchObject({ text: 'Paris (FR): 21 °F' });
      const search = await main.client.readResource('search://docs?q=mcp&tags=a&tags=b');
      const text = search.contents[0] && 'text' in search.contents[0] ? search.contents[0].text : '';
      expect(JSON.parse(text)).toEqual({ q: 'mcp', tags: ['a', 'b'] });
    });

    it('completes template variables, using the values already chosen', async () => {
      const ref = { type: 'ref/resource', uri: 'weather://{country}/{city}{?units}' } as const;
      const countries = await main.client.complete(ref, { name: 'country', value: 'f' });
      expect(countries.completion.values).toEqual(['FR']);
      const german = await main.client.complete(
        ref,
        { name: 'city', value: 'B' },
        { arguments: { country: 'DE' } },
      );
      expect(german.completion.values).toEqual(['Berlin', 'Bonn', 'Bremen']);
      const french = await main.client.complete(
        ref,
        { name: 'city', value: 'L' },
        { arguments: { country: 'FR' } },
      );
      expect(french.completion.values).toEqual(['Lyon', 'Lille']);
      const items = await main.client.complete(
        { type: 'ref/resource', uri: 'test://items/{id}' },
        { name: 'id', value: '2' },
      );
      expect(items.completion.values).toEqual(['2', '20']);
    });
  });

  describe('prompts', () => {
    it('lists prompts with their arguments', async () => {
      const prompts = await main.client.listAllPrompts({ cache: false });
      expect(prompts.map((prompt) => prompt.name)).toEqual([
        'simple',
        'greet',
        'all_content',
        'many_words',
        'workspace',
      ]);
      expect(prompts.find((prompt) => prompt.name === 'greet')).toMatchObject({
        title: 'Greeting',
        description: 'Greets someone in a style',
        arguments: [
          { name: 'name', description: 'Who to greet', required: true },
          { name: 'style', description: 'How to greet' },
        ],
      });
    });

    it('gets a prompt with its arguments filled in', async () => {
      const simple = await main.client.getPrompt('simple');
      expect(simple.messages).toEqual([
        { role: 'user', content: { type: 'text', text: 'This is a simple prompt.' } },
      ]);
      const greet = await main.client.getPrompt('greet', { name: 'Ada', style: 'formal' });
      expect(greet.messages).toEqual([
        { role: 'user', content: { type: 'text', text: 'Greet Ada in a formal way.' } },
      ]);
      expect(greet.description).toBe('Greets someone in a style');
    });

    it('refuses a missing required argument and an unknown prompt with -32602', async () => {
      await expect(main.client.getPrompt('greet', { style: 'funny' })).rejects.toMatchObject({
        code: -32602,
        message: expect.stringContaining('"name"'),
      });
      await expect(main.client.getPrompt('no_such_prompt')).rejects.toMatchObject({ code: -32602 });
    });

    it('carries every content type: text, image, audio, resource link, embedded resource', async () => {
      const { messages, description } = await main.client.getPrompt('all_content');
      expect(description).toBe('every content type');
      expect(messages.map((message) => message.content)).toEqual([
        { type: 'text', text: 'Look at these:' },
        { type: 'image', data: PNG_BASE64, mimeType: 'image/png' },
        { type: 'audio', data: WAV_BASE64, mimeType: 'audio/wav' },
        { type: 'resource_link', uri: 'test://static/text', name: 'static-text', mimeType: 'text/plain' },
        {
          type: 'resource',
          resource: { uri: 'test://static/json', mimeType: 'application/json', text: '{"static":true}' },
        },
      ]);
      expect(messages.at(-1)?.role).toBe('assistant');
    });
  });

  describe('completion', () => {
    it('completes prompt arguments', async () => {
      const { completion } = await main.client.complete(
        { type: 'ref/prompt', name: 'greet' },
        { name: 'style', value: 'f' },
      );
      expect(completion.values).toEqual(['formal', 'friendly', 'funny']);
      const none = await main.client.complete(
        { type: 'ref/prompt', name: 'greet' },
        { name: 'name', value: 'A' },
      );
      expect(none.completion.values).toEqual([]);
    });

    it('sends at most 100 values, with total and hasMore', async () => {
      const ref = { type: 'ref/prompt', name: 'many_words' } as const;
      const all = await main.client.complete(ref, { name: 'word', value: 'word' });
      expect(all.completion.values).toHaveLength(100);
      expect(all.completion.values[0]).toBe('word000');
      expect(all.completion).toMatchObject({ total: 150, hasMore: true });
      const few = await main.client.complete(ref, { name: 'word', value: 'word14' });
      expect(few.completion.values).toEqual(Array.from({ length: 10 }, (_, index) => `word14${index}`));
      expect(few.completion.hasMore ?? false).toBe(false);
    });

    it('refuses completion for an unknown prompt with -32602', async () => {
      await expect(
        main.client.complete({ type: 'ref/prompt', name: 'no_such_prompt' }, { name: 'x', value: '' }),
      ).rejects.toMatchObject({ code: -32602 });
    });
  });

  describe('dynamic registries', () => {
    it('lists tools in registration order, the same every time', async () => {
      const first = await limited.client.listAllTools({ cache: false });
      const second = await limited.client.listAllTools({ cache: false });
      expect(first.map((tool) => tool.name)).toEqual(STATIC_TOOL_NAMES);
      expect(second).toEqual(first);
    });

    it(`announces tool changes ${modern ? 'on a listen stream' : 'to the session listener'} (add, disable, enable, remove)`, async () => {
      const listener = collect(main, 'toolsListChanged');
      const subscription = await main.client.listen({ toolsListChanged: true });
      const inbox = readInBackground(subscription);
      const mark = main.wire.mark();
      const method = 'notifications/tools/list_changed';
      const step = async (action: string, expectListed: boolean, count: number) => {
        await main.client.callTool('registry', { kind: 'tool', action, name: 'dyn_tool' });
        await waitFor(() => inbox.count(method) >= count, `${method} #${count} after ${action}`);
        const names = (await main.client.listAllTools()).map((tool) => tool.name);
        expect(names.includes('dyn_tool'), `listed after ${action}`).toBe(expectListed);
      };
      try {
        await step('add', true, 1);
        await expect(main.client.callTool('dyn_tool')).resolves.toMatchObject({
          content: [{ type: 'text', text: 'dynamic dyn_tool ran' }],
        });
        await step('disable', false, 2);
        await expect(main.client.callTool('dyn_tool')).rejects.toMatchObject({ code: -32602 });
        await step('enable', true, 3);
        await step('remove', false, 4);
      } finally {
        await subscription.close();
        listener.stop();
      }
      expect(inbox.count(method)).toBe(4);
      // The listener hears them whichever way they came.
      expect(listener.items).toHaveLength(4);
      const onWire = notificationsOf(main.wire.since(mark), 'received', method);
      expect(onWire).toHaveLength(4);
      for (const { message } of onWire) {
        if (modern)
          expect(message.params._meta['io.modelcontextprotocol/subscriptionId']).toBe(subscription.id);
        else expect(message.params?._meta).toBeUndefined();
      }
    });

    it('announces prompt and resource changes too', async () => {
      const prompts = collect(main, 'promptsListChanged');
      const resources = collect(main, 'resourcesListChanged');
      const subscription = await main.client.listen({ promptsListChanged: true, resourcesListChanged: true });
      const inbox = readInBackground(subscription);
      const promptChanged = 'notifications/prompts/list_changed';
      const resourceChanged = 'notifications/resources/list_changed';
      try {
        await main.client.callTool('registry', { kind: 'prompt', action: 'add', name: 'dyn_prompt' });
        await waitFor(() => inbox.count(promptChanged) >= 1, 'prompts list_changed after add');
        expect((await main.client.listAllPrompts()).map((prompt) => prompt.name)).toContain('dyn_prompt');
        expect((await main.client.getPrompt('dyn_prompt')).messages[0]?.content).toEqual({
          type: 'text',
          text: 'dynamic dyn_prompt',
        });
        await main.client.callTool('registry', { kind: 'prompt', action: 'disable', name: 'dyn_prompt' });
        await waitFor(() => inbox.count(promptChanged) >= 2, 'prompts list_changed after disable');
        expect((await main.client.listAllPrompts()).map((prompt) => prompt.name)).not.toContain('dyn_prompt');
        await expect(main.client.getPrompt('dyn_prompt')).rejects.toMatchObject({ code: -32602 });
        await main.client.callTool('registry', { kind: 'prompt', action: 'remove', name: 'dyn_prompt' });
        await waitFor(() => inbox.count(promptChanged) >= 3, 'prompts list_changed after remove');

        await main.client.callTool('registry', { kind: 'resource', action: 'add', name: 'dyn_res' });
        await waitFor(() => inbox.count(resourceChanged) >= 1, 'resources list_changed after add');
        expect((await main.client.listAllResources()).map((resource) => resource.uri)).toContain(
          'test://dynamic/dyn_res',
        );
        await main.client.callTool('registry', { kind: 'resource', action: 'disable', name: 'dyn_res' });
        await waitFor(() => inbox.count(resourceChanged) >= 2, 'resources list_changed after disable');
        expect((await main.client.listAllResources()).map((resource) => resource.uri)).not.toContain(
          'test://dynamic/dyn_res',
        );
        await expect(main.client.readResource('test://dynamic/dyn_res')).rejects.toBeInstanceOf(
          ResourceNotFoundError,
        );
        await main.client.callTool('registry', { kind: 'resource', action: 'enable', name: 'dyn_res' });
        await waitFor(() => inbox.count(resourceChanged) >= 3, 'resources list_changed after enable');
        expect((await main.client.readResource('test://dynamic/dyn_res')).contents[0]).toMatchObject({
          text: 'dynamic dyn_res',
        });
        await main.client.callTool('registry', { kind: 'resource', action: 'remove', name: 'dyn_res' });
        await waitFor(() => inbox.count(resourceChanged) >= 4, 'resources list_changed after remove');
      } finally {
        await subscription.close();
        prompts.stop();
        resources.stop();
      }
      expect(prompts.items).toHaveLength(3);
      expect(resources.items).toHaveLength(4);
    });

    it('merges many registrations into few list_changed notifications, and repeated updates into one', async () => {
      const subscription = await main.client.listen({
        toolsListChanged: true,
        resourceSubscriptions: ['test://watched/a'],
      });
      const inbox = readInBackground(subscription);
      const mark = main.wire.mark();
      const changed = 'notifications/tools/list_changed';
      try {
        await main.client.callTool('register_many', { count: 25 });
        await waitFor(() => inbox.count(changed) >= 1, 'list_changed after 25 registrations');
        expect(
          (await main.client.listAllTools()).filter((tool) => tool.name.startsWith('bulk_')),
        ).toHaveLength(25);
        await main.client.callTool('register_many', { count: 1, remove: true });
        await waitFor(() => inbox.count(changed) >= 2, 'list_changed after 25 removals');
        await main.client.callTool('touch', { uri: 'test://watched/a', times: 10 });
        // Batches go out in order: once the update is here, every earlier change notification is too.
        await waitFor(
          () => inbox.count('notifications/resources/updated') >= 1,
          'resources/updated after 10 touches',
        );
      } finally {
        await subscription.close();
      }
      const messages = main.wire.since(mark);
      expect(notificationsOf(messages, 'received', changed)).toHaveLength(2);
      expect(notificationsOf(messages, 'received', 'notifications/resources/updated')).toHaveLength(1);
      expect((await main.client.listAllTools()).map((tool) => tool.name)).toEqual(STATIC_TOOL_NAMES);
    });
  });

  describe('subscriptions', () => {
    if (modern) {
      it('refuses legacy resources/subscribe, pointing to listen()', async () => {
        await expect(main.client.subscribeResource('test://watched/a')).rejects.toMatchObject({
          code: -32601,
          message: expect.stringContaining('listen'),
        });
      });

      it('acknowledges a listen first, then tags every notification with the subscription id', async () => {
        const mark = main.wire.mark();
        const subscription = await main.client.listen({
          resourceSubscriptions: ['test://watched/a'],
          toolsListChanged: true,
        });
        const inbox = readInBackground(subscription);
        try {
          await main.client.callTool('touch', { uri: 'test://watched/a' });
          await waitFor(
            () => inbox.count('notifications/resources/updated', 'test://watched/a') >= 1,
            'update of a',
          );
        } finally {
          await subscription.close();
        }
        const messages = main.wire.since(mark);
        const [listen] = sentRequests(messages, 'subscriptions/listen');
        expect(listen?.message.params.notifications).toEqual({
          resourceSubscriptions: ['test://watched/a'],
          toolsListChanged: true,
        });
        expect(subscription.id).toBe(listen?.message.id);
        expect(subscription.acknowledged).toEqual({
          resourceSubscriptions: ['test://watched/a'],
          toolsListChanged: true,
        });
        const tagged = messages.filter(
          ({ direction, message }) =>
            direction === 'received' &&
            message.params?._meta?.['io.modelcontextprotocol/subscriptionId'] === listen?.message.id,
        );
        expect(tagged[0]?.message.method).toBe('notifications/subscriptions/acknowledged');
        expect(tagged.map(({ message }) => message.method)).toContain('notifications/resources/updated');
        // Ended by the client: notifications/cancelled for the listen request.
        expect(subscription.ended).toBe(true);
        const cancelled = notificationsOf(messages, 'sent', 'notifications/cancelled');
        expect(cancelled.map(({ message }) => message.params.requestId)).toContain(listen?.message.id);
      });

      it('holds several listens at once, each getting only what it asked for', async () => {
        const mark = main.wire.mark();
        const onlyA = await main.client.listen({ resourceSubscriptions: ['test://watched/a'] });
        const promptsAndB = await main.client.listen({
          promptsListChanged: true,
          resourceSubscriptions: ['test://watched/b'],
        });
        const inboxA = readInBackground(onlyA);
        const inboxB = readInBackground(promptsAndB);
        expect(onlyA.id).not.toBe(promptsAndB.id);
        try {
          await main.client.callTool('touch', { uri: 'test://watched/b' });
          await main.client.callTool('registry', { kind: 'prompt', action: 'add', name: 'filter_probe' });
          await waitFor(() => inboxB.count('notifications/prompts/list_changed') >= 1, 'prompts change on B');
          await waitFor(
            () => inboxB.count('notifications/resources/updated', 'test://watched/b') >= 1,
            'b on B',
          );
          await main.client.callTool('touch', { uri: 'test://watched/a' });
          await waitFor(
            () => inboxA.count('notifications/resources/updated', 'test://watched/a') >= 1,
            'a on A',
          );
        } finally {
          await main.client.callTool('registry', { kind: 'prompt', action: 'remove', name: 'filter_probe' });
          await onlyA.close();
          await promptsAndB.close();
        }
        expect(inboxA.notifications.map((notification) => notification.method)).toEqual([
          'notifications/resources/updated',
        ]);
        expect(inboxB.count('notifications/resources/updated', 'test://watched/a')).toBe(0);
        // The filter is the server's doing: nothing for A but its own URI was ever sent with A's id.
        const forA = main.wire
          .since(mark)
          .filter(
            ({ direction, message }) =>
              direction === 'received' &&
              message.params?._meta?.['io.modelcontextprotocol/subscriptionId'] === onlyA.id,
          )
          .map(({ message }) => `${message.method} ${message.params.uri ?? ''}`.trim());
        expect(forA).toEqual([
          'notifications/subscriptions/acknowledged',
          'notifications/resources/updated test://watched/a',
        ]);
      });

      it('stops sending to a listen the client ended, while another one goes on', async () => {
        const first = await main.client.listen({ resourceSubscriptions: ['test://watched/a'] });
        const second = await main.client.listen({ resourceSubscriptions: ['test://watched/a'] });
        const inboxFirst = readInBackground(first);
        const inboxSecond = readInBackground(second);
        await first.close();
        await expect(inboxFirst.ended).resolves.toBeUndefined();
        const mark = main.wire.mark();
        try {
          await main.client.callTool('touch', { uri: 'test://watched/a' });
          await waitFor(
            () => inboxSecond.count('notifications/resources/updated') >= 1,
            'update on the open listen',
          );
        } finally {
          await second.close();
        }
        const updates = notificationsOf(main.wire.since(mark), 'received', 'notifications/resources/updated');
        expect(
          updates.map(({ message }) => message.params._meta['io.modelcontextprotocol/subscriptionId']),
        ).toEqual([second.id]);
        expect(inboxFirst.notifications).toEqual([]);
      });
    } else {
      it('subscribes to a resource and gets notifications/resources/updated until unsubscribed', async () => {
        const updates = collect(main, 'resourceUpdated');
        const mark = main.wire.mark();
        try {
          await main.client.subscribeResource('test://watched/a');
          const before = await main.client.readResource('test://watched/a');
          await main.client.callTool('touch', { uri: 'test://watched/a' });
          await waitFor(
            () => updates.items.some((update) => update.uri === 'test://watched/a'),
            'update of a',
          );
          const after = await main.client.readResource('test://watched/a');
          expect(after.contents).not.toEqual(before.contents);
          await main.client.unsubscribeResource('test://watched/a');
          await main.client.subscribeResource('test://watched/b');
          await main.client.callTool('touch', { uri: 'test://watched/a' });
          await main.client.callTool('touch', { uri: 'test://watched/b' });
          // Updates go out in order: once b's is here, a second one for a would have come before it.
          await waitFor(
            () => updates.items.some((update) => update.uri === 'test://watched/b'),
            'update of b',
          );
        } finally {
          await main.client.unsubscribeResource('test://watched/b');
          updates.stop();
        }
        expect(updates.items.map((update) => update.uri)).toEqual(['test://watched/a', 'test://watched/b']);
        const messages = main.wire.since(mark);
        expect(
          sentRequests(messages, 'resources/subscribe').map(({ message }) => message.params.uri),
        ).toEqual(['test://watched/a', 'test://watched/b']);
        expect(
          sentRequests(messages, 'resources/unsubscribe').map(({ message }) => message.params.uri),
        ).toEqual(['test://watched/a', 'test://watched/b']);
      });

      it('emulates listen() with the session: acknowledged by capabilities, subscribe and unsubscribe on the wire', async () => {
        const mark = main.wire.mark();
        const subscription = await main.client.listen({
          resourceSubscriptions: ['test://watched/a'],
          toolsListChanged: true,
        });
        const inbox = readInBackground(subscription);
        expect(subscription.id).toBeUndefined();
        expect(subscription.acknowledged).toEqual({
          resourceSubscriptions: ['test://watched/a'],
          toolsListChanged: true,
        });
        try {
          await main.client.callTool('touch', { uri: 'test://watched/b' });
          await main.client.callTool('touch', { uri: 'test://watched/a' });
          await waitFor(
            () => inbox.count('notifications/resources/updated', 'test://watched/a') >= 1,
            'update of a',
          );
        } finally {
          await subscription.close();
        }
        expect(inbox.count('notifications/resources/updated', 'test://watched/b')).toBe(0);
        const messages = main.wire.since(mark);
        expect(sentRequests(messages, 'subscriptions/listen')).toEqual([]);
        expect(
          sentRequests(messages, 'resources/subscribe').map(({ message }) => message.params.uri),
        ).toEqual(['test://watched/a']);
        expect(
          sentRequests(messages, 'resources/unsubscribe').map(({ message }) => message.params.uri),
        ).toEqual(['test://watched/a']);
      });
    }

    it(
      modern
        ? 'ends open listens gracefully with a complete result when the server closes'
        : 'ends the emulated listen with the connection when the server closes',
      async () => {
        const doomed = await open('doomed', {});
        // Known tools: the client needs no tools/list (to look for an outputSchema) after the server is gone.
        await doomed.client.listAllTools();
        const subscription = await doomed.client.listen({ toolsListChanged: true });
        const inbox = readInBackground(subscription);
        const mark = doomed.wire.mark();
        await doomed.client.callTool('shutdown');
        const outcome = await inbox.ended;
        if (modern) {
          expect(outcome).toBeUndefined();
          const result = responseTo(doomed.wire.since(0), subscription.id)?.result;
          expect(result).toEqual({
            resultType: 'complete',
            _meta: expect.objectContaining({ 'io.modelcontextprotocol/subscriptionId': subscription.id }),
          });
        } else {
          expect(outcome).toBeInstanceOf(TransportClosedError);
        }
        expect(subscription.ended).toBe(true);
        expect(doomed.wire.since(mark).some(({ message }) => message.method === 'tools/call')).toBe(true);
      },
    );
  });

  describe('handler context', () => {
    it('reports monotonic progress when the request carries a token, and none otherwise', async () => {
      const updates: { progress: number; total?: number; message?: string }[] = [];
      const mark = main.wire.mark();
      const result = await main.client.callTool(
        'count_up',
        { steps: 5 },
        { onProgress: (update) => updates.push(update) },
      );
      expect(textOf(result.content)).toBe('counted to 5');
      expect(updates.map((update) => update.progress)).toEqual([1, 2, 3, 4, 5]);
      expect(updates.every((update) => update.total === 5)).toBe(true);
      expect(updates[2]?.message).toBe('step 3');
      const withToken = main.wire.since(mark);
      const [call] = sentRequests(withToken, 'tools/call', 'count_up');
      const token = call?.message.params._meta.progressToken;
      expect(token).toBeDefined();
      const progress = notificationsOf(withToken, 'received', 'notifications/progress');
      expect(progress.map(({ message }) => message.params.progressToken)).toEqual([
        token,
        token,
        token,
        token,
        token,
      ]);

      const quiet = main.wire.mark();
      const listener = collect(main, 'progress');
      await main.client.callTool('count_up', { steps: 3 });
      listener.stop();
      const withoutToken = main.wire.since(quiet);
      expect(
        sentRequests(withoutToken, 'tools/call', 'count_up')[0]?.message.params._meta?.progressToken,
      ).toBeUndefined();
      expect(notificationsOf(withoutToken, 'received', 'notifications/progress')).toEqual([]);
      expect(listener.items).toEqual([]);
    });

    it('refuses progress that goes backwards', async () => {
      const result = await main.client.callTool('progress_backwards', {}, { onProgress: () => undefined });
      expect(textOf(result.content)).toBe('refused: RangeError');
    });

    it('aborts ctx.signal when the client cancels, and never answers the cancelled request', async () => {
      const count = async () =>
        (await main.client.callTool('cancellations')).structuredContent as { count: number } | undefined;
      const before = (await count())?.count ?? -1;
      const controller = new AbortController();
      const mark = main.wire.mark();
      const call = main.client.callTool(
        'wait_for_cancel',
        {},
        { signal: controller.signal, onProgress: () => controller.abort(new Error('user pressed stop')) },
      );
      await expect(call).rejects.toBeInstanceOf(RequestCancelledError);
      expect((await count())?.count).toBe(before + 1);
      const messages = main.wire.since(mark);
      const [request] = sentRequests(messages, 'tools/call', 'wait_for_cancel');
      const cancelled = notificationsOf(messages, 'sent', 'notifications/cancelled');
      expect(cancelled.map(({ message }) => message.params.requestId)).toEqual([request?.message.id]);
      expect(responseTo(messages, request?.message.id)).toBeUndefined();
    });

    if (modern) {
      it('sends log messages only when the request asked for a level, at or above it', async () => {
        const logs = collect(main, 'log');
        try {
          let mark = main.wire.mark();
          await main.client.callTool('log_levels');
          expect(logs.items).toEqual([]);
          expect(notificationsOf(main.wire.since(mark), 'received', 'notifications/message')).toEqual([]);
          expect(
            sentRequests(main.wire.since(mark), 'tools/call')[0]?.message.params._meta,
          ).not.toHaveProperty('io.modelcontextprotocol/logLevel');

          mark = main.wire.mark();
          await main.client.callTool('log_levels', {}, { logLevel: 'warning' });
          expect(logs.items.map((log) => log.level)).toEqual(['warning', 'error']);
          expect(logs.items[0]).toMatchObject({
            logger: 'e2e',
            data: { level: 'warning', note: 'a warning message' },
          });
          expect(sentRequests(main.wire.since(mark), 'tools/call')[0]?.message.params._meta).toMatchObject({
            'io.modelcontextprotocol/logLevel': 'warning',
          });
          // Modern setLogLevel is a client default: no request goes out.
          logs.items.length = 0;
          mark = main.wire.mark();
          await limited.client.setLogLevel('info');
          const limitedLogs = collect(limited, 'log');
          await limited.client.callTool('log_levels');
          limitedLogs.stop();
          expect(limitedLogs.items.map((log) => log.level)).toEqual(['info', 'warning', 'error']);
          expect(sentRequests(limited.wire.since(0), 'logging/setLevel')).toEqual([]);
        } finally {
          logs.stop();
        }
      });
    } else {
      it('sends log messages at or above the level set with logging/setLevel', async () => {
        const logs = collect(main, 'log');
        try {
          await main.client.callTool('log_levels');
          // No setLevel yet: the spec sets no default, so everything is sent.
          expect(logs.items.map((log) => log.level)).toEqual(['debug', 'info', 'warning', 'error']);
          logs.items.length = 0;
          const mark = main.wire.mark();
          await main.client.setLogLevel('warning');
          expect(sentRequests(main.wire.since(mark), 'logging/setLevel')[0]?.message.params).toEqual({
            level: 'warning',
          });
          await main.client.callTool('log_levels');
          expect(logs.items.map((log) => log.level)).toEqual(['warning', 'error']);
          expect(logs.items[1]).toMatchObject({
            logger: 'e2e',
            data: { level: 'error', note: 'a error message' },
          });
          logs.items.length = 0;
          await main.client.setLogLevel('error');
          await main.client.callTool('log_levels');
          expect(logs.items.map((log) => log.level)).toEqual(['error']);
          await expect(main.client.callTool('log_levels', {}, { logLevel: 'debug' })).rejects.toThrow(
            /setLogLevel/,
          );
        } finally {
          await main.client.setLogLevel('debug');
          logs.stop();
        }
      });
    }
  });

  describe('asking the client: elicitation, sampling, roots', () => {
    it('elicits a form', async () => {
      seen.elicit.length = 0;
      const mark = main.wire.mark();
      const result = await main.client.callTool('ask_name');
      expect(textOf(result.content)).toBe('Hello, Ada!');
      expect(seen.elicit).toHaveLength(1);
      expect(seen.elicit[0]?.era).toBe(era);
      expect(seen.elicit[0]?.request).toMatchObject({
        message: 'What is your name?',
        requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      });
      expectInputRounds(main.wire.since(mark), 'tools/call', 'ask_name', { user_name: 'elicitation/create' });
      if (modern) {
        const [, retry] = sentRequests(main.wire.since(mark), 'tools/call', 'ask_name');
        expect(retry?.message.params.inputResponses).toEqual({
          user_name: { action: 'accept', content: { name: 'Ada' } },
        });
      }
    });

    it('elicits through a URL', async () => {
      seen.elicit.length = 0;
      const mark = main.wire.mark();
      const result = await main.client.callTool('open_url');
      expect(textOf(result.content)).toBe('url elicitation: accept');
      expect(seen.elicit[0]?.request).toMatchObject({
        mode: 'url',
        message: 'Please sign in',
        url: 'https://example.com/sign-in',
      });
      expectInputRounds(main.wire.since(mark), 'tools/call', 'open_url', {
        'elicit-0': 'elicitation/create',
      });
      // 2025-11-25 needs an id per URL elicitation; 2026-07-28 has none.
      if (modern) expect(seen.elicit[0]?.request).not.toHaveProperty('elicitationId');
      else expect(typeof seen.elicit[0]?.request.elicitationId).toBe('string');
    });

    it('uses only the elicitation modes the client declared', async () => {
      await expectMissingCapability(limited, 'open_url', { elicitation: { url: {} } }, 'elicitation.url');
      await expect(limited.client.callTool('ask_name')).resolves.toMatchObject({
        content: [{ type: 'text', text: 'Hello, Ada!' }],
      });
    });

    it('samples the client LLM', async () => {
      seen.sample.length = 0;
      const mark = main.wire.mark();
      const result = await main.client.callTool('summarize', { text: 'a long story' });
      expect(textOf(result.content)).toBe('summary from e2e-model: short summary');
      expect(seen.sample[0]).toMatchObject({
        maxTokens: 50,
        messages: [{ role: 'user', content: { type: 'text', text: 'Summarize: a long story' } }],
      });
      expectInputRounds(main.wire.since(mark), 'tools/call', 'summarize', {
        'sample-0': 'sampling/createMessage',
      });
    });

    it('offers tools in sampling only to a client that declared sampling.tools', async () => {
      seen.sample.length = 0;
      const result = await main.client.callTool('sample_with_tools');
      expect(textOf(result.content)).toBe('model answered: tools seen: get_weather');
      expect(seen.sample[0]?.toolChoice).toEqual({ mode: 'auto' });
      await expectMissingCapability(
        limited,
        'sample_with_tools',
        { sampling: { tools: {} } },
        'sampling.tools',
      );
      await expect(limited.client.callTool('summarize', { text: 'x' })).resolves.toMatchObject({
        content: [{ type: 'text', text: 'summary from e2e-model: short summary' }],
      });
    });

    it('lists the client roots, and refuses when the client has none', async () => {
      const before = seen.roots;
      const mark = main.wire.mark();
      const result = await main.client.callTool('list_roots');
      expect(textOf(result.content)).toBe('project=file:///work/project');
      expect(seen.roots).toBe(before + 1);
      expectInputRounds(main.wire.since(mark), 'tools/call', 'list_roots', { 'roots-0': 'roots/list' });
      await expectMissingCapability(limited, 'list_roots', { roots: {} }, 'roots');
    });

    it('asks several questions in one round', async () => {
      const mark = main.wire.mark();
      const result = await main.client.callTool('ask_everything');
      expect(textOf(result.content)).toBe('name=Ada sample=short summary roots=1');
      expectInputRounds(main.wire.since(mark), 'tools/call', 'ask_everything', {
        name: 'elicitation/create',
        sample: 'sampling/createMessage',
        roots: 'roots/list',
      });
    });

    it('asks from prompts/get and resources/read handlers too', async () => {
      let mark = main.wire.mark();
      const prompt = await main.client.getPrompt('workspace');
      expect(prompt.messages[0]?.content).toEqual({
        type: 'text',
        text: 'Workspace roots: file:///work/project',
      });
      expectInputRounds(main.wire.since(mark), 'prompts/get', 'workspace', { roots: 'roots/list' });
      mark = main.wire.mark();
      const resource = await main.client.readResource('test://consent');
      expect(resource.contents[0]).toMatchObject({ text: 'consent given' });
      expectInputRounds(main.wire.since(mark), 'resources/read', 'test://consent', {
        consent: 'elicitation/create',
      });
    });

    if (modern) {
      it('rejects a tampered or foreign requestState with -32602, and accepts the genuine one', async () => {
        const raw = await openRaw('raw-state');
        const capabilities = { elicitation: {}, sampling: {}, roots: {} };
        const ask = (params: Record<string, unknown>) =>
          raw.engine.request('tools/call', { ...params, _meta: modernMeta(capabilities) });
        const first = await ask({ name: 'ask_name', arguments: {} });
        expect(first.resultType).toBe('input_required');
        const state = first.requestState as string;
        const answer = { user_name: { action: 'accept', content: { name: 'Grace' } } };
        // Flip the first character of the last dot-separated part (the MAC): all of its bits count, unlike the last one's.
        const macStart = state.lastIndexOf('.') + 1;
        const flipped = state[macStart] === 'A' ? 'B' : 'A';
        const tampered = `${state.slice(0, macStart)}${flipped}${state.slice(macStart + 1)}`;
        expect(tampered).not.toBe(state);
        await expect(
          ask({ name: 'ask_name', arguments: {}, inputResponses: answer, requestState: tampered }),
        ).rejects.toMatchObject({ code: -32602, data: { reason: 'tampered' } });
        await expect(
          ask({ name: 'ask_name', arguments: {}, inputResponses: answer, requestState: 'not even base64' }),
        ).rejects.toMatchObject({ code: -32602 });
        // Genuine, but minted for another tool.
        await expect(
          ask({ name: 'ask_everything', arguments: {}, inputResponses: answer, requestState: state }),
        ).rejects.toMatchObject({ code: -32602, data: expect.objectContaining({ reason: 'foreign' }) });
        const genuine = await ask({
          name: 'ask_name',
          arguments: {},
          inputResponses: answer,
          requestState: state,
        });
        expect(genuine).toMatchObject({
          resultType: 'complete',
          content: [{ type: 'text', text: 'Hello, Grace!' }],
        });
      });

      it('answers a retry that lacks some answers with a fresh InputRequiredResult for the rest', async () => {
        const raw = await openRaw('raw-partial');
        const meta = modernMeta({ elicitation: {}, sampling: {}, roots: {} });
        const first = await raw.engine.request('tools/call', {
          name: 'ask_everything',
          arguments: {},
          _meta: meta,
        });
        expect(Object.keys(first.inputRequests as object).sort()).toEqual(['name', 'roots', 'sample']);
        const second = await raw.engine.request('tools/call', {
          name: 'ask_everything',
          arguments: {},
          _meta: meta,
          requestState: first.requestState,
          inputResponses: {
            name: { action: 'accept', content: { name: 'Lin' } },
            unknown_key: { roots: [] },
          },
        });
        expect(second.resultType).toBe('input_required');
        expect(Object.keys(second.inputRequests as object).sort()).toEqual(['roots', 'sample']);
        const third = await raw.engine.request('tools/call', {
          name: 'ask_everything',
          arguments: {},
          _meta: meta,
          requestState: second.requestState,
          inputResponses: {
            sample: { role: 'assistant', content: { type: 'text', text: 'hi' }, model: 'raw' },
            roots: { roots: [ROOT] },
          },
        });
        expect(third).toMatchObject({
          resultType: 'complete',
          content: [{ type: 'text', text: 'name=Lin sample=hi roots=1' }],
        });
      });
    }
  });

  describe('caching', () => {
    it(
      modern
        ? 'puts ttlMs and cacheScope on every cacheable result'
        : 'puts no cache hints on legacy results',
      async () => {
        const mark = main.wire.mark();
        await main.client.listTools({ cache: false });
        await main.client.listPrompts({ cache: false });
        await main.client.listResources({ cache: false });
        await main.client.listResourceTemplates({ cache: false });
        await main.client.readResource('test://static/json');
        await main.client.readResource('test://static/text');
        const messages = main.wire.since(mark);
        const resultOf = (method: string, uri?: string) => {
          const request = sentRequests(messages, method).find(
            ({ message }) => uri === undefined || message.params.uri === uri,
          );
          return responseTo(messages, request?.message.id)?.result;
        };
        const lists = ['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list'];
        if (modern) {
          for (const method of lists)
            expect(resultOf(method), method).toMatchObject({ ttlMs: SERVER_TTL_MS, cacheScope: 'private' });
          expect(resultOf('resources/read', 'test://static/json')).toMatchObject({
            ttlMs: SERVER_TTL_MS,
            cacheScope: 'private',
          });
          // Per registration: this resource sets its own lifetime and scope.
          expect(resultOf('resources/read', 'test://static/text')).toMatchObject({
            ttlMs: STATIC_TEXT_TTL_MS,
            cacheScope: 'public',
          });
        } else {
          for (const method of [...lists, 'resources/read']) {
            expect(resultOf(method), method).not.toHaveProperty('ttlMs');
            expect(resultOf(method), method).not.toHaveProperty('cacheScope');
          }
        }
      },
    );

    it(
      modern
        ? 'serves lists from the client cache until a list_changed arrives'
        : 'asks again every time (legacy results carry no ttlMs)',
      async () => {
        main.client.clearCache();
        const subscription = await main.client.listen({ toolsListChanged: true });
        const inbox = readInBackground(subscription);
        const mark = main.wire.mark();
        const listCalls = () => sentRequests(main.wire.since(mark), 'tools/list').length;
        try {
          await main.client.listTools();
          await main.client.listTools();
          expect(listCalls()).toBe(modern ? 1 : 2);
          await main.client.callTool('registry', { kind: 'tool', action: 'add', name: 'cache_probe' });
          await waitFor(() => inbox.count('notifications/tools/list_changed') >= 1, 'list_changed after add');
          const names = (await main.client.listAllTools()).map((tool) => tool.name);
          expect(names).toContain('cache_probe');
          expect(listCalls()).toBeGreaterThan(modern ? 1 : 2);
        } finally {
          await main.client.callTool('registry', { kind: 'tool', action: 'remove', name: 'cache_probe' });
          await waitFor(
            () => inbox.count('notifications/tools/list_changed') >= 2,
            'list_changed after remove',
          );
          await subscription.close();
        }
        expect((await main.client.listAllTools()).map((tool) => tool.name)).not.toContain('cache_probe');
      },
    );

    it('never caches a result that needed input rounds', async () => {
      // `limited` caches reads: the static resource is served from the cache, the consent resource never is.
      const mark = limited.wire.mark();
      await limited.client.readResource('test://static/text');
      await limited.client.readResource('test://static/text');
      await limited.client.readResource('test://consent');
      await limited.client.readResource('test://consent');
      const reads = sentRequests(limited.wire.since(mark), 'resources/read');
      const count = (uri: string) => reads.filter(({ message }) => message.params.uri === uri).length;
      expect(count('test://static/text')).toBe(modern ? 1 : 2);
      expect(count('test://consent')).toBe(modern ? 4 : 2);
    });
  });

  it('validated every message both sides sent against the schema of its revision', async () => {
    const reports: ConnectionReport[] = [];
    for (const connection of opened) reports.push(await connection.close());
    for (const report of reports) {
      expect(report.client.violations, `${report.label}: client`).toEqual([]);
      expect(report.server.violations, `${report.label}: server`).toEqual([]);
      expect(report.client.checked, `${report.label}: client messages checked`).toBeGreaterThan(0);
      expect(report.server.checked, `${report.label}: server messages checked`).toBeGreaterThan(0);
      if (report.exit)
        expect(report.exit, `${report.label}: server process`).toEqual({ exitCode: 0, signal: null });
    }
  });
});

describe('end to end over in-memory, both eras on one server', () => {
  it('sends notifyResourceUpdated and list changes to a legacy subscriber and a modern listener alike', async () => {
    const server = buildEverythingServer();
    const legacy = await openConnection('in-memory', 'legacy', 'shared-legacy', {}, server);
    const modern = await openConnection('in-memory', 'modern', 'shared-modern', {}, server);
    try {
      const legacyUpdates = collect(legacy, 'resourceUpdated');
      const legacyToolChanges = collect(legacy, 'toolsListChanged');
      await legacy.client.subscribeResource('test://watched/a');
      const subscription = await modern.client.listen({
        resourceSubscriptions: ['test://watched/a'],
        toolsListChanged: true,
      });
      const inbox = readInBackground(subscription);
      // Driven from the server's own API this time, not through a tool.
      server.notifyResourceUpdated('test://watched/a');
      server.tool('shared_probe', { description: 'registered while both clients are connected' }, () => 'ok');
      await waitFor(() => legacyUpdates.items.length >= 1, 'update at the legacy subscriber');
      await waitFor(() => legacyToolChanges.items.length >= 1, 'list_changed at the legacy session');
      await waitFor(
        () => inbox.count('notifications/resources/updated', 'test://watched/a') >= 1,
        'update on listen',
      );
      await waitFor(() => inbox.count('notifications/tools/list_changed') >= 1, 'list_changed on listen');
      expect(legacyUpdates.items).toEqual([{ uri: 'test://watched/a' }]);
      await subscription.close();
      expect((await legacy.client.listAllTools()).map((tool) => tool.name)).toContain('shared_probe');
      expect((await modern.client.listAllTools()).map((tool) => tool.name)).toContain('shared_probe');
    } finally {
      const reports = [await legacy.close(), await modern.close()];
      for (const report of reports) {
        expect(report.client.violations, `${report.label}: client`).toEqual([]);
        expect(report.server.violations, `${report.label}: server`).toEqual([]);
        expect(report.client.checked, report.label).toBeGreaterThan(0);
        expect(report.server.checked, report.label).toBeGreaterThan(0);
      }
    }
  });
});
