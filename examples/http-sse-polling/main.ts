/**
 * SSE polling over Streamable HTTP: a slow tool ends its SSE stream with `ctx.closeSseStream()` and keeps working;
 * the client reconnects after the stream's `retry:` delay with `Last-Event-ID` and receives the progress updates
 * and the result it would otherwise have waited for on an open connection. Legacy sessions (2025-11-25) resume;
 * a modern (2026-07-28) request has no resumability, so there the call returns `false` and the stream stays open.
 *
 * Server and client run in this process; the server listens on 127.0.0.1 on a free port.
 *
 * Run: node --conditions=@pmcp/source examples/http-sse-polling/main.ts
 */
import { createClient } from '@pmcp/client';
import { createServer } from '@pmcp/server';
import { httpClientTransport } from '@pmcp/transport-http';
import { listen } from '@pmcp/transport-http/node';

const server = createServer({ name: 'sse-polling-example', version: '1.0.0' });
server.tool(
  'export_report',
  { description: 'Builds a report in three slow steps, without holding the HTTP connection' },
  async (_args, ctx) => {
    await ctx.progress(1, 3, 'collecting');
    // Everything sent so far reaches the client first; then the stream ends and the work goes on.
    const freed = ctx.closeSseStream();
    for (const [step, message] of [
      [2, 'aggregating'],
      [3, 'writing report.csv'],
    ] as const) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await ctx.progress(step, 3, message);
    }
    return `report.csv (3 sections); ctx.closeSseStream() returned ${freed}`;
  },
);

// retryMs: how long clients wait before reconnecting to a stream the server ended (default 1000).
const running = await listen(server, { legacy: { retryMs: 100 } });

for (const era of ['modern', 'legacy'] as const) {
  const wire: string[] = [];
  const transport = httpClientTransport(running.url, {
    // Logs each HTTP request, to show the reconnection.
    fetch: (input, init) => {
      const lastEventId = new Headers(init?.headers).get('last-event-id');
      const method = init?.method ?? 'GET';
      if (method === 'GET')
        wire.push(`GET${lastEventId === null ? '' : ` with Last-Event-ID ${lastEventId}`}`);
      return fetch(input, init);
    },
  });
  const client = createClient({ name: 'sse-polling-example-client', version: '1.0.0' });
  await client.connect(transport, { era });
  console.log(`\n── ${client.era} era (${client.protocolVersion}) ──`);
  wire.length = 0;
  const result = await client.callTool(
    'export_report',
    {},
    {
      onProgress: ({ progress, total, message }) => console.log(`  progress ${progress}/${total} ${message}`),
    },
  );
  const text = result.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
  console.log(`export_report → ${text}`);
  const resumed = wire.filter((line) => line.includes('Last-Event-ID'));
  console.log(
    resumed.length > 0
      ? `the client resumed the request's stream: ${resumed.join(', ')}`
      : 'the request stream stayed open: nothing to resume',
  );
  await client.close();
}

await running.close();
console.log('\nSSE polling example finished');
