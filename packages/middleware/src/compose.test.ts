import { createInMemoryTransportPair, type JsonRpcMessage, RpcEngine, type Transport } from '@pmcp/jsonrpc';
import { describe, expect, it } from 'vitest';
import { circuitBreaker } from './circuit-breaker.ts';
import { compose, type TransportDecorator } from './compose.ts';
import { FakeTransport, flush } from './fake-transport.test-helper.ts';
import { ForwardingTransport } from './forwarding.ts';
import { metrics } from './metrics.ts';
import { rateLimit } from './rate-limit.ts';

/** A decorator that appends its name to every message's trail, in both directions. */
function tagging(name: string, trail: string[]): TransportDecorator {
  return (next) => {
    const decorated = new (class extends ForwardingTransport {
      override send(message: JsonRpcMessage): Promise<void> {
        trail.push(`out:${name}`);
        return next.send(message);
      }
      protected override receive(message: JsonRpcMessage): void {
        trail.push(`in:${name}`);
        this.deliver(message, undefined);
      }
    })(next);
    return decorated;
  };
}

describe('compose', () => {
  it('folds left to right: the first decorator is next to the wire', async () => {
    const trail: string[] = [];
    const base = new FakeTransport();
    const decorated = compose(tagging('a', trail), tagging('b', trail))(base);
    decorated.onmessage = () => trail.push('endpoint');
    await decorated.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    base.deliver({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(trail).toEqual(['out:b', 'out:a', 'in:a', 'in:b', 'endpoint']);
  });

  it('returns the transport itself when given no decorators', () => {
    const base = new FakeTransport();
    expect(compose()(base)).toBe(base);
  });

  it('rejects a non-function decorator and a missing transport with a message that says what to fix', () => {
    expect(() => compose(metrics(), undefined as unknown as TransportDecorator)).toThrow(
      /argument 2 is undefined/,
    );
    expect(() => compose(metrics())(undefined as unknown as Transport)).toThrow(
      /forget to pass the transport/,
    );
  });
});

describe('forwarding', () => {
  const decorators: Array<[string, () => TransportDecorator]> = [
    ['circuitBreaker', () => circuitBreaker()],
    ['rateLimit', () => rateLimit({ ratePerSecond: 1000, burst: 1000 })],
    ['metrics', () => metrics()],
  ];

  for (const [name, make] of decorators) {
    it(`${name} forwards handlers assigned after decorating, start, close and sessionId`, async () => {
      const base = new FakeTransport();
      base.sessionId = 'session-1';
      const decorated = make()(base);
      const received: JsonRpcMessage[] = [];
      const errors: Error[] = [];
      let closes = 0;
      decorated.onmessage = (message) => received.push(message);
      decorated.onerror = (error) => errors.push(error);
      decorated.onclose = () => {
        closes += 1;
      };
      await decorated.start();
      expect(base.started).toBe(true);
      expect(decorated.sessionId).toBe('session-1');
      base.deliver({ jsonrpc: '2.0', id: 1, method: 'ping' });
      base.onerror?.(new Error('boom'));
      await decorated.send({ jsonrpc: '2.0', id: 1, result: {} });
      await decorated.close();
      expect(received).toEqual([{ jsonrpc: '2.0', id: 1, method: 'ping' }]);
      expect(errors.map((error) => error.message)).toEqual(['boom']);
      expect(base.sent.map((sent) => sent.message)).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }]);
      expect(closes).toBe(1);
    });

    it(`${name} has setProtocolVersion exactly when the wrapped transport has it`, () => {
      const plain = make()(new FakeTransport());
      expect(plain.setProtocolVersion).toBeUndefined();
      const versions: string[] = [];
      const withVersion = Object.assign(new FakeTransport(), {
        setProtocolVersion: (version: string) => versions.push(version),
      });
      const decorated = make()(withVersion);
      decorated.setProtocolVersion?.('2026-07-28');
      expect(versions).toEqual(['2026-07-28']);
    });
  }

  it('carries a real engine conversation through all three decorators', async () => {
    const [clientSide, serverSide] = createInMemoryTransportPair();
    const server = new RpcEngine();
    server.setRequestHandler('ping', () => ({ pong: true }));
    await server.connect(compose(rateLimit({ ratePerSecond: 100, burst: 100 }), metrics())(serverSide));
    const client = new RpcEngine();
    await client.connect(compose(circuitBreaker(), metrics())(clientSide));
    expect(await client.request('ping')).toEqual({ pong: true });
    await client.close();
    await flush();
  });
});
