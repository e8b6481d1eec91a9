import type { JsonRpcMessage } from '@pmcp/jsonrpc';
import { describe, expect, it } from 'vitest';
import { createInMemoryEventStore } from './event-store.ts';

const note = (n: number): JsonRpcMessage => ({
  jsonrpc: '2.0',
  method: 'notifications/progress',
  params: { progressToken: 1, progress: n },
});

async function replay(store: ReturnType<typeof createInMemoryEventStore>, after: string) {
  const sent: [string, JsonRpcMessage][] = [];
  const stream = await store.replayEventsAfter(after, (id, message) => {
    sent.push([id, message]);
  });
  return { stream, sent };
}

describe('createInMemoryEventStore', () => {
  it('replays exactly the events of one stream after the given id, skipping priming events', async () => {
    const store = createInMemoryEventStore();
    const priming = await store.storeEvent('a', undefined);
    const a1 = await store.storeEvent('a', note(1));
    await store.storeEvent('b', note(100));
    const a2 = await store.storeEvent('a', note(2));
    const all = await replay(store, priming);
    expect(all.stream).toBe('a');
    expect(all.sent).toEqual([
      [a1, note(1)],
      [a2, note(2)],
    ]);
    expect((await replay(store, a1)).sent).toEqual([[a2, note(2)]]);
    expect((await replay(store, a2)).sent).toEqual([]);
    expect(await replay(store, 'unknown')).toEqual({ stream: undefined, sent: [] });
  });

  it('gives every event a distinct id, even for a stream that was deleted and reused', async () => {
    const store = createInMemoryEventStore();
    const first = await store.storeEvent('s', note(1));
    await store.deleteStream?.('s');
    const second = await store.storeEvent('s', note(1));
    expect(second).not.toBe(first);
    expect((await replay(store, first)).stream).toBeUndefined();
  });

  it('stays within its bounds, evicting the oldest events', async () => {
    const store = createInMemoryEventStore({ maxEvents: 5, maxEventsPerStream: 3 });
    const ids: string[] = [];
    for (let n = 0; n < 4; n++) ids.push(await store.storeEvent('a', note(n)));
    // Per stream: the oldest of a's four events is gone.
    expect((await replay(store, ids[0] ?? '')).stream).toBeUndefined();
    expect((await replay(store, ids[1] ?? '')).sent.map(([id]) => id)).toEqual([ids[2], ids[3]]);
    for (const stream of ['b', 'c', 'd', 'e', 'f']) await store.storeEvent(stream, note(0));
    // In total: the other streams' events pushed a's out.
    expect((await replay(store, ids[3] ?? '')).stream).toBeUndefined();
  });

  it('refuses nonsensical bounds', () => {
    expect(() => createInMemoryEventStore({ maxEvents: 0 })).toThrow(/maxEvents/);
    expect(() => createInMemoryEventStore({ maxEventsPerStream: 1.5 })).toThrow(/maxEventsPerStream/);
  });
});
