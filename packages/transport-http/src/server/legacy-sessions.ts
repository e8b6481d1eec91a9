/**
 * Legacy (2025-03-26 … 2025-11-25) Streamable HTTP sessions. `initialize` opens one long-lived connection to the
 * server; the session's transport routes what the server sends:
 *
 * - a response, or a message related to an in-flight request, goes to that request's stream (its POST response,
 *   or the GET that resumed it);
 * - anything else goes to the standalone stream the client opened with GET.
 *
 * Every SSE event is recorded in the event store before it is written, so a client that loses a stream can
 * reconnect with `Last-Event-ID` and get exactly what it missed. Writes are serialized per session, which keeps
 * each stream in order and makes a replay and the live events after it line up without gaps or duplicates.
 */
import {
  type JsonRpcMessage,
  McpError,
  type RequestId,
  type Transport,
  TransportClosedError,
  type TransportSendOptions,
} from '@pmcp/jsonrpc';
import { ErrorCode } from '@pmcp/types';
import type { EventStore } from './event-store.ts';
import { newSessionId, randomHex } from './ids.ts';
import type { ConnectableServer } from './options.ts';
import { extraFor } from './request-exchange.ts';
import { errorResponse, messageResponse } from './responses.ts';
import { SseStream, sseHeaders } from './sse-stream.ts';

/** Finished request streams a session keeps resumable (a client may resume one whose end it missed). */
const FINISHED_STREAMS_KEPT = 32;

export interface SessionSettings {
  readonly server: ConnectableServer;
  readonly eventStore: EventStore | undefined;
  readonly retryMs: number;
  readonly idleTimeoutMs: number;
  readonly keepAliveMs: number;
  readonly maxBufferedBytes: number;
  readonly onerror: (error: Error) => void;
}

/**
 * Who authenticated one HTTP request (what the code in front of the handler passed) and the session owner key
 * derived from it. A session remembers the owner of the request that opened it and refuses every other.
 */
export interface RequestAuth {
  readonly authInfo: unknown;
  readonly owner: string | undefined;
}

/**
 * The answer to a request for a session that another principal opened. Someone who learned a session id (a log,
 * a shared proxy) must not act in, read from or end a session with different credentials.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/security_best_practices#session-hijacking
 */
export function foreignSession(advice: string, id?: RequestId): Response {
  return errorResponse(
    403,
    ErrorCode.InvalidRequest,
    `Forbidden: this session belongs to a different authenticated user or client than the one this request was authenticated as. ${advice}`,
    { id },
  );
}

/** Live sessions of every kind count against one limit. */
export interface SessionBudget {
  reserve(): boolean;
  release(): void;
}

interface Channel {
  /** The stream id, part of every event id written on it. */
  readonly id: string;
  readonly kind: 'request' | 'standalone';
  /** The request whose response ends this stream. */
  readonly requestId: RequestId | undefined;
  readonly isInitialize: boolean;
  /** The live connection, if the client is reading this stream now. */
  stream: SseStream | undefined;
  /** Set while the POST's response is undecided (JSON unless something comes before the result). */
  decide: ((response: Response) => void) | undefined;
  finished: boolean;
}

function isRequest(message: JsonRpcMessage): message is JsonRpcMessage & { id: RequestId; method: string } {
  return 'method' in message && 'id' in message && message.id !== undefined;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function unrefTimer(timer: unknown): void {
  (timer as { unref?: () => void } | undefined)?.unref?.();
}

export class StreamableSession {
  readonly id: string = newSessionId();
  readonly transport: Transport;
  /** The owner key of the request that opened the session; every later request must have the same. */
  readonly owner: string | undefined;
  /** The revision `initialize` settled on, once it has. */
  protocolVersion: string | undefined;
  readonly #settings: SessionSettings;
  readonly #onEnded: () => void;
  readonly #channels = new Map<string, Channel>();
  readonly #byRequest = new Map<RequestId, Channel>();
  readonly #finished: string[] = [];
  #standalone: Channel | undefined;
  #queue: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastActivity = Date.now();
  #closed = false;
  /** Whether an initialize of this session succeeded: until then a failed one ends the session. */
  #established = false;

  constructor(settings: SessionSettings, onEnded: () => void, owner: string | undefined) {
    this.#settings = settings;
    this.owner = owner;
    this.#onEnded = onEnded;
    this.transport = {
      sessionId: this.id,
      onmessage: undefined,
      onerror: undefined,
      onclose: undefined,
      async start() {},
      send: (message, options) => this.#send(message, options),
      close: () => this.close(),
      setProtocolVersion: (version) => {
        this.protocolVersion = version;
      },
    };
    this.#armIdleTimer(settings.idleTimeoutMs);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Serves one POSTed message of this session, authenticated as `authInfo` (the caller checked the owner). */
  handlePost(message: JsonRpcMessage, request: Request, authInfo?: unknown): Promise<Response> {
    this.#touch();
    if (!isRequest(message)) {
      this.transport.onmessage?.(message, extraFor(request, authInfo));
      return Promise.resolve(new Response(null, { status: 202, headers: this.#headers() }));
    }
    if (this.#byRequest.has(message.id)) {
      return Promise.resolve(
        errorResponse(
          409,
          ErrorCode.InvalidRequest,
          `Invalid request: id ${JSON.stringify(message.id)} belongs to a request of this session that is still in progress. Use a new id for every request.`,
          { id: message.id, headers: this.#headers() },
        ),
      );
    }
    const channel = this.#addChannel('request', message.id, message.method === 'initialize');
    if (channel.isInitialize || this.#settings.eventStore === undefined) {
      const response = new Promise<Response>((resolve) => {
        channel.decide = resolve;
      });
      this.transport.onmessage?.(message, extraFor(request, authInfo));
      return response;
    }
    const opened = this.#openStream(channel);
    this.#enqueue(() => this.#prime(channel, opened.stream));
    const requestId = message.id;
    this.transport.onmessage?.(
      message,
      extraFor(request, authInfo, { closeSseStream: () => this.#closeRequestStream(requestId) }),
    );
    return Promise.resolve(opened.response);
  }

  /** Opens the standalone stream, or resumes the stream of `Last-Event-ID`. */
  handleGet(request: Request): Promise<Response> {
    this.#touch();
    const lastEventId = request.headers.get('last-event-id')?.trim() || undefined;
    return new Promise<Response>((resolve) => {
      this.#enqueue(async () => {
        if (this.#closed) {
          resolve(this.#endedResponse(undefined));
          return;
        }
        const replay: [string, JsonRpcMessage][] = [];
        let channel = lastEventId === undefined ? undefined : await this.#resumable(lastEventId, replay);
        const resumed = channel !== undefined;
        if (channel === undefined) {
          channel = this.#standalone ?? this.#addChannel('standalone', undefined, false);
          this.#standalone = channel;
        }
        const previous = channel.stream;
        const opened = this.#openStream(channel);
        // One live connection per stream: a reconnect takes over from a connection the server still holds.
        previous?.close();
        if (!resumed) await this.#prime(channel, opened.stream);
        for (const [id, message] of replay) opened.stream.send({ id, data: JSON.stringify(message) });
        if (channel.finished) {
          opened.stream.close();
          channel.stream = undefined;
        }
        resolve(opened.response);
      });
    });
  }

  /** Ends the session: its streams close, its id is forgotten (later use gets 404), the server connection closes. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const store = this.#settings.eventStore;
    for (const channel of this.#channels.values()) {
      channel.stream?.close();
      channel.decide?.(this.#endedResponse(channel.requestId));
      channel.decide = undefined;
      if (store?.deleteStream !== undefined) {
        try {
          await store.deleteStream(channel.id);
        } catch (error) {
          this.#settings.onerror(asError(error));
        }
      }
    }
    this.#channels.clear();
    this.#byRequest.clear();
    this.#onEnded();
    try {
      this.transport.onclose?.();
    } catch (error) {
      this.#settings.onerror(asError(error));
    }
  }

  #headers(): Headers {
    return new Headers({ 'Mcp-Session-Id': this.id });
  }

  #endedResponse(id: RequestId | undefined): Response {
    return errorResponse(
      404,
      ErrorCode.InvalidRequest,
      'Session not found: the session ended before this request was answered. Send initialize (without Mcp-Session-Id) to start a new one.',
      { id },
    );
  }

  #addChannel(kind: Channel['kind'], requestId: RequestId | undefined, isInitialize: boolean): Channel {
    const channel: Channel = {
      id: randomHex(12),
      kind,
      requestId,
      isInitialize,
      stream: undefined,
      decide: undefined,
      finished: false,
    };
    this.#channels.set(channel.id, channel);
    if (requestId !== undefined) this.#byRequest.set(requestId, channel);
    return channel;
  }

  #openStream(channel: Channel): { stream: SseStream; response: Response } {
    const stream = new SseStream({
      keepAliveMs: this.#settings.keepAliveMs,
      maxBufferedBytes: this.#settings.maxBufferedBytes,
      onDisconnect: () => {
        // In the legacy era a dropped stream is not a cancellation: the request runs on, its events are
        // recorded, and the client can resume them.
        if (channel.stream === stream) channel.stream = undefined;
        this.#touch();
      },
    });
    channel.stream = stream;
    const response = new Response(stream.body, { status: 200, headers: sseHeaders(this.#headers()) });
    return { stream, response };
  }

  /** The priming event: an id to resume from before anything else is sent, and how soon to reconnect. */
  async #prime(channel: Channel, stream: SseStream): Promise<void> {
    const store = this.#settings.eventStore;
    if (store === undefined) return;
    try {
      const id = await store.storeEvent(channel.id, undefined);
      stream.send({ id, retry: this.#settings.retryMs, data: '' });
    } catch (error) {
      this.#settings.onerror(asError(error));
    }
  }

  /** The channel `lastEventId` belongs to, if this session owns it; the events to replay go into `replay`. */
  async #resumable(lastEventId: string, replay: [string, JsonRpcMessage][]): Promise<Channel | undefined> {
    const store = this.#settings.eventStore;
    if (store === undefined) return undefined;
    const found: [string, JsonRpcMessage][] = [];
    let streamId: string | undefined;
    try {
      streamId = await store.replayEventsAfter(lastEventId, (id, message) => {
        found.push([id, message]);
      });
    } catch (error) {
      this.#settings.onerror(asError(error));
      return undefined;
    }
    // Another session's stream is never replayed here, whatever id the client sends.
    const channel = streamId === undefined ? undefined : this.#channels.get(streamId);
    if (channel === undefined) {
      this.#settings.onerror(
        new Error(
          `Session ${this.id}: cannot resume after event ${JSON.stringify(lastEventId)} (unknown, evicted from the event store, or not this session's); opened the standalone stream instead, so events may have been lost.`,
        ),
      );
      return undefined;
    }
    replay.push(...found);
    return channel;
  }

  #closeRequestStream(requestId: RequestId): void {
    // Queued, so everything sent before the call is written (and recorded) before the stream ends.
    void this.#enqueue(() => {
      const channel = this.#byRequest.get(requestId);
      if (channel === undefined || this.#settings.eventStore === undefined) return;
      channel.stream?.close();
      channel.stream = undefined;
    });
  }

  #enqueue(task: () => Promise<void> | void): Promise<void> {
    const run = this.#queue.then(task);
    this.#queue = run.catch((error: unknown) => this.#settings.onerror(asError(error)));
    return run;
  }

  #send(message: JsonRpcMessage, options?: TransportSendOptions): Promise<void> {
    if (this.#closed) {
      return Promise.reject(
        new TransportClosedError(`Session ${this.id} has ended; the message was not sent.`),
      );
    }
    let channel: Channel | undefined;
    if (!('method' in message)) {
      channel = message.id === undefined || message.id === null ? undefined : this.#byRequest.get(message.id);
      if (channel === undefined) {
        this.#settings.onerror(
          new Error(
            `Session ${this.id}: the server answered request id ${JSON.stringify(message.id)}, which is not in progress; dropped it.`,
          ),
        );
        return Promise.resolve();
      }
    } else {
      const related = options?.relatedRequestId;
      channel = related === undefined ? undefined : this.#byRequest.get(related);
      channel ??= this.#standalone;
    }
    if (channel === undefined) {
      if (isRequest(message)) {
        return Promise.reject(
          new McpError(
            ErrorCode.InvalidRequest,
            `Cannot send "${message.method}" to the client: it has no stream open to receive it. Send it while handling one of its requests, or once it has opened the standalone GET stream.`,
          ),
        );
      }
      // A notification nobody asked to receive: the client has not opened the standalone stream.
      return Promise.resolve();
    }
    const target = channel;
    return this.#enqueue(() => this.#write(target, message));
  }

  async #write(channel: Channel, message: JsonRpcMessage): Promise<void> {
    const final = !('method' in message) && channel.kind === 'request' && message.id === channel.requestId;
    const decide = channel.decide;
    if (decide !== undefined) {
      channel.decide = undefined;
      if (final) {
        // A session whose first initialize failed does not exist: no id for the client, and it is closed.
        const stillborn = channel.isInitialize && !this.#established && 'error' in message;
        if (channel.isInitialize && !('error' in message)) this.#established = true;
        decide(messageResponse(message, 200, stillborn ? undefined : this.#headers()));
        this.#finish(channel);
        if (stillborn) void this.close();
        return;
      }
      const opened = this.#openStream(channel);
      decide(opened.response);
      await this.#prime(channel, opened.stream);
    }
    let eventId: string | undefined;
    const store = this.#settings.eventStore;
    if (store !== undefined) {
      try {
        eventId = await store.storeEvent(channel.id, message);
      } catch (error) {
        this.#settings.onerror(asError(error));
      }
    }
    const stream = channel.stream;
    if (stream?.open) stream.send({ id: eventId, data: JSON.stringify(message) });
    if (final) {
      stream?.close();
      channel.stream = undefined;
      this.#finish(channel);
    }
  }

  #finish(channel: Channel): void {
    channel.finished = true;
    if (channel.requestId !== undefined && this.#byRequest.get(channel.requestId) === channel) {
      this.#byRequest.delete(channel.requestId);
    }
    const store = this.#settings.eventStore;
    if (store === undefined) {
      this.#channels.delete(channel.id);
      return;
    }
    this.#finished.push(channel.id);
    while (this.#finished.length > FINISHED_STREAMS_KEPT) {
      const old = this.#finished.shift();
      if (old === undefined) break;
      this.#channels.delete(old);
      if (store.deleteStream !== undefined) {
        Promise.resolve()
          .then(() => store.deleteStream?.(old))
          .catch((error: unknown) => this.#settings.onerror(asError(error)));
      }
    }
  }

  #touch(): void {
    this.#lastActivity = Date.now();
  }

  #busy(): boolean {
    for (const channel of this.#channels.values()) {
      if (channel.stream?.open || channel.decide !== undefined) return true;
    }
    return false;
  }

  #armIdleTimer(delay: number): void {
    this.#timer = setTimeout(() => this.#checkIdle(), delay);
    unrefTimer(this.#timer);
  }

  #checkIdle(): void {
    this.#timer = undefined;
    if (this.#closed) return;
    const timeout = this.#settings.idleTimeoutMs;
    if (this.#busy()) {
      this.#armIdleTimer(timeout);
      return;
    }
    const idle = Date.now() - this.#lastActivity;
    if (idle >= timeout) void this.close();
    else this.#armIdleTimer(timeout - idle);
  }
}

/** The live sessions of one handler. */
export class SessionRegistry {
  readonly #settings: SessionSettings;
  readonly #budget: SessionBudget;
  readonly #sessions = new Map<string, StreamableSession>();

  constructor(settings: SessionSettings, budget: SessionBudget) {
    this.#settings = settings;
    this.#budget = budget;
  }

  get size(): number {
    return this.#sessions.size;
  }

  get(id: string): StreamableSession | undefined {
    return this.#sessions.get(id);
  }

  /**
   * Opens a session owned by `owner`, connected to the server; `undefined` when the limit of live sessions is
   * reached.
   */
  async open(owner: string | undefined): Promise<StreamableSession | undefined> {
    if (!this.#budget.reserve()) return undefined;
    const session = new StreamableSession(
      this.#settings,
      () => {
        this.#sessions.delete(session.id);
        this.#budget.release();
      },
      owner,
    );
    this.#sessions.set(session.id, session);
    try {
      await this.#settings.server.connect(session.transport);
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((session) => session.close()));
  }
}
