import { RpcEngine, type Transport } from '@pmcp/jsonrpc';
import { type CacheableResult, type Implementation, Notification } from '@pmcp/types';
import { type Connection, dispatchRequest, type ServerCore } from './dispatch.ts';
import { Registry, type RegistryHandle } from './registry.ts';
import type { ToolSchema } from './schema.ts';
import { type CompiledTool, compileTool, type ToolConfig, type ToolHandler } from './tools.ts';

/**
 * Who the server is: `name` and `version` are required; the display fields are sent to the revisions that know
 * them. `instructions` tells the model how to use the server (sent by `initialize` and `server/discover`).
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 *
 * const server = createServer({ name: 'notes', version: '1.2.0', title: 'Notes', instructions: 'Search before creating.' });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/discover
 */
export interface ServerInfo extends Implementation {
  instructions?: string;
}

/**
 * Whether a cached result may be shared across authorization contexts (`'public'`) or not (`'private'`).
 *
 * @example
 * ```ts
 * import { type CacheScope, createServer } from '@pmcp/server';
 *
 * const cacheScope: CacheScope = 'public';
 * const server = createServer({ name: 'docs', version: '1.0.0' }, { cacheScope });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/caching
 */
export type CacheScope = CacheableResult['cacheScope'];

/**
 * Server settings. Every field has a default.
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 *
 * const server = createServer({ name: 'catalog', version: '1.0.0' }, { pageSize: 20, ttlMs: 300_000, cacheScope: 'public' });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/caching
 */
export interface ServerOptions {
  /** Entries per page of a list result (default 100). */
  pageSize?: number;
  /** How long (ms) modern clients may cache list and discover results (default 60 000). */
  ttlMs?: number;
  /**
   * Whether cached results may be shared across authorization contexts (default `'private'`, the safe choice
   * when results might depend on who asks).
   */
  cacheScope?: CacheScope;
}

/**
 * The handle of a registered tool.
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 *
 * const server = createServer({ name: 'admin', version: '1.0.0' });
 * const reset = server.tool('reset', { description: 'Reset everything' }, () => 'done');
 * reset.disable(); // hidden from tools/list, calls answer "Unknown tool: reset"
 * reset.enable();
 * reset.remove(); // the name is free again
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/tools#list-changed-notification
 */
export type RegisteredTool = RegistryHandle;

/**
 * An MCP server: register tools, then connect it to one or more transports.
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 * import { z } from 'zod';
 *
 * const server = createServer({ name: 'calc', version: '1.0.0' });
 * server.tool('add', { description: 'Add two numbers', input: z.object({ a: z.number(), b: z.number() }) }, ({ a, b }) =>
 *   String(a + b),
 * );
 * server.onerror = (error) => console.error(error);
 * // await server.connect(transport);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/tools
 */
export interface McpServer {
  /** The identity given to {@link createServer}. */
  readonly info: Implementation;
  /**
   * Registers a tool; throws when the name is invalid or taken, or a schema cannot be used.
   * Connected legacy sessions get `notifications/tools/list_changed`.
   */
  tool<Input extends ToolSchema | undefined = undefined, Output extends ToolSchema | undefined = undefined>(
    name: string,
    config: ToolConfig<Input, Output>,
    handler: ToolHandler<Input, Output>,
  ): RegisteredTool;
  /** Serves one connection; call again for each further transport (each keeps its own session state). */
  connect(transport: Transport): Promise<void>;
  /** Closes every connection. */
  close(): Promise<void>;
  /**
   * Errors that cannot be answered to a client: a tool that threw something other than a `ToolError`, a tool
   * output that failed its schema, a transport failure. The client only learns that the tool failed.
   */
  onerror: ((error: Error) => void) | undefined;
}

function checkNonNegativeInteger(value: number | undefined, name: string, positive: boolean): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value < (positive ? 1 : 0)) {
    throw new TypeError(
      `createServer options.${name} must be a ${positive ? 'positive' : 'non-negative'} integer, got ${value}`,
    );
  }
}

/**
 * Creates a server that answers both protocol eras on every connection: legacy clients through `initialize`
 * (2024-11-05 to 2025-11-25) and modern clients through per-request `_meta` (2026-07-28).
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 * import { z } from 'zod';
 *
 * const server = createServer({ name: 'greeter', version: '1.0.0' });
 * server.tool('greet', { description: 'Say hello', input: z.object({ name: z.string() }) }, ({ name }) => `Hello, ${name}!`);
 * // await server.connect(transport);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/versioning
 */
export function createServer(info: ServerInfo, options: ServerOptions = {}): McpServer {
  if (
    typeof info !== 'object' ||
    info === null ||
    typeof info.name !== 'string' ||
    typeof info.version !== 'string'
  ) {
    throw new TypeError('createServer needs { name, version } (both strings) as its first argument');
  }
  if (info.instructions !== undefined && typeof info.instructions !== 'string') {
    throw new TypeError('createServer: instructions must be a string');
  }
  checkNonNegativeInteger(options.pageSize, 'pageSize', true);
  checkNonNegativeInteger(options.ttlMs, 'ttlMs', false);
  if (
    options.cacheScope !== undefined &&
    options.cacheScope !== 'public' &&
    options.cacheScope !== 'private'
  ) {
    throw new TypeError(
      `createServer options.cacheScope must be "public" or "private", got ${String(options.cacheScope)}`,
    );
  }

  const { instructions, ...implementation } = info;
  const connections = new Set<Connection>();
  const tools = new Registry<CompiledTool>('tool');

  const server: McpServer = {
    info: implementation,
    onerror: undefined,
    tool(name, config, handler) {
      return tools.add(name, compileTool(name, config, handler));
    },
    async connect(transport) {
      const engine = new RpcEngine({
        fallbackRequestHandler: (params, rpc) => dispatchRequest(params, rpc, core, connection),
      });
      const connection: Connection = { engine, transport, session: undefined };
      engine.setNotificationHandler(Notification.Initialized, () => {
        if (connection.session !== undefined) connection.session.initialized = true;
      });
      engine.onerror = reportError;
      engine.onclose = () => connections.delete(connection);
      connections.add(connection);
      try {
        await engine.connect(transport);
      } catch (error) {
        connections.delete(connection);
        throw error;
      }
    },
    async close() {
      const closing = [...connections].map((connection) => connection.engine.close());
      connections.clear();
      await Promise.all(closing);
    },
  };

  function reportError(error: Error): void {
    try {
      server.onerror?.(error);
    } catch {
      // A throwing error handler must not take the connection down with it.
    }
  }

  const core: ServerCore = {
    info: implementation,
    instructions,
    tools,
    pageSize: options.pageSize ?? 100,
    ttlMs: options.ttlMs ?? 60_000,
    cacheScope: options.cacheScope ?? 'private',
    reportError,
  };

  // Several registrations in one tick produce one notification per session.
  let toolsChangePending = false;
  tools.onChange(() => {
    if (toolsChangePending) return;
    toolsChangePending = true;
    queueMicrotask(() => {
      toolsChangePending = false;
      for (const connection of connections) {
        if (!connection.session?.initialized) continue;
        connection.engine.notify(Notification.ToolsListChanged).catch(reportError);
      }
    });
  });

  return server;
}
