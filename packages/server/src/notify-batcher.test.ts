import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createNotificationBatcher,
  createProgressThrottle,
  type NotificationBatch,
} from './notify-batcher.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createNotificationBatcher', () => {
  it('merges everything within one window into one deduplicated batch', () => {
    const batches: NotificationBatch[] = [];
    const batcher = createNotificationBatcher(10, (batch) => batches.push(batch));
    batcher.listChanged('resources');
    batcher.resourceUpdated('file:///b');
    batcher.listChanged('tools');
    vi.advanceTimersByTime(5);
    batcher.listChanged('resources');
    batcher.resourceUpdated('file:///a');
    batcher.resourceUpdated('file:///b');
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(5);
    expect(batches).toEqual([
      { listChanged: ['tools', 'resources'], updatedUris: ['file:///b', 'file:///a'] },
    ]);
  });

  it('opens a new window for changes after a flush, so a steady stream is never starved', () => {
    const batches: NotificationBatch[] = [];
    const batcher = createNotificationBatcher(10, (batch) => batches.push(batch));
    for (let tick = 0; tick < 35; tick++) {
      batcher.listChanged('tools');
      vi.advanceTimersByTime(1);
    }
    expect(batches).toHaveLength(3);
    vi.advanceTimersByTime(10);
    expect(batches).toHaveLength(4);
    expect(batches.every((batch) => batch.listChanged.join() === 'tools')).toBe(true);
  });

  it('with a window of 0, delivers at the end of the tick', async () => {
    const batches: NotificationBatch[] = [];
    const batcher = createNotificationBatcher(0, (batch) => batches.push(batch));
    batcher.listChanged('prompts');
    batcher.listChanged('prompts');
    expect(batches).toEqual([]);
    await Promise.resolve();
    expect(batches).toEqual([{ listChanged: ['prompts'], updatedUris: [] }]);
  });

  it('flush delivers at once, and an empty flush delivers nothing', () => {
    const batches: NotificationBatch[] = [];
    const batcher = createNotificationBatcher(1000, (batch) => batches.push(batch));
    batcher.flush();
    expect(batches).toEqual([]);
    batcher.resourceUpdated('test://x');
    batcher.flush();
    expect(batches).toEqual([{ listChanged: [], updatedUris: ['test://x'] }]);
    vi.advanceTimersByTime(2000);
    expect(batches).toHaveLength(1);
  });
});

describe('createProgressThrottle', () => {
  function recorder() {
    const sent: number[] = [];
    const send = vi.fn(async (params: Record<string, unknown>) => {
      sent.push(params.progress as number);
    });
    return { sent, send };
  }

  it('sends the first update at once and the latest of an interval when it ends', () => {
    const { sent, send } = recorder();
    const throttle = createProgressThrottle(100, send);
    void throttle.push({ progress: 1 });
    void throttle.push({ progress: 2 });
    void throttle.push({ progress: 3 });
    expect(sent).toEqual([1]);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([1, 3]);
    vi.advanceTimersByTime(30);
    void throttle.push({ progress: 4 });
    expect(sent).toEqual([1, 3]);
    vi.advanceTimersByTime(70);
    expect(sent).toEqual([1, 3, 4]);
    vi.advanceTimersByTime(500);
    void throttle.push({ progress: 5 });
    expect(sent).toEqual([1, 3, 4, 5]);
  });

  it('flush sends the pending update immediately, exactly once', () => {
    const { sent, send } = recorder();
    const throttle = createProgressThrottle(100, send);
    void throttle.push({ progress: 1 });
    void throttle.push({ progress: 2 });
    throttle.flush();
    expect(sent).toEqual([1, 2]);
    vi.advanceTimersByTime(1000);
    throttle.flush();
    expect(sent).toEqual([1, 2]);
  });

  it('with an interval of 0, sends every update', () => {
    const { sent, send } = recorder();
    const throttle = createProgressThrottle(0, send);
    for (let i = 1; i <= 5; i++) void throttle.push({ progress: i });
    expect(sent).toEqual([1, 2, 3, 4, 5]);
  });
});
