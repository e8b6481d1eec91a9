/**
 * Shared by the server tests: a pmcp fixture server with tools that stream, wait and mirror headers, request
 * builders for both eras, an SSE reader, and schema validation of everything the server sends.
 */
import { createInMemoryTransportPair, type JsonRpcMessage, RpcEngine, type Transport } from '@pmcp/jsonrpc';
import { createServer, type McpServer } from '@pmcp/server';
import { validateMessage } from '@pmcp/test-utils';
import type { ProtocolVersion } from '@pmcp/types';
import { expect } from 'vitest';
import type { ConnectableServer } from '../options.ts';

export const MODERN = '2026-07-28' as const;
export const LEGACY = '2025-11-25' as const;
export const META: Record<string, unknown> = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'harness', version: '1.0.0' },
};
export const CLIENT_INFO: { name: string; version: string } = { name: 'harness', version: '1.0.0' };

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Hooks into the fixture server's tools, so tests can follow and steer them without timing anything. */
export interface FixtureHooks {
  /** Resolved when a `wait` call starts; `wait` then runs until its signal aborts. */
  waitStarted: Deferred<void>;
  /** Resolved with the abort reason once a `wait` call's signal aborts. */
  waitCancelled: Deferred<unknown>;
  /** `stepper` reports progress step n (1-based) once gate n-1 is released. */
  gates: Deferred<void>[];
  /** Resolved with n after `stepper` reported step n. */
  stepped: Deferred<number>[];
  /** Resolved with the abort reason when `stepper` finds its signal aborted after a gate. */
  stepperCancelled: Deferred<unknown>;
}

export interface Fixture {
  server: McpServer;
  hooks: FixtureHooks;
}

const STEPS = 5;

/** A pmcp server with the tools the HTTP tests need. */
export function fixtureServer(): Fixture {
  const hooks: FixtureHooks = {
    waitStarted: deferred(),
    waitCancelled: deferred<unknown>(),
    gates: Array.from({ length: STEPS }, () => deferred()),
    stepped: Array.from({ length: STEPS + 1 }, () => deferred<number>()),
    stepperCancelled: deferred<unknown>(),
  };
  const server = createServer({ name: 'http-fixture', version: '1.0.0' });
  server.tool(
    'echo',
    {
      description: 'Returns its text',
      input: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    },
    (args) => String(args.text),
  );
  server.tool(
    'route',
    {
      description: 'Mirrors arguments into Mcp-Param headers',
      input: {
        type: 'object',
        properties: {
          region: { type: 'string', 'x-mcp-header': 'Region' },
          shard: { type: 'integer', 'x-mcp-header': 'Shard' },
          dryRun: { type: 'boolean', 'x-mcp-header': 'Dry-Run' },
          placement: {
            type: 'object',
            properties: { zone: { type: 'string', 'x-mcp-header': 'Zone' } },
          },
          note: { type: 'string' },
        },
      },
    },
    (args) => JSON.stringify(args),
  );
  server.tool('progress', { description: 'Reports progress 1..3, then answers done' }, async (_args, ctx) => {
    for (let step = 1; step <= 3; step++) await ctx.progress(step, 3, `step ${step}`);
    return 'done';
  });
  server.tool('wait', { description: 'Runs until cancelled' }, async (_args, ctx) => {
    hooks.waitStarted.resolve();
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    hooks.waitCancelled.resolve(ctx.signal.reason);
    return 'cancelled';
  });
  server.tool(
    'stepper',
    { description: 'Reports one progress step per released gate' },
    async (_args, ctx) => {
      for (let step = 1; step <= STEPS; step++) {
        if (step > 1) await hooks.gates[step - 2]?.promise;
        if (ctx.signal.aborted) {
          hooks.stepperCancelled.resolve(ctx.signal.reason);
          return 'cancelled';
        }
        await ctx.progress(step, STEPS);
        hooks.stepped[step]?.resolve(step);
      }
      await hooks.gates[STEPS - 1]?.promise;
      return 'stepped';
    },
  );
  return { server, hooks };
}

/**
 * A hand-made server for what pmcp's server does not do (yet): server→client requests on legacy sessions,
 * unrelated notifications, and a `subscriptions/listen` that stays open.
 */
export function scriptedServer(): ConnectableServer & { engines: RpcEngine[] } {
  const engines: RpcEngine[] = [];
  return {
    engines,
    async connect(transport: Transport) {
      const engine = new RpcEngine();
      engines.push(engine);
      engine.setRequestHandler('initialize', (params) => ({
        protocolVersion: params.protocolVersion,
        capabilities: { tools: {} },
        serverInfo: { name: 'scripted', version: '1.0.0' },
      }));
      engine.setRequestHandler('tools/list', () => ({ tools: [] }));
      engine.setRequestHandler('tools/call', async (params, ctx) => {
        if (params.name === 'ask') {
          const roots = await ctx.request('roots/list', {});
          return { content: [{ type: 'text', text: JSON.stringify(roots) }] };
        }
        if (params.name === 'reconnect') {
          // SSE polling: end the request's stream, then keep going; the client resumes with Last-Event-ID.
          const closeSseStream = ctx.extra?.closeSseStream;
          if (closeSseStream === undefined) {
            return { content: [{ type: 'text', text: 'this stream cannot be resumed' }] };
          }
          closeSseStream();
          await ctx.notify('notifications/message', { level: 'info', data: 'after the stream closed' });
          return { content: [{ type: 'text', text: 'reconnected' }] };
        }
        if (params.name === 'broadcast') {
          await engine.notify('notifications/tools/list_changed');
          return { content: [{ type: 'text', text: 'broadcast' }] };
        }
        return { content: [{ type: 'text', text: 'ok' }] };
      });
      engine.setRequestHandler('subscriptions/listen', async (_params, ctx) => {
        await ctx.notify('notifications/subscriptions/acknowledged', {
          notifications: { toolsListChanged: true },
          _meta: { 'io.modelcontextprotocol/subscriptionId': ctx.requestId },
        });
        await new Promise<void>((resolve) =>
          ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        return { resultType: 'complete' };
      });
      await engine.connect(transport);
    },
  };
}

/** Headers of a modern POST: the protocol version, Mcp-Method and whatever else is given. */
export function modernHeaders(method: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': MODERN,
    'mcp-method': method,
    ...extra,
  };
}

export const LEGACY_HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

export function postRequest(
  body: unknown,
  headers: Record<string, string>,
  init: { url?: string; signal?: AbortSignal } = {},
): Request {
  return new Request(init.url ?? 'http://127.0.0.1/mcp', {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  });
}

export function modernRequest(
  id: number,
  method: string,
  params: Record<string, unknown> = {},
  extraHeaders: Record<string, string> = {},
): Request {
  const name =
    typeof params.name === 'string' ? params.name : typeof params.uri === 'string' ? params.uri : undefined;
  return postRequest(
    { jsonrpc: '2.0', id, method, params: { ...params, _meta: { ...META, ...(params._meta as object) } } },
    modernHeaders(method, { ...(name === undefined ? {} : { 'mcp-name': name }), ...extraHeaders }),
  );
}

/** One dispatched event, per the WHATWG rules (an event whose `data:` line is empty is still dispatched). */
export interface TestSseEvent {
  /** The last-event-ID buffer at dispatch; `''` when no id was ever set. */
  id: string;
  event: string;
  data: string;
  retry?: number;
}

/** A small WHATWG-style SSE parser, so the server is tested against the spec rather than a client's parser. */
export class SseParser {
  #buffer = '';
  #lastEventId = '';
  #data: string[] = [];
  #event = '';
  #retry: number | undefined;

  /** Feeds decoded text; returns the events it completed. */
  feed(text: string): TestSseEvent[] {
    const events: TestSseEvent[] = [];
    this.#buffer += text;
    for (;;) {
      const end = this.#buffer.indexOf('\n');
      if (end < 0) return events;
      const line = this.#buffer.slice(0, end).replace(/\r$/, '');
      this.#buffer = this.#buffer.slice(end + 1);
      const event = this.#line(line);
      if (event !== undefined) events.push(event);
    }
  }

  #line(line: string): TestSseEvent | undefined {
    if (line === '') {
      let event: TestSseEvent | undefined;
      if (this.#data.length > 0) {
        event = { id: this.#lastEventId, event: this.#event || 'message', data: this.#data.join('\n') };
        if (this.#retry !== undefined) event.retry = this.#retry;
      }
      this.#data = [];
      this.#event = '';
      this.#retry = undefined;
      return event;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.#lastEventId = value;
    else if (field === 'event') this.#event = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.#retry = Number(value);
    return undefined;
  }
}

/** Reads SSE events off a response body one at a time; `cancel` drops the connection. */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #text = new TextDecoder();
  readonly #parser = new SseParser();
  readonly #pending: TestSseEvent[] = [];
  #done = false;
  /** Raw text seen so far (comments included). */
  raw = '';

  constructor(response: Response) {
    if (response.body === null) throw new Error('the response has no body');
    this.#reader = response.body.getReader();
  }

  async #read(): Promise<boolean> {
    const { done, value } = await this.#reader.read();
    if (done) {
      this.#done = true;
      return false;
    }
    const text = this.#text.decode(value, { stream: true });
    this.raw += text;
    this.#pending.push(...this.#parser.feed(text));
    return true;
  }

  /** The next event, or undefined at the end of the stream. */
  async next(): Promise<TestSseEvent | undefined> {
    while (this.#pending.length === 0) {
      if (this.#done || !(await this.#read())) return undefined;
    }
    return this.#pending.shift();
  }

  /** The next event that carries a message (skips priming events). */
  async nextMessage(): Promise<{ id: string; message: JsonRpcMessage } | undefined> {
    for (;;) {
      const event = await this.next();
      if (event === undefined) return undefined;
      if (event.data === '') continue;
      return { id: event.id, message: JSON.parse(event.data) as JsonRpcMessage };
    }
  }

  /** Every remaining message until the stream ends. */
  async rest(): Promise<{ id: string; message: JsonRpcMessage }[]> {
    const all: { id: string; message: JsonRpcMessage }[] = [];
    for (;;) {
      const next = await this.nextMessage();
      if (next === undefined) return all;
      all.push(next);
    }
  }

  /** Reads raw text until `needle` shows up (or the stream ends). */
  async readUntil(needle: string): Promise<boolean> {
    while (!this.raw.includes(needle)) {
      if (this.#done || !(await this.#read())) return false;
    }
    return true;
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => undefined);
  }
}

/** Checks a message the server sent against the revision's JSON Schema. */
export function expectSpecValid(message: unknown, revision: ProtocolVersion, method?: string): void {
  const result = validateMessage(
    message,
    revision,
    method === undefined ? { sender: 'server' } : { method, sender: 'server' },
  );
  expect(result.ok ? [] : result.errors, JSON.stringify(message)).toEqual([]);
}

/** A legacy client over an in-process pair, to let the fixture server list and change its tools. */
export async function connectPair(server: ConnectableServer): Promise<RpcEngine> {
  const [ours, theirs] = createInMemoryTransportPair();
  await server.connect(theirs);
  const engine = new RpcEngine();
  await engine.connect(ours);
  return engine;
}

/** A message a server sent, and the method of the client request it answers (for responses). */
export interface RecordedServerMessage {
  message: JsonRpcMessage;
  method: string | undefined;
}

/**
 * A `fetch` that records every JSON-RPC message the server sends (JSON bodies and SSE events alike), for
 * schema validation of what an official client received. Messages are recorded as the client reads them.
 */
export function recordingFetch(): {
  fetch: typeof fetch;
  received: RecordedServerMessage[];
} {
  const received: RecordedServerMessage[] = [];
  const methods = new Map<string | number, string>();
  const record = (message: JsonRpcMessage): void => {
    const id = 'id' in message ? message.id : undefined;
    const method = !('method' in message) && id !== undefined && id !== null ? methods.get(id) : undefined;
    received.push({ message, method });
  };
  const recording = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (typeof init?.body === 'string') {
      try {
        const sent = JSON.parse(init.body) as { id?: string | number; method?: string };
        if (sent.id !== undefined && typeof sent.method === 'string') methods.set(sent.id, sent.method);
      } catch {
        // Not JSON: nothing to remember.
      }
    }
    const response = await fetch(input, init);
    const type = response.headers.get('content-type') ?? '';
    const body = response.body;
    const sse = type.startsWith('text/event-stream');
    if (body === null || (!sse && !type.startsWith('application/json'))) return response;
    // A tap rather than clone(): cancelling a tee'd body waits for the other branch, which would hang the client.
    const decoder = new TextDecoder();
    const parser = new SseParser();
    let json = '';
    const tap = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        const text = decoder.decode(chunk, { stream: true });
        if (sse) {
          for (const event of parser.feed(text)) {
            if (event.data !== '' && event.event === 'message')
              record(JSON.parse(event.data) as JsonRpcMessage);
          }
        } else json += text;
        controller.enqueue(chunk);
      },
      flush() {
        if (!sse && json.trim() !== '') record(JSON.parse(json) as JsonRpcMessage);
      },
    });
    return new Response(body.pipeThrough(tap), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return {
    fetch: recording as typeof fetch,
    received,
  };
}

/** Validates everything recorded against `revision`; at least one message must have been seen. */
export function expectAllSpecValid(
  received: readonly RecordedServerMessage[],
  revision: ProtocolVersion,
): void {
  expect(received.length).toBeGreaterThan(0);
  for (const { message, method } of received) expectSpecValid(message, revision, method);
}
