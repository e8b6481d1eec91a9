/**
 * The SSE decoder over a wasm scanner instance: chunks are copied into linear memory, the scanner cuts
 * lines and fields there, and only each event's data (and a changed id or type) is decoded to a string,
 * once, straight from linear memory.
 */
import type { SseDecoder, SseEvent } from '@pmcp/jsonrpc';
import type { SseRestingState } from './sse-js.ts';
import {
  FEED_BYTES,
  KIND_EVENT,
  KIND_ID,
  outOfMemory,
  RECORD_COUNT_MASK,
  RECORD_WORDS,
  RESULT_MORE,
  type ScannerExports,
  TYPE_MESSAGE,
  TYPE_SAME,
  UNCHANGED,
} from './wasm-abi.ts';

/** An {@link SseDecoder} running on one instance of the compiled scanner. */
export class WasmSseDecoder implements SseDecoder {
  lastEventId = '';
  retry: number | undefined = undefined;

  readonly #scanner: ScannerExports;
  // Bytes are decoded per field; the stream's BOM is skipped by the scanner, so none may be dropped here.
  readonly #text = new TextDecoder('utf-8', { ignoreBOM: true });
  #buffer: ArrayBuffer;
  #bytes: Uint8Array;
  #words: Int32Array;
  readonly #recordBase: number;
  #lastType = 'message';
  #blockRetry: number | undefined = undefined;

  constructor(scanner: ScannerExports) {
    this.#scanner = scanner;
    const table = scanner.reserve(0);
    if (table === 0) throw outOfMemory('creating an SSE decoder');
    this.#recordBase = scanner.recordTable() >> 2;
    this.#buffer = scanner.memory.buffer;
    this.#bytes = new Uint8Array(this.#buffer);
    this.#words = new Int32Array(this.#buffer);
  }

  /** Continues a stream another decoder started (see {@link JsSseDecoder.restingState}). */
  adopt(state: SseRestingState): void {
    const id = new TextEncoder().encode(state.idBuffer);
    const at = this.#scanner.reserve(id.length);
    if (at === 0) throw outOfMemory('taking over an SSE stream');
    this.#views().set(id, at);
    if (this.#scanner.sseAdopt(id.length, state.idBuffer === state.lastEventId ? 0 : 1) === 0) {
      throw outOfMemory('taking over an SSE stream');
    }
    this.lastEventId = state.lastEventId;
    this.retry = state.retry;
  }

  push(chunk: Uint8Array): SseEvent[] {
    const events: SseEvent[] = [];
    const scanner = this.#scanner;
    for (let offset = 0; offset < chunk.length; offset += FEED_BYTES) {
      const piece = chunk.length <= FEED_BYTES ? chunk : chunk.subarray(offset, offset + FEED_BYTES);
      const at = scanner.reserve(piece.length);
      if (at === 0) throw outOfMemory('buffering an SSE line');
      this.#views().set(piece, at);
      let result = scanner.sseFeed(piece.length);
      for (;;) {
        if (result < 0) throw outOfMemory('buffering an SSE event');
        this.#collect(result & RECORD_COUNT_MASK, events);
        if ((result & RESULT_MORE) === 0) break;
        result = scanner.sseResume();
      }
    }
    return events;
  }

  end(): SseEvent[] {
    this.#scanner.sseEnd();
    this.#blockRetry = undefined;
    return [];
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

  #collect(count: number, events: SseEvent[]): void {
    if (count === 0) return;
    this.#views();
    const words = this.#words;
    const base = this.#recordBase;
    const end = base + count * RECORD_WORDS;
    // Data, changed ids and new types of this run lie back to back in linear memory, each followed by a
    // CR (which no field value can contain): one decode call for all, then cut at the CRs in record order.
    let from = -1;
    for (let record = base; record < end && from === -1; record += RECORD_WORDS) {
      const kind = words[record];
      if (kind === KIND_EVENT) from = words[record + 1]!;
      else if (kind === KIND_ID && words[record + 5] !== UNCHANGED) from = words[record + 5]!;
    }
    const text =
      from === -1 ? '' : this.#text.decode(this.#bytes.subarray(from, this.#scanner.sseSegmentsEnd()));
    let cursor = 0;
    const next = (): string => {
      const separator = text.indexOf('\r', cursor);
      const segment = text.slice(cursor, separator);
      cursor = separator + 1;
      return segment;
    };
    for (let record = base; record < end; record += RECORD_WORDS) {
      const kind = words[record]!;
      if (kind === KIND_EVENT) {
        const data = next();
        if (words[record + 5] !== UNCHANGED) this.lastEventId = next();
        const typeAt = words[record + 3]!;
        if (typeAt !== TYPE_MESSAGE && typeAt !== TYPE_SAME) this.#lastType = next();
        const type = typeAt === TYPE_MESSAGE ? 'message' : this.#lastType;
        const event: SseEvent = { event: type, data, id: this.lastEventId };
        if (this.#blockRetry !== undefined) {
          event.retry = this.#blockRetry;
          this.#blockRetry = undefined;
        }
        events.push(event);
      } else if (kind === KIND_ID) {
        if (words[record + 5] !== UNCHANGED) this.lastEventId = next();
        this.#blockRetry = undefined;
      } else {
        // ASCII digits, still in the input buffer.
        let digits = '';
        const at = words[record + 1]!;
        for (let index = at; index < at + words[record + 2]!; index++)
          digits += String.fromCharCode(this.#bytes[index]!);
        const retry = Number.parseInt(digits, 10);
        this.retry = retry;
        this.#blockRetry = retry;
      }
    }
  }
}
