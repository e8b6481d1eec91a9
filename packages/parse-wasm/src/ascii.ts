/**
 * A faster way to turn ASCII bytes into a string where the runtime has Node's `buffer` module (Node, Bun,
 * Deno): `isAscii` is a SIMD check and `latin1Slice` a plain copy into a one-byte string, where
 * `TextDecoder` has to validate UTF-8 and find the ASCII run itself. Measured on Node 24 (bench/run.ts):
 * 1.1–1.3× the JS SSE engine's throughput on ASCII streams. Browsers and Workers have no such module and
 * keep `TextDecoder`.
 */

/** Native ASCII helpers, or `undefined` where the runtime has none. */
export interface AsciiFastPath {
  /** Whether every byte is below 0x80. */
  isAscii(bytes: Uint8Array): boolean;
  /** The string of bytes the caller knows to be ASCII (for them Latin-1 and UTF-8 agree). */
  decodeAscii(bytes: Uint8Array): string;
}

interface NodeBufferModule {
  isAscii?: unknown;
  Buffer?: { prototype?: { latin1Slice?: unknown } };
}

type LatinSlice = (this: Uint8Array, start: number, end: number) => string;

let probed = false;
let found: AsciiFastPath | undefined;

/**
 * The runtime's native ASCII helpers, probed once without a static `node:` import, so that bundles for
 * browsers and Workers stay free of Node built-ins.
 */
export function asciiFastPath(): AsciiFastPath | undefined {
  if (probed) return found;
  probed = true;
  try {
    const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const buffer = runtime?.getBuiltinModule?.('buffer') as NodeBufferModule | undefined;
    const isAscii = buffer?.isAscii;
    const latin1Slice = buffer?.Buffer?.prototype?.latin1Slice;
    if (typeof isAscii === 'function' && typeof latin1Slice === 'function') {
      const check = isAscii as (bytes: Uint8Array) => boolean;
      const slice = latin1Slice as LatinSlice;
      // Checked on a sample, so that a runtime whose helpers behave differently keeps TextDecoder.
      const sample = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x7d]);
      if (check(sample) && !check(new Uint8Array([0xc3, 0xa9])) && slice.call(sample, 0, 5) === '{"a"}') {
        found = { isAscii: check, decodeAscii: (bytes) => slice.call(bytes, 0, bytes.length) };
      }
    }
  } catch {
    // A runtime that refuses the probe keeps TextDecoder.
  }
  return found;
}
