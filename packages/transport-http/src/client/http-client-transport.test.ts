/**
 * The HTTP client transport against scripted fake servers on 127.0.0.1: exactly what goes on the wire in each
 * era, and what the client sees when the server misbehaves.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createClient } from '@pmcp/client';
import { type JsonRpcMessage, McpError, ProtocolError, TransportClosedError } from '@pmcp/jsonrpc';
import { createSseDecoder } from '@pmcp/parse-wasm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  deferred,
  type Listening,
  listen,
  readBody,
  sendJson,
  startSse,
  writeEvent,
} from '../../test/client-harness.ts';
import { type HttpClientTransport, httpClientTransport } from '../index.ts';
import type { HttpAuthProvider, HttpClientTransportOptions } from './options.ts';

interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body of a POST. */
  body: Record<string, unknown> | undefined;
}

interface FakeServer extends Listening {
  calls: Call[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fakeServer(route: (call: Call) => void | Promise<void>): Promise<FakeServer> {
  const calls: Call[] = [];
  const listening = await listen(async (req, res) => {
    const text = req.method === 'POST' ? await readBody(req) : '';
    const call: Call = {
      req,
      res,
      method: req.method ?? '',
      headers: req.headers,
      body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
    };
    calls.push(call);
    await route(call);
  });
  cleanups.push(() => listening.close());
  return { ...listening, calls };
}

interface Opened {
  transport: HttpClientTransport;
  messages: JsonRpcMessage[];
  errors: Error[];
}

async function open(url: string, options?: HttpClientTransportOptions): Promise<Opened> {
  const transport = httpClientTransport(url, options);
  const messages: JsonRpcMessage[] = [];
  const errors: Error[] = [];
  transport.onmessage = (message) => messages.push(message);
  transport.onerror = (error) => errors.push(error);
  await transport.start();
  cleanups.push(() => transport.close());
  return { transport, messages, errors };
}

const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
};

function modernRequest(id: number, method: string, params: Record<string, unknown> = {}): JsonRpcMessage {
  return { jsonrpc: '2.0', id, method, params: { ...params, _meta: MODERN_META } };
}

function discoverResult(id: unknown): Record<string, unknown> {
  return {
    jsonrpc: '2.0',
    id,
    result: {
      resultType: 'complete',
      supportedVersions: ['2026-07-28'],
      capabilities: { tools: {} },
      ttlMs: 0,
      cacheScope: 'public',
      _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'fake-modern', version: '1.0.0' } },
    },
  };
}

function initializeResult(id: unknown, protocolVersion = '2025-11-25'): Record<string, unknown> {
  return {
    jsonrpc: '2.0',
    id,
    result: {
      protocolVersion,
      capabilities: { tools: {} },
      serverInfo: { name: 'fake-legacy', version: '1.0.0' },
    },
  };
}

const toolsPage = {
  tools: [
    {
      name: 'route',
      inputSchema: {
        type: 'object',
        properties: {
          region: { type: 'string', 'x-mcp-header': 'Region' },
          options: { type: 'object', properties: { limit: { type: 'integer', 'x-mcp-header': 'Limit' } } },
          dry: { type: 'boolean', 'x-mcp-header': 'Dry-Run' },
          query: { type: 'string' },
        },
      },
    },
    {
      name: 'bad_items',
      inputSchema: {
        type: 'object',
        properties: { list: { type: 'array', items: { type: 'string', 'x-mcp-header': 'Item' } } },
      },
    },
  ],
};

/** Answers modern traffic: discover, a tools page, and echoes a tools/call. */
function modernRoute(call: Call): void {
  const body = call.body ?? {};
  if (body.id === undefined) {
    call.res.writeHead(202).end();
    return;
  }
  if (body.method === 'server/discover') sendJson(call.res, 200, discoverResult(body.id));
  else if (body.method === 'tools/list')
    sendJson(call.res, 200, { jsonrpc: '2.0', id: body.id, result: toolsPage });
  else {
    sendJson(call.res, 200, {
      jsonrpc: '2.0',
      id: body.id,
      result: { resultType: 'complete', content: [{ type: 'text', text: 'ok' }] },
    });
  }
}

describe('modern Streamable HTTP (2026-07-28)', () => {
  it('sends one POST per message with Accept, Content-Type, MCP-Protocol-Version, Mcp-Method and Mcp-Name', async () => {
    const server = await fakeServer(modernRoute);
    const { transport, messages } = await open(server.url());
    await transport.send(modernRequest(1, 'resources/read', { uri: 'file:///notes/ä.txt' }));
    await transport.send(modernRequest(2, 'prompts/get', { name: 'greet' }));
    expect(messages.map((message) => (message as { id?: unknown }).id)).toEqual([1, 2]);
    const [read, prompt] = server.calls;
    expect(read?.method).toBe('POST');
    expect(read?.headers.accept).toContain('application/json');
    expect(read?.headers.accept).toContain('text/event-stream');
    expect(read?.headers['content-type']).toBe('application/json');
    expect(read?.headers['mcp-protocol-version']).toBe('2026-07-28');
    expect(read?.headers['mcp-method']).toBe('resources/read');
    expect(read?.headers['mcp-name']).toBe(
      `=?base64?${btoa(String.fromCharCode(...new TextEncoder().encode('file:///notes/ä.txt')))}?=`,
    );
    expect(prompt?.headers['mcp-name']).toBe('greet');
    expect(transport.era).toBe('modern');
  });

  it('learns x-mcp-header annotations from tools/list, drops invalid tools with a warning, mirrors arguments', async () => {
    const server = await fakeServer(modernRoute);
    const { transport, messages, errors } = await open(server.url());
    await transport.send(modernRequest(1, 'tools/list'));
    const listed = messages[0] as unknown as { result: { tools: { name: string }[] } };
    expect(listed.result.tools.map((tool) => tool.name)).toEqual(['route']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ProtocolError);
    expect(errors[0]?.message).toContain('Dropped tool "bad_items"');
    await transport.send(
      modernRequest(2, 'tools/call', {
        name: 'route',
        arguments: { region: ' Zürich ', options: { limit: 42 }, dry: false, query: 'not mirrored' },
      }),
    );
    const call = server.calls[1];
    expect(call?.headers['mcp-name']).toBe('route');
    expect(call?.headers['mcp-param-region']).toBe('=?base64?IFrDvHJpY2gg?=');
    expect(call?.headers['mcp-param-limit']).toBe('42');
    expect(call?.headers['mcp-param-dry-run']).toBe('false');
    expect(Object.keys(call?.headers ?? {}).filter((name) => name.startsWith('mcp-param-'))).toHaveLength(3);
    await transport.send(modernRequest(3, 'tools/call', { name: 'route', arguments: { region: null } }));
    expect(Object.keys(server.calls[2]?.headers ?? {}).some((name) => name.startsWith('mcp-param-'))).toBe(
      false,
    );
  });

  it('refuses locally, with -32602, a call whose mirrored integer is outside the safe range', async () => {
    const server = await fakeServer(modernRoute);
    const { transport } = await open(server.url());
    await transport.send(modernRequest(1, 'tools/list'));
    const refused = transport.send(
      modernRequest(2, 'tools/call', { name: 'route', arguments: { options: { limit: 2 ** 60 } } }),
    );
    await expect(refused).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('Mcp-Param-Limit'),
    });
    expect(server.calls).toHaveLength(1);
  });

  it('reads an SSE answer: related notifications first, then the response', async () => {
    const server = await fakeServer((call) => {
      startSse(call.res);
      call.res.write(': keep-alive comment\n\n');
      writeEvent(call.res, {
        jsonrpc: '2.0',
        method: 'notifications/progress',
        params: { progressToken: 7, progress: 1 },
      });
      writeEvent(call.res, {
        jsonrpc: '2.0',
        id: call.body?.id,
        result: { resultType: 'complete', content: [] },
      });
      call.res.end();
    });
    const { transport, messages } = await open(server.url());
    await transport.send(modernRequest(1, 'tools/call', { name: 'x' }));
    await vi.waitFor(() => expect(messages).toHaveLength(2));
    expect(messages[0]).toMatchObject({ method: 'notifications/progress' });
    expect(messages[1]).toMatchObject({ id: 1, result: { resultType: 'complete' } });
  });

  it('plugs in another SSE parser through the sseDecoder option (@pmcp/parse-wasm)', async () => {
    const server = await fakeServer((call) => {
      startSse(call.res);
      writeEvent(call.res, {
        jsonrpc: '2.0',
        id: call.body?.id,
        result: { resultType: 'complete', content: [] },
      });
      call.res.end();
    });
    const made: string[] = [];
    const { transport, messages } = await open(server.url(), {
      sseDecoder: () => {
        made.push('parse-wasm');
        return createSseDecoder();
      },
    });
    await transport.send(modernRequest(1, 'tools/call', { name: 'x' }));
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    expect(made).toEqual(['parse-wasm']);
  });

  it('cancels by aborting the POST, without sending notifications/cancelled', async () => {
    const closedByClient = deferred<void>();
    const server = await fakeServer((call) => {
      if (call.body?.method === 'tools/call' && (call.body.params as { name?: string }).name === 'slow') {
        startSse(call.res);
        call.res.on('close', () => closedByClient.resolve());
        return;
      }
      modernRoute(call);
    });
    const client = createClient({ name: 'c', version: '1' });
    await client.connect(httpClientTransport(server.url()));
    cleanups.push(() => client.close());
    await client.listTools();
    const controller = new AbortController();
    const call = client.callTool('slow', {}, { signal: controller.signal });
    await vi.waitFor(() =>
      expect(server.calls.some((seen) => seen.body?.method === 'tools/call')).toBe(true),
    );
    controller.abort('user pressed stop');
    await expect(call).rejects.toMatchObject({ code: -32800 });
    await closedByClient.promise;
    await client.callTool('route', {});
    expect(server.calls.map((seen) => seen.body?.method)).toEqual([
      'server/discover',
      'tools/list',
      'tools/call',
      'tools/call',
    ]);
  });

  it('rejects a request whose stream breaks, with an error naming what was lost, instead of hanging', async () => {
    const server = await fakeServer((call) => {
      if (call.body?.method !== 'tools/call') return modernRoute(call);
      startSse(call.res);
      writeEvent(call.res, {
        jsonrpc: '2.0',
        method: 'notifications/progress',
        params: { progressToken: 1, progress: 1 },
      });
      setImmediate(() => call.res.destroy());
    });
    const client = createClient({ name: 'c', version: '1' });
    await client.connect(httpClientTransport(server.url()));
    cleanups.push(() => client.close());
    const failure = await client.callTool('x', {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(McpError);
    expect((failure as McpError).code).toBe(-32000);
    expect((failure as McpError).message).toContain('"tools/call"');
    expect((failure as McpError).message).toContain('was lost');
  });

  it("keeps a server's JSON-RPC error (code and data) and describes a bare HTTP failure", async () => {
    const server = await fakeServer((call) => {
      if (call.body?.method === 'tools/list') {
        sendJson(call.res, 400, {
          jsonrpc: '2.0',
          id: call.body.id,
          error: {
            code: -32022,
            message: 'Unsupported protocol version',
            data: { supported: ['2026-07-28'], requested: 'x' },
          },
        });
      } else {
        call.res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
      }
    });
    const { transport } = await open(server.url());
    await expect(transport.send(modernRequest(1, 'tools/list'))).rejects.toMatchObject({
      code: -32022,
      data: { supported: ['2026-07-28'], httpStatus: 400 },
    });
    const bare = await transport
      .send(modernRequest(2, 'tools/call', { name: 'x' }))
      .catch((error: unknown) => error);
    expect(bare).toBeInstanceOf(McpError);
    expect((bare as McpError).message).toContain('HTTP 502');
    expect((bare as McpError).message).toContain('<h1>Bad gateway</h1>');
    expect((bare as McpError).data).toMatchObject({ httpStatus: 502 });
  });

  it('reports Retry-After (seconds or an HTTP date) as data.retryAfterMs on 429 and 503', async () => {
    const server = await fakeServer((call) => {
      if (call.body?.id === 1) call.res.writeHead(429, { 'retry-after': '3' }).end('slow down');
      else if (call.body?.id === 2) {
        const later = new Date(Date.now() + 60_000).toUTCString();
        call.res.writeHead(503, { 'retry-after': later }).end();
      } else call.res.writeHead(503, { 'retry-after': 'soon' }).end();
    });
    const { transport } = await open(server.url());
    const limited = await transport.send(modernRequest(1, 'tools/list')).catch((error: unknown) => error);
    expect((limited as McpError).data).toMatchObject({ httpStatus: 429, retryAfterMs: 3000 });
    const unavailable = await transport.send(modernRequest(2, 'tools/list')).catch((error: unknown) => error);
    const { retryAfterMs } = (unavailable as McpError).data as { retryAfterMs: number };
    // An HTTP date has one-second resolution: somewhere in the minute ahead.
    expect(retryAfterMs).toBeGreaterThan(50_000);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    const malformed = await transport.send(modernRequest(3, 'tools/list')).catch((error: unknown) => error);
    expect((malformed as McpError).data).not.toHaveProperty('retryAfterMs');
  });

  it('reports a body that is not JSON-RPC as a parse error of the server answer', async () => {
    const server = await fakeServer((call) => {
      call.res.writeHead(200, { 'content-type': 'application/json' }).end('{"not": "json-rpc"');
    });
    const { transport } = await open(server.url());
    await expect(transport.send(modernRequest(1, 'tools/list'))).rejects.toMatchObject({
      code: -32700,
      message: expect.stringContaining('not a JSON-RPC message'),
    });
  });

  it('never POSTs a response: modern servers send no requests', async () => {
    const server = await fakeServer(modernRoute);
    const { transport } = await open(server.url());
    await transport.send(modernRequest(1, 'tools/list'));
    await expect(transport.send({ jsonrpc: '2.0', id: 'server-1', result: {} })).rejects.toMatchObject({
      code: -32600,
    });
    expect(server.calls).toHaveLength(1);
  });
});

/** A legacy Streamable HTTP server with sessions, scripted per test through `hooks`. */
function legacyRoute(state: {
  session: string;
  expired?: Set<string>;
  get?: (call: Call) => void;
  call?: (call: Call) => void;
}) {
  return (call: Call): void => {
    const body = call.body;
    if (call.method === 'DELETE') {
      call.res.writeHead(200).end();
      return;
    }
    if (call.method === 'GET') {
      if (state.get === undefined) call.res.writeHead(405).end();
      else state.get(call);
      return;
    }
    if (body?.method === 'server/discover') {
      call.res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad Request');
      return;
    }
    if (body?.method === 'initialize') {
      sendJson(call.res, 200, initializeResult(body.id), { 'mcp-session-id': state.session });
      return;
    }
    const session = call.headers['mcp-session-id'];
    if (typeof session === 'string' && state.expired?.has(session)) {
      sendJson(call.res, 404, {
        jsonrpc: '2.0',
        id: null,
        error: { code: -32001, message: 'Session not found' },
      });
      return;
    }
    if (body?.id === undefined || !('method' in body)) {
      call.res.writeHead(202).end();
      return;
    }
    if (state.call !== undefined) {
      state.call(call);
      return;
    }
    if (body.method === 'tools/list') {
      sendJson(call.res, 200, {
        jsonrpc: '2.0',
        id: body.id,
        result: { tools: [{ name: 'x', inputSchema: { type: 'object' } }] },
      });
      return;
    }
    sendJson(call.res, 200, {
      jsonrpc: '2.0',
      id: body.id,
      result: { content: [{ type: 'text', text: 'ok' }] },
    });
  };
}

describe('legacy Streamable HTTP (2025-03-26 … 2025-11-25)', () => {
  it('falls back after a bare 400 to server/discover, then keeps the session and the version in every request', async () => {
    const getSeen = deferred<void>();
    const state = {
      session: 'session-1',
      get: (call: Call) => {
        getSeen.resolve();
        call.res.writeHead(405).end();
      },
    };
    const server = await fakeServer(legacyRoute(state));
    const transport = httpClientTransport(server.url());
    const client = createClient({ name: 'c', version: '1' });
    await client.connect(transport);
    expect(client.era).toBe('legacy');
    expect(transport.sessionId).toBe('session-1');
    await getSeen.promise;
    await client.listTools();
    await client.callTool('x', {});
    await client.close();
    const lines = server.calls.map(
      (call) =>
        `${call.method} ${String(call.body?.method ?? '')} session=${String(call.headers['mcp-session-id'] ?? '-')} version=${String(call.headers['mcp-protocol-version'] ?? '-')}`,
    );
    expect(lines).toEqual([
      'POST server/discover session=- version=2026-07-28',
      'POST initialize session=- version=-',
      'POST notifications/initialized session=session-1 version=2025-11-25',
      'GET  session=session-1 version=2025-11-25',
      'POST tools/list session=session-1 version=2025-11-25',
      'POST tools/call session=session-1 version=2025-11-25',
      'DELETE  session=session-1 version=2025-11-25',
    ]);
  });

  it('cancels with a POSTed notifications/cancelled (a disconnect is not a cancellation in this era)', async () => {
    const cancelled = deferred<Record<string, unknown>>();
    const state = {
      session: 's',
      call: (call: Call) => {
        if ((call.body?.params as { name?: string } | undefined)?.name === 'slow') {
          startSse(call.res);
          return;
        }
        sendJson(call.res, 200, { jsonrpc: '2.0', id: call.body?.id, result: { content: [] } });
      },
    };
    const server = await fakeServer((call) => {
      if (call.body?.method === 'notifications/cancelled') {
        cancelled.resolve(call.body);
        call.res.writeHead(202).end();
        return;
      }
      legacyRoute(state)(call);
    });
    const client = createClient({ name: 'c', version: '1' });
    await client.connect(httpClientTransport(server.url()));
    cleanups.push(() => client.close());
    const controller = new AbortController();
    const call = client.callTool('slow', {}, { signal: controller.signal });
    await vi.waitFor(() =>
      expect(server.calls.some((seen) => seen.body?.method === 'tools/call')).toBe(true),
    );
    const requestId = server.calls.find((seen) => seen.body?.method === 'tools/call')?.body?.id;
    controller.abort('user pressed stop');
    await expect(call).rejects.toMatchObject({ code: -32800 });
    const notification = await cancelled.promise;
    expect(notification).toMatchObject({
      method: 'notifications/cancelled',
      params: { requestId, reason: 'user pressed stop' },
    });
    expect(server.calls.at(-1)?.headers['mcp-session-id']).toBe('s');
  });

  it('answers a server-to-client request from the standalone GET stream with a POST', async () => {
    const answered = deferred<Record<string, unknown>>();
    const state = {
      session: 's',
      get: (call: Call) => {
        startSse(call.res);
        writeEvent(call.res, { jsonrpc: '2.0', id: 'srv-1', method: 'ping' }, 'g1');
      },
      call: (call: Call) => {
        if (call.body !== undefined && !('method' in call.body)) {
          answered.resolve(call.body);
          call.res.writeHead(202).end();
          return;
        }
        sendJson(call.res, 200, { jsonrpc: '2.0', id: call.body?.id, result: { content: [] } });
      },
    };
    const server = await fakeServer((call) => {
      if (call.body !== undefined && !('method' in call.body)) return state.call(call);
      legacyRoute(state)(call);
    });
    const client = createClient({ name: 'c', version: '1' });
    await client.connect(httpClientTransport(server.url()));
    cleanups.push(() => client.close());
    expect(await answered.promise).toEqual({ jsonrpc: '2.0', id: 'srv-1', result: {} });
  });

  it('resumes a request stream the server closed early (polling) with GET and Last-Event-ID, in order', async () => {
    const state = {
      session: 's',
      get: (call: Call) => {
        if (call.headers['last-event-id'] !== 'p-2') {
          call.res.writeHead(405).end();
          return;
        }
        startSse(call.res);
        writeEvent(
          call.res,
          { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 2 } },
          'p-3',
        );
        writeEvent(
          call.res,
          { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'done' }] } },
          'p-4',
        );
        call.res.end();
      },
      call: (call: Call) => {
        startSse(call.res);
        call.res.write('id: p-1\nretry: 5\ndata: \n\n');
        writeEvent(
          call.res,
          { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } },
          'p-2',
        );
        call.res.end();
      },
    };
    const server = await fakeServer(legacyRoute(state));
    const { transport, messages } = await open(server.url(), { era: 'legacy' });
    await transport.send({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } },
    });
    await transport.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'x', _meta: { progressToken: 1 } },
    });
    await vi.waitFor(() => expect(messages).toHaveLength(4));
    expect(messages.slice(1)).toEqual([
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } },
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 2 } },
      { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'done' }] } },
    ]);
  });

  it("schedules the standalone stream's reconnection after exactly the server's retry:, then sends Last-Event-ID", async () => {
    const gets: (string | undefined)[] = [];
    const state = {
      session: 's',
      get: (call: Call) => {
        gets.push(call.headers['last-event-id'] as string | undefined);
        startSse(call.res);
        call.res.write(`id: g-${gets.length}\nretry: 60000\ndata: \n\n`);
        call.res.end();
      },
    };
    const server = await fakeServer(legacyRoute(state));
    // The transport's own waits are intercepted (every other timer runs for real), so the test fires the
    // reconnection itself instead of waiting a minute: it sees the delay asked for, not how long anything took.
    const realSetTimeout = globalThis.setTimeout;
    const reconnections: (() => void)[] = [];
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void, delay?: number) => {
      if (delay === 60_000) {
        reconnections.push(callback);
        return 0 as unknown as ReturnType<typeof setTimeout>;
      }
      return realSetTimeout(callback, delay);
    }) as typeof setTimeout);
    const { transport } = await open(server.url(), { era: 'legacy', reconnect: { initialDelay: 0 } });
    await transport.send({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } },
    });
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await vi.waitFor(() => expect(reconnections).toHaveLength(1));
    expect(gets).toEqual([undefined]);
    reconnections[0]?.();
    await vi.waitFor(() => expect(gets).toEqual([undefined, 'g-1']));
    vi.restoreAllMocks();
  });

  it('re-initializes transparently when the server answers 404 for the session, then sends the request again', async () => {
    const state = { session: 'first', expired: new Set<string>() };
    const server = await fakeServer(legacyRoute(state));
    const transport = httpClientTransport(server.url());
    const client = createClient({ name: 'c', version: '1' });
    const errors: Error[] = [];
    client.onerror = (error) => errors.push(error);
    await client.connect(transport);
    cleanups.push(() => client.close());
    await client.listTools();
    state.expired.add('first');
    state.session = 'second';
    const result = await client.callTool('x', {});
    expect(result.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(transport.sessionId).toBe('second');
    const after = server.calls
      .filter((call) => call.method === 'POST')
      .slice(-4)
      .map((call) => `${String(call.body?.method)} ${String(call.headers['mcp-session-id'] ?? '-')}`);
    expect(after).toEqual([
      'tools/call first',
      'initialize -',
      'notifications/initialized second',
      'tools/call second',
    ]);
    expect(errors.map((error) => error.message).join('\n')).toContain('re-initialized transparently');
  });

  it('surfaces a clear error when re-initializing fails', async () => {
    const state = { session: 'first', expired: new Set<string>() };
    let refuseInitialize = false;
    const server = await fakeServer((call) => {
      if (refuseInitialize && call.body?.method === 'initialize') {
        call.res.writeHead(503).end('down for maintenance');
        return;
      }
      legacyRoute(state)(call);
    });
    const client = createClient({ name: 'c', version: '1' });
    await client.connect(httpClientTransport(server.url()));
    cleanups.push(() => client.close());
    state.expired.add('first');
    refuseInitialize = true;
    await expect(client.callTool('x', {})).rejects.toMatchObject({
      code: -32000,
      message: expect.stringContaining('re-initializing failed'),
    });
  });

  it("with era 'legacy' answers server/discover locally, so the client falls back without a round trip", async () => {
    const server = await fakeServer(legacyRoute({ session: 's' }));
    const client = createClient({ name: 'c', version: '1' });
    await client.connect(httpClientTransport(server.url(), { era: 'legacy' }));
    cleanups.push(() => client.close());
    expect(client.era).toBe('legacy');
    expect(server.calls[0]?.body?.method).toBe('initialize');
  });

  it("with era 'modern' refuses initialize locally with a message saying what to change", async () => {
    const server = await fakeServer((call) => {
      call.res.writeHead(404).end();
    });
    const client = createClient({ name: 'c', version: '1' });
    const failure = await client
      .connect(httpClientTransport(server.url(), { era: 'modern' }))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(McpError);
    expect((failure as Error).message).toMatch(/era 'modern'|modern/);
    expect(server.calls.every((call) => call.body?.method !== 'initialize')).toBe(true);
  });
});

describe('2024-11-05 HTTP+SSE', () => {
  it('does not trust an endpoint event that points at another origin', async () => {
    const server = await fakeServer((call) => {
      if (call.method === 'GET') {
        startSse(call.res);
        call.res.write('event: endpoint\ndata: http://evil.example/messages\n\n');
        return;
      }
      call.res.writeHead(405).end();
    });
    const { transport } = await open(server.url(), { era: 'legacy-sse' });
    const sent = transport.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: {} });
    await expect(sent).rejects.toMatchObject({ message: expect.stringContaining('another origin') });
  });

  it('closes the transport when the stream ends: a 2024-11-05 session cannot resume', async () => {
    let stream: ServerResponse | undefined;
    const server = await fakeServer((call) => {
      if (call.method === 'GET') {
        stream = call.res;
        startSse(call.res);
        call.res.write('event: endpoint\ndata: /messages?session=1\n\n');
        return;
      }
      call.res.writeHead(202).end();
      if (call.body?.id !== undefined)
        writeEvent(stream as ServerResponse, initializeResult(call.body.id, '2024-11-05'));
    });
    const { transport, messages, errors } = await open(server.url(), { era: 'legacy-sse' });
    const closed = deferred<void>();
    transport.onclose = () => closed.resolve();
    await transport.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: {} });
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    expect(server.calls[1]?.req.url).toBe('/messages?session=1');
    stream?.end();
    await closed.promise;
    expect(errors.map((error) => error.message).join('\n')).toContain('cannot resume');
    await expect(
      transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    ).rejects.toBeInstanceOf(TransportClosedError);
  });
});

describe('headers and authentication', () => {
  it('adds static and computed custom headers, and lets the protocol headers win', async () => {
    const server = await fakeServer(modernRoute);
    let calls = 0;
    const first = await open(server.url(), { headers: { 'X-Tenant': 'acme', 'Mcp-Method': 'forged' } });
    await first.transport.send(modernRequest(1, 'tools/list'));
    const second = await open(server.url(), { headers: async () => ({ 'X-Call': String(++calls) }) });
    await second.transport.send(modernRequest(1, 'tools/list'));
    await second.transport.send(modernRequest(2, 'tools/list'));
    expect(server.calls[0]?.headers['x-tenant']).toBe('acme');
    expect(server.calls[0]?.headers['mcp-method']).toBe('tools/list');
    expect(server.calls.slice(1).map((call) => call.headers['x-call'])).toEqual(['1', '2']);
  });

  it('asks an auth provider for tokens, retries once after 401 when it refreshed them, and reports a refusal', async () => {
    let valid = 'fresh';
    const server = await fakeServer((call) => {
      if (call.headers.authorization !== `Bearer ${valid}`) {
        call.res
          .writeHead(401, {
            'www-authenticate':
              'Bearer resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource"',
          })
          .end();
        return;
      }
      modernRoute(call);
    });
    let token = 'stale';
    const challenges: string[] = [];
    const auth: HttpAuthProvider = {
      tokens: () => ({ access_token: token, token_type: 'bearer' }),
      onUnauthorized: ({ response }) => {
        challenges.push(response.headers.get('www-authenticate') ?? '');
        token = 'fresh';
        return true;
      },
    };
    const { transport } = await open(server.url(), { auth });
    await transport.send(modernRequest(1, 'tools/list'));
    expect(challenges).toHaveLength(1);
    expect(server.calls.map((call) => call.headers.authorization)).toEqual(['Bearer stale', 'Bearer fresh']);
    valid = 'rotated';
    const refused = await transport.send(modernRequest(2, 'tools/list')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(McpError);
    expect((refused as McpError).data).toMatchObject({ httpStatus: 401 });
    expect((refused as McpError).message).toContain('auth');
  });

  it('passes fetchOptions (an undici dispatcher, credentials) to every fetch, through an injected fetch', async () => {
    const server = await fakeServer(modernRoute);
    const dispatcher = { name: 'pooled-agent' };
    const inits: RequestInit[] = [];
    const { transport } = await open(server.url(), {
      fetchOptions: { dispatcher, credentials: 'include' },
      fetch: (input, init) => {
        inits.push(init);
        // The marker is not a real undici Dispatcher: Node's fetch would try to use it.
        const { dispatcher: _marker, ...real } = init as RequestInit & { dispatcher?: unknown };
        return fetch(input, real);
      },
    });
    await transport.send(modernRequest(1, 'tools/list'));
    await transport.send({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 1, progress: 1 },
    });
    expect(inits).toHaveLength(2);
    for (const init of inits) {
      expect((init as { dispatcher?: unknown }).dispatcher).toBe(dispatcher);
      expect(init.credentials).toBe('include');
    }
    expect(inits.map((init) => init.method)).toEqual(['POST', 'POST']);
  });

  it('calls an auth hook per request with the URL and method', async () => {
    const server = await fakeServer(modernRoute);
    const seen: string[] = [];
    const { transport } = await open(server.url(), {
      auth: ({ url, method }) => {
        seen.push(`${method} ${url.pathname}`);
        return { Authorization: 'Bearer hook' };
      },
    });
    await transport.send(modernRequest(1, 'tools/list'));
    expect(seen).toEqual(['POST /mcp']);
    expect(server.calls[0]?.headers.authorization).toBe('Bearer hook');
  });
});

describe('bad configuration and closing', () => {
  it('rejects a URL that is not absolute http(s) and an unknown era with messages saying what to pass', () => {
    expect(() => httpClientTransport('/mcp')).toThrow(/absolute URL/);
    expect(() => httpClientTransport('ftp://example.com/mcp')).toThrow(/http: or https:/);
    expect(() => httpClientTransport('http://127.0.0.1/mcp', { era: 'newest' as never })).toThrow(
      /era must be/,
    );
    expect(() => httpClientTransport('http://127.0.0.1/mcp', { reconnect: { maxAttempts: -1 } })).toThrow(
      /maxAttempts/,
    );
    expect(() => httpClientTransport('http://127.0.0.1/mcp', { closeTimeout: 0 })).toThrow(/closeTimeout/);
  });

  it('reports an unreachable server with the URL, and rejects sends after close', async () => {
    const server = await fakeServer(modernRoute);
    const url = server.url();
    await server.close();
    const { transport } = await open(url);
    const failure = await transport.send(modernRequest(1, 'tools/list')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(McpError);
    expect((failure as McpError).message).toContain(url);
    await transport.close();
    await expect(transport.send(modernRequest(2, 'tools/list'))).rejects.toBeInstanceOf(TransportClosedError);
  });
});
