/**
 * Interop: the pmcp client against a server built with the official TypeScript SDK 1.x (legacy era only),
 * over the in-memory pair. Their Transport has the same shape as ours, so our transport is handed over as is.
 */

import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport as SdkTransport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import {
  createInMemoryTransportPair,
  type JsonRpcMessage,
  McpError,
  RequestCancelledError,
} from '@pmcp/jsonrpc';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recordingTransport } from '../test/fake-server.ts';
import { expectAllSpecValid, revisionRule } from '../test/spec-check.ts';
import { type Client, createClient } from './index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

interface Started {
  client: Client;
  sent: JsonRpcMessage[];
  cancelledOnServer: Promise<boolean>;
}

async function startSdkServer(era: 'auto' | 'legacy' | 'modern' = 'auto'): Promise<Started> {
  const server = new McpServer(
    { name: 'official-sdk-server', version: '1.0.0' },
    { capabilities: { tools: { listChanged: true } }, instructions: 'interop fixture' },
  );
  server.registerTool(
    'add',
    {
      description: 'Adds two numbers',
      inputSchema: { a: z.number(), b: z.number() },
      outputSchema: { sum: z.number() },
    },
    ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }], structuredContent: { sum: a + b } }),
  );
  server.registerTool('fails', { description: 'Always fails' }, () => {
    throw new Error('deliberate failure');
  });
  let markCancelled: (value: boolean) => void = () => undefined;
  const cancelledOnServer = new Promise<boolean>((resolve) => {
    markCancelled = resolve;
  });
  server.registerTool(
    'slow',
    { description: 'Reports progress, then waits to be cancelled' },
    async (extra) => {
      const token = extra._meta?.progressToken;
      if (token !== undefined) {
        for (const progress of [1, 2]) {
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken: token, progress, total: 2 },
          });
        }
      }
      // The cancellation may already have arrived while the last progress notification was being sent.
      if (!extra.signal.aborted) {
        await new Promise<void>((resolve) => {
          extra.signal.addEventListener('abort', () => resolve(), { once: true });
        });
      }
      markCancelled(extra.signal.aborted);
      return { content: [] };
    },
  );

  const [clientSide, serverSide] = createInMemoryTransportPair();
  await server.connect(serverSide as unknown as SdkTransport);
  const sent: JsonRpcMessage[] = [];
  const client = createClient({ name: 'pmcp-interop', version: '0.0.0' }, { discoverTimeout: 2000 });
  cleanups.push(async () => {
    await client.close();
    await server.close();
  });
  await client.connect(recordingTransport(clientSide, sent), { era });
  return { client, sent, cancelledOnServer };
}

describe('pmcp client ↔ official SDK 1.x server', () => {
  it('auto-detects the legacy era and reads the handshake', async () => {
    const { client, sent } = await startSdkServer();
    expect(client.era).toBe('legacy');
    expect(client.protocolVersion).toBe('2025-11-25');
    expect(client.serverInfo).toMatchObject({ name: 'official-sdk-server', version: '1.0.0' });
    expect(client.serverCapabilities?.tools).toBeDefined();
    expect(client.instructions).toBe('interop fixture');
    expectAllSpecValid(sent, revisionRule(client.protocolVersion));
  });

  it('lists tools and calls one with validated structured output', async () => {
    const { client, sent } = await startSdkServer();
    const tools = await client.listAllTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['add', 'fails', 'slow']);
    const result = await client.callTool('add', { a: 2, b: 40 });
    expect(result.structuredContent).toEqual({ sum: 42 });
    expect(result.content).toEqual([{ type: 'text', text: '42' }]);
    expectAllSpecValid(sent, revisionRule(client.protocolVersion));
  });

  it('rejects structured output that breaks the declared schema (low-level SDK server, no own validation)', async () => {
    // McpServer validates its own output, so the buggy server is built on the SDK's low-level Server.
    const server = new Server(
      { name: 'buggy-sdk-server', version: '1.0.0' },
      { capabilities: { tools: {} } },
    );
    const schema = { type: 'object' as const, properties: { sum: { type: 'number' } }, required: ['sum'] };
    server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: [{ name: 'add', inputSchema: { type: 'object' as const }, outputSchema: schema }],
    }));
    server.setRequestHandler(CallToolRequestSchema, () => ({
      content: [{ type: 'text', text: 'oops' }],
      structuredContent: { sum: 'forty-two' },
    }));
    const [clientSide, serverSide] = createInMemoryTransportPair();
    await server.connect(serverSide as unknown as SdkTransport);
    const client = createClient({ name: 'pmcp-interop', version: '0.0.0' });
    cleanups.push(async () => {
      await client.close();
      await server.close();
    });
    await client.connect(clientSide);

    const error = (await client
      .callTool('add', { a: 1, b: 2 })
      .catch((thrown: unknown) => thrown)) as McpError;
    expect(error).toBeInstanceOf(McpError);
    expect(error.code).toBe(-32602);
    expect(error.message).toContain('Tool "add"');
    expect(error.message).toContain('/sum');
  });

  it('returns a failing tool as an isError result', async () => {
    const { client } = await startSdkServer();
    const result = await client.callTool('fails');
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('deliberate failure');
  });

  it('receives progress and cancels with notifications/cancelled', async () => {
    const { client, sent, cancelledOnServer } = await startSdkServer();
    const controller = new AbortController();
    const progress: number[] = [];
    const call = client.callTool(
      'slow',
      {},
      {
        signal: controller.signal,
        onProgress: (update) => {
          progress.push(update.progress);
          if (update.progress === 2) controller.abort('enough');
        },
      },
    );
    await expect(call).rejects.toBeInstanceOf(RequestCancelledError);
    expect(progress).toEqual([1, 2]);
    await expect(cancelledOnServer).resolves.toBe(true);
    expect(sent.some((message) => 'method' in message && message.method === 'notifications/cancelled')).toBe(
      true,
    );
    expectAllSpecValid(sent, revisionRule(client.protocolVersion));
  });

  it('forcing the modern era fails with advice', async () => {
    await expect(startSdkServer('modern')).rejects.toMatchObject({
      message: expect.stringContaining("era: 'auto'"),
    });
  });
});
