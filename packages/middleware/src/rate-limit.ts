/**
 * `rateLimit`: a server-side token bucket on incoming requests and notifications.
 */
import {
  isJsonRpcNotification,
  isJsonRpcRequest,
  type JsonRpcErrorResponse,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type MessageExtra,
  type Transport,
} from '@pmcp/jsonrpc';
import type { TransportDecorator } from './compose.ts';
import { MiddlewareErrorCode, RateLimitError } from './errors.ts';
import { assertTransport, ForwardingTransport, sendThrough } from './forwarding.ts';
import { TokenBucket } from './token-bucket.ts';

/**
 * Options of {@link rateLimit}.
 *
 * @example
 * ```ts
 * import { rateLimit, type RateLimitOptions } from '@pmcp/middleware';
 *
 * const options: RateLimitOptions = { ratePerSecond: 10, burst: 20 };
 * const limit = rateLimit(options);
 * ```
 */
export interface RateLimitOptions {
  /** Sustained rate: tokens added per second. */
  ratePerSecond: number;
  /** Bucket size: how many messages may arrive at once after a quiet period (an integer ≥ 1). */
  burst: number;
  /**
   * Splits a connection's traffic into buckets, e.g. per authenticated principal on a transport that serves
   * many callers: `(message, extra) => String(extra?.authInfo?.clientId)`. Default: one bucket per transport.
   */
  keyOf?: (message: JsonRpcRequest | JsonRpcNotification, extra: MessageExtra | undefined) => string;
  /** Buckets kept per transport with `keyOf`; the least recently used go first. Default 10 000. */
  maxKeys?: number;
  /**
   * Messages that never consume a token. Default: `notifications/initialized` and `notifications/cancelled`,
   * so a limited client can still finish its handshake and stop work it no longer wants.
   */
  isExempt?: (message: JsonRpcRequest | JsonRpcNotification) => boolean;
  /** The code of the error response to a request over the limit. Default -31429 (`MiddlewareErrorCode.RateLimited`). */
  errorCode?: number;
  /** Dropped notifications are reported through `onerror` at most once per this many ms. Default 1 000. */
  reportIntervalMs?: number;
  /** The clock, in ms. Default `performance.now()`. */
  now?: () => number;
  /** Called for every message over the limit, before it is answered or dropped. */
  onLimited?: (message: JsonRpcRequest | JsonRpcNotification, retryAfterMs: number) => void;
}

/**
 * Totals since the decorator was created, over every transport it decorated.
 *
 * @example
 * ```ts
 * import { rateLimit, type RateLimitStats } from '@pmcp/middleware';
 *
 * const stats: RateLimitStats = rateLimit({ ratePerSecond: 5, burst: 5 }).stats();
 * console.log(stats.rejectedRequests, stats.droppedNotifications);
 * ```
 */
export interface RateLimitStats {
  admitted: number;
  rejectedRequests: number;
  droppedNotifications: number;
}

/**
 * A transport decorator with the limiter's totals.
 *
 * @example
 * ```ts
 * import { rateLimit, type RateLimitDecorator } from '@pmcp/middleware';
 *
 * const limit: RateLimitDecorator = rateLimit({ ratePerSecond: 5, burst: 10 });
 * // await server.connect(limit(transport));
 * console.log(limit.stats());
 * ```
 */
export interface RateLimitDecorator {
  (next: Transport): Transport;
  stats(): RateLimitStats;
}

const DEFAULT_EXEMPT: ReadonlySet<string> = new Set(['notifications/initialized', 'notifications/cancelled']);

interface LimiterSettings {
  ratePerSecond: number;
  burst: number;
  maxKeys: number;
  errorCode: number;
  reportIntervalMs: number;
  now: () => number;
  options: RateLimitOptions;
  stats: RateLimitStats;
}

class RateLimitTransport extends ForwardingTransport {
  readonly #settings: LimiterSettings;
  readonly #buckets = new Map<string, TokenBucket>();
  #unreported: Map<string, number> = new Map();
  #unreportedCount = 0;
  #droppedTotal = 0;
  #lastReportAt: number | undefined;

  constructor(inner: Transport, settings: LimiterSettings) {
    super(inner);
    this.#settings = settings;
  }

  protected override receive(message: JsonRpcMessage, extra: MessageExtra | undefined): void {
    const request = isJsonRpcRequest(message);
    if (!request && !isJsonRpcNotification(message)) {
      this.deliver(message, extra);
      return;
    }
    const { options, stats } = this.#settings;
    const exempt =
      options.isExempt === undefined ? DEFAULT_EXEMPT.has(message.method) : options.isExempt(message);
    if (exempt) {
      this.deliver(message, extra);
      return;
    }
    const now = this.#settings.now();
    const verdict = this.#bucketFor(message, extra, now).take(now);
    if (verdict.ok) {
      stats.admitted += 1;
      this.deliver(message, extra);
      return;
    }
    options.onLimited?.(message, verdict.retryAfterMs);
    if (request) {
      stats.rejectedRequests += 1;
      this.#answer(message, verdict.retryAfterMs);
    } else {
      stats.droppedNotifications += 1;
      this.#recordDrop(message.method, now);
    }
  }

  protected override handleClose(): void {
    if (this.#unreportedCount > 0) this.#report(this.#settings.now());
    super.handleClose();
  }

  #bucketFor(
    message: JsonRpcRequest | JsonRpcNotification,
    extra: MessageExtra | undefined,
    now: number,
  ): TokenBucket {
    const { options, ratePerSecond, burst, maxKeys } = this.#settings;
    const key = options.keyOf === undefined ? '' : options.keyOf(message, extra);
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(ratePerSecond, burst, now);
      if (this.#buckets.size >= maxKeys) this.#evict(now);
    } else {
      // Re-inserted so the map's order is least recently used first.
      this.#buckets.delete(key);
    }
    this.#buckets.set(key, bucket);
    return bucket;
  }

  #evict(now: number): void {
    // A full bucket is the state a new one starts in, so forgetting one grants nothing; otherwise drop the LRU.
    for (const [key, bucket] of this.#buckets) {
      if (bucket.isFull(now)) {
        this.#buckets.delete(key);
        return;
      }
    }
    const oldest = this.#buckets.keys().next();
    if (oldest.done !== true) this.#buckets.delete(oldest.value);
  }

  #answer(request: JsonRpcRequest, retryAfterMs: number): void {
    const { ratePerSecond, burst, errorCode } = this.#settings;
    const reply: JsonRpcErrorResponse = {
      jsonrpc: '2.0',
      id: request.id,
      error: {
        code: errorCode,
        message:
          `Rate limit exceeded: this connection may send ${ratePerSecond} messages per second (bursts of ${burst}), ` +
          `so "${request.method}" was not processed. Retry after ${retryAfterMs} ms.`,
        data: { retryAfterMs, method: request.method, ratePerSecond, burst },
      },
    };
    sendThrough(this.inner, reply, { relatedRequestId: request.id }).catch((error: unknown) => {
      this.reportError(
        new RateLimitError(
          `Could not send the rate-limit error for request ${JSON.stringify(request.id)} ("${request.method}"): ${describe(error)}`,
          { dropped: 0, methods: {}, totalDropped: this.#droppedTotal },
        ),
      );
    });
  }

  #recordDrop(method: string, now: number): void {
    this.#droppedTotal += 1;
    this.#unreportedCount += 1;
    this.#unreported.set(method, (this.#unreported.get(method) ?? 0) + 1);
    if (this.#lastReportAt === undefined || now - this.#lastReportAt >= this.#settings.reportIntervalMs) {
      this.#report(now);
    }
  }

  #report(now: number): void {
    const { ratePerSecond, burst } = this.#settings;
    const methods = Object.fromEntries(this.#unreported);
    const dropped = this.#unreportedCount;
    this.#unreported = new Map();
    this.#unreportedCount = 0;
    this.#lastReportAt = now;
    const list = Object.entries(methods)
      .map(([method, count]) => `${method} ×${count}`)
      .join(', ');
    this.reportError(
      new RateLimitError(
        `Rate limit exceeded: dropped ${dropped} notification${dropped === 1 ? '' : 's'} (${list}); ` +
          `this connection may send ${ratePerSecond} messages per second (bursts of ${burst}). ` +
          `${this.#droppedTotal} dropped on this connection so far.`,
        { dropped, methods, totalDropped: this.#droppedTotal },
      ),
    );
  }
}

/**
 * A server-side transport decorator that limits incoming requests and notifications with a token bucket per
 * connection (`burst` tokens, refilled at `ratePerSecond`). A request over the limit never reaches the server:
 * the decorator answers it with a JSON-RPC error (code -31429, `data.retryAfterMs`) through the wrapped
 * transport, with `relatedRequestId` set so HTTP transports route it to the right response stream. A
 * notification over the limit is dropped and reported through `onerror` as a {@link RateLimitError} (the
 * first drop at once, further drops summed up at most once per `reportIntervalMs`, and the rest on close).
 * Responses are never limited.
 *
 * Why -31429: MCP reserves -32020…-32099 for the spec and asks new code to avoid the legacy -32000…-32019,
 * where pmcp reads -32000 as a closed connection; -31429 lies in JSON-RPC's application-defined space and
 * mirrors HTTP 429. Set `errorCode` for peers that expect another code.
 *
 * @example
 * ```ts
 * import { createInMemoryTransportPair } from '@pmcp/jsonrpc';
 * import { rateLimit } from '@pmcp/middleware';
 * import { createServer } from '@pmcp/server';
 *
 * const server = createServer({ name: 'limited', version: '1.0.0' });
 * const [, serverSide] = createInMemoryTransportPair();
 * await server.connect(rateLimit({ ratePerSecond: 10, burst: 20 })(serverSide));
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#error-codes
 */
export function rateLimit(options: RateLimitOptions): RateLimitDecorator {
  const settings = resolveSettings(options);
  const decorate = (next: Transport): Transport => {
    assertTransport(next);
    return new RateLimitTransport(next, settings);
  };
  const stats = (): RateLimitStats => ({ ...settings.stats });
  return Object.assign(decorate, { stats }) satisfies TransportDecorator & { stats: () => RateLimitStats };
}

function resolveSettings(options: RateLimitOptions): LimiterSettings {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      'rateLimit(options): pass an options object such as { ratePerSecond: 10, burst: 20 }.',
    );
  }
  const { ratePerSecond, burst } = options;
  if (typeof ratePerSecond !== 'number' || !(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
    throw new TypeError(
      `rateLimit(): ratePerSecond must be a positive number, got ${String(ratePerSecond)}.`,
    );
  }
  if (!Number.isInteger(burst) || burst < 1) {
    throw new TypeError(
      `rateLimit(): burst must be an integer of at least 1 (the messages allowed at once), got ${String(burst)}.`,
    );
  }
  const maxKeys = options.maxKeys ?? 10_000;
  if (!Number.isInteger(maxKeys) || maxKeys < 1) {
    throw new TypeError(`rateLimit(): maxKeys must be a positive integer, got ${String(maxKeys)}.`);
  }
  const reportIntervalMs = options.reportIntervalMs ?? 1_000;
  if (typeof reportIntervalMs !== 'number' || !(reportIntervalMs >= 0)) {
    throw new TypeError(
      `rateLimit(): reportIntervalMs must be a non-negative number, got ${String(reportIntervalMs)}.`,
    );
  }
  const errorCode = options.errorCode ?? MiddlewareErrorCode.RateLimited;
  if (!Number.isInteger(errorCode)) {
    throw new TypeError(
      `rateLimit(): errorCode must be an integer JSON-RPC error code, got ${String(errorCode)}.`,
    );
  }
  return {
    ratePerSecond,
    burst,
    maxKeys,
    errorCode,
    reportIntervalMs,
    now: options.now ?? (() => performance.now()),
    options,
    stats: { admitted: 0, rejectedRequests: 0, droppedNotifications: 0 },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
