/**
 * SSE polling end to end (2025-11-25, SEP-1699): a pmcp server's tool ends its request stream with
 * `ctx.closeSseStream()` and keeps working; the pmcp client resumes with `Last-Event-ID` and loses nothing.
 */
import { createClient } from '@pmcp/client';
import { createServer } from '@pmcp/server';
import { afterEach, describe, expect, it } from 'vitest';
import { httpClientTransport } from '../index.ts';
import { type ListeningServer, listen } from '../node/index.ts';

const running: ListeningServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
});

function pollingServer() {
  const server = createServer({ name: 'polling', version: '1.0.0' });
  const closed: boolean[] = [];
  server.tool(
    'export',
    { description: 'Reports progress, frees its stream, finishes later' },
    async (_args, ctx) => {
      await ctx.progress(1, 3);
      closed.push(ctx.closeSseStream());
      await new Promise((resolve) => setTimeout(resolve, 30));
      await ctx.progress(2, 3);
      await ctx.progress(3, 3);
      return 'exported';
    },
  );
  return { server, closed };
}

describe('ctx.closeSseStream over legacy Streamable HTTP', () => {
  it('ends the POST stream mid-call; the client resumes with Last-Event-ID and gets every progress update and the result', async () => {
    const { server, closed } = pollingServer();
    const listening = await listen(server, { legacy: { retryMs: 10 } });
    running.push(listening);
    const requests: string[] = [];
    const transport = httpClientTransport(listening.url, {
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        requests.push(`${init?.method ?? 'GET'} last-event-id=${headers.get('last-event-id') ?? '-'}`);
        return fetch(input, init);
      },
    });
    const client = createClient({ name: 'polling-test', version: '1.0.0' });
    await client.connect(transport, { era: 'legacy' });
    const progress: number[] = [];
    const result = await client.callTool(
      'export',
      {},
      { onProgress: (update) => progress.push(update.progress) },
    );
    expect(result.content).toEqual([{ type: 'text', text: 'exported' }]);
    expect(progress).toEqual([1, 2, 3]);
    expect(closed).toEqual([true]);
    expect(requests.some((entry) => /^GET last-event-id=(?!-)/.test(entry))).toBe(true);
    await client.close();
  });

  it('does nothing for a modern request, which has no stream to resume, and the call still answers', async () => {
    const { server, closed } = pollingServer();
    const listening = await listen(server);
    running.push(listening);
    const client = createClient({ name: 'polling-test', version: '1.0.0' });
    await client.connect(httpClientTransport(listening.url), { era: 'modern' });
    const progress: number[] = [];
    const result = await client.callTool(
      'export',
      {},
      { onProgress: (update) => progress.push(update.progress) },
    );
    expect(result.content).toEqual([{ type: 'text', text: 'exported' }]);
    expect(progress).toEqual([1, 2, 3]);
    expect(closed).toEqual([false]);
    await client.close();
  });
});
