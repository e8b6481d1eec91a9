import { describe, expect, it } from 'vitest';
import { type AsciiFastPath, asciiFastPath } from './ascii.ts';
import { JsSseDecoder } from './sse-js.ts';
import { bytes } from './test-helpers.ts';

describe('asciiFastPath', () => {
  it("finds Node's native helpers and decodes ASCII with them", () => {
    const native = asciiFastPath();
    expect(native).toBeDefined();
    const input = bytes('data: {"jsonrpc":"2.0"}\n\n');
    expect(native!.isAscii(input)).toBe(true);
    expect(native!.isAscii(bytes('é'))).toBe(false);
    expect(native!.decodeAscii(input.subarray(6, 24))).toBe('{"jsonrpc":"2.0"}\n');
  });
});

describe('the JS SSE engine with native ASCII helpers', () => {
  function counting(): AsciiFastPath & { decoded: number } {
    const native = asciiFastPath()!;
    const counter = {
      decoded: 0,
      isAscii: (chunk: Uint8Array) => native.isAscii(chunk),
      decodeAscii: (chunk: Uint8Array) => {
        counter.decoded++;
        return native.decodeAscii(chunk);
      },
    };
    return counter;
  }

  it('uses them for ASCII chunks only, and not while a split character is pending', () => {
    const native = counting();
    const decoder = new JsSseDecoder(native);
    const euro = bytes('€');
    expect(decoder.push(bytes('data: a\n\n'))).toEqual([{ event: 'message', data: 'a', id: '' }]);
    expect(native.decoded).toBe(1);
    expect(decoder.push(bytes('data: ', euro.subarray(0, 1)))).toEqual([]);
    // The rest of the euro sign plus ASCII: the TextDecoder holds its first byte, so it decodes this too.
    expect(decoder.push(bytes(euro.subarray(1), '\n\n'))).toEqual([{ event: 'message', data: '€', id: '' }]);
    expect(decoder.push(bytes('data: ', euro.subarray(0, 2)))).toEqual([]);
    // An ASCII chunk after an unfinished character: the TextDecoder must see it to replace that character.
    expect(decoder.push(bytes('x\n\n'))).toEqual([{ event: 'message', data: '\uFFFDx', id: '' }]);
    expect(native.decoded).toBe(1);
    expect(decoder.push(bytes('data: b\n\n'))).toEqual([{ event: 'message', data: 'b', id: '' }]);
    expect(native.decoded).toBe(2);
  });

  it('keeps a BOM that first reaches the TextDecoder mid-stream as part of the field name', () => {
    const decoder = new JsSseDecoder(counting());
    expect(decoder.push(bytes('data: a\n\n'))).toHaveLength(1);
    expect(decoder.push(bytes([0xef, 0xbb, 0xbf], 'data: b\n\n'))).toEqual([]);
  });
});
