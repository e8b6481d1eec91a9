import type { JsonRpcMessage } from '@pmcp/jsonrpc';
import { McpError } from '@pmcp/jsonrpc';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { errorOf, modern, resultOf, useTestClients } from '../test/harness.ts';
import { createServer, type HandlerContext, type PromptResult } from './index.ts';

const connect = useTestClients();

function isNotification(method: string) {
  return (message: JsonRpcMessage) => 'method' in message && !('id' in message) && message.method === method;
}

const PNG = 'iVBORw0KGgo=';
const WAV = 'UklGRiQAAABXQVZF';

const EVERY_CONTENT_TYPE: PromptResult = {
  description: 'All content types',
  messages: [
    { role: 'user', content: { type: 'text', text: 'Look at these:', annotations: { priority: 1 } } },
    { role: 'user', content: { type: 'image', data: PNG, mimeType: 'image/png' } },
    { role: 'user', content: { type: 'audio', data: WAV, mimeType: 'audio/wav' } },
    {
      role: 'user',
      content: {
        type: 'resource_link',
        uri: 'file:///src/main.rs',
        name: 'main.rs',
        description: 'Entry point',
      },
    },
    {
      role: 'assistant',
      content: { type: 'resource', resource: { uri: 'docs://a', mimeType: 'text/plain', text: 'Embedded' } },
    },
    {
      role: 'user',
      content: { type: 'resource', resource: { uri: 'docs://b', mimeType: 'image/png', blob: PNG } },
    },
  ],
};

function reviewServer(options: { pageSize?: number } = {}) {
  const server = createServer({ name: 'review', version: '1.0.0' }, options);
  server.prompt(
    'code_review',
    {
      title: 'Request Code Review',
      description: 'Asks the LLM to review code',
      arguments: [
        { name: 'code', title: 'Code', description: 'The code to review', required: true },
        { name: 'language', required: false },
      ],
      icons: [{ src: 'https://example.com/review.svg', mimeType: 'image/svg+xml', sizes: ['any'] }],
    },
    ({ code, language }) => `Please review this ${language ?? 'unknown'} code:\n${code}`,
  );
  server.prompt('everything', { description: 'Every content type' }, () => EVERY_CONTENT_TYPE);
  return server;
}

describe('prompts/list', () => {
  it('lists prompts with their arguments in registration order (modern, with cache hints)', async () => {
    const client = await connect(reviewServer());
    const result = resultOf(await client.request('prompts/list', modern()));
    expect(result.prompts).toEqual([
      {
        name: 'code_review',
        title: 'Request Code Review',
        description: 'Asks the LLM to review code',
        arguments: [
          { name: 'code', title: 'Code', description: 'The code to review', required: true },
          { name: 'language', required: false },
        ],
        icons: [{ src: 'https://example.com/review.svg', mimeType: 'image/svg+xml', sizes: ['any'] }],
      },
      { name: 'everything', description: 'Every content type' },
    ]);
    expect(result).toMatchObject({ resultType: 'complete', ttlMs: 60_000, cacheScope: 'private' });
  });

  it('keeps only the fields each legacy revision knows', async () => {
    const expected: Record<string, object> = {
      '2025-11-25': { title: 'Request Code Review', icons: expect.any(Array) },
      '2025-06-18': { title: 'Request Code Review' },
      '2025-03-26': {},
      '2024-11-05': {},
    };
    for (const [revision, extra] of Object.entries(expected)) {
      const client = await connect(reviewServer());
      await client.initialize(revision);
      const result = resultOf(await client.request('prompts/list'));
      const [first] = result.prompts as Array<Record<string, unknown>>;
      const withTitles = revision >= '2025-06-18';
      expect(first, revision).toEqual({
        name: 'code_review',
        description: 'Asks the LLM to review code',
        arguments: [
          withTitles
            ? { name: 'code', title: 'Code', description: 'The code to review', required: true }
            : { name: 'code', description: 'The code to review', required: true },
          { name: 'language', required: false },
        ],
        ...extra,
      });
      expect(result).not.toHaveProperty('ttlMs');
    }
  });

  it('pages with an opaque cursor and refuses a bad one', async () => {
    const client = await connect(reviewServer({ pageSize: 1 }));
    const first = resultOf(await client.request('prompts/list', modern()));
    expect((first.prompts as Array<{ name: string }>).map((prompt) => prompt.name)).toEqual(['code_review']);
    const second = resultOf(await client.request('prompts/list', modern({ cursor: first.nextCursor })));
    expect((second.prompts as Array<{ name: string }>).map((prompt) => prompt.name)).toEqual(['everything']);
    expect(second).not.toHaveProperty('nextCursor');
    expect(second.cacheScope).toBe(first.cacheScope);
    expect(errorOf(await client.request('prompts/list', modern({ cursor: 'xyz' }))).code).toBe(-32602);
    expect(errorOf(await client.request('prompts/list', modern({ cursor: 1 }))).code).toBe(-32602);
  });
});

describe('prompts/get', () => {
  it('turns a string into one user text message and adds the description (both eras)', async () => {
    const server = reviewServer();
    const expected = {
      description: 'Asks the LLM to review code',
      messages: [
        { role: 'user', content: { type: 'text', text: 'Please review this go code:\nfunc main() {}' } },
      ],
    };
    const params = { name: 'code_review', arguments: { code: 'func main() {}', language: 'go' } };
    const modernClient = await connect(server);
    expect(resultOf(await modernClient.request('prompts/get', modern(params)))).toMatchObject({
      ...expected,
      resultType: 'complete',
    });
    const legacy = await connect(server);
    await legacy.initialize();
    expect(resultOf(await legacy.request('prompts/get', params))).toEqual(expected);
  });

  it('passes only declared arguments; optional ones may be absent', async () => {
    const server = createServer({ name: 's', version: '1' });
    const handler = vi.fn((_args: Record<string, string | undefined>) => 'ok');
    server.prompt(
      'p',
      { description: 'p', arguments: [{ name: 'a', required: true }, { name: 'b' }] },
      handler,
    );
    const client = await connect(server);
    await client.request('prompts/get', modern({ name: 'p', arguments: { a: '1', extra: 'ignored' } }));
    expect(handler.mock.calls[0]?.[0]).toEqual({ a: '1' });
  });

  it('sends every content type as is to revisions that know them', async () => {
    const client = await connect(reviewServer());
    const result = resultOf(await client.request('prompts/get', modern({ name: 'everything' })));
    expect(result.messages).toEqual((EVERY_CONTENT_TYPE as { messages: unknown }).messages);
    expect(result.description).toBe('All content types');
    const legacy = await connect(reviewServer());
    await legacy.initialize('2025-06-18');
    expect(resultOf(await legacy.request('prompts/get', { name: 'everything' })).messages).toEqual(
      (EVERY_CONTENT_TYPE as { messages: unknown }).messages,
    );
  });

  it('rewrites content types older revisions lack, keeping every message', async () => {
    const linkAsText = {
      role: 'user',
      content: { type: 'text', text: 'Resource link: main.rs <file:///src/main.rs> (Entry point)' },
    };
    const client = await connect(reviewServer());
    await client.initialize('2025-03-26');
    const messages = resultOf(await client.request('prompts/get', { name: 'everything' }))
      .messages as unknown[];
    expect(messages).toHaveLength(6);
    expect(messages[2]).toEqual({
      role: 'user',
      content: { type: 'audio', data: WAV, mimeType: 'audio/wav' },
    });
    expect(messages[3]).toEqual(linkAsText);

    const oldest = await connect(reviewServer());
    await oldest.initialize('2024-11-05');
    const oldMessages = resultOf(await oldest.request('prompts/get', { name: 'everything' }))
      .messages as unknown[];
    expect(oldMessages[2]).toEqual({
      role: 'user',
      content: {
        type: 'text',
        text: '[audio content (audio/wav) omitted: protocol revision 2024-11-05 cannot carry audio]',
      },
    });
    expect(oldMessages[3]).toEqual(linkAsText);
    expect(oldMessages[0]).toEqual({
      role: 'user',
      content: { type: 'text', text: 'Look at these:', annotations: { priority: 1 } },
    });
  });

  it('accepts a messages array and a full result from the handler', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.prompt('array', { description: 'from an array' }, () => [
      { role: 'assistant', content: { type: 'text', text: 'Hi' } },
    ]);
    server.prompt('full', { description: 'registered description' }, () => ({
      messages: [{ role: 'user', content: { type: 'text', text: 'x' } }],
      description: 'returned description',
      _meta: { 'com.example/trace': 'abc' },
    }));
    const client = await connect(server);
    expect(resultOf(await client.request('prompts/get', modern({ name: 'array' })))).toMatchObject({
      description: 'from an array',
      messages: [{ role: 'assistant', content: { type: 'text', text: 'Hi' } }],
    });
    const full = resultOf(await client.request('prompts/get', modern({ name: 'full' })));
    expect(full.description).toBe('returned description');
    expect(full._meta).toMatchObject({ 'com.example/trace': 'abc' });
  });

  it('names a missing required argument with -32602', async () => {
    const client = await connect(reviewServer());
    const error = errorOf(
      await client.request('prompts/get', modern({ name: 'code_review', arguments: {} })),
    );
    expect(error).toEqual({
      code: -32602,
      message: 'Missing required argument "code" for prompt "code_review"',
    });
    const legacy = await connect(reviewServer());
    await legacy.initialize();
    expect(errorOf(await legacy.request('prompts/get', { name: 'code_review' })).message).toBe(
      'Missing required argument "code" for prompt "code_review"',
    );
  });

  it('names every missing required argument at once', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.prompt(
      'two',
      {
        description: 'd',
        arguments: [
          { name: 'a', required: true },
          { name: 'b', required: true },
        ],
      },
      () => 'x',
    );
    const client = await connect(server);
    expect(errorOf(await client.request('prompts/get', modern({ name: 'two' }))).message).toBe(
      'Missing required arguments for prompt "two": "a", "b"',
    );
  });

  it('refuses unknown or disabled prompts and malformed params with -32602', async () => {
    const server = reviewServer();
    const hidden = server.prompt('hidden', { description: 'd' }, () => 'x');
    hidden.disable();
    const client = await connect(server);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'nope' }, 'Unknown prompt: nope; call prompts/list for the names'],
      [{ name: 'hidden' }, 'Unknown prompt: hidden; call prompts/list for the names'],
      [{}, 'Invalid params for prompts/get: "name" is required'],
      [{ name: 3 }, 'Invalid params for prompts/get: "name" must be a string'],
      [
        { name: 'everything', arguments: ['x'] },
        'Invalid params for prompts/get: "arguments" must be an object of strings',
      ],
      [
        { name: 'code_review', arguments: { code: 42 } },
        'Invalid params for prompts/get: argument "code" must be a string (prompt arguments are always strings)',
      ],
    ];
    for (const [params, message] of cases) {
      expect(errorOf(await client.request('prompts/get', modern(params)))).toEqual({ code: -32602, message });
    }
  });

  it('reports a handler that throws or returns something unusable as -32603, details to onerror', async () => {
    const server = createServer({ name: 's', version: '1' });
    const onerror = vi.fn();
    server.onerror = onerror;
    server.prompt('throws', { description: 'd' }, () => {
      throw new Error('secret detail');
    });
    server.prompt('number', { description: 'd' }, () => 42 as never);
    server.prompt(
      'bad-role',
      { description: 'd' },
      () => [{ role: 'system', content: { type: 'text', text: 'x' } }] as never,
    );
    server.prompt(
      'bad-block',
      { description: 'd' },
      () => [{ role: 'user', content: { type: 'image', data: PNG } }] as never,
    );
    const client = await connect(server);
    for (const name of ['throws', 'number', 'bad-role', 'bad-block']) {
      const error = errorOf(await client.request('prompts/get', modern({ name })));
      expect(error.code, name).toBe(-32603);
      expect(error.message).not.toMatch(/secret/);
    }
    const reported = onerror.mock.calls.map(([error]) => (error as Error).message);
    expect(reported).toHaveLength(4);
    expect(reported[0]).toContain('secret detail');
    expect(reported[1]).toContain(
      'Prompt "number" returned number; return a string, an array of messages or { messages, description? }',
    );
    expect(reported[2]).toContain(
      'Prompt "bad-role" returned an invalid message at index 0: expected { role: "user" | "assistant", content }',
    );
    expect(reported[3]).toContain(
      'Prompt "bad-block" returned an invalid message at index 0: an image block needs string mimeType',
    );
  });

  it('passes an McpError from the handler to the client', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.prompt('refuses', { description: 'd' }, () => {
      throw new McpError(-32602, 'Pick a shorter topic');
    });
    const client = await connect(server);
    expect(errorOf(await client.request('prompts/get', modern({ name: 'refuses' })))).toEqual({
      code: -32602,
      message: 'Pick a shorter topic',
    });
  });

  it('gives the handler the request context', async () => {
    const server = createServer({ name: 's', version: '1' });
    let seen: HandlerContext | undefined;
    server.prompt('ctx', { description: 'd' }, (_args, ctx) => {
      seen = ctx;
      return 'x';
    });
    const client = await connect(server);
    await client.request('prompts/get', modern({ name: 'ctx' }));
    expect(seen).toMatchObject({ era: 'modern', protocolVersion: '2026-07-28', requestId: 1 });
  });
});

describe('prompt arguments from a schema', () => {
  function schemaServer() {
    const server = createServer({ name: 's', version: '1' });
    server.prompt(
      'essay',
      {
        description: 'Write an essay',
        arguments: z.object({
          topic: z.string().describe('What to write about'),
          tone: z.enum(['formal', 'playful']).optional(),
          words: z.string().regex(/^\d+$/).transform(Number).optional(),
        }),
      },
      ({ topic, tone, words }) => `Write ${words ?? 300} ${tone ?? 'neutral'} words about ${topic}.`,
    );
    return server;
  }

  it('publishes one string argument per field, required when the schema requires it', async () => {
    const client = await connect(schemaServer());
    const [prompt] = resultOf(await client.request('prompts/list', modern())).prompts as unknown[];
    expect(prompt).toEqual({
      name: 'essay',
      description: 'Write an essay',
      arguments: [
        { name: 'topic', description: 'What to write about', required: true },
        { name: 'tone', required: false },
        { name: 'words', required: false },
      ],
    });
  });

  it('validates and transforms arguments with the schema', async () => {
    const client = await connect(schemaServer());
    const ok = resultOf(
      await client.request(
        'prompts/get',
        modern({ name: 'essay', arguments: { topic: 'tides', words: '50' } }),
      ),
    );
    expect(ok.messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'Write 50 neutral words about tides.' } },
    ]);
    expect(
      errorOf(await client.request('prompts/get', modern({ name: 'essay', arguments: {} }))).message,
    ).toBe('Missing required argument "topic" for prompt "essay"');
    const invalid = errorOf(
      await client.request(
        'prompts/get',
        modern({ name: 'essay', arguments: { topic: 't', tone: 'angry' } }),
      ),
    );
    expect(invalid.code).toBe(-32602);
    expect(invalid.message).toMatch(/^Invalid arguments for prompt "essay": tone: /);
  });

  it('accepts a plain JSON Schema object', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.prompt(
      'json',
      {
        description: 'd',
        arguments: { type: 'object', properties: { q: { type: 'string', title: 'Query' } }, required: ['q'] },
      },
      (args) => `q=${args.q}`,
    );
    const client = await connect(server);
    const [prompt] = resultOf(await client.request('prompts/list', modern())).prompts as unknown[];
    expect(prompt).toMatchObject({ arguments: [{ name: 'q', title: 'Query', required: true }] });
    expect(
      resultOf(await client.request('prompts/get', modern({ name: 'json', arguments: { q: 'x' } }))).messages,
    ).toEqual([{ role: 'user', content: { type: 'text', text: 'q=x' } }]);
  });
});

describe('registration', () => {
  it('refuses definitions it cannot serve, saying what to change', () => {
    const server = createServer({ name: 's', version: '1' });
    const handler = () => 'x';
    expect(() => server.prompt('', { description: 'd' }, handler)).toThrow(/Invalid prompt name/);
    expect(() => server.prompt('p', {} as never, handler)).toThrow(/config.description must be a string/);
    expect(() => server.prompt('p', { description: 'd' }, 'x' as never)).toThrow(
      /must be the handler function/,
    );
    expect(() =>
      server.prompt('p', { description: 'd', arguments: [{ name: 'a' }, { name: 'a' }] }, handler),
    ).toThrow(/argument "a" is declared twice/);
    expect(() =>
      server.prompt('p', { description: 'd', arguments: z.object({ n: z.number() }) }, handler),
    ).toThrow(/argument "n" must be a string field/);
    expect(() =>
      server.prompt(
        'p',
        { description: 'd', arguments: [{ name: 'a' }], complete: { b: () => [] } },
        handler,
      ),
    ).toThrow(/config.complete.b names no argument; the arguments are: a/);
    expect(() =>
      server.prompt(
        'p',
        { description: 'd', arguments: [{ name: 'a', complete: () => [] }], complete: { a: () => [] } },
        handler,
      ),
    ).toThrow(/has a completer both in arguments and in config.complete/);
    server.prompt('p', { description: 'd' }, handler);
    expect(() => server.prompt('p', { description: 'd' }, handler)).toThrow(/already registered/);
  });
});

describe('capabilities and dynamic prompts', () => {
  it('advertise prompts with listChanged only once a prompt exists', async () => {
    const bare = await connect(createServer({ name: 's', version: '1' }));
    expect(resultOf(await bare.request('server/discover', modern())).capabilities).not.toHaveProperty(
      'prompts',
    );
    expect(errorOf(await bare.request('prompts/list', modern())).code).toBe(-32601);
    const client = await connect(reviewServer());
    expect(resultOf(await client.request('server/discover', modern())).capabilities).toMatchObject({
      prompts: { listChanged: true },
    });
  });

  it('tell legacy sessions when prompts are added, disabled, enabled and removed', async () => {
    const server = createServer({ name: 's', version: '1' }, { notificationDebounceMs: 0 });
    const client = await connect(server);
    await client.initialize();
    const names = async () =>
      (resultOf(await client.request('prompts/list')).prompts as Array<{ name: string }>).map(
        (prompt) => prompt.name,
      );
    const count = () => client.notifications('notifications/prompts/list_changed').length;

    const handle = server.prompt('late', { description: 'd' }, () => 'x');
    await client.waitFor(isNotification('notifications/prompts/list_changed'));
    expect(await names()).toEqual(['late']);
    handle.disable();
    await vi.waitFor(() => expect(count()).toBe(2));
    expect(await names()).toEqual([]);
    handle.enable();
    await vi.waitFor(() => expect(count()).toBe(3));
    expect(await names()).toEqual(['late']);
    handle.remove();
    await vi.waitFor(() => expect(count()).toBe(4));
    expect(await names()).toEqual([]);
    expect(handle.enabled).toBe(false);
  });
});
