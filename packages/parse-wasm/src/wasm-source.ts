/**
 * Where the compiled scanners come from in every runtime but Cloudflare Workers: the bytes are inlined as
 * base64 (src/wasm-bytes.generated.ts), so Node, Deno, Bun, browsers and every bundler load them with no
 * `fetch`, no `fs` and no asset configuration. The cost, about 11 KB of base64 for both builds, is paid
 * only by those who import this package.
 */
import { plainWasmBase64, simdWasmBase64 } from './wasm-bytes.generated.ts';

/** Which compiled scanner: built with `--enable simd`, or without. */
export type WasmBuild = 'simd' | 'plain';

/** How an entry point obtains compiled scanner modules. */
export interface WasmSource {
  /** Compiles (once) and returns the module; rejects where the engine cannot compile it. */
  load(build: WasmBuild): Promise<WebAssembly.Module>;
  /** The module if already compiled, else compiles it synchronously (throws where that is not allowed). */
  loadSync(build: WasmBuild): WebAssembly.Module;
  /** The module if it is compiled already. */
  peek(build: WasmBuild): WebAssembly.Module | undefined;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

const compiled: { simd?: WebAssembly.Module; plain?: WebAssembly.Module } = {};
const compiling: { simd?: Promise<WebAssembly.Module>; plain?: Promise<WebAssembly.Module> } = {};

function bytesOf(build: WasmBuild): Uint8Array<ArrayBuffer> {
  return decodeBase64(build === 'simd' ? simdWasmBase64 : plainWasmBase64);
}

/** Compiles the inlined bytes; `WebAssembly.compile` off the main thread where the engine can. */
export const inlineWasmSource: WasmSource = {
  load(build) {
    const done = compiled[build];
    if (done !== undefined) return Promise.resolve(done);
    let pending = compiling[build];
    if (pending === undefined) {
      pending = WebAssembly.compile(bytesOf(build)).then((module) => {
        compiled[build] = module;
        return module;
      });
      // A failed compile may be retried later (for instance after a transient out-of-memory).
      pending.catch(() => {
        delete compiling[build];
      });
      compiling[build] = pending;
    }
    return pending;
  },
  peek(build) {
    return compiled[build];
  },
  loadSync(build) {
    let module = compiled[build];
    if (module === undefined) {
      module = new WebAssembly.Module(bytesOf(build));
      compiled[build] = module;
    }
    return module;
  },
};
