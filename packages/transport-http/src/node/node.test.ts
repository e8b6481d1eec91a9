/**
 * The node:http adapter and listen(): streaming both ways, disconnects, pre-parsed bodies, and the handler's
 * security defaults as a real loopback server sees them.
 */
import { createServer as createNodeServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { deferred, fixtureServer, META, MODERN, modernHeaders } from '../server/__fixtures__/harness.ts';
import { createHttpHandler } from '../server/handler.ts';
import { toNodeHandler } from './adapter.ts';
import { type ListeningServer, listen } from './listen.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(
  target: Parameters<typeof listen>[0],
  options: Parameters<typeof listen>[1] = {},
): Promise<ListeningServer> {
  const running = await listen(target, options);
  cleanups.push(() => running.close());
  return running;
}

interface RawResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A request through node:http, which (unlike fetch) may set any Host header. */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const discover = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'server/discover',
  params: { _meta: META },
});

describe('listen', () => {
  it('binds 127.0.0.1 on a free port and reports the endpoint URL', async () => {
    const running = await serve(fixtureServer().server);
    expect(running.host).toBe('127.0.0.1');
    expect(running.port).toBeGreaterThan(0);
    expect(running.url).toBe(`http://127.0.0.1:${running.port}/mcp`);
    const response = await fetch(running.url, {
      method: 'POST',
      headers: modernHeaders('server/discover'),
      body: discover,
    });
    expect(response.status).toBe(200);
    expect((await response.json()).result.supportedVersions).toContain(MODERN);
  });

  it('refuses DNS-rebinding requests (foreign Host and Origin) and accepts loopback ones', async () => {
    const running = await serve(fixtureServer().server);
    const evil = await raw(running.url, {
      method: 'POST',
      headers: {
        ...modernHeaders('server/discover'),
        host: 'evil.example.com',
        origin: 'http://evil.example.com',
      },
      body: discover,
    });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body).error.code).toBe(-32600);
    for (const host of [`localhost:${running.port}`, `127.0.0.1:${running.port}`]) {
      const ok = await raw(running.url, {
        method: 'POST',
        headers: { ...modernHeaders('server/discover'), host, origin: `http://${host}` },
        body: discover,
      });
      expect(ok.status, host).toBe(200);
    }
  });

  it('serves a ready handler, and close() ends open event streams', async () => {
    const opened = deferred();
    const running = await serve(async () => {
      opened.resolve();
      return new Response(new ReadableStream({ start() {} }), {
        headers: { 'content-type': 'text/event-stream' },
      });
    });
    const response = await fetch(running.url);
    await opened.promise;
    const reader = response.body?.getReader();
    const ended = reader?.read().then(
      () => 'ended',
      () => 'ended',
    );
    await running.close();
    expect(await ended).toBe('ended');
  });

  it('refuses something that is neither a server nor a handler', async () => {
    await expect(listen({} as never)).rejects.toThrow(TypeError);
  });
});

describe('toNodeHandler', () => {
  it('streams the request body into the handler as it arrives', async () => {
    const firstChunk = deferred<string>();
    const running = await serve(async (request) => {
      const reader = request.body?.getReader();
      if (reader === undefined) return new Response('no body', { status: 400 });
      const decoder = new TextDecoder();
      let text = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        firstChunk.resolve(text);
      }
      return new Response(text.toUpperCase());
    });
    const target = new URL(running.url);
    const result = new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        { host: target.hostname, port: target.port, path: '/mcp', method: 'POST' },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => {
            body += chunk.toString();
          });
          res.on('end', () => resolve(body));
        },
      );
      req.on('error', reject);
      req.write('first ');
      // The second part is only sent once the handler has seen the first: the body really streams.
      void firstChunk.promise.then(() => req.end('second'));
    });
    expect(await firstChunk.promise).toBe('first ');
    expect(await result).toBe('FIRST SECOND');
  });

  it('writes SSE responses as they are produced', async () => {
    const release = deferred();
    const running = await serve(async () => {
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encoder.encode('data: one\n\n'));
          await release.promise;
          controller.enqueue(encoder.encode('data: two\n\n'));
          controller.close();
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    const response = await fetch(running.url);
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toBe('data: one\n\n');
    release.resolve();
    const second = await reader?.read();
    expect(new TextDecoder().decode(second?.value)).toBe('data: two\n\n');
  });

  it('tells the handler when the client disconnects: the signal aborts and the response body is cancelled', async () => {
    const aborted = deferred<unknown>();
    const cancelled = deferred<unknown>();
    const started = deferred();
    const running = await serve(async (request) => {
      request.signal.addEventListener('abort', () => aborted.resolve(request.signal.reason), { once: true });
      started.resolve();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(': open\n\n'));
        },
        cancel(reason) {
          cancelled.resolve(reason);
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    const controller = new AbortController();
    const response = await fetch(running.url, { signal: controller.signal });
    await started.promise;
    await response.body?.getReader().read();
    controller.abort();
    expect(await aborted.promise).toBeInstanceOf(Error);
    expect(await cancelled.promise).toBeInstanceOf(Error);
  });

  it('cancels a modern MCP request whose client disconnects before the answer', async () => {
    const { server, hooks } = fixtureServer();
    const running = await serve(server);
    const controller = new AbortController();
    const pending = fetch(running.url, {
      method: 'POST',
      headers: modernHeaders('tools/call', { 'mcp-name': 'wait' }),
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'wait', _meta: META },
      }),
      signal: controller.signal,
    }).catch((error: unknown) => error);
    await hooks.waitStarted.promise;
    controller.abort();
    expect(await hooks.waitCancelled.promise).toBeInstanceOf(Error);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('takes a body a framework has already parsed (Express style)', async () => {
    const handler = createHttpHandler(fixtureServer().server);
    cleanups.push(() => handler.close());
    const listener = toNodeHandler(handler);
    const server = createNodeServer((req, res) => {
      // What express.json() does: read the whole body, then hand over the parsed value.
      let text = '';
      req.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      req.on('end', () => {
        (req as IncomingMessage & { body?: unknown }).body = JSON.parse(text);
        void listener(req, res, () => undefined);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/mcp`, {
      method: 'POST',
      headers: modernHeaders('server/discover'),
      body: discover,
    });
    expect(response.status).toBe(200);
    expect((await response.json()).id).toBe(1);
  });

  it('answers 500 when the handler throws, and keeps serving', async () => {
    let calls = 0;
    const running = await serve(async () => {
      calls++;
      if (calls === 1) throw new Error('boom');
      return new Response('fine');
    });
    const failed = await fetch(running.url);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toContain('boom');
    const ok = await fetch(running.url);
    expect(await ok.text()).toBe('fine');
  });

  it('passes multiple Set-Cookie headers through', async () => {
    const running = await serve(async () => {
      const headers = new Headers();
      headers.append('set-cookie', 'a=1');
      headers.append('set-cookie', 'b=2');
      return new Response(null, { status: 204, headers });
    });
    const response = await raw(running.url, {});
    expect(response.status).toBe(204);
    expect(response.headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('refuses a handler that is not a function', () => {
    expect(() => toNodeHandler('nope' as never)).toThrow(TypeError);
  });
});
