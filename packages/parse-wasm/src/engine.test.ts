import { describe, expect, it } from 'vitest';
import { autoEngine, createFrameDecoder, createSseDecoder, detectEngine, ready } from './index.ts';
import { bytes } from './test-helpers.ts';

// First in the file: it needs a process where nothing has compiled the scanner yet.
describe('lazy instantiation', () => {
  it('the first auto decoder parses in JS while wasm compiles, then moves over at a line boundary', async () => {
    const decoder = createFrameDecoder();
    expect(decoder.engine).toBe('js');
    expect(decoder.push(bytes('{"a":1}\n'))).toEqual([{ ok: true, text: '{"a":1}' }]);
    await ready();
    // Compiled now, but this chunk leaves half a line pending: the JS decoder keeps the stream.
    expect(decoder.push(bytes('{"b":'))).toEqual([]);
    expect(decoder.engine).toBe('js');
    expect(decoder.push(bytes('2}\n'))).toEqual([{ ok: true, text: '{"b":2}' }]);
    expect(decoder.engine).toBe('simd');
    expect(decoder.push(bytes('{"c":3}\n{"d":4}\n'))).toEqual([
      { ok: true, text: '{"c":3}' },
      { ok: true, text: '{"d":4}' },
    ]);
  });
});

describe('engine detection', () => {
  it('finds SIMD on Node 24 (V8 has shipped wasm SIMD since Node 16)', () => {
    expect(detectEngine()).toBe('simd');
  });

  it('auto uses the engine measured fastest per workload, within what the runtime supports', () => {
    expect(autoEngine('sse', 'simd')).toBe('js');
    expect(autoEngine('frames', 'simd')).toBe('simd');
    expect(autoEngine('frames', 'wasm')).toBe('wasm');
    expect(autoEngine('frames', 'js')).toBe('js');
  });
});

describe('forced engines', () => {
  it('run on the named engine from the first byte', () => {
    for (const engine of ['js', 'simd', 'wasm'] as const) {
      expect(createSseDecoder({ engine }).engine).toBe(engine);
      expect(createFrameDecoder({ engine }).engine).toBe(engine);
    }
  });
});

describe('ready()', () => {
  it('compiles what auto needs and says which engine each workload gets', async () => {
    await expect(ready()).resolves.toEqual({ sse: 'js', frames: 'simd' });
    expect(createFrameDecoder().engine).toBe('simd');
    expect(createSseDecoder().engine).toBe('js');
  });

  it('prepares a forced engine and reports it for both workloads', async () => {
    await expect(ready({ engine: 'wasm' })).resolves.toEqual({ sse: 'wasm', frames: 'wasm' });
    await expect(ready({ engine: 'js' })).resolves.toEqual({ sse: 'js', frames: 'js' });
  });

  it('decoders made after ready() parse on wasm straight away', async () => {
    await ready();
    const decoder = createFrameDecoder();
    expect(decoder.push(bytes('{"a":1}\n{"b":2}\n'))).toEqual([
      { ok: true, text: '{"a":1}' },
      { ok: true, text: '{"b":2}' },
    ]);
    expect(decoder.engine).toBe('simd');
  });
});
