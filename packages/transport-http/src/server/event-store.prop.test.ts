import type { JsonRpcMessage } from '@pmcp/jsonrpc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createInMemoryEventStore } from './event-store.ts';

const message = (n: number): JsonRpcMessage => ({
  jsonrpc: '2.0',
  method: 'notifications/message',
  params: { level: 'info', data: n },
});

describe('in-memory event store (property)', () => {
  it('replays what a model says: the later events of the same stream, in order, while they are retained', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ stream: fc.constantFrom('a', 'b', 'c'), priming: fc.boolean() }), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.nat(),
        async (writes, pick) => {
          const store = createInMemoryEventStore({ maxEvents: 1_000, maxEventsPerStream: 1_000 });
          const log: { id: string; stream: string; message: JsonRpcMessage | undefined }[] = [];
          for (const [index, write] of writes.entries()) {
            const payload = write.priming ? undefined : message(index);
            log.push({
              id: await store.storeEvent(write.stream, payload),
              stream: write.stream,
              message: payload,
            });
          }
          expect(new Set(log.map((entry) => entry.id)).size).toBe(log.length);
          const from = log[pick % log.length];
          if (from === undefined) return;
          const sent: [string, JsonRpcMessage][] = [];
          const stream = await store.replayEventsAfter(from.id, (id, replayed) => {
            sent.push([id, replayed]);
          });
          expect(stream).toBe(from.stream);
          const expected = log
            .slice(log.indexOf(from) + 1)
            .filter((entry) => entry.stream === from.stream && entry.message !== undefined)
            .map((entry) => [entry.id, entry.message]);
          expect(sent).toEqual(expected);
        },
      ),
      { numRuns: 200, interruptAfterTimeLimit: 5_000 },
    );
  });
});
