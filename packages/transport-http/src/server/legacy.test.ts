/**
 * The legacy era (2025-03-26 … 2025-11-25): sessions, the standalone GET stream, server→client requests,
 * resumability with Last-Event-ID, expiry and limits, and the stateless mode.
 */
import type { JsonRpcMessage } from '@pmcp/jsonrpc';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLIENT_INFO,
  expectSpecValid,
  fixtureServer,
  LEGACY,
  LEGACY_HEADERS,
  postRequest,
  SseReader,
  scriptedServer,
} from './__fixtures__/harness.ts';
import { createInMemoryEventStore } from './event-store.ts';
import { createHttpHandler, type HttpHandler } from './handler.ts';
import type { ConnectableServer, HttpHandlerOptions } from './options.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function makeHandler(server: ConnectableServer, options: HttpHandlerOptions = {}): HttpHandler {
  const handler = createHttpHandler(server, options);
  cleanups.push(() => handler.close());
  return handler;
}

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: LEGACY, capabilities: { roots: {} }, clientInfo: CLIENT_INFO },
};

function sessionHeaders(sessionId: string): Record<string, string> {
  return { ...LEGACY_HEADERS, 'mcp-session-id': sessionId, 'mcp-protocol-version': LEGACY };
}

async function openSession(handler: HttpHandler): Promise<string> {
  const response = await handler(postRequest(INITIALIZE, LEGACY_HEADERS));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json');
  const body = await response.json();
  expectSpecValid(body, LEGACY, 'initialize');
  const sessionId = response.headers.get('mcp-session-id');
  if (sessionId === null) throw new Error('no session id');
  const initialized = await handler(
    postRequest({ jsonrpc: '2.0', method: 'notifications/initialized' }, sessionHeaders(sessionId)),
  );
  expect(initialized.status).toBe(202);
  return sessionId;
}

function post(handler: HttpHandler, sessionId: string, body: unknown): Promise<Response> {
  return handler(postRequest(body, sessionHeaders(sessionId)));
}

function get(handler: HttpHandler, sessionId: string, lastEventId?: string): Promise<Response> {
  const headers: Record<string, string> = {
    accept: 'text/event-stream',
    'mcp-session-id': sessionId,
    'mcp-protocol-version': LEGACY,
  };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  return handler(new Request('http://127.0.0.1/mcp', { method: 'GET', headers }));
}

function methodOf(message: JsonRpcMessage | undefined): string {
  if (message === undefined) return 'end';
  return 'method' in message ? message.method : 'response';
}

describe('legacy sessions', () => {
  it('opens a session on initialize with a random visible-ASCII id, and answers on a resumable stream', async () => {
    const handler = makeHandler(fixtureServer().server);
    const first = await openSession(handler);
    const second = await openSession(handler);
    expect(first).toMatch(/^[\x21-\x7e]+$/);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(second).not.toBe(first);

    const response = await post(handler, first, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('mcp-session-id')).toBe(first);
    const reader = new SseReader(response);
    const priming = await reader.next();
    expect(priming).toMatchObject({ data: '', retry: 1000 });
    expect(priming?.id).not.toBe('');
    const result = await reader.nextMessage();
    expectSpecValid(result?.message, LEGACY, 'tools/list');
    expect(result?.id).not.toBe(priming?.id);
    expect(await reader.next()).toBeUndefined();
  });

  it('ends a session on DELETE; its id then gets 404', async () => {
    const handler = makeHandler(fixtureServer().server);
    const sessionId = await openSession(handler);
    const deleted = await handler(
      new Request('http://127.0.0.1/mcp', { method: 'DELETE', headers: { 'mcp-session-id': sessionId } }),
    );
    expect(deleted.status).toBe(204);
    const after = await post(handler, sessionId, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect(after.status).toBe(404);
    const again = await handler(
      new Request('http://127.0.0.1/mcp', { method: 'DELETE', headers: { 'mcp-session-id': sessionId } }),
    );
    expect(again.status).toBe(404);
    const none = await handler(new Request('http://127.0.0.1/mcp', { method: 'DELETE' }));
    expect(none.status).toBe(400);
  });

  it('issues no session for a failed initialize', async () => {
    const handler = makeHandler(fixtureServer().server);
    const response = await handler(
      postRequest(
        { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: LEGACY } },
        LEGACY_HEADERS,
      ),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBeNull();
    const body = await response.json();
    expect(body.error.code).toBe(-32602);
    expectSpecValid(body, LEGACY);
  });

  it('keeps a session whose client sends initialize again', async () => {
    const handler = makeHandler(fixtureServer().server);
    const sessionId = await openSession(handler);
    const again = await post(handler, sessionId, { ...INITIALIZE, id: 20 });
    expect(again.status).toBe(200);
    expect((await again.json()).error.code).toBe(-32600);
    const list = await post(handler, sessionId, { jsonrpc: '2.0', id: 21, method: 'tools/list' });
    expect(list.status).toBe(200);
    await list.body?.cancel();
  });

  it('refuses an unknown MCP-Protocol-Version, a duplicate in-flight id, and a GET that does not accept SSE', async () => {
    const { server, hooks } = fixtureServer();
    const handler = makeHandler(server);
    const sessionId = await openSession(handler);
    const badVersion = await handler(
      postRequest(
        { jsonrpc: '2.0', id: 3, method: 'tools/list' },
        { ...sessionHeaders(sessionId), 'mcp-protocol-version': '1999-01-01' },
      ),
    );
    expect(badVersion.status).toBe(400);
    expect((await badVersion.json()).error.message).toContain('1999-01-01');

    const running = await post(handler, sessionId, {
      jsonrpc: '2.0',
      id: 4,
      method: 'tools/call',
      params: { name: 'wait' },
    });
    await hooks.waitStarted.promise;
    const duplicate = await post(handler, sessionId, { jsonrpc: '2.0', id: 4, method: 'tools/list' });
    expect(duplicate.status).toBe(409);
    expect((await duplicate.json()).error.code).toBe(-32600);
    await running.body?.cancel();

    const notSse = await handler(
      new Request('http://127.0.0.1/mcp', {
        method: 'GET',
        headers: { accept: 'application/json', 'mcp-session-id': sessionId },
      }),
    );
    expect(notSse.status).toBe(406);
  });

  it('expires an idle session (404 afterwards) but not one with an open stream', async () => {
    const handler = makeHandler(fixtureServer().server, { legacy: { idleTimeoutMs: 20 } });
    const idle = await openSession(handler);
    const watched = await openSession(handler);
    const stream = new SseReader(await get(handler, watched));
    await stream.next();
    await expect
      .poll(async () => (await post(handler, idle, { jsonrpc: '2.0', id: 5, method: 'tools/list' })).status, {
        timeout: 5_000,
      })
      .toBe(404);
    const alive = await post(handler, watched, { jsonrpc: '2.0', id: 6, method: 'tools/list' });
    expect(alive.status).toBe(200);
    await alive.body?.cancel();
    await stream.cancel();
  });

  it('caps live sessions with 503 and frees a slot when one ends', async () => {
    const handler = makeHandler(fixtureServer().server, { legacy: { maxSessions: 2 } });
    const first = await openSession(handler);
    await openSession(handler);
    const third = await handler(postRequest(INITIALIZE, LEGACY_HEADERS));
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).not.toBeNull();
    expect((await third.json()).error.message).toMatch(/sessions/);
    await handler(
      new Request('http://127.0.0.1/mcp', { method: 'DELETE', headers: { 'mcp-session-id': first } }),
    );
    await openSession(handler);
  });
});

describe('the standalone GET stream', () => {
  it('carries notifications unrelated to any request', async () => {
    const { server } = fixtureServer();
    const handler = makeHandler(server);
    const sessionId = await openSession(handler);
    const response = await get(handler, sessionId);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = new SseReader(response);
    expect(await reader.next()).toMatchObject({ data: '', retry: 1000 });
    server.tool('added', { description: 'Added while the stream is open' }, () => 'added');
    const event = await reader.nextMessage();
    expect(event?.message).toEqual({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    expectSpecValid(event?.message, LEGACY);
    await reader.cancel();
  });

  it('hands the stream to a newer GET of the same session', async () => {
    const server = scriptedServer();
    const handler = makeHandler(server);
    const sessionId = await openSession(handler);
    const older = new SseReader(await get(handler, sessionId));
    await older.next();
    const newer = new SseReader(await get(handler, sessionId));
    await newer.next();
    expect(await older.next()).toBeUndefined();
    const call = await post(handler, sessionId, {
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'broadcast' },
    });
    await new SseReader(call).rest();
    expect((await newer.nextMessage())?.message).toMatchObject({
      method: 'notifications/tools/list_changed',
    });
    await newer.cancel();
  });
});

describe('server→client requests', () => {
  it('go out on the POST stream of the request they serve; the answer comes back as a POST', async () => {
    const handler = makeHandler(scriptedServer());
    const sessionId = await openSession(handler);
    const response = await post(handler, sessionId, {
      jsonrpc: '2.0',
      id: 8,
      method: 'tools/call',
      params: { name: 'ask' },
    });
    const reader = new SseReader(response);
    const request = await reader.nextMessage();
    expect(request?.message).toMatchObject({ method: 'roots/list' });
    expectSpecValid(request?.message, LEGACY);
    const requestId = (request?.message as { id: number } | undefined)?.id;
    const answer = await post(handler, sessionId, {
      jsonrpc: '2.0',
      id: requestId,
      result: { roots: [{ uri: 'file:///tmp', name: 'tmp' }] },
    });
    expect(answer.status).toBe(202);
    const result = await reader.nextMessage();
    expect(result?.message).toMatchObject({
      id: 8,
      result: { content: [{ type: 'text', text: '{"roots":[{"uri":"file:///tmp","name":"tmp"}]}' }] },
    });
    expect(await reader.next()).toBeUndefined();
  });

  it('fail in the server when the client has no stream to receive them', async () => {
    const server = scriptedServer();
    const handler = makeHandler(server);
    await openSession(handler);
    const engine = server.engines.at(-1);
    await expect(engine?.request('roots/list', {})).rejects.toThrow(/no stream open/);
  });
});

describe('resumability', () => {
  it('replays exactly the events a dropped POST stream missed, then continues live', async () => {
    const { server, hooks } = fixtureServer();
    const handler = makeHandler(server);
    const sessionId = await openSession(handler);
    const response = await post(handler, sessionId, {
      jsonrpc: '2.0',
      id: 9,
      method: 'tools/call',
      params: { name: 'stepper', _meta: { progressToken: 'steps' } },
    });
    const reader = new SseReader(response);
    const priming = await reader.next();
    const first = await reader.nextMessage();
    expect(first?.message).toMatchObject({ method: 'notifications/progress', params: { progress: 1 } });
    await reader.cancel();

    // The tool runs on while the client is away (legacy disconnects are not cancellations).
    hooks.gates[0]?.resolve();
    hooks.gates[1]?.resolve();
    await hooks.stepped[3]?.promise;

    const resumed = await get(handler, sessionId, first?.id);
    expect(resumed.status).toBe(200);
    const again = new SseReader(resumed);
    const replayed = [await again.nextMessage(), await again.nextMessage()];
    hooks.gates[2]?.resolve();
    hooks.gates[3]?.resolve();
    hooks.gates[4]?.resolve();
    const live = await again.rest();
    const all = [first, ...replayed, ...live];
    expect(all.map((event) => methodOf(event?.message))).toEqual([
      'notifications/progress',
      'notifications/progress',
      'notifications/progress',
      'notifications/progress',
      'notifications/progress',
      'response',
    ]);
    expect(
      all
        .slice(0, 5)
        .map((event) => (event?.message as { params?: { progress: number } } | undefined)?.params?.progress),
    ).toEqual([1, 2, 3, 4, 5]);
    const ids = [priming?.id, ...all.map((event) => event?.id)];
    expect(new Set(ids).size).toBe(ids.length);
    for (const event of all.slice(0, 5)) expectSpecValid(event?.message, LEGACY);
    expectSpecValid(all[5]?.message, LEGACY, 'tools/call');
    expect(all[5]?.message).toMatchObject({ id: 9, result: { content: [{ text: 'stepped' }] } });
  });

  it('replays a finished stream and closes it', async () => {
    const { server, hooks } = fixtureServer();
    const handler = makeHandler(server);
    const sessionId = await openSession(handler);
    for (const gate of hooks.gates) gate.resolve();
    const response = await post(handler, sessionId, {
      jsonrpc: '2.0',
      id: 10,
      method: 'tools/call',
      params: { name: 'stepper', _meta: { progressToken: 7 } },
    });
    const reader = new SseReader(response);
    const priming = await reader.next();
    const everything = await reader.rest();
    const resumed = new SseReader(await get(handler, sessionId, priming?.id));
    const replayed = await resumed.rest();
    expect(replayed).toEqual(everything);
    expect(replayed.at(-1)?.message).toMatchObject({ id: 10 });
  });

  it('replays the standalone stream after a drop', async () => {
    const server = scriptedServer();
    const handler = makeHandler(server);
    const sessionId = await openSession(handler);
    const stream = new SseReader(await get(handler, sessionId));
    const priming = await stream.next();
    await stream.cancel();
    for (let id = 11; id <= 13; id++) {
      // The call's response is written after its notification, so once it is read the notification is stored.
      const call = await post(handler, sessionId, {
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: { name: 'broadcast' },
      });
      await new SseReader(call).rest();
    }
    const resumed = new SseReader(await get(handler, sessionId, priming?.id));
    const missed = [await resumed.nextMessage(), await resumed.nextMessage(), await resumed.nextMessage()];
    expect(missed.map((event) => methodOf(event?.message))).toEqual([
      'notifications/tools/list_changed',
      'notifications/tools/list_changed',
      'notifications/tools/list_changed',
    ]);
    expect(new Set(missed.map((event) => event?.id)).size).toBe(3);
    // The resumed stream is the live standalone stream again.
    const call = await post(handler, sessionId, {
      jsonrpc: '2.0',
      id: 14,
      method: 'tools/call',
      params: { name: 'broadcast' },
    });
    await new SseReader(call).rest();
    expect(methodOf((await resumed.nextMessage())?.message)).toBe('notifications/tools/list_changed');
    await resumed.cancel();
  });

  it("never replays another session's stream", async () => {
    const errors: Error[] = [];
    const server = scriptedServer();
    const handler = makeHandler(server, { onerror: (error) => errors.push(error) });
    const alice = await openSession(handler);
    const mallory = await openSession(handler);
    const aliceStream = new SseReader(await get(handler, alice));
    const alicePriming = await aliceStream.next();
    await aliceStream.cancel();
    const call = await post(handler, alice, {
      jsonrpc: '2.0',
      id: 15,
      method: 'tools/call',
      params: { name: 'broadcast' },
    });
    await new SseReader(call).rest();
    const stolen = new SseReader(await get(handler, mallory, alicePriming?.id));
    // A fresh standalone stream for mallory: a new priming event and nothing of alice's.
    const first = await stolen.next();
    expect(first?.data).toBe('');
    expect(first?.id).not.toBe(alicePriming?.id);
    expect(errors.some((error) => /cannot resume/.test(error.message))).toBe(true);
    await stolen.cancel();
  });

  it('lets the server end a request stream early; the client resumes the rest (SSE polling)', async () => {
    const handler = makeHandler(scriptedServer());
    const sessionId = await openSession(handler);
    const response = await post(handler, sessionId, {
      jsonrpc: '2.0',
      id: 19,
      method: 'tools/call',
      params: { name: 'reconnect' },
    });
    const reader = new SseReader(response);
    const priming = await reader.next();
    expect(priming).toMatchObject({ data: '', retry: 1000 });
    // The stream ends before the response.
    expect(await reader.next()).toBeUndefined();
    const resumed = await new SseReader(await get(handler, sessionId, priming?.id)).rest();
    expect(resumed.map((event) => methodOf(event.message))).toEqual(['notifications/message', 'response']);
    expect(resumed[1]?.message).toMatchObject({ id: 19, result: { content: [{ text: 'reconnected' }] } });
  });

  it('offers no way to end a request stream early when resumability is off', async () => {
    const handler = makeHandler(scriptedServer(), { legacy: { eventStore: false } });
    const sessionId = await openSession(handler);
    const response = await post(handler, sessionId, {
      jsonrpc: '2.0',
      id: 20,
      method: 'tools/call',
      params: { name: 'reconnect' },
    });
    expect(await response.json()).toMatchObject({
      id: 20,
      result: { content: [{ text: 'this stream cannot be resumed' }] },
    });
  });

  it('answers in JSON, with no event ids, when resumability is off', async () => {
    const handler = makeHandler(fixtureServer().server, { legacy: { eventStore: false } });
    const sessionId = await openSession(handler);
    const list = await post(handler, sessionId, { jsonrpc: '2.0', id: 16, method: 'tools/list' });
    expect(list.headers.get('content-type')).toBe('application/json');
    expectSpecValid(await list.json(), LEGACY, 'tools/list');
    const progress = await post(handler, sessionId, {
      jsonrpc: '2.0',
      id: 17,
      method: 'tools/call',
      params: { name: 'progress', _meta: { progressToken: 'p' } },
    });
    expect(progress.headers.get('content-type')).toBe('text/event-stream');
    const events = await new SseReader(progress).rest();
    expect(events.map((event) => methodOf(event.message))).toEqual([
      'notifications/progress',
      'notifications/progress',
      'notifications/progress',
      'response',
    ]);
    expect(events.every((event) => event.id === '')).toBe(true);
  });

  it('works with a custom event store', async () => {
    const stored: string[] = [];
    const inner = createInMemoryEventStore();
    const handler = makeHandler(fixtureServer().server, {
      legacy: {
        eventStore: {
          async storeEvent(streamId, message) {
            const id = await inner.storeEvent(streamId, message);
            stored.push(id);
            return id;
          },
          replayEventsAfter: (lastEventId, send) => inner.replayEventsAfter(lastEventId, send),
        },
        retryMs: 250,
      },
    });
    const sessionId = await openSession(handler);
    const response = await post(handler, sessionId, { jsonrpc: '2.0', id: 18, method: 'tools/list' });
    const reader = new SseReader(response);
    expect(await reader.next()).toMatchObject({ retry: 250, data: '' });
    await reader.rest();
    expect(stored).toHaveLength(2);
  });
});

describe('stateless legacy mode', () => {
  it('serves every POST on its own connection with no session id', async () => {
    const { server } = fixtureServer();
    const handler = makeHandler(server, { legacy: { sessions: 'stateless' } });
    const init = await handler(postRequest(INITIALIZE, LEGACY_HEADERS));
    expect(init.status).toBe(200);
    expect(init.headers.get('mcp-session-id')).toBeNull();
    expectSpecValid(await init.json(), LEGACY, 'initialize');

    const notification = await handler(
      postRequest({ jsonrpc: '2.0', method: 'notifications/initialized' }, LEGACY_HEADERS),
    );
    expect(notification.status).toBe(202);

    const call = await handler(
      postRequest(
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'echo', arguments: { text: 'stateless' } },
        },
        { ...LEGACY_HEADERS, 'mcp-protocol-version': LEGACY },
      ),
    );
    expect(call.status).toBe(200);
    expect(call.headers.get('content-type')).toBe('application/json');
    const body = await call.json();
    expectSpecValid(body, LEGACY, 'tools/call');
    expect(body.result.content[0].text).toBe('stateless');

    const progress = await handler(
      postRequest(
        {
          jsonrpc: '2.0',
          id: 2,
          method: 'tools/call',
          params: { name: 'progress', _meta: { progressToken: 1 } },
        },
        LEGACY_HEADERS,
      ),
    );
    expect(progress.headers.get('content-type')).toBe('text/event-stream');
    const events = await new SseReader(progress).rest();
    expect(events.map((event) => methodOf(event.message))).toEqual([
      'notifications/progress',
      'notifications/progress',
      'notifications/progress',
      'response',
    ]);
    // Without MCP-Protocol-Version the request is served as 2025-03-26, whose progress has a message field.
    expectSpecValid(events[0]?.message, '2025-03-26');

    for (const method of ['GET', 'DELETE']) {
      const response = await handler(
        new Request('http://127.0.0.1/mcp', { method, headers: { accept: 'text/event-stream' } }),
      );
      expect(response.status).toBe(405);
    }
    const response = await handler(postRequest({ jsonrpc: '2.0', id: 3, result: {} }, LEGACY_HEADERS));
    expect(response.status).toBe(400);
  });

  it('fails server→client requests with a clear error instead of hanging', async () => {
    const handler = makeHandler(scriptedServer(), { legacy: { sessions: 'stateless' } });
    const response = await handler(
      postRequest({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'ask' } }, LEGACY_HEADERS),
    );
    const body = await response.json();
    expect(body.error.message).toMatch(/Internal error|stateless/);
  });
});
