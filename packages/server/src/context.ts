/**
 * The context every handler receives. It is built in one place for both eras, so a handler behaves the same
 * whether the request came from a legacy session or a modern stateless client: `elicit`, `sample` and `roots`
 * are server→client requests in a legacy session and input rounds (MRTR) in the modern era; `log` follows the
 * session's `logging/setLevel` or the request's own log level.
 */
import type { RequestContext, RequestId, RequestOptions } from '@pmcp/jsonrpc';
import { McpError } from '@pmcp/jsonrpc';
import {
  type ClientCapabilities,
  type CreateMessageRequestParams,
  type CreateMessageResult,
  type ElicitRequestParams,
  type ElicitRequestURLParams,
  type ElicitResult,
  ErrorCode,
  type Implementation,
  type LoggingLevel,
  type ProgressToken,
  type ProtocolEra,
  type Root,
} from '@pmcp/types';
import { checkLogCall, levelAllows, logParams } from './logging.ts';
import {
  type AnswerCheck,
  checkCreateMessageResult,
  checkElicitResult,
  checkListRootsResult,
  type InputKind,
  type InputMethod,
  type InputRound,
  toJsonValue,
} from './mrtr.ts';
import { createProgressThrottle } from './notify-batcher.ts';
import { ToolError } from './tool-error.ts';

/**
 * Who is calling: what the client said about itself and what it can do (per request in the modern era, from
 * `initialize` in a legacy session).
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 *
 * const server = createServer({ name: 'demo', version: '1.0.0' });
 * server.tool('whoami', { description: 'Name the client' }, (_args, { client }) =>
 *   `${client.info?.name ?? 'unknown'} (elicitation: ${client.capabilities.elicitation ? 'yes' : 'no'})`,
 * );
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#request-metadata
 */
export interface ClientDescription {
  /** Absent when a modern request omitted `io.modelcontextprotocol/clientInfo` (it is optional). */
  readonly info?: Implementation;
  readonly capabilities: ClientCapabilities;
}

/**
 * Options of one `ctx.elicit`, `ctx.sample` or `ctx.roots` call.
 *
 * @example
 * ```ts
 * import { createServer, type InputOptions } from '@pmcp/server';
 *
 * const askName: InputOptions = { key: 'user_name', timeout: 300_000 };
 * const server = createServer({ name: 'greeter', version: '1.0.0' });
 * server.tool('greet', { description: 'Greet the user' }, async (_args, ctx) => {
 *   const answer = await ctx.elicit(
 *     { message: 'What is your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } },
 *     askName,
 *   );
 *   return `Hello, ${String(answer.content?.name ?? 'stranger')}!`;
 * });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/mrtr#inputrequests
 */
export interface InputOptions {
  /**
   * The key of this question in a modern `InputRequiredResult` (`inputRequests`/`inputResponses`). Default:
   * `elicit-<n>`, `sample-<n>` or `roots-<n>`, where `n` counts the handler's input calls in order. Keys must be
   * unique within one run of the handler.
   */
  key?: string;
  /** Legacy sessions: how long (ms) to wait for the client's answer; default the engine's 60 000. */
  timeout?: number;
}

/**
 * What a handler gets besides its arguments. The same shape in both eras.
 *
 * In the modern era the handler is **re-run** on each retry of an input round: code before the last
 * `elicit`/`sample`/`roots` call runs once per round, so keep it free of side effects or wrap one-off values in
 * {@link HandlerContext.remember}. Do not catch the error these calls throw when an answer is still missing.
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 * import { z } from 'zod';
 *
 * const server = createServer({ name: 'demo', version: '1.0.0' });
 * server.tool('count', { description: 'Count to n', input: z.object({ n: z.number().int() }) }, async ({ n }, ctx) => {
 *   await ctx.log('info', `counting to ${n}`);
 *   for (let i = 1; i <= n && !ctx.signal.aborted; i++) await ctx.progress(i, n);
 *   return `counted to ${n} for ${ctx.client.info?.name ?? 'an anonymous client'}`;
 * });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/progress
 */
export interface HandlerContext {
  /** Aborted when the client cancels the request or the connection closes; stop work and return. */
  readonly signal: AbortSignal;
  /** The JSON-RPC id of the request being handled. */
  readonly requestId: RequestId;
  /** `'modern'` for a stateless 2026-07-28 request, `'legacy'` inside an `initialize` session. */
  readonly era: ProtocolEra;
  /** The revision this request speaks: from its `_meta` (modern) or from the session's negotiation (legacy). */
  readonly protocolVersion: string;
  readonly client: ClientDescription;
  /**
   * Who the transport authenticated this request as, or `undefined` on an unauthenticated transport (stdio,
   * in-memory, an HTTP handler without an auth layer). Behind `requireBearerAuth` from `@pmcp/auth` it is that
   * package's `AuthInfo` (`{ token, clientId?, subject?, scopes, expiresAt?, resource?, claims? }`): narrow it
   * before use. It belongs to this request (in a legacy session, to the HTTP request that carried it), so a
   * refreshed token shows up on the next call. Never forward its token to another service.
   *
   * @example
   * ```ts
   * import type { AuthInfo } from '@pmcp/auth';
   * import { createServer } from '@pmcp/server';
   *
   * const server = createServer({ name: 'notes', version: '1.0.0' });
   * server.tool('whoami', { description: 'Who is calling' }, (_args, ctx) => {
   *   const auth = ctx.authInfo as AuthInfo | undefined;
   *   return auth?.subject ?? 'anonymous';
   * });
   * ```
   * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#token-handling
   */
  readonly authInfo: unknown;
  /**
   * Reports progress to the client if it asked for it (a `progressToken` in the request's `_meta`), otherwise
   * does nothing. `progress` must grow with every call (a `RangeError` says so otherwise); `total` and `message`
   * are optional. Updates may be rate-limited (option `progressIntervalMs`); the latest always arrives before the
   * result, and nothing arrives after it.
   */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /**
   * Sends a log message (`notifications/message`) when the client wants that level: in a legacy session, at or
   * above its `logging/setLevel` (every level before the first `setLevel`); for a modern request, only when its
   * `_meta["io.modelcontextprotocol/logLevel"]` asked, at or above that level, on this request's stream.
   * Messages after the handler returned are dropped (use `server.log`). Never throws for delivery problems.
   */
  log(level: LoggingLevel, data: unknown, logger?: string): Promise<void>;
  /**
   * Asks the user through the client: a form (`{ message, requestedSchema }`) or a URL to open
   * (`{ mode: 'url', message, url }`). Only the modes the client declared may be used (`elicitation: {}` means
   * form only). Legacy: an `elicitation/create` request. Modern: an input round. For a URL whose interaction
   * finishes later (an OAuth flow), pass an `elicitationId` and call `server.completeElicitation(id)` when it has
   * (legacy 2025-11-25 sessions are told; see {@link ElicitUrlRequest}).
   */
  elicit(request: ElicitRequestParams | ElicitUrlRequest, options?: InputOptions): Promise<ElicitResult>;
  /**
   * Asks the client's LLM (`sampling/createMessage`); `tools`/`toolChoice` need the client's `sampling.tools`
   * capability and `includeContext` other than `"none"` its `sampling.context`.
   */
  sample(request: CreateMessageRequestParams, options?: InputOptions): Promise<CreateMessageResult>;
  /** The client's roots (`roots/list`). */
  roots(options?: InputOptions): Promise<Root[]>;
  /**
   * A value computed once per request, even across modern input rounds: the first run computes it, later runs get
   * the same value back (carried, signed, in `requestState`). It must be JSON; it is returned as its JSON copy in
   * both eras. Use it for ids, timestamps or anything else that must not change between rounds.
   */
  remember<T>(key: string, compute: () => T | Promise<T>): Promise<T>;
  /**
   * Ends this request's SSE stream now while the handler keeps working (SSE polling, 2025-11-25): the client
   * waits the stream's `retry` delay, reconnects with `Last-Event-ID` and receives everything sent since,
   * the result included. A long-running tool frees its HTTP connection this way. Messages already sent are
   * delivered first. Returns `true` when the stream will close; `false`, doing nothing, where the request
   * cannot be resumed: stdio and in-memory transports, modern (2026-07-28) requests, legacy HTTP without an
   * event store, and after the handler returned.
   *
   * @example
   * ```ts
   * server.tool('export', { description: 'Export everything (slow)' }, async (_args, ctx) => {
   *   await ctx.progress(0, 100);
   *   ctx.closeSseStream(); // the client reconnects; progress and the result reach it on the new stream
   *   return await buildExport(ctx);
   * });
   * ```
   * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#resumability-and-redelivery
   */
  closeSseStream(): boolean;
}

/**
 * A URL-mode elicitation with an id of your choosing. A 2025-11-25 session sends the id, so
 * `server.completeElicitation(id)` can tell the client when the user finished at the URL; a modern request leaves it
 * out (2026-07-28 has no elicitation ids: the client learns the outcome by retrying). Without an id, a legacy session
 * gets a random one.
 *
 * @example
 * ```ts
 * import type { ElicitUrlRequest } from '@pmcp/server';
 *
 * const request: ElicitUrlRequest = {
 *   mode: 'url',
 *   message: 'Authorize access to your calendar',
 *   url: 'https://calendar.example.com/oauth/authorize?state=abc',
 *   elicitationId: 'calendar-abc',
 * };
 * ```
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/elicitation#completion-notifications-for-url-mode-elicitation
 */
export type ElicitUrlRequest = ElicitRequestURLParams & { elicitationId?: string };

/** Everything the dispatcher learned about one request; the input of {@link createHandlerContext}. */
export interface RequestScope {
  readonly era: ProtocolEra;
  readonly protocolVersion: string;
  readonly client: ClientDescription;
  readonly rpc: RequestContext;
  readonly progressToken: ProgressToken | undefined;
  readonly reportError: (error: Error) => void;
  /** The lowest level the client wants now (read on every message: `setLevel` can change it); undefined: none. */
  readonly logThreshold?: () => LoggingLevel | undefined;
  /** Minimum milliseconds between two progress notifications (0: no limit). */
  readonly progressIntervalMs?: number;
  /** The modern input round of a request that accepts one (`tools/call`, `prompts/get`, `resources/read`). */
  readonly inputs?: InputRound | undefined;
  /** Legacy: records the session a URL elicitation went to, for `server.completeElicitation`. */
  readonly trackUrlElicitation?: ((elicitationId: string) => void) | undefined;
}

/** A handler context plus the switch that silences it once the response is on its way. */
export interface HandlerContextControl {
  readonly context: HandlerContext;
  /**
   * Called when the handler has produced its result: a rate-limited progress update still pending is sent now
   * (before the result), and later progress and log calls do nothing.
   */
  finish(): void;
}

function describeValue(value: unknown): string {
  return typeof value === 'number' ? String(value) : `a ${typeof value}`;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** The client capability a question needs, or undefined when the client declared it. */
function missingCapability(
  capabilities: ClientCapabilities,
  method: InputMethod,
  params: Record<string, unknown>,
  version: string,
): ClientCapabilities | undefined {
  if (method === 'roots/list') return capabilities.roots === undefined ? { roots: {} } : undefined;
  if (method === 'elicitation/create') {
    const elicitation = capabilities.elicitation;
    if (params.mode === 'url') {
      return elicitation?.url === undefined ? { elicitation: { url: {} } } : undefined;
    }
    if (elicitation === undefined) return { elicitation: {} };
    // `elicitation: {}` declares form mode; naming only `url` does not.
    return elicitation.form === undefined && elicitation.url !== undefined
      ? { elicitation: { form: {} } }
      : undefined;
  }
  const sampling = capabilities.sampling;
  if (sampling === undefined) return { sampling: {} };
  if ((params.tools !== undefined || params.toolChoice !== undefined) && sampling.tools === undefined) {
    return { sampling: { tools: {} } };
  }
  const context = params.includeContext;
  // `sampling.context` arrived with 2025-11-25; before it, includeContext needed no declaration.
  if (
    context !== undefined &&
    context !== 'none' &&
    sampling.context === undefined &&
    version >= '2025-11-25'
  ) {
    return { sampling: { context: {} } };
  }
  return undefined;
}

function describeRequirement(required: ClientCapabilities): string {
  const [name, value] = Object.entries(required)[0] ?? ['', {}];
  const detail = Object.keys(value as object)[0];
  return detail === undefined ? name : `${name}.${detail}`;
}

const CALLER: Readonly<Record<InputMethod, string>> = {
  'elicitation/create': 'ctx.elicit()',
  'sampling/createMessage': 'ctx.sample()',
  'roots/list': 'ctx.roots()',
};

/** The first legacy revision that has the question (and, for some parameters, the parameter). */
function legacyRevisionProblem(
  version: string,
  method: InputMethod,
  params: Record<string, unknown>,
): string | undefined {
  const needs = (since: string, what: string): string | undefined =>
    version >= since
      ? undefined
      : `${what} needs protocol revision ${since} or later; this session uses ${version}`;
  if (method === 'elicitation/create') {
    return params.mode === 'url'
      ? needs('2025-11-25', 'URL-mode elicitation')
      : needs('2025-06-18', 'elicitation');
  }
  if (
    method === 'sampling/createMessage' &&
    (params.tools !== undefined || params.toolChoice !== undefined)
  ) {
    return needs('2025-11-25', 'sampling with tools');
  }
  return undefined;
}

/** The `elicitation/create` params a legacy revision accepts. */
function legacyElicitParams(params: Record<string, unknown>, version: string): Record<string, unknown> {
  if (params.mode === 'url') {
    const { elicitationId, ...rest } = params;
    // 2025-11-25 requires an id per URL elicitation, so the client can correlate completion.
    return {
      ...rest,
      elicitationId: typeof elicitationId === 'string' ? elicitationId : crypto.randomUUID(),
    };
  }
  if (version >= '2025-11-25') return params;
  const { mode: _mode, ...rest } = params;
  return rest;
}

function checkRequestObject(caller: string, request: unknown): asserts request is Record<string, unknown> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new TypeError(`${caller} needs a request object as its first argument`);
  }
}

/** Builds the context for one request. */
export function createHandlerContext(scope: RequestScope): HandlerContextControl {
  let lastProgress = Number.NEGATIVE_INFINITY;
  let finished = false;
  const legacyMemory = new Map<string, unknown>();

  const notify = async (method: string, params: Record<string, unknown>): Promise<void> => {
    try {
      await scope.rpc.notify(method, params);
    } catch (error) {
      // A lost notification must not fail the handler; the closed connection aborts `signal` anyway.
      scope.reportError(asError(error));
    }
  };
  const throttle = createProgressThrottle(scope.progressIntervalMs ?? 0, (params) =>
    notify('notifications/progress', params),
  );

  const progress = async (value: number, total?: number, message?: string): Promise<void> => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new TypeError(
        `ctx.progress(progress): progress must be a finite number, got ${describeValue(value)}`,
      );
    }
    if (total !== undefined && (typeof total !== 'number' || !Number.isFinite(total))) {
      throw new TypeError(
        `ctx.progress(progress, total): total must be a finite number, got ${describeValue(total)}`,
      );
    }
    if (message !== undefined && typeof message !== 'string') {
      throw new TypeError(
        `ctx.progress(progress, total, message): message must be a string, got a ${typeof message}`,
      );
    }
    // Checked even when nobody listens, so the bug shows up with every client, not only with those that ask.
    if (value <= lastProgress) {
      throw new RangeError(
        `ctx.progress(${value}) must be greater than the previous progress (${lastProgress}): progress has to increase with every call`,
      );
    }
    lastProgress = value;
    const token = scope.progressToken;
    if (token === undefined || finished || scope.rpc.signal.aborted) return;
    const params: Record<string, unknown> = { progressToken: token, progress: value };
    if (total !== undefined) params.total = total;
    // `message` arrived with 2025-03-26; the first revision's schema does not know it.
    if (message !== undefined && scope.protocolVersion !== '2024-11-05') params.message = message;
    await throttle.push(params);
  };

  const log = async (level: LoggingLevel, data: unknown, logger?: string): Promise<void> => {
    checkLogCall('ctx.log', level, logger);
    if (finished || scope.rpc.signal.aborted) return;
    const threshold = scope.logThreshold?.();
    if (threshold === undefined || !levelAllows(threshold, level)) return;
    await notify('notifications/message', logParams(level, data, logger));
  };

  async function remember<T>(key: string, compute: () => T | Promise<T>): Promise<T> {
    if (typeof key !== 'string' || key === '') {
      throw new TypeError('ctx.remember(key, compute): key must be a non-empty string');
    }
    if (typeof compute !== 'function') {
      throw new TypeError('ctx.remember(key, compute): compute must be a function');
    }
    if (scope.inputs !== undefined) return scope.inputs.remember(key, compute);
    if (!legacyMemory.has(key)) legacyMemory.set(key, toJsonValue(await compute(), key));
    return legacyMemory.get(key) as T;
  }

  /** Legacy: a server→client request related to this one, answered (or failed) into the handler. */
  const askClient = async <T>(
    method: InputMethod,
    params: Record<string, unknown>,
    options: InputOptions | undefined,
    check: AnswerCheck<T>,
  ): Promise<T> => {
    const caller = CALLER[method];
    const revisionProblem = legacyRevisionProblem(scope.protocolVersion, method, params);
    if (revisionProblem !== undefined) throw new ToolError(`${caller} is not available: ${revisionProblem}`);
    const missing = missingCapability(scope.client.capabilities, method, params, scope.protocolVersion);
    if (missing !== undefined) {
      throw new ToolError(
        `${caller} is not available: the client did not declare the "${describeRequirement(missing)}" capability`,
      );
    }
    const requestOptions: RequestOptions = { signal: scope.rpc.signal };
    if (options?.timeout !== undefined) requestOptions.timeout = options.timeout;
    const wire = method === 'elicitation/create' ? legacyElicitParams(params, scope.protocolVersion) : params;
    if (typeof wire.elicitationId === 'string') scope.trackUrlElicitation?.(wire.elicitationId);
    let answer: unknown;
    try {
      answer = await scope.rpc.request(method, method === 'roots/list' ? undefined : wire, requestOptions);
    } catch (error) {
      // Cancelled: the caller is gone and nothing will be answered; let the error end the handler as it is.
      if (scope.rpc.signal.aborted) throw error;
      throw new ToolError(`The client could not answer ${method}: ${asError(error).message}`, {
        cause: error,
      });
    }
    const checked = check(answer);
    if (!checked.ok) {
      throw new ToolError(`The client answered ${method} with an invalid result: ${checked.problem}`);
    }
    return checked.value;
  };

  const ask = async <T>(
    kind: InputKind,
    method: InputMethod,
    params: Record<string, unknown>,
    options: InputOptions | undefined,
    check: AnswerCheck<T>,
  ): Promise<T> => {
    if (options?.key !== undefined && typeof options.key !== 'string') {
      throw new TypeError(`${CALLER[method]}: options.key must be a string`);
    }
    if (scope.era === 'legacy') return askClient(method, params, options, check);
    const round = scope.inputs;
    if (round === undefined) {
      throw new Error(
        `${CALLER[method]} is only available while handling tools/call, prompts/get or resources/read`,
      );
    }
    const key = round.claimKey(kind, options?.key);
    const missing = missingCapability(scope.client.capabilities, method, params, scope.protocolVersion);
    if (missing !== undefined) {
      throw round.fail(
        new McpError(
          ErrorCode.MissingRequiredClientCapability,
          `Server requires the ${describeRequirement(missing)} capability for this request: declare it in ` +
            `params._meta["io.modelcontextprotocol/clientCapabilities"]`,
          { data: { requiredCapabilities: missing } },
        ),
      );
    }
    // 2026-07-28 has no elicitation ids: the client learns the outcome by retrying.
    const { elicitationId: _legacyOnly, ...modernParams } = params;
    return round.answer(key, method, method === 'elicitation/create' ? modernParams : params, check);
  };

  const context: HandlerContext = {
    signal: scope.rpc.signal,
    requestId: scope.rpc.requestId,
    era: scope.era,
    protocolVersion: scope.protocolVersion,
    client: scope.client,
    authInfo: scope.rpc.extra?.authInfo,
    progress,
    log,
    async elicit(request, options) {
      checkRequestObject('ctx.elicit(request)', request);
      return ask('elicit', 'elicitation/create', { ...request }, options, checkElicitResult);
    },
    async sample(request, options) {
      checkRequestObject('ctx.sample(request)', request);
      return ask('sample', 'sampling/createMessage', { ...request }, options, checkCreateMessageResult);
    },
    async roots(options) {
      const result = await ask('roots', 'roots/list', {}, options, checkListRootsResult);
      return result.roots;
    },
    remember,
    closeSseStream() {
      const close = scope.rpc.extra?.closeSseStream;
      if (finished || close === undefined) return false;
      close();
      return true;
    },
  };
  return {
    context,
    finish() {
      if (finished) return;
      throttle.flush();
      finished = true;
    },
  };
}
