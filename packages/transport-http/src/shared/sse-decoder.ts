/**
 * The default Server-Sent Events decoder: a thin adapter that gives eventsource-parser the `SseDecoder`
 * interface of `@pmcp/jsonrpc`, so `@pmcp/parse-wasm` (or any other parser) can replace it through one option.
 */
import type { SseDecoder, SseEvent } from '@pmcp/jsonrpc';
import { createParser } from 'eventsource-parser';

/**
 * Options of {@link createEventSourceParserDecoder}.
 *
 * @example
 * ```ts
 * import { createEventSourceParserDecoder, type EventSourceParserDecoderOptions } from '@pmcp/transport-http';
 *
 * const options: EventSourceParserDecoderOptions = { maxEventChars: 1024 * 1024 };
 * const decoder = createEventSourceParserDecoder(options);
 * ```
 */
export interface EventSourceParserDecoderOptions {
  /**
   * The most characters one event (or one unterminated line) may buffer; default 8 Mi. A stream that exceeds
   * it makes `push` throw, so a misbehaving server cannot grow the client's memory without bound.
   */
  maxEventChars?: number;
}

const DEFAULT_MAX_EVENT_CHARS = 8 * 1024 * 1024;

/**
 * Creates an SSE decoder over eventsource-parser: bytes in (split anywhere, even inside a UTF-8 sequence),
 * dispatched events out. It is an `SseDecoderFactory`, the default of the HTTP client transport's
 * `sseDecoder` option.
 *
 * Differences from the WHATWG rules, inherited from eventsource-parser: an `id` field in a block that has no
 * `data` line is not seen (an `id` with an empty `data:` line, the priming event MCP servers send, is), and
 * `retry` is reported on the next dispatched event even when it arrived in a block without data.
 * `@pmcp/parse-wasm`'s decoder follows the WHATWG rules exactly.
 *
 * @throws from `push` when an event grows past `maxEventChars`; the stream should be abandoned.
 * @example
 * ```ts
 * import { createEventSourceParserDecoder, httpClientTransport } from '@pmcp/transport-http';
 *
 * const transport = httpClientTransport('http://127.0.0.1:3000/mcp', {
 *   sseDecoder: () => createEventSourceParserDecoder({ maxEventChars: 1024 * 1024 }),
 * });
 * ```
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export function createEventSourceParserDecoder(options: EventSourceParserDecoderOptions = {}): SseDecoder {
  const maxEventChars = options.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS;
  let lastEventId = '';
  let retry: number | undefined;
  let retrySeen = false;
  let overflow: Error | undefined;
  let text = new TextDecoder();
  let dispatched: SseEvent[] = [];
  let endsWithCarriageReturn = false;

  const parser = createParser({
    maxBufferSize: maxEventChars,
    onEvent(message) {
      // The WHATWG last-event-ID buffer persists across events; eventsource-parser reports only this block's id.
      if (message.id !== undefined) lastEventId = message.id;
      // An event whose data is empty is not dispatched (WHATWG), but its id still counts: the priming event.
      if (message.data === '') return;
      const event: SseEvent = {
        event: message.event === undefined || message.event === '' ? 'message' : message.event,
        data: message.data,
        id: lastEventId,
      };
      if (retrySeen && retry !== undefined) event.retry = retry;
      retrySeen = false;
      dispatched.push(event);
    },
    onRetry(milliseconds) {
      retry = milliseconds;
      retrySeen = true;
    },
    onError(error) {
      if (error.type === 'max-buffer-size-exceeded') {
        overflow = new RangeError(
          `A server-sent event grew past ${maxEventChars} characters without ending; the stream was abandoned. ` +
            'Raise maxEventChars if the server really sends events this large.',
        );
      }
    },
  });

  const take = (): SseEvent[] => {
    const events = dispatched;
    dispatched = [];
    if (overflow !== undefined) {
      const error = overflow;
      overflow = undefined;
      parser.reset();
      throw error;
    }
    return events;
  };

  return {
    push(chunk: Uint8Array): SseEvent[] {
      const decoded = text.decode(chunk, { stream: true });
      if (decoded.length > 0) {
        parser.feed(decoded);
        endsWithCarriageReturn = decoded.endsWith('\r');
      }
      return take();
    },
    end(): SseEvent[] {
      const rest = text.decode();
      if (rest.length > 0) {
        parser.feed(rest);
        endsWithCarriageReturn = rest.endsWith('\r');
      }
      // eventsource-parser holds back a final CR in case an LF follows; at the end of the stream it is a
      // complete line break, so complete it (CRLF counts as one break).
      if (endsWithCarriageReturn) parser.feed('\n');
      endsWithCarriageReturn = false;
      // Without consume, an event that never got its closing blank line is dropped, as WHATWG says.
      parser.reset();
      text = new TextDecoder();
      return take();
    },
    get lastEventId(): string {
      return lastEventId;
    },
    get retry(): number | undefined {
      return retry;
    },
  };
}
