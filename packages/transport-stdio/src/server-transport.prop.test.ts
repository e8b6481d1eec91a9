import { PassThrough } from 'node:stream';
import { encodeNdjson, type JsonRpcMessage } from '@pmcp/jsonrpc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stdioServerTransport } from './server-transport.ts';

const params = fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), {
  maxKeys: 4,
});
const id = fc.oneof(fc.integer(), fc.string({ unit: 'grapheme', maxLength: 12 }));
const method = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 });

const message: fc.Arbitrary<JsonRpcMessage> = fc.oneof(
  fc.record({ jsonrpc: fc.constant('2.0' as const), id, method, params }),
  fc.record({ jsonrpc: fc.constant('2.0' as const), method, params }),
  fc.record({ jsonrpc: fc.constant('2.0' as const), id, result: params }),
  fc.record({
    jsonrpc: fc.constant('2.0' as const),
    id,
    error: fc.record({
      code: fc.integer({ min: -32768, max: 32767 }),
      message: fc.string({ maxLength: 20 }),
    }),
  }),
);

/** Cuts `bytes` at the given positions (any byte boundary, even inside a UTF-8 character). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    pieces.push(bytes.subarray(start, point));
    start = point;
  }
  pieces.push(bytes.subarray(start));
  return pieces;
}

describe('stdioServerTransport framing (property)', () => {
  it('delivers every message intact and in order however the input is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(message, { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.boolean(),
        async (messages, cuts, crlf) => {
          const text = messages
            .map((m) => (crlf ? encodeNdjson(m).replace(/\n$/, '\r\n') : encodeNdjson(m)))
            .join('');
          const stdin = new PassThrough();
          const transport = stdioServerTransport({ stdin, stdout: new PassThrough() });
          const received: JsonRpcMessage[] = [];
          const errors: Error[] = [];
          transport.onmessage = (m) => received.push(m);
          transport.onerror = (error) => errors.push(error);
          const closed = new Promise<void>((resolve) => {
            transport.onclose = resolve;
          });
          await transport.start();
          for (const piece of split(new TextEncoder().encode(text), cuts)) stdin.write(piece);
          stdin.end();
          await closed;
          expect(errors).toEqual([]);
          // What JSON itself preserves (it turns -0 into 0), compared against what arrived.
          expect(received).toEqual(messages.map((m) => JSON.parse(JSON.stringify(m))));
        },
      ),
      { numRuns: 200, interruptAfterTimeLimit: 10_000 },
    );
  });
});
