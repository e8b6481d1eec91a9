/**
 * Engine selection: feature detection, lazy compilation and the decoders that start in JS and move to
 * wasm once it is compiled. Entry points bind these functions to a {@link WasmSource}.
 */
import {
  createNdjsonDecoder,
  DEFAULT_MAX_MESSAGE_BYTES,
  type Frame,
  type FrameDecoder,
  type FrameDecoderOptions,
  type SseDecoder,
  type SseEvent,
} from '@pmcp/jsonrpc';
import { WasmFrameDecoder } from './frame-wasm.ts';
import { JsSseDecoder } from './sse-js.ts';
import { WasmSseDecoder } from './sse-wasm.ts';
import { instantiateScanner } from './wasm-abi.ts';
import type { WasmBuild, WasmSource } from './wasm-source.ts';

/**
 * A parsing engine: `simd` (the wasm scanner built with 128-bit SIMD), `wasm` (the same scanner without
 * SIMD, for engines that lack it) or `js` (no WebAssembly).
 */
export type Engine = 'simd' | 'wasm' | 'js';

/** An {@link Engine}, or `auto`: the fastest engine for the workload that this runtime supports. */
export type EngineChoice = 'auto' | Engine;

/** What a decoder is to be built for. */
export type Workload = 'sse' | 'frames';

/** Options shared by the decoder factories. */
export interface EngineOptions {
  /**
   * `auto` (default) uses the engine measured fastest for the workload (see the package README); a wasm
   * engine is compiled on first use, and a decoder created before it is ready runs in JS and moves over
   * at the first chunk that ends on a line boundary. Naming an engine forces it: `simd` and `wasm` then
   * compile synchronously if {@link ready} has not run, and throw where the runtime cannot run them.
   */
  engine?: EngineChoice;
}

/** Options of `createSseDecoder`. */
export interface SseDecoderOptions extends EngineOptions {}

/** Options of `createFrameDecoder`: the framing limit plus the engine. */
export interface FrameDecoderEngineOptions extends FrameDecoderOptions, EngineOptions {}

/** An {@link SseDecoder} that also says which engine is parsing. */
export interface EngineSseDecoder extends SseDecoder {
  /** The engine in use now (`js` until a pending wasm engine takes over). */
  readonly engine: Engine;
}

/** A {@link FrameDecoder} that also says which engine is parsing. */
export interface EngineFrameDecoder extends FrameDecoder {
  /** The engine in use now (`js` until a pending wasm engine takes over). */
  readonly engine: Engine;
}

// The smallest modules that use what each build needs: i8x16.splat for SIMD; memory.copy (bulk memory,
// which the plain build also uses) for wasm. Validating them compiles nothing.
const SIMD_PROBE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11,
];
const WASM_PROBE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 3, 1, 0, 1, 10, 14, 1, 12, 0, 65, 0, 65, 0,
  65, 0, 252, 10, 0, 0, 11,
];

let detected: Engine | undefined;

/**
 * The most capable engine this runtime supports: `simd` when WebAssembly validates a SIMD module,
 * `wasm` when it has WebAssembly with bulk memory, else `js`. Synchronous and cached; compiles nothing.
 */
export function detectEngine(): Engine {
  if (detected === undefined) {
    detected = 'js';
    try {
      if (typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function') {
        if (WebAssembly.validate(new Uint8Array(SIMD_PROBE))) detected = 'simd';
        else if (WebAssembly.validate(new Uint8Array(WASM_PROBE))) detected = 'wasm';
      }
    } catch {
      // A runtime that exposes WebAssembly but refuses to use it (some CSP settings) has only JS.
    }
  }
  return detected;
}

/**
 * The engine `auto` uses for a workload, given what the runtime supports. Measured on Node 24 (V8; see
 * the README): SSE is fastest in JS at every event size, because turning bytes into JS strings dominates
 * and V8's TextDecoder plus native string search already run at memory speed, while wasm must first copy
 * each chunk into linear memory. Framing is fastest on the SIMD scanner: level with the JS decoder in 64 KB
 * reads, well ahead in small reads and on long lines.
 */
export function autoEngine(workload: Workload, supported: Engine = detectEngine()): Engine {
  if (workload === 'sse') return 'js';
  return supported;
}

function buildOf(engine: 'simd' | 'wasm'): WasmBuild {
  return engine === 'simd' ? 'simd' : 'plain';
}

function unsupported(engine: Engine): Error {
  return new Error(
    `@pmcp/parse-wasm: engine '${engine}' is not supported by this runtime (it supports '${detectEngine()}'). Use engine: 'auto' to pick the best supported one.`,
  );
}

// Builds that failed to compile: `auto` then stays on JS rather than retrying on every decoder.
const failedBuilds: { simd?: true; plain?: true } = {};

function startLoading(source: WasmSource, build: WasmBuild): Promise<WebAssembly.Module | undefined> {
  return source.load(build).then(
    (module) => module,
    () => {
      failedBuilds[build] = true;
      return undefined;
    },
  );
}

function forcedModule(source: WasmSource, engine: 'simd' | 'wasm'): WebAssembly.Module {
  const supported = detectEngine();
  if (supported === 'js' || (engine === 'simd' && supported !== 'simd')) throw unsupported(engine);
  const build = buildOf(engine);
  return source.peek(build) ?? source.loadSync(build);
}

/** The wasm build `auto` wants for a workload, or undefined when it runs JS. */
function autoBuild(workload: Workload): WasmBuild | undefined {
  const engine = autoEngine(workload);
  if (engine === 'js') return undefined;
  const build = buildOf(engine);
  return failedBuilds[build] === true ? undefined : build;
}

/** The engines decoders created from now on will use, per workload (see `ready`). */
export interface ReadyEngines {
  /** Engine of SSE decoders created with the same `engine` option. */
  sse: Engine;
  /** Engine of frame decoders created with the same `engine` option. */
  frames: Engine;
}

/**
 * Compiles what `auto` needs for the workloads (both by default) so that decoders created afterwards start
 * on wasm; resolves to the engine `auto` will use for each. With a forced engine, compiles that one and
 * rejects if the runtime cannot run it.
 */
export async function prepare(source: WasmSource, options?: EngineOptions): Promise<ReadyEngines> {
  const engine = options?.engine ?? 'auto';
  if (engine === 'js') return { sse: 'js', frames: 'js' };
  if (engine !== 'auto') {
    const supported = detectEngine();
    if (supported === 'js' || (engine === 'simd' && supported !== 'simd')) throw unsupported(engine);
    const build = buildOf(engine);
    await source.load(build);
    return { sse: engine, frames: engine };
  }
  const result: ReadyEngines = { sse: 'js', frames: 'js' };
  for (const workload of ['sse', 'frames'] as const) {
    const build = autoBuild(workload);
    if (build === undefined) continue;
    const module = source.peek(build) ?? (await startLoading(source, build));
    if (module !== undefined) result[workload] = build === 'simd' ? 'simd' : 'wasm';
  }
  return result;
}

// ---- SSE ----------------------------------------------------------------------------------------------

class WasmBackedSseDecoder implements EngineSseDecoder {
  readonly engine: Engine;
  readonly #decoder: WasmSseDecoder;
  constructor(module: WebAssembly.Module, engine: Engine) {
    this.engine = engine;
    this.#decoder = new WasmSseDecoder(instantiateScanner(module));
  }
  get lastEventId(): string {
    return this.#decoder.lastEventId;
  }
  get retry(): number | undefined {
    return this.#decoder.retry;
  }
  push(chunk: Uint8Array): SseEvent[] {
    return this.#decoder.push(chunk);
  }
  end(): SseEvent[] {
    return this.#decoder.end();
  }
}

/** @internal Exported for tests: starts in JS and moves to wasm when `upgrade` returns a module. */
export class JsBackedSseDecoder implements EngineSseDecoder {
  engine: Engine = 'js';
  #js: JsSseDecoder | undefined = new JsSseDecoder();
  #current: SseDecoder = this.#js!;
  readonly #upgrade: (() => WebAssembly.Module | undefined) | undefined;
  readonly #target: Engine;

  constructor(upgrade?: () => WebAssembly.Module | undefined, target: Engine = 'js') {
    this.#upgrade = upgrade;
    this.#target = target;
  }
  get lastEventId(): string {
    return this.#current.lastEventId;
  }
  get retry(): number | undefined {
    return this.#current.retry;
  }
  push(chunk: Uint8Array): SseEvent[] {
    const events = this.#current.push(chunk);
    if (this.#js !== undefined && this.#upgrade !== undefined) this.#tryUpgrade(this.#js, this.#upgrade);
    return events;
  }
  end(): SseEvent[] {
    return this.#current.end();
  }
  #tryUpgrade(js: JsSseDecoder, upgrade: () => WebAssembly.Module | undefined): void {
    const module = upgrade();
    if (module === undefined) return;
    const state = js.restingState();
    if (state === undefined) return;
    const wasm = new WasmSseDecoder(instantiateScanner(module));
    wasm.adopt(state);
    this.#current = wasm;
    this.#js = undefined;
    this.engine = this.#target;
  }
}

/** createSseDecoder bound to a source. */
export function openSseDecoder(source: WasmSource, options?: SseDecoderOptions): EngineSseDecoder {
  const engine = options?.engine ?? 'auto';
  if (engine === 'js') return new JsBackedSseDecoder();
  if (engine !== 'auto') return new WasmBackedSseDecoder(forcedModule(source, engine), engine);
  const build = autoBuild('sse');
  if (build === undefined) return new JsBackedSseDecoder();
  const target: Engine = build === 'simd' ? 'simd' : 'wasm';
  const module = source.peek(build);
  if (module !== undefined) return new WasmBackedSseDecoder(module, target);
  void startLoading(source, build);
  return new JsBackedSseDecoder(() => source.peek(build), target);
}

// ---- frames -------------------------------------------------------------------------------------------

const LF = 10;

/** @internal Exported for tests: starts in JS and moves to wasm when `upgrade` returns a module. */
export class JsBackedFrameDecoder implements EngineFrameDecoder {
  engine: Engine = 'js';
  #current: FrameDecoder;
  #upgrade: (() => WebAssembly.Module | undefined) | undefined;
  readonly #target: Engine;
  readonly #maxMessageBytes: number;

  constructor(
    maxMessageBytes: number,
    upgrade?: () => WebAssembly.Module | undefined,
    target: Engine = 'js',
  ) {
    this.#maxMessageBytes = maxMessageBytes;
    this.#current = createNdjsonDecoder({ maxMessageBytes });
    this.#upgrade = upgrade;
    this.#target = target;
  }
  push(chunk: Uint8Array): Frame[] {
    const frames = this.#current.push(chunk);
    // A chunk that ends with LF leaves the reference decoder with nothing pending and not discarding.
    if (this.#upgrade !== undefined && chunk.length > 0 && chunk[chunk.length - 1] === LF) {
      const module = this.#upgrade();
      if (module !== undefined) {
        this.#current = new WasmFrameDecoder(instantiateScanner(module), this.#maxMessageBytes);
        this.#upgrade = undefined;
        this.engine = this.#target;
      }
    }
    return frames;
  }
  end(): Frame[] {
    return this.#current.end();
  }
}

class WasmBackedFrameDecoder implements EngineFrameDecoder {
  readonly engine: Engine;
  readonly #decoder: WasmFrameDecoder;
  constructor(module: WebAssembly.Module, engine: Engine, maxMessageBytes: number) {
    this.engine = engine;
    this.#decoder = new WasmFrameDecoder(instantiateScanner(module), maxMessageBytes);
  }
  push(chunk: Uint8Array): Frame[] {
    return this.#decoder.push(chunk);
  }
  end(): Frame[] {
    return this.#decoder.end();
  }
}

function checkedLimit(options: FrameDecoderOptions | undefined): number {
  const maxMessageBytes = options?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!(maxMessageBytes > 0) || !Number.isFinite(maxMessageBytes)) {
    throw new RangeError(
      `maxMessageBytes must be a positive number of bytes, got ${String(maxMessageBytes)}. Omit it for the default of 8 MiB.`,
    );
  }
  return maxMessageBytes;
}

/** createFrameDecoder bound to a source. */
export function openFrameDecoder(
  source: WasmSource,
  options?: FrameDecoderEngineOptions,
): EngineFrameDecoder {
  const maxMessageBytes = checkedLimit(options);
  const engine = options?.engine ?? 'auto';
  if (engine === 'js') return new JsBackedFrameDecoder(maxMessageBytes);
  if (engine !== 'auto') {
    return new WasmBackedFrameDecoder(forcedModule(source, engine), engine, maxMessageBytes);
  }
  const build = autoBuild('frames');
  if (build === undefined) return new JsBackedFrameDecoder(maxMessageBytes);
  const target: Engine = build === 'simd' ? 'simd' : 'wasm';
  const module = source.peek(build);
  if (module !== undefined) return new WasmBackedFrameDecoder(module, target, maxMessageBytes);
  void startLoading(source, build);
  return new JsBackedFrameDecoder(maxMessageBytes, () => source.peek(build), target);
}
