/**
 * Interop: the official TypeScript SDK 1.x client (`Client` + `WebSocketClientTransport`, subprotocol `mcp`)
 * against a pmcp server on this package's WebSocket server.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, demoServer, serve, textOf } from './__fixtures__/harness.ts';

afterEach(cleanUp);

describe('official SDK 1.x WebSocketClientTransport against the pmcp WebSocket server', () => {
  it('initializes, lists and calls tools, and receives progress', async () => {
    const { server, probe, serverViolations } = demoServer();
    const running = await serve(server);
    const client = new Client({ name: 'sdk-client', version: '1.0.0' });
    await client.connect(new WebSocketClientTransport(new URL(running.url)));
    try {
      expect(client.getServerVersion()?.name).toBe('ws-demo');
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(['add', 'count', 'stepper', 'wait']);
      const added = await client.callTool({ name: 'add', arguments: { a: 20, b: 22 } });
      expect(textOf(added as { content: unknown[] })).toBe('42');
      // SDK 1.x runs notification handlers a microtask late and drops the progress handler when the response
      // arrives; a response in the same read as the last progress would lose it. The gates keep them apart.
      const progress: number[] = [];
      const stepped = await client.callTool({ name: 'stepper', arguments: {} }, undefined, {
        onprogress: (update) => {
          progress.push(update.progress);
          probe.gates[update.progress - 1]?.resolve();
        },
      });
      expect(textOf(stepped as { content: unknown[] })).toBe('stepped');
      expect(progress).toEqual([1, 2]);
      expect(serverViolations()).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
