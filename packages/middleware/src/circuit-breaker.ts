/**
 * @module @pmcp/middleware/circuit-breaker
 * `circuitBreaker`: stops sending to a peer that keeps failing, and probes it again after a pause. A separate entry
 * point because opossum needs Node's `events` module (Node, Deno and Bun have it; browsers need a polyfill).
 */
// Workspace code type-checked on these sources (the @pmcp/source condition) needs opossum's declarations too.
/// <reference path="./opossum.d.ts" />
import {
  isJsonRpcErrorResponse,
  isJsonRpcNotification,
  isJsonRpcRequest,
  isJsonRpcResponse,
  type JsonRpcMessage,
  McpError,
  type MessageExtra,
  type RequestId,
  RequestTimeoutError,
  type Transport,
  TransportClosedError,
  type TransportSendOptions,
} from '@pmcp/jsonrpc';
import CircuitBreaker from 'opossum';
import { CircuitOpenError, MiddlewareErrorCode } from './errors.ts';
import { assertTransport, ForwardingTransport, sendThrough } from './forwarding.ts';

/**
 * The breaker's state: `closed` (sending normally), `open` (failing every send at once) or `halfOpen` (the
 * next send goes through as a trial; its outcome closes or re-opens the circuit).
 *
 * @example
 * ```ts
 * import { circuitBreaker, type CircuitState } from '@pmcp/middleware/circuit-breaker';
 *
 * const breaker = circuitBreaker({ failureThreshold: 5 });
 * const state: CircuitState = breaker.state; // 'closed'
 * ```
 */
export type CircuitState = 'closed' | 'open' | 'halfOpen';

/**
 * Options of {@link circuitBreaker}. The circuit opens when, within the rolling window, either
 * `failureThreshold` failures happened, or at least `volumeThreshold` sends were made and more than
 * `errorThresholdPercentage` percent of them failed.
 *
 * @example
 * ```ts
 * import { circuitBreaker, type CircuitBreakerOptions } from '@pmcp/middleware/circuit-breaker';
 *
 * const options: CircuitBreakerOptions = { errorThresholdPercentage: 50, volumeThreshold: 10, resetTimeout: 5_000 };
 * const breaker = circuitBreaker(options);
 * ```
 */
export interface CircuitBreakerOptions {
  /**
   * Opens the circuit once this many failures happened within the rolling window (counted since the circuit
   * last closed). Without it, only the percentage rule applies.
   */
  failureThreshold?: number;
  /**
   * Opens the circuit when more than this percentage of the sends in the rolling window failed (once
   * `volumeThreshold` sends were made). Default 50, or 100 (never) when only `failureThreshold` is given.
   */
  errorThresholdPercentage?: number;
  /** Sends within the rolling window before the percentage rule applies. Default 5. */
  volumeThreshold?: number;
  /** How long the circuit stays open before it half-opens, in ms. Default 30 000. */
  resetTimeout?: number;
  /** Length of the rolling window in ms. Default 10 000. */
  rollingCountTimeout?: number;
  /** Buckets the rolling window is divided into (it rolls one bucket at a time). Default 10. */
  rollingCountBuckets?: number;
  /**
   * JSON-RPC error codes that count as a failure of the request that received them, e.g. `[-32603]`. With at
   * least one code, a request's outcome is decided by its response: a listed error code or a timeout (the
   * endpoint's `RequestTimeoutError`) is a failure, anything else a success, a request the caller cancelled
   * or a close this side asked for neither opens nor re-opens the circuit. Default none: only rejected sends
   * count.
   */
  failureCodes?: readonly number[];
  /** Which rejected sends count as failures. Default: every one. */
  isFailure?: (error: unknown, message: JsonRpcMessage) => boolean;
  /** Called on every state change. */
  onStateChange?: (state: CircuitState, previous: CircuitState) => void;
  /** Called when a send is refused because the circuit is open or its half-open trial is in flight. */
  onReject?: (error: CircuitOpenError, message: JsonRpcMessage) => void;
  /** Called for every failure the breaker counts. */
  onFailure?: (error: unknown, message: JsonRpcMessage) => void;
}

/**
 * Counts over the rolling window, as the breaker sees them.
 *
 * @example
 * ```ts
 * import { circuitBreaker, type CircuitBreakerStats } from '@pmcp/middleware/circuit-breaker';
 *
 * const stats: CircuitBreakerStats = circuitBreaker().stats();
 * console.log(`${stats.failures}/${stats.fires} failed, ${stats.rejects} refused`);
 * ```
 */
export interface CircuitBreakerStats {
  /** Sends attempted, refused ones included. */
  fires: number;
  failures: number;
  successes: number;
  /** Sends refused because the circuit was open. */
  rejects: number;
}

/**
 * A transport decorator that is also the handle on its breaker. One breaker is shared by every transport it
 * decorates, so a client that reconnects with a new transport keeps the circuit's state.
 *
 * @example
 * ```ts
 * import { circuitBreaker, type CircuitBreakerDecorator } from '@pmcp/middleware/circuit-breaker';
 *
 * const breaker: CircuitBreakerDecorator = circuitBreaker({ failureThreshold: 3 });
 * // await client.connect(breaker(transport));
 * if (breaker.state === 'open') console.warn(`paused until ${new Date(breaker.halfOpensAt ?? 0).toISOString()}`);
 * ```
 */
export interface CircuitBreakerDecorator {
  (next: Transport): Transport;
  /** The current state. */
  readonly state: CircuitState;
  /** Epoch ms at which an open circuit half-opens; `undefined` unless open. */
  readonly halfOpensAt: number | undefined;
  /** Counts over the rolling window. */
  stats(): CircuitBreakerStats;
  /** Stops the breaker's timers. Sends through it reject afterwards; create a new breaker to continue. */
  dispose(): void;
}

interface Attempt {
  inner: Transport;
  message: JsonRpcMessage;
  options: TransportSendOptions | undefined;
  /** Settles with the request's response when responses decide the outcome. */
  outcome: Promise<void> | undefined;
  onSent: () => void;
}

/** The request ended without telling anything about the peer's health (cancelled by the caller, closed by us). */
class NeutralOutcome extends Error {}

/** A counted error response: the request was sent fine, the peer failed it. */
class FailedResponse extends Error {
  readonly error: McpError;
  constructor(error: McpError) {
    super(error.message);
    this.error = error;
  }
}

const DEFAULTS = {
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  resetTimeout: 30_000,
  rollingCountTimeout: 10_000,
  rollingCountBuckets: 10,
} as const;

class BreakerCore {
  readonly options: CircuitBreakerOptions;
  readonly resetTimeout: number;
  readonly rollingCountTimeout: number;
  readonly failureCodes: ReadonlySet<number>;
  readonly breaker: CircuitBreaker<[Attempt], void>;
  state: CircuitState = 'closed';
  halfOpensAt: number | undefined;
  // Failure times since the circuit last closed: opossum's window keeps pre-close failures, which would re-open a
  // freshly closed circuit on its first failure under a count threshold.
  #failureTimes: number[] = [];

  constructor(options: CircuitBreakerOptions) {
    validateOptions(options);
    this.options = options;
    this.resetTimeout = options.resetTimeout ?? DEFAULTS.resetTimeout;
    this.rollingCountTimeout = options.rollingCountTimeout ?? DEFAULTS.rollingCountTimeout;
    this.failureCodes = new Set(options.failureCodes ?? []);
    const percentage =
      options.errorThresholdPercentage ??
      (options.failureThreshold === undefined ? DEFAULTS.errorThresholdPercentage : 100);
    this.breaker = new CircuitBreaker(runAttempt, {
      timeout: false,
      resetTimeout: this.resetTimeout,
      errorThresholdPercentage: percentage,
      volumeThreshold: options.volumeThreshold ?? DEFAULTS.volumeThreshold,
      rollingCountTimeout: this.rollingCountTimeout,
      rollingCountBuckets: options.rollingCountBuckets ?? DEFAULTS.rollingCountBuckets,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      errorFilter: (error, attempt) => !this.#countsAsFailure(error, attempt as Attempt),
    });
    this.breaker.on('open', () => {
      this.halfOpensAt = Date.now() + this.resetTimeout;
      this.#enter('open');
    });
    this.breaker.on('halfOpen', () => {
      this.halfOpensAt = undefined;
      this.#enter('halfOpen');
    });
    this.breaker.on('close', () => {
      this.halfOpensAt = undefined;
      this.#failureTimes = [];
      this.#enter('closed');
    });
    this.breaker.on('failure', (error, _latency, args) => {
      const attempt = (args as [Attempt] | undefined)?.[0];
      const reported = error instanceof FailedResponse ? error.error : error;
      if (attempt !== undefined) this.options.onFailure?.(reported, attempt.message);
      this.#checkFailureCount();
    });
  }

  get waitsForResponses(): boolean {
    return this.failureCodes.size > 0;
  }

  /** What a refused or failed send rejects with. */
  translate(error: unknown, message: JsonRpcMessage, stateAtFire: CircuitState): unknown {
    const code = (error as { code?: unknown } | null)?.code;
    const method = 'method' in message ? message.method : undefined;
    const what = method === undefined ? 'the message' : `"${method}"`;
    if (code === 'EOPENBREAKER') {
      const refused =
        stateAtFire === 'open' && this.halfOpensAt !== undefined
          ? this.#openError(what, method, this.halfOpensAt)
          : new CircuitOpenError(
              `Circuit breaker is half-open and its one trial message is still in flight, so ${what} was not sent. ` +
                `Retry once the trial completes: success closes the circuit, failure opens it again for ${this.resetTimeout} ms.`,
              { state: 'halfOpen', method },
            );
      this.options.onReject?.(refused, message);
      return refused;
    }
    if (code === 'ESHUTDOWN') {
      return new McpError(
        MiddlewareErrorCode.CircuitOpen,
        `This circuit breaker was disposed, so ${what} was not sent. Decorate the transport with a new circuitBreaker().`,
        { data: { state: 'disposed' } },
      );
    }
    return error;
  }

  #openError(what: string, method: string | undefined, halfOpensAt: number): CircuitOpenError {
    const retryAfterMs = Math.max(0, halfOpensAt - Date.now());
    return new CircuitOpenError(
      `Circuit breaker is open after repeated failures, so ${what} was not sent. It half-opens in ${retryAfterMs} ms ` +
        `(at ${new Date(halfOpensAt).toISOString()}) and then lets one message through as a trial; until then every send fails at once.`,
      { state: 'open', method, retryAfterMs, halfOpensAt },
    );
  }

  #countsAsFailure(error: unknown, attempt: Attempt): boolean {
    if (error instanceof NeutralOutcome) return false;
    if (error instanceof FailedResponse) return true;
    const isFailure = this.options.isFailure;
    return isFailure === undefined ? true : isFailure(error, attempt.message);
  }

  #checkFailureCount(): void {
    const threshold = this.options.failureThreshold;
    if (threshold === undefined || this.state !== 'closed') return;
    const now = Date.now();
    this.#failureTimes.push(now);
    this.#failureTimes = this.#failureTimes.filter((time) => now - time < this.rollingCountTimeout);
    if (this.#failureTimes.length >= threshold) this.breaker.open();
  }

  #enter(state: CircuitState): void {
    const previous = this.state;
    if (previous === state) return;
    this.state = state;
    this.options.onStateChange?.(state, previous);
  }
}

async function runAttempt(attempt: Attempt): Promise<void> {
  await sendThrough(attempt.inner, attempt.message, attempt.options);
  attempt.onSent();
  if (attempt.outcome !== undefined) await attempt.outcome;
}

interface PendingRequest {
  settle(outcome: 'success' | NeutralOutcome | Error): void;
}

class CircuitBreakerTransport extends ForwardingTransport {
  readonly #core: BreakerCore;
  readonly #pending = new Map<RequestId, PendingRequest>();
  #closing = false;

  constructor(inner: Transport, core: BreakerCore) {
    super(inner);
    this.#core = core;
  }

  override send(message: JsonRpcMessage, options?: TransportSendOptions): Promise<void> {
    if (isJsonRpcNotification(message) && message.method === 'notifications/cancelled') {
      // Settled before the notification itself goes through, so a half-open trial being cancelled frees the circuit.
      const id = (message.params as { requestId?: unknown } | undefined)?.requestId;
      if (typeof id === 'string' || typeof id === 'number') this.#settle(id, new NeutralOutcome());
    }
    const tracked = this.#core.waitsForResponses && isJsonRpcRequest(message) ? message.id : undefined;
    const outcome = tracked === undefined ? undefined : this.#track(tracked, options?.signal);
    const stateAtFire = this.#core.state;
    return new Promise<void>((resolve, reject) => {
      let sent = false;
      const attempt: Attempt = {
        inner: this.inner,
        message,
        options,
        outcome,
        onSent: () => {
          sent = true;
          resolve();
        },
      };
      this.#core.breaker.fire(attempt).then(
        () => {
          if (!sent) resolve();
        },
        (error: unknown) => {
          // After the send resolved, a rejection is the response's verdict: counted, not the sender's concern.
          if (sent) return;
          if (tracked !== undefined) this.#pending.delete(tracked);
          reject(this.#core.translate(error, message, stateAtFire));
        },
      );
    });
  }

  override close(): Promise<void> {
    this.#closing = true;
    return super.close();
  }

  protected override receive(message: JsonRpcMessage, extra: MessageExtra | undefined): void {
    if (isJsonRpcResponse(message) && message.id !== undefined && message.id !== null) {
      const verdict =
        isJsonRpcErrorResponse(message) && this.#core.failureCodes.has(message.error.code)
          ? new FailedResponse(McpError.fromJsonRpcError(message.error))
          : 'success';
      this.#settle(message.id, verdict);
    }
    this.deliver(message, extra);
  }

  protected override handleClose(): void {
    const outcome = this.#closing
      ? new NeutralOutcome()
      : new TransportClosedError('The connection closed before the response arrived.');
    for (const id of [...this.#pending.keys()]) this.#settle(id, outcome);
    super.handleClose();
  }

  #track(id: RequestId, signal: AbortSignal | undefined): Promise<void> {
    this.#settle(id, new NeutralOutcome());
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    // Never awaited when the send is refused; the rejection must not surface as unhandled.
    promise.catch(() => {});
    const onAbort = (): void => {
      const reason: unknown = signal?.reason;
      this.#settle(id, reason instanceof RequestTimeoutError ? reason : new NeutralOutcome());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#pending.set(id, {
      settle: (outcome) => {
        signal?.removeEventListener('abort', onAbort);
        if (outcome === 'success') resolve();
        else reject(outcome);
      },
    });
    return promise;
  }

  #settle(id: RequestId, outcome: 'success' | NeutralOutcome | Error): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    pending.settle(outcome);
  }
}

/**
 * A client-side transport decorator that counts failed sends and, once they cross a threshold, opens the
 * circuit: every `send` then rejects at once with a {@link CircuitOpenError} (the inner transport is not
 * called) until `resetTimeout` has passed. Then the circuit half-opens and lets one message through as a
 * trial: its success closes the circuit, its failure opens it again.
 *
 * A failure is a rejected `send` (an HTTP error, a `TransportClosedError`, …) and, with `failureCodes`, an
 * error response with one of those codes (or a timeout) to a request sent through the breaker. The state
 * machine is opossum's (`errorThresholdPercentage`, `volumeThreshold`, `resetTimeout`, `rollingCountTimeout`).
 * One breaker serves every transport it decorates.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * import { createInMemoryTransportPair } from '@pmcp/jsonrpc';
 * import { CircuitOpenError } from '@pmcp/middleware';
 * import { circuitBreaker } from '@pmcp/middleware/circuit-breaker';
 *
 * const breaker = circuitBreaker({
 *   failureThreshold: 5,
 *   failureCodes: [-32603],
 *   resetTimeout: 10_000,
 *   onStateChange: (state) => console.log('circuit', state),
 * });
 * const [clientSide] = createInMemoryTransportPair();
 * const client = createClient({ name: 'app', version: '1.0.0' });
 * // await client.connect(breaker(clientSide));
 * // A call made while the circuit is open rejects at once with CircuitOpenError.
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports
 */
export function circuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreakerDecorator {
  const core = new BreakerCore(options);
  const decorate = (next: Transport): Transport => {
    assertTransport(next);
    return new CircuitBreakerTransport(next, core);
  };
  return Object.defineProperties(decorate, {
    state: { get: () => core.state, enumerable: true },
    halfOpensAt: { get: () => core.halfOpensAt, enumerable: true },
    stats: {
      value: (): CircuitBreakerStats => {
        const { fires, failures, successes, rejects } = core.breaker.stats;
        return { fires, failures, successes, rejects };
      },
    },
    dispose: { value: (): void => core.breaker.shutdown() },
  }) as CircuitBreakerDecorator;
}

function validateOptions(options: CircuitBreakerOptions): void {
  const positive = (name: keyof CircuitBreakerOptions, integer: boolean): void => {
    const value = options[name];
    if (value === undefined) return;
    if (
      typeof value !== 'number' ||
      !(value > 0) ||
      !Number.isFinite(value) ||
      (integer && !Number.isInteger(value))
    ) {
      throw new TypeError(
        `circuitBreaker(): ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}.`,
      );
    }
  };
  positive('failureThreshold', true);
  positive('resetTimeout', false);
  positive('rollingCountTimeout', false);
  positive('rollingCountBuckets', true);
  const volume = options.volumeThreshold;
  if (volume !== undefined && !(Number.isInteger(volume) && volume >= 0)) {
    throw new TypeError(
      `circuitBreaker(): volumeThreshold must be a non-negative integer, got ${String(volume)}.`,
    );
  }
  const percentage = options.errorThresholdPercentage;
  if (percentage !== undefined && !(typeof percentage === 'number' && percentage >= 0 && percentage <= 100)) {
    throw new TypeError(
      `circuitBreaker(): errorThresholdPercentage must be a number from 0 to 100, got ${String(percentage)}.`,
    );
  }
  if (options.failureCodes !== undefined) {
    for (const code of options.failureCodes) {
      if (!Number.isInteger(code)) {
        throw new TypeError(
          `circuitBreaker(): failureCodes must be JSON-RPC error codes (integers), got ${String(code)}.`,
        );
      }
    }
  }
}
