// Shared by the engine tests: a transport whose wire the test controls completely.
import { TransportClosedError } from './errors.ts';
import type { JsonRpcMessage, JsonRpcNotification, JsonRpcRequest, JsonRpcResponse } from './messages.ts';
import type { MessageExtra, Transport, TransportSendOptions } from './transport.ts';

export interface SentMessage {
  message: JsonRpcMessage;
  options: TransportSendOptions | undefined;
}

export class FakeTransport implements Transport {
  onmessage?: ((message: JsonRpcMessage, extra?: MessageExtra) => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onclose?: (() => void) | undefined;
  readonly sent: SentMessage[] = [];
  started = false;
  closed = false;
  failSends: Error | undefined;

  async start(): Promise<void> {
    this.started = true;
  }

  async send(message: JsonRpcMessage, options?: TransportSendOptions): Promise<void> {
    if (this.closed) throw new TransportClosedError();
    if (this.failSends !== undefined) throw this.failSends;
    this.sent.push({ message, options });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }

  /** The peer sends a message to the engine. */
  deliver(message: JsonRpcMessage, extra?: MessageExtra): void {
    this.onmessage?.(message, extra);
  }

  requests(): JsonRpcRequest[] {
    return this.sent.map((s) => s.message).filter((m): m is JsonRpcRequest => 'method' in m && 'id' in m);
  }

  notifications(): JsonRpcNotification[] {
    return this.sent
      .map((s) => s.message)
      .filter((m): m is JsonRpcNotification => 'method' in m && !('id' in m));
  }

  responses(): JsonRpcResponse[] {
    return this.sent.map((s) => s.message).filter((m): m is JsonRpcResponse => !('method' in m));
  }
}

/** Lets queued microtasks and promise callbacks run. */
export async function flush(): Promise<void> {
  for (let round = 0; round < 10; round++) await Promise.resolve();
}
