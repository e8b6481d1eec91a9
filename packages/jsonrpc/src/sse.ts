/**
 * The Server-Sent Events parser interface: bytes in, dispatched events out. The HTTP transport codes
 * against it; `@pmcp/parse-wasm` and any adapter over `eventsource-parser` implement it, so the parser is
 * chosen with one option and the transport depends on neither.
 */

/**
 * One dispatched server-sent event, as the WHATWG "event stream interpretation" defines it.
 *
 * @example
 * ```ts
 * import type { SseEvent } from '@pmcp/jsonrpc';
 *
 * const event: SseEvent = { event: 'message', data: '{"jsonrpc":"2.0","method":"ping"}', id: '42' };
 * ```
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#streamable-http
 */
export interface SseEvent {
  /** The `event` field, or `"message"` when the event had none (or an empty one). */
  event: string;
  /** The `data` lines joined with LF, decoded as UTF-8 (invalid bytes become U+FFFD). */
  data: string;
  /**
   * The last-event-ID buffer when the event was dispatched: the latest `id` field of the stream so far
   * (it persists across events), `""` when there was none. An `id` containing NUL is ignored.
   */
  id: string;
  /**
   * The reconnection time in milliseconds, present only on the event during which a valid `retry` field
   * (ASCII digits only) was seen.
   */
  retry?: number;
}

/**
 * An incremental SSE parser over bytes. Chunks may split lines, CRLF pairs and UTF-8 sequences anywhere;
 * a leading BOM is skipped, comments and unknown fields are ignored, and a block with no `data` line
 * dispatches nothing (but still updates {@link SseDecoder.lastEventId}).
 *
 * @example
 * ```ts
 * import type { SseDecoder } from '@pmcp/jsonrpc';
 *
 * async function* events(body: ReadableStream<Uint8Array>, decoder: SseDecoder) {
 *   for await (const chunk of body) yield* decoder.push(chunk);
 *   yield* decoder.end();
 * }
 * ```
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export interface SseDecoder {
  /** Parses a chunk and returns every event it completed, in order. */
  push(chunk: Uint8Array): SseEvent[];
  /**
   * The stream ended: an event without its closing blank line is discarded (as the WHATWG rules say),
   * and the decoder is ready for a new stream. `lastEventId` and `retry` keep their values, because a
   * reconnecting client needs them. Returns the events still to deliver (none for a conforming parser;
   * the array leaves room for parsers that flush).
   */
  end(): SseEvent[];
  /** The last event ID string: the last-event-ID buffer as of the latest dispatch (`Last-Event-ID` on reconnect). */
  readonly lastEventId: string;
  /** The latest valid `retry` value in milliseconds, `undefined` until the stream sends one. */
  readonly retry: number | undefined;
}

/**
 * Makes one {@link SseDecoder} per stream. Transports take this as an option, so a faster parser can be
 * plugged in without the transport depending on it.
 *
 * @example
 * ```ts
 * import type { SseDecoderFactory } from '@pmcp/jsonrpc';
 * import { createSseDecoder } from '@pmcp/parse-wasm';
 *
 * const sseDecoder: SseDecoderFactory = () => createSseDecoder();
 * ```
 */
export type SseDecoderFactory = () => SseDecoder;
