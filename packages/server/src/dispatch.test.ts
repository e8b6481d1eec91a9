import { createInMemoryTransportPair } from '@pmcp/jsonrpc';
import { describe, expect, it, vi } from 'vitest';
import { errorOf, modern, modernMeta, resultOf, roundTrip, useTestClients } from '../test/harness.ts';
import { createServer } from './index.ts';

const connect = useTestClients();

const LEGACY_REVISIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'];

function fullServer() {
  const server = createServer(
    {
      name: 'dispatch-test',
      version: '1.2.3',
      title: 'Dispatch Test',
      description: 'A server for dispatcher tests',
      icons: [{ src: 'https://example.com/icon.png', mimeType: 'image/png' }],
      websiteUrl: 'https://example.com',
      instructions: 'Use echo to repeat things.',
    },
    { ttlMs: 1234, cacheScope: 'public' },
  );
  server.tool(
    'echo',
    { description: 'Echo the text', input: { type: 'object', properties: { text: { type: 'string' } } } },
    (args) => String(args.text ?? ''),
  );
  return server;
}

describe('legacy era: initialize', () => {
  it.each(LEGACY_REVISIONS)('echoes the requested revision %s', async (revision) => {
    const client = await connect(fullServer());
    const result = await client.initialize(revision);
    expect(result.protocolVersion).toBe(revision);
    expect(result.capabilities).toEqual({ tools: { listChanged: true }, logging: {} });
    expect(result.instructions).toBe('Use echo to repeat things.');
    expect(result).not.toHaveProperty('resultType');
    expect(client.validatedCount).toBeGreaterThan(0);
  });

  it('offers the newest legacy revision when the requested one is unknown or modern', async () => {
    for (const requested of ['1999-01-01', '2026-07-28']) {
      const client = await connect(fullServer());
      const result = await client.initialize(requested);
      expect(result.protocolVersion).toBe('2025-11-25');
    }
  });

  it('shapes serverInfo for the negotiated revision', async () => {
    const oldest = await connect(fullServer());
    expect((await oldest.initialize('2024-11-05')).serverInfo).toEqual({
      name: 'dispatch-test',
      version: '1.2.3',
    });
    const middle = await connect(fullServer());
    expect((await middle.initialize('2025-06-18')).serverInfo).toEqual({
      name: 'dispatch-test',
      version: '1.2.3',
      title: 'Dispatch Test',
    });
    const newest = await connect(fullServer());
    expect((await newest.initialize('2025-11-25')).serverInfo).toEqual({
      name: 'dispatch-test',
      version: '1.2.3',
      title: 'Dispatch Test',
      description: 'A server for dispatcher tests',
      icons: [{ src: 'https://example.com/icon.png', mimeType: 'image/png' }],
      websiteUrl: 'https://example.com',
    });
  });

  it('tells the transport the negotiated revision', async () => {
    const server = fullServer();
    const [clientSide, serverSide] = createInMemoryTransportPair();
    const setProtocolVersion = vi.fn();
    serverSide.setProtocolVersion = setProtocolVersion;
    await server.connect(serverSide);
    const responses: unknown[] = [];
    clientSide.onmessage = (message) => responses.push(message);
    await clientSide.start();
    await clientSide.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } },
    });
    await vi.waitFor(() => expect(responses).toHaveLength(1));
    expect(setProtocolVersion).toHaveBeenCalledWith('2025-06-18');
    await server.close();
  });

  it.each([
    [{ capabilities: {}, clientInfo: { name: 'c', version: '1' } }, '"protocolVersion" must be a string'],
    [
      { protocolVersion: 20251125, capabilities: {}, clientInfo: { name: 'c', version: '1' } },
      '"protocolVersion"',
    ],
    [
      { protocolVersion: '2025-11-25', clientInfo: { name: 'c', version: '1' } },
      '"capabilities" must be an object',
    ],
    [
      { protocolVersion: '2025-11-25', capabilities: [], clientInfo: { name: 'c', version: '1' } },
      '"capabilities"',
    ],
    [{ protocolVersion: '2025-11-25', capabilities: {} }, '"clientInfo"'],
    [{ protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c' } }, '"clientInfo"'],
  ])('rejects bad initialize params %j with -32602', async (params, fragment) => {
    const client = await connect(fullServer());
    const error = errorOf(await client.request('initialize', params));
    expect(error.code).toBe(-32602);
    expect(error.message).toContain(fragment);
    // The connection survives and can still initialize.
    expect((await client.initialize()).protocolVersion).toBe('2025-11-25');
  });

  it('refuses a second initialize on the same connection', async () => {
    const client = await connect(fullServer());
    await client.initialize();
    const error = errorOf(
      await client.request('initialize', {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'c', version: '1' },
      }),
    );
    expect(error.code).toBe(-32600);
    expect(error.message).toMatch(/already has a session/);
  });

  it('answers ping with {} before and after initialize', async () => {
    const client = await connect(fullServer());
    expect(resultOf(await client.request('ping'))).toEqual({});
    await client.initialize('2024-11-05');
    expect(resultOf(await client.request('ping'))).toEqual({});
  });

  it('gives legacy results no resultType, ttlMs or cacheScope', async () => {
    const client = await connect(fullServer());
    await client.initialize();
    const list = resultOf(await client.request('tools/list'));
    expect(list).not.toHaveProperty('resultType');
    expect(list).not.toHaveProperty('ttlMs');
    expect(list).not.toHaveProperty('cacheScope');
    const call = resultOf(await client.request('tools/call', { name: 'echo', arguments: { text: 'hi' } }));
    expect(call).toEqual({ content: [{ type: 'text', text: 'hi' }] });
  });

  it('answers unknown methods in a session with -32601', async () => {
    const client = await connect(fullServer());
    await client.initialize();
    const error = errorOf(await client.request('foo/bar', {}));
    expect(error).toEqual({ code: -32601, message: 'Method not found: foo/bar' });
  });

  it('explains that server/discover needs modern _meta, even inside a session', async () => {
    const client = await connect(fullServer());
    await client.initialize();
    const error = errorOf(await client.request('server/discover', {}));
    expect(error.code).toBe(-32602);
    expect(error.message).toContain('io.modelcontextprotocol/protocolVersion');
  });
});

describe('modern era', () => {
  it('adds resultType, cache hints and serverInfo to tools/list', async () => {
    const client = await connect(fullServer());
    const result = resultOf(await client.request('tools/list', modern()));
    expect(result).toMatchObject({ resultType: 'complete', ttlMs: 1234, cacheScope: 'public' });
    expect(result._meta).toEqual({
      'io.modelcontextprotocol/serverInfo': {
        name: 'dispatch-test',
        version: '1.2.3',
        title: 'Dispatch Test',
        description: 'A server for dispatcher tests',
        icons: [{ src: 'https://example.com/icon.png', mimeType: 'image/png' }],
        websiteUrl: 'https://example.com',
      },
    });
  });

  it('uses default cache hints when no options are given', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.tool('t', { description: 'd' }, () => 'ok');
    const client = await connect(server);
    const result = resultOf(await client.request('tools/list', modern()));
    expect(result.ttlMs).toBe(60_000);
    expect(result.cacheScope).toBe('private');
  });

  it('answers tools/call with resultType but without cache hints', async () => {
    const client = await connect(fullServer());
    const result = resultOf(
      await client.request('tools/call', modern({ name: 'echo', arguments: { text: 'x' } })),
    );
    expect(result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'x' }] });
    expect(result).not.toHaveProperty('ttlMs');
    expect(result._meta).toHaveProperty(['io.modelcontextprotocol/serverInfo', 'name'], 'dispatch-test');
  });

  it('accepts a tools/call without arguments', async () => {
    const client = await connect(fullServer());
    const result = resultOf(await client.request('tools/call', modern({ name: 'echo' })));
    expect(result.content).toEqual([{ type: 'text', text: '' }]);
  });

  it('answers server/discover with every revision, capabilities and instructions', async () => {
    const client = await connect(fullServer());
    const result = resultOf(await client.request('server/discover', modern()));
    expect(result).toMatchObject({
      resultType: 'complete',
      supportedVersions: ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'],
      capabilities: { tools: { listChanged: true } },
      instructions: 'Use echo to repeat things.',
      ttlMs: 1234,
      cacheScope: 'public',
    });
    expect(result._meta).toHaveProperty(['io.modelcontextprotocol/serverInfo', 'version'], '1.2.3');
  });

  it('requires _meta on server/discover', async () => {
    const client = await connect(fullServer());
    for (const params of [{}, undefined]) {
      const error = errorOf(await client.request('server/discover', params));
      expect(error.code).toBe(-32602);
      expect(error.message).toContain('io.modelcontextprotocol/clientCapabilities');
    }
  });

  it('refuses an unknown protocol version with -32022 and the supported list', async () => {
    const client = await connect(fullServer());
    for (const requested of ['v999.0.0', '2025-11-25']) {
      const error = errorOf(
        await client.request(
          'server/discover',
          modern({}, { 'io.modelcontextprotocol/protocolVersion': requested }),
        ),
      );
      expect(error).toEqual({
        code: -32022,
        message: `Unsupported protocol version: ${requested}`,
        data: { supported: ['2026-07-28'], requested },
      });
    }
  });

  it('refuses a protocol version that is not a string', async () => {
    const client = await connect(fullServer());
    const error = errorOf(
      await client.request('tools/list', modern({}, { 'io.modelcontextprotocol/protocolVersion': 20260728 })),
    );
    expect(error.code).toBe(-32602);
    expect(error.message).toContain('must be a string');
  });

  it('names the missing clientCapabilities key', async () => {
    const client = await connect(fullServer());
    const { 'io.modelcontextprotocol/clientCapabilities': _omitted, ...meta } = modernMeta();
    const error = errorOf(await client.request('tools/list', { _meta: meta }));
    expect(error.code).toBe(-32602);
    expect(error.message).toContain('Missing params._meta["io.modelcontextprotocol/clientCapabilities"]');
  });

  it.each([
    [{ 'io.modelcontextprotocol/clientCapabilities': 'all' }, 'clientCapabilities"] must be an object'],
    [{ 'io.modelcontextprotocol/clientInfo': { name: 1 } }, 'clientInfo"] must be an object'],
    [{ progressToken: { nested: true } }, 'progressToken must be a string or an integer'],
  ])('rejects malformed _meta %j', async (override, fragment) => {
    const client = await connect(fullServer());
    const error = errorOf(await client.request('tools/list', modern({}, override)));
    expect(error.code).toBe(-32602);
    expect(error.message).toContain(fragment);
  });

  it('treats clientInfo as optional', async () => {
    const client = await connect(fullServer());
    const { 'io.modelcontextprotocol/clientInfo': _omitted, ...meta } = modernMeta();
    const result = resultOf(await client.request('tools/list', { _meta: meta }));
    expect(result.resultType).toBe('complete');
  });

  it.each([
    'initialize',
    'ping',
    'logging/setLevel',
    'resources/subscribe',
    'resources/unsubscribe',
    'tasks/get',
  ])('answers %s (removed in 2026-07-28) with -32601', async (method) => {
    const client = await connect(fullServer());
    const error = errorOf(await client.request(method, modern()));
    expect(error.code).toBe(-32601);
    expect(error.message).toBe(`Method not found: ${method} (not part of protocol revision 2026-07-28)`);
  });

  it('answers unknown methods with -32601', async () => {
    const client = await connect(fullServer());
    expect(errorOf(await client.request('foo/bar', modern()))).toEqual({
      code: -32601,
      message: 'Method not found: foo/bar',
    });
  });

  it('decides the era per message on a connection that also has a legacy session', async () => {
    const client = await connect(fullServer());
    await client.initialize('2025-06-18');
    const modernResult = resultOf(await client.request('tools/list', modern()));
    expect(modernResult.resultType).toBe('complete');
    const legacyResult = resultOf(await client.request('tools/list'));
    expect(legacyResult).not.toHaveProperty('resultType');
  });
});

describe('requests without an era', () => {
  it('explain both ways in with -32602', async () => {
    const client = await connect(fullServer());
    const error = errorOf(await client.request('tools/list', {}));
    expect(error.code).toBe(-32602);
    expect(error.message).toContain('send initialize first');
    expect(error.message).toContain('io.modelcontextprotocol/protocolVersion');
    expect(error.message).toContain('io.modelcontextprotocol/clientCapabilities');
  });

  it('still answer unknown methods with -32601', async () => {
    const client = await connect(fullServer());
    expect(errorOf(await client.request('nope', {})).code).toBe(-32601);
  });

  it('are refused even when _meta has other keys', async () => {
    const client = await connect(fullServer());
    const error = errorOf(await client.request('tools/list', { _meta: { progressToken: 1 } }));
    expect(error.code).toBe(-32602);
  });

  it('get -32602 when _meta is not an object', async () => {
    const client = await connect(fullServer());
    const error = errorOf(await client.request('tools/list', { _meta: 'x' }));
    expect(error).toEqual({ code: -32602, message: 'params._meta must be an object, got string' });
  });
});

describe('capabilities', () => {
  it('advertise only logging and refuse tools/* when no tool was ever registered', async () => {
    const server = createServer({ name: 'empty', version: '1' });
    const client = await connect(server);
    const discover = resultOf(await client.request('server/discover', modern()));
    expect(discover.capabilities).toEqual({ logging: {} });
    const list = errorOf(await client.request('tools/list', modern()));
    expect(list.code).toBe(-32601);
    expect(list.message).toContain('tools/list');

    const legacy = await connect(server);
    expect((await legacy.initialize()).capabilities).toEqual({ logging: {} });
    expect(errorOf(await legacy.request('tools/call', { name: 'x' })).code).toBe(-32601);
  });

  it('stay advertised after every tool is removed', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.tool('gone', { description: 'd' }, () => 'x').remove();
    const client = await connect(server);
    const result = resultOf(await client.request('tools/list', modern()));
    expect(result.tools).toEqual([]);
  });
});

describe('bad params', () => {
  it.each([
    [{}, '"name" is required'],
    [{ name: 42 }, '"name" must be a string, got integer'],
    [{ name: 'echo', arguments: [1] }, '"arguments" must be an object, got array'],
    [{ name: 'echo', arguments: null }, '"arguments" must be an object, got null'],
    [{ name: 'echo', arguments: 'text' }, '"arguments" must be an object, got string'],
  ])('tools/call %j gets -32602 naming the field, and the connection survives', async (params, fragment) => {
    const client = await connect(fullServer());
    await client.initialize();
    const legacyError = errorOf(await client.request('tools/call', params));
    expect(legacyError.code).toBe(-32602);
    expect(legacyError.message).toContain(fragment);
    const modernError = errorOf(await client.request('tools/call', modern(params)));
    expect(modernError.message).toContain(fragment);
    expect(
      resultOf(await client.request('tools/call', { name: 'echo', arguments: { text: 'ok' } })).content,
    ).toEqual([{ type: 'text', text: 'ok' }]);
  });

  it('tools/list with a non-string cursor gets -32602', async () => {
    const client = await connect(fullServer());
    const error = errorOf(await client.request('tools/list', modern({ cursor: 3 })));
    expect(error.code).toBe(-32602);
    expect(error.message).toContain('"cursor" must be a string');
  });

  it('keeps serving after a burst of bad input', async () => {
    const client = await connect(fullServer());
    await client.request('tools/list', { _meta: [] });
    await client.request('initialize', { protocolVersion: null });
    await client.request('tools/call', modern({ name: ['x'] }));
    await client.request('server/discover', modern({}, { 'io.modelcontextprotocol/protocolVersion': '' }));
    await roundTrip(client);
    const result = resultOf(await client.request('tools/list', modern()));
    expect(result.tools).toHaveLength(1);
  });
});
