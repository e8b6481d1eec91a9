/**
 * Two transports wired to each other in memory: for tests, and for a client and server in one process.
 */
import { TransportClosedError } from './errors.ts';
import type { JsonRpcMessage } from './messages.ts';
import type { MessageExtra, Transport, TransportSendOptions } from './transport.ts';

class InMemoryTransport implements Transport {
  onmessage?: ((message: JsonRpcMessage, extra?: MessageExtra) => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onclose?: (() => void) | undefined;
  sessionId?: string | undefined;

  peer: InMemoryTransport | undefined;
  #started = false;
  #delivering = false;
  #closed = false;
  // Messages that arrived before start(): delivered, in order, once this side starts.
  #backlog: JsonRpcMessage[] = [];

  start(): Promise<void> {
    if (this.#started) {
      return Promise.reject(
        new Error(
          'This in-memory transport is already started; connect each transport to one endpoint only.',
        ),
      );
    }
    this.#started = true;
    // Delivery begins in a microtask, after messages already on their way have joined the backlog.
    queueMicrotask(() => {
      this.#delivering = true;
      const backlog = this.#backlog;
      this.#backlog = [];
      for (const message of backlog) this.#deliver(message);
    });
    return Promise.resolve();
  }

  send(message: JsonRpcMessage, _options?: TransportSendOptions): Promise<void> {
    if (this.#closed) return Promise.reject(new TransportClosedError());
    const peer = this.peer;
    queueMicrotask(() => peer?.receive(message));
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#backlog = [];
    const peer = this.peer;
    // Queued behind the messages this side already sent, so the peer reads them before it sees the close.
    queueMicrotask(() => void peer?.close());
    this.#fire(this.onclose);
    return Promise.resolve();
  }

  receive(message: JsonRpcMessage): void {
    if (this.#closed) return;
    if (!this.#delivering) {
      this.#backlog.push(message);
      return;
    }
    this.#deliver(message);
  }

  #deliver(message: JsonRpcMessage): void {
    if (this.#closed) return;
    try {
      this.onmessage?.(message);
    } catch (error) {
      this.#fire(this.onerror, error instanceof Error ? error : new Error(String(error)));
    }
  }

  #fire<A extends unknown[]>(callback: ((...args: A) => void) | undefined, ...args: A): void {
    try {
      callback?.(...args);
    } catch {
      // A throwing callback must not break delivery for the other side; there is nobody left to report to.
    }
  }
}

/**
 * Creates two connected transports: what one sends, the other receives. Delivery is asynchronous (a
 * microtask) and passes the same object (no cloning); closing either side closes both, and `send` after close
 * rejects with {@link TransportClosedError}. Messages sent before the other side starts wait for it.
 *
 * @example
 * ```ts
 * import { RpcEngine, createInMemoryTransportPair } from '@pmcp/jsonrpc';
 *
 * const [clientSide, serverSide] = createInMemoryTransportPair();
 * const server = new RpcEngine();
 * server.setRequestHandler('ping', () => ({}));
 * await server.connect(serverSide);
 * const client = new RpcEngine();
 * await client.connect(clientSide);
 * await client.request('ping'); // {}
 * ```
 */
export function createInMemoryTransportPair(): [Transport, Transport] {
  const first = new InMemoryTransport();
  const second = new InMemoryTransport();
  first.peer = second;
  second.peer = first;
  return [first, second];
}
