import { type JsonRpcRequest, McpError, type RequestHandler } from '@pmcp/jsonrpc';
import { describe, expect, it } from 'vitest';
import {
  answerError,
  createFakeServer,
  discoverResult,
  initializeResult,
  neverAnswer,
  SERVER_INFO,
} from '../test/fake-server.ts';
import { expectAllSpecValid, revisionRule } from '../test/spec-check.ts';
import { type Client, createClient } from './index.ts';

const CLIENT_INFO = { name: 'test-client', version: '1.2.3' };

function sentRequest(messages: readonly unknown[], method: string): JsonRpcRequest {
  const found = messages.find(
    (message): message is JsonRpcRequest =>
      typeof message === 'object' &&
      message !== null &&
      'id' in message &&
      (message as JsonRpcRequest).method === method,
  );
  if (found === undefined) throw new Error(`the client sent no ${method}`);
  return found;
}

async function connectAndCheck(
  handlers: Record<string, RequestHandler>,
  options: { era?: 'auto' | 'modern' | 'legacy'; discoverTimeout?: number } = {},
) {
  const server = await createFakeServer(handlers);
  const client = createClient(
    { ...CLIENT_INFO, capabilities: { elicitation: {} } },
    options.discoverTimeout === undefined ? {} : { discoverTimeout: options.discoverTimeout },
  );
  const connected = client.connect(server.transport, options.era === undefined ? {} : { era: options.era });
  return { server, client, connected };
}

function expectSentValid(client: Client, sent: Parameters<typeof expectAllSpecValid>[0]): void {
  expectAllSpecValid(sent, revisionRule(client.protocolVersion));
}

describe('connect() in auto mode', () => {
  it('is modern when server/discover answers with a DiscoverResult', async () => {
    const { server, client, connected } = await connectAndCheck({
      'server/discover': () => discoverResult({ tools: { listChanged: true } }, { instructions: 'be nice' }),
    });
    await connected;

    expect(client.era).toBe('modern');
    expect(client.protocolVersion).toBe('2026-07-28');
    expect(client.serverInfo).toEqual(SERVER_INFO);
    expect(client.serverCapabilities).toEqual({ tools: { listChanged: true } });
    expect(client.instructions).toBe('be nice');
    expect(server.sentMethods()).toEqual(['server/discover']);
    expect(server.protocolVersions.at(-1)).toBe('2026-07-28');
    const discover = sentRequest(server.sent, 'server/discover');
    expect(discover.params?._meta).toEqual({
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
      'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
    });
    expectSentValid(client, server.sent);
    await client.close();
  });

  it('treats a DiscoverResult without resultType (an older draft server) as complete', async () => {
    const { resultType: _dropped, ...withoutType } = discoverResult();
    const { client, connected } = await connectAndCheck({ 'server/discover': () => withoutType });
    await connected;
    expect(client.era).toBe('modern');
    await client.close();
  });

  it.each([
    ['-32601 method not found', -32601],
    ['-32602 invalid params', -32602],
    ['-32603 internal error', -32603],
    ['-32000 implementation-defined', -32000],
    ['a server-specific code', 1234],
  ])('falls back to initialize when discover gets %s', async (_label, code) => {
    const handlers: Record<string, RequestHandler> = {
      initialize: () => initializeResult('2025-11-25', { tools: {} }, { instructions: 'legacy hints' }),
    };
    if (code !== -32601) handlers['server/discover'] = answerError(code, 'nope');
    const { server, client, connected } = await connectAndCheck(handlers);
    await connected;

    expect(client.era).toBe('legacy');
    expect(client.protocolVersion).toBe('2025-11-25');
    expect(client.serverInfo).toEqual(SERVER_INFO);
    expect(client.instructions).toBe('legacy hints');
    expect(server.sentMethods()).toEqual(['server/discover', 'initialize', 'notifications/initialized']);
    expect(sentRequest(server.sent, 'initialize').params).toEqual({
      protocolVersion: '2025-11-25',
      capabilities: { elicitation: {} },
      clientInfo: CLIENT_INFO,
    });
    expectSentValid(client, server.sent);
    await client.close();
  });

  it('falls back to initialize when discover is never answered, without announcing the abandoned probe', async () => {
    const { server, client, connected } = await connectAndCheck(
      { 'server/discover': neverAnswer, initialize: () => initializeResult() },
      { discoverTimeout: 30 },
    );
    await connected;

    expect(client.era).toBe('legacy');
    expect(server.sentMethods()).toEqual(['server/discover', 'initialize', 'notifications/initialized']);
    expectSentValid(client, server.sent);
    await client.close();
  });

  it('falls back when discover answers with something that is not a DiscoverResult', async () => {
    const { client, connected } = await connectAndCheck({
      'server/discover': () => ({}),
      initialize: () => initializeResult(),
    });
    await connected;
    expect(client.era).toBe('legacy');
    await client.close();
  });

  it('accepts an older legacy version the server answers initialize with', async () => {
    const { client, connected, server } = await connectAndCheck({
      initialize: () => initializeResult('2025-03-26'),
    });
    await connected;
    expect(client.era).toBe('legacy');
    expect(client.protocolVersion).toBe('2025-03-26');
    // The transport learns the negotiated version (HTTP sends it as MCP-Protocol-Version from then on).
    expect(server.protocolVersions.at(-1)).toBe('2025-03-26');
    expectSentValid(client, server.sent);
    await client.close();
  });

  it('closes with an error naming both versions when initialize answers a version pmcp does not know', async () => {
    const { server, connected } = await connectAndCheck({ initialize: () => initializeResult('2099-01-01') });
    const error = await connected.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32022);
    expect((error as McpError).message).toContain('2099-01-01');
    expect((error as McpError).message).toContain('2025-11-25');
    await server.closed;
    expect(server.sentMethods()).not.toContain('notifications/initialized');
  });

  it('does not fall back on a recognised modern error such as -32021', async () => {
    const { server, connected } = await connectAndCheck({
      'server/discover': answerError(-32021, 'Missing required client capability', {
        requiredCapabilities: { sampling: {} },
      }),
      initialize: () => initializeResult(),
    });
    await expect(connected).rejects.toMatchObject({
      code: -32021,
      message: expect.stringContaining('modern era'),
    });
    expect(server.sentMethods()).toEqual(['server/discover']);
  });

  it.each([
    [401, 'requires authorization', 'createOAuthClientProvider'],
    [403, 'do not grant access', 'insufficient_scope'],
  ] as const)(
    'stops on HTTP %i instead of falling back to initialize, which would be refused alike',
    async (httpStatus, advice, detail) => {
      const challenge = `Bearer error="insufficient_scope", resource_metadata="https://mcp.test/.well-known/x"`;
      const { server, connected } = await connectAndCheck({
        'server/discover': answerError(-32600, 'Unauthorized', {
          httpStatus,
          wwwAuthenticate: httpStatus === 403 ? challenge : 'Bearer',
        }),
        initialize: () => initializeResult(),
      });
      await expect(connected).rejects.toMatchObject({
        code: -32600,
        message: expect.stringContaining(`HTTP ${httpStatus}: `),
        data: { httpStatus },
      });
      await expect(connected).rejects.toThrow(advice);
      if (httpStatus === 401) await expect(connected).rejects.toThrow(detail);
      else
        await expect(connected).rejects.toMatchObject({
          data: { wwwAuthenticate: expect.stringContaining(detail) },
        });
      expect(server.sentMethods()).toEqual(['server/discover']);
    },
  );

  it('rejects a DiscoverResult whose resultType is not complete', async () => {
    const { connected } = await connectAndCheck({
      'server/discover': () => ({ ...discoverResult(), resultType: 'input_required' }),
    });
    await expect(connected).rejects.toMatchObject({ message: expect.stringContaining('resultType') });
  });
});

describe('connect() version negotiation with -32022', () => {
  it('initializes with the newest legacy version when the server lists only legacy ones', async () => {
    const { server, client, connected } = await connectAndCheck({
      'server/discover': answerError(-32022, 'Unsupported protocol version', {
        supported: ['2025-06-18', '2024-11-05'],
        requested: '2026-07-28',
      }),
      initialize: (params) => initializeResult(String(params.protocolVersion)),
    });
    await connected;
    expect(client.era).toBe('legacy');
    expect(client.protocolVersion).toBe('2025-06-18');
    expect(sentRequest(server.sent, 'initialize').params?.protocolVersion).toBe('2025-06-18');
    expectSentValid(client, server.sent);
    await client.close();
  });

  it('fails with both version lists when nothing is shared', async () => {
    const { server, connected } = await connectAndCheck({
      'server/discover': answerError(-32022, 'Unsupported protocol version', {
        supported: ['2099-01-01'],
        requested: '2026-07-28',
      }),
    });
    const error = (await connected.catch((thrown: unknown) => thrown)) as McpError;
    expect(error.code).toBe(-32022);
    expect(error.message).toContain('2099-01-01');
    expect(error.message).toContain('2026-07-28');
    expect(server.sentMethods()).toEqual(['server/discover']);
    await server.closed;
  });

  it('retries once with the same version when the server rejects a version it lists (conformance request-metadata)', async () => {
    // The official mock answers the first modern request with -32022 while listing 2026-07-28 as supported.
    let rejected = false;
    const { server, client, connected } = await connectAndCheck({
      'server/discover': (params) => {
        if (!rejected) {
          rejected = true;
          throw new McpError(-32022, 'Unsupported protocol version', {
            data: {
              supported: ['2026-07-28'],
              requested: (params._meta as Record<string, unknown>)['io.modelcontextprotocol/protocolVersion'],
            },
          });
        }
        return discoverResult({ tools: {} });
      },
    });
    await connected;

    expect(client.era).toBe('modern');
    expect(client.protocolVersion).toBe('2026-07-28');
    const probes = server.sent.filter(
      (message): message is JsonRpcRequest => 'method' in message && message.method === 'server/discover',
    );
    expect(probes).toHaveLength(2);
    expect(probes[1]?.id).not.toEqual(probes[0]?.id);
    for (const probe of probes) {
      expect(probe.params?._meta).toMatchObject({ 'io.modelcontextprotocol/protocolVersion': '2026-07-28' });
    }
    expect(server.protocolVersions.every((version) => version === '2026-07-28')).toBe(true);
    expectSentValid(client, server.sent);
    await client.close();
  });

  it('fails clearly when the server rejects a version it lists as supported a second time', async () => {
    const { server, connected } = await connectAndCheck({
      'server/discover': answerError(-32022, 'Unsupported protocol version', {
        supported: ['2026-07-28'],
        requested: '2026-07-28',
      }),
    });
    const error = (await connected.catch((thrown: unknown) => thrown)) as McpError;
    expect(error).toBeInstanceOf(McpError);
    expect(error.code).toBe(-32022);
    expect(error.message).toContain('2026-07-28');
    expect(error.message).toContain('contradicts itself');
    expect(error.data).toEqual({ supported: ['2026-07-28'], requested: '2026-07-28' });
    expect(server.sentMethods()).toEqual(['server/discover', 'server/discover']);
    await server.closed;
  });

  it('moves on to a listed legacy version once a listed modern version was rejected twice', async () => {
    const { server, client, connected } = await connectAndCheck({
      'server/discover': answerError(-32022, 'Unsupported protocol version', {
        supported: ['2026-07-28', '2025-11-25'],
        requested: '2026-07-28',
      }),
      initialize: () => initializeResult('2025-11-25'),
    });
    await connected;
    expect(client.era).toBe('legacy');
    expect(server.sentMethods()).toEqual([
      'server/discover',
      'server/discover',
      'initialize',
      'notifications/initialized',
    ]);
    expectSentValid(client, server.sent);
    await client.close();
  });

  it('initializes with a shared legacy version when the DiscoverResult lists only legacy versions', async () => {
    const { client, connected } = await connectAndCheck({
      'server/discover': () => discoverResult({}, { supportedVersions: ['2025-11-25'] }),
      initialize: () => initializeResult(),
    });
    await connected;
    expect(client.era).toBe('legacy');
    await client.close();
  });

  it('retries initialize with a version from data.supported when the server rejects the first one', async () => {
    const { server, client, connected } = await connectAndCheck(
      {
        initialize: (params) => {
          if (params.protocolVersion !== '2025-06-18') {
            throw new McpError(-32602, 'Unsupported protocol version', {
              data: { supported: ['2025-06-18'], requested: params.protocolVersion },
            });
          }
          return initializeResult('2025-06-18');
        },
      },
      { era: 'legacy' },
    );
    await connected;
    expect(client.protocolVersion).toBe('2025-06-18');
    expect(server.sentMethods()).toEqual(['initialize', 'initialize', 'notifications/initialized']);
    await client.close();
  });
});

describe('connect() with a forced era', () => {
  it('modern: connects to a modern server', async () => {
    const { client, connected } = await connectAndCheck(
      { 'server/discover': () => discoverResult() },
      { era: 'modern' },
    );
    await connected;
    expect(client.era).toBe('modern');
    await client.close();
  });

  it('modern: fails with advice when the server is legacy, without sending initialize', async () => {
    const { server, connected } = await connectAndCheck(
      { initialize: () => initializeResult() },
      { era: 'modern' },
    );
    const error = (await connected.catch((thrown: unknown) => thrown)) as McpError;
    expect(error).toBeInstanceOf(McpError);
    expect(error.code).toBe(-32601);
    expect(error.message).toContain('era "modern"');
    expect(error.message).toContain("era: 'auto'");
    expect(server.sentMethods()).toEqual(['server/discover']);
    await server.closed;
  });

  it('modern: a silent server times out with a clear error', async () => {
    const { connected } = await connectAndCheck(
      { 'server/discover': neverAnswer },
      { era: 'modern', discoverTimeout: 20 },
    );
    await expect(connected).rejects.toMatchObject({
      code: -32001,
      message: expect.stringContaining('modern'),
    });
  });

  it('modern: fails when the server lists only legacy versions', async () => {
    const { connected } = await connectAndCheck(
      { 'server/discover': () => discoverResult({}, { supportedVersions: ['2025-11-25'] }) },
      { era: 'modern' },
    );
    await expect(connected).rejects.toMatchObject({
      message: expect.stringContaining('only legacy versions'),
    });
  });

  it('legacy: initializes first, without probing', async () => {
    const { server, client, connected } = await connectAndCheck(
      { 'server/discover': () => discoverResult(), initialize: () => initializeResult() },
      { era: 'legacy' },
    );
    await connected;
    expect(client.era).toBe('legacy');
    expect(server.sentMethods()).toEqual(['initialize', 'notifications/initialized']);
    expectSentValid(client, server.sent);
    await client.close();
  });

  it('legacy: a modern-only server gives a clear error pointing at the other eras', async () => {
    const { connected } = await connectAndCheck(
      {
        initialize: answerError(-32601, 'Method not found: initialize (this server speaks 2026-07-28)', {
          supported: ['2026-07-28'],
        }),
      },
      { era: 'legacy' },
    );
    await expect(connected).rejects.toMatchObject({
      code: -32601,
      message: expect.stringMatching(/rejected initialize.*only modern versions/),
    });
  });
});

describe('connect() misuse', () => {
  it('refuses a second connect', async () => {
    const { client, connected, server } = await connectAndCheck({
      'server/discover': () => discoverResult(),
    });
    await connected;
    await expect(client.connect(server.transport)).rejects.toThrow(/already called/);
    await client.close();
  });

  it('refuses an unknown era', async () => {
    const server = await createFakeServer({});
    const client = createClient(CLIENT_INFO);
    await expect(client.connect(server.transport, { era: 'future' as 'auto' })).rejects.toThrow(TypeError);
  });

  it('validates createClient input', () => {
    expect(() => createClient({ name: '', version: '1' })).toThrow(/name must be a non-empty string/);
    expect(() => createClient({ name: 'x', version: '' })).toThrow(/version must be a non-empty string/);
    expect(() => createClient(CLIENT_INFO, { maxListPages: 0 })).toThrow(/maxListPages/);
    expect(() => createClient(CLIENT_INFO, { discoverTimeout: -1 })).toThrow(/discoverTimeout/);
  });
});
