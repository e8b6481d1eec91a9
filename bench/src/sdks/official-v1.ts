/**
 * The official SDK 1.x (`@modelcontextprotocol/sdk`): McpServer + Client, legacy era (it has no modern one).
 * HTTP uses its web-standard Streamable HTTP transport behind the same node:http bridge as the other SDKs.
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
import type { McpConnection, SdkAdapter, ServerSpec } from './types.ts';

const CLIENT_INFO = { name: 'bench-client', version: '1.0.0' };

type V1McpServer = import('@modelcontextprotocol/sdk/server/mcp.js').McpServer;
type V1Client = import('@modelcontextprotocol/sdk/client/index.js').Client;

async function buildServer(spec: ServerSpec): Promise<V1McpServer> {
  const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
  const server = new McpServer({ name: 'bench-official-v1', version: '1.0.0' });
  server.registerTool(
    ADD_TOOL,
    { description: ADD_DESCRIPTION, inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => ({ content: [{ type: 'text', text: addText(a, b) }] }),
  );
  for (const name of fillerToolNames(spec.toolCount)) {
    server.registerTool(
      name,
      {
        description: fillerDescription(name),
        inputSchema: {
          query: z.string().describe('What to look for'),
          limit: z.number().int().min(1).max(100).optional().describe('At most this many results'),
        },
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

function wrapClient(client: V1Client, note: string): McpConnection {
  return {
    callTool: (name, args) => client.callTool({ name, arguments: args }),
    listToolNames: async () => (await client.listTools()).tools.map((tool) => tool.name),
    close: () => client.close(),
    note,
  };
}

/** The official SDK 1.x as an SDK adapter. */
export const officialV1Adapter: SdkAdapter = {
  id: 'official-v1',

  async inMemory(spec) {
    const { InMemoryTransport } = await import('@modelcontextprotocol/sdk/inMemory.js');
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const server = await buildServer(spec);
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    const client = new Client(CLIENT_INFO);
    await client.connect(clientTransport);
    return wrapClient(client, 'legacy');
  },

  async serveStdio(spec) {
    const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
    const server = await buildServer(spec);
    await server.connect(new StdioServerTransport());
    return undefined;
  },

  async stdioClient(child) {
    const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const client = new Client(CLIENT_INFO);
    await client.connect(
      new StdioClientTransport({
        command: child.command,
        args: child.args,
        stderr: 'inherit',
        env: childEnv(),
      }),
    );
    return wrapClient(client, 'legacy');
  },

  async httpHandler(spec, mode) {
    const { WebStandardStreamableHTTPServerTransport } = await import(
      '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
    );
    type Transport = InstanceType<typeof WebStandardStreamableHTTPServerTransport>;
    if (mode === 'stateless') {
      // The SDK's documented stateless idiom: a fresh server and transport for every request.
      return {
        async fetch(request) {
          const server = await buildServer(spec);
          const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
          await server.connect(transport);
          const response = await transport.handleRequest(request);
          void server.close();
          return response;
        },
        async close() {},
      };
    }
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
    const { StreamableHTTPClientTransport } = await import(
      '@modelcontextprotocol/sdk/client/streamableHttp.js'
    );
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const client = new Client(CLIENT_INFO);
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    return wrapClient(
      client,
      mode === 'stateless' ? 'legacy, stateless (server per request)' : 'legacy session',
    );
  },

  async serverAvailable() {
    return undefined;
  },

  async decoder() {
    const { JSONRPCMessageSchema } = await import('@modelcontextprotocol/sdk/types.js');
    return (text) => JSONRPCMessageSchema.parse(JSON.parse(text));
  },
};

/** The environment for child servers: PATH etc. plus what the harness set (the SDK's default drops the rest). */
export function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return env;
}
