/**
 * Which `tools/call` arguments each tool mirrors into `Mcp-Param-*` headers, learned from the server itself.
 *
 * The handler knows the server only as something that serves transports, so it asks the way any client would:
 * `tools/list` over an in-process connection. That connection is also an initialized legacy session, so the
 * server's `notifications/tools/list_changed` reaches it and drops the cached answer; the next call lists again.
 * Servers may delay that notification a little (pmcp batches changes for 10 ms), so a call to a tool the cache
 * does not know, or one that fails the check, is looked up again in a fresh listing before it is judged.
 */
import { createInMemoryTransportPair, isMcpError, RpcEngine } from '@pmcp/jsonrpc';
import {
  ErrorCode,
  LATEST_LEGACY_PROTOCOL_VERSION,
  MetaKey,
  MODERN_PROTOCOL_VERSIONS,
  Notification,
} from '@pmcp/types';
import { type HeaderParam, validateHeaderAnnotations } from '../shared/mcp-headers.ts';
import type { ConnectableServer } from './options.ts';

const CLIENT_INFO = { name: '@pmcp/transport-http', version: '0.1.0' };
// A runaway cursor must not keep the handler listing forever.
const MAX_PAGES = 1000;

type ToolIndex = ReadonlyMap<string, readonly HeaderParam[] | undefined>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class ToolHeaderIndex {
  readonly #server: ConnectableServer;
  #observer: Promise<RpcEngine | undefined> | undefined;
  #index: Promise<ToolIndex> | undefined;
  #closed = false;

  constructor(server: ConnectableServer) {
    this.#server = server;
  }

  /**
   * The mirrored arguments of `tool`: an empty list when it mirrors none or is unknown (the server answers
   * that call itself). A tool whose annotations are invalid mirrors nothing: clients drop such tools.
   */
  async paramsFor(tool: string, options: { fresh?: boolean } = {}): Promise<readonly HeaderParam[]> {
    if (options.fresh) this.#invalidate();
    let index = await this.#currentIndex();
    if (!index.has(tool) && !options.fresh) {
      this.#invalidate();
      index = await this.#currentIndex();
    }
    return index.get(tool) ?? [];
  }

  async close(): Promise<void> {
    this.#closed = true;
    const observer = this.#observer;
    this.#observer = undefined;
    this.#index = undefined;
    const engine = await observer?.catch(() => undefined);
    await engine?.close();
  }

  #currentIndex(): Promise<ToolIndex> {
    let index = this.#index;
    if (index === undefined) {
      index = this.#load();
      this.#index = index;
      // A failed listing is not cached: the next call tries again.
      index.catch(() => {
        if (this.#index === index) this.#index = undefined;
      });
    }
    return index;
  }

  #invalidate(): void {
    this.#index = undefined;
  }

  async #load(): Promise<ToolIndex> {
    const observer = await this.#observerEngine();
    if (observer !== undefined) return listTools(observer);
    // No session could be opened: list on a connection of its own every time, with nothing cached.
    const engine = await connectEngine(this.#server);
    try {
      return await listTools(engine);
    } finally {
      await engine.close();
    }
  }

  #observerEngine(): Promise<RpcEngine | undefined> {
    if (this.#closed) return Promise.resolve(undefined);
    let observer = this.#observer;
    if (observer === undefined) {
      observer = this.#openObserver();
      this.#observer = observer;
    }
    return observer;
  }

  async #openObserver(): Promise<RpcEngine | undefined> {
    let engine: RpcEngine;
    try {
      engine = await connectEngine(this.#server);
    } catch {
      return undefined;
    }
    const forget = (): void => {
      this.#observer = undefined;
      this.#index = undefined;
    };
    engine.onclose = forget;
    engine.setNotificationHandler(Notification.ToolsListChanged, () => this.#invalidate());
    try {
      await engine.request(
        'initialize',
        { protocolVersion: LATEST_LEGACY_PROTOCOL_VERSION, capabilities: {}, clientInfo: CLIENT_INFO },
        { timeout: 10_000 },
      );
      await engine.notify(Notification.Initialized);
    } catch {
      await engine.close();
      return undefined;
    }
    return engine;
  }
}

async function connectEngine(server: ConnectableServer): Promise<RpcEngine> {
  const [ours, theirs] = createInMemoryTransportPair();
  const engine = new RpcEngine({ sendCancelNotifications: false });
  await server.connect(theirs);
  await engine.connect(ours);
  return engine;
}

async function listTools(engine: RpcEngine): Promise<ToolIndex> {
  const index = new Map<string, readonly HeaderParam[] | undefined>();
  const meta = {
    [MetaKey.ProtocolVersion]: MODERN_PROTOCOL_VERSIONS[0],
    [MetaKey.ClientCapabilities]: {},
    [MetaKey.ClientInfo]: CLIENT_INFO,
  };
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let result: Record<string, unknown>;
    try {
      result = await engine.request(
        'tools/list',
        cursor === undefined ? { _meta: meta } : { cursor, _meta: meta },
        { timeout: 10_000 },
      );
    } catch (error) {
      // A server without tools has no headers to check.
      if (isMcpError(error) && error.code === ErrorCode.MethodNotFound) return index;
      throw error;
    }
    const tools = Array.isArray(result.tools) ? result.tools : [];
    for (const tool of tools) {
      if (!isPlainObject(tool) || typeof tool.name !== 'string') continue;
      const checked = validateHeaderAnnotations(tool.inputSchema);
      index.set(tool.name, checked.ok ? checked.params : undefined);
    }
    cursor = typeof result.nextCursor === 'string' ? result.nextCursor : undefined;
    if (cursor === undefined) return index;
  }
  return index;
}
