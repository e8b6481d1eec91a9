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
const BOM = 0xfeff;

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

  /** Keeps `chunk[from..]`, the start of a line, for the next chunk; an oversize start is reported and dropped. */
  const keepTail = (frames: Frame[], chunk: Uint8Array, from: number): void => {
    const rest = chunk.length - from;
    // One spare byte for a CR that may turn out to precede the LF.
    if (pendingBytes + rest > maxMessageBytes + 1) {
      frames.push(oversize());
      pending = [];
      pendingBytes = 0;
      discarding = true;
    } else {
      // Copied: the caller may reuse its buffer for the next read.
      pending.push(chunk.slice(from));
      pendingBytes += rest;
    }
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

  // Decodes a run of whole lines in one call; BOMs are kept here and stripped per line, as each per-line decode does.
  const runDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  /** The lines of `chunk[from, to)`, which ends just before an LF, one decode call per line. */
  const emitLinesOneByOne = (frames: Frame[], chunk: Uint8Array, from: number, to: number): void => {
    let start = from;
    while (start <= to) {
      let lf = chunk.indexOf(LF, start);
      if (lf === -1 || lf > to) lf = to;
      // emitLine answers an oversize line without decoding it.
      emitLine(frames, chunk.subarray(start, lf));
      start = lf + 1;
    }
  };

  /**
   * The lines of `chunk[from, to)`, which ends just before an LF. Decoding costs mostly per call, so a run of
   * lines no longer than the limit is decoded at once and split as text: valid as a whole means every line is
   * (an LF is never part of a multi-byte sequence). Otherwise, line by line, which says which lines are bad.
   */
  const emitLines = (frames: Frame[], chunk: Uint8Array, from: number, to: number): void => {
    if (to - from > maxMessageBytes) {
      emitLinesOneByOne(frames, chunk, from, to);
      return;
    }
    let text: string;
    try {
      text = runDecoder.decode(chunk.subarray(from, to));
    } catch {
      emitLinesOneByOne(frames, chunk, from, to);
      return;
    }
    let start = 0;
    for (;;) {
      let end = text.indexOf('\n', start);
      const next = end === -1 ? -1 : end + 1;
      if (end === -1) end = text.length;
      let last = end;
      if (last > start && text.charCodeAt(last - 1) === CR) last--;
      if (!isBlankText(text, start, last)) {
        if (text.charCodeAt(start) === BOM) start++;
        frames.push({ ok: true, text: text.slice(start, last) });
      }
      if (next === -1) return;
      start = next;
    }
  };

  return {
    push(chunk: Uint8Array): Frame[] {
      const frames: Frame[] = [];
      // One scan from the end finds where the whole lines of this chunk stop; earlier bytes hold no LF.
      const last = chunk.lastIndexOf(LF);
      if (last === -1) {
        if (!discarding) keepTail(frames, chunk, 0);
        return frames;
      }
      let start = 0;
      if (discarding) {
        discarding = false;
        start = chunk.indexOf(LF) + 1;
      } else if (pendingBytes > 0) {
        if (pendingBytes + last <= maxMessageBytes) {
          // The unfinished line and the whole lines after it, as one run: one decode call for all of them.
          const run = takePending(chunk.subarray(0, last));
          emitLines(frames, run, 0, run.length);
          start = last + 1;
        } else {
          const lf = chunk.indexOf(LF);
          if (pendingBytes + lf > maxMessageBytes + 1) {
            frames.push(oversize());
            pending = [];
            pendingBytes = 0;
          } else {
            emitLine(frames, takePending(chunk.subarray(0, lf)));
          }
          start = lf + 1;
        }
      }
      if (last >= start) {
        emitLines(frames, chunk, start, last);
        start = last + 1;
      }
      if (start < chunk.length) keepTail(frames, chunk, start);
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

/** Whether `text[start, end)` has only spaces, tabs and CRs, the bytes {@link isBlank} skips. */
function isBlankText(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code !== 0x20 && code !== 0x09 && code !== CR) return false;
  }
  return true;
}

function isBlank(line: Uint8Array, end: number): boolean {
  for (let index = 0; index < end; index++) {
    const byte = line[index];
    if (byte !== 0x20 && byte !== 0x09 && byte !== CR) return false;
  }
  return true;
}
