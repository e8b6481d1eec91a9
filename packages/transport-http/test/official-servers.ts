/**
 * Servers built with the official TypeScript SDKs, served over HTTP on 127.0.0.1, for interop tests of the
 * pmcp HTTP client transport: @modelcontextprotocol/sdk 1.x (Streamable HTTP stateful and stateless, and the
 * 2024-11-05 HTTP+SSE transport) and @modelcontextprotocol/server 2.x (modern, with its stateless legacy leg).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InMemoryEventStore } from '@modelcontextprotocol/sdk/examples/shared/inMemoryEventStore.js';
import { McpServer as SdkMcpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpHandler, fromJsonSchema, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import {
  type Listening,
  listen,
  type NodeHandler,
  readBody,
  sendJson,
  serveFetch,
} from './client-harness.ts';

/** A JSON Schema with the `x-mcp-header` extension keyword, which the SDK's schema type does not list. */
const jsonSchema = (schema: Record<string, unknown>): Parameters<typeof fromJsonSchema>[0] =>
  schema as Parameters<typeof fromJsonSchema>[0];

const pause = (milliseconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));

/** A 1.x server with the tools the interop tests call. */
export function sdkToolServer(name = 'sdk-1x'): SdkMcpServer {
  const server = new SdkMcpServer({ name, version: '1.0.0' }, { capabilities: { tools: {}, logging: {} } });
  server.registerTool(
    'add',
    { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } },
    ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }),
  );
  server.registerTool(
    'count',
    {
      description: 'Sends one progress notification per step, then answers',
      inputSchema: { steps: z.number().int(), gapMs: z.number().optional() },
    },
    async ({ steps, gapMs }, extra) => {
      const token = extra._meta?.progressToken;
      for (let step = 1; step <= steps; step++) {
        if (token !== undefined) {
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken: token, progress: step, total: steps },
          });
        }
        await pause(gapMs ?? 5);
      }
      return { content: [{ type: 'text', text: `counted to ${steps}` }] };
    },
  );
  server.registerTool('ask_ping', { description: 'Pings the client from inside a call' }, async (extra) => {
    await extra.sendRequest({ method: 'ping' }, z.object({}).passthrough());
    return { content: [{ type: 'text', text: 'client answered ping' }] };
  });
  return server;
}

export interface SdkStreamableOptions {
  stateful: boolean;
  /** Keep SSE events for resumption (stateful only). */
  eventStore?: boolean;
  /** The `retry:` the server puts in its priming events. */
  retryInterval?: number;
  /** Answer POSTs with JSON instead of SSE. */
  json?: boolean;
  port?: number;
  /**
   * Send `Connection: close` on every response. A restart test needs it: a real restart takes long enough for
   * the client's connection pool to notice dead sockets, an in-process one does not.
   */
  closeConnections?: boolean;
}

export interface SdkStreamableRecord {
  /** Session ids the server created, in order. */
  sessions: string[];
  /** HTTP requests the server received, as `METHOD session`. */
  requests: string[];
}

export interface RunningSdkServer extends Listening, SdkStreamableRecord {}

/** 1.x McpServer over StreamableHTTPServerTransport, one transport per session (or per request if stateless). */
export async function startSdkStreamable(options: SdkStreamableOptions): Promise<RunningSdkServer> {
  const { handle, sessions, requests } = sdkStreamableHandler(options);
  const listening = await listen(handle, options.port);
  return { ...listening, sessions, requests };
}

/** The node:http handler behind {@link startSdkStreamable}, to mount on any path. */
export function sdkStreamableHandler(
  options: SdkStreamableOptions,
): SdkStreamableRecord & { handle: NodeHandler } {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const sessions: string[] = [];
  const requests: string[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const sessionHeader = req.headers['mcp-session-id'];
    const session = typeof sessionHeader === 'string' ? sessionHeader : undefined;
    requests.push(`${req.method} ${session ?? '-'}`);
    if (options.closeConnections === true) res.setHeader('connection', 'close');
    if (!options.stateful) {
      if (req.method !== 'POST') {
        sendJson(res, 405, {
          jsonrpc: '2.0',
          error: { code: -32000, message: 'Method not allowed.' },
          id: null,
        });
        return;
      }
      const server = sdkToolServer('sdk-1x-stateless');
      // No sessionIdGenerator: the 1.x transport runs stateless.
      const transport = new StreamableHTTPServerTransport({ enableJsonResponse: options.json ?? false });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res);
      return;
    }
    if (session !== undefined) {
      const existing = transports.get(session);
      if (existing === undefined) {
        sendJson(res, 404, {
          jsonrpc: '2.0',
          error: { code: -32001, message: 'Session not found' },
          id: null,
        });
        return;
      }
      await existing.handleRequest(req, res);
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 400, {
        jsonrpc: '2.0',
        error: { code: -32000, message: 'Bad Request: No valid session ID provided' },
        id: null,
      });
      return;
    }
    const body = await readBody(req);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      sendJson(res, 400, { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
      return;
    }
    const isInitialize =
      typeof parsed === 'object' &&
      parsed !== null &&
      (parsed as { method?: unknown }).method === 'initialize';
    if (!isInitialize) {
      sendJson(res, 400, {
        jsonrpc: '2.0',
        error: { code: -32000, message: 'Bad Request: No valid session ID provided' },
        id: null,
      });
      return;
    }
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: options.json ?? false,
      ...(options.eventStore === true ? { eventStore: new InMemoryEventStore() } : {}),
      ...(options.retryInterval === undefined ? {} : { retryInterval: options.retryInterval }),
      onsessioninitialized: (id) => {
        transports.set(id, transport);
        sessions.push(id);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) transports.delete(transport.sessionId);
    };
    await sdkToolServer('sdk-1x-stateful').connect(transport);
    await transport.handleRequest(req, res, parsed);
  };
  return { handle, sessions, requests };
}

/** 1.x McpServer over the 2024-11-05 HTTP+SSE transport: GET /sse, POST /messages?sessionId=… */
export async function startSdkSse(): Promise<Listening> {
  const transports = new Map<string, SSEServerTransport>();
  return listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/sse') {
      const transport = new SSEServerTransport('/messages', res);
      transports.set(transport.sessionId, transport);
      res.on('close', () => transports.delete(transport.sessionId));
      await sdkToolServer('sdk-1x-sse').connect(transport);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/messages') {
      const transport = transports.get(url.searchParams.get('sessionId') ?? '');
      if (transport === undefined) {
        res.writeHead(404).end('Unknown session');
        return;
      }
      await transport.handlePostMessage(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
  });
}

/** A 2.x server (modern 2026-07-28, plus its stateless legacy leg) from `createMcpHandler`. */
export async function startModernServer(): Promise<
  Listening & { toolsChanged(): void; openStreams(): number }
> {
  const modern = modernHandler();
  let open = 0;
  const listening = await listen((req, res) => {
    open += 1;
    res.on('close', () => {
      open -= 1;
    });
    return modern.handle(req, res);
  });
  return {
    ...listening,
    toolsChanged: modern.toolsChanged,
    openStreams: () => open,
    close: async () => {
      await modern.close();
      await listening.close();
    },
  };
}

/** The node:http handler behind {@link startModernServer}, to mount on any path. */
export function modernHandler(): { handle: NodeHandler; close(): Promise<void>; toolsChanged(): void } {
  const handler = createMcpHandler(() => {
    const server = new McpServer(
      { name: 'sdk-2x', version: '2.0.0' },
      { capabilities: { tools: { listChanged: true } } },
    );
    server.registerTool(
      'add',
      { description: 'Adds two numbers', inputSchema: z.object({ a: z.number(), b: z.number() }) },
      ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }),
    );
    server.registerTool(
      'route',
      {
        description: 'Echoes the region it was routed to',
        inputSchema: fromJsonSchema<{ region: string; note?: string }>(
          jsonSchema({
            type: 'object',
            properties: {
              region: { type: 'string', 'x-mcp-header': 'Region' },
              note: { type: 'string' },
            },
            required: ['region'],
          }),
        ),
      },
      (args, ctx) => {
        const header = ctx.http?.req?.headers.get('mcp-param-region') ?? '(none)';
        return { content: [{ type: 'text', text: `region=${args.region} header=${header}` }] };
      },
    );
    server.registerTool(
      'broken_header',
      {
        description: 'Its x-mcp-header annotation is invalid, so HTTP clients must drop it',
        inputSchema: fromJsonSchema(
          jsonSchema({
            type: 'object',
            properties: { items: { type: 'array', items: { type: 'string', 'x-mcp-header': 'Item' } } },
          }),
        ),
      },
      () => ({ content: [{ type: 'text', text: 'should never be called' }] }),
    );
    server.registerTool(
      'count',
      { description: 'Reports progress per step', inputSchema: z.object({ steps: z.number().int() }) },
      async ({ steps }, ctx) => {
        const token = ctx.mcpReq._meta?.progressToken;
        for (let step = 1; step <= steps; step++) {
          if (token !== undefined) {
            await ctx.mcpReq.notify({
              method: 'notifications/progress',
              params: { progressToken: token, progress: step, total: steps },
            });
          }
          await pause(5);
        }
        return { content: [{ type: 'text', text: `counted to ${steps}` }] };
      },
    );
    return server;
  });
  return {
    handle: serveFetch((request) => handler.fetch(request)),
    close: () => handler.close(),
    toolsChanged: () => handler.notify.toolsChanged(),
  };
}
