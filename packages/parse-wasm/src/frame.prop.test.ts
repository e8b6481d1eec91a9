import { createNdjsonDecoder } from '@pmcp/jsonrpc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsBackedFrameDecoder } from './engine.ts';
import { createFrameDecoder, type Engine } from './index.ts';
import { comparable, cuts, encoder, ndjsonSoup, runFrames, splitAt } from './test-helpers.ts';
import { inlineWasmSource } from './wasm-source.ts';

const engines: Engine[] = ['simd', 'wasm'];
const budget = { numRuns: 300, interruptAfterTimeLimit: 8_000 };

describe('framing engines are interchangeable', () => {
  it('SIMD and plain wasm give the same frames per push as createNdjsonDecoder, errors included', () => {
    fc.assert(
      fc.property(
        ndjsonSoup,
        cuts,
        fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
        (input, at, max) => {
          const options = max === undefined ? {} : { maxMessageBytes: max };
          const chunks = splitAt(input, at);
          const reference = runFrames(createNdjsonDecoder(options), chunks);
          for (const engine of engines) {
            expect(runFrames(createFrameDecoder({ ...options, engine }), chunks)).toEqual(reference);
          }
        },
      ),
      budget,
    );
  });

  it('match splitting the decoded text on LF, CR stripped and blank lines skipped', () => {
    const line = fc
      .array(fc.constantFrom('{"a":1}', ' ', '\t', 'é', '😀', '\r', 'x', '[]'), { maxLength: 8 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.boolean(), cuts, (lines, finalLf, at) => {
        const text = lines.join('\n') + (finalLf ? '\n' : '');
        const expected = text
          .split('\n')
          .map((piece) => (piece.endsWith('\r') ? piece.slice(0, -1) : piece))
          .filter((piece) => !/^[ \t\r]*$/.test(piece));
        const chunks = splitAt(encoder.encode(text), at);
        for (const engine of engines) {
          const frames = runFrames(createFrameDecoder({ engine }), chunks).flat();
          expect(frames).toEqual(expected.map((frame) => ({ ok: true, text: frame })));
        }
      }),
      budget,
    );
  });

  it('a decoder that starts on the reference and moves to wasm mid-stream gives the same frames', () => {
    let moved = 0;
    fc.assert(
      fc.property(
        ndjsonSoup,
        cuts,
        fc.nat({ max: 8 }),
        fc.integer({ min: 1, max: 64 }),
        (input, at, readyAfter, max) => {
          const lineEnds = [...input.keys()]
            .filter((index) => input[index] === 10 && index % 2 === 0)
            .map((i) => i + 1);
          const chunks = splitAt(input, [...at, ...lineEnds]);
          const module = inlineWasmSource.loadSync('simd');
          let pushes = 0;
          const upgrading = new JsBackedFrameDecoder(
            max,
            () => (pushes > readyAfter ? module : undefined),
            'simd',
          );
          const perPush = chunks.map((chunk) => {
            pushes++;
            return comparable(upgrading.push(chunk));
          });
          if (upgrading.engine !== 'js') moved++;
          perPush.push(comparable(upgrading.end()));
          expect(perPush).toEqual(runFrames(createNdjsonDecoder({ maxMessageBytes: max }), chunks));
        },
      ),
      budget,
    );
    expect(moved).toBeGreaterThan(10);
  });
});
