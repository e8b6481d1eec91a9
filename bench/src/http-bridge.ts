/**
 * The one node:http ⇄ web-standard bridge every SDK's HTTP handler is served through, so differences between
 * SDKs are their handlers, never their adapters. The floor skips it on purpose: it is the floor.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A node:http request listener. */
export type NodeListener = (request: IncomingMessage, response: ServerResponse) => void;

/** Wraps a web-standard `fetch` handler as a node:http listener. */
export function toNodeListener(handle: (request: Request) => Promise<Response>): NodeListener {
  return (incoming, outgoing) => {
    void bridge(handle, incoming, outgoing).catch((error: unknown) => {
      if (!outgoing.headersSent) outgoing.writeHead(500, { 'content-type': 'text/plain' });
      outgoing.end(String(error));
    });
  };
}

async function bridge(
  handle: (request: Request) => Promise<Response>,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const headers = new Headers();
  for (let index = 0; index < incoming.rawHeaders.length; index += 2) {
    headers.append(incoming.rawHeaders[index] as string, incoming.rawHeaders[index + 1] as string);
  }
  const aborter = new AbortController();
  outgoing.once('close', () => {
    if (!outgoing.writableFinished) aborter.abort();
  });
  const method = incoming.method ?? 'GET';
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    // Node's pooled buffers sit on plain ArrayBuffers, never shared ones.
    body = Buffer.concat(chunks) as Uint8Array<ArrayBuffer>;
  }
  const request = new Request(`http://${incoming.headers.host ?? '127.0.0.1'}${incoming.url ?? '/'}`, {
    method,
    headers,
    signal: aborter.signal,
    ...(body === undefined ? {} : { body }),
  });
  const response = await handle(request);
  const outHeaders: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    outHeaders[key] = value;
  });
  outgoing.writeHead(response.status, outHeaders);
  if (!response.body) {
    outgoing.end();
    return;
  }
  // Streamed chunk by chunk so SSE responses flush as they are produced.
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    outgoing.write(value);
  }
  outgoing.end();
}

/** Listens on 127.0.0.1 (never another interface) on a free port. */
export async function listenOnLoopback(listener: NodeListener): Promise<{ server: Server; port: number }> {
  const server = createServer({ keepAliveTimeout: 30_000 }, listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
