/**
 * The MCP client: connects over any transport, detects the server's era, and offers typed calls for every
 * request of both eras.
 */
import {
  isMcpError,
  McpError,
  middlewareList,
  type OutgoingRequestMiddleware,
  type ProgressUpdate,
  RequestCancelledError,
  type RequestMiddleware,
  type RequestOptions,
  RpcEngine,
  type Transport,
  TransportClosedError,
} from '@pmcp/jsonrpc';
import {
  type CallToolResult,
  type ClientCapabilities,
  type CompleteResult,
  ErrorCode,
  type GetPromptResult,
  type Implementation,
  type ListPromptsResult,
  type ListResourcesResult,
  type ListResourceTemplatesResult,
  type ListToolsResult,
  LOGGING_LEVELS,
  type LoggingLevel,
  MetaKey,
  Method,
  MODERN_PROTOCOL_VERSIONS,
  Notification,
  type Prompt,
  type PromptReference,
  type ProtocolEra,
  type ProtocolVersion,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
  type ResourceTemplateReference,
  type ServerCapabilities,
  type SubscriptionFilter,
  type Tool,
} from '@pmcp/types';
import {
  isResourceNotFound,
  missingServerCapability,
  protocolViolation,
  ResourceNotFoundError,
  wrongEra,
} from './client-errors.ts';
import {
  type InputHandlers,
  type PreparedAnswer,
  prepareAnswer,
  type ResolvedHandlers,
  resolveHandlers,
} from './input-handlers.ts';
import { checkFilter, SubscriptionHub } from './listen.ts';
import { type ClientEvents, type ClientListener, Listeners } from './listeners.ts';
import {
  type EraPreference,
  type NegotiationChannel,
  negotiate,
  type Session,
  VersionRejections,
} from './negotiate.ts';
import { compileOutputSchema, type OutputValidator, type SchemaIssue } from './output-schema.ts';
import { collectPages } from './pagination.ts';
import { buildRequestParams, type ClientIdentity, isJsonObject, type JsonObject } from './request-meta.ts';
import { type CacheEntryKey, createResultCache, type ResultCache } from './result-cache.ts';
import {
  readCallToolResult,
  readCompleteResult,
  readPage,
  readPromptResult,
  readResourceContents,
} from './results.ts';
import type { ListenNotification, Subscription } from './subscription.ts';

/**
 * Who the client is: its `Implementation` (name, version, optional title and more) plus the capabilities it
 * declares to servers beyond those its handlers imply.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * const client = createClient({ name: 'my-app', version: '1.0.0', title: 'My App', capabilities: {} });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/schema#implementation
 */
export interface ClientInfo extends Implementation {
  /**
   * Capabilities declared to the server in addition to those the handlers (`onElicit`, `onSample`, `onRoots`)
   * declare; where both name the same capability, these fields win.
   */
  capabilities?: ClientCapabilities;
}

/**
 * How the client caches results (modern servers only: legacy results carry no `ttlMs`). The default caches
 * the four list methods and not `resources/read`.
 *
 * @example
 * ```ts
 * import { createClient, createResultCache } from '@pmcp/client';
 * const client = createClient({ name: 'app', version: '1.0.0' }, {
 *   cache: { reads: true, shared: createResultCache() },
 * });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/caching
 */
export interface ClientCacheOptions {
  /** Cache `tools/list`, `prompts/list`, `resources/list` and `resources/templates/list` pages (default true). */
  lists?: boolean;
  /**
   * Cache `resources/read` results (default false: resource contents change without a notification unless
   * the client listens for updates, so staleness is opt-in).
   */
  reads?: boolean;
  /** A cache shared with other clients of the same server; only results marked `cacheScope: "public"` go there. */
  shared?: ResultCache;
  /** The most results this client keeps itself (default 500). */
  maxEntries?: number;
  /** The clock in milliseconds (default `Date.now`); for tests. */
  now?: () => number;
}

/**
 * Options of a client: timeouts and limits, the handlers that answer what servers ask of the client, logging
 * and caching.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * const client = createClient({ name: 'my-app', version: '1.0.0' }, {
 *   defaultTimeout: 30_000,
 *   onElicit: { modes: ['form', 'url'], handler: askTheUser },
 *   onSample: async (request) => runMyModel(request),
 *   onRoots: () => [{ uri: 'file:///home/me/project' }],
 *   logLevel: 'info',
 * });
 * ```
 */
export interface ClientOptions extends InputHandlers {
  /** Milliseconds a request may take unless its own `timeout` says otherwise (default 60 000). */
  defaultTimeout?: number;
  /**
   * Milliseconds to wait for the `server/discover` probe in `auto` mode before deciding the server is legacy
   * (default 30 000). Over stdio the probe is the first thing a just-spawned server reads, so this wait includes
   * the server's start-up: a short default misreads a slowly booting modern server as legacy. Every JSON-RPC
   * peer must answer an unknown method (-32601), so only a broken legacy server makes the full wait matter;
   * lower it for those.
   */
  discoverTimeout?: number;
  /** How many pages `listAll*` helpers follow before giving up (default 100): a guard against endless cursors. */
  maxListPages?: number;
  /**
   * How many times one call may be answered with `InputRequiredResult` and retried (default 8): a guard
   * against a server that never stops asking.
   */
  maxInputRounds?: number;
  /**
   * The least severe log messages wanted from the server. Modern: sent as `_meta` `io.modelcontextprotocol/logLevel`
   * on every request (a call's own `logLevel` wins). Legacy: sent once with `logging/setLevel` after connecting,
   * when the server advertises `logging`. Messages arrive through `client.on('log', ...)`.
   */
  logLevel?: LoggingLevel;
  /** `false` turns caching off; see {@link ClientCacheOptions} for the default. */
  cache?: boolean | ClientCacheOptions;
  /**
   * Wraps every request the client sends, as it goes on the wire (the handshake, list pages and input-required
   * rounds included): logging, timing, extra `_meta`, answering locally. See `OutgoingRequestMiddleware` in
   * `@pmcp/jsonrpc`; `client.useOutgoing()` adds more.
   */
  outgoingMiddleware?: readonly OutgoingRequestMiddleware[];
  /** Wraps the handling of requests from the server (ping, sampling, elicitation, roots in the legacy era). */
  middleware?: readonly RequestMiddleware[];
}

/**
 * Options of {@link Client.connect}.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * await createClient({ name: 'my-app', version: '1.0.0' }).connect(transport, { era: 'legacy' });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/versioning
 */
export interface ConnectOptions {
  /**
   * `auto` (default) probes with `server/discover` and falls back to the `initialize` handshake;
   * `modern` and `legacy` force one path and fail with a clear error if the server does not speak it.
   */
  era?: EraPreference;
}

/**
 * Per-call options of the requests that run an operation: {@link Client.callTool}, {@link Client.getPrompt},
 * {@link Client.readResource}, {@link Client.complete}.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * const result = await client.callTool('slow_job', { steps: 5 }, {
 *   onProgress: ({ progress, total }) => console.log(progress, total),
 *   resetTimeoutOnProgress: true,
 *   maxTotalTimeout: 120_000,
 *   logLevel: 'debug',
 * });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/progress
 */
export interface CallOptions {
  /**
   * Aborting cancels the call (the server is told with `notifications/cancelled` where the transport needs it),
   * including while the client's handlers gather input for a modern server.
   */
  signal?: AbortSignal;
  /** Milliseconds per round trip before the call fails with a `RequestTimeoutError`. */
  timeout?: number;
  /** Receives the server's progress notifications for this call. */
  onProgress?: (progress: ProgressUpdate) => void;
  /** Restart the timeout whenever progress arrives (default false). */
  resetTimeoutOnProgress?: boolean;
  /** A hard cap in milliseconds per round trip, even when progress keeps resetting the timeout. */
  maxTotalTimeout?: number;
  /** Extra `_meta` for the request (trace context, vendor keys); reserved protocol keys are set by the client. */
  meta?: JsonObject;
  /**
   * Modern servers only: the least severe log messages wanted while this request runs (overrides the client's
   * `logLevel`). Legacy servers set the level per session: use {@link Client.setLogLevel}.
   */
  logLevel?: LoggingLevel;
}

/**
 * Per-call options of {@link Client.callTool}.
 *
 * @example
 * ```ts
 * import { createClient, type CallToolOptions } from '@pmcp/client';
 * const options: CallToolOptions = { timeout: 10_000, signal: AbortSignal.timeout(60_000) };
 * await client.callTool('add', { a: 1, b: 2 }, options);
 * ```
 */
export type CallToolOptions = CallOptions;

/**
 * Per-call options of {@link Client.readResource}.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * const fresh = await client.readResource('file:///config.json', { cache: false });
 * ```
 */
export interface ReadResourceOptions extends CallOptions {
  /** `false` skips the result cache for this call (neither read from it nor stored in it). */
  cache?: boolean;
}

/**
 * Per-call options of the list methods (`listTools`, `listPrompts`, `listResources`, `listResourceTemplates`
 * and their `listAll*` helpers).
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * const page = await client.listResources({ cursor: previous.nextCursor, timeout: 5000 });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/pagination
 */
export interface ListOptions {
  /** Where to continue, from a previous page's `nextCursor`. Ignored by the `listAll*` helpers. */
  cursor?: string;
  /** Aborting cancels the request. */
  signal?: AbortSignal;
  /** Milliseconds per request. */
  timeout?: number;
  /** Extra `_meta` for the request. */
  meta?: JsonObject;
  /** Modern servers only: the least severe log messages wanted while this request runs. */
  logLevel?: LoggingLevel;
  /** `false` skips the result cache for this call (neither read from it nor stored in it). */
  cache?: boolean;
}

/**
 * Per-call options of {@link Client.listTools} and {@link Client.listAllTools}.
 *
 * @example
 * ```ts
 * import { createClient, type ListToolsOptions } from '@pmcp/client';
 * const options: ListToolsOptions = { timeout: 5000 };
 * const tools = await client.listAllTools(options);
 * ```
 */
export type ListToolsOptions = ListOptions;

/**
 * Options of {@link Client.listen}.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * const controller = new AbortController();
 * const subscription = await client.listen({ toolsListChanged: true }, { signal: controller.signal });
 * ```
 */
export interface ListenOptions {
  /** Aborting ends the subscription (before it is acknowledged, `listen()` rejects with `RequestCancelledError`). */
  signal?: AbortSignal;
}

/**
 * The context of a `completion/complete` request: values of the other arguments or template variables
 * already chosen.
 *
 * @example
 * ```ts
 * import type { CompletionContext } from '@pmcp/client';
 * const context: CompletionContext = { arguments: { owner: 'modelcontextprotocol' } };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/completion
 */
export interface CompletionContext {
  arguments?: Record<string, string>;
}

interface KnownTool {
  tool: Tool;
  validator: OutputValidator | undefined;
}

interface RequestPlan {
  /** The server capability the method sits behind, if any. */
  capability: (keyof ServerCapabilities & string) | undefined;
  /** How the caller named the operation, for error messages. */
  operation: string;
  /** Whether the server may answer with an `InputRequiredResult` (tools/call, prompts/get, resources/read). */
  allowsInput: boolean;
}

interface Exchange {
  result: JsonObject;
  /** How many `InputRequiredResult` rounds it took; results of retries are never cached. */
  inputRounds: number;
}

interface CacheSettings {
  lists: boolean;
  reads: boolean;
  own: ResultCache;
  shared: ResultCache | undefined;
}

type ClientState = 'new' | 'connecting' | 'connected' | 'closed';

const DEFAULT_DISCOVER_TIMEOUT = 30_000;
const DEFAULT_MAX_LIST_PAGES = 100;
const DEFAULT_MAX_INPUT_ROUNDS = 8;
const ISSUES_IN_MESSAGE = 3;
// Literals rather than reads of `Method`, so the module does no work a bundler must keep.
const LIST_METHODS = {
  tools: 'tools/list',
  prompts: 'prompts/list',
  resources: 'resources/list',
  templates: 'resources/templates/list',
} as const;

/**
 * An MCP client. Create one with {@link createClient}; one client talks to one server.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * const client = createClient({ name: 'my-app', version: '1.0.0' });
 * await client.connect(transport);
 * console.log(client.era, client.protocolVersion, client.serverInfo?.name);
 * const tools = await client.listAllTools();
 * const result = await client.callTool(tools[0].name, {});
 * await client.close();
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/versioning
 */
export class Client {
  /** Called with errors that do not belong to a request (a stray response, a transport error, a listener that threw). */
  onerror: ((error: Error) => void) | undefined;
  /** Called once when the connection closes, from either side. */
  onclose: (() => void) | undefined;

  readonly #identity: ClientIdentity;
  readonly #handlers: ResolvedHandlers;
  readonly #discoverTimeout: number;
  readonly #maxListPages: number;
  readonly #maxInputRounds: number;
  readonly #requestTimeout: number | undefined;
  readonly #engine: RpcEngine;
  readonly #listeners: Listeners;
  readonly #subscriptions: SubscriptionHub;
  readonly #cache: CacheSettings | undefined;
  // Bumped by every invalidation, so a result fetched across a change notification is not stored.
  readonly #cacheGenerations = new Map<string, number>();
  #logLevel: LoggingLevel | undefined;
  #state: ClientState = 'new';
  #closedByCaller = false;
  #session: Session | undefined;
  // The tool catalog: filled by every list call, consulted for outputSchema, dropped on list_changed.
  #tools = new Map<string, KnownTool>();
  #catalogComplete = false;
  #catalogGeneration = 0;
  #catalogLoad: Promise<void> | undefined;

  constructor(info: ClientInfo, options: ClientOptions = {}) {
    const { capabilities, ...clientInfo } = checkClientInfo(info);
    this.#handlers = resolveHandlers(options, capabilities);
    this.#identity = { clientInfo, capabilities: this.#handlers.capabilities };
    this.#discoverTimeout =
      positiveNumber(options.discoverTimeout, 'discoverTimeout') ?? DEFAULT_DISCOVER_TIMEOUT;
    this.#requestTimeout = positiveNumber(options.defaultTimeout, 'defaultTimeout');
    this.#maxListPages = positiveInteger(options.maxListPages, 'maxListPages') ?? DEFAULT_MAX_LIST_PAGES;
    this.#maxInputRounds =
      positiveInteger(options.maxInputRounds, 'maxInputRounds') ?? DEFAULT_MAX_INPUT_ROUNDS;
    this.#logLevel = checkLogLevel(options.logLevel, 'createClient()');
    this.#cache = cacheSettings(options.cache);
    this.#engine = new RpcEngine({
      ...(this.#requestTimeout === undefined ? {} : { defaultTimeout: this.#requestTimeout }),
      middleware: middlewareList(options.middleware, 'createClient() options.middleware'),
      outgoingMiddleware: middlewareList(
        options.outgoingMiddleware,
        'createClient() options.outgoingMiddleware',
      ),
    });
    this.#listeners = new Listeners((error) => this.onerror?.(error));
    this.#subscriptions = new SubscriptionHub({
      engine: this.#engine,
      legacyRequest: (method, params) =>
        this.#call(method, params, {}, { capability: 'resources', operation: method, allowsInput: false }),
      report: (error) => this.onerror?.(error),
      closedByCaller: () => this.#closedByCaller,
    });
    this.#engine.onerror = (error) => this.onerror?.(error);
    this.#engine.onclose = () => {
      this.#state = 'closed';
      this.#subscriptions.connectionClosed(
        this.#closedByCaller
          ? undefined
          : new TransportClosedError('The connection closed; the subscription ended with it.'),
      );
      this.onclose?.();
    };
    // Legacy servers may ping at any time and expect an immediate empty result.
    this.#engine.setRequestHandler(Method.Ping, () => ({}));
    for (const method of [Method.ElicitationCreate, Method.SamplingCreateMessage, Method.RootsList]) {
      // Registered even without a handler, so the server learns why it was refused rather than just -32601.
      this.#engine.setRequestHandler(method, (params, ctx) =>
        prepareAnswer(this.#handlers, method, params)({ signal: ctx.signal, era: this.era ?? 'legacy' }),
      );
    }
    this.#listenForServerNotifications();
  }

  /**
   * Adds middleware around every request the client sends, inside the middleware already there. Returns the
   * client.
   *
   * @example
   * ```ts
   * client.useOutgoing(async (method, params, next) => {
   *   const started = performance.now();
   *   try {
   *     return await next();
   *   } finally {
   *     console.log(`${method} ${(performance.now() - started).toFixed(1)} ms`);
   *   }
   * });
   * ```
   */
  useOutgoing(middleware: OutgoingRequestMiddleware): this {
    this.#engine.useOutgoing(middleware);
    return this;
  }

  /**
   * Adds middleware around the handling of every request from the server, inside the middleware already there.
   * Returns the client.
   *
   * @example
   * ```ts
   * client.use((params, ctx, next) => {
   *   console.log(`the server asks: ${ctx.method}`);
   *   return next();
   * });
   * ```
   */
  use(middleware: RequestMiddleware): this {
    this.#engine.use(middleware);
    return this;
  }

  /** The era spoken with the server, once connected. */
  get era(): ProtocolEra | undefined {
    return this.#session?.era;
  }

  /** The protocol revision in use, once connected. */
  get protocolVersion(): ProtocolVersion | undefined {
    return this.#session?.protocolVersion;
  }

  /** The server's self-description (`serverInfo`), when it sent one. */
  get serverInfo(): Implementation | undefined {
    return this.#session?.serverInfo;
  }

  /** What the server offers, from its `DiscoverResult` (modern) or `InitializeResult` (legacy). */
  get serverCapabilities(): ServerCapabilities | undefined {
    return this.#session?.serverCapabilities;
  }

  /** The server's usage hints for a model, when it sent any. */
  get instructions(): string | undefined {
    return this.#session?.instructions;
  }

  /** The capabilities this client declares: those its handlers imply, merged with `info.capabilities`. */
  get capabilities(): ClientCapabilities {
    return this.#identity.capabilities;
  }

  /**
   * Starts the transport and finds out which era the server speaks: `server/discover` first (modern), then the
   * `initialize` handshake (legacy) unless `era` forces one. On failure the connection is closed and the
   * returned promise rejects with an `McpError` saying what happened.
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * const client = createClient({ name: 'my-app', version: '1.0.0' });
   * await client.connect(transport);            // auto
   * console.log(client.era);                    // 'modern' or 'legacy'
   * ```
   * @see https://modelcontextprotocol.io/specification/2026-07-28/server/discover
   */
  async connect(transport: Transport, options: ConnectOptions = {}): Promise<void> {
    if (this.#state !== 'new') {
      throw new Error(
        `connect() was already called on this client (state: ${this.#state}); create a new client per connection.`,
      );
    }
    const era = options.era ?? 'auto';
    if (era !== 'auto' && era !== 'modern' && era !== 'legacy') {
      throw new TypeError(`connect(): era must be 'auto', 'modern' or 'legacy', got ${JSON.stringify(era)}.`);
    }
    this.#state = 'connecting';
    try {
      await this.#engine.connect(transport);
      const session = await negotiate(this.#negotiationChannel(), {
        era,
        identity: this.#identity,
        discoverTimeout: this.#discoverTimeout,
        requestTimeout: this.#requestTimeout,
      });
      if (this.#state !== 'connecting') {
        throw new McpError(ErrorCode.InternalError, 'The connection closed while connecting to the server.');
      }
      this.#session = session;
      this.#state = 'connected';
    } catch (error) {
      this.#state = 'closed';
      await this.#engine.close().catch(() => undefined);
      throw error;
    }
    await this.#applyLegacyLogLevel();
  }

  /**
   * Listens for a server event. Returns the function that stops listening. List-changed and resource-updated
   * notifications reach listeners whichever way they arrive (a legacy session, or a modern `listen()` stream).
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * const stop = client.on('log', ({ level, logger, data }) => console.log(level, logger ?? '', data));
   * client.on('resourceUpdated', ({ uri }) => console.log('changed:', uri));
   * stop();
   * ```
   * @see https://modelcontextprotocol.io/specification/2026-07-28/schema#servernotification
   */
  on<Event extends keyof ClientEvents>(event: Event, listener: ClientListener<Event>): () => void {
    return this.#listeners.add(event, listener);
  }

  /**
   * Fetches one page of the server's tools. The client remembers the tools it has seen (for output
   * validation in {@link Client.callTool}).
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * let page = await client.listTools();
   * while (page.nextCursor) page = await client.listTools({ cursor: page.nextCursor });
   * ```
   * @see https://modelcontextprotocol.io/specification/2026-07-28/server/tools#listing-tools
   */
  async listTools(options: ListOptions = {}): Promise<ListToolsResult> {
    const page = (await this.#list(LIST_METHODS.tools, 'tools', 'name', options, {
      capability: 'tools',
      operation: 'listTools()',
      allowsInput: false,
    })) as unknown as ListToolsResult;
    for (const tool of page.tools) this.#rememberTool(tool);
    return page;
  }

  /**
   * Fetches every tool, following `nextCursor` until the last page. Fails with a clear error when the server
   * repeats a cursor or when more than `maxListPages` pages arrive.
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * for (const tool of await client.listAllTools()) console.log(tool.name, tool.description);
   * ```
   * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/pagination
   */
  async listAllTools(options: Omit<ListOptions, 'cursor'> = {}): Promise<Tool[]> {
    const generation = this.#catalogGeneration;
    const tools = await collectPages(LIST_METHODS.tools, this.#maxListPages, async (cursor) => {
      const page = await this.listTools(withCursor(options, cursor));
      return { items: page.tools, nextCursor: page.nextCursor };
    });
    if (generation === this.#catalogGeneration) {
      this.#tools = new Map(tools.map((tool) => [tool.name, this.#knownTool(tool)]));
      this.#catalogComplete = true;
    }
    return tools;
  }

  /**
   * Calls a tool. A result with `isError: true` is returned, not thrown: it is a tool-level failure the model
   * should see. When the tool declares an `outputSchema`, `structuredContent` is validated against it (the
   * tool list is fetched once if the tool is not known yet) and a mismatch throws an `McpError` (-32602).
   * A modern server's `InputRequiredResult` is answered through the client's handlers and the call retried,
   * so the result is always the final one.
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * const result = await client.callTool('add', { a: 2, b: 40 });
   * if (result.isError) console.warn('tool failed:', result.content);
   * else console.log(result.structuredContent ?? result.content);
   * ```
   * @see https://modelcontextprotocol.io/specification/2026-07-28/server/tools#calling-tools
   */
  async callTool(name: string, args?: JsonObject, options: CallOptions = {}): Promise<CallToolResult> {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError(
        `callTool(): the tool name must be a non-empty string, got ${JSON.stringify(name)}.`,
      );
    }
    if (args !== undefined && !isJsonObject(args)) {
      throw new TypeError(`callTool("${name}"): arguments must be a plain object (or omitted).`);
    }
    const params: JsonObject = { name };
    if (args !== undefined) params.arguments = args;
    const { result: raw } = await this.#exchange(Method.ToolsCall, params, options, {
      capability: 'tools',
      operation: `callTool("${name}")`,
      allowsInput: true,
    });
    const result = readCallToolResult(name, raw) as unknown as CallToolResult;
    if (result.isError === true) return result;
    await this.#checkStructuredOutput(name, result, options.signal);
    return result;
  }

  /**
   * Fetches one page of the server's resources.
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * const { resources, nextCursor } = await client.listResources();
   * ```
   * @see https://modelcontextprotocol.io/specification/2026-07-28/server/resources#listing-resources
   */
  async listResources(options: ListOptions = {}): Promise<ListResourcesResult> {
    return (await this.#list(LIST_METHODS.resources, 'resources', 'uri', options, {
      capability: 'resources',
      operation: 'listResources()',
      allowsInput: false,
    })) as unknown as ListResourcesResult;
  }

  /**
   * Fetches every resource, following `nextCursor` (with the same guards as {@link Client.listAllTools}).
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * for (const resource of await client.listAllResources()) console.log(resource.uri, resource.mimeType);
   * ```
   * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/pagination
   */
  listAllResources(options: Omit<ListOptions, 'cursor'> = {}): Promise<Resource[]> {
    return collectPages(LIST_METHODS.resources, this.#maxListPages, async (cursor) => {
      const page = await this.listResources(withCursor(options, cursor));
      return { items: page.resources, nextCursor: page.nextCursor };
    });
  }

  /**
   * Fetches one page of the server's resource templates (RFC 6570 URI templates).
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * const { resourceTemplates } = await client.listResourceTemplates();
   * ```
   * @see https://modelcontextprotocol.io/specification/2026-07-28/server/resources#resource-templates
   */
  async listResourceTemplates(options: ListOptions = {}): Promise<ListResourceTemplatesResult> {
    return (await this.#list(LIST_METHODS.templates, 'resourceTemplates', 'uriTemplate', options, {
      capability: 'resources',
      operation: 'listResourceTemplates()',
      allowsInput: false,
    })) as unknown as ListResourceTemplatesResult;
  }

  /**
   * Fetches every resource template, following `nextCursor`.
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * const templates = await client.listAllResourceTemplates();
   * console.log(templates.map((template) => template.uriTemplate));
   * ```
   * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/pagination
   */
  listAllResourceTemplates(options: Omit<ListOptions, 'cursor'> = {}): Promise<ResourceTemplate[]> {
    return collectPages(LIST_METHODS.templates, this.#maxListPages, async (cursor) => {
      const page = await this.listResourceTemplates(withCursor(options, cursor));
      return { items: page.resourceTemplates, nextCursor: page.nextCursor };
    });
  }

  /**
   * Reads a resource. A missing resource rejects with {@link ResourceNotFoundError} whichever code the server
   * uses for it (-32602 modern, -32002 legacy). Input the server asks for is gathered through the handlers.
   *
   * @example
   * ```ts
   * import { createClient, ResourceNotFoundError } from '@pmcp/client';
   * const { contents } = await client.readResource('file:///project/README.md');
   * for (const item of contents) console.log(item.uri, 'text' in item ? item.text : `${item.blob.length} base64 chars`);
   * ```
   * @see https://modelcontextprotocol.io/specification/2026-07-28/server/resources#reading-resources
   */
  async readResource(uri: string, options: ReadResourceOptions = {}): Promise<ReadResourceResult> {
    if (typeof uri !== 'string' || uri.length === 0) {
      throw new TypeError(`readResource(): the URI must be a non-empty string, got ${JSON.stringify(uri)}.`);
    }
    const method = Method.ResourcesRead;
    const fetch = () =>
      this.#exchange(method, { uri }, options, {
        capability: 'resources',
        operation: `readResource(${JSON.stringify(uri)})`,
        allowsInput: true,
      });
    let result: JsonObject;
    try {
      result = await this.#throughCache(method, uri, this.#cache?.reads === true, options.cache, fetch);
    } catch (error) {
      if (isResourceNotFound(error, uri)) throw new ResourceNotFoundError(uri, error);
      throw error;
    }
    return readResourceContents(uri, result) as unknown as ReadResourceResult;
  }

  /**
   * Legacy only: asks the server for `notifications/resources/updated` about `uri` (needs the server's
   * `resources.subscribe`). Modern servers have no such method: use {@link Client.listen} with
   * `resourceSubscriptions`, which works in both eras.
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * client.on('resourceUpdated', ({ uri }) => console.log('changed:', uri));
   * await client.subscribeResource('file:///project/config.json');
   * ```
   * @see https://modelcontextprotocol.io/specification/2025-11-25/server/resources#subscriptions
   */
  async subscribeResource(uri: string): Promise<void> {
    this.#requireResourceSubscriptions('subscribeResource()', Method.ResourcesSubscribe, uri);
    await this.#subscriptions.subscribeByCaller(uri);
  }

  /**
   * Legacy only: stops `notifications/resources/updated` about `uri`. While a `listen()` of this client still
   * covers the URI, the server subscription is kept for it.
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * await client.unsubscribeResource('file:///project/config.json');
   * ```
   * @see https://modelcontextprotocol.io/specification/2025-11-25/server/resources#subscriptions
   */
  async unsubscribeResource(uri: string): Promise<void> {
    this.#requireResourceSubscriptions('unsubscribeResource()', Method.ResourcesUnsubscribe, uri);
    await this.#subscriptions.unsubscribeByCaller(uri);
  }

  /**
   * Subscribes to server events and resolves, once the server acknowledged, with an async iterable of the
   * notifications; `subscription.acknowledged` is the part of `filter` the server honours.
   *
   * Modern: one `subscriptions/listen` request per call (several may run at once); notifications are matched
   * to it by `io.modelcontextprotocol/subscriptionId`. It ends when the server answers the request or sends
   * `notifications/cancelled` for it (the loop finishes), or when the caller leaves the loop, calls `close()` or
   * aborts `signal` (the request is cancelled: `notifications/cancelled` on stdio-like transports, a closed
   * stream on HTTP). A lost connection makes the loop throw `TransportClosedError`.
   *
   * Legacy: emulated with what the session offers — the list-changed notifications the server advertises
   * (`listChanged` capabilities) and `resources/subscribe` for `resourceSubscriptions` (when the server has
   * `resources.subscribe`), undone with `resources/unsubscribe` when the subscription ends.
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * const subscription = await client.listen({ toolsListChanged: true, resourceSubscriptions: ['file:///a.txt'] });
   * for await (const notification of subscription) {
   *   if (notification.method === 'notifications/resources/updated') {
   *     console.log(await client.readResource(notification.params.uri));
   *   }
   * }
   * ```
   * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/subscriptions
   */
  async listen(filter: SubscriptionFilter, options: ListenOptions = {}): Promise<Subscription> {
    const session = this.#requireSession('listen()');
    const notifications = checkFilter(filter);
    if (session.era === 'legacy') {
      return this.#subscriptions.listenLegacy(notifications, session.serverCapabilities, options.signal);
    }
    // No log level: the spec forbids log messages on a listen stream.
    const params = buildRequestParams(session, this.#identity, { notifications });
    return this.#subscriptions.listenModern(params, options.signal);
  }

  /**
   * Fetches one page of the server's prompts.
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * const { prompts } = await client.listPrompts();
   * ```
   * @see https://modelcontextprotocol.io/specification/2026-07-28/server/prompts#listing-prompts
   */
  async listPrompts(options: ListOptions = {}): Promise<ListPromptsResult> {
    return (await this.#list(LIST_METHODS.prompts, 'prompts', 'name', options, {
      capability: 'prompts',
      operation: 'listPrompts()',
      allowsInput: false,
    })) as unknown as ListPromptsResult;
  }

  /**
   * Fetches every prompt, following `nextCursor`.
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * for (const prompt of await client.listAllPrompts()) console.log(prompt.name, prompt.arguments);
   * ```
   * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/pagination
   */
  listAllPrompts(options: Omit<ListOptions, 'cursor'> = {}): Promise<Prompt[]> {
    return collectPages(LIST_METHODS.prompts, this.#maxListPages, async (cursor) => {
      const page = await this.listPrompts(withCursor(options, cursor));
      return { items: page.prompts, nextCursor: page.nextCursor };
    });
  }

  /**
   * Gets a prompt with its arguments filled in (argument values are strings). Input the server asks for is
   * gathered through the handlers.
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * const { messages } = await client.getPrompt('code_review', { language: 'ts', code: 'let x = 1' });
   * ```
   * @see https://modelcontextprotocol.io/specification/2026-07-28/server/prompts#getting-a-prompt
   */
  async getPrompt(
    name: string,
    args?: Record<string, string>,
    options: CallOptions = {},
  ): Promise<GetPromptResult> {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError(
        `getPrompt(): the prompt name must be a non-empty string, got ${JSON.stringify(name)}.`,
      );
    }
    if (args !== undefined) checkStringRecord(args, `getPrompt("${name}"): arguments`);
    const params: JsonObject = { name };
    if (args !== undefined) params.arguments = args;
    const { result } = await this.#exchange(Method.PromptsGet, params, options, {
      capability: 'prompts',
      operation: `getPrompt("${name}")`,
      allowsInput: true,
    });
    return readPromptResult(name, result) as unknown as GetPromptResult;
  }

  /**
   * Asks for completions of a prompt argument or resource-template variable (at most 100 values per answer).
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * const { completion } = await client.complete(
   *   { type: 'ref/resource', uri: 'github://repos/{owner}/{repo}' },
   *   { name: 'repo', value: 'py' },
   *   { arguments: { owner: 'modelcontextprotocol' } },
   * );
   * console.log(completion.values, completion.hasMore);
   * ```
   * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/completion
   */
  async complete(
    ref: PromptReference | ResourceTemplateReference,
    argument: { name: string; value: string },
    context?: CompletionContext,
    options: CallOptions = {},
  ): Promise<CompleteResult> {
    checkReference(ref);
    if (!isJsonObject(argument) || typeof argument.name !== 'string' || typeof argument.value !== 'string') {
      throw new TypeError('complete(): argument must be { name: string, value: string }.');
    }
    const params: JsonObject = { ref, argument };
    if (context !== undefined) {
      if (!isJsonObject(context)) throw new TypeError('complete(): context must be { arguments?: {...} }.');
      if (context.arguments !== undefined)
        checkStringRecord(context.arguments, 'complete(): context.arguments');
      params.context = context;
    }
    const session = this.#requireSession('complete()');
    const { result } = await this.#exchange(Method.CompletionComplete, params, options, {
      // 2024-11-05 had completion but no capability to advertise it.
      capability: session.protocolVersion === '2024-11-05' ? undefined : 'completions',
      operation: 'complete()',
      allowsInput: false,
    });
    return readCompleteResult(result) as unknown as CompleteResult;
  }

  /**
   * Sets the least severe log messages wanted from the server. Legacy: sends `logging/setLevel` (needs the
   * server's `logging` capability). Modern: there is no such request; the level becomes the client's default
   * `_meta` log level for every later request.
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * client.on('log', ({ level, data }) => console.log(level, data));
   * await client.setLogLevel('warning');
   * ```
   * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/logging
   */
  async setLogLevel(level: LoggingLevel): Promise<void> {
    checkLogLevel(level, 'setLogLevel()');
    const session = this.#requireSession('setLogLevel()');
    if (session.era === 'modern') {
      this.#logLevel = level;
      return;
    }
    await this.#call(
      Method.LoggingSetLevel,
      { level },
      {},
      {
        capability: 'logging',
        operation: 'setLogLevel()',
        allowsInput: false,
      },
    );
  }

  /**
   * Legacy only: checks that the server is alive (`ping`, answered with an empty result). The modern era has
   * no ping; any request (for instance `listTools`) shows the server answers.
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * await client.ping({ timeout: 2000 });
   * ```
   * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/utilities/ping
   */
  async ping(options: { signal?: AbortSignal; timeout?: number } = {}): Promise<void> {
    const session = this.#requireSession('ping()');
    if (session.era === 'modern') {
      throw wrongEra(
        'ping()',
        Method.Ping,
        'modern',
        'The 2026-07-28 revision removed ping; any request (e.g. client.listTools()) shows the server is alive.',
      );
    }
    await this.#call(Method.Ping, {}, options, {
      capability: undefined,
      operation: 'ping()',
      allowsInput: false,
    });
  }

  /**
   * Tells a legacy server that the roots changed (`notifications/roots/list_changed`), so it lists them again.
   * Modern servers ask for roots with every request that needs them, so this sends nothing there.
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * roots.push({ uri: 'file:///home/me/other-project' });
   * await client.notifyRootsChanged();
   * ```
   * @see https://modelcontextprotocol.io/specification/2025-11-25/client/roots#root-list-changes
   */
  async notifyRootsChanged(): Promise<void> {
    const session = this.#requireSession('notifyRootsChanged()');
    if (session.era === 'modern') return;
    const roots = this.#identity.capabilities.roots;
    if (this.#handlers.roots === undefined || !isJsonObject(roots) || roots.listChanged !== true) {
      throw new Error(
        'notifyRootsChanged() needs an onRoots handler with listChanged enabled (the default) in createClient() ' +
          'options: the client must declare roots.listChanged before sending the notification.',
      );
    }
    await this.#engine.notify(Notification.RootsListChanged);
  }

  /**
   * Drops every cached result of this client (and, for its server, those in a shared cache).
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * client.clearCache();
   * const fresh = await client.listAllTools();
   * ```
   */
  clearCache(): void {
    const cache = this.#cache;
    if (cache === undefined) return;
    cache.own.clear();
    for (const method of [...Object.values(LIST_METHODS), Method.ResourcesRead]) this.#invalidate(method);
  }

  /**
   * Closes the connection; pending requests reject with a `TransportClosedError`, subscriptions end. Safe to
   * call twice.
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * await client.close();
   * ```
   */
  async close(): Promise<void> {
    this.#closedByCaller = true;
    this.#state = 'closed';
    await this.#engine.close();
  }

  // ---------------------------------------------------------------- requests

  /** A list request: through the cache when enabled, its page checked. */
  async #list(
    method: string,
    itemsKey: string,
    idKey: string,
    options: ListOptions,
    plan: RequestPlan,
  ): Promise<JsonObject> {
    const params: JsonObject = options.cursor === undefined ? {} : { cursor: options.cursor };
    const result = await this.#throughCache(
      method,
      options.cursor,
      this.#cache?.lists === true,
      options.cache,
      () => this.#exchange(method, params, options, plan),
    );
    return readPage(method, result, itemsKey, idKey);
  }

  /** A request whose result is all the caller needs. */
  async #call(
    method: string,
    params: JsonObject,
    options: CallOptions,
    plan: RequestPlan,
  ): Promise<JsonObject> {
    return (await this.#exchange(method, params, options, plan)).result;
  }

  /**
   * Every request goes through here: capability check, log level, then rounds until the result is complete —
   * each `InputRequiredResult` answered through the handlers and the request sent again with a new id, the
   * answers under the same keys and `requestState` exactly as received (never invented, never reused).
   */
  async #exchange(
    method: string,
    params: JsonObject,
    options: CallOptions,
    plan: RequestPlan,
  ): Promise<Exchange> {
    const session = this.#requireSession(plan.operation);
    if (plan.capability !== undefined && !isJsonObject(session.serverCapabilities[plan.capability])) {
      throw missingServerCapability(plan.capability, method, plan.operation);
    }
    const base = this.#withMeta(session, params, options, plan.operation);
    const engineOptions = requestOptions(options);
    let answers: JsonObject = {};
    for (let round = 0; ; round += 1) {
      const result = interpretResult(
        method,
        await this.#send(session, method, { ...base, ...answers }, engineOptions),
      );
      if (result.resultType === 'complete') return { result, inputRounds: round };
      if (!plan.allowsInput) {
        throw protocolViolation(
          `The server answered ${method} with an InputRequiredResult, which the protocol allows only on ` +
            'tools/call, prompts/get and resources/read.',
          { method },
        );
      }
      const { inputRequests, requestState } = readInputRequired(method, result);
      if (round >= this.#maxInputRounds) {
        throw new McpError(
          ErrorCode.InternalError,
          `${plan.operation}: the server still asked for input after ${round} rounds (the client's ` +
            'maxInputRounds limit); it may be asking in a loop. Raise maxInputRounds in createClient() options ' +
            'if it really needs more.',
          { data: { method, maxInputRounds: this.#maxInputRounds, inputRequests, requestState } },
        );
      }
      answers = {};
      if (inputRequests !== undefined) {
        answers.inputResponses = await this.#fulfil(plan.operation, inputRequests, method, options.signal);
      }
      if (requestState !== undefined) answers.requestState = requestState;
    }
  }

  /**
   * Sends one request (one round of an operation). In the modern era it recovers from the errors whose remedy
   * the spec gives as sending the request again, with a new id each time: -32022 (a version both sides
   * support; a listed version once more), a response the transport lost (`data.lost`, once), and -32020 on
   * `tools/call` (list the tools afresh so an HTTP transport learns their header annotations, once).
   */
  async #send(
    session: Session,
    method: string,
    params: JsonObject,
    options: RequestOptions,
  ): Promise<JsonObject> {
    const rejections = new VersionRejections();
    let reissuedLost = false;
    let refreshedTools = false;
    for (;;) {
      const version = session.protocolVersion;
      const sent = buildRequestParams(session, this.#identity, params);
      try {
        return await this.#engine.request(method, sent, options);
      } catch (error) {
        if (session.era !== 'modern' || !isMcpError(error) || this.#state === 'closed') throw error;
        if (error.code === ErrorCode.UnsupportedProtocolVersion) {
          this.#switchVersion(session, method, version, error, rejections);
          continue;
        }
        if (isLostResponse(error) && method !== Method.SubscriptionsListen) {
          if (reissuedLost) throw lostAgain(method, error);
          reissuedLost = true;
          continue;
        }
        if (error.code === ErrorCode.HeaderMismatch && method === Method.ToolsCall) {
          if (refreshedTools) throw headerMismatchAgain(params, error);
          refreshedTools = true;
          await this.#relistToolsAfterMismatch(params, options, error);
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * A modern server may stop supporting the version in use (an upgrade behind a load balancer) or reject it
   * on one instance only; the spec's answer is to retry with a version both sides support. The era cannot
   * change mid-session, so only modern versions are candidates.
   */
  #switchVersion(
    session: Session,
    method: string,
    rejected: string,
    error: McpError,
    rejections: VersionRejections,
  ): void {
    const outcome = rejections.afterRejection(rejected, error, MODERN_PROTOCOL_VERSIONS);
    if (outcome.kind === 'contradiction') throw outcome.error;
    if (outcome.kind === 'no-shared-version') {
      const listed = outcome.supported.length > 0 ? outcome.supported.join(', ') : '(none listed)';
      throw new McpError(
        error.code,
        `The server rejected ${method} because it no longer supports protocol version ${rejected}, and it ` +
          `lists no modern version pmcp speaks (it supports ${listed}; pmcp's modern versions are ` +
          `${MODERN_PROTOCOL_VERSIONS.join(', ')}). Connect again to negotiate with it afresh.`,
        { data: error.data, cause: error },
      );
    }
    if (outcome.version === session.protocolVersion) return;
    session.protocolVersion = outcome.version;
    this.#engine.transport?.setProtocolVersion?.(outcome.version);
  }

  /**
   * -32020 on tools/call means the request's `Mcp-Param-*` headers do not match what the server expects,
   * usually because the tool's `x-mcp-header` annotations changed; a fresh tools/list passing through the
   * HTTP transport teaches it the new ones. The cached list is what went stale: it is dropped first, so the
   * listing goes to the server and the fresh result replaces it.
   */
  async #relistToolsAfterMismatch(
    params: JsonObject,
    options: RequestOptions,
    mismatch: McpError,
  ): Promise<void> {
    this.#invalidate(LIST_METHODS.tools);
    const listOptions: Omit<ListOptions, 'cursor'> = {};
    if (options.signal !== undefined) listOptions.signal = options.signal;
    if (options.timeout !== undefined) listOptions.timeout = options.timeout;
    try {
      await this.listAllTools(listOptions);
    } catch (error) {
      if (error instanceof RequestCancelledError || error instanceof TransportClosedError) throw error;
      throw new McpError(
        mismatch.code,
        `callTool(${JSON.stringify(params.name)}) was refused with -32020 (header mismatch: ${mismatch.message}), ` +
          `and listing the tools again to learn their header annotations failed: ` +
          `${error instanceof Error ? error.message : String(error)}`,
        { data: mismatch.data, cause: error },
      );
    }
  }

  /**
   * Answers every input request of one round. All are checked before any handler runs (a user is never asked
   * for a form when a sibling request cannot be answered), then the handlers run one after another, in the
   * order the server listed them, so a user sees one question at a time.
   */
  async #fulfil(
    operation: string,
    inputRequests: JsonObject,
    method: string,
    signal: AbortSignal | undefined,
  ): Promise<JsonObject> {
    const prepared: [string, string, PreparedAnswer][] = [];
    for (const [key, request] of Object.entries(inputRequests)) {
      if (!isJsonObject(request) || typeof request.method !== 'string') {
        throw protocolViolation(
          `${operation}: the server's input request ${JSON.stringify(key)} is not an object with a method.`,
          { method, key },
        );
      }
      const params = request.params === undefined ? {} : request.params;
      if (!isJsonObject(params)) {
        throw protocolViolation(
          `${operation}: the params of input request ${JSON.stringify(key)} are not an object.`,
          {
            method,
            key,
          },
        );
      }
      try {
        prepared.push([key, request.method, prepareAnswer(this.#handlers, request.method, params)]);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw protocolViolation(
          `${operation}: the server asked for input ${JSON.stringify(key)} that this client cannot give, which ` +
            `a server must not do (it may only ask for declared capabilities): ${reason}`,
          { method, key, inputMethod: request.method },
        );
      }
    }
    const context = { signal: signal ?? new AbortController().signal, era: 'modern' as const };
    const responses: JsonObject = {};
    for (const [key, inputMethod, answer] of prepared) {
      if (signal?.aborted) throw new RequestCancelledError(method, { cause: signal.reason });
      try {
        responses[key] = await untilAborted(answer(context), signal, method);
      } catch (error) {
        if (error instanceof RequestCancelledError) throw error;
        throw new McpError(
          isMcpError(error) ? error.code : ErrorCode.InternalError,
          `${operation}: answering the server's ${inputMethod} (input ${JSON.stringify(key)}) failed: ` +
            `${error instanceof Error ? error.message : String(error)}`,
          { data: { method, key, inputMethod }, cause: error },
        );
      }
    }
    return responses;
  }

  /** The caller's `_meta` plus, in the modern era, the log level. */
  #withMeta(session: Session, params: JsonObject, options: CallOptions, operation: string): JsonObject {
    const requested = checkLogLevel(options.logLevel, operation);
    if (requested !== undefined && session.era === 'legacy') {
      throw new McpError(
        ErrorCode.InvalidParams,
        `${operation}: a per-request logLevel needs a modern server, and this one speaks ${session.protocolVersion}, ` +
          'where the level is set per session: call client.setLogLevel(level) instead.',
        { data: { logLevel: requested, protocolVersion: session.protocolVersion } },
      );
    }
    const level = requested ?? (session.era === 'modern' ? this.#logLevel : undefined);
    if (options.meta === undefined && level === undefined) return params;
    const meta: JsonObject = { ...options.meta };
    if (level !== undefined) meta[MetaKey.LogLevel] = level;
    return { ...params, _meta: meta };
  }

  #requireSession(operation: string): Session {
    if (this.#session !== undefined) return this.#session;
    if (this.#state === 'connecting') {
      throw new Error(
        `${operation} was called before connect() finished; await client.connect(transport) first.`,
      );
    }
    throw new Error(`${operation} needs a connection: call await client.connect(transport) first.`);
  }

  #requireResourceSubscriptions(operation: string, method: string, uri: string): void {
    const session = this.#requireSession(operation);
    if (typeof uri !== 'string' || uri.length === 0) {
      throw new TypeError(`${operation}: the URI must be a non-empty string, got ${JSON.stringify(uri)}.`);
    }
    if (session.era === 'modern') {
      throw wrongEra(
        operation,
        method,
        'modern',
        `Use client.listen({ resourceSubscriptions: [${JSON.stringify(uri)}] }), which works in both eras.`,
      );
    }
    if (session.serverCapabilities.resources?.subscribe !== true) {
      throw missingServerCapability('resources.subscribe', method, operation);
    }
  }

  async #applyLegacyLogLevel(): Promise<void> {
    const session = this.#session;
    if (this.#logLevel === undefined || session?.era !== 'legacy') return;
    if (!isJsonObject(session.serverCapabilities.logging)) return;
    try {
      await this.setLogLevel(this.#logLevel);
    } catch (error) {
      // The connection works; only the preference could not be applied, which is worth knowing but not fatal.
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  // ---------------------------------------------------------------- cache

  /**
   * Serves a result from the cache while it is fresh; otherwise fetches it and stores it for the `ttlMs` the
   * server gave — unless input rounds were needed, or a change notification arrived while it was in flight.
   */
  async #throughCache(
    method: string,
    selector: string | undefined,
    enabled: boolean,
    perCall: boolean | undefined,
    fetch: () => Promise<Exchange>,
  ): Promise<JsonObject> {
    const cache = this.#cache;
    const session = this.#session;
    if (cache === undefined || !enabled || perCall === false || session?.era !== 'modern') {
      return (await fetch()).result;
    }
    const key = this.#cacheKey(session, method, selector);
    const hit = cache.own.get(key) ?? cache.shared?.get(key);
    if (hit !== undefined) return hit;
    const generation = this.#cacheGeneration(method, selector);
    const { result, inputRounds } = await fetch();
    if (inputRounds === 0 && generation === this.#cacheGeneration(method, selector)) {
      const ttlMs = typeof result.ttlMs === 'number' ? result.ttlMs : 0;
      // A result without a scope may hold user data: it is treated as private.
      const store = result.cacheScope === 'public' && cache.shared !== undefined ? cache.shared : cache.own;
      store.set(key, result, ttlMs);
    }
    return result;
  }

  #cacheKey(session: Session, method: string, selector: string | undefined): CacheEntryKey {
    return { server: this.#cacheServer(session), method, selector };
  }

  #cacheServer(session: Session): string {
    const info = session.serverInfo;
    return JSON.stringify([info?.name ?? null, info?.version ?? null, session.protocolVersion]);
  }

  #cacheGeneration(method: string, selector: string | undefined): number {
    return (
      (this.#cacheGenerations.get(method) ?? 0) +
      (selector === undefined ? 0 : (this.#cacheGenerations.get(`${method} ${selector}`) ?? 0))
    );
  }

  #invalidate(method: string, selector?: string): void {
    const counter = selector === undefined ? method : `${method} ${selector}`;
    this.#cacheGenerations.set(counter, (this.#cacheGenerations.get(counter) ?? 0) + 1);
    const cache = this.#cache;
    const session = this.#session;
    if (cache === undefined || session === undefined) return;
    const server = this.#cacheServer(session);
    cache.own.invalidate(server, method, selector);
    cache.shared?.invalidate(server, method, selector);
  }

  // ---------------------------------------------------------------- notifications

  #listenForServerNotifications(): void {
    const engine = this.#engine;
    const listChanged = (
      notification: ListenNotification['method'],
      event: 'toolsListChanged' | 'promptsListChanged' | 'resourcesListChanged',
      stale: readonly string[],
    ) => {
      engine.setNotificationHandler(notification, (params) => {
        for (const method of stale) this.#invalidate(method);
        if (notification === Notification.ToolsListChanged) this.#forgetTools();
        this.#listeners.emit(event, params);
        this.#subscriptions.deliver({ method: notification, params } as ListenNotification);
      });
    };
    listChanged(Notification.ToolsListChanged, 'toolsListChanged', [LIST_METHODS.tools]);
    listChanged(Notification.PromptsListChanged, 'promptsListChanged', [LIST_METHODS.prompts]);
    // Templates have no notification of their own: a resources list change covers them.
    listChanged(Notification.ResourcesListChanged, 'resourcesListChanged', [
      LIST_METHODS.resources,
      LIST_METHODS.templates,
    ]);
    engine.setNotificationHandler(Notification.ResourcesUpdated, (params) => {
      if (typeof params.uri !== 'string') {
        throw protocolViolation(
          'The server sent notifications/resources/updated without a string "uri"; ignored.',
        );
      }
      this.#invalidate(Method.ResourcesRead, params.uri);
      const updated = params as ClientEvents['resourceUpdated'];
      this.#listeners.emit('resourceUpdated', updated);
      this.#subscriptions.deliver({ method: Notification.ResourcesUpdated, params: updated });
    });
    engine.setNotificationHandler(Notification.Message, (params) => {
      if (typeof params.level !== 'string' || !(LOGGING_LEVELS as readonly string[]).includes(params.level)) {
        throw protocolViolation(
          `The server sent notifications/message with the unknown level ${JSON.stringify(params.level)}; ignored.`,
        );
      }
      this.#listeners.emit('log', params as ClientEvents['log']);
    });
    engine.setNotificationHandler(Notification.Progress, (params) => {
      this.#listeners.emit('progress', params as ClientEvents['progress']);
    });
    engine.setNotificationHandler(Notification.ElicitationComplete, (params) => {
      if (typeof params.elicitationId !== 'string') {
        throw protocolViolation(
          'The server sent notifications/elicitation/complete without an elicitationId; ignored.',
        );
      }
      this.#listeners.emit('elicitationComplete', params as ClientEvents['elicitationComplete']);
    });
    engine.setNotificationHandler(Notification.SubscriptionsAcknowledged, (params) => {
      this.#subscriptions.acknowledge(params);
    });
    // The engine itself handles cancellation of requests the server sent us; a modern server also uses this
    // notification to end a subscriptions/listen stream.
    engine.setNotificationHandler(Notification.Cancelled, (params) => {
      if (this.#session?.era === 'modern') this.#subscriptions.serverEnded(params.requestId);
    });
  }

  // ---------------------------------------------------------------- tool catalog

  async #checkStructuredOutput(name: string, result: CallToolResult, signal?: AbortSignal): Promise<void> {
    let known = this.#tools.get(name);
    if (known === undefined && !this.#catalogComplete) {
      try {
        await this.#loadCatalog(signal);
      } catch (error) {
        throw new McpError(
          isMcpError(error) ? error.code : ErrorCode.InternalError,
          `callTool("${name}") returned a result, but listing the tools to find its outputSchema failed: ` +
            `${error instanceof Error ? error.message : String(error)} (the result is in error.data.result).`,
          { data: { tool: name, result }, cause: error },
        );
      }
      known = this.#tools.get(name);
    }
    const schema = known?.tool.outputSchema;
    if (known === undefined || schema === undefined) return;
    if (result.structuredContent === undefined) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `Tool "${name}" declares an outputSchema but its result has no structuredContent (and isError is not ` +
          'true); the server broke the tool contract.',
        { data: { tool: name, issues: [{ path: '', message: 'structuredContent is missing' }] } },
      );
    }
    known.validator ??= compileOutputSchema(schema);
    const check = known.validator.check(result.structuredContent);
    if (check.ok) return;
    throw new McpError(
      ErrorCode.InvalidParams,
      `Tool "${name}" returned structuredContent that does not match its outputSchema: ` +
        `${describeIssues(check.issues)}.`,
      { data: { tool: name, issues: check.issues } },
    );
  }

  #loadCatalog(signal: AbortSignal | undefined): Promise<void> {
    this.#catalogLoad ??= this.listAllTools(signal === undefined ? {} : { signal })
      .then(() => undefined)
      .finally(() => {
        this.#catalogLoad = undefined;
      });
    return this.#catalogLoad;
  }

  #rememberTool(tool: Tool): void {
    this.#tools.set(tool.name, this.#knownTool(tool));
  }

  #knownTool(tool: Tool): KnownTool {
    const previous = this.#tools.get(tool.name);
    // Keep a compiled validator while the schema object is the same one; a fresh listing brings new objects.
    const validator = previous?.tool.outputSchema === tool.outputSchema ? previous?.validator : undefined;
    return { tool, validator };
  }

  #forgetTools(): void {
    this.#tools.clear();
    this.#catalogComplete = false;
    this.#catalogGeneration += 1;
  }

  #negotiationChannel(): NegotiationChannel {
    const engine = this.#engine;
    return {
      request: (method, params, options) => engine.request(method, params, options),
      notify: (method, params) => engine.notify(method, params),
      get sendCancelNotifications() {
        return engine.sendCancelNotifications;
      },
      set sendCancelNotifications(enabled: boolean) {
        engine.sendCancelNotifications = enabled;
      },
      isClosed: () => this.#state === 'closed',
      setProtocolVersion: (version) => engine.transport?.setProtocolVersion?.(version),
    };
  }
}

/**
 * Creates a client. Nothing is sent until {@link Client.connect}. The handlers in `options` (`onElicit`,
 * `onSample`, `onRoots`) are the client's answers to what servers ask of it, in both eras, and decide the
 * capabilities it declares.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * const client = createClient({ name: 'my-app', version: '1.0.0' }, {
 *   discoverTimeout: 1000,
 *   onElicit: async (request) => ({ action: 'accept', content: await showForm(request) }),
 * });
 * await client.connect(transport);
 * const result = await client.callTool('add', { a: 1, b: 2 });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/versioning
 */
export function createClient(info: ClientInfo, options?: ClientOptions): Client {
  return new Client(info, options);
}

/**
 * The one place result types are interpreted. A missing `resultType` is an older server's `complete`; it is
 * filled in so callers see one shape whatever the server's revision.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/index#result-type
 */
function interpretResult(method: string, result: JsonObject): JsonObject {
  const resultType = result.resultType;
  if (resultType === undefined) return { ...result, resultType: 'complete' };
  if (resultType === 'complete' || resultType === 'input_required') return result;
  throw protocolViolation(
    `The server answered ${method} with resultType ${JSON.stringify(resultType)}, which this client does not ` +
      'know; it only understands "complete" and "input_required".',
    { method, resultType },
  );
}

function readInputRequired(
  method: string,
  result: JsonObject,
): { inputRequests: JsonObject | undefined; requestState: string | undefined } {
  const { inputRequests, requestState } = result;
  if (inputRequests !== undefined && !isJsonObject(inputRequests)) {
    throw protocolViolation(`The server answered ${method} with inputRequests that are not an object.`, {
      method,
    });
  }
  if (requestState !== undefined && typeof requestState !== 'string') {
    throw protocolViolation(`The server answered ${method} with a requestState that is not a string.`, {
      method,
    });
  }
  if (inputRequests === undefined && requestState === undefined) {
    throw protocolViolation(
      `The server answered ${method} with an InputRequiredResult that has neither inputRequests nor ` +
        'requestState; it must have at least one.',
      { method },
    );
  }
  return { inputRequests, requestState };
}

/** The HTTP transport answers a request whose response stream broke with an error marked `data.lost`. */
function isLostResponse(error: McpError): boolean {
  return isJsonObject(error.data) && error.data.lost === true;
}

function lostAgain(method: string, error: McpError): McpError {
  return new McpError(
    error.code,
    `The response to ${method} was lost twice: the client re-issued the request once with a new id, as the ` +
      `spec requires, and lost that response too (${error.message}). Check the connection to the server.`,
    { data: error.data, cause: error },
  );
}

function headerMismatchAgain(params: JsonObject, error: McpError): McpError {
  return new McpError(
    error.code,
    `callTool(${JSON.stringify(params.name)}) was refused with -32020 (header mismatch) again after the client ` +
      `listed the tools afresh and retried once: ${error.message}. The server's tool annotations and the ` +
      'headers it checks disagree.',
    { data: error.data, cause: error },
  );
}

/** Waits for `work`, but no longer than until `signal` aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, method: string): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new RequestCancelledError(method, { cause: signal.reason }));
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function describeIssues(issues: readonly SchemaIssue[]): string {
  const shown = issues
    .slice(0, ISSUES_IN_MESSAGE)
    .map((issue) => `${issue.path === '' ? '(root)' : issue.path}: ${issue.message}`);
  const more = issues.length > ISSUES_IN_MESSAGE ? ` (and ${issues.length - ISSUES_IN_MESSAGE} more)` : '';
  return `${shown.join('; ')}${more}`;
}

function requestOptions(options: CallOptions): RequestOptions {
  const picked: RequestOptions = {};
  if (options.signal !== undefined) picked.signal = options.signal;
  if (options.timeout !== undefined) picked.timeout = options.timeout;
  if (options.onProgress !== undefined) picked.onProgress = options.onProgress;
  if (options.resetTimeoutOnProgress !== undefined)
    picked.resetTimeoutOnProgress = options.resetTimeoutOnProgress;
  if (options.maxTotalTimeout !== undefined) picked.maxTotalTimeout = options.maxTotalTimeout;
  return picked;
}

function withCursor(options: Omit<ListOptions, 'cursor'>, cursor: string | undefined): ListOptions {
  return cursor === undefined ? options : { ...options, cursor };
}

function cacheSettings(option: boolean | ClientCacheOptions | undefined): CacheSettings | undefined {
  if (option === false) return undefined;
  const settings: ClientCacheOptions = option === undefined || option === true ? {} : option;
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw new TypeError(
      'createClient(): cache must be true, false or { lists?, reads?, shared?, maxEntries? }.',
    );
  }
  const ownOptions: { maxEntries?: number; now?: () => number } = {};
  if (settings.maxEntries !== undefined) ownOptions.maxEntries = settings.maxEntries;
  if (settings.now !== undefined) ownOptions.now = settings.now;
  return {
    lists: settings.lists !== false,
    reads: settings.reads === true,
    own: createResultCache(ownOptions),
    shared: settings.shared,
  };
}

function checkLogLevel(level: unknown, operation: string): LoggingLevel | undefined {
  if (level === undefined) return undefined;
  if (typeof level !== 'string' || !(LOGGING_LEVELS as readonly string[]).includes(level)) {
    throw new TypeError(
      `${operation}: logLevel must be one of ${LOGGING_LEVELS.join(', ')}, got ${JSON.stringify(level)}.`,
    );
  }
  return level as LoggingLevel;
}

function checkStringRecord(value: unknown, what: string): void {
  if (!isJsonObject(value) || Object.values(value).some((item) => typeof item !== 'string')) {
    throw new TypeError(`${what} must be an object whose values are all strings.`);
  }
}

function checkReference(ref: unknown): void {
  const valid =
    isJsonObject(ref) &&
    ((ref.type === 'ref/prompt' && typeof ref.name === 'string') ||
      (ref.type === 'ref/resource' && typeof ref.uri === 'string'));
  if (!valid) {
    throw new TypeError(
      "complete(): ref must be { type: 'ref/prompt', name } or { type: 'ref/resource', uri } (a URI template).",
    );
  }
}

function checkClientInfo(info: ClientInfo): ClientInfo {
  if (!isJsonObject(info) || typeof info.name !== 'string' || info.name.length === 0) {
    throw new TypeError(
      'createClient(): info.name must be a non-empty string, e.g. { name: "my-app", version: "1.0.0" }.',
    );
  }
  if (typeof info.version !== 'string' || info.version.length === 0) {
    throw new TypeError(`createClient(): info.version must be a non-empty string (client "${info.name}").`);
  }
  if (info.capabilities !== undefined && !isJsonObject(info.capabilities)) {
    throw new TypeError(
      'createClient(): info.capabilities must be an object such as {} or { elicitation: {} }.',
    );
  }
  return info;
}

function positiveNumber(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `createClient(): ${name} must be a positive number of milliseconds, got ${String(value)}.`,
    );
  }
  return value;
}

function positiveInteger(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`createClient(): ${name} must be a positive integer, got ${String(value)}.`);
  }
  return value;
}
