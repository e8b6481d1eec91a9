/**
 * Newline-delimited JSON framing (the stdio transport's wire format): a byte stream in, message texts out.
 */
import { InvalidMessageError, McpErrorCode } from './errors.ts';
import type { JsonRpcMessage } from './messages.ts';
import { serializeMessage } from './parse.ts';

/**
 * One framed message: its text, or why it could not be framed (too large, not UTF-8).
 *
 * @example
 * ```ts
 * import { createNdjsonDecoder, type Frame } from '@pmcp/jsonrpc';
 *
 * const frames: Frame[] = createNdjsonDecoder().push(chunk);
 * for (const frame of frames) if (!frame.ok) await transport.send(frame.error.reply);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports#stdio
 */
export type Frame = { ok: true; text: string } | { ok: false; error: InvalidMessageError };

/**
 * Options of a {@link FrameDecoder}.
 *
 * @example
 * ```ts
 * import { createNdjsonDecoder, type FrameDecoderOptions } from '@pmcp/jsonrpc';
 *
 * const options: FrameDecoderOptions = { maxMessageBytes: 32 * 1024 * 1024 };
 * const decoder = createNdjsonDecoder(options);
 * ```
 */
export interface FrameDecoderOptions {
  /** The largest message accepted, in bytes (without the line ending). Default 8 MiB. */
  maxMessageBytes?: number;
}

/**
 * Turns a byte stream into message texts. Pluggable: `@pmcp/parse-wasm` implements the same interface.
 *
 * @example
 * ```ts
 * import { createNdjsonDecoder, type FrameDecoder } from '@pmcp/jsonrpc';
 *
 * const decoder: FrameDecoder = createNdjsonDecoder();
 * for (const frame of decoder.push(new TextEncoder().encode('{"jsonrpc":"2.0","method":"ping"}\n'))) {
 *   if (frame.ok) console.log(frame.text);
 * }
 * ```
 */
export interface FrameDecoder {
  /** Consumes a chunk and returns every frame it completed, in order. */
  push(chunk: Uint8Array): Frame[];
  /** Signals the end of the stream and returns what is left (a final line without a newline). */
  end(): Frame[];
}

/**
 * Creates a {@link FrameDecoder}; what transports accept to swap the framing implementation.
 *
 * @example
 * ```ts
 * import { createNdjsonDecoder, type FrameDecoderFactory } from '@pmcp/jsonrpc';
 *
 * const factory: FrameDecoderFactory = createNdjsonDecoder;
 * const decoder = factory({ maxMessageBytes: 1024 * 1024 });
 * ```
 */
export type FrameDecoderFactory = (options?: FrameDecoderOptions) => FrameDecoder;

/**
 * The default {@link FrameDecoderOptions.maxMessageBytes}: 8 MiB.
 *
 * @example
 * ```ts
 * import { createNdjsonDecoder, DEFAULT_MAX_MESSAGE_BYTES } from '@pmcp/jsonrpc';
 *
 * const decoder = createNdjsonDecoder({ maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES * 4 });
 * ```
 */
export const DEFAULT_MAX_MESSAGE_BYTES: number = 8 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;

/**
 * Creates a decoder for newline-delimited JSON: one message per LF-terminated line. A trailing CR is stripped,
 * blank lines are skipped, and frames come out right however the stream is split, even inside a multi-byte
 * UTF-8 character or between CR and LF.
 *
 * A line longer than `maxMessageBytes` is never buffered: the decoder emits one error frame (code -32600) and
 * discards bytes up to the next LF, then carries on. A line that is not valid UTF-8 gives an error frame
 * (code -32700).
 *
 * @example
 * ```ts
 * import { createNdjsonDecoder, parseJsonRpcMessage } from '@pmcp/jsonrpc';
 *
 * const decoder = createNdjsonDecoder({ maxMessageBytes: 1024 * 1024 });
 * for await (const chunk of stream) {
 *   for (const frame of decoder.push(chunk)) {
 *     const parsed = frame.ok ? parseJsonRpcMessage(frame.text) : { ok: false as const, error: frame.error };
 *     // deliver parsed.message, or send parsed.error.reply
 *   }
 * }
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports#stdio
 */
export function createNdjsonDecoder(options?: FrameDecoderOptions): FrameDecoder {
  const maxMessageBytes = options?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!(maxMessageBytes > 0) || !Number.isFinite(maxMessageBytes)) {
    throw new RangeError(
      `maxMessageBytes must be a positive number of bytes, got ${String(maxMessageBytes)}. Omit it for the default of 8 MiB.`,
    );
  }
  // fatal: a line that is not UTF-8 becomes an error frame instead of text silently full of U+FFFD.
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  // The unterminated line so far, kept as the chunks it arrived in: joined once, when its LF arrives.
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  // Inside an oversize line whose error frame was already emitted: drop bytes until the next LF.
  let discarding = false;

  const oversize = (): Frame => ({
    ok: false,
    error: new InvalidMessageError(
      McpErrorCode.InvalidRequest,
      `Message too large: a line exceeded maxMessageBytes (${maxMessageBytes} bytes) and was discarded. Send smaller messages, or raise \`maxMessageBytes\` in the transport options.`,
      { data: { maxMessageBytes } },
    ),
  });

  const emitLine = (frames: Frame[], line: Uint8Array): void => {
    let end = line.length;
    if (end > 0 && line[end - 1] === CR) end--;
    if (end > maxMessageBytes) {
      frames.push(oversize());
      return;
    }
    if (isBlank(line, end)) return;
    let text: string;
    try {
      text = utf8.decode(line.subarray(0, end));
    } catch (cause) {
      frames.push({
        ok: false,
        error: new InvalidMessageError(
          McpErrorCode.ParseError,
          'Parse error: the message is not valid UTF-8. Encode every message as UTF-8 JSON.',
          { cause },
        ),
      });
      return;
    }
    frames.push({ ok: true, text });
  };

  const takePending = (tail: Uint8Array): Uint8Array => {
    if (pending.length === 0) return tail;
    const line = new Uint8Array(pendingBytes + tail.length);
    let offset = 0;
    for (const part of pending) {
      line.set(part, offset);
      offset += part.length;
    }
    line.set(tail, offset);
    pending = [];
    pendingBytes = 0;
    return line;
  };

  return {
    push(chunk: Uint8Array): Frame[] {
      const frames: Frame[] = [];
      let start = 0;
      // Only the new chunk is searched for LF: earlier bytes are known to contain none.
      let lf = chunk.indexOf(LF, start);
      while (lf !== -1) {
        if (discarding) {
          discarding = false;
        } else if (pendingBytes + (lf - start) > maxMessageBytes + 1) {
          frames.push(oversize());
          pending = [];
          pendingBytes = 0;
        } else {
          emitLine(frames, takePending(chunk.subarray(start, lf)));
        }
        start = lf + 1;
        lf = chunk.indexOf(LF, start);
      }
      if (start < chunk.length && !discarding) {
        const rest = chunk.length - start;
        // One spare byte for a CR that may turn out to precede the LF.
        if (pendingBytes + rest > maxMessageBytes + 1) {
          frames.push(oversize());
          pending = [];
          pendingBytes = 0;
          discarding = true;
        } else {
          // Copied: the caller may reuse its buffer for the next read.
          pending.push(chunk.slice(start));
          pendingBytes += rest;
        }
      }
      return frames;
    },
    end(): Frame[] {
      const frames: Frame[] = [];
      if (!discarding && pendingBytes > 0) emitLine(frames, takePending(new Uint8Array(0)));
      pending = [];
      pendingBytes = 0;
      discarding = false;
      return frames;
    },
  };
}

/**
 * Serializes a message as one NDJSON line: its JSON followed by `\n`. JSON escapes newlines inside strings,
 * so the line never contains another LF.
 *
 * @example
 * ```ts
 * import { encodeNdjson } from '@pmcp/jsonrpc';
 *
 * process.stdout.write(encodeNdjson({ jsonrpc: '2.0', method: 'notifications/initialized' }));
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports#stdio
 */
export function encodeNdjson(message: JsonRpcMessage): string {
  return `${serializeMessage(message)}\n`;
}

function isBlank(line: Uint8Array, end: number): boolean {
  for (let index = 0; index < end; index++) {
    const byte = line[index];
    if (byte !== 0x20 && byte !== 0x09 && byte !== CR) return false;
  }
  return true;
}
