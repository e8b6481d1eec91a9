import { describe, expect, it, vi } from 'vitest';
import { TransportClosedError } from './errors.ts';
import { createInMemoryTransportPair } from './in-memory.ts';
import type { JsonRpcMessage } from './messages.ts';
import type { Transport } from './transport.ts';

function collect(transport: Transport): JsonRpcMessage[] {
  const received: JsonRpcMessage[] = [];
  transport.onmessage = (message) => received.push(message);
  return received;
}

const ping = (id: number): JsonRpcMessage => ({ jsonrpc: '2.0', id, method: 'ping' });

describe('createInMemoryTransportPair', () => {
  it('delivers what one side sends to the other, asynchronously and without cloning', async () => {
    const [a, b] = createInMemoryTransportPair();
    const received = collect(b);
    await a.start();
    await b.start();
    const message = ping(1);
    const sent = a.send(message);
    expect(received).toEqual([]);
    await sent;
    await vi.waitFor(() => expect(received).toHaveLength(1));
    expect(received[0]).toBe(message);
  });

  it('works in both directions and keeps order', async () => {
    const [a, b] = createInMemoryTransportPair();
    const atA = collect(a);
    const atB = collect(b);
    await Promise.all([a.start(), b.start()]);
    for (let id = 1; id <= 5; id++) await a.send(ping(id));
    await b.send(ping(99));
    await vi.waitFor(() => expect(atB).toHaveLength(5));
    expect(atB.map((m) => ('id' in m ? m.id : undefined))).toEqual([1, 2, 3, 4, 5]);
    await vi.waitFor(() => expect(atA).toEqual([ping(99)]));
  });

  it('holds messages sent before the other side starts, then delivers them in order', async () => {
    const [a, b] = createInMemoryTransportPair();
    await a.start();
    await a.send(ping(1));
    await a.send(ping(2));
    const received = collect(b);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(received).toEqual([]);
    await b.start();
    await a.send(ping(3));
    await vi.waitFor(() => expect(received).toHaveLength(3));
    expect(received).toEqual([ping(1), ping(2), ping(3)]);
  });

  it('closing either side closes both, onclose once each, and send then rejects', async () => {
    const [a, b] = createInMemoryTransportPair();
    const closes = { a: 0, b: 0 };
    a.onclose = () => closes.a++;
    b.onclose = () => closes.b++;
    await Promise.all([a.start(), b.start()]);
    await b.close();
    await b.close();
    await vi.waitFor(() => expect(closes).toEqual({ a: 1, b: 1 }));
    await a.close();
    expect(closes).toEqual({ a: 1, b: 1 });
    await expect(a.send(ping(1))).rejects.toBeInstanceOf(TransportClosedError);
    await expect(b.send(ping(1))).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('delivers messages sent before close ahead of the close', async () => {
    const [a, b] = createInMemoryTransportPair();
    const events: string[] = [];
    b.onmessage = (message) => events.push(`message ${'id' in message ? String(message.id) : ''}`);
    b.onclose = () => events.push('close');
    await Promise.all([a.start(), b.start()]);
    await a.send(ping(1));
    await a.close();
    await vi.waitFor(() => expect(events).toEqual(['message 1', 'close']));
  });

  it('refuses a second start', async () => {
    const [a] = createInMemoryTransportPair();
    await a.start();
    await expect(a.start()).rejects.toThrow(/already started/);
  });

  it('reports an exception thrown by onmessage to onerror instead of crashing', async () => {
    const [a, b] = createInMemoryTransportPair();
    const errors: Error[] = [];
    b.onmessage = () => {
      throw new Error('handler bug');
    };
    b.onerror = (error) => errors.push(error);
    await Promise.all([a.start(), b.start()]);
    await a.send(ping(1));
    await vi.waitFor(() => expect(errors.map((e) => e.message)).toEqual(['handler bug']));
  });
});
