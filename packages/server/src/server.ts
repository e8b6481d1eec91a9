import {
  authenticatedPrincipal,
  type MessageExtra,
  middlewareList,
  type OutgoingRequestMiddleware,
  type RequestMiddleware,
  RpcEngine,
  type Transport,
} from '@pmcp/jsonrpc';
import {
  type CacheableResult,
  type Implementation,
  type LoggingLevel,
  MetaKey,
  Notification,
} from '@pmcp/types';
import {
  type Connection,
  dispatchRequest,
  finalizeResult,
  type ServerCore,
  serverCapabilities,
} from './dispatch.ts';
import { broadcastLog, checkLogCall, logParams } from './logging.ts';
import { createNotificationBatcher, type ListChangedKind } from './notify-batcher.ts';
import {
  type CompiledPrompt,
  compilePrompt,
  type PromptArgumentSpec,
  type PromptArgumentsInput,
  type PromptConfig,
  type PromptHandler,
  type RegisteredPrompt,
} from './prompts.ts';
import { Registry, type RegistryHandle } from './registry.ts';
import { createRequestStateCodec, type RequestStateKey } from './request-state.ts';
import {
  type CompiledResource,
  type CompiledResourceTemplate,
  compileResource,
  compileResourceTemplate,
  type RegisteredResource,
  type RegisteredResourceTemplate,
  type ResourceConfig,
  type ResourceReader,
  type ResourceTemplateConfig,
  type ResourceTemplateReader,
  resourceHandle,
  resourceTemplateHandle,
} from './resources.ts';
import type { ToolSchema } from './schema.ts';
import { LISTEN_METHOD, SubscriptionHub } from './subscriptions.ts';
import { type CompiledTool, compileTool, type ToolConfig, type ToolHandler } from './tools.ts';
import type { UriTemplate } from './uri-template.ts';
import { UrlElicitationRegistry } from './url-elicitation.ts';

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
  /**
   * Whether the server logs to clients (default true): advertises the `logging` capability, answers
   * `logging/setLevel`, and lets `ctx.log`/`server.log` send `notifications/message`. With false they do nothing.
   */
  logging?: boolean;
  /**
   * The window (ms) in which list-changed and resource-updated notifications are merged into one per list and
   * URI (default 10). 0 sends them at the end of the current tick.
   */
  notificationDebounceMs?: number;
  /**
   * Minimum milliseconds between two progress notifications of one request (default 0: every update is sent).
   * Updates in between replace each other; the latest always goes out, before the result.
   */
  progressIntervalMs?: number;
  /**
   * The HMAC key(s) of modern `requestState` (MRTR), each a string or bytes of at least 32 bytes; with several,
   * the first signs and all verify (key rotation). Default: a random key per process, so set it when several
   * server instances share clients or states must survive a restart.
   */
  requestStateKey?: RequestStateKey | readonly RequestStateKey[];
  /** How long (ms) a `requestState` stays valid (default 600 000, ten minutes). */
  requestStateTtlMs?: number;
  /**
   * The principal a `requestState` is bound to, from what the transport knows about the request (for example
   * `extra.authInfo`); a state presented by another principal is refused. Default: the `subject` and `clientId`
   * of an object `extra.authInfo` (as `@pmcp/auth`'s `requireBearerAuth` passes it), or a string `authInfo`
   * itself; requests without `authInfo` are bound to no one.
   */
  requestStateSubject?: (extra: MessageExtra | undefined) => string | undefined;
  /**
   * Wraps the handling of every incoming request on every connection, around the server's own dispatch
   * (validation, the tool, resource or prompt handler): logging, timing, authorization, answering from a cache.
   * See `RequestMiddleware` in `@pmcp/jsonrpc`; `server.use()` adds more.
   */
  middleware?: readonly RequestMiddleware[];
  /** Wraps every request the server sends (sampling, elicitation, roots in the legacy era). */
  outgoingMiddleware?: readonly OutgoingRequestMiddleware[];
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
  /**
   * Registers a static resource (an absolute URI without `{variables}`); `read` returns its contents. Throws when
   * the URI is invalid or taken. Connected legacy sessions get `notifications/resources/list_changed`.
   */
  resource(uri: string, config: ResourceConfig, read: ResourceReader): RegisteredResource;
  /**
   * Registers an RFC 6570 resource template; `read` gets the variables matched from the requested URI. Throws when
   * the template is invalid or already registered.
   */
  resourceTemplate(
    uriTemplate: string | UriTemplate,
    config: ResourceTemplateConfig,
    read: ResourceTemplateReader,
  ): RegisteredResourceTemplate;
  /**
   * Registers a prompt; throws when the name is taken or the arguments cannot be used. Connected legacy sessions
   * get `notifications/prompts/list_changed`.
   */
  // A default of `undefined` would be fixed as soon as TypeScript types an inline `complete` callback, before it
  // infers the argument names; this one keeps that inference working (and types a prompt without arguments loosely).
  prompt<const Args extends PromptArgumentsInput | undefined = readonly PromptArgumentSpec[]>(
    name: string,
    config: PromptConfig<Args>,
    handler: PromptHandler<Args>,
  ): RegisteredPrompt;
  /**
   * Tells subscribers that resource `uri` changed: legacy sessions that `resources/subscribe`d to it and modern
   * `subscriptions/listen` streams that listed it get `notifications/resources/updated` (merged within the
   * `notificationDebounceMs` window).
   */
  notifyResourceUpdated(uri: string): void;
  /**
   * Sends a log message to every legacy session whose `logging/setLevel` lets `level` through (every level
   * before its first `setLevel`). Modern clients only get messages of their own requests (`ctx.log`).
   */
  log(level: LoggingLevel, data: unknown, logger?: string): Promise<void>;
  /**
   * Tells the client that the user finished the URL-mode elicitation `elicitationId` (2025-11-25): the legacy
   * session it was sent to (by `ctx.elicit({ mode: 'url', …, elicitationId })` or a thrown
   * `UrlElicitationRequiredError`) gets `notifications/elicitation/complete`, once. Resolves `true` when sent;
   * `false` when no open 2025-11-25 session waits for that id (never issued, already completed, session closed,
   * or a modern request, which has no such notification: its client retries instead).
   *
   * @example
   * ```ts
   * // In the OAuth callback that ends the flow started by the URL:
   * await server.completeElicitation(state.elicitationId);
   * ```
   */
  completeElicitation(elicitationId: string): Promise<boolean>;
  /**
   * Adds middleware around every incoming request, on connections opened before and after, inside the middleware
   * already there. Returns the server.
   *
   * @example
   * ```ts
   * server.use(async (params, ctx, next) => {
   *   const started = performance.now();
   *   try {
   *     return await next();
   *   } finally {
   *     console.log(`${ctx.method} ${params.name ?? ''} ${(performance.now() - started).toFixed(1)} ms`);
   *   }
   * });
   * ```
   */
  use(middleware: RequestMiddleware): McpServer;
  /** Serves one connection; call again for each further transport (each keeps its own session state). */
  connect(transport: Transport): Promise<void>;
  /**
   * Closes every connection: pending change notifications go out first, and every open `subscriptions/listen`
   * stream gets its graceful end (a complete result).
   */
  close(): Promise<void>;
  /**
   * Errors that cannot be answered to a client: a tool that threw something other than a `ToolError`, a tool
   * output that failed its schema, a transport failure. The client only learns that the tool failed.
   */
  onerror: ((error: Error) => void) | undefined;
}

/** The first revision with URL-mode elicitation and its completion notification. */
const URL_ELICITATION_REVISION = '2025-11-25';

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
  checkNonNegativeInteger(options.notificationDebounceMs, 'notificationDebounceMs', false);
  checkNonNegativeInteger(options.progressIntervalMs, 'progressIntervalMs', false);
  checkNonNegativeInteger(options.requestStateTtlMs, 'requestStateTtlMs', true);
  if (options.requestStateSubject !== undefined && typeof options.requestStateSubject !== 'function') {
    throw new TypeError('createServer options.requestStateSubject must be a function');
  }
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
  // Shared by every connection's engine, so use() reaches connections that are already open.
  const middleware = middlewareList(options.middleware, 'createServer options.middleware');
  const outgoingMiddleware = middlewareList(
    options.outgoingMiddleware,
    'createServer options.outgoingMiddleware',
  );
  const connections = new Set<Connection>();
  const tools = new Registry<CompiledTool>('tool');
  const prompts = new Registry<CompiledPrompt>('prompt');
  const resources = new Registry<CompiledResource>('resource');
  const templates = new Registry<CompiledResourceTemplate>('resource template');
  // Set once, like the other capabilities: a session keeps what it was told even if completers are removed.
  let completionsOffered = false;
  const stateKeys = options.requestStateKey;
  const codec = createRequestStateCodec({
    keys:
      stateKeys === undefined
        ? []
        : typeof stateKeys === 'string' || stateKeys instanceof Uint8Array
          ? [stateKeys]
          : stateKeys,
    ttlMs: options.requestStateTtlMs ?? 600_000,
  });
  const subject = options.requestStateSubject;
  const logging = options.logging ?? true;

  const server: McpServer = {
    info: implementation,
    onerror: undefined,
    tool(name, config, handler) {
      return tools.add(name, compileTool(name, config, handler));
    },
    resource(uri, config, read) {
      const compiled = compileResource(uri, config, read);
      return resourceHandle(resources.add(compiled.uri, compiled));
    },
    resourceTemplate(uriTemplate, config, read) {
      const compiled = compileResourceTemplate(uriTemplate, config, read);
      const handle = templates.add(compiled.template.template, compiled);
      if (compiled.completers.size > 0) completionsOffered = true;
      return resourceTemplateHandle(handle);
    },
    prompt(name, config, handler) {
      const compiled = compilePrompt(name, config, handler);
      const handle = prompts.add(compiled.name, compiled);
      if (compiled.completers.size > 0) completionsOffered = true;
      return handle;
    },
    use(added) {
      if (typeof added !== 'function') {
        throw new TypeError(
          'server.use(middleware): middleware must be a function (params, ctx, next) => result',
        );
      }
      middleware.push(added);
      return server;
    },
    async connect(transport) {
      const engine = new RpcEngine({
        fallbackRequestHandler: (params, rpc) => dispatchRequest(params, rpc, core, connection),
        middleware,
        outgoingMiddleware,
      });
      const connection: Connection = { engine, transport, session: undefined };
      engine.setNotificationHandler(Notification.Initialized, () => {
        if (connection.session !== undefined) connection.session.initialized = true;
      });
      engine.onerror = reportError;
      engine.onclose = () => {
        connections.delete(connection);
        core.urlElicitations.forget(connection);
      };
      connections.add(connection);
      try {
        await engine.connect(transport);
      } catch (error) {
        connections.delete(connection);
        throw error;
      }
    },
    notifyResourceUpdated(uri) {
      if (typeof uri !== 'string' || uri === '') {
        throw new TypeError('server.notifyResourceUpdated(uri): uri must be a non-empty string');
      }
      if (connections.size > 0) batcher.resourceUpdated(uri);
    },
    async log(level, data, logger) {
      checkLogCall('server.log', level, logger);
      if (!logging) return;
      await broadcastLog(connections, level, logParams(level, data, logger), reportError);
    },
    async completeElicitation(elicitationId) {
      if (typeof elicitationId !== 'string' || elicitationId === '') {
        throw new TypeError(
          'server.completeElicitation(elicitationId): elicitationId must be a non-empty string',
        );
      }
      const connection = core.urlElicitations.take(elicitationId);
      const session = connection?.session;
      if (connection === undefined || session === undefined || !connections.has(connection)) return false;
      if (session.protocolVersion < URL_ELICITATION_REVISION) return false;
      try {
        await connection.engine.notify(Notification.ElicitationComplete, { elicitationId });
        return true;
      } catch (error) {
        reportError(error instanceof Error ? error : new Error(String(error)));
        return false;
      }
    },
    async close() {
      batcher.flush();
      await core.subscriptions.endAll();
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
    prompts,
    resources,
    templates,
    completionsOffered: () => completionsOffered,
    pageSize: options.pageSize ?? 100,
    ttlMs: options.ttlMs ?? 60_000,
    cacheScope: options.cacheScope ?? 'private',
    logging,
    progressIntervalMs: options.progressIntervalMs ?? 0,
    inputRounds: {
      codec,
      subject: (extra) => {
        const context = extra as MessageExtra | undefined;
        return subject === undefined ? authenticatedPrincipal(context?.authInfo) : subject(context);
      },
    },
    urlElicitations: new UrlElicitationRegistry<Connection>(),
    subscriptions: new SubscriptionHub({
      capabilities: () => serverCapabilities(core),
      closingResult: (id) =>
        finalizeResult({ _meta: { [MetaKey.SubscriptionId]: id } }, 'modern', LISTEN_METHOD, core),
      reportError,
    }),
    reportError,
  };

  // Changes within one window become one notification per list and URI, for legacy sessions and listen streams.
  const batcher = createNotificationBatcher(options.notificationDebounceMs ?? 10, (batch) =>
    core.subscriptions.deliver(batch, connections),
  );
  /**
   * The one entry point for "a list changed". Prompt and resource registries (part A) call
   * `onListChanged('prompts' | 'resources')` from their `onChange`, exactly as tools do here.
   */
  const onListChanged = (kind: ListChangedKind): void => {
    // Registrations before the first connection need no notification (and no timer).
    if (connections.size > 0) batcher.listChanged(kind);
  };
  tools.onChange(() => onListChanged('tools'));
  prompts.onChange(() => onListChanged('prompts'));
  resources.onChange(() => onListChanged('resources'));
  templates.onChange(() => onListChanged('resources'));

  return server;
}
