import type { SseDecoderFactory, SseEvent } from '@pmcp/jsonrpc';
import { describe, expect, it } from 'vitest';
import { createSseDecoder, type Engine } from './index.ts';
import { bytes, runSse, specSse, splitAt } from './test-helpers.ts';

const engines: Engine[] = ['js', 'simd', 'wasm'];

// Each vector is checked whole, byte by byte, and against the spec transcription in test-helpers.
const vectors: {
  rule: string;
  input: Uint8Array;
  events: SseEvent[];
  lastEventId?: string;
  retry?: number;
}[] = [
  {
    rule: 'LF line ends; dispatch on a blank line',
    input: bytes('data: a\n\ndata: b\n\n'),
    events: [
      { event: 'message', data: 'a', id: '' },
      { event: 'message', data: 'b', id: '' },
    ],
  },
  {
    rule: 'CR line ends',
    input: bytes('data: a\r\rdata: b\r\r'),
    events: [
      { event: 'message', data: 'a', id: '' },
      { event: 'message', data: 'b', id: '' },
    ],
  },
  {
    rule: 'CRLF line ends',
    input: bytes('data: a\r\n\r\n'),
    events: [{ event: 'message', data: 'a', id: '' }],
  },
  {
    rule: 'CR then LF is one line end, CR then CR is two',
    input: bytes('data: a\r\ndata: b\r\r'),
    events: [{ event: 'message', data: 'a\nb', id: '' }],
  },
  {
    rule: 'a leading BOM is skipped once; a second one is part of the field name',
    input: bytes([0xef, 0xbb, 0xbf], 'data: a\n\n', [0xef, 0xbb, 0xbf], 'data: b\n\n'),
    events: [{ event: 'message', data: 'a', id: '' }],
  },
  {
    rule: 'comment lines are ignored',
    input: bytes(': hello\n:\ndata: a\n: more\n\n'),
    events: [{ event: 'message', data: 'a', id: '' }],
  },
  {
    rule: 'a field without colon has an empty value',
    input: bytes('data\ndata\n\nevent\ndata: x\n\n'),
    events: [
      { event: 'message', data: '\n', id: '' },
      { event: 'message', data: 'x', id: '' },
    ],
  },
  {
    rule: 'only one space after the colon is removed',
    input: bytes('data:  two\ndata:none\nevent:  e\n\n'),
    events: [{ event: ' e', data: ' two\nnone', id: '' }],
  },
  {
    rule: 'data lines are joined with LF; the last LF is removed',
    input: bytes('data: a\ndata:\ndata: c\n\n'),
    events: [{ event: 'message', data: 'a\n\nc', id: '' }],
  },
  {
    rule: 'event sets the type; empty event means message; the type resets after dispatch',
    input: bytes('event: update\ndata: 1\n\nevent:\ndata: 2\n\ndata: 3\n\n'),
    events: [
      { event: 'update', data: '1', id: '' },
      { event: 'message', data: '2', id: '' },
      { event: 'message', data: '3', id: '' },
    ],
  },
  {
    rule: 'id persists across events, an empty id resets it, an id with NUL is ignored',
    input: bytes('id: 1\ndata: a\n\ndata: b\n\nid: 2\u0000x\ndata: c\n\nid\ndata: d\n\n'),
    events: [
      { event: 'message', data: 'a', id: '1' },
      { event: 'message', data: 'b', id: '1' },
      { event: 'message', data: 'c', id: '1' },
      { event: 'message', data: 'd', id: '' },
    ],
    lastEventId: '',
  },
  {
    rule: 'a block with an id but no data dispatches nothing yet sets the last event ID',
    input: bytes('id: 7\n\n'),
    events: [],
    lastEventId: '7',
  },
  {
    rule: 'retry only when all ASCII digits; it is set on the event it came with',
    input: bytes('retry: 1500\ndata: a\n\nretry: 12a\ndata: b\n\nretry: \nretry: -1\nretry:  3\ndata: c\n\n'),
    events: [
      { event: 'message', data: 'a', id: '', retry: 1500 },
      { event: 'message', data: 'b', id: '' },
      { event: 'message', data: 'c', id: '' },
    ],
    retry: 1500,
  },
  {
    rule: 'no dispatch for an empty data buffer; event and retry alone dispatch nothing',
    input: bytes('event: x\n\nretry: 10\n\n\n\n'),
    events: [],
    retry: 10,
  },
  {
    rule: 'unknown fields are ignored, field names are case-sensitive',
    input: bytes('foo: bar\nData: x\ndatax: y\n data: z\ndata: ok\n\n'),
    events: [{ event: 'message', data: 'ok', id: '' }],
  },
  {
    rule: 'an unterminated event at end of stream is discarded',
    input: bytes('data: a\n\ndata: b\n'),
    events: [{ event: 'message', data: 'a', id: '' }],
  },
  {
    rule: 'multi-byte UTF-8 in every field; invalid bytes become U+FFFD',
    input: bytes('event: é\nid: 😀\ndata: €', [0xff], [0xc3], '\n\n'),
    events: [{ event: 'é', data: '€\uFFFD\uFFFD', id: '😀' }],
  },
  {
    rule: 'a colon inside the value is kept',
    input: bytes('data: {"a":"b:c"}\n\n'),
    events: [{ event: 'message', data: '{"a":"b:c"}', id: '' }],
  },
];

describe.each(engines)('SSE conformance vectors (%s)', (engine) => {
  for (const vector of vectors) {
    it(vector.rule, () => {
      const whole = runSse(createSseDecoder({ engine }), [vector.input]);
      expect(whole.events).toEqual(vector.events);
      expect(whole.lastEventId).toBe(vector.lastEventId ?? vector.events.at(-1)?.id ?? '');
      expect(whole.retry).toBe(vector.retry);
      const byteByByte = runSse(
        createSseDecoder({ engine }),
        Array.from({ length: vector.input.length }, (_, index) => vector.input.subarray(index, index + 1)),
      );
      expect(byteByByte.events).toEqual(vector.events);
      expect(specSse(vector.input).events).toEqual(vector.events);
    });
  }

  it('dispatches as soon as the line end arrives, including a CR at the end of a chunk', () => {
    const decoder = createSseDecoder({ engine });
    expect(decoder.push(bytes('data: a\r'))).toEqual([]);
    expect(decoder.push(bytes('\r'))).toEqual([{ event: 'message', data: 'a', id: '' }]);
    // The LF after a chunk-final CR is the same line end, not a blank line.
    expect(decoder.push(bytes('data: b\r'))).toEqual([]);
    expect(decoder.push(bytes('\ndata: c\n'))).toEqual([]);
    expect(decoder.push(bytes('\n'))).toEqual([{ event: 'message', data: 'b\nc', id: '' }]);
  });

  it('decodes a character split across chunks once, whole', () => {
    const input = bytes('data: 😀é€\n\n');
    for (let cut = 1; cut < input.length; cut++) {
      expect(runSse(createSseDecoder({ engine }), splitAt(input, [cut])).events).toEqual([
        { event: 'message', data: '😀é€', id: '' },
      ]);
    }
  });

  it('keeps the last event ID and retry across end(), and starts the next stream fresh', () => {
    const decoder = createSseDecoder({ engine });
    decoder.push(bytes('id: 5\nretry: 100\ndata: a\n\ndata: unfinished'));
    expect(decoder.end()).toEqual([]);
    expect(decoder.lastEventId).toBe('5');
    expect(decoder.retry).toBe(100);
    // A new stream may start with its own BOM, and the unfinished line is gone.
    expect(decoder.push(bytes([0xef, 0xbb, 0xbf], 'data: b\n\n'))).toEqual([
      { event: 'message', data: 'b', id: '5' },
    ]);
  });

  it('handles events and lines larger than a feed slice, and thousands of events in one chunk', () => {
    const big = 'x'.repeat(200_000);
    const many = 'data: y\n\n'.repeat(5000);
    const input = bytes(`data: ${big}\ndata: ${big}\n\n${many}id: z\n\n`);
    const result = runSse(createSseDecoder({ engine }), splitAt(input, [70_000, 300_000]));
    expect(result.events.length).toBe(5001);
    expect(result.events[0]?.data).toBe(`${big}\n${big}`);
    expect(result.events[5000]).toEqual({ event: 'message', data: 'y', id: '' });
    expect(result.lastEventId).toBe('z');
  });
});

describe('the SSE decoder as a factory', () => {
  it('is assignable to the SseDecoderFactory the HTTP transport takes', () => {
    const factory: SseDecoderFactory = createSseDecoder;
    expect(factory().push(bytes('data: a\n\n'))).toEqual([{ event: 'message', data: 'a', id: '' }]);
  });
});
