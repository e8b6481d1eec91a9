import { describe, expect, it } from 'vitest';
import { InvalidMessageError } from './errors.ts';
import { createNdjsonDecoder, DEFAULT_MAX_MESSAGE_BYTES, encodeNdjson, type Frame } from './ndjson.ts';

const encoder = new TextEncoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);

function texts(frames: Frame[]): string[] {
  return frames.map((frame) => (frame.ok ? frame.text : `error:${frame.error.code}`));
}

function decodeChunks(chunks: Uint8Array[], maxMessageBytes?: number): Frame[] {
  const decoder = createNdjsonDecoder(maxMessageBytes === undefined ? undefined : { maxMessageBytes });
  const frames: Frame[] = [];
  for (const chunk of chunks) frames.push(...decoder.push(chunk));
  frames.push(...decoder.end());
  return frames;
}

describe('createNdjsonDecoder', () => {
  it('splits lines and returns every complete frame of a chunk', () => {
    const decoder = createNdjsonDecoder();
    expect(texts(decoder.push(bytes('{"a":1}\n{"b":2}\n{"c"')))).toEqual(['{"a":1}', '{"b":2}']);
    expect(texts(decoder.push(bytes(':3}\n')))).toEqual(['{"c":3}']);
    expect(decoder.end()).toEqual([]);
  });

  it('strips a trailing CR, also when CR and LF arrive in different chunks', () => {
    expect(texts(decodeChunks([bytes('{"a":1}\r'), bytes('\n{"b":2}\r\n')]))).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('keeps a CR that is not at the end of the line', () => {
    expect(texts(decodeChunks([bytes('{"a":"x\ry"}\n')]))).toEqual(['{"a":"x\ry"}']);
  });

  it('skips empty and whitespace-only lines', () => {
    expect(texts(decodeChunks([bytes('\n\r\n  \t\n{"a":1}\n\n\n{"b":2}\n')]))).toEqual([
      '{"a":1}',
      '{"b":2}',
    ]);
  });

  it('decodes a multi-byte character split across chunks', () => {
    const line = bytes('{"t":"€🎉"}\n');
    // Split inside the 3-byte euro sign and inside the 4-byte emoji.
    const chunks = [line.subarray(0, 8), line.subarray(8, 9), line.subarray(9, 12), line.subarray(12)];
    expect(texts(decodeChunks(chunks))).toEqual(['{"t":"€🎉"}']);
  });

  it('decodes a stream fed one byte at a time', () => {
    const stream = bytes('{"a":"é"}\r\n\n{"b":"世界"}\n');
    const chunks = Array.from(stream, (byte) => Uint8Array.of(byte));
    expect(texts(decodeChunks(chunks))).toEqual(['{"a":"é"}', '{"b":"世界"}']);
  });

  it('flushes a final line without newline on end()', () => {
    const decoder = createNdjsonDecoder();
    expect(decoder.push(bytes('{"last":true}\r'))).toEqual([]);
    expect(texts(decoder.end())).toEqual(['{"last":true}']);
    expect(decoder.end()).toEqual([]);
  });

  it('does not keep a reference to the caller buffer', () => {
    const decoder = createNdjsonDecoder();
    const buffer = bytes('{"a":1');
    decoder.push(buffer);
    buffer.fill(0x20);
    expect(texts(decoder.push(bytes('}\n')))).toEqual(['{"a":1}']);
  });

  it('accepts a line of exactly maxMessageBytes, with or without CR', () => {
    expect(texts(decodeChunks([bytes('{"a":12}\n')], 8))).toEqual(['{"a":12}']);
    expect(texts(decodeChunks([bytes('{"a":1'), bytes('2}\r'), bytes('\n')], 8))).toEqual(['{"a":12}']);
  });

  it('rejects an oversize line inside one chunk and carries on', () => {
    const frames = decodeChunks([bytes('{"a":123}\n{"b":1}\n')], 8);
    expect(texts(frames)).toEqual(['error:-32600', '{"b":1}']);
  });

  it('emits one error for an oversize line spread over many chunks, then resyncs at the next LF', () => {
    const decoder = createNdjsonDecoder({ maxMessageBytes: 16 });
    const frames: Frame[] = [];
    frames.push(...decoder.push(bytes('{"big":"')));
    for (let index = 0; index < 100; index++) frames.push(...decoder.push(bytes('xxxxxxxxxx')));
    frames.push(...decoder.push(bytes('"}\n{"ok":1}\n')));
    frames.push(...decoder.end());
    expect(texts(frames)).toEqual(['error:-32600', '{"ok":1}']);
    const error = (frames[0] as { ok: false; error: InvalidMessageError }).error;
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error.message).toContain('16 bytes');
    expect(error.message).toContain('maxMessageBytes');
    expect(error.data).toEqual({ maxMessageBytes: 16 });
    expect('id' in error.reply).toBe(false);
  });

  it('does not emit a second error when an oversize line ends at EOF', () => {
    const decoder = createNdjsonDecoder({ maxMessageBytes: 4 });
    expect(texts(decoder.push(bytes('123456')))).toEqual(['error:-32600']);
    expect(decoder.push(bytes('789'))).toEqual([]);
    expect(decoder.end()).toEqual([]);
  });

  it('strips a BOM at the start of every line, also when many lines arrive in one chunk', () => {
    const decoder = createNdjsonDecoder();
    const frames = decoder.push(
      new TextEncoder().encode('\uFEFF{"a":1}\n\uFEFF{"b":2}\r\n{"c":\uFEFF3}\n\uFEFF\n'),
    );
    expect(frames).toEqual([
      { ok: true, text: '{"a":1}' },
      { ok: true, text: '{"b":2}' },
      { ok: true, text: '{"c":\uFEFF3}' },
      { ok: true, text: '' },
    ]);
  });

  it('decodes the good lines of a chunk around one that is not UTF-8', () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"a":1}\n'),
      0xff,
      0x0a,
      ...new TextEncoder().encode('{"b":2}\n'),
    ]);
    const frames = createNdjsonDecoder().push(bytes);
    expect(frames.map((frame) => (frame.ok ? frame.text : frame.error.code))).toEqual([
      '{"a":1}',
      -32700,
      '{"b":2}',
    ]);
  });

  it('reports a line that is not UTF-8 with -32700 and keeps going', () => {
    const invalid = Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d, 0x0a);
    expect(texts(decodeChunks([invalid, bytes('{"a":1}\n')]))).toEqual(['error:-32700', '{"a":1}']);
  });

  it('defaults to 8 MiB and rejects a bad limit with a clear error', () => {
    expect(DEFAULT_MAX_MESSAGE_BYTES).toBe(8 * 1024 * 1024);
    expect(() => createNdjsonDecoder({ maxMessageBytes: 0 })).toThrow(/maxMessageBytes must be a positive/);
    expect(() => createNdjsonDecoder({ maxMessageBytes: Number.NaN })).toThrow(RangeError);
  });
});

describe('encodeNdjson', () => {
  it('writes one line per message that the decoder reads back', () => {
    const line = encodeNdjson({ jsonrpc: '2.0', id: 1, method: 'x', params: { text: 'a\nb\r\nc' } });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(texts(decodeChunks([bytes(line)]))).toEqual([line.slice(0, -1)]);
  });
});
