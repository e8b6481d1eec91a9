/**
 * Resumability of legacy (2025-03-26 … 2025-11-25) SSE streams: every event the handler writes is recorded
 * first, so a client that lost its connection can reconnect with `Last-Event-ID` and receive exactly the events
 * it missed on that stream.
 */
import type { JsonRpcMessage } from '@pmcp/jsonrpc';

/**
 * Receives one replayed event: its id and its message, in the order they were stored.
 *
 * @example
 * ```ts
 * import type { EventReplaySender } from '@pmcp/transport-http';
 *
 * const send: EventReplaySender = (eventId, message) => console.log(eventId, message);
 * ```
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#resumability-and-redelivery
 */
export type EventReplaySender = (eventId: string, message: JsonRpcMessage) => void | Promise<void>;

/**
 * Where the HTTP handler records the events of legacy SSE streams so they can be replayed. Implement it over
 * Redis or a database to let sessions survive a process restart behind a sticky load balancer; the default is
 * {@link createInMemoryEventStore}.
 *
 * Event ids go to the client as the SSE `id` field: they must be unique within the store, visible ASCII and
 * free of CR/LF. The handler never replays a stream to a session that does not own it.
 *
 * @example
 * ```ts
 * import { createHttpHandler, type EventStore } from '@pmcp/transport-http';
 *
 * const events = new Map<string, { streamId: string; message: unknown }>();
 * let next = 0;
 * const store: EventStore = {
 *   storeEvent(streamId, message) {
 *     const id = `${streamId}.${next++}`;
 *     events.set(id, { streamId, message });
 *     return id;
 *   },
 *   async replayEventsAfter(lastEventId, send) {
 *     const last = events.get(lastEventId);
 *     if (!last) return undefined;
 *     let after = false;
 *     for (const [id, event] of events) {
 *       if (id === lastEventId) after = true;
 *       else if (after && event.streamId === last.streamId && event.message) await send(id, event.message as never);
 *     }
 *     return last.streamId;
 *   },
 * };
 * const handler = createHttpHandler(server, { legacy: { eventStore: store } });
 * ```
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#resumability-and-redelivery
 */
export interface EventStore {
  /**
   * Records one event of stream `streamId` and returns its id. `message` is `undefined` for a priming event: a
   * position marker that carries no message (replay skips it, but resuming after it replays the whole stream).
   */
  storeEvent(streamId: string, message: JsonRpcMessage | undefined): string | Promise<string>;
  /**
   * Sends, in order, every message stored on the stream of `lastEventId` after that event, and returns the
   * stream's id; returns `undefined` when `lastEventId` is unknown (never stored, or already evicted).
   */
  replayEventsAfter(
    lastEventId: string,
    send: EventReplaySender,
  ): string | undefined | Promise<string | undefined>;
  /** Forgets a stream that can no longer be resumed (its session ended). Optional. */
  deleteStream?(streamId: string): void | Promise<void>;
}

/**
 * Bounds of {@link createInMemoryEventStore}.
 *
 * @example
 * ```ts
 * import { createInMemoryEventStore, type InMemoryEventStoreOptions } from '@pmcp/transport-http';
 *
 * const options: InMemoryEventStoreOptions = { maxEvents: 50_000, maxEventsPerStream: 5_000 };
 * const store = createInMemoryEventStore(options);
 * ```
 */
export interface InMemoryEventStoreOptions {
  /** Events kept across all streams; the oldest are evicted first. Default 10 000. */
  maxEvents?: number;
  /** Events kept per stream; a stream's oldest are evicted first. Default 1 000. */
  maxEventsPerStream?: number;
}

interface StoredEvent {
  readonly id: string;
  readonly seq: number;
  readonly message: JsonRpcMessage | undefined;
}

interface StoredStream {
  readonly events: StoredEvent[];
}

function checkLimit(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`createInMemoryEventStore: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/**
 * The default {@link EventStore}: bounded, in this process's memory. Events past the bounds are evicted oldest
 * first; a client that resumes after an evicted event cannot be replayed to (the handler then opens a fresh
 * stream and reports the loss through `onerror`).
 *
 * @example
 * ```ts
 * import { createHttpHandler, createInMemoryEventStore } from '@pmcp/transport-http';
 *
 * const handler = createHttpHandler(server, { legacy: { eventStore: createInMemoryEventStore({ maxEvents: 1_000 }) } });
 * ```
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#resumability-and-redelivery
 */
export function createInMemoryEventStore(options: InMemoryEventStoreOptions = {}): EventStore {
  const maxEvents = checkLimit(options.maxEvents, 'maxEvents', 10_000);
  const maxPerStream = checkLimit(options.maxEventsPerStream, 'maxEventsPerStream', 1_000);
  const streams = new Map<string, StoredStream>();
  const index = new Map<string, { streamId: string; seq: number }>();
  // Every stored event id in arrival order; ids evicted by other means are skipped when they come up.
  let order: string[] = [];
  let head = 0;
  // One counter for the whole store: an id is never reused, even for a stream that was evicted and came back,
  // so a stale Last-Event-ID can never match a newer event.
  let nextSeq = 0;

  function forget(id: string): void {
    const entry = index.get(id);
    if (entry === undefined) return;
    index.delete(id);
    const stream = streams.get(entry.streamId);
    if (stream === undefined) return;
    const first = stream.events[0];
    if (first !== undefined && first.id === id) stream.events.shift();
    else {
      const position = stream.events.findIndex((event) => event.id === id);
      if (position >= 0) stream.events.splice(position, 1);
    }
    if (stream.events.length === 0) streams.delete(entry.streamId);
  }

  function evictOldest(): void {
    while (index.size > maxEvents && head < order.length) {
      const id = order[head++];
      if (id !== undefined) forget(id);
    }
    if (head > 1024 && head * 2 > order.length) {
      order = order.slice(head);
      head = 0;
    }
  }

  return {
    storeEvent(streamId, message) {
      let stream = streams.get(streamId);
      if (stream === undefined) {
        stream = { events: [] };
        streams.set(streamId, stream);
      }
      const seq = nextSeq++;
      const id = `${streamId}_${seq}`;
      stream.events.push({ id, seq, message });
      index.set(id, { streamId, seq });
      order.push(id);
      while (stream.events.length > maxPerStream) {
        const oldest = stream.events.shift();
        if (oldest !== undefined) index.delete(oldest.id);
      }
      evictOldest();
      return id;
    },
    async replayEventsAfter(lastEventId, send) {
      const entry = index.get(lastEventId);
      if (entry === undefined) return undefined;
      const stream = streams.get(entry.streamId);
      if (stream === undefined) return undefined;
      // A copy: sending may be slow, and the stream may grow meanwhile (new events are the caller's business).
      for (const event of [...stream.events]) {
        if (event.seq > entry.seq && event.message !== undefined) await send(event.id, event.message);
      }
      return entry.streamId;
    },
    deleteStream(streamId) {
      const stream = streams.get(streamId);
      if (stream === undefined) return;
      for (const event of stream.events) index.delete(event.id);
      streams.delete(streamId);
    },
  };
}
