import type { SseEvent } from '@pmcp/jsonrpc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEventSourceParserDecoder } from './sse-decoder.ts';

interface Block {
  type: string;
  id: string | undefined;
  retry: number | undefined;
  lines: string[];
  comment: boolean;
}

/** No lone surrogates (`String.prototype.isWellFormed` is ES2024, newer than the compile target). */
function isWellFormed(value: string): boolean {
  try {
    encodeURIComponent(value);
    return true;
  } catch {
    return false;
  }
}

// Field values may hold anything but line breaks (and NUL for ids, which the parser must ignore).
const lineText = fc
  .string({ unit: 'binary', maxLength: 12 })
  .map((value) => value.replace(/[\r\n]/g, ' '))
  .filter(isWellFormed);
const block: fc.Arbitrary<Block> = fc.record({
  type: fc.oneof(fc.constant(''), fc.constantFrom('message', 'endpoint', 'custom:type')),
  id: fc.option(
    lineText.map((value) => value.replace(/\0/g, '')),
    { nil: undefined },
  ),
  retry: fc.option(fc.nat({ max: 100_000 }), { nil: undefined }),
  lines: fc.array(lineText, { minLength: 1, maxLength: 3 }),
  comment: fc.boolean(),
});
const newline = fc.constantFrom('\n', '\r\n', '\r');

function serialize(blocks: Block[], eol: string): string {
  return blocks
    .map((item) => {
      const fields: string[] = [];
      if (item.comment) fields.push(': keep-alive');
      if (item.type !== '') fields.push(`event: ${item.type}`);
      if (item.id !== undefined) fields.push(`id: ${item.id}`);
      if (item.retry !== undefined) fields.push(`retry: ${item.retry}`);
      for (const line of item.lines) fields.push(`data: ${line}`);
      return `${fields.join(eol)}${eol}${eol}`;
    })
    .join('');
}

/** What the WHATWG rules dispatch for these blocks (every block has a data line, so every id counts). */
function expected(blocks: Block[]): {
  events: Omit<SseEvent, 'retry'>[];
  lastEventId: string;
  retry: number | undefined;
} {
  const events: Omit<SseEvent, 'retry'>[] = [];
  let lastEventId = '';
  let retry: number | undefined;
  for (const item of blocks) {
    if (item.id !== undefined) lastEventId = item.id;
    if (item.retry !== undefined) retry = item.retry;
    const data = item.lines.join('\n');
    if (data !== '') events.push({ event: item.type === '' ? 'message' : item.type, data, id: lastEventId });
  }
  return { events, lastEventId, retry };
}

describe('eventsource-parser decoder (properties)', () => {
  it('yields the same events however the bytes are split, with any line ending', () => {
    fc.assert(
      fc.property(
        fc.array(block, { maxLength: 8 }),
        newline,
        fc.array(fc.nat(), { maxLength: 12 }),
        (blocks, eol, cuts) => {
          const encoded = new TextEncoder().encode(serialize(blocks, eol));
          const points = [...new Set(cuts.map((cut) => cut % (encoded.length + 1)))].sort((a, b) => a - b);
          const decoder = createEventSourceParserDecoder();
          const seen: SseEvent[] = [];
          let start = 0;
          for (const point of [...points, encoded.length]) {
            seen.push(...decoder.push(encoded.subarray(start, point)));
            start = point;
          }
          // A final CR may wait for a possible LF; the end of the stream settles it.
          seen.push(...decoder.end());
          const want = expected(blocks);
          expect(seen.map(({ retry: _retry, ...event }) => event)).toEqual(want.events);
          expect(decoder.lastEventId).toBe(want.lastEventId);
          expect(decoder.retry).toBe(want.retry);
        },
      ),
      { numRuns: 300, interruptAfterTimeLimit: 8000 },
    );
  });
});
