/**
 * One Server-Sent Events response body written by the server: events, keep-alive comments, and a bound on what
 * a client that stops reading can make the server hold in memory.
 */

/** The fields of one event; `data` is written as one `data:` line per line of text. */
export interface SseEventFields {
  id?: string | undefined;
  event?: string | undefined;
  data: string;
  retry?: number | undefined;
}

export interface SseStreamOptions {
  /** Interval of `: keep-alive` comments in milliseconds; 0 sends none. */
  keepAliveMs: number;
  /** Bytes queued for a client that is not reading, past which the stream is dropped. */
  maxBufferedBytes: number;
  /** The stream ended without {@link SseStream.close}: the client went away or read too slowly. Called once. */
  onDisconnect?: ((reason: Error) => void) | undefined;
}

/** The headers every SSE response of the handler carries. */
export function sseHeaders(init?: HeadersInit): Headers {
  const headers = new Headers(init);
  headers.set('Content-Type', 'text/event-stream');
  headers.set('Cache-Control', 'no-cache, no-transform');
  // Reverse proxies such as nginx would otherwise hold events back until their buffer fills.
  headers.set('X-Accel-Buffering', 'no');
  return headers;
}

/** Serializes one event; an id or event name with a line break would split the event, so it is refused. */
export function formatSseEvent(fields: SseEventFields): string {
  let text = '';
  if (fields.id !== undefined) {
    if (/[\r\n]/.test(fields.id)) throw new TypeError('An SSE event id cannot contain CR or LF');
    text += `id: ${fields.id}\n`;
  }
  if (fields.event !== undefined) {
    if (/[\r\n]/.test(fields.event)) throw new TypeError('An SSE event name cannot contain CR or LF');
    text += `event: ${fields.event}\n`;
  }
  if (fields.retry !== undefined) text += `retry: ${Math.max(0, Math.floor(fields.retry))}\n`;
  for (const line of fields.data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
  return `${text}\n`;
}

function unrefTimer(timer: unknown): void {
  // Node, Deno and Bun timers keep the process alive unless unref'd; browsers and workers have no unref.
  (timer as { unref?: () => void } | undefined)?.unref?.();
}

/**
 * A writable SSE body. `send` returns false once the stream is over (closed, cancelled by the client, or dropped
 * because the client read too slowly), so callers can stop writing to it.
 */
export class SseStream {
  readonly body: ReadableStream<Uint8Array>;
  readonly #encoder = new TextEncoder();
  readonly #options: SseStreamOptions;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #open = true;
  #keepAlive: ReturnType<typeof setInterval> | undefined;

  constructor(options: SseStreamOptions) {
    this.#options = options;
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        cancel: (reason) => {
          this.#end();
          this.#options.onDisconnect?.(
            reason instanceof Error ? reason : new Error('The client closed the event stream'),
          );
        },
      },
      new ByteLengthQueuingStrategy({ highWaterMark: Math.max(1, options.maxBufferedBytes) }),
    );
    if (options.keepAliveMs > 0) {
      this.#keepAlive = setInterval(() => this.comment('keep-alive'), options.keepAliveMs);
      unrefTimer(this.#keepAlive);
    }
  }

  /** Whether events can still be written. */
  get open(): boolean {
    return this.#open;
  }

  send(fields: SseEventFields): boolean {
    return this.#write(formatSseEvent(fields));
  }

  /** A comment line: ignored by every SSE parser, it keeps idle connections from timing out. */
  comment(text = ''): boolean {
    return this.#write(`: ${text.replace(/[\r\n]+/g, ' ')}\n\n`);
  }

  /** Ends the stream after what was written so far. */
  close(): void {
    if (!this.#open) return;
    this.#end();
    try {
      this.#controller?.close();
    } catch {
      // Already closed or errored by the runtime.
    }
  }

  /** Drops the connection now, without a clean end. */
  abort(reason: Error): void {
    if (!this.#open) return;
    this.#end();
    try {
      this.#controller?.error(reason);
    } catch {
      // Already closed or errored by the runtime.
    }
    this.#options.onDisconnect?.(reason);
  }

  #write(text: string): boolean {
    if (!this.#open || this.#controller === undefined) return false;
    try {
      this.#controller.enqueue(this.#encoder.encode(text));
    } catch {
      this.#end();
      return false;
    }
    const room = this.#controller.desiredSize;
    if (room !== null && room < 0) {
      this.abort(
        new Error(
          `The client is not reading the event stream: more than ${this.#options.maxBufferedBytes} bytes are waiting, so the stream was dropped`,
        ),
      );
      return false;
    }
    return true;
  }

  #end(): void {
    this.#open = false;
    if (this.#keepAlive !== undefined) clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
  }
}
