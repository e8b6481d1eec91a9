/**
 * The official SDK 2.x (`@modelcontextprotocol/server` / `@modelcontextprotocol/client`): dual-era like pmcp.
 * Its client defaults to the legacy era; over HTTP the stateless mode is its modern entry
 * (`createMcpHandler`, one server built per request) and the session mode its legacy sessionful transport.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  ADD_DESCRIPTION,
  ADD_TOOL,
  addText,
  fillerDescription,
  fillerText,
  fillerToolNames,
  MEMORY_PROBE_TOOL,
  readMemory,
} from '../workload.ts';
import { childEnv } from './official-v1.ts';
import type { McpConnection, SdkAdapter, ServerSpec } from './types.ts';

const CLIENT_INFO = { name: 'bench-client', version: '1.0.0' };

type V2McpServer = import('@modelcontextprotocol/server').McpServer;
type V2Client = import('@modelcontextprotocol/client').Client;

async function buildServer(spec: ServerSpec): Promise<V2McpServer> {
  const { McpServer } = await import('@modelcontextprotocol/server');
  const server = new McpServer({ name: 'bench-official-v2', version: '1.0.0' });
  server.registerTool(
    ADD_TOOL,
    { description: ADD_DESCRIPTION, inputSchema: z.object({ a: z.number(), b: z.number() }) },
    async ({ a, b }) => ({ content: [{ type: 'text', text: addText(a, b) }] }),
  );
  for (const name of fillerToolNames(spec.toolCount)) {
    server.registerTool(
      name,
      {
        description: fillerDescription(name),
        inputSchema: z.object({
          query: z.string().describe('What to look for'),
          limit: z.number().int().min(1).max(100).optional().describe('At most this many results'),
        }),
      },
      async ({ query }) => ({ content: [{ type: 'text', text: fillerText(name, query) }] }),
    );
  }
  if (spec.memoryProbe) {
    server.registerTool(MEMORY_PROBE_TOOL, {}, async () => ({
      content: [{ type: 'text', text: JSON.stringify(readMemory()) }],
    }));
  }
  return server;
}

function wrapClient(client: V2Client, note: string): McpConnection {
  return {
    callTool: (name, args) => client.callTool({ name, arguments: args }),
    listToolNames: async () => (await client.listTools()).tools.map((tool) => tool.name),
    close: () => client.close(),
    note,
  };
}

/** The official SDK 2.x as an SDK adapter. */
export const officialV2Adapter: SdkAdapter = {
  id: 'official-v2',

  async inMemory(spec) {
    const { InMemoryTransport } = await import('@modelcontextprotocol/server');
    const { Client } = await import('@modelcontextprotocol/client');
    const server = await buildServer(spec);
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    const client = new Client(CLIENT_INFO);
    await client.connect(clientTransport);
    return wrapClient(client, 'legacy (client default)');
  },

  async serveStdio(spec) {
    const { serveStdio } = await import('@modelcontextprotocol/server/stdio');
    serveStdio(() => buildServer(spec));
    return undefined;
  },

  async stdioClient(child) {
    const { StdioClientTransport } = await import('@modelcontextprotocol/client/stdio');
    const { Client } = await import('@modelcontextprotocol/client');
    const client = new Client(CLIENT_INFO);
    await client.connect(
      new StdioClientTransport({
        command: child.command,
        args: child.args,
        stderr: 'inherit',
        env: childEnv(),
      }),
    );
    return wrapClient(client, 'legacy (client default)');
  },

  async httpHandler(spec, mode) {
    const { createMcpHandler, WebStandardStreamableHTTPServerTransport } = await import(
      '@modelcontextprotocol/server'
    );
    if (mode === 'stateless') {
      const handler = createMcpHandler(() => buildServer(spec));
      return { fetch: (request) => handler.fetch(request), close: () => handler.close() };
    }
    type Transport = InstanceType<typeof WebStandardStreamableHTTPServerTransport>;
    const sessions = new Map<string, Transport>();
    return {
      async fetch(request) {
        const sessionId = request.headers.get('mcp-session-id');
        const existing = sessionId ? sessions.get(sessionId) : undefined;
        if (existing) return existing.handleRequest(request);
        if (sessionId) return new Response('unknown session', { status: 404 });
        const transport: Transport = new WebStandardStreamableHTTPServerTransport({
          sessionIdGenerator: randomUUID,
          enableJsonResponse: true,
          onsessioninitialized: (id) => {
            sessions.set(id, transport);
          },
          onsessionclosed: (id) => {
            sessions.delete(id);
          },
        });
        const server = await buildServer(spec);
        await server.connect(transport);
        return transport.handleRequest(request);
      },
      async close() {
        await Promise.all([...sessions.values()].map((transport) => transport.close()));
      },
    };
  },

  async httpClient(url, mode) {
    const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    const client =
      mode === 'stateless'
        ? new Client(CLIENT_INFO, { versionNegotiation: { mode: 'auto' } })
        : new Client(CLIENT_INFO);
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    return wrapClient(client, mode === 'stateless' ? 'modern (server per request)' : 'legacy session');
  },

  async serverAvailable() {
    return undefined;
  },

  async decoder() {
    const { parseJSONRPCMessage } = await import('@modelcontextprotocol/server');
    return (text) => parseJSONRPCMessage(JSON.parse(text));
  },
};
