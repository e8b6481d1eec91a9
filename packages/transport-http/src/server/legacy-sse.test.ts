/**
 * The 2024-11-05 HTTP+SSE transport: a GET opens the stream and names the POST endpoint, messages are POSTed
 * there, and everything the server sends arrives as `message` events on the stream.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_INFO, expectSpecValid, fixtureServer, SseReader } from './__fixtures__/harness.ts';
import { createHttpHandler, type HttpHandler } from './handler.ts';

const handlers: HttpHandler[] = [];
afterEach(async () => {
  await Promise.all(handlers.splice(0).map((handler) => handler.close()));
});

function makeHandler(
  options: Parameters<typeof createHttpHandler>[1] = { enableLegacySse: true },
): HttpHandler {
  const handler = createHttpHandler(fixtureServer().server, options);
  handlers.push(handler);
  return handler;
}

function postTo(
  handler: HttpHandler,
  path: string,
  body: unknown,
  contentType = 'application/json',
): Promise<Response> {
  return handler(
    new Request(`http://127.0.0.1${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: JSON.stringify(body),
    }),
  );
}

describe('2024-11-05 HTTP+SSE', () => {
  it('announces the POST endpoint, then carries every server message on the stream', async () => {
    const handler = makeHandler();
    const response = await handler(
      new Request('http://127.0.0.1/sse', { headers: { accept: 'text/event-stream' } }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = new SseReader(response);
    const endpoint = await reader.next();
    expect(endpoint?.event).toBe('endpoint');
    expect(endpoint?.data).toMatch(/^\/messages\?sessionId=[0-9a-f]{32}$/);
    const path = endpoint?.data ?? '';

    const accepted = await postTo(handler, path, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: CLIENT_INFO },
    });
    expect(accepted.status).toBe(202);
    const initialized = await reader.next();
    expect(initialized?.event).toBe('message');
    const result = JSON.parse(initialized?.data ?? '{}');
    expect(result).toMatchObject({ id: 1, result: { protocolVersion: '2024-11-05' } });
    expectSpecValid(result, '2024-11-05', 'initialize');

    expect(
      (await postTo(handler, path, { jsonrpc: '2.0', method: 'notifications/initialized' })).status,
    ).toBe(202);
    expect(
      (
        await postTo(handler, path, {
          jsonrpc: '2.0',
          id: 2,
          method: 'tools/call',
          params: { name: 'echo', arguments: { text: 'sse' } },
        })
      ).status,
    ).toBe(202);
    const call = JSON.parse((await reader.next())?.data ?? '{}');
    expect(call).toMatchObject({ id: 2, result: { content: [{ type: 'text', text: 'sse' }] } });
    expectSpecValid(call, '2024-11-05', 'tools/call');

    // The session ends with its stream.
    await reader.cancel();
    await expect
      .poll(async () => (await postTo(handler, path, { jsonrpc: '2.0', id: 3, method: 'tools/list' })).status)
      .toBe(404);
  });

  it('answers bad posts with the right status and a JSON-RPC error', async () => {
    const handler = makeHandler();
    const reader = new SseReader(await handler(new Request('http://127.0.0.1/sse')));
    const path = (await reader.next())?.data ?? '';
    const missing = await postTo(handler, '/messages', { jsonrpc: '2.0', id: 1, method: 'ping' });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.code).toBe(-32600);
    const unknown = await postTo(handler, '/messages?sessionId=nope', {
      jsonrpc: '2.0',
      id: 1,
      method: 'ping',
    });
    expect(unknown.status).toBe(404);
    const wrongType = await postTo(handler, path, { jsonrpc: '2.0', id: 1, method: 'ping' }, 'text/plain');
    expect(wrongType.status).toBe(415);
    const invalid = await handler(
      new Request(`http://127.0.0.1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{',
      }),
    );
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.code).toBe(-32700);
    const get = await handler(new Request(`http://127.0.0.1/messages`));
    expect(get.status).toBe(405);
    const json = await handler(
      new Request('http://127.0.0.1/sse', { headers: { accept: 'application/json' } }),
    );
    expect(json.status).toBe(406);
    // Still serving.
    expect((await postTo(handler, path, { jsonrpc: '2.0', id: 4, method: 'ping' })).status).toBe(202);
    expect(JSON.parse((await reader.next())?.data ?? '{}')).toEqual({ jsonrpc: '2.0', id: 4, result: {} });
    await reader.cancel();
  });

  it('serves configured paths and counts its sessions against maxSessions', async () => {
    const handler = makeHandler({
      enableLegacySse: { ssePath: '/legacy/events', messagesPath: '/legacy/post' },
      legacy: { maxSessions: 1 },
    });
    const reader = new SseReader(await handler(new Request('http://127.0.0.1/legacy/events')));
    expect((await reader.next())?.data).toMatch(/^\/legacy\/post\?sessionId=/);
    const second = await handler(new Request('http://127.0.0.1/legacy/events'));
    expect(second.status).toBe(503);
    expect((await handler(new Request('http://127.0.0.1/sse'))).status).toBe(404);
    await reader.cancel();
  });

  it('is off by default', async () => {
    const handler = makeHandler({});
    expect((await handler(new Request('http://127.0.0.1/sse'))).status).toBe(404);
  });
});
