import { McpError, ProtocolError } from '@pmcp/jsonrpc';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeAll,
  complete,
  connect,
  ERAS,
  expectSpecClean,
  page,
  requestsOf,
  settle,
} from '../test/harness.ts';
import { ResourceNotFoundError } from './index.ts';

afterEach(closeAll);

const README = { uri: 'file:///project/README.md', name: 'README', mimeType: 'text/markdown' };
const LOGO = { uri: 'file:///project/logo.png', name: 'logo', mimeType: 'image/png' };
const CONFIG = { uri: 'file:///project/config.json', name: 'config' };

describe.each(ERAS)('%s: resources', (era) => {
  it('lists one page with its cursor, and all pages with listAllResources', async () => {
    const pages: Record<string, Record<string, unknown>> = {
      start: { resources: [README, LOGO], nextCursor: 'p2' },
      p2: { resources: [CONFIG] },
    };
    const { client, server, spec } = await connect(era, {
      'resources/list': (params) => page(era, pages[String(params.cursor ?? 'start')] ?? {}),
    });

    const first = await client.listResources();
    expect(first.resources.map((resource) => resource.uri)).toEqual([README.uri, LOGO.uri]);
    expect(first.nextCursor).toBe('p2');
    const all = await client.listAllResources();
    expect(all.map((resource) => resource.name)).toEqual(['README', 'logo', 'config']);
    expect(requestsOf(server, 'resources/list').map((request) => request.params?.cursor)).toEqual([
      undefined,
      undefined,
      'p2',
    ]);
    expectSpecClean(spec);
  });

  it('lists resource templates, one page and all of them', async () => {
    const template = { uriTemplate: 'file:///project/{path}', name: 'project file' };
    const other = { uriTemplate: 'github://repos/{owner}/{repo}', name: 'repo' };
    const { client, spec } = await connect(era, {
      'resources/templates/list': (params) =>
        params.cursor === undefined
          ? page(era, { resourceTemplates: [template], nextCursor: 'next' })
          : page(era, { resourceTemplates: [other] }),
    });
    const first = await client.listResourceTemplates();
    expect(first.resourceTemplates).toEqual([template]);
    const all = await client.listAllResourceTemplates();
    expect(all.map((entry) => entry.uriTemplate)).toEqual([template.uriTemplate, other.uriTemplate]);
    expectSpecClean(spec);
  });

  it('reads text and binary contents', async () => {
    const contents = [
      { uri: README.uri, mimeType: 'text/markdown', text: '# Hello' },
      { uri: LOGO.uri, mimeType: 'image/png', blob: 'iVBORw0KGgo=' },
    ];
    const { client, server, spec } = await connect(era, {
      'resources/read': () =>
        complete(era, { contents, ...(era === 'modern' ? { ttlMs: 0, cacheScope: 'private' } : {}) }),
    });
    const result = await client.readResource(README.uri);
    expect(result.contents).toEqual(contents);
    expect(requestsOf(server, 'resources/read')[0]?.params).toMatchObject({ uri: README.uri });
    expectSpecClean(spec);
  });

  it('reports a missing resource as ResourceNotFoundError whatever code the server uses', async () => {
    const code = era === 'modern' ? -32602 : -32002;
    const { client } = await connect(era, {
      'resources/read': (params) => {
        throw new McpError(code, 'Resource not found', { data: { uri: params.uri } });
      },
    });
    const error = await client.readResource('file:///missing').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error).toBeInstanceOf(McpError);
    expect(error).toMatchObject({ uri: 'file:///missing', code, data: { uri: 'file:///missing' } });
    expect((error as Error).message).toContain('"file:///missing"');
    expect((error as Error).cause).toBeInstanceOf(McpError);
  });

  it('fails before any round trip when the server has no resources capability', async () => {
    const { client, server } = await connect(era, {}, { capabilities: { tools: {} } });
    const before = server.sent.length;
    await expect(client.listResources()).rejects.toMatchObject({ code: -32601 });
    await expect(client.listAllResourceTemplates()).rejects.toMatchObject({ code: -32601 });
    await expect(client.readResource(README.uri)).rejects.toMatchObject({
      code: -32601,
      message: expect.stringContaining('"resources" capability'),
    });
    expect(server.sent.length).toBe(before);
  });
});

describe('resource not found, edge cases', () => {
  it('recognises the official SDK 1.x wording (-32602 "Resource … not found" without data)', async () => {
    const { client } = await connect('legacy', {
      'resources/read': (params) => {
        throw new McpError(-32602, `Resource ${String(params.uri)} not found`);
      },
    });
    await expect(client.readResource('file:///gone')).rejects.toBeInstanceOf(ResourceNotFoundError);
  });

  it('leaves other -32602 errors alone (a different data.uri, or no "not found")', async () => {
    const { client } = await connect('modern', {
      'resources/read': (params) => {
        if (params.uri === 'file:///a')
          throw new McpError(-32602, 'Bad URI', { data: { uri: 'file:///other' } });
        throw new McpError(-32602, 'URI scheme not supported');
      },
    });
    for (const uri of ['file:///a', 'file:///b']) {
      const error = await client.readResource(uri).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(McpError);
      expect(error).not.toBeInstanceOf(ResourceNotFoundError);
    }
  });

  it('rejects a read result without contents as a protocol violation', async () => {
    const { client } = await connect('modern', { 'resources/read': () => ({ resultType: 'complete' }) });
    await expect(client.readResource(README.uri)).rejects.toBeInstanceOf(ProtocolError);
  });

  it('rejects a list entry without a uri, naming the index', async () => {
    const { client } = await connect('modern', {
      'resources/list': () => page('modern', { resources: [README, { name: 'no uri' }] }),
    });
    await expect(client.listResources()).rejects.toThrow(/index 1 of resources/);
  });

  it('validates its input', async () => {
    const { client } = await connect('modern');
    await expect(client.readResource('')).rejects.toThrow(TypeError);
  });
});

describe('legacy subscribeResource / unsubscribeResource', () => {
  it('subscribes, receives updates through client.on, and unsubscribes', async () => {
    const { client, server, spec } = await connect('legacy', {
      'resources/subscribe': () => ({}),
      'resources/unsubscribe': () => ({}),
    });
    const updated: string[] = [];
    client.on('resourceUpdated', ({ uri }) => updated.push(uri));

    await client.subscribeResource(CONFIG.uri);
    await server.engine.notify('notifications/resources/updated', { uri: CONFIG.uri });
    await settle();
    await client.unsubscribeResource(CONFIG.uri);

    expect(updated).toEqual([CONFIG.uri]);
    expect(requestsOf(server, 'resources/subscribe').map((request) => request.params)).toEqual([
      { uri: CONFIG.uri },
    ]);
    expect(requestsOf(server, 'resources/unsubscribe').map((request) => request.params)).toEqual([
      { uri: CONFIG.uri },
    ]);
    expectSpecClean(spec);
  });

  it('needs the server to advertise resources.subscribe', async () => {
    const { client, server } = await connect('legacy', {}, { capabilities: { resources: {} } });
    const before = server.sent.length;
    await expect(client.subscribeResource(CONFIG.uri)).rejects.toMatchObject({
      code: -32601,
      message: expect.stringContaining('resources.subscribe'),
    });
    expect(server.sent.length).toBe(before);
  });

  it('is refused in the modern era with a pointer to listen()', async () => {
    const { client, server } = await connect('modern');
    const before = server.sent.length;
    await expect(client.subscribeResource(CONFIG.uri)).rejects.toMatchObject({
      code: -32601,
      message: expect.stringContaining('client.listen'),
    });
    await expect(client.unsubscribeResource(CONFIG.uri)).rejects.toThrow(/client\.listen/);
    expect(server.sent.length).toBe(before);
  });
});
