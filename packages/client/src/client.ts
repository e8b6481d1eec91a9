/**
 * The MCP client: connects over any transport, detects the server's era, and offers typed calls.
 */
import {
  isMcpError,
  McpError,
  type ProgressUpdate,
  type RequestOptions,
  RpcEngine,
  type Transport,
} from '@pmcp/jsonrpc';
import {
  type CallToolResult,
  type ClientCapabilities,
  ErrorCode,
  type Implementation,
  type ListToolsResult,
  Method,
  MODERN_PROTOCOL_VERSIONS,
  Notification,
  type ProtocolEra,
  type ProtocolVersion,
  type ServerCapabilities,
  type Tool,
} from '@pmcp/types';
import { missingServerCapability, protocolViolation } from './client-errors.ts';
import { type EraPreference, type NegotiationChannel, negotiate, type Session } from './negotiate.ts';
import { compileOutputSchema, type OutputValidator, type SchemaIssue } from './output-schema.ts';
import { buildRequestParams, type ClientIdentity, isJsonObject, type JsonObject } from './request-meta.ts';

/**
 * Who the client is: its `Implementation` (name, version, optional title and more) plus the capabilities it
 * declares to servers.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * const client = createClient({ name: 'my-app', version: '1.0.0', title: 'My App', capabilities: {} });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/schema#implementation
 */
export interface ClientInfo extends Implementation {
  /** Capabilities declared to the server; `{}` (the default) declares none of the optional ones. */
  capabilities?: ClientCapabilities;
}

/**
 * Tuning knobs of a client.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * const client = createClient({ name: 'my-app', version: '1.0.0' }, { defaultTimeout: 30_000, maxListPages: 20 });
 * ```
 */
export interface ClientOptions {
  /** Milliseconds a request may take unless its own `timeout` says otherwise (default 60 000). */
  defaultTimeout?: number;
  /**
   * Milliseconds to wait for the `server/discover` probe in `auto` mode before deciding the server is legacy
   * (default 3000). Legacy servers may never answer an unknown method, so this is deliberately short.
   */
  discoverTimeout?: number;
  /** How many pages `listAll*` helpers follow before giving up (default 100): a guard against endless cursors. */
  maxListPages?: number;
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
 * Per-call options of {@link Client.listTools} and {@link Client.listAllTools}.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * const page = await client.listTools({ cursor: previous.nextCursor, timeout: 5000 });
 * ```
 */
export interface ListToolsOptions {
  /** Where to continue, from a previous page's `nextCursor`. Ignored by `listAllTools`. */
  cursor?: string;
  /** Aborting cancels the request. */
  signal?: AbortSignal;
  /** Milliseconds per request. */
  timeout?: number;
}

/**
 * Per-call options of {@link Client.callTool}.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * const result = await client.callTool('slow_job', { steps: 5 }, {
 *   onProgress: ({ progress, total }) => console.log(progress, total),
 *   resetTimeoutOnProgress: true,
 *   maxTotalTimeout: 120_000,
 * });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/progress
 */
export interface CallToolOptions {
  /** Aborting cancels the call (the server is told with `notifications/cancelled` where the transport needs it). */
  signal?: AbortSignal;
  /** Milliseconds before the call fails with a `RequestTimeoutError`. */
  timeout?: number;
  /** Receives the server's progress notifications for this call. */
  onProgress?: (progress: ProgressUpdate) => void;
  /** Restart the timeout whenever progress arrives (default false). */
  resetTimeoutOnProgress?: boolean;
  /** A hard cap in milliseconds, even when progress keeps resetting the timeout. */
  maxTotalTimeout?: number;
  /** Extra `_meta` for the request (trace context, vendor keys); reserved protocol keys are set by the client. */
  meta?: JsonObject;
}

interface KnownTool {
  tool: Tool;
  validator: OutputValidator | undefined;
}

interface RequestPlan {
  /** The server capability the method sits behind. */
  capability: keyof ServerCapabilities & string;
  /** How the caller named the operation, for error messages. */
  operation: string;
}

type ClientState = 'new' | 'connecting' | 'connected' | 'closed';

const DEFAULT_DISCOVER_TIMEOUT = 3000;
const DEFAULT_MAX_LIST_PAGES = 100;
const ISSUES_IN_MESSAGE = 3;

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
  /** Called with errors that do not belong to a request (a stray response, a transport error). */
  onerror: ((error: Error) => void) | undefined;
  /** Called once when the connection closes, from either side. */
  onclose: (() => void) | undefined;

  readonly #identity: ClientIdentity;
  readonly #discoverTimeout: number;
  readonly #maxListPages: number;
  readonly #requestTimeout: number | undefined;
  readonly #engine: RpcEngine;
  #state: ClientState = 'new';
  #session: Session | undefined;
  // The tool catalog: filled by every list call, consulted for outputSchema, dropped on list_changed.
  #tools = new Map<string, KnownTool>();
  #catalogComplete = false;
  #catalogGeneration = 0;
  #catalogLoad: Promise<void> | undefined;

  constructor(info: ClientInfo, options: ClientOptions = {}) {
    const { capabilities, ...clientInfo } = checkClientInfo(info);
    this.#identity = { clientInfo, capabilities: capabilities ?? {} };
    this.#discoverTimeout =
      positiveNumber(options.discoverTimeout, 'discoverTimeout') ?? DEFAULT_DISCOVER_TIMEOUT;
    this.#requestTimeout = positiveNumber(options.defaultTimeout, 'defaultTimeout');
    this.#maxListPages = positiveInteger(options.maxListPages, 'maxListPages') ?? DEFAULT_MAX_LIST_PAGES;
    this.#engine = new RpcEngine(
      this.#requestTimeout === undefined ? {} : { defaultTimeout: this.#requestTimeout },
    );
    this.#engine.onerror = (error) => this.onerror?.(error);
    this.#engine.onclose = () => {
      this.#state = 'closed';
      this.onclose?.();
    };
    // Legacy servers may ping at any time and expect an immediate empty result.
    this.#engine.setRequestHandler(Method.Ping, () => ({}));
    this.#engine.setNotificationHandler(Notification.ToolsListChanged, () => this.#forgetTools());
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
  async listTools(options: ListToolsOptions = {}): Promise<ListToolsResult> {
    const params: JsonObject = options.cursor === undefined ? {} : { cursor: options.cursor };
    const result = await this.#request(Method.ToolsList, params, requestOptions(options), {
      capability: 'tools',
      operation: 'listTools()',
    });
    const page = readToolsPage(result);
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
  async listAllTools(options: Omit<ListToolsOptions, 'cursor'> = {}): Promise<Tool[]> {
    const generation = this.#catalogGeneration;
    const tools: Tool[] = [];
    const seenCursors = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      if (pages === this.#maxListPages) {
        throw new McpError(
          ErrorCode.InternalError,
          `tools/list still had more pages after ${pages} pages (the client's maxListPages limit); ` +
            'raise maxListPages in createClient() options if the server really lists that many tools.',
          { data: { method: Method.ToolsList, maxListPages: this.#maxListPages, nextCursor: cursor } },
        );
      }
      const page = await this.listTools(cursor === undefined ? options : { ...options, cursor });
      pages += 1;
      tools.push(...page.tools);
      cursor = page.nextCursor;
      if (cursor !== undefined) {
        if (seenCursors.has(cursor)) {
          throw protocolViolation(
            `tools/list returned the cursor ${JSON.stringify(cursor)} a second time (after page ${pages}); ` +
              "the server's pagination loops, so the listing was stopped.",
            { method: Method.ToolsList, cursor, pages },
          );
        }
        seenCursors.add(cursor);
      }
    } while (cursor !== undefined);
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
  async callTool(name: string, args?: JsonObject, options: CallToolOptions = {}): Promise<CallToolResult> {
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
    if (options.meta !== undefined) params._meta = options.meta;
    const raw = await this.#request(Method.ToolsCall, params, requestOptions(options), {
      capability: 'tools',
      operation: `callTool("${name}")`,
    });
    const result = readCallToolResult(name, raw);
    if (result.isError === true) return result;
    await this.#checkStructuredOutput(name, result, options.signal);
    return result;
  }

  /**
   * Closes the connection; pending requests reject with a `TransportClosedError`. Safe to call twice.
   *
   * @example
   * ```ts
   * import { createClient } from '@pmcp/client';
   * await client.close();
   * ```
   */
  async close(): Promise<void> {
    this.#state = 'closed';
    await this.#engine.close();
  }

  /** Every request goes through here: capability check, era-specific params, version retry, result handling. */
  async #request(
    method: string,
    params: JsonObject,
    options: RequestOptions,
    plan: RequestPlan,
  ): Promise<JsonObject> {
    const session = this.#requireSession(plan.operation);
    if (!isJsonObject(session.serverCapabilities[plan.capability])) {
      throw missingServerCapability(plan.capability, method, plan.operation);
    }
    const rejectedVersions = new Set<string>();
    for (;;) {
      const sent = buildRequestParams(session, this.#identity, params);
      try {
        const result = await this.#engine.request(method, sent, options);
        return completeResult(method, result);
      } catch (error) {
        const retryWith = this.#versionToRetry(session, error, rejectedVersions);
        if (retryWith === undefined) throw error;
        rejectedVersions.add(session.protocolVersion);
        session.protocolVersion = retryWith;
        this.#engine.transport?.setProtocolVersion?.(retryWith);
      }
    }
  }

  /**
   * A modern server may stop supporting the version chosen at connect time (an upgrade behind a load balancer);
   * the spec's answer is to retry with a version both sides support.
   */
  #versionToRetry(
    session: Session,
    error: unknown,
    rejected: ReadonlySet<string>,
  ): ProtocolVersion | undefined {
    if (
      session.era !== 'modern' ||
      !isMcpError(error) ||
      error.code !== ErrorCode.UnsupportedProtocolVersion
    ) {
      return undefined;
    }
    const supported =
      isJsonObject(error.data) && Array.isArray(error.data.supported) ? error.data.supported : [];
    return MODERN_PROTOCOL_VERSIONS.find(
      (version) =>
        supported.includes(version) && version !== session.protocolVersion && !rejected.has(version),
    );
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
 * Creates a client. Nothing is sent until {@link Client.connect}.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * const client = createClient({ name: 'my-app', version: '1.0.0' }, { discoverTimeout: 1000 });
 * await client.connect(transport);
 * const result = await client.callTool('add', { a: 1, b: 2 });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/versioning
 */
export function createClient(info: ClientInfo, options?: ClientOptions): Client {
  return new Client(info, options);
}

/**
 * The one place results are interpreted. A missing `resultType` is an older server's `complete`; it is filled
 * in so callers see one shape whatever the server's revision.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/index#result-type
 */
function completeResult(method: string, result: JsonObject): JsonObject {
  const resultType = result.resultType;
  if (resultType === undefined) return { ...result, resultType: 'complete' };
  if (resultType === 'complete') return result;
  if (resultType === 'input_required') {
    const inputRequests = isJsonObject(result.inputRequests) ? result.inputRequests : {};
    const asked = Object.entries(inputRequests).map(([key, request]) => {
      const inner = isJsonObject(request) && typeof request.method === 'string' ? request.method : 'unknown';
      return `${inner} ("${key}")`;
    });
    throw new McpError(
      ErrorCode.MissingRequiredClientCapability,
      `The server needs input from the client before it can answer ${method}` +
        `${asked.length > 0 ? `: ${asked.join(', ')}` : ''}. This pmcp client cannot answer input requests yet ` +
        '(elicitation, sampling and roots handlers arrive in a later version, which will fulfil them ' +
        'automatically).',
      { data: { method, resultType, inputRequests, requestState: result.requestState } },
    );
  }
  throw protocolViolation(
    `The server answered ${method} with resultType ${JSON.stringify(resultType)}, which this client does not ` +
      'know; it only understands "complete" and "input_required".',
    { method, resultType },
  );
}

function readToolsPage(result: JsonObject): ListToolsResult {
  if (!Array.isArray(result.tools)) {
    throw protocolViolation('The server answered tools/list without a tools array.', {
      method: Method.ToolsList,
    });
  }
  result.tools.forEach((tool: unknown, index) => {
    if (!isJsonObject(tool) || typeof tool.name !== 'string') {
      throw protocolViolation(
        `tools/list returned an entry at index ${index} that is not a tool with a name.`,
        {
          method: Method.ToolsList,
          index,
        },
      );
    }
  });
  const { nextCursor, ...rest } = result;
  if (nextCursor !== undefined && nextCursor !== null && typeof nextCursor !== 'string') {
    throw protocolViolation('tools/list returned a nextCursor that is not a string.', {
      method: Method.ToolsList,
      nextCursor,
    });
  }
  const page = rest as unknown as ListToolsResult;
  if (typeof nextCursor === 'string') page.nextCursor = nextCursor;
  return page;
}

function readCallToolResult(name: string, result: JsonObject): CallToolResult {
  if (!Array.isArray(result.content)) {
    throw protocolViolation(`The server answered tools/call for "${name}" without a content array.`, {
      method: Method.ToolsCall,
      tool: name,
    });
  }
  return result as unknown as CallToolResult;
}

function describeIssues(issues: readonly SchemaIssue[]): string {
  const shown = issues
    .slice(0, ISSUES_IN_MESSAGE)
    .map((issue) => `${issue.path === '' ? '(root)' : issue.path}: ${issue.message}`);
  const more = issues.length > ISSUES_IN_MESSAGE ? ` (and ${issues.length - ISSUES_IN_MESSAGE} more)` : '';
  return `${shown.join('; ')}${more}`;
}

function requestOptions(options: CallToolOptions | ListToolsOptions): RequestOptions {
  const picked: RequestOptions = {};
  if (options.signal !== undefined) picked.signal = options.signal;
  if (options.timeout !== undefined) picked.timeout = options.timeout;
  if ('onProgress' in options) {
    if (options.onProgress !== undefined) picked.onProgress = options.onProgress;
    if (options.resetTimeoutOnProgress !== undefined)
      picked.resetTimeoutOnProgress = options.resetTimeoutOnProgress;
    if (options.maxTotalTimeout !== undefined) picked.maxTotalTimeout = options.maxTotalTimeout;
  }
  return picked;
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
