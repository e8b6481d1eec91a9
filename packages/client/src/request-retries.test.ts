/**
 * The modern errors whose remedy is to send the request again with a new id: -32022 mid-session, a response
 * the HTTP transport lost (`data.lost`), and -32020 on tools/call.
 */
import { type JsonRpcRequest, McpError, type RequestHandler } from '@pmcp/jsonrpc';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, complete, connect, expectSpecClean, page, requestsOf } from '../test/harness.ts';

afterEach(closeAll);

const VERSION_KEY = 'io.modelcontextprotocol/protocolVersion';
const ANSWER = { content: [{ type: 'text', text: '42' }] };

function unsupportedVersion(supported: string[]): McpError {
  return new McpError(-32022, 'Unsupported protocol version', {
    data: { supported, requested: '2026-07-28' },
  });
}

/** What the HTTP transport delivers when a modern response stream breaks before the response. */
function lostResponse(method: string): McpError {
  return new McpError(-32000, `The response to "${method}" was lost: its SSE stream broke.`, {
    data: { method, lost: true },
  });
}

/** A handler that throws the given errors on its first calls, then answers with `answer`. */
function failingFirst(errors: McpError[], answer: () => Record<string, unknown>): RequestHandler {
  let calls = 0;
  return () => {
    const error = errors[calls];
    calls += 1;
    if (error !== undefined) throw error;
    return answer();
  };
}

function ids(requests: readonly JsonRpcRequest[]): unknown[] {
  return requests.map((request) => request.id);
}

describe('-32022 mid-session', () => {
  it('retries once with the same version when the server lists it, with a new id', async () => {
    const { client, server, spec } = await connect('modern', {
      'tools/call': failingFirst([unsupportedVersion(['2026-07-28'])], () => complete('modern', ANSWER)),
    });
    const result = await client.callTool('answer', { question: 'everything' });

    expect(result.content).toEqual(ANSWER.content);
    const calls = requestsOf(server, 'tools/call');
    expect(calls).toHaveLength(2);
    expect(new Set(ids(calls)).size).toBe(2);
    expect(calls[1]?.params?.arguments).toEqual({ question: 'everything' });
    for (const call of calls) expect(call.params?._meta).toMatchObject({ [VERSION_KEY]: '2026-07-28' });
    expect(client.protocolVersion).toBe('2026-07-28');
    expectSpecClean(spec);
  });

  it('gives every request its own retry', async () => {
    const { client, server } = await connect('modern', {
      'prompts/list': failingFirst(
        [unsupportedVersion(['2026-07-28']), unsupportedVersion(['2026-07-28'])],
        () => page('modern', { prompts: [] }),
      ),
    });
    // The first request's retry is rejected too; the next request starts with a fresh allowance.
    await expect(client.listPrompts()).rejects.toMatchObject({ code: -32022 });
    await expect(client.listPrompts()).resolves.toMatchObject({ prompts: [] });
    expect(requestsOf(server, 'prompts/list')).toHaveLength(3);
  });

  it('fails with a clear error when the server lists no modern version, without retrying', async () => {
    const { client, server } = await connect('modern', {
      'tools/call': () => {
        throw unsupportedVersion(['2025-11-25', '2025-06-18']);
      },
    });
    const error = (await client.callTool('answer').catch((thrown: unknown) => thrown)) as McpError;
    expect(error).toBeInstanceOf(McpError);
    expect(error.code).toBe(-32022);
    expect(error.message).toContain('no modern version');
    expect(error.message).toContain('2025-11-25');
    expect(error.message).toContain('Connect again');
    expect(error.cause).toBeInstanceOf(McpError);
    expect(requestsOf(server, 'tools/call')).toHaveLength(1);
  });
});

describe('a lost response (data.lost)', () => {
  it('re-issues the request once with a new id and returns its result', async () => {
    const { client, server, spec } = await connect('modern', {
      'tools/call': failingFirst([lostResponse('tools/call')], () => complete('modern', ANSWER)),
    });
    const result = await client.callTool('answer', { question: 'everything' });

    expect(result.content).toEqual(ANSWER.content);
    const calls = requestsOf(server, 'tools/call');
    expect(calls).toHaveLength(2);
    expect(new Set(ids(calls)).size).toBe(2);
    expect(calls[1]?.params).toEqual(calls[0]?.params);
    expectSpecClean(spec);
  });

  it('throws when the re-issued request is lost too', async () => {
    const { client, server } = await connect('modern', {
      'resources/read': () => {
        throw lostResponse('resources/read');
      },
    });
    const error = (await client
      .readResource('file:///notes.txt')
      .catch((thrown: unknown) => thrown)) as McpError;
    expect(error).toBeInstanceOf(McpError);
    expect(error.message).toContain('lost twice');
    expect(error.data).toMatchObject({ lost: true });
    expect(requestsOf(server, 'resources/read')).toHaveLength(2);
  });

  it('does not re-issue subscriptions/listen, which has its own ending rules', async () => {
    const { client, server } = await connect('modern', {
      'subscriptions/listen': () => {
        throw lostResponse('subscriptions/listen');
      },
    });
    await expect(client.listen({ toolsListChanged: true })).rejects.toMatchObject({
      data: { lost: true },
    });
    expect(requestsOf(server, 'subscriptions/listen')).toHaveLength(1);
  });

  it('does not re-issue in a legacy session, whose transport resumes streams itself', async () => {
    const { client, server } = await connect('legacy', {
      'tools/call': failingFirst([lostResponse('tools/call')], () => ANSWER),
    });
    await expect(client.callTool('answer')).rejects.toMatchObject({ data: { lost: true } });
    expect(requestsOf(server, 'tools/call')).toHaveLength(1);
  });
});

describe('-32020 header mismatch on tools/call', () => {
  const headerMismatch = () =>
    new McpError(-32020, 'Header mismatch: Mcp-Param-Region does not match arguments.region', {
      data: { header: 'Mcp-Param-Region' },
    });
  const tool = (annotated: boolean) => ({
    name: 'forecast',
    inputSchema: {
      type: 'object',
      properties: { region: annotated ? { type: 'string', 'x-mcp-header': 'Region' } : { type: 'string' } },
    },
  });

  it('lists the tools afresh, bypassing the cache, then retries the call once with a new id', async () => {
    let listings = 0;
    const { client, server, spec } = await connect('modern', {
      'tools/list': () => {
        listings += 1;
        // Cacheable for a minute: the refresh must not be served from the cache.
        return page('modern', { tools: [tool(listings > 1)] }, { ttlMs: 60_000, cacheScope: 'public' });
      },
      'tools/call': failingFirst([headerMismatch()], () => complete('modern', ANSWER)),
    });
    await client.listAllTools();
    await client.listAllTools(); // served from the cache
    expect(requestsOf(server, 'tools/list')).toHaveLength(1);

    const result = await client.callTool('forecast', { region: 'eu' });

    expect(result.content).toEqual(ANSWER.content);
    expect(server.sentMethods().filter((method) => method.startsWith('tools/'))).toEqual([
      'tools/list',
      'tools/call',
      'tools/list',
      'tools/call',
    ]);
    const calls = requestsOf(server, 'tools/call');
    expect(new Set(ids(calls)).size).toBe(2);
    expect(calls[1]?.params?.arguments).toEqual({ region: 'eu' });
    // The fresh listing replaced the cached one.
    const [cachedAgain] = await client.listAllTools();
    expect(cachedAgain?.inputSchema.properties).toMatchObject({ region: { 'x-mcp-header': 'Region' } });
    expect(requestsOf(server, 'tools/list')).toHaveLength(2);
    expectSpecClean(spec);
  });

  it('throws the second -32020', async () => {
    const { client, server } = await connect('modern', {
      'tools/list': () => page('modern', { tools: [tool(true)] }),
      'tools/call': () => {
        throw headerMismatch();
      },
    });
    const error = (await client
      .callTool('forecast', { region: 'eu' })
      .catch((thrown: unknown) => thrown)) as McpError;
    expect(error).toBeInstanceOf(McpError);
    expect(error.code).toBe(-32020);
    expect(error.message).toContain('again');
    expect(error.data).toEqual({ header: 'Mcp-Param-Region' });
    expect(requestsOf(server, 'tools/call')).toHaveLength(2);
    expect(requestsOf(server, 'tools/list')).toHaveLength(1);
  });

  it('reports the -32020 with the listing error as cause when listing the tools fails', async () => {
    const { client, server } = await connect('modern', {
      'tools/list': () => {
        throw new McpError(-32603, 'tools are being reloaded');
      },
      'tools/call': failingFirst([headerMismatch()], () => complete('modern', ANSWER)),
    });
    const error = (await client.callTool('forecast').catch((thrown: unknown) => thrown)) as McpError;
    expect(error.code).toBe(-32020);
    expect(error.message).toContain('listing the tools again');
    expect(error.message).toContain('tools are being reloaded');
    expect((error.cause as McpError).code).toBe(-32603);
    expect(requestsOf(server, 'tools/call')).toHaveLength(1);
  });

  it('does not retry other methods', async () => {
    const { client, server } = await connect('modern', {
      'prompts/get': () => {
        throw headerMismatch();
      },
    });
    await expect(client.getPrompt('greet')).rejects.toMatchObject({ code: -32020 });
    expect(requestsOf(server, 'prompts/get')).toHaveLength(1);
    expect(requestsOf(server, 'tools/list')).toHaveLength(0);
  });
});
