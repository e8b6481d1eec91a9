/**
 * A pmcp server over the WebSocket server and a pmcp client over the WebSocket client, in both eras: tools,
 * progress and cancellation, every message validated against the JSON Schema of the revision in use.
 */
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { RequestCancelledError } from '@pmcp/jsonrpc';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, connectClient, demoServer, type Era, serve, textOf } from './__fixtures__/harness.ts';
import { webSocketClientTransport } from './index.ts';

afterEach(cleanUp);

describe.each<Era>(['modern', 'legacy'])('pmcp client and server over WebSocket, %s era', (era) => {
  it('lists and calls tools, with progress', async () => {
    const { server, serverViolations } = demoServer();
    const running = await serve(server);
    const { client, transport, violations } = await connectClient(running.url, era);
    expect(client.era).toBe(era);
    expect(transport.state).toBe('open');
    expect(running.connections).toBe(1);

    const names = (await client.listAllTools()).map((tool) => tool.name).sort();
    expect(names).toEqual(['add', 'count', 'stepper', 'wait']);
    expect(textOf(await client.callTool('add', { a: 2, b: 40 }))).toBe('42');

    const progress: number[] = [];
    const counted = await client.callTool(
      'count',
      { steps: 3 },
      { onProgress: (update) => progress.push(update.progress) },
    );
    expect(textOf(counted)).toBe('counted to 3');
    expect(progress).toEqual([1, 2, 3]);

    expect(violations()).toEqual([]);
    expect(serverViolations()).toEqual([]);
  });

  it('cancels a running tool call when the caller aborts', async () => {
    const { server, probe, serverViolations } = demoServer();
    const running = await serve(server);
    const { client, violations } = await connectClient(running.url, era);
    const controller = new AbortController();
    const call = client.callTool('wait', {}, { signal: controller.signal });
    await probe.waitStarted.promise;
    controller.abort('user pressed stop');
    await expect(call).rejects.toBeInstanceOf(RequestCancelledError);
    // The server's handler saw the cancellation: notifications/cancelled crossed the socket.
    await probe.waitAborted.promise;
    expect(textOf(await client.callTool('add', { a: 1, b: 1 }))).toBe('2');
    expect(violations()).toEqual([]);
    expect(serverViolations()).toEqual([]);
  });

  it('serves several clients at once, each on its own connection', async () => {
    const { server } = demoServer();
    const running = await serve(server);
    const first = await connectClient(running.url, era);
    const second = await connectClient(running.url, era);
    expect(running.connections).toBe(2);
    const [a, b] = await Promise.all([
      first.client.callTool('add', { a: 1, b: 2 }),
      second.client.callTool('add', { a: 3, b: 4 }),
    ]);
    expect([textOf(a), textOf(b)]).toEqual(['3', '7']);
    await first.client.close();
    expect(first.transport.state).toBe('closed');
    await expect.poll(() => running.connections).toBe(1);
  });
});

describe('server close', () => {
  it('ends every connection with 1001 and the clients close', async () => {
    const { server } = demoServer();
    const running = await serve(server);
    const { transport } = await connectClient(running.url, 'modern');
    let closed = 0;
    const previous = transport.onclose;
    transport.onclose = () => {
      closed += 1;
      previous?.();
    };
    await running.close();
    await expect.poll(() => transport.state).toBe('closed');
    expect(closed).toBe(1);
    expect(running.connections).toBe(0);
  });
});

describe('client limits over a real socket', () => {
  it('closes the connection on a message over maxMessageBytes and fails the request', async () => {
    const { server } = demoServer();
    server.tool('big', { description: 'Answers 10 000 characters' }, () => 'x'.repeat(10_000));
    const running = await serve(server);
    const { client, transport, errors } = await connectClient(running.url, 'modern', {
      maxMessageBytes: 4096,
    });
    expect(textOf(await client.callTool('add', { a: 1, b: 2 }))).toBe('3');
    const failure = await client.callTool('big', {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(transport.state).toBe('closed');
    expect(errors.map((error) => error.message).join('\n')).toContain('over maxMessageBytes (4096 bytes)');
  });

  it('gives up on a server that accepts TCP but never answers the upgrade', async () => {
    const sockets: Socket[] = [];
    const silent = createNetServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const transport = webSocketClientTransport(`ws://127.0.0.1:${port}/mcp`, { connectTimeoutMs: 300 });
      await expect(transport.start()).rejects.toThrow(/within connectTimeoutMs, 300 ms/);
      expect(transport.state).toBe('closed');
      expect(sockets.length).toBe(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
