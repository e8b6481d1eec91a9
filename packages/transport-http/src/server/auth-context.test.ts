/**
 * Who authenticated a request (the handler's third argument, `{ authInfo }`) reaches every JSON-RPC message of that
 * request as `extra.authInfo` in every era, and a legacy session refuses requests authenticated as someone else
 * than the request that opened it.
 */
import type { JsonRpcMessage, MessageExtra, Transport } from '@pmcp/jsonrpc';
import { createServer } from '@pmcp/server';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLIENT_INFO,
  LEGACY,
  LEGACY_HEADERS,
  modernHeaders,
  modernRequest,
  postRequest,
  SseReader,
} from './__fixtures__/harness.ts';
import { createHttpHandler, type HttpHandler } from './handler.ts';
import type { HttpHandlerOptions } from './options.ts';

interface Delivery {
  kind: string;
  /** `'absent'` when the extra had no `authInfo` key at all. */
  authInfo: unknown;
}

const ABSENT = 'absent';

/**
 * A pmcp server with a `whoami` tool answering `ctx.authInfo` as JSON, wrapped so that the extra of every message
 * the handler delivers is recorded.
 */
function recordingServer() {
  const server = createServer({ name: 'auth-fixture', version: '1.0.0' });
  server.tool('whoami', { description: 'Answers ctx.authInfo' }, (_args, ctx) =>
    JSON.stringify(ctx.authInfo ?? null),
  );
  const deliveries: Delivery[] = [];
  return {
    deliveries,
    /** Connects through a wrapper that sees each message before the server does. */
    async connect(transport: Transport) {
      const wrapped: Transport = {
        start: () => transport.start(),
        send: (message, options) => transport.send(message, options),
        close: () => transport.close(),
        sessionId: transport.sessionId,
      };
      if (transport.setProtocolVersion !== undefined) {
        wrapped.setProtocolVersion = (version) => transport.setProtocolVersion?.(version);
      }
      transport.onmessage = (message: JsonRpcMessage, extra?: MessageExtra) => {
        deliveries.push({
          kind: 'method' in message ? message.method : 'response',
          authInfo: extra !== undefined && 'authInfo' in extra ? extra.authInfo : ABSENT,
        });
        wrapped.onmessage?.(message, extra);
      };
      transport.onerror = (error) => wrapped.onerror?.(error);
      transport.onclose = () => wrapped.onclose?.();
      await server.connect(wrapped);
    },
  };
}

/** The deliveries of one method (the handler's own tools/list connection, for Mcp-Param checks, is not ours). */
function deliveriesOf(server: ReturnType<typeof recordingServer>, kind: string): Delivery[] {
  return server.deliveries.filter((delivery) => delivery.kind === kind);
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function makeHandler(
  server: ReturnType<typeof recordingServer>,
  options: HttpHandlerOptions = {},
): HttpHandler {
  const handler = createHttpHandler(server, options);
  cleanups.push(() => handler.close());
  return handler;
}

const ALICE = { token: 'token-a1', subject: 'alice', clientId: 'app', scopes: ['notes:read'] };
const ALICE_REFRESHED = { ...ALICE, token: 'token-a2' };
const BOB = { token: 'token-b', subject: 'bob', clientId: 'app', scopes: ['notes:read'] };
const MALLORY_APP = { ...ALICE, clientId: 'other-app' };

async function toolText(response: Response): Promise<string> {
  const type = response.headers.get('content-type') ?? '';
  let message: JsonRpcMessage | undefined;
  if (type.startsWith('text/event-stream')) {
    const messages = await new SseReader(response).rest();
    message = messages.find((entry) => !('method' in entry.message))?.message;
  } else {
    message = (await response.json()) as JsonRpcMessage;
  }
  if (message === undefined || !('result' in message)) {
    throw new Error(`expected a result, got ${JSON.stringify(message)}`);
  }
  return (message.result.content as { text: string }[])[0]?.text ?? '';
}

const WHOAMI = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } };
const INITIALIZE = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: LEGACY, capabilities: {}, clientInfo: CLIENT_INFO },
};

function sessionHeaders(sessionId: string): Record<string, string> {
  return { ...LEGACY_HEADERS, 'mcp-session-id': sessionId, 'mcp-protocol-version': LEGACY };
}

async function openSession(handler: HttpHandler, authInfo: unknown): Promise<string> {
  const response = await handler(postRequest(INITIALIZE, LEGACY_HEADERS), undefined, { authInfo });
  expect(response.status).toBe(200);
  const sessionId = response.headers.get('mcp-session-id');
  if (sessionId === null) throw new Error('no session id');
  const initialized = await handler(
    postRequest({ jsonrpc: '2.0', method: 'notifications/initialized' }, sessionHeaders(sessionId)),
    undefined,
    { authInfo },
  );
  expect(initialized.status).toBe(202);
  return sessionId;
}

async function expectForeignSession(response: Response, id?: number): Promise<void> {
  expect(response.status).toBe(403);
  const body = (await response.json()) as { id?: unknown; error: { code: number; message: string } };
  expect(body.error.code).toBe(-32600);
  expect(body.error.message).toMatch(
    /^Forbidden: this session belongs to a different authenticated user or client/,
  );
  if (id === undefined) expect(body).not.toHaveProperty('id');
  else expect(body.id).toBe(id);
}

describe('authInfo through the HTTP handler', () => {
  describe('modern (2026-07-28)', () => {
    it('reaches the request and the tool handler (ctx.authInfo)', async () => {
      const server = recordingServer();
      const handler = makeHandler(server);
      const response = await handler(modernRequest(1, 'tools/call', { name: 'whoami' }), undefined, {
        authInfo: ALICE,
      });
      expect(response.status).toBe(200);
      expect(JSON.parse(await toolText(response))).toEqual(ALICE);
      expect(deliveriesOf(server, 'tools/call')).toEqual([{ kind: 'tools/call', authInfo: ALICE }]);
    });

    it('reaches a notification', async () => {
      const server = recordingServer();
      const handler = makeHandler(server);
      const notification = postRequest(
        { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 9 } },
        modernHeaders('notifications/cancelled'),
      );
      expect((await handler(notification, undefined, { authInfo: BOB })).status).toBe(202);
      expect(server.deliveries).toEqual([{ kind: 'notifications/cancelled', authInfo: BOB }]);
    });

    it('leaves authInfo out without a context, and ignores a context without one (a Workers ExecutionContext)', async () => {
      const server = recordingServer();
      const handler = makeHandler(server);
      const plain = await handler(modernRequest(1, 'tools/call', { name: 'whoami' }));
      expect(await toolText(plain)).toBe('null');
      const workers = await handler(modernRequest(2, 'tools/call', { name: 'whoami' }), {}, {
        waitUntil() {},
        passThroughOnException() {},
      } as never);
      expect(await toolText(workers)).toBe('null');
      expect(deliveriesOf(server, 'tools/call')).toEqual([
        { kind: 'tools/call', authInfo: ABSENT },
        { kind: 'tools/call', authInfo: ABSENT },
      ]);
    });
  });

  describe('stateless legacy', () => {
    it('reaches the hidden initialize, its initialized notification and the request', async () => {
      const server = recordingServer();
      const handler = makeHandler(server, { legacy: { sessions: 'stateless' } });
      const response = await handler(
        postRequest(WHOAMI, { ...LEGACY_HEADERS, 'mcp-protocol-version': LEGACY }),
        undefined,
        { authInfo: ALICE },
      );
      expect(JSON.parse(await toolText(response))).toEqual(ALICE);
      expect(server.deliveries).toEqual([
        { kind: 'initialize', authInfo: ALICE },
        { kind: 'notifications/initialized', authInfo: ALICE },
        { kind: 'tools/call', authInfo: ALICE },
      ]);
    });
  });

  describe('legacy sessions', () => {
    it('gives each message the authInfo of its own HTTP request (a refreshed token shows up)', async () => {
      const server = recordingServer();
      const handler = makeHandler(server);
      const sessionId = await openSession(handler, ALICE);
      const call = await handler(postRequest(WHOAMI, sessionHeaders(sessionId)), undefined, {
        authInfo: ALICE_REFRESHED,
      });
      expect(call.status).toBe(200);
      expect(JSON.parse(await toolText(call))).toEqual(ALICE_REFRESHED);
      expect(server.deliveries).toEqual([
        { kind: 'initialize', authInfo: ALICE },
        { kind: 'notifications/initialized', authInfo: ALICE },
        { kind: 'tools/call', authInfo: ALICE_REFRESHED },
      ]);
    });

    it('refuses a POST, GET and DELETE authenticated as someone else with 403, and keeps the session', async () => {
      const server = recordingServer();
      const handler = makeHandler(server);
      const sessionId = await openSession(handler, ALICE);
      const delivered = server.deliveries.length;

      await expectForeignSession(
        await handler(postRequest(WHOAMI, sessionHeaders(sessionId)), undefined, { authInfo: BOB }),
        1,
      );
      await expectForeignSession(
        await handler(
          postRequest({ jsonrpc: '2.0', method: 'notifications/initialized' }, sessionHeaders(sessionId)),
          undefined,
          { authInfo: MALLORY_APP },
        ),
      );
      await expectForeignSession(await handler(postRequest(WHOAMI, sessionHeaders(sessionId))), 1);
      const stream = new Request('http://127.0.0.1/mcp', {
        method: 'GET',
        headers: { accept: 'text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': LEGACY },
      });
      await expectForeignSession(await handler(stream, undefined, { authInfo: BOB }));
      const end = new Request('http://127.0.0.1/mcp', {
        method: 'DELETE',
        headers: { 'mcp-session-id': sessionId, 'mcp-protocol-version': LEGACY },
      });
      await expectForeignSession(await handler(end, undefined, { authInfo: BOB }));
      expect(server.deliveries).toHaveLength(delivered);

      const owner = await handler(postRequest(WHOAMI, sessionHeaders(sessionId)), undefined, {
        authInfo: ALICE,
      });
      expect(JSON.parse(await toolText(owner))).toEqual(ALICE);
      expect((await handler(end, undefined, { authInfo: ALICE })).status).toBe(204);
    });

    it('refuses an authenticated request in a session opened without authentication', async () => {
      const server = recordingServer();
      const handler = makeHandler(server);
      const sessionId = await openSession(handler, undefined);
      await expectForeignSession(
        await handler(postRequest(WHOAMI, sessionHeaders(sessionId)), undefined, { authInfo: ALICE }),
        1,
      );
      const anonymous = await handler(postRequest(WHOAMI, sessionHeaders(sessionId)));
      expect(await toolText(anonymous)).toBe('null');
    });

    it('compares owners with sessionOwner when given', async () => {
      const server = recordingServer();
      const handler = makeHandler(server, {
        sessionOwner: (authInfo) => (authInfo as { tenant?: string }).tenant,
      });
      const sessionId = await openSession(handler, { ...ALICE, tenant: 't1' });
      const colleague = await handler(postRequest(WHOAMI, sessionHeaders(sessionId)), undefined, {
        authInfo: { ...BOB, tenant: 't1' },
      });
      expect(JSON.parse(await toolText(colleague))).toMatchObject({ subject: 'bob' });
      await expectForeignSession(
        await handler(postRequest(WHOAMI, sessionHeaders(sessionId)), undefined, {
          authInfo: { ...ALICE, tenant: 't2' },
        }),
        1,
      );
    });

    it('answers 500 and reports it when sessionOwner throws', async () => {
      const errors: Error[] = [];
      const server = recordingServer();
      const handler = makeHandler(server, {
        sessionOwner: () => {
          throw new Error('no owner');
        },
        onerror: (error) => errors.push(error),
      });
      const response = await handler(postRequest(INITIALIZE, LEGACY_HEADERS), undefined, { authInfo: ALICE });
      expect(response.status).toBe(500);
      expect(errors.map((error) => error.message)).toEqual(['no owner']);
      expect(server.deliveries).toEqual([]);
    });

    it('refuses a sessionOwner that is not a function', () => {
      expect(() =>
        createHttpHandler(recordingServer(), { sessionOwner: 'subject' as unknown as () => undefined }),
      ).toThrow(/sessionOwner must be a function/);
    });
  });

  describe('HTTP+SSE (2024-11-05)', () => {
    async function openSseSession(
      handler: HttpHandler,
      authInfo: unknown,
    ): Promise<{ path: string; reader: SseReader }> {
      const response = await handler(
        new Request('http://127.0.0.1/sse', { headers: { accept: 'text/event-stream' } }),
        undefined,
        { authInfo },
      );
      expect(response.status).toBe(200);
      const reader = new SseReader(response);
      const endpoint = await reader.next();
      expect(endpoint?.event).toBe('endpoint');
      return { path: endpoint?.data ?? '', reader };
    }

    function postMessage(handler: HttpHandler, path: string, body: unknown, authInfo?: unknown) {
      return handler(
        new Request(`http://127.0.0.1${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
        undefined,
        authInfo === undefined ? undefined : { authInfo },
      );
    }

    it('gives every POSTed message its authInfo, and refuses POSTs authenticated as someone else', async () => {
      const server = recordingServer();
      const handler = makeHandler(server, { enableLegacySse: true });
      const { path, reader } = await openSseSession(handler, ALICE);
      const initialize = { ...INITIALIZE, params: { ...INITIALIZE.params, protocolVersion: '2024-11-05' } };
      expect((await postMessage(handler, path, initialize, ALICE)).status).toBe(202);
      expect((await reader.nextMessage())?.message).toMatchObject({
        id: 0,
        result: { protocolVersion: '2024-11-05' },
      });
      expect(
        (await postMessage(handler, path, { jsonrpc: '2.0', method: 'notifications/initialized' }, ALICE))
          .status,
      ).toBe(202);

      await expectForeignSession(await postMessage(handler, path, WHOAMI, BOB));
      await expectForeignSession(await postMessage(handler, path, WHOAMI));

      expect((await postMessage(handler, path, WHOAMI, ALICE_REFRESHED)).status).toBe(202);
      const answer = (await reader.nextMessage())?.message;
      expect(answer).toMatchObject({ id: 1 });
      const text =
        (answer as unknown as { result: { content: { text: string }[] } }).result.content[0]?.text ?? '';
      expect(JSON.parse(text)).toEqual(ALICE_REFRESHED);
      expect(server.deliveries).toEqual([
        { kind: 'initialize', authInfo: ALICE },
        { kind: 'notifications/initialized', authInfo: ALICE },
        { kind: 'tools/call', authInfo: ALICE_REFRESHED },
      ]);
    });
  });
});
