/**
 * The WebSocket client transport: web-standard `WebSocket` (or the `ws` package injected), one message per text
 * frame, optional reconnect with backoff and optional keepalive where the socket can ping.
 */
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  isJsonRpcNotification,
  isJsonRpcRequest,
  type JsonRpcMessage,
  type JsonRpcRequest,
  McpErrorCode,
  type RequestId,
  serializeMessage,
  type Transport,
  TransportClosedError,
} from '@pmcp/jsonrpc';
import { MCP_SUBPROTOCOL, messageOf, parseFrame, WebSocketCloseCode } from '../frames.ts';

/**
 * The event a {@link WebSocketLike} hands its listeners: `data` on `message`, `code`/`reason` on `close`.
 *
 * @example
 * ```ts
 * import type { WebSocketEventLike } from '@pmcp/transport-ws';
 *
 * const onClose = (event: WebSocketEventLike) => console.log(event.code, event.reason);
 * ```
 */
export interface WebSocketEventLike {
  readonly type: string;
  readonly data?: unknown;
  readonly code?: number;
  readonly reason?: string;
  readonly message?: string;
}

/**
 * The part of a WebSocket the client transport uses: the browser's (and Node's, Deno's, Bun's) global
 * `WebSocket` fits, and so does the `ws` package's. `ping`/`on`/`terminate` exist only on `ws`; keepalive uses
 * them when present.
 *
 * @example
 * ```ts
 * import type { WebSocketLike } from '@pmcp/transport-ws';
 *
 * const socket: WebSocketLike = new WebSocket('ws://127.0.0.1:3000/mcp', 'mcp');
 * ```
 * @see https://websockets.spec.whatwg.org/#the-websocket-interface
 */
export interface WebSocketLike {
  readonly protocol: string;
  binaryType: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: 'open' | 'message' | 'error' | 'close',
    listener: (event: WebSocketEventLike) => void,
  ): void;
  ping?(): void;
  on?(event: 'pong', listener: () => void): unknown;
  terminate?(): void;
}

/**
 * A WebSocket constructor: the global `WebSocket`, or `WebSocket` from the `ws` package.
 *
 * @example
 * ```ts
 * import { WebSocket } from 'ws';
 * import { webSocketClientTransport, type WebSocketConstructor } from '@pmcp/transport-ws';
 *
 * const WebSocketImpl: WebSocketConstructor = WebSocket;
 * const transport = webSocketClientTransport('ws://127.0.0.1:3000/mcp', { WebSocket: WebSocketImpl });
 * ```
 */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/**
 * How {@link webSocketClientTransport} reconnects after the connection drops.
 *
 * @example
 * ```ts
 * import { webSocketClientTransport, type ReconnectOptions } from '@pmcp/transport-ws';
 *
 * const reconnect: ReconnectOptions = { maxAttempts: 10, initialDelayMs: 250, maxDelayMs: 5_000 };
 * const transport = webSocketClientTransport('ws://127.0.0.1:3000/mcp', { reconnect });
 * ```
 */
export interface ReconnectOptions {
  /** Attempts in a row before giving up and closing the transport. Default 5. */
  maxAttempts?: number;
  /** The delay before the first attempt; each further attempt doubles it. Default 500 ms. */
  initialDelayMs?: number;
  /** The cap on the delay between attempts. Default 10 000 ms. */
  maxDelayMs?: number;
}

/**
 * Options of {@link webSocketClientTransport}.
 *
 * @example
 * ```ts
 * import { webSocketClientTransport, type WebSocketClientTransportOptions } from '@pmcp/transport-ws';
 *
 * const options: WebSocketClientTransportOptions = { reconnect: true, keepAliveMs: 15_000 };
 * const transport = webSocketClientTransport('ws://127.0.0.1:3000/mcp', options);
 * ```
 */
export interface WebSocketClientTransportOptions {
  /** The WebSocket implementation; default the global `WebSocket`. Pass `WebSocket` from `ws` on Node < 22. */
  WebSocket?: WebSocketConstructor;
  /** Reconnect after the connection drops: `true` for the defaults of {@link ReconnectOptions}. Default off. */
  reconnect?: boolean | ReconnectOptions;
  /**
   * Ping the server this often (ms), and treat a ping unanswered by the next one as a dropped connection.
   * Only for sockets that can ping (`ws`): browsers cannot send ping frames, so there it does nothing. Default off.
   */
  keepAliveMs?: number;
  /** How long a legacy re-initialization after a reconnect may take. Default 30 000 ms. */
  reinitializeTimeoutMs?: number;
  /**
   * How long opening the connection (each reconnect attempt too) may take before it counts as failed, so a server
   * that accepts TCP but never answers the upgrade cannot hang `start()`. Default 30 000 ms.
   */
  connectTimeoutMs?: number;
  /**
   * The largest message accepted from the server, in UTF-8 bytes. A larger one closes the connection with 1009
   * (Message Too Big), as the server does with its `maxPayload`, and is reported through `onerror`; pending
   * requests fail. Default 4 MiB (`DEFAULT_MAX_MESSAGE_BYTES`, the stdio and server limit).
   */
  maxMessageBytes?: number;
}

/**
 * Where a {@link WebSocketClientTransport} is in its life.
 *
 * @example
 * ```ts
 * import type { WebSocketClientState } from '@pmcp/transport-ws';
 *
 * const busy = (state: WebSocketClientState) => state === 'connecting' || state === 'reconnecting';
 * ```
 */
export type WebSocketClientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * The transport {@link webSocketClientTransport} returns.
 *
 * @example
 * ```ts
 * import { webSocketClientTransport, type WebSocketClientTransport } from '@pmcp/transport-ws';
 *
 * const transport: WebSocketClientTransport = webSocketClientTransport('ws://127.0.0.1:3000/mcp');
 * console.log(transport.state); // 'idle'
 * ```
 */
export interface WebSocketClientTransport extends Transport {
  /** Where the transport is in its life. */
  readonly state: WebSocketClientState;
  /** How many times the connection was re-established. */
  readonly reconnects: number;
}

type Resolved = Required<ReconnectOptions>;

interface Queued {
  message: JsonRpcMessage;
  text: string;
  resolve(): void;
  reject(error: Error): void;
}

interface Reinitialization {
  id: string;
  resolve(): void;
  reject(error: Error): void;
}

// The peer refused what this side did or ended the conversation on purpose: connecting again would not help.
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  WebSocketCloseCode.Normal,
  WebSocketCloseCode.ProtocolError,
  WebSocketCloseCode.UnsupportedData,
  WebSocketCloseCode.InvalidPayload,
  WebSocketCloseCode.PolicyViolation,
  WebSocketCloseCode.MessageTooBig,
  WebSocketCloseCode.MandatoryExtension,
]);

const DEFAULT_REINITIALIZE_TIMEOUT = 30_000;
const DEFAULT_CONNECT_TIMEOUT = 30_000;

function positiveOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || Number.isNaN(value)) {
    throw new TypeError(
      `webSocketClientTransport(): ${name} must be a positive number, got ${String(value)}.`,
    );
  }
  return value;
}

const utf8 = new TextEncoder();

/** Whether a text frame is over the limit in UTF-8 bytes, encoding it only when its length cannot tell. */
function overLimit(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return utf8.encode(text).byteLength > limit;
}

function resolveReconnect(option: WebSocketClientTransportOptions['reconnect']): Resolved | undefined {
  if (option === undefined || option === false) return undefined;
  const given = option === true ? {} : option;
  const resolved: Resolved = {
    maxAttempts: given.maxAttempts ?? 5,
    initialDelayMs: given.initialDelayMs ?? 500,
    maxDelayMs: given.maxDelayMs ?? 10_000,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new TypeError(
        `webSocketClientTransport(): reconnect.${name} must be a finite number ≥ 0, got ${String(value)}.`,
      );
    }
  }
  return resolved;
}

/**
 * The delay before reconnect attempt `attempt` (0-based): exponential, capped, with jitter so that many
 * clients dropped at once by a restarting server do not all come back in the same instant.
 */
export function backoffDelay(attempt: number, options: Resolved, random: () => number = Math.random): number {
  const exponential = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** attempt);
  return exponential / 2 + (random() * exponential) / 2;
}

function describeClose(code: number | undefined, reason: string | undefined): string {
  const text = reason === undefined || reason === '' ? '' : `, "${reason}"`;
  return `close code ${code ?? 'unknown'}${text}`;
}

class WsClientTransport implements WebSocketClientTransport {
  onmessage?: Transport['onmessage'];
  onerror?: Transport['onerror'];
  onclose?: Transport['onclose'];

  readonly #url: string;
  readonly #WebSocket: WebSocketConstructor | undefined;
  readonly #reconnect: Resolved | undefined;
  readonly #keepAliveMs: number | undefined;
  readonly #reinitializeTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #maxMessageBytes: number;
  readonly #awaiting = new Map<RequestId, string>();
  #queue: Queued[] = [];
  #state: WebSocketClientState = 'idle';
  #socket: WebSocketLike | undefined;
  #attempt = 0;
  #reconnects = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #keepAliveTimer: ReturnType<typeof setInterval> | undefined;
  #initialize: JsonRpcRequest | undefined;
  #initialized = false;
  #reinitialization: Reinitialization | undefined;

  constructor(url: string | URL, options: WebSocketClientTransportOptions) {
    this.#url = String(url);
    this.#WebSocket = options.WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
    this.#reconnect = resolveReconnect(options.reconnect);
    this.#keepAliveMs = options.keepAliveMs;
    this.#reinitializeTimeoutMs = options.reinitializeTimeoutMs ?? DEFAULT_REINITIALIZE_TIMEOUT;
    this.#connectTimeoutMs = positiveOption(
      'connectTimeoutMs',
      options.connectTimeoutMs,
      DEFAULT_CONNECT_TIMEOUT,
    );
    this.#maxMessageBytes = positiveOption(
      'maxMessageBytes',
      options.maxMessageBytes,
      DEFAULT_MAX_MESSAGE_BYTES,
    );
  }

  get state(): WebSocketClientState {
    return this.#state;
  }

  get reconnects(): number {
    return this.#reconnects;
  }

  async start(): Promise<void> {
    if (this.#state === 'closed') {
      throw new TransportClosedError('This WebSocket transport was closed before start(); create a new one.');
    }
    if (this.#state !== 'idle') {
      throw new Error(
        'webSocketClientTransport: start() was already called. The endpoint that owns a transport starts it once.',
      );
    }
    this.#state = 'connecting';
    try {
      await this.#connect();
    } catch (error) {
      this.#finish();
      throw error;
    }
    if (this.#state !== 'connecting')
      throw new TransportClosedError('The transport was closed while connecting.');
    this.#state = 'open';
    this.#startKeepAlive();
  }

  send(message: JsonRpcMessage): Promise<void> {
    if (this.#state === 'idle' || this.#state === 'connecting') {
      return Promise.reject(new Error('webSocketClientTransport: await start() before send().'));
    }
    if (this.#state === 'closed') return Promise.reject(new TransportClosedError());
    let text: string;
    try {
      text = serializeMessage(message);
    } catch (error) {
      return Promise.reject(error);
    }
    if (isJsonRpcRequest(message) && message.method === 'initialize') this.#initialize = message;
    if (isJsonRpcNotification(message) && message.method === 'notifications/initialized') {
      this.#initialized = true;
    }
    if (this.#state === 'reconnecting') {
      return new Promise((resolve, reject) => this.#queue.push({ message, text, resolve, reject }));
    }
    try {
      this.#write(message, text);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async close(): Promise<void> {
    this.#finish();
  }

  #write(message: JsonRpcMessage, text: string): void {
    const socket = this.#socket;
    if (socket === undefined) throw new TransportClosedError();
    socket.send(text);
    if (isJsonRpcRequest(message)) this.#awaiting.set(message.id, message.method);
  }

  #connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const WebSocketImpl = this.#WebSocket;
      if (WebSocketImpl === undefined) {
        reject(
          new Error(
            'webSocketClientTransport: this runtime has no global WebSocket. Pass one: webSocketClientTransport(url, { WebSocket }) with WebSocket from the "ws" package.',
          ),
        );
        return;
      }
      let socket: WebSocketLike;
      try {
        socket = new WebSocketImpl(this.#url, MCP_SUBPROTOCOL);
      } catch (error) {
        reject(new Error(`Cannot open a WebSocket to ${this.#url}: ${messageOf(error)}`, { cause: error }));
        return;
      }
      this.#socket = socket;
      // Binary frames are refused either way; an ArrayBuffer is cheaper to refuse than a browser Blob.
      socket.binaryType = 'arraybuffer';
      let opened = false;
      const failed = (detail: string) => {
        clearTimeout(timer);
        reject(
          new Error(
            `Could not open a WebSocket connection to ${this.#url} (${detail}). Check that the server is running, that the URL (path included) is right, and that the server accepts the "${MCP_SUBPROTOCOL}" subprotocol.`,
          ),
        );
      };
      const timer = setTimeout(() => {
        if (opened || socket !== this.#socket) return;
        // Forget the socket and settle first: closing it may fire its error and close events at once.
        this.#socket = undefined;
        failed(`no answer to the WebSocket upgrade within connectTimeoutMs, ${this.#connectTimeoutMs} ms`);
        try {
          socket.close();
        } catch {
          // Not open yet in some implementations; it is abandoned either way.
        }
      }, this.#connectTimeoutMs);
      socket.addEventListener('open', () => {
        if (socket !== this.#socket) return;
        clearTimeout(timer);
        opened = true;
        resolve();
      });
      socket.addEventListener('message', (event) => {
        if (socket !== this.#socket) return;
        if (typeof event.data === 'string' && overLimit(event.data, this.#maxMessageBytes)) {
          this.#refuseOversized(socket, event.data);
          return;
        }
        this.#receive(event.data);
      });
      socket.addEventListener('error', (event) => {
        // The close event follows with the code; before open, the error is all there is to tell.
        if (!opened && socket === this.#socket) failed(event.message || 'connection error');
      });
      socket.addEventListener('close', (event) => {
        if (socket !== this.#socket) return;
        this.#socket = undefined;
        this.#stopKeepAlive();
        if (!opened) {
          failed(describeClose(event.code, event.reason));
          return;
        }
        this.#dropped(event.code, event.reason);
      });
    });
  }

  /** A message over `maxMessageBytes`: the same answer the server gives one, close code 1009. */
  #refuseOversized(socket: WebSocketLike, data: string): void {
    this.onerror?.(
      new Error(
        `The server sent a message of at least ${data.length} characters, over maxMessageBytes (${this.#maxMessageBytes} bytes); closing the connection with 1009 (Message Too Big). Raise maxMessageBytes if such messages are expected.`,
      ),
    );
    try {
      socket.close(WebSocketCloseCode.MessageTooBig, 'message larger than maxMessageBytes');
    } catch {
      // Browsers (and undici) let a client close only with 1000 or 3000–4999.
      try {
        socket.close(WebSocketCloseCode.Normal, 'message larger than maxMessageBytes');
      } catch {
        // Already closing.
      }
    }
  }

  #receive(data: unknown): void {
    const parsed = parseFrame(data);
    if (!parsed.ok) {
      this.onerror?.(parsed.error);
      return;
    }
    const message = parsed.message;
    if (!('method' in message) && message.id !== undefined && message.id !== null) {
      const pending = this.#reinitialization;
      if (pending !== undefined && message.id === pending.id) {
        this.#reinitialization = undefined;
        if ('error' in message) {
          pending.reject(new Error(`The server refused the re-initialization: ${message.error.message}`));
        } else pending.resolve();
        return;
      }
      this.#awaiting.delete(message.id);
    }
    this.#deliver(message);
  }

  #deliver(message: JsonRpcMessage): void {
    try {
      this.onmessage?.(message);
    } catch (error) {
      // A throwing handler must not stop the messages after it.
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #dropped(code: number | undefined, reason: string | undefined): void {
    if (this.#state === 'closed') return;
    this.#reinitialization?.reject(new Error('The connection dropped again during re-initialization.'));
    this.#reinitialization = undefined;
    const closeText = describeClose(code, reason);
    const retry =
      this.#reconnect !== undefined &&
      this.#state !== 'connecting' &&
      (code === undefined || !FINAL_CLOSE_CODES.has(code));
    if (!retry) {
      if (code !== WebSocketCloseCode.Normal) {
        this.onerror?.(new Error(`The WebSocket connection to ${this.#url} closed (${closeText}).`));
      }
      this.#finish();
      return;
    }
    this.#state = 'reconnecting';
    this.#failAwaiting(closeText);
    this.onerror?.(
      new Error(
        `The WebSocket connection to ${this.#url} dropped (${closeText}); reconnecting. Requests in flight failed with error ${McpErrorCode.ConnectionClosed}; messages sent meanwhile wait for the new connection.`,
      ),
    );
    this.#scheduleReconnect();
  }

  /** The server lost these requests with the connection: answer them now rather than let them wait for a timeout. */
  #failAwaiting(closeText: string): void {
    const lost = [...this.#awaiting];
    this.#awaiting.clear();
    for (const [id, method] of lost) {
      this.#deliver({
        jsonrpc: '2.0',
        id,
        error: {
          code: McpErrorCode.ConnectionClosed,
          message: `The response to "${method}" (id ${JSON.stringify(id)}) was lost: the WebSocket connection dropped (${closeText}) and the server may or may not have acted on it. The transport is reconnecting; send the request again if it is safe to repeat (a new request gets a new id).`,
          // `lost` is the mark the pmcp client re-issues a modern request on, as for a broken HTTP stream.
          data: { method, lost: true, reconnecting: true },
        },
      });
    }
  }

  #scheduleReconnect(): void {
    const options = this.#reconnect as Resolved;
    if (this.#attempt >= options.maxAttempts) {
      this.onerror?.(
        new Error(
          `Gave up reconnecting to ${this.#url} after ${options.maxAttempts} attempts; the transport is closed. Connect a new transport once the server is reachable.`,
        ),
      );
      this.#finish();
      return;
    }
    const delay = backoffDelay(this.#attempt, options);
    this.#attempt += 1;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#reconnectNow();
    }, delay);
  }

  async #reconnectNow(): Promise<void> {
    if (this.#state !== 'reconnecting') return;
    try {
      await this.#connect();
    } catch {
      if (this.#state === 'reconnecting') this.#scheduleReconnect();
      return;
    }
    if (this.#state !== 'reconnecting') return;
    try {
      await this.#reinitialize();
    } catch (error) {
      if (this.#socket === undefined) return; // dropped again: #dropped already scheduled the next attempt
      this.onerror?.(
        new Error(`Reconnected to ${this.#url}, but the legacy session could not be re-established.`, {
          cause: error,
        }),
      );
      this.#finish();
      return;
    }
    if (this.#state !== 'reconnecting') return;
    this.#state = 'open';
    this.#attempt = 0;
    this.#reconnects += 1;
    this.#startKeepAlive();
    const queued = this.#queue;
    this.#queue = [];
    for (const item of queued) {
      try {
        this.#write(item.message, item.text);
        item.resolve();
      } catch (error) {
        item.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  /**
   * A legacy session lives and dies with its connection: the new connection gets the `initialize` the client
   * sent first, so the client's later requests find an initialized session. The modern era needs nothing.
   */
  async #reinitialize(): Promise<void> {
    const initialize = this.#initialize;
    if (initialize === undefined) return;
    const id = `pmcp-ws-reinitialize-${this.#reconnects + 1}`;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answered = new Promise<void>((resolve, reject) => {
      this.#reinitialization = { id, resolve, reject };
      timer = setTimeout(
        () => reject(new Error(`No answer to initialize within ${this.#reinitializeTimeoutMs} ms.`)),
        this.#reinitializeTimeoutMs,
      );
    });
    try {
      this.#socket?.send(serializeMessage({ ...initialize, id }));
      await answered;
    } finally {
      clearTimeout(timer);
      this.#reinitialization = undefined;
    }
    if (this.#initialized) {
      this.#socket?.send(serializeMessage({ jsonrpc: '2.0', method: 'notifications/initialized' }));
    }
  }

  #startKeepAlive(): void {
    const socket = this.#socket;
    const interval = this.#keepAliveMs;
    if (interval === undefined || socket === undefined) return;
    if (typeof socket.ping !== 'function' || typeof socket.on !== 'function') return;
    let answered = true;
    socket.on('pong', () => {
      answered = true;
    });
    this.#keepAliveTimer = setInterval(() => {
      if (socket !== this.#socket) return;
      if (!answered) {
        // terminate() skips the closing handshake a dead peer would never finish; the close event follows.
        if (typeof socket.terminate === 'function') socket.terminate();
        else socket.close(4000, 'keepalive ping unanswered');
        return;
      }
      answered = false;
      socket.ping?.();
    }, interval);
  }

  #stopKeepAlive(): void {
    if (this.#keepAliveTimer !== undefined) clearInterval(this.#keepAliveTimer);
    this.#keepAliveTimer = undefined;
  }

  #finish(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#stopKeepAlive();
    this.#reinitialization?.reject(
      new TransportClosedError('The transport closed during re-initialization.'),
    );
    this.#reinitialization = undefined;
    const queued = this.#queue;
    this.#queue = [];
    for (const item of queued) {
      item.reject(
        new TransportClosedError('The WebSocket transport closed before this message could be sent.'),
      );
    }
    const socket = this.#socket;
    this.#socket = undefined;
    this.#awaiting.clear();
    if (socket !== undefined) {
      try {
        socket.close(WebSocketCloseCode.Normal);
      } catch {
        // Already closing; nothing left to release.
      }
    }
    this.onclose?.();
  }
}

/**
 * An MCP client transport over WebSocket: subprotocol `mcp`, one JSON-RPC message per text frame (what the
 * official TypeScript SDK 1.x `WebSocketClientTransport` speaks). Runs in browsers, Deno, Bun, Workers and
 * Node ≥ 22 on the global `WebSocket`; inject `WebSocket` from `ws` elsewhere.
 *
 * Invalid frames (not JSON, not JSON-RPC, binary) are reported through `onerror` as an `InvalidMessageError`
 * and the connection stays open. Without `reconnect`, a dropped connection closes the transport and every
 * pending request rejects with `TransportClosedError`. With `reconnect`, the transport reconnects with
 * exponential backoff and jitter: requests that were in flight when the connection dropped fail at once with
 * an `McpError` of code -32000 (`McpErrorCode.ConnectionClosed`, `data: { lost: true, reconnecting: true }`),
 * because the server may or may not have run them (a pmcp client in the modern era re-issues such a request
 * once, as it does for a broken HTTP stream); messages sent while reconnecting wait and go out on the new
 * connection; a legacy session is re-initialized with the client's original `initialize`. After
 * `maxAttempts` failed attempts the transport closes (`onclose`) and pending sends reject with
 * `TransportClosedError`.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * import { webSocketClientTransport } from '@pmcp/transport-ws';
 *
 * const transport = webSocketClientTransport('ws://127.0.0.1:3000/mcp', { reconnect: { maxAttempts: 10 } });
 * const client = createClient({ name: 'my-app', version: '1.0.0' });
 * await client.connect(transport);
 * const { tools } = await client.listTools();
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports#custom-transports
 */
export function webSocketClientTransport(
  url: string | URL,
  options: WebSocketClientTransportOptions = {},
): WebSocketClientTransport {
  return new WsClientTransport(url, options);
}
