/**
 * A subscription is named by the JSON-RPC id of its `subscriptions/listen` request, which the request engine
 * assigns internally. This transport decorator reports the id of a request when it is written, matched by the
 * identity of its params object (the engine sends the object it was given), so the client knows the id before
 * the server can acknowledge it.
 */
import type { JsonRpcMessage, MessageExtra, RequestId, Transport, TransportSendOptions } from '@pmcp/jsonrpc';

/** Reports sent request ids for params objects the client registered. */
export class RequestIdWatch {
  readonly #waiting = new WeakMap<object, (id: RequestId) => void>();

  /** Calls `onSent` with the id of the request whose params are `params`, when it is sent. */
  watch(params: object, onSent: (id: RequestId) => void): void {
    this.#waiting.set(params, onSent);
  }

  forget(params: object): void {
    this.#waiting.delete(params);
  }

  /** Wraps `next` without changing what passes through it. */
  decorate(next: Transport): Transport {
    const waiting = this.#waiting;
    return {
      start: () => next.start(),
      close: () => next.close(),
      send(message: JsonRpcMessage, options?: TransportSendOptions) {
        if (
          'method' in message &&
          'id' in message &&
          message.id !== undefined &&
          message.params !== undefined
        ) {
          const onSent = waiting.get(message.params);
          if (onSent !== undefined) {
            waiting.delete(message.params);
            onSent(message.id);
          }
        }
        return options === undefined ? next.send(message) : next.send(message, options);
      },
      setProtocolVersion(version: string) {
        next.setProtocolVersion?.(version);
      },
      get sessionId() {
        return next.sessionId;
      },
      get onmessage() {
        return next.onmessage;
      },
      set onmessage(handler: ((message: JsonRpcMessage, extra?: MessageExtra) => void) | undefined) {
        next.onmessage = handler;
      },
      get onerror() {
        return next.onerror;
      },
      set onerror(handler: ((error: Error) => void) | undefined) {
        next.onerror = handler;
      },
      get onclose() {
        return next.onclose;
      },
      set onclose(handler: (() => void) | undefined) {
        next.onclose = handler;
      },
    };
  }
}
