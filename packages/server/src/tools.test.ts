import { McpError } from '@pmcp/jsonrpc';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { errorOf, modern, resultOf, useTestClients } from '../test/harness.ts';
import { createServer, ToolError } from './index.ts';

const connect = useTestClients();

async function call(
  server: ReturnType<typeof createServer>,
  name: string,
  args?: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const client = await connect(server);
  const params: Record<string, unknown> = args === undefined ? { name } : { name, arguments: args };
  return resultOf(await client.request('tools/call', modern(params)));
}

function textOf(result: Record<string, unknown>): string {
  const content = result.content as Array<{ type: string; text?: string }>;
  return content.map((block) => block.text ?? '').join('');
}

describe('argument validation', () => {
  it('passes zod-parsed arguments (defaults, transforms) to the handler', async () => {
    const server = createServer({ name: 's', version: '1' });
    const handler = vi.fn((args: { word: string; times: number }) => args.word.repeat(args.times));
    server.tool(
      'repeat',
      {
        description: 'Repeat',
        input: z.object({ word: z.string().trim(), times: z.number().int().default(2) }),
      },
      handler,
    );
    const result = await call(server, 'repeat', { word: '  ab ' });
    expect(handler.mock.calls[0]?.[0]).toEqual({ word: 'ab', times: 2 });
    expect(textOf(result)).toBe('abab');
  });

  it('reports zod failures with the path and the problem of each argument', async () => {
    const server = createServer({ name: 's', version: '1' });
    const handler = vi.fn(() => 'never');
    server.tool(
      'add',
      {
        description: 'Add',
        input: z.object({ a: z.number(), nested: z.object({ b: z.array(z.string()) }) }),
      },
      handler,
    );
    const result = await call(server, 'add', { a: 'one', nested: { b: ['x', 2] } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      'Invalid arguments for tool "add": a: Invalid input: expected number, received string; ' +
        'nested.b[1]: Invalid input: expected string, received number',
    );
    expect(handler).not.toHaveBeenCalled();
  });

  it('validates plain JSON Schema input with readable messages', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.tool(
      'book',
      {
        description: 'Book a seat',
        input: {
          type: 'object',
          properties: {
            seat: { type: 'integer', minimum: 1 },
            name: { type: 'string' },
            tags: { type: 'array', items: { $ref: '#/$defs/tag' } },
          },
          required: ['name'],
          additionalProperties: false,
          $defs: { tag: { type: 'string', enum: ['window', 'aisle'] } },
        },
      },
      (args) => `booked ${String(args.name)}`,
    );
    const result = await call(server, 'book', { seat: 0, tags: ['window', 'roof'], extra: true });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      'Invalid arguments for tool "book": name: required; seat: 0 is less than 1; ' +
        'tags[1]: does not match any of ["window","aisle"]; extra: unexpected property',
    );
    expect(textOf(await call(server, 'book', { name: 'Ada', seat: 3, tags: ['aisle'] }))).toBe('booked Ada');
  });

  it('reports a type mismatch in JSON Schema as expected/received', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.tool(
      'n',
      { description: 'd', input: { type: 'object', properties: { n: { type: 'number' } } } },
      () => 'x',
    );
    expect(textOf(await call(server, 'n', { n: 'five' }))).toBe(
      'Invalid arguments for tool "n": n: expected number, received string',
    );
  });

  it('gives a tool without input only absent or empty arguments', async () => {
    const server = createServer({ name: 's', version: '1' });
    const handler = vi.fn(() => 'fine');
    server.tool('plain', { description: 'No arguments' }, handler);
    expect(textOf(await call(server, 'plain'))).toBe('fine');
    expect(textOf(await call(server, 'plain', {}))).toBe('fine');
    expect(handler.mock.calls.map((args) => (args as unknown[])[0])).toEqual([{}, {}]);
    const refused = await call(server, 'plain', { surprise: 1 });
    expect(refused).toMatchObject({ isError: true });
    expect(textOf(refused)).toBe('Invalid arguments for tool "plain": surprise: unexpected property');
  });
});

describe('result shaping', () => {
  it('passes a CallToolResult through', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.tool('img', { description: 'd' }, () => ({
      content: [
        { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' },
        { type: 'text', text: 'a picture' },
      ],
      isError: false,
    }));
    expect(await call(server, 'img')).toMatchObject({
      content: [
        { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' },
        { type: 'text', text: 'a picture' },
      ],
      isError: false,
    });
  });

  it('turns a string into one text block', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.tool('hello', { description: 'd' }, () => 'Hello!');
    expect((await call(server, 'hello')).content).toEqual([{ type: 'text', text: 'Hello!' }]);
  });

  it('turns other values into a JSON text block when there is no output schema', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.tool('obj', { description: 'd' }, () => ({ a: [1, 2], b: null }));
    server.tool('num', { description: 'd' }, () => 42);
    server.tool('nothing', { description: 'd' }, () => undefined);
    const obj = await call(server, 'obj');
    expect(obj.content).toEqual([{ type: 'text', text: '{"a":[1,2],"b":null}' }]);
    expect(obj).not.toHaveProperty('structuredContent');
    expect((await call(server, 'num')).content).toEqual([{ type: 'text', text: '42' }]);
    expect((await call(server, 'nothing')).content).toEqual([]);
  });

  it('validates a plain value against a zod output schema into structuredContent plus JSON text', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.tool(
      'weather',
      { description: 'd', output: z.object({ celsius: z.number(), city: z.string().toUpperCase() }) },
      () => ({ celsius: 21.5, city: 'oslo' }),
    );
    const result = await call(server, 'weather');
    expect(result.structuredContent).toEqual({ celsius: 21.5, city: 'OSLO' });
    expect(result.content).toEqual([{ type: 'text', text: '{"celsius":21.5,"city":"OSLO"}' }]);
  });

  it('allows non-object structured output in the modern era', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.tool('list', { description: 'd', output: { type: 'array', items: { type: 'string' } } }, () => [
      'a',
      'b',
    ]);
    expect((await call(server, 'list')).structuredContent).toEqual(['a', 'b']);
  });

  it('reports output that fails its schema as an error result and to onerror', async () => {
    const server = createServer({ name: 's', version: '1' });
    const onerror = vi.fn();
    server.onerror = onerror;
    server.tool(
      'bad',
      { description: 'd', output: z.object({ n: z.number() }) },
      () => ({ n: 'x' }) as never,
    );
    server.tool('badResult', { description: 'd', output: z.object({ n: z.number() }) }, () => ({
      content: [],
      structuredContent: { n: false },
    }));
    for (const name of ['bad', 'badResult']) {
      const result = await call(server, name);
      expect(result).toMatchObject({
        isError: true,
        content: [{ type: 'text', text: `Tool "${name}" returned invalid output` }],
      });
    }
    expect(onerror).toHaveBeenCalledTimes(2);
    expect(String(onerror.mock.calls[0]?.[0])).toContain(
      'n: Invalid input: expected number, received string',
    );
  });

  it('refuses content blocks without a type', async () => {
    const server = createServer({ name: 's', version: '1' });
    const onerror = vi.fn();
    server.onerror = onerror;
    server.tool('junk', { description: 'd' }, () => ({ content: ['not a block'] }));
    expect(textOf(await call(server, 'junk'))).toBe('Tool "junk" returned invalid output');
    expect(String(onerror.mock.calls[0]?.[0])).toContain('content[0]');
  });

  it('reports a value without a JSON form as a failure', async () => {
    const server = createServer({ name: 's', version: '1' });
    const onerror = vi.fn();
    server.onerror = onerror;
    server.tool('big', { description: 'd' }, () => ({ n: 10n }));
    const result = await call(server, 'big');
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'Tool "big" failed' }] });
    expect(onerror).toHaveBeenCalledTimes(1);
  });
});

describe('errors thrown by handlers', () => {
  it('shows a ToolError message to the client', async () => {
    const server = createServer({ name: 's', version: '1' });
    const onerror = vi.fn();
    server.onerror = onerror;
    server.tool('picky', { description: 'd' }, () => {
      throw new ToolError('Pick a date in the future.');
    });
    expect(await call(server, 'picky')).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: 'Pick a date in the future.' }],
    });
    expect(onerror).not.toHaveBeenCalled();
  });

  it('hides other errors from the client and hands them to onerror', async () => {
    const server = createServer({ name: 's', version: '1' });
    const onerror = vi.fn();
    server.onerror = onerror;
    const secret = new Error('password=hunter2 at /srv/app.js:10');
    server.tool('leaky', { description: 'd' }, async () => {
      throw secret;
    });
    const result = await call(server, 'leaky');
    expect(result).toEqual(
      expect.objectContaining({ isError: true, content: [{ type: 'text', text: 'Tool "leaky" failed' }] }),
    );
    expect(JSON.stringify(result)).not.toContain('hunter2');
    expect(onerror).toHaveBeenCalledWith(secret);
  });

  it('wraps thrown non-errors for onerror', async () => {
    const server = createServer({ name: 's', version: '1' });
    const onerror = vi.fn();
    server.onerror = onerror;
    server.tool('odd', { description: 'd' }, () => {
      throw 'a string';
    });
    expect(textOf(await call(server, 'odd'))).toBe('Tool "odd" failed');
    expect(onerror.mock.calls[0]?.[0]).toBeInstanceOf(Error);
  });

  it('turns a thrown McpError into a JSON-RPC error on purpose', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.tool('needs-sampling', { description: 'd' }, () => {
      throw new McpError(-32021, 'This tool needs the sampling capability', {
        data: { requiredCapabilities: { sampling: {} } },
      });
    });
    const client = await connect(server);
    const error = errorOf(await client.request('tools/call', modern({ name: 'needs-sampling' })));
    expect(error).toEqual({
      code: -32021,
      message: 'This tool needs the sampling capability',
      data: { requiredCapabilities: { sampling: {} } },
    });
  });

  it('survives an onerror that throws', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.onerror = () => {
      throw new Error('handler bug');
    };
    server.tool('boom', { description: 'd' }, () => {
      throw new Error('boom');
    });
    expect(textOf(await call(server, 'boom'))).toBe('Tool "boom" failed');
  });
});

describe('unknown, disabled and removed tools', () => {
  it('answers -32602 "Unknown tool" and follows enable/disable/remove', async () => {
    const server = createServer({ name: 's', version: '1' });
    const handle = server.tool('flip', { description: 'd' }, () => 'on');
    const client = await connect(server);
    const callFlip = () => client.request('tools/call', modern({ name: 'flip' }));

    expect(errorOf(await client.request('tools/call', modern({ name: 'nope' })))).toEqual({
      code: -32602,
      message: 'Unknown tool: nope',
    });
    expect(handle.enabled).toBe(true);
    handle.disable();
    expect(handle.enabled).toBe(false);
    expect(errorOf(await callFlip())).toEqual({ code: -32602, message: 'Unknown tool: flip' });
    expect(resultOf(await client.request('tools/list', modern())).tools).toEqual([]);
    handle.enable();
    expect(textOf(resultOf(await callFlip()))).toBe('on');
    handle.remove();
    expect(errorOf(await callFlip()).message).toBe('Unknown tool: flip');
    expect(() => handle.enable()).toThrow('Cannot enable tool "flip": it was removed');
    handle.remove();

    server.tool('flip', { description: 'd' }, () => 'again');
    expect(textOf(resultOf(await callFlip()))).toBe('again');
  });
});

describe('registration', () => {
  const noop = () => 'x';

  it.each(['', 'a'.repeat(129), 'has space', 'slash/name', 'ünicode'])('rejects the tool name %j', (name) => {
    const server = createServer({ name: 's', version: '1' });
    expect(() => server.tool(name, { description: 'd' }, noop)).toThrow(
      /Invalid tool name .*1 to 128 characters/,
    );
  });

  it('accepts names at the limits of the rule', () => {
    const server = createServer({ name: 's', version: '1' });
    expect(server.tool('a'.repeat(128), { description: 'd' }, noop).name).toHaveLength(128);
    expect(server.tool('A-z_0.9', { description: 'd' }, noop).enabled).toBe(true);
  });

  it('rejects a duplicate name', () => {
    const server = createServer({ name: 's', version: '1' });
    server.tool('twice', { description: 'd' }, noop);
    expect(() => server.tool('twice', { description: 'd' }, noop)).toThrow(
      'A tool named "twice" is already registered; remove it first or choose another name',
    );
  });

  it('requires an input schema with an object root', () => {
    const server = createServer({ name: 's', version: '1' });
    expect(() => server.tool('s1', { description: 'd', input: z.string() }, noop)).toThrow(
      /"type": "object" at the root/,
    );
    expect(() => server.tool('s2', { description: 'd', input: { type: 'string' } }, noop)).toThrow(
      /must describe an object/,
    );
    expect(() => server.tool('s3', { description: 'd', input: {} }, noop)).toThrow(/got null/);
  });

  it('explains a schema that cannot become JSON Schema', () => {
    const server = createServer({ name: 's', version: '1' });
    expect(() => server.tool('when', { description: 'd', input: z.object({ at: z.date() }) }, noop)).toThrow(
      'Tool "when": the input schema cannot be converted to JSON Schema: Date cannot be represented in JSON Schema',
    );
    const validateOnly = {
      '~standard': { version: 1 as const, vendor: 'acme', validate: (value: unknown) => ({ value }) },
    };
    expect(() => server.tool('acme', { description: 'd', input: validateOnly }, noop)).toThrow(
      /Standard Schema from "acme" that cannot describe itself as JSON Schema .*~standard\.jsonSchema/,
    );
  });

  it('checks the config and the handler', () => {
    const server = createServer({ name: 's', version: '1' });
    expect(() => server.tool('a', {} as never, noop)).toThrow('config.description must be a string');
    expect(() => server.tool('b', { description: 'd' }, 'nope' as never)).toThrow('the handler function');
    expect(() => server.tool('c', { description: 'd', icons: [{}] as never }, noop)).toThrow('config.icons');
    expect(() => server.tool('d', { description: 'd', input: [] as never }, noop)).toThrow(/got array/);
  });

  it('publishes a copy of a JSON Schema and never changes the caller’s object', async () => {
    const input = {
      type: 'object',
      properties: { a: { $ref: '#/$defs/a' } },
      $defs: { a: { type: 'string' } },
    };
    const snapshot = structuredClone(input);
    const server = createServer({ name: 's', version: '1' });
    server.tool('refs', { description: 'd', input }, noop);
    const client = await connect(server);
    await client.request('tools/call', modern({ name: 'refs', arguments: { a: 1 } }));
    const listed = resultOf(await client.request('tools/list', modern())).tools as Array<{
      inputSchema: unknown;
    }>;
    expect(listed[0]?.inputSchema).toEqual(snapshot);
    expect(input).toEqual(snapshot);
  });

  it('publishes JSON Schema generated from zod', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.tool(
      'zod',
      {
        description: 'd',
        input: z.object({ q: z.string().describe('query') }),
        output: z.object({ n: z.number() }),
      },
      () => ({ n: 1 }),
    );
    const client = await connect(server);
    const [tool] = resultOf(await client.request('tools/list', modern())).tools as Array<
      Record<string, unknown>
    >;
    expect(tool?.inputSchema).toMatchObject({
      type: 'object',
      properties: { q: { type: 'string', description: 'query' } },
      required: ['q'],
    });
    expect(tool?.outputSchema).toMatchObject({ type: 'object', properties: { n: { type: 'number' } } });
  });
});

describe('createServer', () => {
  it('checks its arguments', () => {
    expect(() => createServer({ name: 's' } as never)).toThrow('{ name, version }');
    expect(() => createServer({ name: 's', version: '1' }, { pageSize: 0 })).toThrow(
      'pageSize must be a positive',
    );
    expect(() => createServer({ name: 's', version: '1' }, { ttlMs: -1 })).toThrow(
      'ttlMs must be a non-negative',
    );
    expect(() => createServer({ name: 's', version: '1' }, { cacheScope: 'shared' as never })).toThrow(
      'cacheScope',
    );
  });
});
