import { describe, expect, it } from 'vitest';
import {
  type OutgoingRequestMiddleware,
  type RequestMiddleware,
  RpcEngine,
  type RpcEngineOptions,
} from './engine.ts';
import { McpError, RequestCancelledError } from './errors.ts';
import { createInMemoryTransportPair } from './in-memory.ts';

async function pair(serverOptions: RpcEngineOptions = {}, clientOptions: RpcEngineOptions = {}) {
  const [clientSide, serverSide] = createInMemoryTransportPair();
  const server = new RpcEngine(serverOptions);
  const serverErrors: Error[] = [];
  server.onerror = (error) => serverErrors.push(error);
  await server.connect(serverSide);
  const client = new RpcEngine(clientOptions);
  await client.connect(clientSide);
  return { client, server, serverErrors };
}

describe('incoming request middleware', () => {
  it('runs in order around the handler, the first outermost', async () => {
    const trace: string[] = [];
    const named =
      (name: string): RequestMiddleware =>
      async (_params, _ctx, next) => {
        trace.push(`${name} in`);
        const result = await next();
        trace.push(`${name} out`);
        return result;
      };
    const { client, server } = await pair({ middleware: [named('a'), named('b')] });
    server.setRequestHandler('echo', (params) => {
      trace.push('handler');
      return { echoed: params.text };
    });
    expect(await client.request('echo', { text: 'hi' })).toEqual({ echoed: 'hi' });
    expect(trace).toEqual(['a in', 'b in', 'handler', 'b out', 'a out']);
  });

  it('can change the params (the handler sees them in params and in the request) and the result', async () => {
    const seen: unknown[] = [];
    const { client, server } = await pair({
      middleware: [
        async (params, _ctx, next) => {
          const result = await next({ ...params, text: String(params.text).toUpperCase() });
          return { ...result, stamped: true };
        },
      ],
    });
    server.setRequestHandler('echo', (params, _ctx, request) => {
      seen.push(request.params);
      return { echoed: params.text };
    });
    expect(await client.request('echo', { text: 'hi' })).toEqual({ echoed: 'HI', stamped: true });
    expect(seen).toEqual([{ text: 'HI' }]);
  });

  it('answers without the handler, or refuses with an McpError the peer receives', async () => {
    let handled = 0;
    const { client, server } = await pair({
      middleware: [
        (params, ctx, next) => {
          if (ctx.method === 'cached') return { fromCache: true };
          if (params.forbidden === true) throw new McpError(-32602, 'forbidden by policy');
          return next();
        },
      ],
    });
    server.setRequestHandler('cached', () => {
      handled++;
      return {};
    });
    server.setRequestHandler('work', () => {
      handled++;
      return { done: true };
    });
    expect(await client.request('cached')).toEqual({ fromCache: true });
    await expect(client.request('work', { forbidden: true })).rejects.toMatchObject({
      code: -32602,
      message: 'forbidden by policy',
    });
    expect(await client.request('work')).toEqual({ done: true });
    expect(handled).toBe(1);
  });

  it('sees requests for unknown methods, whose next() rejects with -32601', async () => {
    const outcomes: unknown[] = [];
    const { client } = await pair({
      middleware: [
        async (_params, ctx, next) => {
          try {
            return await next();
          } catch (error) {
            outcomes.push([ctx.method, (error as McpError).code]);
            throw error;
          }
        },
      ],
    });
    await expect(client.request('nope')).rejects.toMatchObject({ code: -32601 });
    expect(outcomes).toEqual([['nope', -32601]]);
  });

  it('refuses a second call of next()', async () => {
    const { client, server } = await pair({
      middleware: [
        async (_params, _ctx, next) => {
          await next();
          return next();
        },
      ],
    });
    let handled = 0;
    server.setRequestHandler('once', () => ({ count: ++handled }));
    await expect(client.request('once')).rejects.toMatchObject({ code: -32603 });
    expect(handled).toBe(1);
  });

  it('use() applies from the next request on, inside the middleware already there', async () => {
    const trace: string[] = [];
    const { client, server } = await pair({
      middleware: [
        (_params, _ctx, next) => {
          trace.push('first');
          return next();
        },
      ],
    });
    server.setRequestHandler('x', () => ({}));
    await client.request('x');
    server.use((_params, _ctx, next) => {
      trace.push('added');
      return next();
    });
    await client.request('x');
    expect(trace).toEqual(['first', 'first', 'added']);
  });

  it("gives middleware the request's signal, aborted when the peer cancels", async () => {
    let aborted: unknown;
    let release!: () => void;
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { client, server } = await pair({
      middleware: [
        async (_params, ctx, next) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = ctx.signal.reason;
          });
          return next();
        },
      ],
    });
    server.setRequestHandler(
      'slow',
      (_params, ctx) =>
        new Promise((resolve) => {
          release();
          ctx.signal.addEventListener('abort', () => resolve({}));
        }),
    );
    const controller = new AbortController();
    const call = client.request('slow', {}, { signal: controller.signal });
    await started;
    controller.abort('stop');
    await expect(call).rejects.toBeInstanceOf(RequestCancelledError);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(aborted).toBeDefined();
  });

  it('rejects middleware that is not a function with a TypeError naming where', () => {
    expect(() => new RpcEngine({ middleware: [42 as never] })).toThrow(
      /RpcEngine options\.middleware: middleware must be a function/,
    );
    expect(() => new RpcEngine().use('x' as never)).toThrow(/RpcEngine\.use: middleware must be a function/);
  });
});

describe('outgoing request middleware', () => {
  it('wraps send and response, in order, and can change params and results', async () => {
    const trace: string[] = [];
    const stamp: OutgoingRequestMiddleware = async (method, params, next) => {
      trace.push(`stamp ${method}`);
      return next({ ...params, stamped: true });
    };
    const logging: OutgoingRequestMiddleware = async (method, _params, next) => {
      trace.push(`log ${method}`);
      const result = await next();
      return { ...result, logged: true };
    };
    const { client, server } = await pair({}, { outgoingMiddleware: [stamp, logging] });
    server.setRequestHandler('echo', (params) => ({ got: params }));
    expect(await client.request('echo', { text: 'hi' })).toEqual({
      got: { text: 'hi', stamped: true },
      logged: true,
    });
    expect(trace).toEqual(['stamp echo', 'log echo']);
  });

  it('answers locally without sending, and sees the peer errors and timeouts', async () => {
    const cache = new Map<string, Record<string, unknown>>();
    const failures: string[] = [];
    const { client, server } = await pair(
      {},
      {
        outgoingMiddleware: [
          async (method, _params, next, options) => {
            const hit = cache.get(method);
            if (hit !== undefined) return hit;
            try {
              const result = await next();
              cache.set(method, result);
              return result;
            } catch (error) {
              failures.push(
                `${method}: ${(error as McpError).code} (timeout ${options?.timeout ?? 'default'})`,
              );
              throw error;
            }
          },
        ],
      },
    );
    let served = 0;
    server.setRequestHandler('list', () => ({ items: [++served] }));
    expect(await client.request('list')).toEqual({ items: [1] });
    expect(await client.request('list')).toEqual({ items: [1] });
    expect(served).toBe(1);
    await expect(client.request('missing', {}, { timeout: 5_000 })).rejects.toMatchObject({ code: -32601 });
    expect(failures).toEqual(['missing: -32601 (timeout 5000)']);
  });

  it('useOutgoing() adds middleware inside the existing chain', async () => {
    const trace: string[] = [];
    const { client, server } = await pair();
    server.setRequestHandler('x', () => ({}));
    client.useOutgoing((method, _params, next) => {
      trace.push(`outer ${method}`);
      return next();
    });
    client.useOutgoing((method, _params, next) => {
      trace.push(`inner ${method}`);
      return next();
    });
    await client.request('x');
    expect(trace).toEqual(['outer x', 'inner x']);
  });
});
