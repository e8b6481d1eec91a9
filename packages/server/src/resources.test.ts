import type { JsonRpcMessage } from '@pmcp/jsonrpc';
import { McpError } from '@pmcp/jsonrpc';
import { describe, expect, it, vi } from 'vitest';
import { errorOf, modern, resultOf, useTestClients } from '../test/harness.ts';
import { createServer, type HandlerContext, UriTemplate } from './index.ts';

const connect = useTestClients();

function urisOf(result: Record<string, unknown>): string[] {
  return (result.resources as Array<{ uri: string }>).map((resource) => resource.uri);
}

function isNotification(method: string) {
  return (message: JsonRpcMessage) => 'method' in message && !('id' in message) && message.method === method;
}

const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_BASE64 = 'iVBORw0KGgo=';

function catalogServer(options: { pageSize?: number } = {}) {
  const server = createServer({ name: 'catalog', version: '1.0.0' }, options);
  server.resource('docs://readme', { name: 'readme', mimeType: 'text/markdown' }, () => '# Hello');
  server.resource('docs://logo', { name: 'logo', mimeType: 'image/png' }, () => PNG_BYTES);
  server.resourceTemplate(
    'users://{id}/profile',
    {
      name: 'user-profile',
      mimeType: 'application/json',
      list: () => [
        { uri: 'users://1/profile', name: 'Ada' },
        { uri: 'users://2/profile', name: 'Grace', mimeType: 'text/plain' },
      ],
    },
    (_uri, { id }) => (id === '404' ? undefined : JSON.stringify({ id })),
  );
  return server;
}

describe('resources/list', () => {
  it('lists static resources, then what templates list, in a stable order (modern)', async () => {
    const client = await connect(catalogServer());
    const result = resultOf(await client.request('resources/list', modern()));
    expect(result.resources).toEqual([
      { uri: 'docs://readme', name: 'readme', mimeType: 'text/markdown' },
      { uri: 'docs://logo', name: 'logo', mimeType: 'image/png' },
      { uri: 'users://1/profile', name: 'Ada', mimeType: 'application/json' },
      { uri: 'users://2/profile', name: 'Grace', mimeType: 'text/plain' },
    ]);
    expect(result).toMatchObject({ resultType: 'complete', ttlMs: 60_000, cacheScope: 'private' });
    expect(resultOf(await client.request('resources/list', modern()))).toEqual(result);
  });

  it('lists the same in a legacy session, without the modern fields', async () => {
    const client = await connect(catalogServer());
    await client.initialize('2025-06-18');
    const result = resultOf(await client.request('resources/list'));
    expect(urisOf(result)).toEqual([
      'docs://readme',
      'docs://logo',
      'users://1/profile',
      'users://2/profile',
    ]);
    expect(result).not.toHaveProperty('resultType');
    expect(result).not.toHaveProperty('ttlMs');
    expect(result).not.toHaveProperty('cacheScope');
  });

  it('pages across static and listed resources, with the same cache scope on every page', async () => {
    const client = await connect(catalogServer({ pageSize: 3 }));
    const first = resultOf(await client.request('resources/list', modern()));
    expect(urisOf(first)).toEqual(['docs://readme', 'docs://logo', 'users://1/profile']);
    expect(typeof first.nextCursor).toBe('string');
    const second = resultOf(await client.request('resources/list', modern({ cursor: first.nextCursor })));
    expect(urisOf(second)).toEqual(['users://2/profile']);
    expect(second).not.toHaveProperty('nextCursor');
    expect(second.cacheScope).toBe(first.cacheScope);
  });

  it('refuses a cursor it did not issue, or one from another list, with -32602', async () => {
    const client = await connect(catalogServer({ pageSize: 1 }));
    expect(errorOf(await client.request('resources/list', modern({ cursor: 'bogus' }))).code).toBe(-32602);
    const prompts = createServer({ name: 's', version: '1' }, { pageSize: 1 });
    prompts.prompt('a', { description: 'a' }, () => 'a');
    prompts.prompt('b', { description: 'b' }, () => 'b');
    prompts.resource('x://a', { name: 'a' }, () => 'a');
    const other = await connect(prompts);
    const promptCursor = resultOf(await other.request('prompts/list', modern())).nextCursor;
    const error = errorOf(await other.request('resources/list', modern({ cursor: promptCursor })));
    expect(error.code).toBe(-32602);
    expect(error.message).toMatch(/belongs to prompts\/list/);
    expect(errorOf(await client.request('resources/list', modern({ cursor: 7 }))).message).toMatch(
      /"cursor" must be a string/,
    );
  });

  it('does not repeat a URI that a template lists again', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.resource('notes://1', { name: 'first' }, () => 'one');
    server.resourceTemplate(
      'notes://{n}',
      {
        name: 'note',
        list: () => [
          { uri: 'notes://1', name: 'dup' },
          { uri: 'notes://2', name: 'two' },
        ],
      },
      () => 'x',
    );
    const client = await connect(server);
    const result = resultOf(await client.request('resources/list', modern()));
    expect(result.resources).toEqual([
      { uri: 'notes://1', name: 'first' },
      { uri: 'notes://2', name: 'two' },
    ]);
  });

  it('leaves out a failing template list and reports it, keeping everything else', async () => {
    const server = createServer({ name: 's', version: '1' });
    const onerror = vi.fn();
    server.onerror = onerror;
    server.resource('a://static', { name: 'static' }, () => 'x');
    server.resourceTemplate(
      'b://{x}',
      {
        name: 'broken',
        list: () => {
          throw new Error('database down');
        },
      },
      () => 'x',
    );
    server.resourceTemplate(
      'c://{x}',
      { name: 'invalid', list: () => [{ uri: 'c://1' }, { uri: 'c://2', name: 'ok' }] as never },
      () => 'x',
    );
    const client = await connect(server);
    const result = resultOf(await client.request('resources/list', modern()));
    expect(urisOf(result)).toEqual(['a://static', 'c://2']);
    expect(onerror.mock.calls.map(([error]) => (error as Error).message)).toEqual([
      'The list callback of resource template "b://{x}" failed: database down',
      'The list callback of resource template "c://{x}" returned an invalid resource at index 0; each needs string "uri" and "name"',
    ]);
  });

  it('gives list callbacks the request context', async () => {
    const server = createServer({ name: 's', version: '1' });
    const list = vi.fn(() => []);
    server.resourceTemplate('t://{x}', { name: 't', list }, () => 'x');
    const client = await connect(server);
    await client.request('resources/list', modern());
    expect(list).toHaveBeenCalledWith(
      expect.objectContaining({
        era: 'modern',
        protocolVersion: '2026-07-28',
        client: expect.objectContaining({ info: { name: 'harness', version: '0.0.0' } }),
      }),
    );
  });

  it('shapes each resource for the revision in use', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.resource(
      'docs://full',
      {
        name: 'full',
        title: 'Full',
        description: 'Every field',
        mimeType: 'text/plain',
        size: 12,
        annotations: { audience: ['user'], priority: 0.5, lastModified: '2025-01-12T15:00:58Z' },
        icons: [{ src: 'https://example.com/i.png', mimeType: 'image/png' }],
        _meta: { 'com.example/x': 1 },
      },
      () => 'hello world!',
    );
    const full = {
      uri: 'docs://full',
      name: 'full',
      title: 'Full',
      description: 'Every field',
      mimeType: 'text/plain',
      size: 12,
      annotations: { audience: ['user'], priority: 0.5, lastModified: '2025-01-12T15:00:58Z' },
      icons: [{ src: 'https://example.com/i.png', mimeType: 'image/png' }],
      _meta: { 'com.example/x': 1 },
    };
    const modernClient = await connect(server);
    expect(resultOf(await modernClient.request('resources/list', modern())).resources).toEqual([full]);

    const expectations: Record<string, object> = {
      '2025-11-25': full,
      '2025-06-18': (({ icons: _icons, ...rest }) => rest)(full),
      '2025-03-26': {
        uri: 'docs://full',
        name: 'full',
        description: 'Every field',
        mimeType: 'text/plain',
        size: 12,
        annotations: { audience: ['user'], priority: 0.5 },
      },
    };
    expectations['2024-11-05'] = expectations['2025-03-26'] as object;
    for (const [revision, expected] of Object.entries(expectations)) {
      const client = await connect(server);
      await client.initialize(revision);
      expect(resultOf(await client.request('resources/list')).resources, revision).toEqual([expected]);
    }
  });
});

describe('resources/read', () => {
  it('reads text and binary static resources (modern)', async () => {
    const client = await connect(catalogServer());
    const text = resultOf(await client.request('resources/read', modern({ uri: 'docs://readme' })));
    expect(text).toMatchObject({
      resultType: 'complete',
      contents: [{ uri: 'docs://readme', mimeType: 'text/markdown', text: '# Hello' }],
    });
    const binary = resultOf(await client.request('resources/read', modern({ uri: 'docs://logo' })));
    expect(binary.contents).toEqual([{ uri: 'docs://logo', mimeType: 'image/png', blob: PNG_BASE64 }]);
  });

  it('reads through a template, passing the matched variables', async () => {
    const server = createServer({ name: 's', version: '1' });
    const read = vi.fn(
      (uri: string, variables: Record<string, unknown>) => `${uri} ${JSON.stringify(variables)}`,
    );
    server.resourceTemplate(
      'repo://{owner}/{name}{/path*}',
      { name: 'repo file', mimeType: 'text/plain' },
      read,
    );
    const client = await connect(server);
    const result = resultOf(
      await client.request('resources/read', modern({ uri: 'repo://acme/web/src/a%20b.ts' })),
    );
    expect(read.mock.calls[0]?.[1]).toEqual({ owner: 'acme', name: 'web', path: ['src', 'a b.ts'] });
    expect(result.contents).toEqual([
      {
        uri: 'repo://acme/web/src/a%20b.ts',
        mimeType: 'text/plain',
        text: 'repo://acme/web/src/a%20b.ts {"owner":"acme","name":"web","path":["src","a b.ts"]}',
      },
    ]);
  });

  it('accepts every form a read callback may return', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.resource('r://item', { name: 'item', mimeType: 'text/plain' }, () => ({ text: 'one item' }));
    server.resource('r://blob', { name: 'blob' }, () => ({ blob: PNG_BASE64, mimeType: 'image/png' }));
    server.resource('r://many', { name: 'many' }, () => [
      { text: 'first' },
      { uri: 'r://many/part', blob: PNG_BYTES, mimeType: 'image/png' },
    ]);
    server.resource('r://full', { name: 'full' }, () => ({
      contents: [{ text: 'full', _meta: { 'com.example/k': true } }],
      _meta: { 'com.example/result': 1 },
    }));
    const client = await connect(server);
    const read = async (uri: string) => resultOf(await client.request('resources/read', modern({ uri })));
    expect((await read('r://item')).contents).toEqual([
      { uri: 'r://item', mimeType: 'text/plain', text: 'one item' },
    ]);
    expect((await read('r://blob')).contents).toEqual([
      { uri: 'r://blob', mimeType: 'image/png', blob: PNG_BASE64 },
    ]);
    expect((await read('r://many')).contents).toEqual([
      { uri: 'r://many', text: 'first' },
      { uri: 'r://many/part', mimeType: 'image/png', blob: PNG_BASE64 },
    ]);
    const full = await read('r://full');
    expect(full.contents).toEqual([{ uri: 'r://full', text: 'full', _meta: { 'com.example/k': true } }]);
    expect(full._meta).toMatchObject({
      'com.example/result': 1,
      'io.modelcontextprotocol/serverInfo': { name: 's' },
    });
  });

  it('answers a missing resource with -32602 and data.uri in the modern era, never empty contents', async () => {
    const client = await connect(catalogServer());
    for (const uri of ['nothing://here', 'users://404/profile']) {
      const error = errorOf(await client.request('resources/read', modern({ uri })));
      expect(error).toEqual({
        code: -32602,
        message: `Resource not found: ${uri}; call resources/list or resources/templates/list for what this server offers`,
        data: { uri },
      });
    }
  });

  it('answers a missing resource with -32002 and data.uri in every legacy revision', async () => {
    for (const revision of ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05']) {
      const client = await connect(catalogServer());
      await client.initialize(revision);
      const error = errorOf(await client.request('resources/read', { uri: 'nothing://here' }));
      expect(error.code, revision).toBe(-32002);
      expect(error.data).toEqual({ uri: 'nothing://here' });
    }
  });

  it('treats null, undefined and empty contents from a read callback as not found', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.resource('r://null', { name: 'null' }, () => null);
    server.resource('r://empty', { name: 'empty' }, () => []);
    server.resource('r://empty-result', { name: 'empty result' }, () => ({ contents: [] }));
    const client = await connect(server);
    for (const uri of ['r://null', 'r://empty', 'r://empty-result']) {
      expect(errorOf(await client.request('resources/read', modern({ uri }))).data).toEqual({ uri });
    }
  });

  it('prefers an exact static resource over a matching template, and the first matching template', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.resourceTemplate('x://{id}', { name: 'first' }, () => 'from first template');
    server.resourceTemplate('x://{+anything}', { name: 'second' }, () => 'from second template');
    server.resource('x://fixed', { name: 'fixed' }, () => 'static');
    const client = await connect(server);
    const text = async (uri: string) =>
      (
        resultOf(await client.request('resources/read', modern({ uri }))).contents as Array<{ text: string }>
      )[0]?.text;
    expect(await text('x://fixed')).toBe('static');
    expect(await text('x://42')).toBe('from first template');
    expect(await text('x://a/b')).toBe('from second template');
  });

  it('gives the read callback the handler context of the request', async () => {
    const server = createServer({ name: 's', version: '1' });
    let seen: HandlerContext | undefined;
    server.resource('r://ctx', { name: 'ctx' }, (_uri, ctx) => {
      seen = ctx;
      return 'ok';
    });
    const client = await connect(server);
    await client.initialize('2025-03-26');
    await client.request('resources/read', { uri: 'r://ctx' });
    expect(seen).toMatchObject({ era: 'legacy', protocolVersion: '2025-03-26', requestId: 2 });
    expect(seen?.signal.aborted).toBe(false);
  });

  it('turns an invalid return value into -32603 and reports the details to onerror', async () => {
    const server = createServer({ name: 's', version: '1' });
    const onerror = vi.fn();
    server.onerror = onerror;
    server.resource('r://bad', { name: 'bad' }, () => ({ nothing: true }) as never);
    const client = await connect(server);
    expect(errorOf(await client.request('resources/read', modern({ uri: 'r://bad' }))).code).toBe(-32603);
    expect(String(onerror.mock.calls[0]?.[0])).toMatch(
      /Resource "r:\/\/bad" returned invalid contents at index 0: expected a string "text", or a "blob"/,
    );
  });

  it('passes an McpError thrown by a read callback to the client', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.resource('r://denied', { name: 'denied' }, () => {
      throw new McpError(-32602, 'Not for you', { data: { uri: 'r://denied' } });
    });
    const client = await connect(server);
    expect(errorOf(await client.request('resources/read', modern({ uri: 'r://denied' })))).toEqual({
      code: -32602,
      message: 'Not for you',
      data: { uri: 'r://denied' },
    });
  });

  it('checks its params', async () => {
    const client = await connect(catalogServer());
    expect(errorOf(await client.request('resources/read', modern())).message).toBe(
      'Invalid params for resources/read: "uri" is required',
    );
    expect(errorOf(await client.request('resources/read', modern({ uri: 5 }))).code).toBe(-32602);
    const long = `users://${'9'.repeat(300_000)}/profile`;
    const error = errorOf(await client.request('resources/read', modern({ uri: long })));
    expect(error.code).toBe(-32602);
    expect(error.message).toMatch(
      /"uri" is 300016 characters long; this server reads URIs of at most 262144/,
    );
  });

  it('drops _meta of contents for revisions before 2025-06-18', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.resource('r://m', { name: 'm' }, () => ({ text: 't', _meta: { 'com.example/k': 1 } }));
    const client = await connect(server);
    await client.initialize('2025-03-26');
    expect(resultOf(await client.request('resources/read', { uri: 'r://m' })).contents).toEqual([
      { uri: 'r://m', text: 't' },
    ]);
  });
});

describe('resources/templates/list', () => {
  it('lists templates in registration order with their descriptions, paged (both eras)', async () => {
    const server = createServer({ name: 's', version: '1' }, { pageSize: 1 });
    server.resourceTemplate(
      'b://{x}',
      { name: 'b', title: 'B', description: 'Second letter', mimeType: 'text/plain' },
      () => 'b',
    );
    server.resourceTemplate(new UriTemplate('a://{y}'), { name: 'a' }, () => 'a');
    const client = await connect(server);
    const first = resultOf(await client.request('resources/templates/list', modern()));
    expect(first.resourceTemplates).toEqual([
      { uriTemplate: 'b://{x}', name: 'b', title: 'B', description: 'Second letter', mimeType: 'text/plain' },
    ]);
    expect(first).toMatchObject({ resultType: 'complete', ttlMs: 60_000, cacheScope: 'private' });
    const second = resultOf(
      await client.request('resources/templates/list', modern({ cursor: first.nextCursor })),
    );
    expect(second.resourceTemplates).toEqual([{ uriTemplate: 'a://{y}', name: 'a' }]);
    expect(second).not.toHaveProperty('nextCursor');

    const legacy = await connect(server);
    await client.close();
    await legacy.initialize('2025-03-26');
    const page = resultOf(await legacy.request('resources/templates/list'));
    expect(page.resourceTemplates).toEqual([
      { uriTemplate: 'b://{x}', name: 'b', description: 'Second letter', mimeType: 'text/plain' },
    ]);
    expect(page).not.toHaveProperty('ttlMs');
    expect(errorOf(await legacy.request('resources/templates/list', { cursor: 'nope' })).code).toBe(-32602);
  });
});

describe('caching fields', () => {
  it('use a registration cache on resources/read and the server defaults elsewhere', async () => {
    const server = createServer({ name: 's', version: '1' }, { ttlMs: 5_000, cacheScope: 'public' });
    server.resource('c://hour', { name: 'hour', cache: { ttlMs: 3_600_000, scope: 'private' } }, () => 'x');
    server.resource('c://ttl-only', { name: 'ttl only', cache: { ttlMs: 0 } }, () => 'x');
    server.resource('c://default', { name: 'default' }, () => 'x');
    server.resourceTemplate('c://t/{id}', { name: 't', cache: { scope: 'private' } }, () => 'x');
    const client = await connect(server);
    const read = async (uri: string) => resultOf(await client.request('resources/read', modern({ uri })));
    expect(await read('c://hour')).toMatchObject({ ttlMs: 3_600_000, cacheScope: 'private' });
    expect(await read('c://ttl-only')).toMatchObject({ ttlMs: 0, cacheScope: 'public' });
    expect(await read('c://default')).toMatchObject({ ttlMs: 5_000, cacheScope: 'public' });
    expect(await read('c://t/1')).toMatchObject({ ttlMs: 5_000, cacheScope: 'private' });
    for (const method of ['resources/list', 'resources/templates/list']) {
      expect(resultOf(await client.request(method, modern())), method).toMatchObject({
        ttlMs: 5_000,
        cacheScope: 'public',
      });
    }
  });

  it('are left out of legacy results', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.resource('c://hour', { name: 'hour', cache: { ttlMs: 1, scope: 'public' } }, () => 'x');
    const client = await connect(server);
    await client.initialize();
    const result = resultOf(await client.request('resources/read', { uri: 'c://hour' }));
    expect(result).not.toHaveProperty('ttlMs');
    expect(result).not.toHaveProperty('cacheScope');
  });
});

describe('capabilities', () => {
  it('advertise resources with listChanged once a resource or template exists', async () => {
    const withTemplate = createServer({ name: 's', version: '1' });
    withTemplate.resourceTemplate('t://{x}', { name: 't' }, () => 'x');
    const client = await connect(withTemplate);
    const discover = resultOf(await client.request('server/discover', modern()));
    expect((discover.capabilities as Record<string, unknown>).resources).toMatchObject({ listChanged: true });
    const initialized = await (await connect(withTemplate)).initialize();
    expect((initialized.capabilities as Record<string, unknown>).resources).toMatchObject({
      listChanged: true,
    });
  });

  it('refuse resources/* with -32601 on a server without resources', async () => {
    const client = await connect(createServer({ name: 's', version: '1' }));
    const discover = resultOf(await client.request('server/discover', modern()));
    expect(discover.capabilities).not.toHaveProperty('resources');
    for (const method of ['resources/list', 'resources/templates/list', 'resources/read']) {
      expect(errorOf(await client.request(method, modern({ uri: 'x://y' }))).code, method).toBe(-32601);
    }
  });
});

describe('dynamic resources', () => {
  it('appear, hide and disappear at run time, and legacy sessions hear about it', async () => {
    const server = createServer({ name: 's', version: '1' }, { notificationDebounceMs: 0 });
    server.resource('d://keep', { name: 'keep' }, () => 'keep');
    const client = await connect(server);
    await client.initialize();
    const changes = () => client.notifications('notifications/resources/list_changed').length;
    const uris = async () => urisOf(resultOf(await client.request('resources/list')));

    const added = server.resource('d://new', { name: 'new' }, () => 'new');
    await client.waitFor(isNotification('notifications/resources/list_changed'));
    expect(await uris()).toEqual(['d://keep', 'd://new']);
    expect(added).toMatchObject({ uri: 'd://new', enabled: true });

    added.disable();
    await vi.waitFor(() => expect(changes()).toBe(2));
    expect(await uris()).toEqual(['d://keep']);
    expect(errorOf(await client.request('resources/read', { uri: 'd://new' })).code).toBe(-32002);
    expect(added.enabled).toBe(false);

    added.enable();
    await vi.waitFor(() => expect(changes()).toBe(3));
    expect(await uris()).toEqual(['d://keep', 'd://new']);

    added.remove();
    await vi.waitFor(() => expect(changes()).toBe(4));
    expect(await uris()).toEqual(['d://keep']);
    expect(() => added.enable()).toThrow(/it was removed/);
    server.resource('d://new', { name: 'again' }, () => 'again');
    await vi.waitFor(() => expect(changes()).toBe(5));
  });

  it('templates change the list too', async () => {
    const server = createServer({ name: 's', version: '1' }, { notificationDebounceMs: 0 });
    const client = await connect(server);
    await client.initialize();
    const handle = server.resourceTemplate('t://{id}', { name: 't' }, () => 'x');
    await client.waitFor(isNotification('notifications/resources/list_changed'));
    expect(handle.uriTemplate).toBe('t://{id}');
    handle.disable();
    await vi.waitFor(() =>
      expect(client.notifications('notifications/resources/list_changed')).toHaveLength(2),
    );
    expect(resultOf(await client.request('resources/templates/list')).resourceTemplates).toEqual([]);
    expect(errorOf(await client.request('resources/read', { uri: 't://1' })).code).toBe(-32002);
  });
});

describe('registration', () => {
  it('refuses what cannot be served, saying what to change', () => {
    const server = createServer({ name: 's', version: '1' });
    const read = () => 'x';
    expect(() => server.resource('relative/path', { name: 'x' }, read)).toThrow(
      /use an absolute URI with a scheme/,
    );
    expect(() => server.resource('x://{id}', { name: 'x' }, read)).toThrow(
      /register URI templates with server.resourceTemplate/,
    );
    expect(() => server.resource('x://a', {} as never, read)).toThrow(
      /config.name must be a non-empty string/,
    );
    expect(() => server.resource('x://a', { name: 'a', size: -1 }, read)).toThrow(
      /config.size must be a non-negative integer/,
    );
    expect(() => server.resource('x://a', { name: 'a', annotations: { priority: 2 } }, read)).toThrow(
      /priority must be a number from 0 to 1/,
    );
    expect(() => server.resource('x://a', { name: 'a', cache: { scope: 'shared' as never } }, read)).toThrow(
      /cache.scope must be "public" or "private"/,
    );
    expect(() => server.resource('x://a', { name: 'a' }, 'text' as never)).toThrow(
      /must be the read function/,
    );
    expect(() => server.resourceTemplate('x://{a', { name: 'a' }, read)).toThrow(/Invalid URI template/);
    expect(() => server.resourceTemplate('{path}', { name: 'a' }, read)).toThrow(
      /must start with a URI scheme/,
    );
    expect(() => server.resourceTemplate('x://{a}', { name: 'a', complete: { b: () => [] } }, read)).toThrow(
      /config.complete.b names no variable; the variables are: a/,
    );
    server.resource('x://a', { name: 'a' }, read);
    expect(() => server.resource('x://a', { name: 'again' }, read)).toThrow(/already registered/);
  });
});
