import { createNdjsonDecoder, type FrameDecoderFactory } from '@pmcp/jsonrpc';
import { describe, expect, it } from 'vitest';
import { createFrameDecoder, type Engine } from './index.ts';
import { bytes, runFrames, splitAt } from './test-helpers.ts';

const engines: Engine[] = ['js', 'simd', 'wasm'];

const vectors: { rule: string; input: Uint8Array; max?: number }[] = [
  { rule: 'one message per LF-terminated line', input: bytes('{"a":1}\n{"b":2}\n') },
  { rule: 'a trailing CR is stripped', input: bytes('{"a":1}\r\n{"b":2}\r\n') },
  { rule: 'blank and whitespace-only lines are skipped', input: bytes('\n\r\n  \t\r\n{"a":1}\n\n') },
  { rule: 'a final line without LF is a frame at end()', input: bytes('{"a":1}\n{"b":2}') },
  { rule: 'multi-byte UTF-8 is decoded whole', input: bytes('{"p":"é😀€"}\n') },
  {
    rule: 'invalid UTF-8 gives a -32700 error frame for that line only',
    input: bytes('{"a":1}\n', [0xff], '\n{"b":2}\n'),
  },
  {
    rule: 'a BOM at the start of a line is dropped, like the reference',
    input: bytes([0xef, 0xbb, 0xbf], '{"a":1}\n'),
  },
  {
    rule: 'an oversize line gives one -32600 error frame, then framing resumes',
    input: bytes('0123456789ABC\n{"b":2}\n'),
    max: 8,
  },
  {
    rule: 'a line of exactly the limit passes, with or without CR',
    input: bytes('12345678\n12345678\r\n123456789\n'),
    max: 8,
  },
  {
    rule: 'an oversize unfinished line is dropped at once and discarded to the next LF',
    input: bytes('x'.repeat(40), '\nok\n'),
    max: 8,
  },
  {
    rule: 'an oversize final line without LF is an error at end()',
    input: bytes('ok\n', 'y'.repeat(9)),
    max: 8,
  },
];

describe.each(engines)('framing vectors (%s)', (engine) => {
  for (const vector of vectors) {
    it(`${vector.rule}: same frames as createNdjsonDecoder, whole and byte by byte`, () => {
      const options = vector.max === undefined ? {} : { maxMessageBytes: vector.max };
      const splits = [
        [vector.input],
        Array.from({ length: vector.input.length }, (_, index) => vector.input.subarray(index, index + 1)),
        splitAt(vector.input, [3, 9, 17]),
      ];
      for (const chunks of splits) {
        const reference = runFrames(createNdjsonDecoder(options), chunks);
        expect(runFrames(createFrameDecoder({ ...options, engine }), chunks)).toEqual(reference);
      }
      // The reference itself, to make sure each vector shows what its rule says.
      expect(runFrames(createNdjsonDecoder(options), [vector.input]).flat().length).toBeGreaterThan(0);
    });
  }

  it('reports what each vector promises', () => {
    const frames = (input: Uint8Array, max?: number) =>
      runFrames(createFrameDecoder({ engine, ...(max === undefined ? {} : { maxMessageBytes: max }) }), [
        input,
      ]).flat();
    expect(frames(bytes('{"a":1}\r\n  \n{"b":2}'))).toEqual([
      { ok: true, text: '{"a":1}' },
      { ok: true, text: '{"b":2}' },
    ]);
    const [bad] = frames(bytes([0xc3], '\n'));
    expect(bad).toMatchObject({ ok: false, code: -32700 });
    const oversize = frames(bytes('x'.repeat(40), '\nok\n'), 8);
    expect(oversize).toHaveLength(2);
    expect(oversize[0]).toMatchObject({ ok: false, code: -32600 });
    expect(oversize[0]).toHaveProperty('message', expect.stringContaining('maxMessageBytes (8 bytes)'));
    expect(oversize[1]).toEqual({ ok: true, text: 'ok' });
  });

  it('frames thousands of lines in one chunk and lines longer than a feed slice', () => {
    const line = `{"p":"${'z'.repeat(150_000)}"}`;
    const input = bytes('{"i":0}\n'.repeat(5000), line, '\n');
    const frames = runFrames(createFrameDecoder({ engine }), splitAt(input, [20_000, 100_000])).flat();
    expect(frames).toHaveLength(5001);
    expect(frames[5000]).toEqual({ ok: true, text: line });
  });

  it('rejects a limit that is not a positive number, like the reference', () => {
    for (const maxMessageBytes of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createFrameDecoder({ engine, maxMessageBytes })).toThrow(RangeError);
      expect(() => createNdjsonDecoder({ maxMessageBytes })).toThrow(RangeError);
    }
  });
});

describe('the frame decoder as a factory', () => {
  it('is assignable to the FrameDecoderFactory the stdio transport takes', () => {
    const factory: FrameDecoderFactory = createFrameDecoder;
    expect(factory({ maxMessageBytes: 64 }).push(bytes('{}\n'))).toEqual([{ ok: true, text: '{}' }]);
  });
});
