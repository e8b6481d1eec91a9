import { createClient } from '@pmcp/client';
import { createInMemoryTransportPair, type JsonRpcMessage } from '@pmcp/jsonrpc';
import { createServer } from '@pmcp/server';
import { describe, expect, it } from 'vitest';
import { MiddlewareErrorCode, RateLimitError } from './errors.ts';
import { FakeTransport, flush } from './fake-transport.test-helper.ts';
import { rateLimit } from './rate-limit.ts';

const request = (id: number, method = 'tools/list'): JsonRpcMessage => ({ jsonrpc: '2.0', id, method });
const notification = (method = 'notifications/roots/list_changed'): JsonRpcMessage => ({
  jsonrpc: '2.0',
  method,
});

function setup(options: { ratePerSecond: number; burst: number; reportIntervalMs?: number }) {
  let now = 0;
  const base = new FakeTransport();
  const limit = rateLimit({ ...options, now: () => now });
  const transport = limit(base);
  const received: JsonRpcMessage[] = [];
  const errors: Error[] = [];
  transport.onmessage = (message) => received.push(message);
  transport.onerror = (error) => errors.push(error);
  return { base, limit, transport, received, errors, advance: (ms: number) => (now += ms) };
}

describe('rateLimit', () => {
  it('answers exactly the excess requests itself, with retryAfterMs and relatedRequestId', async () => {
    const { base, received, limit } = setup({ ratePerSecond: 2, burst: 3 });
    for (let id = 1; id <= 5; id++) base.deliver(request(id));
    await flush();
    expect(received.map((m) => (m as { id: number }).id)).toEqual([1, 2, 3]);
    expect(base.sent).toHaveLength(2);
    for (const [index, sent] of base.sent.entries()) {
      const id = index + 4;
      expect(sent.options).toEqual({ relatedRequestId: id });
      expect(sent.message).toMatchObject({
        jsonrpc: '2.0',
        id,
        error: { code: MiddlewareErrorCode.RateLimited, data: { retryAfterMs: 500, method: 'tools/list' } },
      });
      expect((sent.message as { error: { message: string } }).error.message).toContain('Retry after 500 ms');
    }
    expect(limit.stats()).toEqual({ admitted: 3, rejectedRequests: 2, droppedNotifications: 0 });
  });

  it('refills at ratePerSecond on the injected clock', () => {
    const { base, received, advance } = setup({ ratePerSecond: 10, burst: 1 });
    base.deliver(request(1));
    base.deliver(request(2));
    advance(99);
    base.deliver(request(3));
    advance(1);
    base.deliver(request(4));
    expect(received.map((m) => (m as { id: number }).id)).toEqual([1, 4]);
  });

  it('drops notifications over the limit and reports them through onerror once per window, the rest on close', async () => {
    const { base, transport, received, errors, advance } = setup({
      ratePerSecond: 1,
      burst: 1,
      reportIntervalMs: 1_000,
    });
    base.deliver(notification());
    base.deliver(notification());
    base.deliver(notification('notifications/progress'));
    base.deliver(notification());
    expect(received).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RateLimitError);
    expect((errors[0] as RateLimitError).dropped).toBe(1);

    advance(500);
    base.deliver(notification());
    base.deliver(notification());
    expect(errors).toHaveLength(1);

    advance(500);
    base.deliver(notification()); // a token is back: admitted
    base.deliver(notification()); // dropped, and the window is over: reported with the ones before it
    expect(errors).toHaveLength(2);
    expect(errors[1]).toMatchObject({
      dropped: 5,
      data: {
        dropped: 5,
        totalDropped: 6,
        methods: { 'notifications/roots/list_changed': 4, 'notifications/progress': 1 },
      },
    });

    base.deliver(notification());
    await transport.close();
    expect(errors).toHaveLength(3);
    expect(errors[2]).toMatchObject({ dropped: 1, data: { totalDropped: 7 } });
    expect(base.sent).toHaveLength(0);
  });

  it('never limits responses or the default exempt notifications', () => {
    const { base, received } = setup({ ratePerSecond: 1, burst: 1 });
    base.deliver(request(1));
    base.deliver({ jsonrpc: '2.0', id: 7, result: {} });
    base.deliver({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } });
    base.deliver({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(received).toHaveLength(4);
  });

  it('keeps a bucket per key when keyOf is given', () => {
    let now = 0;
    const base = new FakeTransport();
    const transport = rateLimit({
      ratePerSecond: 1,
      burst: 1,
      now: () => now,
      keyOf: (_message, extra) => String((extra?.authInfo as { clientId?: string } | undefined)?.clientId),
    })(base);
    const received: unknown[] = [];
    transport.onmessage = (message, extra) =>
      received.push([(message as { id: number }).id, extra?.authInfo]);
    base.deliver(request(1), { authInfo: { clientId: 'a' } });
    base.deliver(request(2), { authInfo: { clientId: 'b' } });
    base.deliver(request(3), { authInfo: { clientId: 'a' } });
    now += 0;
    expect(received).toEqual([
      [1, { clientId: 'a' }],
      [2, { clientId: 'b' }],
    ]);
  });

  it('rejects invalid options with a clear TypeError', () => {
    expect(() => rateLimit({ ratePerSecond: 0, burst: 1 })).toThrow(
      /ratePerSecond must be a positive number/,
    );
    expect(() => rateLimit({ ratePerSecond: 1, burst: 0.5 })).toThrow(
      /burst must be an integer of at least 1/,
    );
  });
});

describe('rateLimit end to end (pmcp server and client)', () => {
  it('answers the excess tools/call requests itself: the server never sees them', async () => {
    let now = 0;
    const server = createServer({ name: 'limited', version: '1.0.0' });
    let handled = 0;
    server.tool('echo', { description: 'Echo' }, () => {
      handled += 1;
      return 'ok';
    });
    const [clientSide, serverSide] = createInMemoryTransportPair();
    const limit = rateLimit({ ratePerSecond: 1, burst: 3, now: () => now });
    await server.connect(limit(serverSide));
    const client = createClient({ name: 'test-client', version: '1.0.0' });
    await client.connect(clientSide);
    // callTool looks up outputSchema through tools/list: cached now, so the burst below is tools/call only.
    await client.listTools();
    // The handshake used tokens; a quiet period refills the bucket.
    now += 10_000;

    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => client.callTool('echo', {})));
    const fulfilled = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(fulfilled).toHaveLength(3);
    expect(rejected).toHaveLength(2);
    for (const outcome of rejected) {
      expect(outcome.reason).toMatchObject({
        code: MiddlewareErrorCode.RateLimited,
        data: { retryAfterMs: 1_000, method: 'tools/call' },
      });
    }
    expect(handled).toBe(3);
    expect(limit.stats().rejectedRequests).toBe(2);
    await client.close();
  });
});
