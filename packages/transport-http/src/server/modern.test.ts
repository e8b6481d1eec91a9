/**
 * The modern era (2026-07-28): JSON or SSE per request, cancellation by closing the stream, long-lived
 * `subscriptions/listen` streams, `Mcp-Param-*` validation, and statelessness across handler instances.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../node/listen.ts';
import {
  expectSpecValid,
  fixtureServer,
  META,
  MODERN,
  modernHeaders,
  modernRequest,
  postRequest,
  SseReader,
  scriptedServer,
} from './__fixtures__/harness.ts';
import { createHttpHandler, type HttpHandler } from './handler.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function track(handler: HttpHandler): HttpHandler {
  cleanups.push(() => handler.close());
  return handler;
}

describe('modern responses', () => {
  it('answers with one JSON object when the handler streams nothing', async () => {
    const handler = track(createHttpHandler(fixtureServer().server));
    const response = await handler(
      modernRequest(1, 'tools/call', { name: 'echo', arguments: { text: 'hi' } }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = await response.json();
    expectSpecValid(body, MODERN, 'tools/call');
    expect(body).toMatchObject({
      id: 1,
      result: { content: [{ type: 'text', text: 'hi' }], resultType: 'complete' },
    });
  });

  it('switches to SSE when progress comes before the result, then ends the stream', async () => {
    const handler = track(createHttpHandler(fixtureServer().server));
    const response = await handler(
      modernRequest(2, 'tools/call', { name: 'progress', _meta: { progressToken: 'p' } }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('cache-control')).toContain('no-cache');
    const events = await new SseReader(response).rest();
    const messages = events.map((event) => event.message);
    expect(messages.map((message) => ('method' in message ? message.method : 'result'))).toEqual([
      'notifications/progress',
      'notifications/progress',
      'notifications/progress',
      'result',
    ]);
    for (const message of messages.slice(0, 3)) expectSpecValid(message, MODERN);
    expectSpecValid(messages[3], MODERN, 'tools/call');
    // Modern streams are not resumable, so events carry no ids.
    expect(events.every((event) => event.id === '')).toBe(true);
  });

  it('stays JSON when no progress token was given', async () => {
    const handler = track(createHttpHandler(fixtureServer().server));
    const response = await handler(modernRequest(3, 'tools/call', { name: 'progress' }));
    expect(response.headers.get('content-type')).toBe('application/json');
    expectSpecValid(await response.json(), MODERN, 'tools/call');
  });

  it('cancels a JSON-pending request when the request signal aborts', async () => {
    const { server, hooks } = fixtureServer();
    const handler = track(createHttpHandler(server));
    const controller = new AbortController();
    const request = postRequest(
      { jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'wait', arguments: {}, _meta: META } },
      modernHeaders('tools/call', { 'mcp-name': 'wait' }),
      { signal: controller.signal },
    );
    const pending = handler(request);
    await hooks.waitStarted.promise;
    controller.abort(new Error('client went away'));
    const reason = await hooks.waitCancelled.promise;
    expect(reason).toBeInstanceOf(Error);
    expect((reason as Error).message).toContain('closed the HTTP request');
    expect((await pending).status).toBe(499);
    // The server is still fine.
    const next = await handler(
      modernRequest(7, 'tools/call', { name: 'echo', arguments: { text: 'after' } }),
    );
    expect(next.status).toBe(200);
  });

  it('cancels a streaming request when the client cancels the response body', async () => {
    const { server, hooks } = fixtureServer();
    const handler = track(createHttpHandler(server));
    const response = await handler(
      modernRequest(8, 'tools/call', { name: 'stepper', _meta: { progressToken: 's' } }),
    );
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = new SseReader(response);
    const first = await reader.nextMessage();
    expect(first?.message).toMatchObject({ method: 'notifications/progress', params: { progress: 1 } });
    await reader.cancel();
    // The handler learns of it through its signal: releasing the gate lets it notice and stop.
    hooks.gates[0]?.resolve();
    const reason = await hooks.stepperCancelled.promise;
    expect((reason as Error).message).toMatch(/closed the event stream|client/i);
    for (const gate of hooks.gates) gate.resolve();
    const next = await handler(modernRequest(9, 'tools/list'));
    expect(next.status).toBe(200);
  });
});

describe('subscriptions/listen', () => {
  it("carries a pmcp server's list changes to the listening client", async () => {
    const { server } = fixtureServer();
    const handler = track(createHttpHandler(server, { keepAliveMs: 0 }));
    const response = await handler(
      modernRequest(11, 'subscriptions/listen', { notifications: { toolsListChanged: true } }),
    );
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = new SseReader(response);
    const ack = await reader.nextMessage();
    expect(ack?.message).toMatchObject({ method: 'notifications/subscriptions/acknowledged' });
    expectSpecValid(ack?.message, MODERN);
    server.tool('announced', { description: 'Registered while a client listens' }, () => 'hi');
    const changed = await reader.nextMessage();
    expect(changed?.message).toMatchObject({
      method: 'notifications/tools/list_changed',
      params: { _meta: { 'io.modelcontextprotocol/subscriptionId': 11 } },
    });
    expectSpecValid(changed?.message, MODERN);
    await reader.cancel();
  });

  it('streams the acknowledgement and keep-alive comments until the client closes', async () => {
    const server = scriptedServer();
    const handler = track(createHttpHandler(server, { keepAliveMs: 5 }));
    const response = await handler(
      modernRequest(10, 'subscriptions/listen', { notifications: { toolsListChanged: true } }),
    );
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = new SseReader(response);
    const ack = await reader.nextMessage();
    expect(ack?.message).toMatchObject({
      method: 'notifications/subscriptions/acknowledged',
      params: { _meta: { 'io.modelcontextprotocol/subscriptionId': 10 } },
    });
    expectSpecValid(ack?.message, MODERN);
    expect(await reader.readUntil(': keep-alive')).toBe(true);
    const engine = server.engines.at(-1);
    expect(engine?.transport).toBeDefined();
    await reader.cancel();
    // Closing the stream closed the request's connection.
    await expect.poll(() => engine?.transport).toBeUndefined();
  });
});

describe('Mcp-Param-* headers', () => {
  const call = (args: Record<string, unknown>, headers: Record<string, string>): Request =>
    postRequest(
      {
        jsonrpc: '2.0',
        id: 20,
        method: 'tools/call',
        params: { name: 'route', arguments: args, _meta: META },
      },
      modernHeaders('tools/call', { 'mcp-name': 'route', ...headers }),
    );

  it('accepts headers that match the mirrored arguments', async () => {
    const handler = track(createHttpHandler(fixtureServer().server));
    const cases: [Record<string, unknown>, Record<string, string>][] = [
      [{}, {}],
      [{ note: 'not mirrored' }, {}],
      [{ region: 'us-west1' }, { 'mcp-param-region': 'us-west1' }],
      [{ region: 'Hello, 世界' }, { 'Mcp-Param-Region': '=?base64?SGVsbG8sIOS4lueVjA==?=' }],
      [{ region: 'SGVsbG8=' }, { 'mcp-param-region': 'SGVsbG8=' }],
      [{ region: '=?base64?SGVsbG8=' }, { 'mcp-param-region': '=?base64?SGVsbG8=' }],
      [{ shard: 42 }, { 'mcp-param-shard': '42' }],
      [{ shard: 42 }, { 'mcp-param-shard': '42.0' }],
      [{ dryRun: false }, { 'MCP-PARAM-DRY-RUN': 'false' }],
      [{ placement: { zone: 'b' } }, { 'mcp-param-zone': 'b' }],
      [{ region: null }, {}],
    ];
    for (const [args, headers] of cases) {
      const response = await handler(call(args, headers));
      expect(response.status, JSON.stringify([args, headers])).toBe(200);
      const body = await response.json();
      expect(body.error, JSON.stringify([args, headers])).toBeUndefined();
      expectSpecValid(body, MODERN, 'tools/call');
    }
  });

  it('refuses missing, extra, mismatched or badly encoded headers with 400 and -32020', async () => {
    const handler = track(createHttpHandler(fixtureServer().server));
    const cases: [Record<string, unknown>, Record<string, string>][] = [
      [{ region: 'us-west1' }, {}],
      [{ region: 'us-west1' }, { 'mcp-param-region': 'eu-west1' }],
      [{ region: 'us-west1' }, { 'mcp-param-region': 'US-WEST1' }],
      [{}, { 'mcp-param-region': 'us-west1' }],
      [{ region: 'Hello' }, { 'mcp-param-region': '=?base64?SGVsbG8?=' }],
      [{ region: 'Hello' }, { 'mcp-param-region': '=?base64?SGVs!!!bG8=?=' }],
      [{ shard: 42 }, { 'mcp-param-shard': '43' }],
      [{ shard: 42 }, { 'mcp-param-shard': 'forty-two' }],
      [{ dryRun: true }, { 'mcp-param-dry-run': 'TRUE' }],
      [{ placement: { zone: 'b' } }, {}],
      [{ region: { nested: true } }, { 'mcp-param-region': '[object Object]' }],
    ];
    for (const [args, headers] of cases) {
      const response = await handler(call(args, headers));
      expect(response.status, JSON.stringify([args, headers])).toBe(400);
      const body = (await response.json()) as { id: number; error: { code: number; message: string } };
      expect(body.error.code).toBe(-32020);
      expect(body.id).toBe(20);
      expect(body.error.message).toMatch(/Mcp-Param-/);
    }
  });

  it('sees tools registered after the first call', async () => {
    const { server } = fixtureServer();
    const handler = track(createHttpHandler(server));
    expect(
      (await handler(modernRequest(30, 'tools/call', { name: 'echo', arguments: { text: 'x' } }))).status,
    ).toBe(200);
    server.tool(
      'late',
      {
        description: 'Registered later',
        input: { type: 'object', properties: { tenant: { type: 'string', 'x-mcp-header': 'Tenant' } } },
      },
      () => 'late',
    );
    const missing = await handler(
      modernRequest(31, 'tools/call', { name: 'late', arguments: { tenant: 'acme' } }),
    );
    expect(missing.status).toBe(400);
    const present = await handler(
      modernRequest(
        32,
        'tools/call',
        { name: 'late', arguments: { tenant: 'acme' } },
        { 'mcp-param-tenant': 'acme' },
      ),
    );
    expect(present.status).toBe(200);
  });
});

describe('statelessness', () => {
  it('serves one client through two handler instances behind a "load balancer"', async () => {
    const servers = [await listen(fixtureServer().server), await listen(fixtureServer().server)];
    cleanups.push(async () => {
      await Promise.all(servers.map((running) => running.close()));
    });
    for (let id = 1; id <= 20; id++) {
      const target = servers[id % 2];
      if (target === undefined) throw new Error('no server');
      const request = modernRequest(id, 'tools/call', { name: 'echo', arguments: { text: `call ${id}` } });
      const response = await fetch(target.url, {
        method: 'POST',
        headers: request.headers,
        body: await request.text(),
      });
      expect(response.status).toBe(200);
      const body = await response.json();
      expectSpecValid(body, MODERN, 'tools/call');
      expect(body.result.content[0].text).toBe(`call ${id}`);
      expect(response.headers.get('mcp-session-id')).toBeNull();
    }
  });
});
