/**
 * The handler's answers to bad input and its status codes, called directly with `Request` objects: every bad
 * request gets the specified status and a JSON-RPC error body, and the handler keeps serving afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  expectSpecValid,
  fixtureServer,
  LEGACY,
  LEGACY_HEADERS,
  META,
  MODERN,
  modernHeaders,
  modernRequest,
  postRequest,
} from './__fixtures__/harness.ts';
import { createHttpHandler, type HttpHandler } from './handler.ts';
import type { HttpHandlerOptions } from './options.ts';

const handlers: HttpHandler[] = [];
afterEach(async () => {
  await Promise.all(handlers.splice(0).map((handler) => handler.close()));
});

function makeHandler(options: HttpHandlerOptions = {}): HttpHandler {
  const handler = createHttpHandler(fixtureServer().server, options);
  handlers.push(handler);
  return handler;
}

interface ErrorBody {
  jsonrpc: string;
  id?: number | string;
  error: { code: number; message: string; data?: unknown };
}

async function errorOf(response: Response): Promise<ErrorBody> {
  expect(response.headers.get('content-type')).toBe('application/json');
  const body = (await response.json()) as ErrorBody;
  expect(body.jsonrpc).toBe('2.0');
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(10);
  return body;
}

/** A well-formed modern call: proves the handler still serves after whatever came before. */
async function expectStillServing(handler: HttpHandler): Promise<void> {
  const response = await handler(
    modernRequest(99, 'tools/call', { name: 'echo', arguments: { text: 'alive' } }),
  );
  expect(response.status).toBe(200);
  const body = (await response.json()) as { result: { content: { text: string }[] } };
  expectSpecValid(body, MODERN, 'tools/call');
  expect(body.result.content[0]?.text).toBe('alive');
}

describe('bad input over HTTP', () => {
  it('answers a wrong content type with 415', async () => {
    const handler = makeHandler();
    const response = await handler(
      postRequest('{"jsonrpc":"2.0","id":1,"method":"tools/list"}', {
        ...modernHeaders('tools/list'),
        'content-type': 'text/plain',
      }),
    );
    expect(response.status).toBe(415);
    const body = await errorOf(response);
    expect(body.error.code).toBe(-32600);
    expect(body.error.message).toContain('application/json');
    expect(body.id).toBeUndefined();
    await expectStillServing(handler);
  });

  it('answers invalid JSON with 400 and -32700', async () => {
    const handler = makeHandler();
    const response = await handler(postRequest('{"jsonrpc":"2.0","id":1,', modernHeaders('tools/list')));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).error.code).toBe(-32700);
    await expectStillServing(handler);
  });

  it('answers a body that is not UTF-8 with 400 and -32700', async () => {
    const handler = makeHandler();
    const request = new Request('http://127.0.0.1/mcp', {
      method: 'POST',
      headers: modernHeaders('tools/list'),
      body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
    });
    const response = await handler(request);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).error.code).toBe(-32700);
  });

  it('answers an empty body with 400 and -32700', async () => {
    const handler = makeHandler();
    const response = await handler(postRequest('', modernHeaders('tools/list')));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).error.code).toBe(-32700);
  });

  it('answers a batch array with 400 and -32600 saying batches are not supported', async () => {
    const handler = makeHandler();
    const batch = [
      { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: META } },
      { jsonrpc: '2.0', id: 2, method: 'tools/list', params: { _meta: META } },
    ];
    const response = await handler(postRequest(batch, modernHeaders('tools/list')));
    expect(response.status).toBe(400);
    const body = await errorOf(response);
    expect(body.error.code).toBe(-32600);
    expect(body.error.message).toMatch(/batch/i);
    await expectStillServing(handler);
  });

  it('answers a message that is not JSON-RPC with 400 and -32600, keeping a readable id', async () => {
    const handler = makeHandler();
    const response = await handler(
      postRequest({ jsonrpc: '1.0', id: 7, method: 'tools/list' }, modernHeaders('tools/list')),
    );
    expect(response.status).toBe(400);
    const body = await errorOf(response);
    expect(body.error.code).toBe(-32600);
    expect(body.id).toBe(7);
  });

  it('answers an oversize body with 413, declared or streamed', async () => {
    const handler = makeHandler({ maxBodyBytes: 1024 });
    const big = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'x'.repeat(4096) }, _meta: META },
    });
    const declared = await handler(postRequest(big, modernHeaders('tools/call', { 'mcp-name': 'echo' })));
    expect(declared.status).toBe(413);
    expect((await errorOf(declared)).error.code).toBe(-32600);

    // No Content-Length: the handler stops reading at the limit.
    const chunks = [new TextEncoder().encode(big.slice(0, 800)), new TextEncoder().encode(big.slice(800))];
    const streamed = await handler(
      new Request('http://127.0.0.1/mcp', {
        method: 'POST',
        headers: modernHeaders('tools/call', { 'mcp-name': 'echo' }),
        body: new ReadableStream<Uint8Array>({
          start(controller) {
            for (const chunk of chunks) controller.enqueue(chunk);
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit),
    );
    expect(streamed.status).toBe(413);
    expect((await errorOf(streamed)).error.code).toBe(-32600);
    await expectStillServing(handler);
  });

  it('answers an Accept header without both types with 406', async () => {
    const handler = makeHandler();
    for (const accept of ['application/json', 'text/event-stream', 'text/html']) {
      const response = await handler(
        postRequest(
          { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: META } },
          { ...modernHeaders('tools/list'), accept },
        ),
      );
      expect(response.status).toBe(406);
      expect((await errorOf(response)).error.code).toBe(-32600);
    }
    const wildcard = await handler(
      postRequest(
        { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: META } },
        { ...modernHeaders('tools/list'), accept: '*/*' },
      ),
    );
    expect(wildcard.status).toBe(200);
  });

  it('answers a bad Origin with 403 and an error without id', async () => {
    const handler = makeHandler();
    const request = new Request('http://127.0.0.1/mcp', {
      method: 'POST',
      headers: { ...modernHeaders('tools/list'), origin: 'https://evil.example.com' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: META } }),
    });
    const response = await handler(request, { remoteAddr: { hostname: '127.0.0.1' } });
    expect(response.status).toBe(403);
    const body = await errorOf(response);
    expect(body.id).toBeUndefined();
    expect(body.error.message).toContain('evil.example.com');
    await expectStillServing(handler);
  });

  it('answers missing or mismatched MCP headers with 400 and -32020', async () => {
    const handler = makeHandler();
    const call = {
      jsonrpc: '2.0',
      id: 5,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'a' }, _meta: META },
    };
    const cases: Record<string, string>[] = [
      { 'mcp-name': 'echo', 'mcp-protocol-version': '' }, // missing version header (empty counts as missing)
      { 'mcp-name': 'echo', 'mcp-method': 'tools/list' },
      { 'mcp-name': 'echo', 'mcp-method': 'TOOLS/CALL' },
      { 'mcp-name': 'other' },
      {},
      { 'mcp-name': '=?base64?ZWNoMA==?=' }, // "ech0"
      { 'mcp-name': '=?base64?ZWNobw?=' }, // valid Base64 needs padding
    ];
    for (const extra of cases) {
      const headers = { ...modernHeaders('tools/call'), ...extra };
      if (extra['mcp-protocol-version'] === '') delete headers['mcp-protocol-version'];
      const response = await handler(postRequest(call, headers));
      expect(response.status, JSON.stringify(extra)).toBe(400);
      const body = await errorOf(response);
      expect(body.error.code).toBe(-32020);
      expect(body.id).toBe(5);
      expectSpecValid(body, MODERN);
    }
    const missingMethod = { ...modernHeaders('tools/list') };
    delete (missingMethod as Record<string, string>)['mcp-method'];
    const noMethod = await handler(
      postRequest({ jsonrpc: '2.0', id: 6, method: 'tools/list', params: { _meta: META } }, missingMethod),
    );
    expect(noMethod.status).toBe(400);
    expect((await errorOf(noMethod)).error.code).toBe(-32020);
    await expectStillServing(handler);
  });

  it('accepts header names in any case, trimmed values, and Base64-encoded names', async () => {
    const handler = makeHandler();
    const call = {
      jsonrpc: '2.0',
      id: 8,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'a' }, _meta: META },
    };
    const response = await handler(
      postRequest(call, {
        'Content-Type': 'application/json',
        ACCEPT: 'application/json, text/event-stream',
        'MCP-PROTOCOL-VERSION': MODERN,
        'mcp-METHOD': 'tools/call',
        'Mcp-Name': '=?base64?ZWNobw==?=',
      }),
    );
    expect(response.status).toBe(200);
    expectSpecValid(await response.json(), MODERN, 'tools/call');
  });

  it('answers a protocol version that disagrees with _meta with 400 and -32020', async () => {
    const handler = makeHandler();
    const response = await handler(
      postRequest(
        {
          jsonrpc: '2.0',
          id: 302,
          method: 'server/discover',
          params: { _meta: { ...META, 'io.modelcontextprotocol/protocolVersion': 'v999.0.0' } },
        },
        modernHeaders('server/discover'),
      ),
    );
    expect(response.status).toBe(400);
    const body = await errorOf(response);
    expect(body.error.code).toBe(-32020);
    expect(body.id).toBe(302);
  });

  it('answers missing _meta fields with 400 and -32602', async () => {
    const handler = makeHandler();
    const metas: unknown[] = [
      undefined,
      'not an object',
      { 'io.modelcontextprotocol/clientCapabilities': {} },
      { 'io.modelcontextprotocol/protocolVersion': MODERN },
      { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': [] },
    ];
    for (const [index, meta] of metas.entries()) {
      const params = meta === undefined ? {} : { _meta: meta };
      const response = await handler(
        postRequest(
          { jsonrpc: '2.0', id: 100 + index, method: 'server/discover', params },
          modernHeaders('server/discover'),
        ),
      );
      expect(response.status, JSON.stringify(meta)).toBe(400);
      const body = await errorOf(response);
      expect(body.error.code).toBe(-32602);
      expect(body.id).toBe(100 + index);
    }
    const withoutInfo = await handler(
      postRequest(
        {
          jsonrpc: '2.0',
          id: 105,
          method: 'server/discover',
          params: {
            _meta: {
              'io.modelcontextprotocol/protocolVersion': MODERN,
              'io.modelcontextprotocol/clientCapabilities': {},
            },
          },
        },
        modernHeaders('server/discover'),
      ),
    );
    expect(withoutInfo.status).toBe(200);
    expectSpecValid(await withoutInfo.json(), MODERN, 'server/discover');
  });

  it('answers an unsupported version with 400 and -32022 listing the supported ones', async () => {
    const handler = makeHandler();
    const response = await handler(
      postRequest(
        {
          jsonrpc: '2.0',
          id: 301,
          method: 'server/discover',
          params: { _meta: { ...META, 'io.modelcontextprotocol/protocolVersion': 'v999.0.0' } },
        },
        modernHeaders('server/discover', { 'mcp-protocol-version': 'v999.0.0' }),
      ),
    );
    expect(response.status).toBe(400);
    const body = await errorOf(response);
    expect(body.error.code).toBe(-32022);
    expect(body.id).toBe(301);
    expect(body.error.data).toMatchObject({ requested: 'v999.0.0' });
    expect((body.error.data as { supported: string[] }).supported).toContain(MODERN);
  });

  it('answers unknown and removed methods with 404 and -32601', async () => {
    const handler = makeHandler();
    for (const method of [
      'initialize',
      'ping',
      'logging/setLevel',
      'resources/subscribe',
      'unknown/method',
    ]) {
      const response = await handler(modernRequest(500, method));
      expect(response.status, method).toBe(404);
      const body = await errorOf(response);
      expect(body.error.code).toBe(-32601);
      expect(body.id).toBe(500);
    }
  });

  it('keeps an unknown tool at 200 with -32602 in the body', async () => {
    const handler = makeHandler();
    const response = await handler(modernRequest(9, 'tools/call', { name: 'nope', arguments: {} }));
    expect(response.status).toBe(200);
    const body = await errorOf(response);
    expect(body.error.code).toBe(-32602);
  });

  it('answers a POSTed response with 400 in the modern era', async () => {
    const handler = makeHandler();
    const response = await handler(
      postRequest({ jsonrpc: '2.0', id: 1, result: {} }, modernHeaders('tools/list')),
    );
    expect(response.status).toBe(400);
    expect((await errorOf(response)).error.code).toBe(-32600);
  });

  it('accepts a modern notification with 202 and no body', async () => {
    const handler = makeHandler();
    const response = await handler(
      postRequest(
        { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } },
        modernHeaders('notifications/cancelled'),
      ),
    );
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
  });

  it('answers an unknown session with 404 and a missing one with 400', async () => {
    const handler = makeHandler();
    const unknown = await handler(
      postRequest(
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        { ...LEGACY_HEADERS, 'mcp-session-id': 'no-such-session', 'mcp-protocol-version': LEGACY },
      ),
    );
    expect(unknown.status).toBe(404);
    const unknownBody = await errorOf(unknown);
    expect(unknownBody.error.code).toBe(-32600);
    expect(unknownBody.id).toBe(1);

    const missing = await handler(
      postRequest({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, LEGACY_HEADERS),
    );
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).error.message).toContain('Mcp-Session-Id');
    await expectStillServing(handler);
  });

  it('answers other paths with 404 and unsupported methods with 405', async () => {
    const handler = makeHandler();
    const elsewhere = await handler(new Request('http://127.0.0.1/other', { method: 'POST' }));
    expect(elsewhere.status).toBe(404);
    const put = await handler(new Request('http://127.0.0.1/mcp', { method: 'PUT' }));
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toContain('POST');
    await errorOf(put);
  });
});

describe('a modern-only handler', () => {
  it('answers GET and DELETE with 405', async () => {
    const handler = makeHandler({ modernOnly: true });
    for (const method of ['GET', 'DELETE']) {
      const response = await handler(
        new Request('http://127.0.0.1/mcp', { method, headers: { accept: 'text/event-stream' } }),
      );
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      await errorOf(response);
    }
  });

  it('answers a legacy initialize with -32022 listing the modern versions, and ignores session ids', async () => {
    const handler = makeHandler({ modernOnly: true });
    const response = await handler(
      postRequest(
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { protocolVersion: LEGACY, capabilities: {}, clientInfo: { name: 'old', version: '1' } },
        },
        LEGACY_HEADERS,
      ),
    );
    expect(response.status).toBe(400);
    const body = await errorOf(response);
    expect(body.error.code).toBe(-32022);
    expect(body.error.data).toEqual({ supported: [MODERN], requested: LEGACY });

    const withSession = await handler(
      modernRequest(2, 'tools/list', {}, { 'mcp-session-id': 'whatever', 'last-event-id': 'x' }),
    );
    expect(withSession.status).toBe(200);
    expect(withSession.headers.get('mcp-session-id')).toBeNull();
  });
});

describe('DNS-rebinding protection', () => {
  const discover = (headers: Record<string, string>, url = 'http://127.0.0.1:3000/mcp'): Request =>
    new Request(url, {
      method: 'POST',
      headers: { ...modernHeaders('server/discover'), ...headers },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: META } }),
    });
  const loopback = { remoteAddr: { hostname: '127.0.0.1' } };

  it('refuses a foreign Host and Origin from a loopback client, as the conformance suite probes', async () => {
    const handler = makeHandler();
    const response = await handler(
      discover(
        { host: 'evil.example.com', origin: 'http://evil.example.com' },
        'http://evil.example.com/mcp',
      ),
      loopback,
    );
    expect(response.status).toBe(403);
    await errorOf(response);
    const hostOnly = await handler(
      discover({ host: 'evil.example.com' }, 'http://evil.example.com/mcp'),
      loopback,
    );
    expect(hostOnly.status).toBe(403);
  });

  it('accepts loopback names and origins with any port', async () => {
    const handler = makeHandler();
    for (const host of [
      'localhost:3000',
      '127.0.0.1:3000',
      '[::1]:3000',
      'localhost',
      'app.localhost:8080',
    ]) {
      const origin = `http://${host}`;
      const response = await handler(discover({ host, origin }, `http://${host}/mcp`), loopback);
      expect(response.status, host).toBe(200);
      await response.body?.cancel();
    }
  });

  it('takes the loopback hint from Bun-style requestIP and from the URL', async () => {
    const handler = makeHandler();
    const bun = { requestIP: () => ({ address: '::1' }) };
    const response = await handler(
      discover({ host: 'evil.example.com' }, 'http://evil.example.com/mcp'),
      bun,
    );
    expect(response.status).toBe(403);
    const viaUrl = await handler(discover({ origin: 'http://evil.example.com' }));
    expect(viaUrl.status).toBe(403);
  });

  it('does not restrict Host for remote clients, but still checks Origin against the host', async () => {
    const handler = makeHandler();
    const remote = { remoteAddr: { hostname: '203.0.113.9' } };
    const plain = await handler(discover({ host: 'mcp.example.com' }, 'https://mcp.example.com/mcp'), remote);
    expect(plain.status).toBe(200);
    const sameOrigin = await handler(
      discover({ host: 'mcp.example.com', origin: 'https://mcp.example.com' }, 'https://mcp.example.com/mcp'),
      remote,
    );
    expect(sameOrigin.status).toBe(200);
    const crossOrigin = await handler(
      discover(
        { host: 'mcp.example.com', origin: 'https://evil.example.com' },
        'https://mcp.example.com/mcp',
      ),
      remote,
    );
    expect(crossOrigin.status).toBe(403);
  });

  it('follows configured allow-lists, and "any" turns a check off', async () => {
    const handler = makeHandler({
      allowedHosts: ['mcp.example.com', 'other.example.com:8443'],
      allowedOrigins: ['https://app.example.com'],
    });
    const ok = await handler(
      discover({ host: 'mcp.example.com:1234', origin: 'https://app.example.com' }),
      loopback,
    );
    expect(ok.status).toBe(200);
    const wrongPort = await handler(discover({ host: 'other.example.com:9000' }), loopback);
    expect(wrongPort.status).toBe(403);
    const localhost = await handler(discover({ host: 'localhost' }), loopback);
    expect(localhost.status).toBe(403);
    const wrongOrigin = await handler(
      discover({ host: 'mcp.example.com', origin: 'https://evil.example.com' }),
      loopback,
    );
    expect(wrongOrigin.status).toBe(403);

    const open = makeHandler({ allowedHosts: 'any', allowedOrigins: 'any' });
    const anything = await open(
      discover({ host: 'evil.example.com', origin: 'http://evil.example.com' }),
      loopback,
    );
    expect(anything.status).toBe(200);
  });
});

describe('CORS', () => {
  it('is off unless configured', async () => {
    const handler = makeHandler();
    const preflight = await handler(
      new Request('http://localhost/mcp', {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
      }),
    );
    expect(preflight.status).toBe(405);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers preflights and exposes the MCP headers to allowed origins', async () => {
    const handler = makeHandler({ cors: { origin: ['https://app.example.com'], maxAge: 60 } });
    const preflight = await handler(
      new Request('https://mcp.example.com/mcp', {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example.com',
          'access-control-request-method': 'POST',
          'access-control-request-headers':
            'content-type, mcp-protocol-version, mcp-method, mcp-name, mcp-param-region',
        },
      }),
      { remoteAddr: { hostname: '198.51.100.7' } },
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const name of [
      'mcp-protocol-version',
      'mcp-method',
      'mcp-name',
      'mcp-session-id',
      'mcp-param-region',
      'last-event-id',
    ]) {
      expect(allowed).toContain(name);
    }
    expect(preflight.headers.get('access-control-max-age')).toBe('60');

    const actual = await handler(
      new Request('https://mcp.example.com/mcp', {
        method: 'POST',
        headers: { ...LEGACY_HEADERS, origin: 'https://app.example.com' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { protocolVersion: LEGACY, capabilities: {}, clientInfo: { name: 'web', version: '1' } },
        }),
      }),
      { remoteAddr: { hostname: '198.51.100.7' } },
    );
    expect(actual.status).toBe(200);
    expect(actual.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(actual.headers.get('access-control-expose-headers')).toContain('Mcp-Session-Id');
    expect(actual.headers.get('mcp-session-id')).toMatch(/^[0-9a-f]{32}$/);

    const stranger = await handler(
      new Request('https://mcp.example.com/mcp', {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
      }),
      { remoteAddr: { hostname: '198.51.100.7' } },
    );
    expect(stranger.status).toBe(403);
  });
});

describe('createHttpHandler options', () => {
  it('refuses invalid options with a TypeError naming them', () => {
    const { server } = fixtureServer();
    expect(() => createHttpHandler(server, { endpoint: 'mcp' })).toThrow(/endpoint/);
    expect(() => createHttpHandler(server, { maxBodyBytes: 0 })).toThrow(/maxBodyBytes/);
    expect(() => createHttpHandler(server, { modernOnly: true, enableLegacySse: true })).toThrow(
      /modernOnly/,
    );
    expect(() => createHttpHandler(server, { legacy: { sessions: 'sticky' as never } })).toThrow(
      /legacy.sessions/,
    );
    expect(() => createHttpHandler({} as never)).toThrow(/connect/);
  });

  it('serves a custom endpoint path', async () => {
    const handler = makeHandler({ endpoint: '/api/mcp' });
    const response = await handler(
      new Request('http://127.0.0.1/api/mcp', {
        method: 'POST',
        headers: modernHeaders('tools/list'),
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: META } }),
      }),
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expectSpecValid(body, MODERN, 'tools/list');
  });
});
