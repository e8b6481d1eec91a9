import { createClient } from '@pmcp/client';
import { createInMemoryTransportPair } from '@pmcp/jsonrpc';
import { createServer } from '@pmcp/server';
import { withSpecValidation } from '@pmcp/test-utils';
import { createHttpHandler, httpClientTransport } from '@pmcp/transport-http';
import { listen } from '@pmcp/transport-http/node';
import { afterEach, describe, expect, it } from 'vitest';
import { compose } from './compose.ts';
import { rateLimit } from './rate-limit.ts';
import { retry } from './retry.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function countingServer() {
  const server = createServer({ name: 'flaky', version: '1.0.0' });
  const calls = { count: 0 };
  server.tool('work', { description: 'Does work once per call' }, () => {
    calls.count += 1;
    return `done ${calls.count}`;
  });
  return { server, calls };
}

describe('retry end to end', () => {
  it("turns the server's rate-limit refusals into successes, running each call exactly once", async () => {
    const { server, calls } = countingServer();
    const [clientSide, serverSide] = createInMemoryTransportPair();
    // 20 per second with no burst room: most of the concurrent calls below are refused at first.
    const limit = rateLimit({ ratePerSecond: 20, burst: 1 });
    const serverChecked = withSpecValidation(serverSide, { role: 'server' });
    await server.connect(limit(serverChecked));
    const withRetries = retry({ retries: 10, minTimeout: 5, maxTimeout: 50 });
    const client = createClient({ name: 'patient', version: '1.0.0' });
    const clientChecked = withSpecValidation(clientSide, { role: 'client' });
    await client.connect(withRetries(clientChecked));
    cleanups.push(() => client.close());
    await client.listTools();

    const results = await Promise.all(Array.from({ length: 5 }, () => client.callTool('work', {})));
    expect(results.every((result) => result.isError !== true)).toBe(true);
    expect(calls.count).toBe(5);
    expect(limit.stats().rejectedRequests).toBeGreaterThan(0);
    expect(withRetries.stats().recovered).toBeGreaterThan(0);
    expect(withRetries.stats().exhausted).toBe(0);
    for (const side of [clientChecked, serverChecked]) {
      expect(side.violations).toEqual([]);
      expect(side.checked).toBeGreaterThan(5);
    }
  });

  it.each(['modern', 'legacy'] as const)(
    'recovers from HTTP 503 with Retry-After in front of a real server (%s era)',
    async (era) => {
      const { server, calls } = countingServer();
      const handler = createHttpHandler(server);
      let refusals = 2;
      const running = await listen(async (request) => {
        // A load balancer shedding load: the first POSTs never reach the MCP server.
        if (request.method === 'POST' && refusals > 0) {
          refusals -= 1;
          return new Response('overloaded', { status: 503, headers: { 'retry-after': '0' } });
        }
        return handler(request);
      });
      cleanups.push(async () => {
        await running.close();
        await handler.close();
      });
      const withRetries = retry({ minTimeout: 5 });
      const client = createClient({ name: 'patient', version: '1.0.0' });
      const checked = withSpecValidation(httpClientTransport(running.url, { era }), { role: 'client' });
      await client.connect(compose(withRetries)(checked));
      cleanups.push(() => client.close());

      const result = await client.callTool('work', {});
      expect(result.content).toEqual([{ type: 'text', text: 'done 1' }]);
      expect(calls.count).toBe(1);
      expect(refusals).toBe(0);
      expect(withRetries.stats().retries).toBe(2);
      expect(checked.violations).toEqual([]);
      expect(checked.checked).toBeGreaterThan(2);
    },
  );

  it('does not repeat a tools/call after HTTP 502, whose outcome is unknown', async () => {
    const { server, calls } = countingServer();
    const handler = createHttpHandler(server);
    const running = await listen(async (request) => {
      const body = request.method === 'POST' ? await request.clone().text() : '';
      // The gateway lost the answer after the server ran the tool.
      if (body.includes('"tools/call"')) {
        await handler(request);
        return new Response('bad gateway', { status: 502 });
      }
      return handler(request);
    });
    cleanups.push(async () => {
      await running.close();
      await handler.close();
    });
    const withRetries = retry({ minTimeout: 5 });
    const client = createClient({ name: 'careful', version: '1.0.0' });
    const checked = withSpecValidation(httpClientTransport(running.url, { era: 'modern' }), {
      role: 'client',
    });
    await client.connect(withRetries(checked));
    cleanups.push(() => client.close());

    await expect(client.callTool('work', {})).rejects.toMatchObject({ data: { httpStatus: 502 } });
    expect(calls.count).toBe(1);
    expect(withRetries.stats().retries).toBe(0);
    expect(checked.violations).toEqual([]);
  });
});
