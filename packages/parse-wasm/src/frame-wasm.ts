/**
 * The NDJSON frame decoder over a wasm scanner instance. Framing rules are those of `createNdjsonDecoder`
 * in `@pmcp/jsonrpc` (the reference, and this package's JS engine for framing); the differential tests
 * hold the two to identical frames, errors included.
 */
import { type Frame, type FrameDecoder, InvalidMessageError, McpErrorCode } from '@pmcp/jsonrpc';
import { asciiFastPath } from './ascii.ts';
import {
  FEED_BYTES,
  KIND_FRAME,
  outOfMemory,
  RECORD_COUNT_MASK,
  RECORD_WORDS,
  RESULT_MORE,
  type ScannerExports,
} from './wasm-abi.ts';

/** Linear memory is 32-bit: a larger limit means "never", and is clamped so the scanner's `+ 1` cannot wrap. */
const LARGEST_LIMIT = 0x7fff_ffff;

/** An {@link FrameDecoder} running on one instance of the compiled scanner. */
export class WasmFrameDecoder implements FrameDecoder {
  readonly #scanner: ScannerExports;
  readonly #maxMessageBytes: number;
  // fatal and BOM-stripping per line, exactly like the reference: a line that is not UTF-8 is an error frame.
  readonly #text = new TextDecoder('utf-8', { fatal: true });
  readonly #decodeAscii = asciiDecoder();
  #buffer: ArrayBuffer;
  #bytes: Uint8Array;
  #words: Int32Array;
  readonly #recordBase: number;

  constructor(scanner: ScannerExports, maxMessageBytes: number) {
    this.#scanner = scanner;
    this.#maxMessageBytes = maxMessageBytes;
    if (scanner.reserve(0) === 0) throw outOfMemory('creating a frame decoder');
    scanner.frameInit(Math.min(maxMessageBytes, LARGEST_LIMIT));
    this.#recordBase = scanner.recordTable() >> 2;
    this.#buffer = scanner.memory.buffer;
    this.#bytes = new Uint8Array(this.#buffer);
    this.#words = new Int32Array(this.#buffer);
  }

  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    const scanner = this.#scanner;
    for (let offset = 0; offset < chunk.length; offset += FEED_BYTES) {
      const piece = chunk.length <= FEED_BYTES ? chunk : chunk.subarray(offset, offset + FEED_BYTES);
      const at = scanner.reserve(piece.length);
      if (at === 0) throw outOfMemory('buffering a message');
      this.#views().set(piece, at);
      let result = scanner.frameFeed(piece.length);
      for (;;) {
        this.#collect(result & RECORD_COUNT_MASK, frames);
        if ((result & RESULT_MORE) === 0) break;
        result = scanner.frameResume();
      }
    }
    return frames;
  }

  end(): Frame[] {
    const frames: Frame[] = [];
    this.#collect(this.#scanner.frameEnd(), frames);
    return frames;
  }

  #views(): Uint8Array {
    const buffer = this.#scanner.memory.buffer;
    if (buffer !== this.#buffer) {
      this.#buffer = buffer;
      this.#bytes = new Uint8Array(buffer);
      this.#words = new Int32Array(buffer);
    }
    return this.#bytes;
  }

  #collect(count: number, frames: Frame[]): void {
    if (count === 0) return;
    this.#views();
    const words = this.#words;
    const base = this.#recordBase;
    const end = base + count * RECORD_WORDS;
    // A run of ASCII frames is decoded with one call and sliced: a decode call per line costs more than
    // the decoding for messages of a few hundred bytes. ASCII needs no validation, has no BOM to strip,
    // and its byte offsets are string offsets.
    let batch: string | undefined;
    let batchStart = 0;
    if (count > 1) {
      batchStart = words[base + 1]!;
      const batchEnd = words[end - RECORD_WORDS + 1]! + words[end - RECORD_WORDS + 2]!;
      if (this.#scanner.isAscii(batchStart, batchEnd - batchStart) !== 0) {
        batch = this.#decodeAscii(this.#bytes.subarray(batchStart, batchEnd));
      }
    }
    for (let record = base; record < end; record += RECORD_WORDS) {
      if (words[record] !== KIND_FRAME) {
        frames.push(oversizeFrame(this.#maxMessageBytes));
        continue;
      }
      const at = words[record + 1]!;
      const length = words[record + 2]!;
      if (batch !== undefined) {
        frames.push({ ok: true, text: batch.slice(at - batchStart, at - batchStart + length) });
        continue;
      }
      try {
        frames.push({ ok: true, text: this.#text.decode(this.#bytes.subarray(at, at + length)) });
      } catch (cause) {
        frames.push(notUtf8Frame(cause));
      }
    }
  }
}

function asciiDecoder(): (bytes: Uint8Array) => string {
  const native = asciiFastPath();
  if (native !== undefined) return native.decodeAscii;
  const text = new TextDecoder('utf-8', { ignoreBOM: true });
  return (bytes) => text.decode(bytes);
}

// The same errors, codes and messages as the reference decoder's.
function oversizeFrame(maxMessageBytes: number): Frame {
  return {
    ok: false,
    error: new InvalidMessageError(
      McpErrorCode.InvalidRequest,
      `Message too large: a line exceeded maxMessageBytes (${maxMessageBytes} bytes) and was discarded. Send smaller messages, or raise \`maxMessageBytes\` in the transport options.`,
      { data: { maxMessageBytes } },
    ),
  };
}

function notUtf8Frame(cause: unknown): Frame {
  return {
    ok: false,
    error: new InvalidMessageError(
      McpErrorCode.ParseError,
      'Parse error: the message is not valid UTF-8. Encode every message as UTF-8 JSON.',
      { cause },
    ),
  };
}
