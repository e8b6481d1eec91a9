/**
 * `retry`: sends a request again when it failed in a way that is safe and worth retrying, with exponential
 * backoff (p-retry) that honours the peer's `retryAfterMs`.
 */
import {
  isJsonRpcErrorResponse,
  isJsonRpcNotification,
  isJsonRpcRequest,
  isJsonRpcResponse,
  type JsonRpcMessage,
  type JsonRpcRequest,
  McpError,
  McpErrorCode,
  type MessageExtra,
  RequestCancelledError,
  type RequestId,
  type Transport,
  TransportClosedError,
  type TransportSendOptions,
} from '@pmcp/jsonrpc';
import pRetry from 'p-retry';
import { MiddlewareErrorCode } from './errors.ts';
import { ForwardingTransport, sendThrough } from './forwarding.ts';

/**
 * Methods that change nothing on the server, or change it to the same state however often they run: after a
 * failure that may have happened once the server had the request (a dropped connection, HTTP 500/502/504),
 * only these are sent again by default.
 *
 * @example
 * ```ts
 * import { IDEMPOTENT_METHODS, retry } from '@pmcp/middleware';
 *
 * // Also retry a tool the application knows to be safe to repeat:
 * const decorator = retry({ idempotentMethods: [...IDEMPOTENT_METHODS, 'tools/call'] });
 * ```
 */
export const IDEMPOTENT_METHODS: readonly string[] = Object.freeze([
  'ping',
  'server/discover',
  'tools/list',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'roots/list',
  'tasks/get',
  'tasks/list',
  'tasks/result',
]);

/**
 * How an attempt failed: `refused` when the failure shows the peer did not act on the request (rate limited,
 * HTTP 429 or 503, connection refused), `uncertain` when it may have (a dropped connection, HTTP 500, 502,
 * 504 or 408), `final` when sending again cannot help (any other error response, a closed transport).
 *
 * @example
 * ```ts
 * import { retry, type RetryFailureKind } from '@pmcp/middleware';
 *
 * const onlyRefusals = retry({ shouldRetry: ({ kind }) => kind === ('refused' satisfies RetryFailureKind) });
 * ```
 */
export type RetryFailureKind = 'refused' | 'uncertain' | 'final';

/**
 * What {@link RetryOptions.shouldRetry} and {@link RetryOptions.onRetry} are told about a failed attempt.
 *
 * @example
 * ```ts
 * import { retry, type RetryContext } from '@pmcp/middleware';
 *
 * const log = (context: RetryContext) =>
 *   console.warn(`${context.request.method} attempt ${context.attemptNumber} failed (${context.error.message}); next in ${context.delayMs} ms`);
 * const decorator = retry({ onRetry: log });
 * ```
 */
export interface RetryContext {
  /** The request that failed; it is sent again unchanged (same id). */
  readonly request: JsonRpcRequest;
  /** The rejected send's error, or the error response as an `McpError`. */
  readonly error: Error;
  readonly kind: RetryFailureKind;
  /** 1 for the first attempt. */
  readonly attemptNumber: number;
  /** Retries left after this one, if it is retried. */
  readonly retriesLeft: number;
  /** How long the decorator waits before the next attempt: the backoff, or the peer's `retryAfterMs` if longer. */
  readonly delayMs: number;
  /** Whether the default rules would retry (see {@link RetryOptions.shouldRetry}). */
  readonly retryByDefault: boolean;
}

/**
 * Options of {@link retry}. Delays grow from `minTimeout` by `factor` up to `maxTimeout`, randomized by a factor
 * between 1 and 2 unless `randomize` is false; a `retryAfterMs` in the error's data (the rate limiter's answer,
 * or HTTP `Retry-After`) is waited out if it is longer.
 *
 * @example
 * ```ts
 * import { retry, type RetryOptions } from '@pmcp/middleware';
 *
 * const options: RetryOptions = { retries: 5, minTimeout: 100, maxTimeout: 2_000, maxRetryTime: 20_000 };
 * const decorator = retry(options);
 * ```
 */
export interface RetryOptions {
  /** Retries after the first attempt. Default 3. */
  retries?: number;
  /** Delay before the first retry, ms. Default 200. */
  minTimeout?: number;
  /** Largest backoff delay, ms. Default 5 000. */
  maxTimeout?: number;
  /** Growth of the delay per retry. Default 2. */
  factor?: number;
  /** Multiplies each backoff delay by a random factor between 1 and 2, so clients do not retry in step. Default true. */
  randomize?: boolean;
  /**
   * Time budget for one request's retries, ms, from its first attempt: no retry starts after it, and one whose
   * `retryAfterMs` would end past it is not made. Default 30 000. (The endpoint's request timeout still applies
   * to the whole sequence.)
   */
  maxRetryTime?: number;
  /**
   * Error-response codes that mean the peer refused the request without acting on it, so it is sent again
   * whatever its method. Default `[MiddlewareErrorCode.RateLimited]` (-31429, the {@link rateLimit} answer).
   */
  retryCodes?: readonly number[];
  /** Methods retried after an `uncertain` failure. Default {@link IDEMPOTENT_METHODS}. */
  idempotentMethods?: readonly string[];
  /**
   * Also retry a `tools/call` after an `uncertain` failure when the server's `tools/list` (as seen through this
   * transport) annotated that tool `readOnlyHint: true` or `idempotentHint: true`: the server's own statement that
   * running it twice does no harm. Default true; false treats every tool call as unsafe to repeat.
   */
  trustToolAnnotations?: boolean;
  /**
   * Replaces the default decision (retry `refused` failures of any request, `uncertain` ones of idempotent
   * methods, never `final` ones); `context.retryByDefault` is that decision. Retries and time limits still apply.
   */
  shouldRetry?: (context: RetryContext) => boolean;
  /** Called before waiting for each retry. */
  onRetry?: (context: RetryContext) => void;
}

/**
 * A transport decorator that is also the handle on its counters.
 *
 * @example
 * ```ts
 * import { retry, type RetryDecorator } from '@pmcp/middleware';
 *
 * const decorator: RetryDecorator = retry();
 * // await client.connect(decorator(transport));
 * console.log(decorator.stats()); // { requests: 0, retries: 0, recovered: 0, exhausted: 0 }
 * ```
 */
export interface RetryDecorator {
  (next: Transport): Transport;
  /** Counts since the decorator was made, over every transport it decorates. */
  stats(): RetryStats;
}

/**
 * Counters of a {@link RetryDecorator}.
 *
 * @example
 * ```ts
 * import { retry, type RetryStats } from '@pmcp/middleware';
 *
 * const stats: RetryStats = retry().stats();
 * console.log(`${stats.recovered} requests succeeded only thanks to a retry`);
 * ```
 */
export interface RetryStats {
  /** Requests sent through the decorator. */
  requests: number;
  /** Attempts after the first. */
  retries: number;
  /** Requests whose last attempt succeeded after at least one retry. */
  recovered: number;
  /** Requests that failed on a retryable failure with no retry or time left. */
  exhausted: number;
}

interface Settings {
  retries: number;
  minTimeout: number;
  maxTimeout: number;
  factor: number;
  randomize: boolean;
  maxRetryTime: number;
  retryCodes: ReadonlySet<number>;
  idempotent: ReadonlySet<string>;
  trustToolAnnotations: boolean;
  shouldRetry: ((context: RetryContext) => boolean) | undefined;
  onRetry: ((context: RetryContext) => void) | undefined;
}

/** An error response with a retry code: thrown inside an attempt so p-retry sees a failure. */
class RetryableResponse extends Error {
  readonly response: JsonRpcMessage;
  readonly extra: MessageExtra | undefined;
  readonly error: McpError;
  constructor(response: JsonRpcMessage & { error: { code: number; message: string } }, extra?: MessageExtra) {
    super(response.error.message);
    this.response = response;
    this.extra = extra;
    this.error = McpError.fromJsonRpcError(response.error);
  }
}

interface Reply {
  message: JsonRpcMessage;
  extra: MessageExtra | undefined;
}

interface Waiter {
  resolve(reply: Reply): void;
  reject(error: unknown): void;
}

class RetryTransport extends ForwardingTransport {
  readonly #settings: Settings;
  readonly #stats: RetryStats;
  readonly #waiting = new Map<RequestId, Waiter>();
  // Requests in their retry sequence, so a cancellation stops them even when no signal was passed.
  readonly #sequences = new Map<RequestId, { controller: AbortController; method: string }>();
  // Tools the server annotated read-only or idempotent, learned from the tools/list responses passing through.
  readonly #repeatableTools = new Set<string>();
  readonly #toolListings = new Set<RequestId>();
  #closing = false;

  constructor(inner: Transport, settings: Settings, stats: RetryStats) {
    super(inner);
    this.#settings = settings;
    this.#stats = stats;
  }

  override send(message: JsonRpcMessage, options?: TransportSendOptions): Promise<void> {
    if (isJsonRpcNotification(message) && message.method === 'notifications/cancelled') {
      const id = (message.params as { requestId?: unknown } | undefined)?.requestId;
      const sequence = typeof id === 'string' || typeof id === 'number' ? this.#sequences.get(id) : undefined;
      sequence?.controller.abort(new RequestCancelledError(sequence.method));
    }
    if (!isJsonRpcRequest(message)) return super.send(message, options);
    if (message.method === 'tools/list' && this.#settings.trustToolAnnotations)
      this.#toolListings.add(message.id);
    return this.#sendWithRetries(message, options);
  }

  override close(): Promise<void> {
    this.#closing = true;
    return super.close();
  }

  protected override receive(message: JsonRpcMessage, extra: MessageExtra | undefined): void {
    if (isJsonRpcResponse(message) && message.id !== undefined && message.id !== null) {
      if (this.#toolListings.delete(message.id) && 'result' in message) this.#learnTools(message.result);
      const waiter = this.#waiting.get(message.id);
      if (waiter !== undefined) {
        this.#waiting.delete(message.id);
        waiter.resolve({ message, extra });
        return;
      }
    }
    this.deliver(message, extra);
  }

  protected override handleClose(): void {
    const closed = new TransportClosedError(
      this.#closing
        ? 'The transport was closed while the request waited for its response.'
        : 'The connection closed before the response arrived.',
    );
    for (const waiter of this.#waiting.values()) waiter.reject(closed);
    this.#waiting.clear();
    this.#toolListings.clear();
    for (const sequence of this.#sequences.values()) sequence.controller.abort(closed);
    super.handleClose();
  }

  async #sendWithRetries(request: JsonRpcRequest, options: TransportSendOptions | undefined): Promise<void> {
    const settings = this.#settings;
    const stats = this.#stats;
    stats.requests++;
    const sequence = new AbortController();
    const callerSignal = options?.signal;
    const onCallerAbort = (): void => sequence.abort(callerSignal?.reason);
    if (callerSignal?.aborted === true) onCallerAbort();
    else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    const entry = { controller: sequence, method: request.method };
    this.#sequences.set(request.id, entry);
    const started = performance.now();
    let attempts = 0;
    // The policy said no to the last failure (as opposed to running out of retries or time).
    let declined = false;
    try {
      const reply = await pRetry(
        async () => {
          attempts++;
          if (attempts > 1) stats.retries++;
          const response = this.#expect(request.id, sequence.signal);
          // Awaited only when the send succeeds; a failed send abandons it.
          response.catch(() => {});
          try {
            await sendThrough(this.inner, request, options);
          } catch (error) {
            this.#forget(request.id);
            throw asError(error);
          }
          const answer = await response;
          const message = answer.message;
          if (isJsonRpcErrorResponse(message) && settings.retryCodes.has(message.error.code)) {
            throw new RetryableResponse(message, answer.extra);
          }
          return answer;
        },
        {
          retries: settings.retries,
          factor: settings.factor,
          minTimeout: settings.minTimeout,
          maxTimeout: settings.maxTimeout,
          randomize: settings.randomize,
          maxRetryTime: settings.maxRetryTime,
          signal: sequence.signal,
          shouldRetry: async (context) => {
            const verdict = await this.#decide(request, context, started, sequence.signal);
            declined = verdict === 'declined';
            return verdict === 'retry';
          },
        },
      );
      if (attempts > 1) stats.recovered++;
      this.deliver(reply.message, reply.extra);
    } catch (error) {
      if (!sequence.signal.aborted && !declined && this.#retryByDefault(request, error)) stats.exhausted++;
      if (error instanceof RetryableResponse) {
        // Out of retries: the caller gets the peer's own answer.
        this.deliver(error.response, error.extra);
        return;
      }
      throw error;
    } finally {
      this.#forget(request.id);
      this.#toolListings.delete(request.id);
      callerSignal?.removeEventListener('abort', onCallerAbort);
      if (this.#sequences.get(request.id) === entry) this.#sequences.delete(request.id);
    }
  }

  async #decide(
    request: JsonRpcRequest,
    failure: { error: Error; attemptNumber: number; retriesLeft: number; retryDelay: number },
    started: number,
    signal: AbortSignal,
  ): Promise<'retry' | 'declined' | 'out of time'> {
    const settings = this.#settings;
    const error = failure.error instanceof RetryableResponse ? failure.error.error : failure.error;
    const retryAfterMs = retryAfterOf(error);
    const delayMs = Math.max(failure.retryDelay, retryAfterMs ?? 0);
    const retryByDefault = this.#retryByDefault(request, failure.error);
    const context: RetryContext = {
      request,
      error,
      kind: failure.error instanceof RetryableResponse ? 'refused' : classify(error),
      attemptNumber: failure.attemptNumber,
      retriesLeft: failure.retriesLeft,
      delayMs,
      retryByDefault,
    };
    const wanted = settings.shouldRetry === undefined ? retryByDefault : settings.shouldRetry(context);
    if (!wanted) return 'declined';
    // A peer that asks for a longer wait than the budget allows would only refuse again.
    if (performance.now() - started + delayMs > settings.maxRetryTime) return 'out of time';
    settings.onRetry?.(context);
    // p-retry waits `retryDelay` after this returns; the rest of a longer Retry-After is waited here.
    const extra = delayMs - failure.retryDelay;
    if (extra > 0) await abortableDelay(extra, signal);
    return 'retry';
  }

  /** The default rule: refusals of any request, uncertain failures of idempotent methods. */
  #retryByDefault(request: JsonRpcRequest, failure: unknown): boolean {
    if (failure instanceof RetryableResponse) return true;
    const kind = classify(failure);
    return kind === 'refused' || (kind === 'uncertain' && this.#isRepeatable(request));
  }

  #isRepeatable(request: JsonRpcRequest): boolean {
    if (this.#settings.idempotent.has(request.method)) return true;
    if (request.method !== 'tools/call') return false;
    const name = (request.params as { name?: unknown } | undefined)?.name;
    return typeof name === 'string' && this.#repeatableTools.has(name);
  }

  #learnTools(result: unknown): void {
    const tools = isRecord(result) && Array.isArray(result.tools) ? result.tools : [];
    for (const tool of tools) {
      if (!isRecord(tool) || typeof tool.name !== 'string') continue;
      const hints = isRecord(tool.annotations) ? tool.annotations : {};
      if (hints.readOnlyHint === true || hints.idempotentHint === true) this.#repeatableTools.add(tool.name);
      else this.#repeatableTools.delete(tool.name);
    }
  }

  #expect(id: RequestId, signal: AbortSignal): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        if (this.#waiting.get(id) === waiter) this.#waiting.delete(id);
        reject(signal.reason);
      };
      const waiter: Waiter = {
        resolve: (reply) => {
          signal.removeEventListener('abort', onAbort);
          resolve(reply);
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.set(id, waiter);
    });
  }

  #forget(id: RequestId): void {
    const waiter = this.#waiting.get(id);
    if (waiter === undefined) return;
    this.#waiting.delete(id);
    waiter.reject(new Error('No longer waiting for this response.'));
  }
}

/** Sorts a failed attempt's error into the three kinds of {@link RetryFailureKind}. */
export function classify(error: unknown): RetryFailureKind {
  if (error instanceof TransportClosedError) return 'final';
  const code = (error as { code?: unknown } | null)?.code;
  const data = (error as { data?: unknown } | null)?.data;
  const status = isRecord(data) && typeof data.httpStatus === 'number' ? data.httpStatus : undefined;
  if (code === MiddlewareErrorCode.RateLimited) return 'refused';
  if (status !== undefined) {
    if (status === 429 || status === 503) return 'refused';
    if (status === 408 || status === 500 || status === 502 || status === 504) return 'uncertain';
    return 'final';
  }
  if (code === McpErrorCode.ConnectionClosed) {
    return causeCodes(error).some((cause) => REFUSED_CONNECTION.has(cause)) ? 'refused' : 'uncertain';
  }
  return 'final';
}

// The connection was never made, so the request never left this process.
const REFUSED_CONNECTION: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

function retryAfterOf(error: Error): number | undefined {
  const data = (error as { data?: unknown }).data;
  if (!isRecord(data)) return undefined;
  const value = data.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validate(options: RetryOptions): void {
  const counts: [string, number | undefined][] = [['retries', options.retries]];
  const durations: [string, number | undefined][] = [
    ['minTimeout', options.minTimeout],
    ['maxTimeout', options.maxTimeout],
    ['maxRetryTime', options.maxRetryTime],
  ];
  for (const [name, value] of counts) {
    if (
      value !== undefined &&
      !(Number.isInteger(value) && value >= 0) &&
      value !== Number.POSITIVE_INFINITY
    ) {
      throw new RangeError(`retry: ${name} must be a whole number ≥ 0 (or Infinity), got ${String(value)}.`);
    }
  }
  for (const [name, value] of durations) {
    if (value !== undefined && !(value >= 0)) {
      throw new RangeError(`retry: ${name} must be a number of milliseconds ≥ 0, got ${String(value)}.`);
    }
  }
  if (options.factor !== undefined && !(options.factor >= 1)) {
    throw new RangeError(
      `retry: factor must be ≥ 1 (1 keeps the delay constant), got ${String(options.factor)}.`,
    );
  }
  if (options.retries === Number.POSITIVE_INFINITY && options.maxRetryTime === Number.POSITIVE_INFINITY) {
    throw new RangeError('retry: retries and maxRetryTime cannot both be Infinity; bound one of them.');
  }
}

/**
 * A transport decorator that sends a request again when an attempt failed in a way worth retrying, and hands
 * the endpoint only the final outcome: the response, the peer's last error response, or the last send error.
 *
 * By default a request is retried when the failure shows the peer did not act on it — an error response with
 * a code in `retryCodes` (the rate limiter's -31429), HTTP 429 or 503, a refused connection — and, for the
 * methods in `idempotentMethods` and calls of tools the server annotated `readOnlyHint` or `idempotentHint`, also
 * when it may have (a dropped connection, HTTP 500/502/504/408). Any other `tools/call` is therefore never repeated
 * after it may have run. Delays back off exponentially with jitter
 * and respect the peer's `retryAfterMs`; cancelling the request (or its timeout) stops the sequence.
 *
 * Put it on the client side, outside (after) a circuit breaker so each attempt passes the breaker:
 * `compose(circuitBreaker(), retry())`.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * import { retry } from '@pmcp/middleware';
 * import { httpClientTransport } from '@pmcp/transport-http';
 *
 * const client = createClient({ name: 'app', version: '1.0.0' });
 * const withRetries = retry({ retries: 4, onRetry: ({ request, delayMs }) => console.warn(`retrying ${request.method} in ${delayMs} ms`) });
 * await client.connect(withRetries(httpClientTransport('https://example.com/mcp')));
 * ```
 */
export function retry(options: RetryOptions = {}): RetryDecorator {
  validate(options);
  const settings: Settings = {
    retries: options.retries ?? 3,
    minTimeout: options.minTimeout ?? 200,
    maxTimeout: options.maxTimeout ?? 5_000,
    factor: options.factor ?? 2,
    randomize: options.randomize ?? true,
    maxRetryTime: options.maxRetryTime ?? 30_000,
    retryCodes: new Set(options.retryCodes ?? [MiddlewareErrorCode.RateLimited]),
    idempotent: new Set(options.idempotentMethods ?? IDEMPOTENT_METHODS),
    trustToolAnnotations: options.trustToolAnnotations ?? true,
    shouldRetry: options.shouldRetry,
    onRetry: options.onRetry,
  };
  const stats: RetryStats = { requests: 0, retries: 0, recovered: 0, exhausted: 0 };
  return Object.assign((next: Transport): Transport => new RetryTransport(next, settings, stats), {
    stats: (): RetryStats => ({ ...stats }),
  });
}
