/**
 * The pure-JS SSE parser: the reference the wasm scanners are tested against, and the engine used where
 * WebAssembly is missing or slower. It decodes each chunk once (an ASCII chunk with the runtime's native
 * helpers where it has them, any other with a streaming TextDecoder that carries split UTF-8 sequences)
 * and cuts lines with native `indexOf`.
 */
import type { SseDecoder, SseEvent } from '@pmcp/jsonrpc';
import { type AsciiFastPath, asciiFastPath } from './ascii.ts';

const LF = 10;
const COLON = 58;
const SPACE = 32;
const BOM = 0xfeff;

/** State a wasm decoder needs to take over the stream (see {@link JsSseDecoder.restingState}). */
export interface SseRestingState {
  idBuffer: string;
  lastEventId: string;
  retry: number | undefined;
}

/**
 * WHATWG event-stream interpretation over decoded text.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export class JsSseDecoder implements SseDecoder {
  lastEventId = '';
  retry: number | undefined = undefined;

  // The BOM is removed here, once, at the start of the stream, as the event-stream rules ask: the
  // TextDecoder may first see the stream in its middle, after ASCII chunks that took the fast path.
  #text = new TextDecoder('utf-8', { ignoreBOM: true });
  readonly #ascii: AsciiFastPath | undefined;
  // The TextDecoder holds no bytes of a split character (its last input ended with an ASCII byte).
  #textIdle = true;
  #atStreamStart = true;
  // The unfinished line, as the fragments it arrived in: joined once, when its line end arrives.
  #pendingParts: string[] = [];
  // The previous chunk ended in CR: an LF opening the next one belongs to the same line end.
  #pendingCr = false;
  #endsWithLf = false;
  #data = '';
  #dataLines = 0;
  #type = '';
  #idBuffer = '';
  #blockRetry: number | undefined = undefined;

  /** @param ascii native ASCII helpers; `null` forces TextDecoder (the tests run both paths). */
  constructor(ascii: AsciiFastPath | null | undefined = asciiFastPath()) {
    this.#ascii = ascii ?? undefined;
  }

  push(chunk: Uint8Array): SseEvent[] {
    const events: SseEvent[] = [];
    if (chunk.length === 0) return events;
    let text: string;
    if (this.#textIdle && this.#ascii?.isAscii(chunk)) {
      text = this.#ascii.decodeAscii(chunk);
    } else {
      text = this.#text.decode(chunk, { stream: true });
      this.#textIdle = chunk[chunk.length - 1]! < 0x80;
    }
    this.#endsWithLf = chunk[chunk.length - 1] === LF;
    if (text.length === 0) return events;
    if (this.#atStreamStart) {
      this.#atStreamStart = false;
      if (text.charCodeAt(0) === BOM) {
        text = text.slice(1);
        if (text.length === 0) return events;
      }
    }
    this.#parse(text, events);
    return events;
  }

  end(): SseEvent[] {
    this.#text.decode();
    this.#textIdle = true;
    this.#atStreamStart = true;
    this.#pendingParts = [];
    this.#pendingCr = false;
    this.#endsWithLf = false;
    this.#data = '';
    this.#dataLines = 0;
    this.#type = '';
    this.#blockRetry = undefined;
    return [];
  }

  /**
   * The state to hand over when nothing is in flight (the last chunk ended with LF, so the text decoder
   * holds no partial character, and no event has started), else `undefined`.
   */
  restingState(): SseRestingState | undefined {
    if (
      !this.#endsWithLf ||
      this.#pendingParts.length > 0 ||
      this.#dataLines > 0 ||
      this.#type !== '' ||
      this.#blockRetry !== undefined
    ) {
      return undefined;
    }
    return { idBuffer: this.#idBuffer, lastEventId: this.lastEventId, retry: this.retry };
  }

  #parse(text: string, events: SseEvent[]): void {
    const length = text.length;
    let start = 0;
    if (this.#pendingCr) {
      this.#pendingCr = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    // Both searches are cached and only repeated once passed, so a chunk without CR is scanned for it once.
    let lf = text.indexOf('\n', start);
    let cr = text.indexOf('\r', start);
    while (lf !== -1 || cr !== -1) {
      const end = lf === -1 ? cr : cr === -1 || lf < cr ? lf : cr;
      if (this.#pendingParts.length > 0) {
        this.#pendingParts.push(text.slice(start, end));
        const line = this.#pendingParts.join('');
        this.#pendingParts = [];
        this.#line(line, 0, line.length, events);
      } else {
        this.#line(text, start, end, events);
      }
      start = end + 1;
      if (end === cr) {
        if (start === length) {
          this.#pendingCr = true;
        } else if (text.charCodeAt(start) === LF) {
          start++;
        }
      }
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
    }
    if (start < length) this.#pendingParts.push(start === 0 ? text : text.slice(start));
  }

  #line(text: string, start: number, end: number, events: SseEvent[]): void {
    const length = end - start;
    if (length === 0) {
      this.#dispatch(events);
      return;
    }
    const first = text.charCodeAt(start);
    // Field names are matched in place ("data" then ':' or the end of the line): every field acted on has a
    // known name, so the colon of any other line does not matter.
    if (first === 100) {
      if (
        length >= 4 &&
        text.charCodeAt(start + 1) === 97 &&
        text.charCodeAt(start + 2) === 116 &&
        text.charCodeAt(start + 3) === 97
      ) {
        if (length === 4) this.#appendData('');
        else if (text.charCodeAt(start + 4) === COLON)
          this.#appendData(text.slice(valueStart(text, start + 5, end), end));
      }
    } else if (first === 101) {
      if (length >= 5 && text.startsWith('event', start)) {
        if (length === 5) this.#type = '';
        else if (text.charCodeAt(start + 5) === COLON)
          this.#type = text.slice(valueStart(text, start + 6, end), end);
      }
    } else if (first === 105) {
      if (length >= 2 && text.charCodeAt(start + 1) === 100) {
        let value = '';
        if (length > 2) {
          if (text.charCodeAt(start + 2) !== COLON) return;
          value = text.slice(valueStart(text, start + 3, end), end);
        }
        if (!value.includes('\0')) this.#idBuffer = value;
      }
    } else if (first === 114) {
      if (length > 6 && text.startsWith('retry:', start)) {
        const value = text.slice(valueStart(text, start + 6, end), end);
        if (isDigits(value)) {
          const retry = Number.parseInt(value, 10);
          this.retry = retry;
          this.#blockRetry = retry;
        }
      }
    }
  }

  #appendData(value: string): void {
    this.#data = this.#dataLines === 0 ? value : `${this.#data}\n${value}`;
    this.#dataLines++;
  }

  #dispatch(events: SseEvent[]): void {
    this.lastEventId = this.#idBuffer;
    if (this.#dataLines > 0) {
      const event: SseEvent = {
        event: this.#type === '' ? 'message' : this.#type,
        data: this.#data,
        id: this.#idBuffer,
      };
      if (this.#blockRetry !== undefined) event.retry = this.#blockRetry;
      events.push(event);
      this.#data = '';
      this.#dataLines = 0;
    }
    this.#type = '';
    this.#blockRetry = undefined;
  }
}

function valueStart(text: string, at: number, end: number): number {
  return at < end && text.charCodeAt(at) === SPACE ? at + 1 : at;
}

function isDigits(value: string): boolean {
  if (value.length === 0) return false;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 48 || code > 57) return false;
  }
  return true;
}
