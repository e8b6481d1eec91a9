/**
 * The request engine: one endpoint of a JSON-RPC connection. It allocates ids, correlates responses, applies
 * timeouts, carries cancellation and progress both ways, and dispatches incoming requests and notifications to
 * handlers. Both the client and the server are built on it.
 */
import {
  InvalidMessageError,
  isLocalOnlyErrorCode,
  isMcpError,
  McpError,
  McpErrorCode,
  ProtocolError,
  RequestCancelledError,
  RequestTimeoutError,
  TransportClosedError,
} from './errors.ts';
import type {
  JsonRpcErrorObject,
  JsonRpcErrorResponse,
  JsonRpcMessage,
  JsonRpcNotification,
  JsonRpcRequest,
  JsonRpcResponse,
  RequestId,
} from './messages.ts';
import type { MessageExtra, Transport, TransportSendOptions } from './transport.ts';

/**
 * One `notifications/progress` update, as given to {@link RequestOptions.onProgress}.
 *
 * @example
 * ```ts
 * import type { ProgressUpdate } from '@pmcp/jsonrpc';
 *
 * const show = ({ progress, total, message }: ProgressUpdate): void =>
 *   console.log(`${progress}/${total ?? '?'} ${message ?? ''}`);
 * await engine.request('tools/call', { name: 'index' }, { onProgress: show });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/progress
 */
export interface ProgressUpdate {
  /** Progress so far; increases with every update. */
  progress: number;
  /** The total, when the peer knows it. */
  total?: number;
  /** A human-readable description of the current step. */
  message?: string;
}

/**
 * Options of one outgoing request.
 *
 * @example
 * ```ts
 * import type { RequestOptions } from '@pmcp/jsonrpc';
 *
 * const options: RequestOptions = {
 *   signal: AbortSignal.timeout(120_000),
 *   timeout: 10_000,
 *   resetTimeoutOnProgress: true,
 *   maxTotalTimeout: 300_000,
 *   onProgress: (update) => console.log(update.progress),
 * };
 * await engine.request('tools/call', { name: 'build' }, options);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/cancellation
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/progress
 */
export interface RequestOptions {
  /** Aborting rejects the request with {@link RequestCancelledError} and, if enabled, tells the peer. */
  signal?: AbortSignal;
  /** Milliseconds to wait for the response; default {@link RpcEngineOptions.defaultTimeout}. `Infinity` waits forever. */
  timeout?: number;
  /** Asks the peer for progress (adds `params._meta.progressToken`, the request id unless one is set). */
  onProgress?: (progress: ProgressUpdate) => void;
  /** Each progress update restarts the timeout. Default false. */
  resetTimeoutOnProgress?: boolean;
  /** A hard cap in milliseconds that holds even when progress keeps resetting the timeout. */
  maxTotalTimeout?: number;
  /** The incoming request this one is made on behalf of; passed to `transport.send`. */
  relatedRequestId?: RequestId;
  /**
   * Told the id the engine assigned, synchronously and before the request is sent, so a caller can route
   * messages that name the request (a `subscriptions/listen` stream's notifications) before its answer.
   */
  onRequestId?: (id: RequestId) => void;
}

/**
 * What a request handler gets besides the params.
 *
 * @example
 * ```ts
 * import type { RequestContext } from '@pmcp/jsonrpc';
 *
 * engine.setRequestHandler('tools/call', async (params, ctx: RequestContext) => {
 *   ctx.signal.throwIfAborted();
 *   await ctx.notify('notifications/message', { level: 'info', data: `running ${String(params.name)}` });
 *   return { content: [] };
 * });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/cancellation
 */
export interface RequestContext {
  /** The id of the request being handled. */
  requestId: RequestId;
  /** Its method. */
  method: string;
  /** Aborts on `notifications/cancelled` for this id, on transport close, or when `extra.signal` aborts. */
  signal: AbortSignal;
  /** What the transport knows about the request (auth, headers). */
  extra: MessageExtra | undefined;
  /** Sends a notification related to this request (progress, logs). */
  notify(method: string, params?: Record<string, unknown>): Promise<void>;
  /** Sends a request to the peer related to this request. */
  request(
    method: string,
    params?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<Record<string, unknown>>;
}

/**
 * Handles one incoming request; its return value is the result, a thrown `McpError` the error response.
 *
 * @example
 * ```ts
 * import { McpError, type RequestHandler } from '@pmcp/jsonrpc';
 *
 * const readResource: RequestHandler = (params) => {
 *   if (typeof params.uri !== 'string') throw new McpError(-32602, 'resources/read needs a string "uri".');
 *   return { contents: [] };
 * };
 * engine.setRequestHandler('resources/read', readResource);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#requests
 */
export type RequestHandler = (
  params: Record<string, unknown>,
  ctx: RequestContext,
  request: JsonRpcRequest,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

/**
 * Handles one incoming notification; errors go to `onerror`.
 *
 * @example
 * ```ts
 * import type { NotificationHandler } from '@pmcp/jsonrpc';
 *
 * const onToolsChanged: NotificationHandler = () => {
 *   void refreshTools();
 * };
 * engine.setNotificationHandler('notifications/tools/list_changed', onToolsChanged);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#notifications
 */
export type NotificationHandler = (
  params: Record<string, unknown>,
  notification: JsonRpcNotification,
  extra?: MessageExtra,
) => void | Promise<void>;

/**
 * Wraps the handling of every incoming request, around the method's handler (or the fallback): like a
 * {@link RequestHandler}, plus `next`, which runs the rest of the chain and resolves with the result (or rejects
 * with the handler's error). Call `next()` to pass the request on, `next(otherParams)` to pass it on changed;
 * return without calling it to answer the request yourself, or throw an `McpError` to answer with that error.
 * Middleware runs in the order given, the first outermost, and also sees requests for unknown methods.
 *
 * @example
 * ```ts
 * import { McpError, type RequestMiddleware } from '@pmcp/jsonrpc';
 *
 * const timing: RequestMiddleware = async (params, ctx, next) => {
 *   const started = performance.now();
 *   try {
 *     return await next();
 *   } finally {
 *     console.log(`${ctx.method} took ${(performance.now() - started).toFixed(1)} ms`);
 *   }
 * };
 * const readOnly: RequestMiddleware = (params, ctx, next) => {
 *   if (ctx.method === 'tools/call' && params.name === 'delete_everything') {
 *     throw new McpError(-32602, 'delete_everything is disabled on this deployment');
 *   }
 *   return next();
 * };
 * ```
 */
export type RequestMiddleware = (
  params: Record<string, unknown>,
  ctx: RequestContext,
  next: (params?: Record<string, unknown>) => Promise<Record<string, unknown>>,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

/**
 * Wraps every request this side sends, around the send and the wait for its response: `next` resolves with the
 * peer's result or rejects with its error (or a timeout, a cancellation, a closed connection). Call
 * `next(otherParams)` to send changed params; return without calling it to answer locally (a cache). Runs in the
 * order given, the first outermost. `options` are the caller's request options, read-only.
 *
 * @example
 * ```ts
 * import type { OutgoingRequestMiddleware } from '@pmcp/jsonrpc';
 *
 * const logCalls: OutgoingRequestMiddleware = async (method, params, next) => {
 *   try {
 *     return await next();
 *   } catch (error) {
 *     console.warn(`${method} failed: ${(error as Error).message}`);
 *     throw error;
 *   }
 * };
 * ```
 */
export type OutgoingRequestMiddleware = (
  method: string,
  params: Record<string, unknown> | undefined,
  next: (params?: Record<string, unknown>) => Promise<Record<string, unknown>>,
  options: Readonly<RequestOptions> | undefined,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

/**
 * Options of an {@link RpcEngine}.
 *
 * @example
 * ```ts
 * import { McpError, RpcEngine, type RpcEngineOptions } from '@pmcp/jsonrpc';
 *
 * const options: RpcEngineOptions = {
 *   defaultTimeout: 30_000,
 *   fallbackRequestHandler: (_params, ctx) => {
 *     throw new McpError(-32601, `Method not found: ${ctx.method}. This server only answers tools/*.`);
 *   },
 * };
 * const engine = new RpcEngine(options);
 * ```
 */
export interface RpcEngineOptions {
  /** Default request timeout in milliseconds: 60 000. */
  defaultTimeout?: number;
  /** Send `notifications/cancelled` when a request is aborted or times out. Default true. */
  sendCancelNotifications?: boolean;
  /** Handles requests for methods without a handler. Default: a -32601 error response. */
  fallbackRequestHandler?: RequestHandler;
  /** Handles notifications for methods without a handler. Default: ignore them. */
  fallbackNotificationHandler?: NotificationHandler;
  /**
   * Wraps every incoming request (see {@link RequestMiddleware}). The engine keeps this array, so middleware
   * pushed onto it later (or added with `use`) applies from the next request on.
   */
  middleware?: RequestMiddleware[];
  /** Wraps every outgoing request (see {@link OutgoingRequestMiddleware}); kept like `middleware`. */
  outgoingMiddleware?: OutgoingRequestMiddleware[];
}

/**
 * The default request timeout: 60 seconds.
 *
 * @example
 * ```ts
 * import { DEFAULT_REQUEST_TIMEOUT, RpcEngine } from '@pmcp/jsonrpc';
 *
 * const patient = new RpcEngine({ defaultTimeout: DEFAULT_REQUEST_TIMEOUT * 5 });
 * ```
 */
export const DEFAULT_REQUEST_TIMEOUT: number = 60_000;

// setTimeout overflows above this and fires at once; longer waits are treated as "no timeout".
const MAX_TIMER_DELAY = 2_147_483_647;

const CANCELLED = 'notifications/cancelled';
const PROGRESS = 'notifications/progress';

type ProgressToken = string | number;

interface PendingRequest {
  method: string;
  resolve: (result: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  onProgress: ((progress: ProgressUpdate) => void) | undefined;
  progressToken: ProgressToken | undefined;
  resetTimeoutOnProgress: boolean;
  timeout: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  totalTimer: ReturnType<typeof setTimeout> | undefined;
  // Aborted when we give up on the request, so transports that cancel by closing a stream can do so.
  sendController: AbortController;
  detachSignal: (() => void) | undefined;
}

/**
 * One endpoint of a JSON-RPC connection over a {@link Transport}.
 *
 * Responses are matched to requests by id only, never by arrival order. Ids are consecutive integers from 1.
 *
 * @example
 * ```ts
 * import { RpcEngine, createInMemoryTransportPair } from '@pmcp/jsonrpc';
 *
 * const [clientSide, serverSide] = createInMemoryTransportPair();
 * const server = new RpcEngine();
 * server.setRequestHandler('tools/call', async (params, ctx) => {
 *   await ctx.notify('notifications/progress', { progressToken: ctx.requestId, progress: 1, total: 1 });
 *   return { content: [{ type: 'text', text: `called ${String(params.name)}` }] };
 * });
 * await server.connect(serverSide);
 *
 * const client = new RpcEngine({ defaultTimeout: 10_000 });
 * await client.connect(clientSide);
 * const result = await client.request('tools/call', { name: 'echo' }, { onProgress: (p) => console.log(p) });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic
 */
export class RpcEngine {
  /** Whether aborted and timed-out requests are announced to the peer; the client sets it per era and transport. */
  sendCancelNotifications: boolean;
  /** Called once when the connection closes. */
  onclose?: () => void;
  /** Called for errors that do not belong to one request: protocol violations, handler failures, send failures. */
  onerror?: (error: Error) => void;

  readonly #defaultTimeout: number;
  readonly #fallbackRequestHandler: RequestHandler | undefined;
  readonly #fallbackNotificationHandler: NotificationHandler | undefined;
  readonly #requestHandlers = new Map<string, RequestHandler>();
  readonly #notificationHandlers = new Map<string, NotificationHandler>();
  readonly #pending = new Map<RequestId, PendingRequest>();
  readonly #progressOwners = new Map<ProgressToken, RequestId>();
  readonly #inFlight = new Map<RequestId, { controller: AbortController; method: string }>();
  readonly #middleware: RequestMiddleware[];
  readonly #outgoingMiddleware: OutgoingRequestMiddleware[];
  #transport: Transport | undefined;
  #nextId = 1;

  constructor(options?: RpcEngineOptions) {
    this.#defaultTimeout = options?.defaultTimeout ?? DEFAULT_REQUEST_TIMEOUT;
    this.sendCancelNotifications = options?.sendCancelNotifications ?? true;
    this.#fallbackRequestHandler = options?.fallbackRequestHandler;
    this.#fallbackNotificationHandler = options?.fallbackNotificationHandler;
    // The given arrays themselves, not copies: their owner (a server, across connections) may add to them later.
    this.#middleware = checkedInPlace(options?.middleware ?? [], 'RpcEngine options.middleware');
    this.#outgoingMiddleware = checkedInPlace(
      options?.outgoingMiddleware ?? [],
      'RpcEngine options.outgoingMiddleware',
    );
  }

  /** Adds middleware around every incoming request, inside (after) the middleware already there. */
  use(middleware: RequestMiddleware): this {
    this.#middleware.push(checkMiddlewareFunction(middleware, 'RpcEngine.use'));
    return this;
  }

  /** Adds middleware around every outgoing request, inside (after) the middleware already there. */
  useOutgoing(middleware: OutgoingRequestMiddleware): this {
    this.#outgoingMiddleware.push(checkMiddlewareFunction(middleware, 'RpcEngine.useOutgoing'));
    return this;
  }

  /** The connected transport; `undefined` before `connect` and after the connection closed. */
  get transport(): Transport | undefined {
    return this.#transport;
  }

  /**
   * Takes over the transport's `onmessage`, `onerror` and `onclose`, then starts it. After a close the engine
   * can be connected again.
   */
  async connect(transport: Transport): Promise<void> {
    if (this.#transport !== undefined) {
      throw new Error(
        'This RpcEngine is already connected to a transport. Call close() first, or create one engine per connection.',
      );
    }
    this.#transport = transport;
    transport.onmessage = (message, extra) => this.#onMessage(transport, message, extra);
    transport.onerror = (error) => this.#onTransportError(transport, error);
    transport.onclose = () => this.#onClose(transport);
    try {
      await transport.start();
    } catch (error) {
      // Never opened, so there is nothing to close: the engine is free to connect another transport.
      if (this.#transport === transport) this.#transport = undefined;
      throw error;
    }
  }

  /** Closes the transport; pending requests reject with {@link TransportClosedError}. */
  async close(): Promise<void> {
    const transport = this.#transport;
    if (transport === undefined) return;
    try {
      await transport.close();
    } finally {
      // In case the transport does not report its own close.
      this.#onClose(transport);
    }
  }

  /**
   * Sends a request and resolves with its result; rejects with the peer's error as an {@link McpError}, or with
   * {@link RequestTimeoutError}, {@link RequestCancelledError} or {@link TransportClosedError}.
   */
  request(
    method: string,
    params?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<Record<string, unknown>> {
    const chain = this.#outgoingMiddleware;
    if (chain.length === 0) return this.#request(method, params, options);
    const step = (
      index: number,
      current: Record<string, unknown> | undefined,
    ): Promise<Record<string, unknown>> => {
      const middleware = chain[index];
      if (middleware === undefined) return this.#request(method, current, options);
      let called = false;
      const next = (changed?: Record<string, unknown>): Promise<Record<string, unknown>> => {
        if (called)
          return Promise.reject(
            new Error(`Outgoing middleware ${index} called next() twice for "${method}".`),
          );
        called = true;
        return step(index + 1, changed ?? current);
      };
      try {
        return Promise.resolve(middleware(method, current, next, options));
      } catch (error) {
        return Promise.reject(error);
      }
    };
    return step(0, params);
  }

  #request(
    method: string,
    params: Record<string, unknown> | undefined,
    options: RequestOptions | undefined,
  ): Promise<Record<string, unknown>> {
    const transport = this.#transport;
    if (transport === undefined) {
      return Promise.reject(
        new TransportClosedError(
          `Cannot send "${method}": the engine is not connected. Call connect(transport) first.`,
        ),
      );
    }
    const signal = options?.signal;
    if (signal?.aborted) {
      return Promise.reject(new RequestCancelledError(method, { cause: signal.reason }));
    }
    const timeout = options?.timeout ?? this.#defaultTimeout;
    const maxTotalTimeout = options?.maxTotalTimeout;
    const badTimeout = checkTimeout('timeout', timeout) ?? checkTimeout('maxTotalTimeout', maxTotalTimeout);
    if (badTimeout !== undefined) return Promise.reject(badTimeout);

    const id = this.#nextId++;
    const onProgress = options?.onProgress;
    let progressToken: ProgressToken | undefined;
    let sentParams = params;
    if (onProgress !== undefined) {
      const meta = params?._meta as Record<string, unknown> | undefined;
      const callerToken = meta?.progressToken;
      if (typeof callerToken === 'string' || typeof callerToken === 'number') {
        progressToken = callerToken;
      } else {
        progressToken = id;
        // A copy: the caller's params object is never modified.
        sentParams = { ...params, _meta: { ...meta, progressToken } };
      }
      if (this.#progressOwners.has(progressToken)) {
        return Promise.reject(
          new McpError(
            McpErrorCode.InvalidParams,
            `Cannot send "${method}": progress token ${JSON.stringify(progressToken)} is already used by another active request. Progress tokens must be unique among active requests; omit _meta.progressToken to use the request id.`,
          ),
        );
      }
    }

    const message: JsonRpcRequest = { jsonrpc: '2.0', id, method };
    if (sentParams !== undefined) message.params = sentParams;
    options?.onRequestId?.(id);

    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const pending: PendingRequest = {
        method,
        resolve,
        reject,
        onProgress,
        progressToken,
        resetTimeoutOnProgress: options?.resetTimeoutOnProgress ?? false,
        timeout,
        timer: undefined,
        totalTimer: undefined,
        sendController: new AbortController(),
        detachSignal: undefined,
      };
      this.#pending.set(id, pending);
      if (progressToken !== undefined) this.#progressOwners.set(progressToken, id);

      this.#armTimer(id, pending);
      if (maxTotalTimeout !== undefined && maxTotalTimeout <= MAX_TIMER_DELAY) {
        pending.totalTimer = setTimeout(
          () =>
            this.#giveUp(id, new RequestTimeoutError(method, maxTotalTimeout, { limit: 'maxTotalTimeout' })),
          maxTotalTimeout,
        );
      }
      if (signal !== undefined) {
        const onAbort = (): void =>
          this.#giveUp(id, new RequestCancelledError(method, { cause: signal.reason }));
        signal.addEventListener('abort', onAbort, { once: true });
        pending.detachSignal = () => signal.removeEventListener('abort', onAbort);
      }

      const sendOptions =
        options?.relatedRequestId === undefined
          ? { signal: pending.sendController.signal }
          : { signal: pending.sendController.signal, relatedRequestId: options.relatedRequestId };
      send(transport, message, sendOptions).catch((error: unknown) => {
        if (this.#settle(id) === undefined) return;
        reject(asError(error));
      });
    });
  }

  /** Sends a notification. Rejects with {@link TransportClosedError} when not connected. */
  notify(
    method: string,
    params?: Record<string, unknown>,
    options?: { relatedRequestId?: RequestId },
  ): Promise<void> {
    const transport = this.#transport;
    if (transport === undefined) {
      return Promise.reject(
        new TransportClosedError(
          `Cannot send "${method}": the engine is not connected. Call connect(transport) first.`,
        ),
      );
    }
    const message: JsonRpcNotification = { jsonrpc: '2.0', method };
    if (params !== undefined) message.params = params;
    return send(
      transport,
      message,
      options?.relatedRequestId === undefined ? undefined : { relatedRequestId: options.relatedRequestId },
    );
  }

  /** Registers the handler for a request method, replacing any earlier one. */
  setRequestHandler(method: string, handler: RequestHandler): void {
    this.#requestHandlers.set(method, handler);
  }

  /** Removes the handler for a request method; such requests then go to the fallback. */
  removeRequestHandler(method: string): void {
    this.#requestHandlers.delete(method);
  }

  /**
   * Registers the handler for a notification method, replacing any earlier one. The engine itself consumes
   * `notifications/cancelled` and `notifications/progress`; a handler registered for them is called as well.
   */
  setNotificationHandler(method: string, handler: NotificationHandler): void {
    this.#notificationHandlers.set(method, handler);
  }

  /** Removes the handler for a notification method. */
  removeNotificationHandler(method: string): void {
    this.#notificationHandlers.delete(method);
  }

  // ---------------------------------------------------------------- outgoing requests

  #armTimer(id: RequestId, pending: PendingRequest): void {
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    pending.timer =
      pending.timeout > MAX_TIMER_DELAY
        ? undefined
        : setTimeout(
            () => this.#giveUp(id, new RequestTimeoutError(pending.method, pending.timeout)),
            pending.timeout,
          );
  }

  /** Removes a pending request and its timers and listeners; returns it if it was still pending. */
  #settle(id: RequestId): PendingRequest | undefined {
    const pending = this.#pending.get(id);
    if (pending === undefined) return undefined;
    this.#pending.delete(id);
    if (pending.progressToken !== undefined) this.#progressOwners.delete(pending.progressToken);
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    if (pending.totalTimer !== undefined) clearTimeout(pending.totalTimer);
    pending.detachSignal?.();
    return pending;
  }

  /** Our side stops waiting (abort or timeout): reject, and tell the peer. */
  #giveUp(id: RequestId, error: RequestCancelledError | RequestTimeoutError): void {
    const pending = this.#settle(id);
    if (pending === undefined) return;
    pending.sendController.abort(error);
    pending.reject(error);
    // The spec forbids cancelling initialize.
    if (this.sendCancelNotifications && pending.method !== 'initialize' && this.#transport !== undefined) {
      const reason = error instanceof RequestTimeoutError ? error.message : describeAbortReason(error.cause);
      const params: Record<string, unknown> = { requestId: id };
      if (reason !== undefined) params.reason = reason;
      this.notify(CANCELLED, params).catch((sendError: unknown) => this.#report(asError(sendError)));
    }
  }

  #onResponse(response: JsonRpcResponse): void {
    const id = response.id;
    if (id === undefined || id === null) {
      // An error the peer could not attribute to any of our messages (it could not parse one).
      const error = (response as JsonRpcErrorResponse).error;
      this.#report(
        new ProtocolError(
          `The peer reported an error that names no request: ${error.code} ${error.message}. One of the messages sent to it was probably malformed.`,
          { cause: McpError.fromJsonRpcError(error) },
        ),
      );
      return;
    }
    const pending = this.#settle(id);
    if (pending === undefined) {
      this.#report(
        new ProtocolError(
          `Received a response for unknown request id ${JSON.stringify(id)}; dropped it. The request may have timed out or been cancelled already, or the peer echoed a wrong id.`,
          { data: { id } },
        ),
      );
      return;
    }
    if ('result' in response) pending.resolve(response.result);
    else pending.reject(McpError.fromJsonRpcError(response.error));
  }

  #onProgress(params: Record<string, unknown>): void {
    const token = params.progressToken;
    if (typeof token !== 'string' && typeof token !== 'number') return;
    const id = this.#progressOwners.get(token);
    // Progress for a finished request (or one we never asked progress for) is expected and ignored.
    if (id === undefined) return;
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    const progress = params.progress;
    if (typeof progress !== 'number') {
      this.#report(
        new ProtocolError(
          `Received notifications/progress for "${pending.method}" without a numeric "progress"; ignored it.`,
          { code: McpErrorCode.InvalidParams, data: { progressToken: token } },
        ),
      );
      return;
    }
    if (pending.resetTimeoutOnProgress) this.#armTimer(id, pending);
    const update: ProgressUpdate = { progress };
    if (typeof params.total === 'number') update.total = params.total;
    if (typeof params.message === 'string') update.message = params.message;
    try {
      pending.onProgress?.(update);
    } catch (error) {
      this.#report(asError(error));
    }
  }

  // ---------------------------------------------------------------- incoming messages

  #onMessage(transport: Transport, message: JsonRpcMessage, extra: MessageExtra | undefined): void {
    if (transport !== this.#transport) return;
    if ('method' in message) {
      if ('id' in message && message.id !== undefined) this.#onRequest(transport, message, extra);
      else this.#onNotification(message, extra);
    } else {
      this.#onResponse(message);
    }
  }

  #onRequest(transport: Transport, request: JsonRpcRequest, extra: MessageExtra | undefined): void {
    const id = request.id;
    if (this.#inFlight.has(id)) {
      this.#reply(transport, {
        jsonrpc: '2.0',
        id,
        error: {
          code: McpErrorCode.InvalidRequest,
          message: `Invalid request: id ${JSON.stringify(id)} is already used by a request still in progress. Use a new id for every request.`,
        },
      });
      return;
    }
    const controller = new AbortController();
    const entry = { controller, method: request.method };
    this.#inFlight.set(id, entry);
    const extraSignal = extra?.signal;
    let detachExtra: (() => void) | undefined;
    if (extraSignal !== undefined) {
      if (extraSignal.aborted) controller.abort(extraSignal.reason);
      else {
        const onAbort = (): void => controller.abort(extraSignal.reason);
        extraSignal.addEventListener('abort', onAbort, { once: true });
        detachExtra = () => extraSignal.removeEventListener('abort', onAbort);
      }
    }
    const ctx: RequestContext = {
      requestId: id,
      method: request.method,
      signal: controller.signal,
      extra,
      notify: (method, params) => this.notify(method, params, { relatedRequestId: id }),
      request: (method, params, options) =>
        this.request(method, params, { ...options, relatedRequestId: id }),
    };
    const handler =
      this.#requestHandlers.get(request.method) ?? this.#fallbackRequestHandler ?? methodNotFound;
    void this.#runHandler(transport, request, handler, ctx, controller).finally(() => {
      detachExtra?.();
      if (this.#inFlight.get(id) === entry) this.#inFlight.delete(id);
    });
  }

  async #runHandler(
    transport: Transport,
    request: JsonRpcRequest,
    handler: RequestHandler,
    ctx: RequestContext,
    controller: AbortController,
  ): Promise<void> {
    let response: JsonRpcResponse;
    try {
      const result: unknown = await this.#handle(handler, request.params ?? {}, ctx, request);
      if (typeof result !== 'object' || result === null || Array.isArray(result)) {
        throw new TypeError(
          `The handler for "${request.method}" returned ${result === null ? 'null' : Array.isArray(result) ? 'an array' : typeof result} instead of a result object. Return an object (use {} for an empty result).`,
        );
      }
      response = { jsonrpc: '2.0', id: request.id, result: result as Record<string, unknown> };
    } catch (error) {
      response = { jsonrpc: '2.0', id: request.id, error: this.#toWireError(error, request.method) };
    }
    // Cancelled (the peer no longer wants it), or the connection is gone: nobody to answer.
    if (controller.signal.aborted || transport !== this.#transport) return;
    this.#reply(transport, response, request.id);
  }

  /** The handler inside the middleware chain; a middleware that calls `next` twice gets an error. */
  #handle(
    handler: RequestHandler,
    params: Record<string, unknown>,
    ctx: RequestContext,
    request: JsonRpcRequest,
  ): Promise<Record<string, unknown>> | Record<string, unknown> {
    const chain = this.#middleware;
    if (chain.length === 0) return handler(params, ctx, request);
    const step = async (
      index: number,
      current: Record<string, unknown>,
    ): Promise<Record<string, unknown>> => {
      const middleware = chain[index];
      if (middleware === undefined)
        return handler(current, ctx, current === params ? request : { ...request, params: current });
      let called = false;
      return middleware(current, ctx, (changed) => {
        if (called)
          return Promise.reject(new Error(`Middleware ${index} called next() twice for "${ctx.method}".`));
        called = true;
        return step(index + 1, changed ?? current);
      });
    };
    return step(0, params);
  }

  #toWireError(error: unknown, method: string): JsonRpcErrorObject {
    if (isMcpError(error)) {
      if (!isLocalOnlyErrorCode(error.code)) return error.toJsonRpcError();
      // Timeouts, cancellations and closed connections of our own requests are internal errors to the peer.
      const wire: JsonRpcErrorObject = { code: McpErrorCode.InternalError, message: error.message };
      if (error.data !== undefined) wire.data = error.data;
      return wire;
    }
    this.#report(
      new McpError(
        McpErrorCode.InternalError,
        `The handler for "${method}" threw: ${describeThrown(error)}`,
        {
          cause: error,
        },
      ),
    );
    return { code: McpErrorCode.InternalError, message: 'Internal error' };
  }

  #reply(transport: Transport, response: JsonRpcResponse, relatedRequestId?: RequestId): void {
    send(transport, response, relatedRequestId === undefined ? undefined : { relatedRequestId }).catch(
      (error: unknown) => this.#report(asError(error)),
    );
  }

  #onNotification(notification: JsonRpcNotification, extra: MessageExtra | undefined): void {
    const params = notification.params ?? {};
    if (notification.method === CANCELLED) this.#onCancelled(params);
    else if (notification.method === PROGRESS) this.#onProgress(params);
    const handler =
      this.#notificationHandlers.get(notification.method) ??
      (notification.method === CANCELLED || notification.method === PROGRESS
        ? undefined
        : this.#fallbackNotificationHandler);
    if (handler === undefined) return;
    try {
      const returned = handler(params, notification, extra);
      if (returned instanceof Promise) returned.catch((error: unknown) => this.#report(asError(error)));
    } catch (error) {
      this.#report(asError(error));
    }
  }

  #onCancelled(params: Record<string, unknown>): void {
    const id = params.requestId;
    if (typeof id !== 'string' && typeof id !== 'number') return;
    const entry = this.#inFlight.get(id);
    // Unknown or finished ids are expected (the response crossed the notification) and ignored.
    if (entry === undefined) return;
    // The peer considers the request over, so its id may be reused right away.
    this.#inFlight.delete(id);
    const reason = typeof params.reason === 'string' ? params.reason : undefined;
    entry.controller.abort(
      new RequestCancelledError(entry.method, {
        message: `The peer cancelled request ${JSON.stringify(id)} ("${entry.method}")${reason === undefined ? '' : `: ${reason}`}.`,
        cause: reason,
      }),
    );
  }

  #onTransportError(transport: Transport, error: Error): void {
    if (error instanceof InvalidMessageError && transport === this.#transport) {
      this.#reply(transport, error.reply);
    }
    this.#report(error);
  }

  #onClose(transport: Transport): void {
    if (transport !== this.#transport) return;
    this.#transport = undefined;
    const closed = new TransportClosedError(
      'The connection closed before a response arrived. Reconnect and send the request again if it is still needed.',
    );
    for (const id of [...this.#pending.keys()]) {
      const pending = this.#settle(id);
      pending?.reject(closed);
    }
    for (const { controller } of this.#inFlight.values()) controller.abort(closed);
    this.#inFlight.clear();
    try {
      this.onclose?.();
    } catch (error) {
      this.#report(asError(error));
    }
  }

  #report(error: Error): void {
    try {
      this.onerror?.(error);
    } catch {
      // onerror is the last resort; an error thrown from it has nowhere left to go.
    }
  }
}

/** Sends without letting a transport that throws synchronously escape as an exception. */
function send(
  transport: Transport,
  message: JsonRpcMessage,
  options: TransportSendOptions | undefined,
): Promise<void> {
  try {
    return options === undefined ? transport.send(message) : transport.send(message, options);
  } catch (error) {
    return Promise.reject(error);
  }
}

function checkMiddlewareFunction<T>(middleware: T, where: string): T {
  if (typeof middleware !== 'function') {
    throw new TypeError(
      `${where}: middleware must be a function (params, ctx, next) => result, got ${typeof middleware}.`,
    );
  }
  return middleware;
}

/**
 * A fresh array of the given middleware (none when `undefined`), each checked to be a function; a mistake throws a
 * `TypeError` that starts with `where`. What `createServer` and `createClient` use on their options.
 *
 * @example
 * ```ts
 * import { middlewareList, type RequestMiddleware } from '@pmcp/jsonrpc';
 *
 * const chain: RequestMiddleware[] = middlewareList([(params, ctx, next) => next()], 'myServer options.middleware');
 * ```
 */
export function middlewareList<T>(list: readonly T[] | undefined, where: string): T[] {
  return list === undefined ? [] : [...checkedInPlace(list, where)];
}

/** The array itself, each entry checked to be a function. */
function checkedInPlace<T extends readonly unknown[]>(list: T, where: string): T {
  if (!Array.isArray(list)) throw new TypeError(`${where} must be an array of middleware functions.`);
  for (const middleware of list) checkMiddlewareFunction(middleware, where);
  return list;
}

function methodNotFound(_params: Record<string, unknown>, ctx: RequestContext): never {
  throw new McpError(McpErrorCode.MethodNotFound, `Method not found: ${ctx.method}`);
}

function checkTimeout(name: string, value: number | undefined): RangeError | undefined {
  if (value === undefined || value > 0) return undefined;
  return new RangeError(
    `${name} must be a positive number of milliseconds (Infinity to wait forever), got ${String(value)}.`,
  );
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function describeThrown(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeAbortReason(reason: unknown): string | undefined {
  if (typeof reason === 'string') return reason;
  if (reason instanceof Error) return reason.message;
  return undefined;
}
