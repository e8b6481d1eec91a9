/**
 * Property: any sequence of messages sent over a real WebSocket connection arrives intact and in order, in both
 * directions.
 */
import type { JsonRpcMessage, Transport } from '@pmcp/jsonrpc';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebSocketClientTransport, webSocketClientTransport } from './index.ts';
import { type WebSocketServerHandle, webSocketServer } from './node/index.ts';

let running: WebSocketServerHandle;
let client: WebSocketClientTransport;
let serverSide: Transport;
const atServer: JsonRpcMessage[] = [];
const atClient: JsonRpcMessage[] = [];

beforeAll(async () => {
  let accepted!: (transport: Transport) => void;
  const connected = new Promise<Transport>((resolve) => {
    accepted = resolve;
  });
  running = await webSocketServer({
    async connect(transport) {
      transport.onmessage = (message) => atServer.push(message);
      await transport.start();
      accepted(transport);
    },
  });
  client = webSocketClientTransport(running.url);
  client.onmessage = (message) => atClient.push(message);
  await client.start();
  serverSide = await connected;
});

afterAll(async () => {
  await client.close();
  await running.close();
});

const message: fc.Arbitrary<JsonRpcMessage> = fc.oneof(
  fc.record({
    jsonrpc: fc.constant('2.0' as const),
    method: fc.string({ minLength: 1 }),
    params: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
  }),
  fc.record({
    jsonrpc: fc.constant('2.0' as const),
    id: fc.oneof(fc.integer(), fc.string()),
    result: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
  }),
);

/** What a message is after the JSON round trip any wire imposes (-0 becomes 0, `__proto__` keys stay data). */
const overTheWire = (sent: JsonRpcMessage[]) => sent.map((item) => JSON.parse(JSON.stringify(item)));

describe('WebSocket framing', () => {
  it('delivers every message intact and in order, both ways', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { maxLength: 30 }), async (sequence) => {
        atServer.length = 0;
        atClient.length = 0;
        for (const item of sequence) await client.send(item);
        for (const item of sequence) await serverSide.send(item);
        await expect.poll(() => atServer.length).toBe(sequence.length);
        await expect.poll(() => atClient.length).toBe(sequence.length);
        expect(atServer).toEqual(overTheWire(sequence));
        expect(atClient).toEqual(overTheWire(sequence));
      }),
      { numRuns: 25, interruptAfterTimeLimit: 20_000 },
    );
  });
});
