/**
 * Where the compiled scanners come from on Cloudflare Workers (the `workerd` export condition): Workers
 * refuse to compile WebAssembly from bytes at run time, so the `.wasm` files are imported as modules and
 * compiled by the runtime when the Worker is deployed.
 */

import simdModule from '../wasm/scan.simd.wasm';
import plainModule from '../wasm/scan.wasm';
import type { WasmSource } from './wasm-source.ts';

/** Hands out the modules the Workers runtime compiled at deploy time. */
export const moduleWasmSource: WasmSource = {
  load(build) {
    return Promise.resolve(build === 'simd' ? simdModule : plainModule);
  },
  peek(build) {
    return build === 'simd' ? simdModule : plainModule;
  },
  loadSync(build) {
    return build === 'simd' ? simdModule : plainModule;
  },
};
