/**
 * Reading one SSE response body through a pluggable decoder, and the waits between reconnection attempts.
 */
import type { SseDecoder, SseEvent } from '@pmcp/jsonrpc';
import type { ReconnectOptions } from './options.ts';

/** How a stream read finished. `stopped`: the handler asked to stop (it had what it waited for). */
export type StreamOutcome = { kind: 'ended' } | { kind: 'stopped' } | { kind: 'failed'; error: unknown };

/**
 * Feeds a response body to `decoder` and hands each event to `onEvent` until the body ends, fails, or
 * `onEvent` returns `'stop'`. The decoder keeps `lastEventId` and `retry` for a reconnection.
 */
export async function readEventStream(
  response: Response,
  decoder: SseDecoder,
  onEvent: (event: SseEvent) => 'stop' | undefined,
): Promise<StreamOutcome> {
  const body = response.body;
  if (body === null) {
    decoder.end();
    return { kind: 'ended' };
  }
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const events = done ? decoder.end() : decoder.push(value);
      for (const event of events) {
        if (onEvent(event) === 'stop') {
          reader.cancel().catch(() => undefined);
          if (!done) decoder.end();
          return { kind: 'stopped' };
        }
      }
      if (done) return { kind: 'ended' };
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    decoder.end();
    return { kind: 'failed', error };
  }
}

/** Whether a response is an SSE stream. */
export function isEventStream(response: Response): boolean {
  return mediaType(response) === 'text/event-stream';
}

/** Whether a response is a JSON document. */
export function isJson(response: Response): boolean {
  const type = mediaType(response);
  return type === 'application/json' || type.endsWith('+json');
}

function mediaType(response: Response): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Resolved reconnection settings. */
export interface Backoff {
  maxAttempts: number;
  initialDelay: number;
  maxDelay: number;
  backoffFactor: number;
}

/** Validates and fills in {@link ReconnectOptions}. */
export function resolveBackoff(options: ReconnectOptions | undefined): Backoff {
  const resolved: Backoff = {
    maxAttempts: options?.maxAttempts ?? 5,
    initialDelay: options?.initialDelay ?? 1000,
    maxDelay: options?.maxDelay ?? 30_000,
    backoffFactor: options?.backoffFactor ?? 1.5,
  };
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 0) {
    throw new RangeError(
      `httpClientTransport(): reconnect.maxAttempts must be a non-negative integer, got ${String(resolved.maxAttempts)}.`,
    );
  }
  for (const name of ['initialDelay', 'maxDelay'] as const) {
    const value = resolved[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(
        `httpClientTransport(): reconnect.${name} must be a non-negative number of milliseconds, got ${String(value)}.`,
      );
    }
  }
  if (typeof resolved.backoffFactor !== 'number' || !(resolved.backoffFactor >= 1)) {
    throw new RangeError(
      `httpClientTransport(): reconnect.backoffFactor must be a number ≥ 1, got ${String(resolved.backoffFactor)}.`,
    );
  }
  return resolved;
}

/**
 * The wait before reconnection attempt `failures + 1`: the server's `retry:` (or `initialDelay`) after a stream
 * that ended or broke, growing by `backoffFactor` for each consecutive failed attempt, capped at `maxDelay`.
 * The server's `retry:` is honoured exactly for the first attempt, even above `maxDelay`: it is a MUST.
 */
export function reconnectDelay(backoff: Backoff, serverRetry: number | undefined, failures: number): number {
  const base = serverRetry ?? backoff.initialDelay;
  if (failures === 0) return base;
  return Math.max(base, Math.min(base * backoff.backoffFactor ** failures, backoff.maxDelay));
}

/** Waits, or resolves `false` early when `signal` aborts. */
export function sleep(milliseconds: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, milliseconds);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
