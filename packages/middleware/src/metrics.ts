/**
 * `metrics`: counts, sizes, error codes and request latencies of the messages crossing a transport.
 */
import {
  isJsonRpcErrorResponse,
  isJsonRpcNotification,
  isJsonRpcRequest,
  type JsonRpcMessage,
  type MessageExtra,
  type RequestId,
  type Transport,
  type TransportSendOptions,
} from '@pmcp/jsonrpc';
import { assertTransport, ForwardingTransport, sendThrough } from './forwarding.ts';

/**
 * Options of {@link metrics}.
 *
 * @example
 * ```ts
 * import { metrics, type MetricsOptions } from '@pmcp/middleware';
 *
 * let now = 0;
 * const options: MetricsOptions = { now: () => now, reservoirSize: 512 };
 * const recorder = metrics(options);
 * ```
 */
export interface MetricsOptions {
  /** The clock, in ms. Default `performance.now()`. */
  now?: () => number;
  /**
   * Latency samples kept per method and direction for percentiles (uniform reservoir sampling beyond it;
   * count, min, max and mean stay exact). Default 1 024.
   */
  reservoirSize?: number;
  /** Random numbers in [0, 1) for reservoir sampling. Default `Math.random`. */
  random?: () => number;
  /** Requests awaiting their response tracked per transport; the oldest are forgotten beyond it. Default 10 000. */
  maxPending?: number;
  /** Measure the UTF-8 size of each message's JSON (one `JSON.stringify` per message). Default true. */
  measureBytes?: boolean;
}

/**
 * Messages of one method (or in total) by kind: `response` is a success response, `error` an error response.
 *
 * @example
 * ```ts
 * import type { KindCounts } from '@pmcp/middleware';
 *
 * const counts: KindCounts = { request: 3, notification: 0, response: 2, error: 1 };
 * ```
 */
export interface KindCounts {
  request: number;
  notification: number;
  response: number;
  error: number;
}

/**
 * The traffic in one direction. Responses are filed under the method of the request they answer, or
 * `(unknown)` when no request with that id was seen.
 *
 * @example
 * ```ts
 * import type { DirectionMetrics } from '@pmcp/middleware';
 *
 * function callsOf(direction: DirectionMetrics): number {
 *   return direction.byMethod['tools/call']?.request ?? 0;
 * }
 * ```
 */
export interface DirectionMetrics {
  messages: number;
  /** UTF-8 bytes of the messages' JSON (0 with `measureBytes: false`). */
  bytes: number;
  byKind: KindCounts;
  byMethod: Record<string, KindCounts>;
  /** Error responses by code (as a string key). */
  errorsByCode: Record<string, number>;
}

/**
 * Latency of one method's requests in ms.
 *
 * @example
 * ```ts
 * import type { LatencyStats } from '@pmcp/middleware';
 *
 * const describe = (stats: LatencyStats): string => `p50 ${stats.p50} ms, p99 ${stats.p99} ms over ${stats.count}`;
 * ```
 */
export interface LatencyStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  /** Nearest-rank percentiles over the reservoir. */
  p50: number;
  p90: number;
  p99: number;
}

/**
 * A plain JSON object: everything {@link metrics} recorded since it was created or last reset.
 * `latency.outgoing` times requests this side sent (until their response arrived); `latency.incoming` times
 * requests this side received (until its response was sent).
 *
 * @example
 * ```ts
 * import { metrics, type MetricsSnapshot } from '@pmcp/middleware';
 *
 * const snapshot: MetricsSnapshot = metrics().snapshot();
 * console.log(JSON.stringify(snapshot));
 * ```
 */
export interface MetricsSnapshot {
  /** Clock value when recording started (creation or the last reset). */
  since: number;
  /** Clock value when the snapshot was taken. */
  at: number;
  in: DirectionMetrics;
  out: DirectionMetrics;
  /** Sends the wrapped transport rejected. */
  sendFailures: number;
  latency: { outgoing: Record<string, LatencyStats>; incoming: Record<string, LatencyStats> };
  /** Requests still awaiting a response, per direction. */
  pending: { outgoing: number; incoming: number };
}

/**
 * A transport decorator with the recorder's `snapshot()` and `reset()`. One recorder aggregates every
 * transport it decorates (e.g. every connection of a server).
 *
 * @example
 * ```ts
 * import { metrics, type MetricsDecorator } from '@pmcp/middleware';
 *
 * const recorder: MetricsDecorator = metrics();
 * // await server.connect(recorder(transport));
 * setInterval(() => console.log(recorder.snapshot()), 60_000);
 * ```
 */
export interface MetricsDecorator {
  (next: Transport): Transport;
  snapshot(): MetricsSnapshot;
  reset(): void;
}

const UNKNOWN_METHOD = '(unknown)';
const CANCELLED = 'notifications/cancelled';

class Reservoir {
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  sum = 0;
  readonly samples: number[] = [];

  add(value: number, size: number, random: () => number): void {
    this.count += 1;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.samples.length < size) {
      this.samples.push(value);
      return;
    }
    // Algorithm R: every sample seen so far stays with probability size/count.
    const slot = Math.floor(random() * this.count);
    if (slot < size) this.samples[slot] = value;
  }

  stats(): LatencyStats {
    const sorted = [...this.samples].sort((a, b) => a - b);
    return {
      count: this.count,
      min: this.min,
      max: this.max,
      mean: this.sum / this.count,
      p50: nearestRank(sorted, 50),
      p90: nearestRank(sorted, 90),
      p99: nearestRank(sorted, 99),
    };
  }
}

/** The smallest sample with at least p% of the samples at or below it. */
function nearestRank(sorted: readonly number[], percentile: number): number {
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length));
  return sorted[rank - 1] ?? 0;
}

function emptyKinds(): KindCounts {
  return { request: 0, notification: 0, response: 0, error: 0 };
}

class DirectionRecord {
  messages = 0;
  bytes = 0;
  readonly byKind: KindCounts = emptyKinds();
  readonly byMethod = new Map<string, KindCounts>();
  readonly errorsByCode = new Map<number, number>();

  add(kind: keyof KindCounts, method: string, bytes: number, errorCode: number | undefined): void {
    this.messages += 1;
    this.bytes += bytes;
    this.byKind[kind] += 1;
    let counts = this.byMethod.get(method);
    if (counts === undefined) {
      counts = emptyKinds();
      this.byMethod.set(method, counts);
    }
    counts[kind] += 1;
    if (errorCode !== undefined)
      this.errorsByCode.set(errorCode, (this.errorsByCode.get(errorCode) ?? 0) + 1);
  }

  toJSON(): DirectionMetrics {
    return {
      messages: this.messages,
      bytes: this.bytes,
      byKind: { ...this.byKind },
      byMethod: Object.fromEntries([...this.byMethod].map(([method, counts]) => [method, { ...counts }])),
      errorsByCode: Object.fromEntries([...this.errorsByCode].map(([code, count]) => [String(code), count])),
    };
  }
}

class Recorder {
  readonly now: () => number;
  readonly reservoirSize: number;
  readonly random: () => number;
  readonly maxPending: number;
  readonly measureBytes: boolean;
  since: number;
  in = new DirectionRecord();
  out = new DirectionRecord();
  sendFailures = 0;
  outgoing = new Map<string, Reservoir>();
  incoming = new Map<string, Reservoir>();
  /** Bumped by reset(), so requests timed before it do not land in the new period. */
  generation = 0;
  readonly transports = new Set<MetricsTransport>();

  constructor(options: MetricsOptions) {
    this.now = options.now ?? (() => performance.now());
    this.reservoirSize = options.reservoirSize ?? 1_024;
    this.random = options.random ?? Math.random;
    this.maxPending = options.maxPending ?? 10_000;
    this.measureBytes = options.measureBytes ?? true;
    for (const [name, value] of [
      ['reservoirSize', this.reservoirSize],
      ['maxPending', this.maxPending],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new TypeError(`metrics(): ${name} must be a positive integer, got ${String(value)}.`);
      }
    }
    this.since = this.now();
  }

  size(message: JsonRpcMessage): number {
    return this.measureBytes ? utf8Length(JSON.stringify(message)) : 0;
  }

  latency(direction: 'outgoing' | 'incoming', method: string, started: Pending): void {
    if (started.generation !== this.generation) return;
    const table = direction === 'outgoing' ? this.outgoing : this.incoming;
    let reservoir = table.get(method);
    if (reservoir === undefined) {
      reservoir = new Reservoir();
      table.set(method, reservoir);
    }
    reservoir.add(this.now() - started.at, this.reservoirSize, this.random);
  }

  snapshot(): MetricsSnapshot {
    let outgoing = 0;
    let incoming = 0;
    for (const transport of this.transports) {
      outgoing += transport.pendingCount('outgoing');
      incoming += transport.pendingCount('incoming');
    }
    const latencies = (table: Map<string, Reservoir>): Record<string, LatencyStats> =>
      Object.fromEntries([...table].map(([method, reservoir]) => [method, reservoir.stats()]));
    return {
      since: this.since,
      at: this.now(),
      in: this.in.toJSON(),
      out: this.out.toJSON(),
      sendFailures: this.sendFailures,
      latency: { outgoing: latencies(this.outgoing), incoming: latencies(this.incoming) },
      pending: { outgoing, incoming },
    };
  }

  reset(): void {
    this.in = new DirectionRecord();
    this.out = new DirectionRecord();
    this.sendFailures = 0;
    this.outgoing = new Map();
    this.incoming = new Map();
    this.generation += 1;
    this.since = this.now();
  }
}

interface Pending {
  method: string;
  at: number;
  generation: number;
}

type Classified = { kind: keyof KindCounts; method: string; errorCode: number | undefined };

class MetricsTransport extends ForwardingTransport {
  readonly #recorder: Recorder;
  /** Requests we sent, by id, until their response arrives. */
  readonly #outgoing = new Map<RequestId, Pending>();
  /** Requests we received, by id, until we send their response. */
  readonly #incoming = new Map<RequestId, Pending>();

  constructor(inner: Transport, recorder: Recorder) {
    super(inner);
    this.#recorder = recorder;
    recorder.transports.add(this);
  }

  pendingCount(direction: 'outgoing' | 'incoming'): number {
    return direction === 'outgoing' ? this.#outgoing.size : this.#incoming.size;
  }

  override send(message: JsonRpcMessage, options?: TransportSendOptions): Promise<void> {
    const recorder = this.#recorder;
    const { kind, method, errorCode } = this.#classify(message, this.#incoming, this.#outgoing, 'outgoing');
    recorder.out.add(kind, method, recorder.size(message), errorCode);
    return sendThrough(this.inner, message, options).catch((error: unknown) => {
      this.#recorder.sendFailures += 1;
      throw error;
    });
  }

  protected override receive(message: JsonRpcMessage, extra: MessageExtra | undefined): void {
    const recorder = this.#recorder;
    const { kind, method, errorCode } = this.#classify(message, this.#outgoing, this.#incoming, 'incoming');
    recorder.in.add(kind, method, recorder.size(message), errorCode);
    this.deliver(message, extra);
  }

  protected override handleClose(): void {
    this.#outgoing.clear();
    this.#incoming.clear();
    this.#recorder.transports.delete(this);
    super.handleClose();
  }

  /**
   * Files a message and does the correlation: a request starts a timer in `started`; a response stops the one
   * in `answered` (requests of the other direction); a cancellation forgets the request it names.
   */
  #classify(
    message: JsonRpcMessage,
    answered: Map<RequestId, Pending>,
    started: Map<RequestId, Pending>,
    direction: 'outgoing' | 'incoming',
  ): Classified {
    const recorder = this.#recorder;
    if (isJsonRpcRequest(message)) {
      started.delete(message.id);
      started.set(message.id, {
        method: message.method,
        at: recorder.now(),
        generation: recorder.generation,
      });
      if (started.size > recorder.maxPending) {
        const oldest = started.keys().next();
        if (oldest.done !== true) started.delete(oldest.value);
      }
      return { kind: 'request', method: message.method, errorCode: undefined };
    }
    if (isJsonRpcNotification(message)) {
      if (message.method === CANCELLED) {
        const id = (message.params as { requestId?: unknown } | undefined)?.requestId;
        // A cancelled request gets no response: sent by us it names one of ours, received it names one of theirs.
        if (typeof id === 'string' || typeof id === 'number') {
          (direction === 'outgoing' ? this.#outgoing : this.#incoming).delete(id);
        }
      }
      return { kind: 'notification', method: message.method, errorCode: undefined };
    }
    const id = message.id;
    const pending = id === undefined || id === null ? undefined : answered.get(id);
    if (pending !== undefined && id !== undefined && id !== null) {
      answered.delete(id);
      recorder.latency(direction === 'outgoing' ? 'incoming' : 'outgoing', pending.method, pending);
    }
    const method = pending?.method ?? UNKNOWN_METHOD;
    return isJsonRpcErrorResponse(message)
      ? { kind: 'error', method, errorCode: message.error.code }
      : { kind: 'response', method, errorCode: undefined };
  }
}

/**
 * A transport decorator that records, for both directions: message counts by kind and method, UTF-8 bytes of
 * the JSON, error responses by code, send failures, and request latency per method (requests are matched to
 * their responses by id, in both directions; p50/p90/p99 from a bounded reservoir). `snapshot()` returns it all
 * as plain JSON; `reset()` starts a new period. Works on either side.
 *
 * @example
 * ```ts
 * import { createInMemoryTransportPair } from '@pmcp/jsonrpc';
 * import { metrics } from '@pmcp/middleware';
 *
 * const recorder = metrics();
 * const [clientSide] = createInMemoryTransportPair();
 * const observed = recorder(clientSide);
 * // await client.connect(observed); await client.listTools();
 * console.log(recorder.snapshot().latency.outgoing['tools/list']?.p50);
 * ```
 */
export function metrics(options: MetricsOptions = {}): MetricsDecorator {
  const recorder = new Recorder(options);
  const decorate = (next: Transport): Transport => {
    assertTransport(next);
    return new MetricsTransport(next, recorder);
  };
  return Object.assign(decorate, {
    snapshot: (): MetricsSnapshot => recorder.snapshot(),
    reset: (): void => recorder.reset(),
  });
}

/** UTF-8 length of a string without allocating its encoding. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        index += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
