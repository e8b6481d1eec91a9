/**
 * The bridge between `node:http` and a web-standard handler: an `IncomingMessage` becomes a `Request` (body
 * streamed, with backpressure), the `Response` is written back as it is produced, and a client that disconnects
 * aborts `request.signal` and cancels the response body, which is how the handler learns of it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A web-standard handler as the adapter calls it: the second argument describes the connection.
 *
 * @example
 * ```ts
 * import type { WebHandler } from '@pmcp/transport-http/node';
 *
 * const hello: WebHandler = async () => new Response('hello');
 * ```
 */
export type WebHandler = (request: Request, connectionInfo?: unknown) => Promise<Response>;

/**
 * A `node:http` request listener, also usable as Express middleware or with Fastify's raw objects. Frameworks
 * that have already read the body pass it as the third argument.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import type { NodeRequestHandler } from '@pmcp/transport-http/node';
 *
 * declare const listener: NodeRequestHandler;
 * createServer((req, res) => void listener(req, res)).listen(3000, '127.0.0.1');
 * ```
 */
export type NodeRequestHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  parsedBody?: unknown,
) => Promise<void>;

const REQUEST_BODY_HIGH_WATER_MARK = 64 * 1024;

function hostFor(socket: Socket): string {
  const address = socket.localAddress ?? '127.0.0.1';
  const host = address.includes(':') ? `[${address}]` : address;
  return socket.localPort === undefined ? host : `${host}:${socket.localPort}`;
}

function requestUrl(req: IncomingMessage): string {
  const encrypted = (req.socket as Socket & { encrypted?: boolean }).encrypted === true;
  const host = req.headers.host ?? hostFor(req.socket);
  const path = req.url ?? '/';
  try {
    return new URL(path, `${encrypted ? 'https' : 'http'}://${host}`).href;
  } catch {
    // A Host header that is not a host at all: the handler still gets the request (and refuses that Host).
    return new URL(path.startsWith('/') ? path : `/${path}`, `http://${hostFor(req.socket)}`).href;
  }
}

function requestHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index];
    const value = raw[index + 1];
    if (name === undefined || value === undefined || name.startsWith(':')) continue;
    try {
      headers.append(name, value);
    } catch {
      // A header value fetch cannot represent; the handler never needs it.
    }
  }
  return headers;
}

function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let done = false;
  const onData = (chunk: Buffer | string): void => {
    if (done) return;
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk);
    controller?.enqueue(bytes);
    if ((controller?.desiredSize ?? 1) <= 0) req.pause();
  };
  const onEnd = (): void => {
    if (done) return;
    done = true;
    controller?.close();
  };
  const onError = (error: Error): void => {
    if (done) return;
    done = true;
    controller?.error(error);
  };
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController;
        req.on('data', onData);
        req.on('end', onEnd);
        req.on('error', onError);
      },
      pull() {
        req.resume();
      },
      cancel() {
        // The handler has seen enough (a body over the limit): drain the rest without buffering it, keeping the
        // connection usable for the response.
        done = true;
        req.off('data', onData);
        req.resume();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: REQUEST_BODY_HIGH_WATER_MARK }),
  );
}

function alreadyReadBody(req: IncomingMessage, parsedBody: unknown): BodyInit | undefined {
  const body = parsedBody !== undefined ? parsedBody : (req as IncomingMessage & { body?: unknown }).body;
  if (body === undefined || !req.readableEnded) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new Uint8Array(body);
  return JSON.stringify(body);
}

function toRequest(req: IncomingMessage, signal: AbortSignal, parsedBody: unknown): Request {
  const method = req.method ?? 'GET';
  const init: RequestInit & { duplex?: 'half' } = { method, headers: requestHeaders(req), signal };
  if (method !== 'GET' && method !== 'HEAD') {
    const known = alreadyReadBody(req, parsedBody);
    if (known !== undefined) init.body = known;
    else {
      init.body = bodyStream(req);
      init.duplex = 'half';
    }
  }
  return new Request(requestUrl(req), init);
}

function waitForDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  const body = response.body;
  const streaming = (response.headers.get('content-type') ?? '')
    .toLowerCase()
    .startsWith('text/event-stream');
  if (body === null || !streaming) {
    const bytes = body === null ? undefined : new Uint8Array(await response.arrayBuffer());
    if (bytes !== undefined) headers['content-length'] = String(bytes.byteLength);
    res.writeHead(response.status, headers);
    res.end(bytes);
    return;
  }
  res.writeHead(response.status, headers);
  // Events must reach the client as they are written, not when a buffer fills.
  res.flushHeaders();
  const reader = body.getReader();
  const onClose = (): void => {
    if (!res.writableFinished)
      reader.cancel(new Error('The client closed the connection')).catch(() => undefined);
  };
  res.on('close', onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) break;
      if (!res.write(value)) await waitForDrain(res);
    }
    res.end();
  } catch {
    // The stream was dropped (a client too slow to keep up, or the handler gave up): end the connection uncleanly.
    res.destroy();
  } finally {
    res.off('close', onClose);
  }
}

/**
 * Adapts a web-standard handler (such as {@link createHttpHandler}'s) to `node:http`. The result is a request
 * listener that also works as Express middleware (`app.all('/mcp', toNodeHandler(handler))`) and with Fastify's
 * raw objects (`reply.hijack(); await listener(request.raw, reply.raw, request.body)`). Bodies stream in both
 * directions; a client that disconnects aborts the request's signal and cancels the response stream.
 *
 * @example
 * ```ts
 * import { createServer as createHttpServer } from 'node:http';
 * import { createServer } from '@pmcp/server';
 * import { createHttpHandler } from '@pmcp/transport-http';
 * import { toNodeHandler } from '@pmcp/transport-http/node';
 *
 * const handler = createHttpHandler(createServer({ name: 'demo', version: '1.0.0' }));
 * createHttpServer(toNodeHandler(handler)).listen(3000, '127.0.0.1');
 * ```
 * @see https://nodejs.org/api/http.html#class-httpincomingmessage
 */
export function toNodeHandler(handler: WebHandler): NodeRequestHandler {
  if (typeof handler !== 'function') {
    throw new TypeError(
      'toNodeHandler needs a function (request: Request) => Promise<Response>, such as createHttpHandler(server)',
    );
  }
  return async (req, res, parsedBody) => {
    const disconnected = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) disconnected.abort(new Error('The client closed the connection'));
    };
    res.on('close', onClose);
    const body = typeof parsedBody === 'function' ? undefined : parsedBody;
    let request: Request;
    try {
      request = toRequest(req, disconnected.signal, body);
    } catch (error) {
      res.off('close', onClose);
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`Bad Request: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const info = {
      remoteAddr: { hostname: req.socket.remoteAddress },
      localAddr: { hostname: req.socket.localAddress },
    };
    try {
      const response = await handler(request, info);
      await writeResponse(response, res);
    } catch (error) {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`Internal Server Error: ${error instanceof Error ? error.message : String(error)}`);
      } else {
        res.destroy();
      }
    } finally {
      res.off('close', onClose);
    }
  };
}
