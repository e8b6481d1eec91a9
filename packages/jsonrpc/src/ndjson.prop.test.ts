import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNdjsonDecoder, type Frame } from './ndjson.ts';
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
          const cuts = [...new Set(rawCuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
          const decoder = createNdjsonDecoder();
          const frames: Frame[] = [];
          let start = 0;
          for (const cut of [...cuts, stream.length]) {
            frames.push(...decoder.push(stream.subarray(start, cut)));
            start = cut;
          }
          frames.push(...decoder.end());
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
          const cuts = [...new Set(rawCuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
          const decoder = createNdjsonDecoder({ maxMessageBytes });
          const frames: Frame[] = [];
          let start = 0;
          for (const cut of [...cuts, stream.length]) {
            frames.push(...decoder.push(stream.subarray(start, cut)));
            start = cut;
          }
          frames.push(...decoder.end());
          expect(frames.map((frame) => (frame.ok ? frame.text : 'error'))).toEqual(expected);
        },
      ),
      RUN,
    );
  });
});
