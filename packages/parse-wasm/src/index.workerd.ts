/** @module The Cloudflare Workers (`workerd`) entry: the same API, with the .wasm files imported as modules */
import {
  type EngineFrameDecoder,
  type EngineOptions,
  type EngineSseDecoder,
  type FrameDecoderEngineOptions,
  openFrameDecoder,
  openSseDecoder,
  prepare,
  type ReadyEngines,
  type SseDecoderOptions,
} from './engine.ts';
import { moduleWasmSource } from './wasm-source.workerd.ts';

export {
  autoEngine,
  detectEngine,
  type Engine,
  type EngineChoice,
  type EngineFrameDecoder,
  type EngineOptions,
  type EngineSseDecoder,
  type FrameDecoderEngineOptions,
  type ReadyEngines,
  type SseDecoderOptions,
  type Workload,
} from './engine.ts';

/**
 * Creates a Server-Sent Events decoder (bytes in, events out) that follows the WHATWG event-stream rules
 * exactly. It is an `SseDecoderFactory`, so it plugs into the HTTP transport's SSE option as is.
 *
 * @example
 * ```ts
 * import { createSseDecoder } from '@pmcp/parse-wasm';
 *
 * const decoder = createSseDecoder();
 * const response = await fetch(url, { headers: { accept: 'text/event-stream' } });
 * for await (const chunk of response.body!) {
 *   for (const event of decoder.push(chunk)) console.log(event.event, event.data);
 * }
 * decoder.end();
 * ```
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#streamable-http
 */
export function createSseDecoder(options?: SseDecoderOptions): EngineSseDecoder {
  return openSseDecoder(moduleWasmSource, options);
}

/**
 * Creates an NDJSON frame decoder with the same frames as `createNdjsonDecoder` from `@pmcp/jsonrpc`
 * (LF-delimited, trailing CR stripped, blank lines skipped, oversize lines reported once with -32600). It
 * is a `FrameDecoderFactory`, so it plugs into the stdio transport's framing option as is.
 *
 * @example
 * ```ts
 * import { createFrameDecoder } from '@pmcp/parse-wasm';
 *
 * const decoder = createFrameDecoder({ maxMessageBytes: 1024 * 1024 });
 * for await (const chunk of process.stdin) {
 *   for (const frame of decoder.push(chunk)) {
 *     if (frame.ok) handle(JSON.parse(frame.text));
 *     else console.error(frame.error.message);
 *   }
 * }
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports#stdio
 */
export function createFrameDecoder(options?: FrameDecoderEngineOptions): EngineFrameDecoder {
  return openFrameDecoder(moduleWasmSource, options);
}

/**
 * Compiles the WebAssembly that `auto` (or the named engine) needs, so decoders created afterwards run
 * on it from their first byte. Optional: without it, the first decoder starts the compilation and parses
 * in JS until it is done. Resolves to the engine each workload will use.
 *
 * @example
 * ```ts
 * import { createFrameDecoder, ready } from '@pmcp/parse-wasm';
 *
 * const engines = await ready();
 * console.log(engines); // e.g. { sse: 'js', frames: 'simd' }
 * const decoder = createFrameDecoder(); // runs on engines.frames
 * ```
 */
export function ready(options?: EngineOptions): Promise<ReadyEngines> {
  return prepare(moduleWasmSource, options);
}
