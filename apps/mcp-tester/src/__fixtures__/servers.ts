/**
 * Servers the tests point the CLI at: real pmcp servers over HTTP, deliberately broken ones over node:http, and the
 * commands that start the stdio ones. Everything listens on 127.0.0.1.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createServer } from '@pmcp/server';
import { listen } from '@pmcp/transport-http/node';
import { z } from 'zod';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** How `--stdio` starts a TypeScript file with this Node and the source condition. */
export function nodeCommand(file: string): string {
  return `"${process.execPath}" --conditions=@pmcp/source "${file}"`;
}

export const DEMO_SERVER: string = fileURLToPath(
  new URL('../../../../examples/demo/server.ts', import.meta.url),
);
export const NOISY_SERVER: string = fileURLToPath(new URL('./noisy-server.ts', import.meta.url));
export const CRASHING_SERVER: string = fileURLToPath(new URL('./crashing-server.ts', import.meta.url));

export interface GoodServerOptions {
  /** A distinguishing touch, so two servers differ for compare. */
  variant?: 'a' | 'b';
  pageSize?: number;
}

/** A pmcp server with tools, resources, a template and prompts, over Streamable HTTP. */
export async function startGoodHttpServer(options: GoodServerOptions = {}): Promise<RunningServer> {
  const variant = options.variant ?? 'a';
  const server = createServer(
    { name: `good-${variant}`, version: '1.0.0' },
    { pageSize: options.pageSize ?? 2 },
  );
  server.tool(
    'add',
    {
      description: 'Add two numbers',
      input:
        variant === 'a'
          ? z.object({ a: z.number(), b: z.number() })
          : z.object({ a: z.number(), b: z.number(), c: z.number().optional() }),
    },
    ({ a, b }) => `${a + b}`,
  );
  server.tool(
    'echo',
    { description: variant === 'a' ? 'Echo text' : 'Echo the text', input: z.object({ text: z.string() }) },
    ({ text }) => text,
  );
  server.tool('fail', { description: 'Always fails' }, () => {
    throw new Error('broken on purpose');
  });
  if (variant === 'a') server.tool('only_in_a', { description: 'Only on server A' }, () => 'a');
  server.resource('docs://readme', { name: 'readme', mimeType: 'text/markdown' }, () => '# readme');
  server.resource('docs://guide', { name: 'guide', mimeType: 'text/plain' }, () => 'guide');
  server.resource('docs://faq', { name: 'faq', mimeType: 'text/plain' }, () => 'faq');
  server.resourceTemplate(
    'notes://{name}',
    { name: 'note', mimeType: 'text/plain' },
    (_uri, { name }) => `note ${String(name)}`,
  );
  server.prompt('greet', { description: 'Say hello' }, () => 'hello');
  server.onerror = () => {};
  const running = await listen(server, { host: '127.0.0.1' });
  return { url: running.url, close: () => running.close() };
}

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

async function startRawHttpServer(handler: Handler): Promise<RunningServer> {
  const server = createHttpServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => handler(request, response, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(value));
}

/**
 * A legacy-only server that gets the handshake right and much else wrong: a tool name with a space, a prompts page
 * that is not a list, a tools cursor that never ends, success for unknown methods, resources and prompts, isError for
 * unknown tools, a resource read without a contents list, no resource templates list, and a ping that answers more
 * than {}.
 */
export function startBrokenHttpServer(): Promise<RunningServer> {
  return startRawHttpServer((request, response, body) => {
    if (request.method !== 'POST') {
      response.writeHead(405).end();
      return;
    }
    let message: { id?: unknown; method?: string; params?: Record<string, unknown> };
    try {
      message = JSON.parse(body);
    } catch {
      json(response, 400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
      return;
    }
    const { id, method } = message;
    if (id === undefined) {
      response.writeHead(202).end();
      return;
    }
    const result = (value: unknown) => json(response, 200, { jsonrpc: '2.0', id, result: value });
    switch (method) {
      case 'server/discover':
        json(response, 404, { jsonrpc: '2.0', id, error: { code: -32601, message: 'Method not found' } });
        return;
      case 'initialize':
        result({
          protocolVersion: '2025-11-25',
          capabilities: { tools: {}, prompts: {}, resources: {} },
          serverInfo: { name: 'broken', version: '0.0.1' },
        });
        return;
      case 'tools/list':
        result({
          tools: [{ name: 'bad name!', description: 'x', inputSchema: { type: 'object' } }],
          nextCursor: 'again',
        });
        return;
      case 'prompts/list':
        result({ prompts: 'not-a-list' });
        return;
      case 'resources/list':
        result({ resources: [{ uri: 'broken://x', name: 'x' }] });
        return;
      case 'resources/read':
        result({ contents: 'nope' });
        return;
      case 'tools/call':
        result({ content: [{ type: 'text', text: 'no such tool' }], isError: true });
        return;
      case 'ping':
        result({ pong: true });
        return;
      default:
        result({});
    }
  });
}

/** An endpoint that serves a web page to everything: no MCP at all. */
export function startHtmlServer(): Promise<RunningServer> {
  return startRawHttpServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end('<!doctype html><title>Welcome</title>');
  });
}

/** An endpoint that wants a bearer token and names its resource metadata. */
export function startAuthRequiredServer(): Promise<RunningServer> {
  return startRawHttpServer((_request, response) => {
    response.writeHead(401, {
      'WWW-Authenticate':
        'Bearer resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource/mcp", scope="mcp:read"',
    });
    response.end();
  });
}
