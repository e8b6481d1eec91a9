/**
 * The contract between assembly/index.ts and the JS wrappers: the exports of the compiled scanner and the
 * layout of the records it writes. Keep in step with the constants at the top of assembly/index.ts.
 */

/** The exports of wasm/scan*.wasm. Addresses and lengths are byte offsets into `memory`. */
export interface ScannerExports {
  readonly memory: WebAssembly.Memory;
  recordTable(): number;
  reserve(length: number): number;
  sseFeed(length: number): number;
  sseResume(): number;
  sseSegmentsEnd(): number;
  sseAdopt(length: number, changed: number): number;
  sseEnd(): void;
  frameInit(maxMessageBytes: number): void;
  frameFeed(length: number): number;
  frameResume(): number;
  frameEnd(): number;
  isAscii(from: number, length: number): number;
}

/** i32 words per record. */
export const RECORD_WORDS = 8;
/** Set in a feed result when the record table filled up and the run must be resumed. */
export const RESULT_MORE = 0x10000;
export const RECORD_COUNT_MASK = 0xffff;

export const KIND_EVENT = 1;
export const KIND_ID = 2;
export const KIND_RETRY = 3;
export const KIND_FRAME = 1;
export const KIND_OVERSIZE = 2;

/** Event type codes in place of an address: no `event` field, or the same type as the previous event. */
export const TYPE_MESSAGE = -1;
export const TYPE_SAME = -2;
export const UNCHANGED = -1;

/**
 * The most bytes copied into linear memory per feed: larger chunks are fed in slices, so memory stays
 * proportional to the longest line rather than to the largest chunk.
 */
export const FEED_BYTES: number = 64 * 1024;

/** Instantiates a compiled scanner; it needs no imports. */
export function instantiateScanner(module: WebAssembly.Module): ScannerExports {
  return new WebAssembly.Instance(module, {}).exports as unknown as ScannerExports;
}

/** The error thrown when linear memory cannot grow (the engine refused more pages). */
export function outOfMemory(what: string): RangeError {
  return new RangeError(
    `@pmcp/parse-wasm: WebAssembly memory could not grow while ${what}. The stream holds a line or event too large for this engine; use a smaller one, or engine: 'js'.`,
  );
}
