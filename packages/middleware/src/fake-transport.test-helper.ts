// A transport whose wire the test controls completely: it records what is sent and can be told to fail sends.
import {
  type JsonRpcMessage,
  type MessageExtra,
  type Transport,
  TransportClosedError,
  type TransportSendOptions,
} from '@pmcp/jsonrpc';

export interface SentMessage {
  message: JsonRpcMessage;
  options: TransportSendOptions | undefined;
}

export class FakeTransport implements Transport {
  onmessage?: ((message: JsonRpcMessage, extra?: MessageExtra) => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onclose?: (() => void) | undefined;
  sessionId?: string | undefined;
  readonly sent: SentMessage[] = [];
  /** Every call of send, failed ones included. */
  sendCalls = 0;
  started = false;
  closed = false;
  failSends: Error | undefined;

  async start(): Promise<void> {
    this.started = true;
  }

  async send(message: JsonRpcMessage, options?: TransportSendOptions): Promise<void> {
    this.sendCalls += 1;
    if (this.closed) throw new TransportClosedError();
    if (this.failSends !== undefined) throw this.failSends;
    this.sent.push({ message, options });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }

  /** The peer sends a message. */
  deliver(message: JsonRpcMessage, extra?: MessageExtra): void {
    this.onmessage?.(message, extra);
  }
}

/** Lets queued microtasks and promise callbacks run. */
export async function flush(): Promise<void> {
  for (let round = 0; round < 20; round++) await Promise.resolve();
}
