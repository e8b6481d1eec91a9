/**
 * The base of every decorator here: a Transport that forwards each member of the interface to the transport it
 * wraps, with hooks for the messages that pass through.
 */
import type { JsonRpcMessage, MessageExtra, Transport, TransportSendOptions } from '@pmcp/jsonrpc';

/**
 * Forwards the whole `Transport` interface to `inner`. The endpoint assigns `onmessage`/`onerror`/`onclose`
 * on the decorated transport after decorating, so those are read at call time, never copied at construction.
 * @internal
 */
export class ForwardingTransport implements Transport {
  onmessage?: ((message: JsonRpcMessage, extra?: MessageExtra) => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onclose?: (() => void) | undefined;
  /** Present exactly when the wrapped transport has it, so feature checks see the same answer. */
  setProtocolVersion?: (version: string) => void;

  protected readonly inner: Transport;

  constructor(inner: Transport) {
    assertTransport(inner);
    this.inner = inner;
    if (typeof inner.setProtocolVersion === 'function') {
      this.setProtocolVersion = (version) => inner.setProtocolVersion?.(version);
    }
    // Decorating takes over the wrapped transport's handler slots: from here on it reports to this object.
    inner.onmessage = (message, extra) => this.receive(message, extra);
    inner.onerror = (error) => this.reportError(error);
    inner.onclose = () => this.handleClose();
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  set sessionId(value: string | undefined) {
    this.inner.sessionId = value;
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  send(message: JsonRpcMessage, options?: TransportSendOptions): Promise<void> {
    return sendThrough(this.inner, message, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** A message arrived from the wrapped transport; the default passes it on unchanged. */
  protected receive(message: JsonRpcMessage, extra: MessageExtra | undefined): void {
    this.deliver(message, extra);
  }

  /** Hands a message to the endpoint, with `extra` only when the wrapped transport gave one. */
  protected deliver(message: JsonRpcMessage, extra: MessageExtra | undefined): void {
    if (extra === undefined) this.onmessage?.(message);
    else this.onmessage?.(message, extra);
  }

  protected reportError(error: Error): void {
    this.onerror?.(error);
  }

  protected handleClose(): void {
    this.onclose?.();
  }
}

/** Calls `transport.send`, turning a synchronous throw into a rejection and passing `options` only when given. */
export function sendThrough(
  transport: Transport,
  message: JsonRpcMessage,
  options: TransportSendOptions | undefined,
): Promise<void> {
  try {
    return options === undefined ? transport.send(message) : transport.send(message, options);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Throws a TypeError that says what was passed instead of a Transport. */
export function assertTransport(value: unknown): asserts value is Transport {
  const candidate = value as Partial<Record<'start' | 'send' | 'close', unknown>> | null | undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.start !== 'function' ||
    typeof candidate.send !== 'function' ||
    typeof candidate.close !== 'function'
  ) {
    const got = value === null ? 'null' : typeof value;
    throw new TypeError(
      `Expected a Transport (an object with start, send and close methods) to decorate, got ${got}. ` +
        'Did you forget to pass the transport, as in compose(...decorators)(transport)?',
    );
  }
}
