/**
 * The WebSocket server as a raw `ws` client sees it: bad frames get JSON-RPC errors on an open connection, an
 * oversized message closes it with 1009, and upgrade requests with a foreign Origin, a wrong subprotocol or a
 * wrong path are refused with a JSON body that says why.
 */
import { createServer as createNodeServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateMessage } from '@pmcp/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cleanUp, connectClient, demoServer, serve } from '../__fixtures__/harness.ts';
import { webSocketServer } from './ws-server.ts';

afterEach(cleanUp);

const opened: WebSocket[] = [];
afterEach(() => {
  for (const socket of opened.splice(0)) socket.terminate();
});

function open(
  url: string,
  protocols: string[] = ['mcp'],
  headers: Record<string, string> = {},
): Promise<WebSocket> {
  const socket = new WebSocket(url, protocols, { headers });
  opened.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with the next message's JSON. */
function next(socket: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
}

/** The status and body of a refused upgrade. */
function refusal(
  url: string,
  protocols: string[] = ['mcp'],
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const socket = new WebSocket(url, protocols, { headers });
  opened.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('open', () => reject(new Error('the upgrade was accepted')));
    socket.once('unexpected-response', (_request, response: IncomingMessage) => {
      let text = '';
      response.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    socket.once('error', () => {});
  });
}

const PING = JSON.stringify({ jsonrpc: '2.0', id: 'after', method: 'ping' });

describe('frames', () => {
  it('answers non-JSON text with -32700 and keeps the connection open', async () => {
    const running = await serve(demoServer().server);
    const socket = await open(running.url);
    expect(socket.protocol).toBe('mcp');
    const reply = next(socket);
    socket.send('this is not json');
    const error = await reply;
    expect(error).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
    expect(String((error.error as { message: string }).message)).toMatch(/not valid JSON/);
    expect(validateMessage(error, '2025-11-25', { sender: 'server' })).toEqual({ ok: true });
    const answered = next(socket);
    socket.send(PING);
    expect(await answered).toMatchObject({ id: 'after', result: {} });
  });

  it('answers a JSON-RPC violation with -32600 and the id', async () => {
    const running = await serve(demoServer().server);
    const socket = await open(running.url);
    const reply = next(socket);
    socket.send(JSON.stringify({ jsonrpc: '1.0', id: 5, method: 'ping' }));
    expect(await reply).toMatchObject({ id: 5, error: { code: -32600 } });
  });

  it('refuses a binary frame with -32600 naming text frames, and keeps the connection open', async () => {
    const running = await serve(demoServer().server);
    const socket = await open(running.url);
    const reply = next(socket);
    socket.send(Buffer.from(PING), { binary: true });
    const error = await reply;
    expect(error).toMatchObject({ error: { code: -32600 } });
    expect(String((error.error as { message: string }).message)).toMatch(
      /binary WebSocket frame.*text frame/,
    );
    const answered = next(socket);
    socket.send(PING);
    expect(await answered).toMatchObject({ id: 'after', result: {} });
  });

  it('closes the connection with 1009 and a reason when a message exceeds maxPayload', async () => {
    const errors: Error[] = [];
    const { server } = demoServer();
    server.onerror = (error) => errors.push(error);
    const running = await serve(server, { maxPayload: 1024 });
    const socket = await open(running.url);
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(2048) } }));
    expect(await closed).toEqual({ code: 1009, reason: 'message larger than maxPayload (1024 bytes)' });
    await expect.poll(() => running.connections).toBe(0);
    expect(errors.map((error) => error.message).join('\n')).toMatch(/larger than maxPayload \(1024 bytes\)/);
  });
});

describe('upgrade checks', () => {
  it('refuses a foreign Origin with 403 (DNS rebinding) and accepts loopback ones', async () => {
    const errors: Error[] = [];
    const running = await serve(demoServer().server, { onerror: (error) => errors.push(error) });
    const refused = await refusal(running.url, ['mcp'], { origin: 'http://evil.example.com' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } });
    expect((refused.body.error as { message: string }).message).toMatch(
      /Origin "http:\/\/evil.example.com".*allowedOrigins/,
    );
    expect(errors.map((error) => error.message).join('\n')).toMatch(/Refused a WebSocket connection/);
    const socket = await open(running.url, ['mcp'], { origin: `http://localhost:${running.port}` });
    expect(socket.readyState).toBe(WebSocket.OPEN);
  });

  it('refuses a non-loopback Host over loopback, and lets listed origins in', async () => {
    const running = await serve(demoServer().server, { allowedOrigins: ['https://app.example.com'] });
    const badHost = await refusal(running.url, ['mcp'], { host: 'evil.example.com' });
    expect(badHost.status).toBe(403);
    expect(JSON.stringify(badHost.body)).toMatch(/not a loopback name/);
    expect((await refusal(running.url, ['mcp'], { origin: 'http://localhost:1' })).status).toBe(403);
    const socket = await open(running.url, ['mcp'], { origin: 'https://app.example.com' });
    expect(socket.protocol).toBe('mcp');
  });

  it('refuses a client that offers subprotocols but not mcp, and accepts one that offers none', async () => {
    const running = await serve(demoServer().server);
    const refused = await refusal(running.url, ['graphql-ws']);
    expect(refused.status).toBe(400);
    expect((refused.body.error as { message: string }).message).toMatch(
      /offered only "graphql-ws". Offer "mcp"/,
    );
    const socket = await open(running.url, []);
    expect(socket.protocol).toBe('');
  });

  it('answers 404 on another path and 426 to plain HTTP', async () => {
    const running = await serve(demoServer().server);
    const wrongPath = await refusal(running.url.replace('/mcp', '/other'));
    expect(wrongPath.status).toBe(404);
    expect(JSON.stringify(wrongPath.body)).toMatch(/endpoint is \/mcp/);
    const response = await fetch(running.url.replace('ws:', 'http:'));
    expect(response.status).toBe(426);
    expect((await response.json()).error.message).toMatch(/speaks WebSocket/);
  });

  it('close() is idempotent and stops listening', async () => {
    const running = await webSocketServer(demoServer().server);
    const url = running.url;
    const closing = running.close();
    expect(running.close()).toBe(closing);
    await closing;
    expect(running.httpServer.listening).toBe(false);
    await expect(open(url)).rejects.toThrow();
  });
});

describe('attached to an existing node:http server', () => {
  it('serves its path and leaves other upgrades to other listeners', async () => {
    const httpServer = createNodeServer();
    const others: string[] = [];
    httpServer.on('upgrade', (request: IncomingMessage, socket) => {
      if (request.url !== '/mcp') {
        others.push(request.url ?? '');
        socket.destroy();
      }
    });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    const running = await serve(demoServer().server, { httpServer });
    const port = (httpServer.address() as AddressInfo).port;
    expect(running.url).toBe(`ws://127.0.0.1:${port}/mcp`);
    const { client } = await connectClient(running.url, 'modern');
    expect((await client.listAllTools()).length).toBeGreaterThan(0);
    await expect(open(`ws://127.0.0.1:${port}/elsewhere`)).rejects.toThrow();
    expect(others).toEqual(['/elsewhere']);
    await client.close();
    await running.close();
    // The endpoint does not own the server: it still listens.
    expect(httpServer.listening).toBe(true);
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
  });

  it('refuses a target without connect()', async () => {
    await expect(webSocketServer({} as never)).rejects.toThrow(/connect\(transport\)/);
  });
});
