/**
 * The server side of one WebSocket connection as a `Transport`.
 */
import {
  type JsonRpcMessage,
  type MessageExtra,
  serializeMessage,
  type Transport,
  TransportClosedError,
} from '@pmcp/jsonrpc';
import type { RawData, WebSocket } from 'ws';
import { messageOf, parseFrame, WebSocketCloseCode } from '../frames.ts';

type State = 'idle' | 'open' | 'closed';

interface Incoming {
  data: RawData;
  isBinary: boolean;
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** A transport over one accepted WebSocket. Messages that arrive before `start()` wait for it. */
export class WebSocketServerTransport implements Transport {
  onmessage?: Transport['onmessage'];
  onerror?: Transport['onerror'];
  onclose?: Transport['onclose'];

  readonly #socket: WebSocket;
  readonly #extra: MessageExtra;
  readonly #maxBufferedBytes: number;
  readonly #maxPayload: number;
  #early: Incoming[] | undefined = [];
  #state: State = 'idle';

  constructor(
    socket: WebSocket,
    options: { headers: Headers; maxBufferedBytes: number; maxPayload: number },
  ) {
    this.#socket = socket;
    this.#extra = { headers: options.headers };
    this.#maxBufferedBytes = options.maxBufferedBytes;
    this.#maxPayload = options.maxPayload;
    socket.on('message', (data, isBinary) => {
      if (this.#early !== undefined) this.#early.push({ data, isBinary });
      else this.#receive(data, isBinary);
    });
    socket.on('error', (error: Error & { code?: string }) => {
      if (this.#state === 'closed') return;
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        this.onerror?.(
          new Error(
            `Closed the WebSocket connection (${WebSocketCloseCode.MessageTooBig}): the client sent a message larger than maxPayload (${this.#maxPayload} bytes).`,
            { cause: error },
          ),
        );
      } else this.onerror?.(new Error(`WebSocket connection failed: ${error.message}`, { cause: error }));
    });
    socket.on('close', () => this.#closed());
  }

  async start(): Promise<void> {
    if (this.#state === 'closed') {
      throw new TransportClosedError('This WebSocket connection closed before start().');
    }
    if (this.#state === 'open') {
      throw new Error('WebSocket server transport: start() was already called; the endpoint starts it once.');
    }
    this.#state = 'open';
    const early = this.#early ?? [];
    this.#early = undefined;
    for (const { data, isBinary } of early) {
      if (this.#state !== 'open') return;
      this.#receive(data, isBinary);
    }
  }

  send(message: JsonRpcMessage): Promise<void> {
    if (this.#state === 'idle') return Promise.reject(new Error('Call start() before send().'));
    if (this.#state === 'closed' || this.#socket.readyState !== this.#socket.OPEN) {
      return Promise.reject(new TransportClosedError());
    }
    let text: string;
    try {
      text = serializeMessage(message);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#socket.bufferedAmount > this.#maxBufferedBytes) {
      // The client stopped reading: buffering without end would let one slow peer exhaust the server's memory.
      this.shutdown(WebSocketCloseCode.TryAgainLater, 'client is not reading; send buffer full');
      return Promise.reject(
        new TransportClosedError(
          `Closed the WebSocket connection: more than ${this.#maxBufferedBytes} bytes were waiting to be sent to a client that does not read them.`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      // The callback fires once the frame is handed to the socket, so a sender that awaits keeps pace with it.
      this.#socket.send(text, (error) => {
        if (error === undefined || error === null) resolve();
        else
          reject(new TransportClosedError(`The message was not sent: ${messageOf(error)}`, { cause: error }));
      });
    });
  }

  async close(): Promise<void> {
    this.shutdown(WebSocketCloseCode.Normal, '');
  }

  /** Closes with a code the client can act on (1001 when the whole server stops). */
  shutdown(code: number, reason: string): void {
    if (this.#state === 'closed') return;
    try {
      this.#socket.close(code, reason);
    } catch {
      this.#socket.terminate();
    }
    this.#closed();
  }

  #receive(data: RawData, isBinary: boolean): void {
    const parsed = parseFrame(isBinary ? data : textOf(data));
    if (!parsed.ok) {
      this.onerror?.(parsed.error);
      return;
    }
    try {
      this.onmessage?.(parsed.message, this.#extra);
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #closed(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#early = undefined;
    this.onclose?.();
  }
}
