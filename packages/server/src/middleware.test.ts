/**
 * Request middleware on the server (`createServer({ middleware })`, `server.use()`): around the server's own
 * dispatch, on every connection, in both eras; every server message validated by the harness client.
 */
import { McpError, type RequestMiddleware } from '@pmcp/jsonrpc';
import { describe, expect, it } from 'vitest';
import { errorOf, modern, resultOf, useTestClients } from '../test/harness.ts';
import { createServer } from './index.ts';

const connect = useTestClients();

function demo(middleware: RequestMiddleware[] = []) {
  const server = createServer({ name: 'mw', version: '1.0.0' }, { middleware });
  let calls = 0;
  server.tool(
    'echo',
    { description: 'Echoes its text', input: { type: 'object', properties: { text: { type: 'string' } } } },
    (args) => {
      calls++;
      return String(args.text);
    },
  );
  server.tool('drop_tables', { description: 'Dangerous' }, () => {
    calls++;
    return 'dropped';
  });
  return { server, calls: () => calls };
}

describe('server request middleware', () => {
  it('sees every request of both eras with its method, params and extra, around the dispatch', async () => {
    const seen: string[] = [];
    const { server } = demo([
      async (params, ctx, next) => {
        seen.push(`${ctx.method}${typeof params.name === 'string' ? ` ${params.name}` : ''}`);
        return next();
      },
    ]);
    const client = await connect(server);
    resultOf(await client.request('tools/call', modern({ name: 'echo', arguments: { text: 'a' } })));
    await client.initialize('2025-11-25');
    resultOf(await client.request('tools/call', { name: 'echo', arguments: { text: 'b' } }));
    expect(seen).toEqual(['tools/call echo', 'initialize', 'tools/call echo']);
  });

  it('refuses a call with an McpError the client receives; the tool never runs', async () => {
    const { server, calls } = demo([
      (params, ctx, next) => {
        if (ctx.method === 'tools/call' && params.name === 'drop_tables') {
          throw new McpError(-32602, 'drop_tables is disabled on this deployment');
        }
        return next();
      },
    ]);
    const client = await connect(server);
    const refused = errorOf(await client.request('tools/call', modern({ name: 'drop_tables' })));
    expect(refused).toMatchObject({ code: -32602, message: 'drop_tables is disabled on this deployment' });
    expect(
      text(resultOf(await client.request('tools/call', modern({ name: 'echo', arguments: { text: 'ok' } })))),
    ).toBe('ok');
    expect(calls()).toBe(1);
  });

  it('server.use() reaches connections that are already open, inside the configured middleware', async () => {
    const trace: string[] = [];
    const { server } = demo([
      (_params, ctx, next) => {
        trace.push(`configured ${ctx.method}`);
        return next();
      },
    ]);
    const client = await connect(server);
    resultOf(await client.request('tools/list', modern()));
    expect(
      server.use((_params, ctx, next) => {
        trace.push(`added ${ctx.method}`);
        return next();
      }),
    ).toBe(server);
    resultOf(await client.request('tools/list', modern()));
    expect(trace).toEqual(['configured tools/list', 'configured tools/list', 'added tools/list']);
  });

  it('can rewrite a result on its way out (still schema-valid for the client)', async () => {
    const { server } = demo([
      async (_params, ctx, next) => {
        const result = await next();
        if (ctx.method !== 'tools/list') return result;
        const tools = (result.tools as { name: string }[]).filter((tool) => tool.name !== 'drop_tables');
        return { ...result, tools };
      },
    ]);
    const client = await connect(server);
    const listed = resultOf(await client.request('tools/list', modern()));
    expect((listed.tools as { name: string }[]).map((tool) => tool.name)).toEqual(['echo']);
  });

  it('rejects middleware that is not a function', () => {
    expect(() => createServer({ name: 'x', version: '1' }, { middleware: ['nope' as never] })).toThrow(
      /createServer options\.middleware: middleware must be a function/,
    );
    expect(() => createServer({ name: 'x', version: '1' }).use(7 as never)).toThrow(
      /server\.use\(middleware\)/,
    );
  });
});

function text(result: Record<string, unknown>): string {
  return (result.content as { text?: string }[]).map((block) => block.text ?? '').join('');
}
