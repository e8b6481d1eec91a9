/**
 * `compose`: folds transport decorators into one.
 */
import type { Transport } from '@pmcp/jsonrpc';
import { assertTransport } from './forwarding.ts';

/**
 * A function that wraps a transport in another with added behaviour. It must not mutate the transport beyond
 * taking over its `onmessage`/`onerror`/`onclose` slots, and the result forwards every `Transport` member.
 *
 * @example
 * ```ts
 * import type { TransportDecorator } from '@pmcp/middleware';
 *
 * // Observes the connection without changing it; real decorators return a wrapper around `next`.
 * const announce: TransportDecorator = (next) => {
 *   console.log('decorating a transport, session', next.sessionId);
 *   return next;
 * };
 * ```
 */
export type TransportDecorator = (next: Transport) => Transport;

/**
 * Folds decorators left to right: `compose(a, b)(transport)` is `b(a(transport))`. The first decorator sits
 * next to the wire, the last next to the endpoint: outgoing messages pass the last decorator first, incoming
 * messages pass the first decorator first. So in `compose(rateLimit(...), metrics())` the metrics never see
 * requests the rate limiter answered itself. With no decorators the transport is returned as is.
 *
 * @example
 * ```ts
 * import { createInMemoryTransportPair } from '@pmcp/jsonrpc';
 * import { compose, metrics, rateLimit } from '@pmcp/middleware';
 *
 * const [, serverSide] = createInMemoryTransportPair();
 * const serverMetrics = metrics();
 * const decorated = compose(rateLimit({ ratePerSecond: 20, burst: 40 }), serverMetrics)(serverSide);
 * // await server.connect(decorated);
 * ```
 */
export function compose(...decorators: TransportDecorator[]): TransportDecorator {
  decorators.forEach((decorator, index) => {
    if (typeof decorator !== 'function') {
      throw new TypeError(
        `compose(): argument ${index + 1} is ${decorator === null ? 'null' : typeof decorator}, not a decorator. ` +
          'Pass decorator functions such as rateLimit({ ... }) or metrics(), not their results applied to a transport.',
      );
    }
  });
  return (transport) => {
    assertTransport(transport);
    let decorated = transport;
    for (const decorator of decorators) decorated = decorator(decorated);
    return decorated;
  };
}
