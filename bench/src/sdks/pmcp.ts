/**
 * pmcp, loaded by package name exactly as users import it. The packages are typed here structurally and
 * imported lazily: a package or export that has not landed yet makes its cells "not available yet"
 * instead of breaking the harness, and lights up without edits here once it exists with the names below.
 */
import { z } from 'zod';
import type { Unavailable } from '../types.ts';
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
import {
  importOptional,
  isUnavailable,
  type McpConnection,
  type SdkAdapter,
  type ServerSpec,
} from './types.ts';

interface PmcpServer {
  tool(
    name: string,
    definition: { description?: string; input?: unknown },
    handler: (args: Record<string, unknown>) => unknown,
  ): unknown;
  connect(transport: unknown): Promise<void>;
  close?(): Promise<void>;
}
interface PmcpClient {
  connect(transport: unknown, options?: { era?: string }): Promise<void>;
  listTools(params?: { cursor?: string }): Promise<{ tools: { name: string }[]; nextCursor?: string }>;
  listAllTools?(): Promise<{ name: string }[]>;
  callTool(name: string, args: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
  era?: string;
}
type CreateServer = (info: { name: string; version: string }) => PmcpServer;
type CreateClient = (info: { name: string; version: string }) => PmcpClient;
type ParseResult = { ok: true; message: unknown } | { ok: false; error: Error };

// Literal import() calls, so the child bundles can compile pmcp in from source (see children.ts).
const LOADERS: Record<string, () => Promise<unknown>> = {
  '@pmcp/server': () => import('@pmcp/server'),
  '@pmcp/client': () => import('@pmcp/client'),
  '@pmcp/jsonrpc': () => import('@pmcp/jsonrpc'),
  '@pmcp/transport-stdio': () => import('@pmcp/transport-stdio'),
  '@pmcp/transport-http': () => import('@pmcp/transport-http'),
};

/** Imports `specifier` and returns its export `name` when that is a function, or why not. */
async function loadFunction<T>(specifier: string, name: string): Promise<T | Unavailable> {
  const module = await importOptional(specifier, LOADERS[specifier]);
  if (isUnavailable(module)) return module;
  const value = module[name];
  if (typeof value !== 'function')
    return { unavailable: `not available yet: ${specifier} does not export ${name}` };
  return value as T;
}

async function buildServer(spec: ServerSpec): Promise<PmcpServer | Unavailable> {
  const createServer = await loadFunction<CreateServer>('@pmcp/server', 'createServer');
  if (isUnavailable(createServer)) return createServer;
  const server = createServer({ name: 'bench-pmcp', version: '1.0.0' });
  server.tool(
    ADD_TOOL,
    { description: ADD_DESCRIPTION, input: z.object({ a: z.number(), b: z.number() }) },
    ({ a, b }) => addText(a as number, b as number),
  );
  for (const name of fillerToolNames(spec.toolCount)) {
    server.tool(
      name,
      {
        description: fillerDescription(name),
        input: z.object({
          query: z.string().describe('What to look for'),
          limit: z.number().int().min(1).max(100).optional().describe('At most this many results'),
        }),
      },
      ({ query }) => fillerText(name, String(query)),
    );
  }
  if (spec.memoryProbe) {
    server.tool(MEMORY_PROBE_TOOL, { description: 'memory probe' }, () => JSON.stringify(readMemory()));
  }
  return server;
}

async function connectClient(transport: unknown, era?: 'legacy'): Promise<McpConnection | Unavailable> {
  const createClient = await loadFunction<CreateClient>('@pmcp/client', 'createClient');
  if (isUnavailable(createClient)) return createClient;
  const client = createClient({ name: 'bench-client', version: '1.0.0' });
  await client.connect(transport, era === undefined ? {} : { era });
  return {
    callTool: (name, args) => client.callTool(name, args),
    async listToolNames() {
      if (client.listAllTools) return (await client.listAllTools()).map((tool) => tool.name);
      const names: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor === undefined ? {} : { cursor });
        for (const tool of page.tools) names.push(tool.name);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return names;
    },
    close: () => client.close(),
    note: client.era ?? 'default era',
  };
}

/** pmcp as an SDK adapter. */
export const pmcpAdapter: SdkAdapter = {
  id: 'pmcp',

  async inMemory(spec) {
    const createPair = await loadFunction<() => [unknown, unknown]>(
      '@pmcp/jsonrpc',
      'createInMemoryTransportPair',
    );
    if (isUnavailable(createPair)) return createPair;
    const server = await buildServer(spec);
    if (isUnavailable(server)) return server;
    const [clientTransport, serverTransport] = createPair();
    await server.connect(serverTransport);
    return connectClient(clientTransport);
  },

  async serveStdio(spec) {
    const serverTransport = await loadFunction<() => unknown>(
      '@pmcp/transport-stdio',
      'stdioServerTransport',
    );
    if (isUnavailable(serverTransport)) return serverTransport;
    const server = await buildServer(spec);
    if (isUnavailable(server)) return server;
    await server.connect(serverTransport());
    return undefined;
  },

  async stdioClient(child) {
    const clientTransport = await loadFunction<(options: { command: string; args: string[] }) => unknown>(
      '@pmcp/transport-stdio',
      'stdioClientTransport',
    );
    if (isUnavailable(clientTransport)) return clientTransport;
    return connectClient(clientTransport({ command: child.command, args: child.args }));
  },

  // One handler serves both eras: a modern request is answered statelessly, an `initialize` opens a legacy
  // session (pmcp's defaults, as a user gets them).
  async httpHandler(spec) {
    const createHandler = await loadFunction<
      (server: PmcpServer) => ((request: Request) => Promise<Response>) & { close(): Promise<void> }
    >('@pmcp/transport-http', 'createHttpHandler');
    if (isUnavailable(createHandler)) return createHandler;
    const server = await buildServer(spec);
    if (isUnavailable(server)) return server;
    const handler = createHandler(server);
    return { fetch: (request) => handler(request), close: () => handler.close() };
  },

  async httpClient(url, mode) {
    const clientTransport = await loadFunction<(url: string, options: { era: 'auto' | 'legacy' }) => unknown>(
      '@pmcp/transport-http',
      'httpClientTransport',
    );
    if (isUnavailable(clientTransport)) return clientTransport;
    // Sessions exist only in the legacy era, so the session mode forces it.
    const era = mode === 'session' ? 'legacy' : 'auto';
    const connection = await connectClient(
      clientTransport(url, { era }),
      mode === 'session' ? 'legacy' : undefined,
    );
    if (!isUnavailable(connection))
      connection.note = `${connection.note}${mode === 'session' ? ' session' : ', stateless'}`;
    return connection;
  },

  async serverAvailable(transport) {
    const server = await loadFunction<CreateServer>('@pmcp/server', 'createServer');
    if (isUnavailable(server)) return server;
    const serve =
      transport === 'stdio'
        ? await loadFunction('@pmcp/transport-stdio', 'stdioServerTransport')
        : await loadFunction('@pmcp/transport-http', 'createHttpHandler');
    return isUnavailable(serve) ? serve : undefined;
  },

  async decoder() {
    const parse = await loadFunction<(text: string) => ParseResult>('@pmcp/jsonrpc', 'parseJsonRpcMessage');
    if (isUnavailable(parse)) return parse;
    return (text) => {
      const result = parse(text);
      if (!result.ok) throw result.error;
      return result.message;
    };
  },
};
