/**
 * Reconnect after the server drops the connection (it restarts on the same port): in-flight requests fail as
 * lost (and a modern client re-issues them), a legacy session is re-initialized, and after maxAttempts the
 * transport gives up and closes.
 */
import { McpError, RequestCancelledError, TransportClosedError } from '@pmcp/jsonrpc';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, connectClient, demoServer, serve, textOf } from '../__fixtures__/harness.ts';

afterEach(cleanUp);

const FAST_RETRIES = { initialDelayMs: 10, maxDelayMs: 100, maxAttempts: 200 };

describe('reconnect', () => {
  it('legacy: fails the request in flight as lost, re-initializes on the new connection, and goes on', async () => {
    const first = demoServer();
    const runningA = await serve(first.server);
    const { client, transport, errors, violations } = await connectClient(runningA.url, 'legacy', {
      reconnect: FAST_RETRIES,
    });
    const inFlight = client.callTool('wait', {}).then(
      () => undefined,
      (error: unknown) => error,
    );
    await first.probe.waitStarted.promise;
    await runningA.close();
    const error = await inFlight;
    expect(error).toBeInstanceOf(McpError);
    expect(error).toMatchObject({ code: -32000, data: { lost: true, reconnecting: true } });
    expect(transport.state).toBe('reconnecting');

    const second = demoServer();
    await serve(second.server, { port: runningA.port });
    // Sent while reconnecting: it waits for the new connection and its re-initialized session.
    expect(textOf(await client.callTool('add', { a: 40, b: 2 }))).toBe('42');
    expect(transport.state).toBe('open');
    expect(transport.reconnects).toBe(1);
    expect(errors.map((item) => item.message).join('\n')).toMatch(/dropped \(close code 1001/);
    expect(violations()).toEqual([]);
    expect(second.serverViolations()).toEqual([]);
  });

  it('modern: the client re-issues the lost request on the new connection', async () => {
    const first = demoServer();
    const runningA = await serve(first.server);
    const { client, transport } = await connectClient(runningA.url, 'modern', { reconnect: FAST_RETRIES });
    const controller = new AbortController();
    const call = client.callTool('wait', {}, { signal: controller.signal });
    await first.probe.waitStarted.promise;
    await runningA.close();
    const second = demoServer();
    await serve(second.server, { port: runningA.port });
    // The same call reached the restarted server: the client sent it again once the transport reconnected.
    await second.probe.waitStarted.promise;
    expect(transport.reconnects).toBe(1);
    controller.abort('done');
    await expect(call).rejects.toBeInstanceOf(RequestCancelledError);
    await second.probe.waitAborted.promise;
    expect(textOf(await client.callTool('add', { a: 1, b: 2 }))).toBe('3');
  });

  it('gives up after maxAttempts: the transport closes and requests reject with TransportClosedError', async () => {
    const running = await serve(demoServer().server);
    const { client, transport, errors } = await connectClient(running.url, 'modern', {
      reconnect: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
    });
    let closes = 0;
    const previous = transport.onclose;
    transport.onclose = () => {
      closes += 1;
      previous?.();
    };
    await running.close();
    await expect.poll(() => transport.state).toBe('closed');
    expect(closes).toBe(1);
    expect(errors.map((item) => item.message).join('\n')).toMatch(/Gave up reconnecting .* after 2 attempts/);
    await expect(client.callTool('add', { a: 1, b: 1 })).rejects.toThrow();
    await expect(transport.send({ jsonrpc: '2.0', method: 'notifications/x' })).rejects.toBeInstanceOf(
      TransportClosedError,
    );
  });

  it('without reconnect, a drop closes the transport and the request in flight rejects with TransportClosedError', async () => {
    const first = demoServer();
    const running = await serve(first.server);
    const { client, transport } = await connectClient(running.url, 'modern');
    const outcome = client.callTool('wait', {}).then(
      () => undefined,
      (error: unknown) => error,
    );
    await first.probe.waitStarted.promise;
    await running.close();
    expect(await outcome).toBeInstanceOf(TransportClosedError);
    expect(transport.state).toBe('closed');
  });
});
