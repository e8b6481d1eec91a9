import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonRpcMessage, RequestId } from './messages.ts';
import { parseJsonRpcMessage, serializeMessage } from './parse.ts';

const RUN = { numRuns: 300, plugins: [fc.interruptAfterTimeLimit(5_000)] };

// JSON has no negative zero: -0 serializes as 0, so it cannot survive any round trip.
function withoutNegativeZero(value: fc.JsonValue): fc.JsonValue {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, withoutNegativeZero(inner ?? null)]),
    );
  }
  return value;
}
const jsonValue = (maxDepth: number): fc.Arbitrary<fc.JsonValue> =>
  fc.jsonValue({ maxDepth }).map(withoutNegativeZero);

const requestId: fc.Arbitrary<RequestId> = fc.oneof(fc.string(), fc.integer(), fc.maxSafeInteger());
const object = fc.dictionary(fc.string(), jsonValue(3), { maxKeys: 5 });
const method = fc.string();

const request = fc.record(
  { jsonrpc: fc.constant('2.0' as const), id: requestId, method, params: object },
  { requiredKeys: ['jsonrpc', 'id', 'method'] },
);
const notification = fc.record(
  { jsonrpc: fc.constant('2.0' as const), method, params: object },
  { requiredKeys: ['jsonrpc', 'method'] },
);
const success = fc.record({ jsonrpc: fc.constant('2.0' as const), id: requestId, result: object });
const failure = fc.record(
  {
    jsonrpc: fc.constant('2.0' as const),
    id: requestId,
    error: fc.record(
      { code: fc.integer(), message: fc.string(), data: jsonValue(2) },
      { requiredKeys: ['code', 'message'] },
    ),
  },
  { requiredKeys: ['jsonrpc', 'error'] },
);
const message: fc.Arbitrary<JsonRpcMessage> = fc.oneof(request, notification, success, failure);

const badId = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
  object,
  fc.array(fc.integer(), { maxLength: 3 }),
);
const nonObjectParams = fc.oneof(
  fc.array(jsonValue(1), { maxLength: 3 }),
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);

function expectRejected(text: string, code: number, id?: RequestId): void {
  const result = parseJsonRpcMessage(text);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe(code);
  expect(result.error.reply.error.code).toBe(code);
  expect(result.error.reply.id).toBe(id);
}

describe('serializeMessage → parseJsonRpcMessage (property)', () => {
  it('round-trips every valid message', () => {
    fc.assert(
      fc.property(message, (original) => {
        const result = parseJsonRpcMessage(serializeMessage(original));
        expect(result).toEqual({ ok: true, message: original });
      }),
      RUN,
    );
  });

  it('rejects text that is not JSON with -32700', () => {
    fc.assert(
      fc.property(message, (original) => {
        // Dropping the closing brace always leaves incomplete JSON.
        expectRejected(serializeMessage(original).slice(0, -1), -32700);
      }),
      RUN,
    );
  });

  it('rejects batches and non-objects with -32600', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(message, { maxLength: 4 }),
          fc.string(),
          fc.integer(),
          fc.boolean(),
          fc.constant(null),
        ),
        (value) => expectRejected(JSON.stringify(value), -32600),
      ),
      RUN,
    );
  });

  it('rejects a wrong jsonrpc member with -32600, keeping a valid id', () => {
    fc.assert(
      fc.property(
        message,
        fc.oneof(
          fc.string().filter((s) => s !== '2.0'),
          fc.integer(),
          fc.constant(null),
          fc.constant(undefined),
        ),
        (original, jsonrpc) => {
          const broken = { ...original, jsonrpc };
          const id = 'id' in original && original.id !== null ? original.id : undefined;
          expectRejected(JSON.stringify(broken), -32600, id);
        },
      ),
      RUN,
    );
  });

  it('rejects a request id that is not a string or an integer with -32600 and no id', () => {
    fc.assert(
      fc.property(request, badId, (original, id) => {
        expectRejected(JSON.stringify({ ...original, id }), -32600);
      }),
      RUN,
    );
  });

  it('rejects params that are not an object with -32602, echoing the id', () => {
    fc.assert(
      fc.property(request, nonObjectParams, (original, params) => {
        expectRejected(JSON.stringify({ ...original, params }), -32602, original.id);
      }),
      RUN,
    );
  });
});
