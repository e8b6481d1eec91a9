import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNdjsonDecoder, type Frame, type FrameDecoderOptions } from './ndjson.ts';
import { serializeMessage } from './parse.ts';

const RUN = { numRuns: 300, plugins: [fc.interruptAfterTimeLimit(5_000)] };

const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string());

// One message line: its JSON text, the line ending, and blank lines before it.
const line = fc.record({
  json: fc
    .record({ method: fc.string(), text, n: fc.integer() })
    .map(({ method, text, n }) => serializeMessage({ jsonrpc: '2.0', method, params: { text, n } })),
  ending: fc.constantFrom('\n', '\r\n'),
  blanksBefore: fc.array(fc.constantFrom('\n', '\r\n', '  \n', '\t\r\n'), { maxLength: 3 }),
});

describe('NDJSON framing (property)', () => {
  it('decodes any stream split at any byte boundaries into exactly the original texts, in order', () => {
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 20 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 40 }),
        (lines, lastUnterminated, rawCuts) => {
          const parts = lines.map(
            (l, index) =>
              l.blanksBefore.join('') +
              l.json +
              (lastUnterminated && index === lines.length - 1 ? '' : l.ending),
          );
          const stream = new TextEncoder().encode(parts.join(''));
          const frames = decodeInPieces(stream, rawCuts);
          expect(frames.every((frame) => frame.ok)).toBe(true);
          expect(frames.map((frame) => (frame.ok ? frame.text : ''))).toEqual(lines.map((l) => l.json));
        },
      ),
      RUN,
    );
  });

  it('rejects every oversize line with one error and still decodes the others', () => {
    const maxMessageBytes = 64;
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 15 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (values, rawCuts) => {
          const jsons = values.map((value) => JSON.stringify({ v: value }));
          const stream = new TextEncoder().encode(jsons.map((json) => `${json}\n`).join(''));
          const expected = jsons.map((json) =>
            new TextEncoder().encode(json).length > maxMessageBytes ? 'error' : json,
          );
          const frames = decodeInPieces(stream, rawCuts, { maxMessageBytes });
          expect(frames.map((frame) => (frame.ok ? frame.text : 'error'))).toEqual(expected);
        },
      ),
      RUN,
    );
  });

  it('agrees with a whole-stream reference on any bytes: BOMs, CRs, invalid UTF-8, oversize lines, any split', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '\n',
        '\r\n',
        '\r',
        ' ',
        '\t',
        '{"a":1}',
        '\uFEFF',
        '\n\uFEFF{}\n',
        'é',
        '😀',
        'x'.repeat(20),
      ),
      fc.string({ maxLength: 12 }),
    );
    const bytesOf = (part: string | readonly number[]): number[] =>
      typeof part === 'string' ? [...new TextEncoder().encode(part)] : [...part];
    const invalid = fc.constantFrom([0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0x80]);
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 5, arbitrary: piece }, { weight: 1, arbitrary: invalid }), {
          maxLength: 60,
        }),
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.integer({ min: 4, max: 64 }),
        (parts, rawCuts, maxMessageBytes) => {
          const stream = new Uint8Array(parts.flatMap(bytesOf));
          const frames = decodeInPieces(stream, rawCuts, { maxMessageBytes });
          const summary = (frame: Frame) => (frame.ok ? frame.text : frame.error.code);
          expect(frames.map(summary)).toEqual(referenceFrames(stream, maxMessageBytes));
        },
      ),
      RUN,
    );
  });
});

/** The framing rules applied to the whole stream at once: split at LF, one verdict per line. */
function referenceFrames(stream: Uint8Array, maxMessageBytes: number): (string | number)[] {
  const out: (string | number)[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  while (start < stream.length) {
    let lf = stream.indexOf(0x0a, start);
    if (lf === -1) lf = stream.length;
    let end = lf;
    if (end > start && stream[end - 1] === 0x0d) end--;
    const line = stream.subarray(start, end);
    start = lf + 1;
    if (line.length > maxMessageBytes) {
      out.push(-32600);
      continue;
    }
    if (line.every((byte) => byte === 0x20 || byte === 0x09 || byte === 0x0d)) continue;
    try {
      out.push(decoder.decode(line));
    } catch {
      out.push(-32700);
    }
  }
  return out;
}

/** Feeds `stream` to a fresh decoder cut at `rawCuts` (taken modulo its length), then ends it. */
function decodeInPieces(stream: Uint8Array, rawCuts: number[], options?: FrameDecoderOptions): Frame[] {
  const cuts = [...new Set(rawCuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
  const decoder = createNdjsonDecoder(options);
  const frames: Frame[] = [];
  let start = 0;
  for (const cut of [...cuts, stream.length]) {
    frames.push(...decoder.push(stream.subarray(start, cut)));
    start = cut;
  }
  frames.push(...decoder.end());
  return frames;
}
