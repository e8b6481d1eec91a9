import type { SseEvent } from '@pmcp/jsonrpc';
import { describe, expect, it } from 'vitest';
import { createEventSourceParserDecoder } from './sse-decoder.ts';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('createEventSourceParserDecoder', () => {
  it('dispatches events with their type (message by default), joined data lines and the persistent last id', () => {
    const decoder = createEventSourceParserDecoder();
    const events = decoder.push(
      bytes('event: endpoint\ndata: /messages\n\nid: 7\ndata: a\ndata: b\n\n: a comment\ndata: c\n\n'),
    );
    expect(events).toEqual<SseEvent[]>([
      { event: 'endpoint', data: '/messages', id: '' },
      { event: 'message', data: 'a\nb', id: '7' },
      { event: 'message', data: 'c', id: '7' },
    ]);
    expect(decoder.lastEventId).toBe('7');
  });

  it('keeps the id and retry of a priming event (empty data) without dispatching it', () => {
    const decoder = createEventSourceParserDecoder();
    expect(decoder.push(bytes('id: prime-1\nretry: 2500\ndata: \n\n'))).toEqual([]);
    expect(decoder.lastEventId).toBe('prime-1');
    expect(decoder.retry).toBe(2500);
    expect(decoder.push(bytes('data: next\n\n'))).toEqual([
      { event: 'message', data: 'next', id: 'prime-1', retry: 2500 },
    ]);
    expect(decoder.push(bytes('retry: soon\ndata: x\n\n'))).toEqual([
      { event: 'message', data: 'x', id: 'prime-1' },
    ]);
    expect(decoder.retry).toBe(2500);
  });

  it('discards an event cut off by the end of the stream, and starts the next stream clean', () => {
    const decoder = createEventSourceParserDecoder();
    expect(decoder.push(bytes('id: 1\ndata: whole\n\ndata: cut off'))).toHaveLength(1);
    expect(decoder.end()).toEqual([]);
    expect(decoder.lastEventId).toBe('1');
    expect(decoder.push(bytes('data: fresh\n\n'))).toEqual([{ event: 'message', data: 'fresh', id: '1' }]);
  });

  it('decodes UTF-8 split inside a character, skips a leading BOM and turns invalid bytes into U+FFFD', () => {
    const decoder = createEventSourceParserDecoder();
    const encoded = new Uint8Array([
      0xef,
      0xbb,
      0xbf,
      ...bytes('data: Zürich \u4e16'),
      0xff,
      ...bytes('\n\n'),
    ]);
    const events: SseEvent[] = [];
    for (let index = 0; index < encoded.length; index++)
      events.push(...decoder.push(encoded.subarray(index, index + 1)));
    expect(events).toEqual([{ event: 'message', data: 'Zürich \u4e16\uFFFD', id: '' }]);
  });

  it('throws, instead of buffering without bound, when one event grows past maxEventChars', () => {
    const decoder = createEventSourceParserDecoder({ maxEventChars: 64 });
    expect(() => decoder.push(bytes(`data: ${'x'.repeat(100)}`))).toThrow(/maxEventChars/);
    expect(decoder.push(bytes('data: ok\n\n'))).toEqual([{ event: 'message', data: 'ok', id: '' }]);
  });
});
