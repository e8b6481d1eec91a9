import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiFastPath } from './ascii.ts';
import { JsBackedSseDecoder } from './engine.ts';
import { createSseDecoder, type Engine, ready } from './index.ts';
import { JsSseDecoder } from './sse-js.ts';
import {
  byteSoup,
  cuts,
  eventsourceParserSse,
  lineEnd,
  runSse,
  specSse,
  splitAt,
  sseLine,
  sseStream,
} from './test-helpers.ts';
import { inlineWasmSource } from './wasm-source.ts';

const engines: Engine[] = ['js', 'simd', 'wasm'];
const budget = { numRuns: 300, interruptAfterTimeLimit: 8_000 };

describe('SSE engines are interchangeable', () => {
  it('SIMD wasm, plain wasm and JS give identical events per push, and match the spec transcription', () => {
    fc.assert(
      fc.property(fc.oneof(sseStream, byteSoup), cuts, (input, at) => {
        const chunks = splitAt(input, at);
        const [reference, ...others] = engines.map((engine) => runSse(createSseDecoder({ engine }), chunks));
        for (const other of others) expect(other).toEqual(reference);
        expect({
          events: reference!.events,
          lastEventId: reference!.lastEventId,
          retry: reference!.retry,
        }).toEqual(specSse(input));
      }),
      budget,
    );
  });

  it('agree with eventsource-parser on the events it models', () => {
    fc.assert(
      fc.property(sseStream, cuts, (input, at) => {
        // Two documented differences of eventsource-parser (README): it holds back a line whose CR is the
        // very last byte of the stream, and it strips a second BOM after the decoder stripped the first.
        fc.pre(input[input.length - 1] !== 13);
        fc.pre(!(input[3] === 0xef && input[4] === 0xbb && input[5] === 0xbf && input[0] === 0xef));
        const chunks = splitAt(input, at);
        const theirs = eventsourceParserSse(chunks);
        for (const engine of engines) {
          const ours = runSse(createSseDecoder({ engine }), chunks);
          expect(ours.events.map(({ event, data }) => ({ event, data }))).toEqual(
            theirs.events.map(({ event, data }) => ({ event, data })),
          );
          // eventsource-parser reports an id only on the event whose block set it; ours carries the buffer.
          theirs.events.forEach((event, index) => {
            if (event.id !== undefined) expect(ours.events[index]?.id).toBe(event.id);
          });
          expect(ours.retry).toBe(theirs.retries.at(-1));
        }
      }),
      budget,
    );
  });

  it('the JS engine gives the same events with and without the native ASCII path', () => {
    // Node has the native helpers, so both paths run here.
    expect(asciiFastPath()).toBeDefined();
    fc.assert(
      fc.property(fc.oneof(sseStream, byteSoup), cuts, (input, at) => {
        const chunks = splitAt(input, at);
        const withoutNative = runSse(new JsSseDecoder(null), chunks);
        expect(runSse(new JsSseDecoder(), chunks)).toEqual(withoutNative);
        expect(withoutNative.events).toEqual(specSse(input).events);
      }),
      budget,
    );
  });

  it('a decoder that starts in JS and moves to wasm mid-stream gives the same events', () => {
    let moved = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(sseLine, lineEnd), { maxLength: 40 }),
        cuts,
        fc.nat({ max: 10 }),
        fc.constantFrom<'simd' | 'plain'>('simd', 'plain'),
        (lines, at, readyAfter, build) => {
          const encoder = new TextEncoder();
          const input = encoder.encode(lines.map(([line, end]) => line + end).join(''));
          // Besides random cuts, cut after some line ends: a hand-over needs a chunk ending on one.
          const lineEnds: number[] = [];
          let offset = 0;
          for (const [index, [line, end]] of lines.entries()) {
            offset += encoder.encode(line + end).length;
            if (index % 3 !== 0) lineEnds.push(offset);
          }
          const chunks = splitAt(input, [...at, ...lineEnds]);
          let pushes = 0;
          const module = inlineWasmSource.loadSync(build);
          const upgrading = new JsBackedSseDecoder(() => (pushes > readyAfter ? module : undefined), 'simd');
          const perPush = chunks.map((chunk) => {
            pushes++;
            return upgrading.push(chunk);
          });
          if (upgrading.engine !== 'js') moved++;
          perPush.push(upgrading.end());
          const reference = runSse(createSseDecoder({ engine: 'js' }), chunks);
          expect(perPush).toEqual(reference.perPush);
          expect(upgrading.lastEventId).toBe(reference.lastEventId);
          expect(upgrading.retry).toBe(reference.retry);
        },
      ),
      budget,
    );
    // The property must have exercised the hand-over, not only streams that never reached a rest point.
    expect(moved).toBeGreaterThan(10);
  });
});

describe('auto', () => {
  it('gives the same events as every forced engine', async () => {
    await ready();
    fc.assert(
      fc.property(sseStream, cuts, (input, at) => {
        const chunks = splitAt(input, at);
        expect(runSse(createSseDecoder(), chunks)).toEqual(
          runSse(createSseDecoder({ engine: 'js' }), chunks),
        );
      }),
      { numRuns: 100, interruptAfterTimeLimit: 4_000 },
    );
  });
});
