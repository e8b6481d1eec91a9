import type { RequestHandler } from '@pmcp/jsonrpc';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, connect, deferred, page, requestsOf, settle } from '../test/harness.ts';
import { type ClientCacheOptions, createResultCache } from './index.ts';

afterEach(closeAll);

const KEY = { server: 's', method: 'tools/list', selector: undefined };

describe('ResultCache', () => {
  it('keeps a copy for ttlMs and not a moment longer', () => {
    let now = 0;
    const cache = createResultCache({ now: () => now });
    const value = { tools: [{ name: 'a' }] };
    cache.set(KEY, value, 100);
    value.tools.push({ name: 'mutated' });
    now = 99;
    expect(cache.get(KEY)).toEqual({ tools: [{ name: 'a' }] });
    const served = cache.get(KEY) as { tools: unknown[] };
    served.tools.length = 0;
    expect(cache.get(KEY)).toEqual({ tools: [{ name: 'a' }] });
    now = 100;
    expect(cache.get(KEY)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])('stores nothing for ttlMs %s', (ttlMs) => {
    const cache = createResultCache();
    cache.set(KEY, {}, ttlMs);
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = createResultCache({ maxEntries: 2 });
    const key = (selector: string) => ({ server: 's', method: 'resources/read', selector });
    cache.set(key('a'), { v: 'a' }, 1000);
    cache.set(key('b'), { v: 'b' }, 1000);
    cache.get(key('a'));
    cache.set(key('c'), { v: 'c' }, 1000);
    expect(cache.get(key('b'))).toBeUndefined();
    expect(cache.get(key('a'))).toEqual({ v: 'a' });
    expect(cache.get(key('c'))).toEqual({ v: 'c' });
  });

  it('invalidates by server and method, or one selector', () => {
    const cache = createResultCache();
    const read = (server: string, selector: string) => ({ server, method: 'resources/read', selector });
    cache.set(read('s', 'x'), {}, 1000);
    cache.set(read('s', 'y'), {}, 1000);
    cache.set(read('other', 'x'), {}, 1000);
    cache.set(KEY, {}, 1000);
    cache.invalidate('s', 'resources/read', 'x');
    expect(cache.get(read('s', 'x'))).toBeUndefined();
    expect(cache.get(read('s', 'y'))).toBeDefined();
    cache.invalidate('s', 'resources/read');
    expect(cache.get(read('s', 'y'))).toBeUndefined();
    expect(cache.get(read('other', 'x'))).toBeDefined();
    expect(cache.get(KEY)).toBeDefined();
  });

  it('refuses a nonsensical size', () => {
    expect(() => createResultCache({ maxEntries: 0 })).toThrow(/maxEntries/);
  });
});

/** A modern server counting its list and read calls, with the caching fields the test wants. */
function countingServer(
  caching: { ttlMs?: number; cacheScope?: string } = { ttlMs: 1000, cacheScope: 'public' },
) {
  const calls = { tools: 0, reads: 0 };
  const handlers: Record<string, RequestHandler> = {
    'tools/list': (params) => {
      calls.tools += 1;
      return params.cursor === undefined
        ? {
            resultType: 'complete',
            ...caching,
            tools: [{ name: `a${calls.tools}`, inputSchema: { type: 'object' } }],
            nextCursor: 'p2',
          }
        : { resultType: 'complete', ...caching, tools: [{ name: 'b', inputSchema: { type: 'object' } }] };
    },
    'resources/read': (params) => {
      calls.reads += 1;
      return { resultType: 'complete', ...caching, contents: [{ uri: params.uri, text: `v${calls.reads}` }] };
    },
  };
  return { calls, handlers };
}

async function cachedClient(
  cache: ClientCacheOptions | boolean,
  caching?: { ttlMs?: number; cacheScope?: string },
) {
  const clock = { now: 0 };
  const { calls, handlers } = countingServer(caching);
  const options = typeof cache === 'boolean' ? cache : { now: () => clock.now, ...cache };
  const connected = await connect('modern', handlers, { clientOptions: { cache: options } });
  return { ...connected, calls, clock };
}

describe('the client cache', () => {
  it('serves list pages (keyed by cursor) from the cache while fresh, by default', async () => {
    const { client, calls, clock } = await cachedClient({});
    await client.listAllTools();
    await client.listAllTools();
    expect(calls.tools).toBe(2);
    clock.now = 999;
    expect((await client.listTools()).tools[0]?.name).toBe('a1');
    clock.now = 1000;
    expect((await client.listTools()).tools[0]?.name).toBe('a3');
    expect(calls.tools).toBe(3);
  });

  it('does not cache when the server says ttlMs 0 or gives no ttlMs', async () => {
    for (const caching of [{ ttlMs: 0, cacheScope: 'public' }, { cacheScope: 'public' }]) {
      const { client, calls } = await cachedClient({}, caching);
      await client.listTools();
      await client.listTools();
      expect(calls.tools).toBe(2);
    }
  });

  it('is off with cache: false, and per call with { cache: false }', async () => {
    const off = await cachedClient(false);
    await off.client.listTools();
    await off.client.listTools();
    expect(off.calls.tools).toBe(2);

    const on = await cachedClient({});
    await on.client.listTools();
    await on.client.listTools({ cache: false });
    expect(on.calls.tools).toBe(2);
  });

  it('forgets the tool list on notifications/tools/list_changed', async () => {
    const { client, server, calls } = await cachedClient({});
    await client.listTools();
    await server.engine.notify('notifications/tools/list_changed', {
      _meta: { 'io.modelcontextprotocol/subscriptionId': 7 },
    });
    await settle();
    await client.listTools();
    expect(calls.tools).toBe(2);
  });

  it('does not store a result fetched across a list_changed notification', async () => {
    const gate = deferred<void>();
    const { client, server } = await connect(
      'modern',
      {
        'tools/list': async () => {
          await gate.promise;
          return page('modern', { tools: [] }, { ttlMs: 1000, cacheScope: 'public' });
        },
      },
      { clientOptions: { cache: {} } },
    );
    const first = client.listTools();
    await settle();
    await server.engine.notify('notifications/tools/list_changed');
    await settle();
    gate.resolve();
    await first;
    await client.listTools();
    expect(requestsOf(server, 'tools/list')).toHaveLength(2);
  });

  it('does not cache resources/read unless reads are enabled; then resources/updated drops that URI only', async () => {
    const off = await cachedClient({});
    await off.client.readResource('file:///a');
    await off.client.readResource('file:///a');
    expect(off.calls.reads).toBe(2);

    const { client, server, calls } = await cachedClient({ reads: true });
    await client.readResource('file:///a');
    await client.readResource('file:///b');
    expect((await client.readResource('file:///a')).contents[0]).toMatchObject({ text: 'v1' });
    await server.engine.notify('notifications/resources/updated', { uri: 'file:///a' });
    await settle();
    expect((await client.readResource('file:///a')).contents[0]).toMatchObject({ text: 'v3' });
    expect((await client.readResource('file:///b')).contents[0]).toMatchObject({ text: 'v2' });
    expect(calls.reads).toBe(3);
  });

  it('never caches a read that needed input rounds', async () => {
    let reads = 0;
    const { client } = await connect(
      'modern',
      {
        'resources/read': (params) => {
          reads += 1;
          if (params.requestState === undefined)
            return { resultType: 'input_required', requestState: 'again' };
          return {
            resultType: 'complete',
            ttlMs: 60_000,
            cacheScope: 'public',
            contents: [{ uri: 'x:/a', text: 'a' }],
          };
        },
      },
      { clientOptions: { cache: { reads: true } } },
    );
    await client.readResource('x:/a');
    await client.readResource('x:/a');
    expect(reads).toBe(4);
  });

  it('shares public results through a shared cache and keeps private ones per client', async () => {
    const shared = createResultCache();
    for (const [scope, expected] of [
      ['public', 1],
      ['private', 2],
    ] as const) {
      shared.clear();
      const { handlers, calls } = countingServer({ ttlMs: 1000, cacheScope: scope });
      const alice = await connect('modern', handlers, { clientOptions: { cache: { shared } } });
      const bob = await connect('modern', handlers, { clientOptions: { cache: { shared } } });
      await alice.client.listTools();
      await bob.client.listTools();
      await alice.client.listTools();
      expect(calls.tools).toBe(expected);
    }
  });

  it('treats a result without cacheScope as private', async () => {
    const shared = createResultCache();
    const { handlers, calls } = countingServer({ ttlMs: 1000 });
    const alice = await connect('modern', handlers, { clientOptions: { cache: { shared } } });
    const bob = await connect('modern', handlers, { clientOptions: { cache: { shared } } });
    await alice.client.listTools();
    await bob.client.listTools();
    expect(calls.tools).toBe(2);
    expect(shared.size).toBe(0);
  });

  it('never caches in the legacy era', async () => {
    let lists = 0;
    const { client } = await connect('legacy', {
      'tools/list': () => {
        lists += 1;
        return { tools: [], ttlMs: 1000, cacheScope: 'public' };
      },
    });
    await client.listTools();
    await client.listTools();
    expect(lists).toBe(2);
  });

  it('clearCache() drops everything', async () => {
    const { client, calls } = await cachedClient({});
    await client.listTools();
    client.clearCache();
    await client.listTools();
    expect(calls.tools).toBe(2);
  });
});
