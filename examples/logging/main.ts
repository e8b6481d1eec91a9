/**
 * Logging: a tool logs at four levels with `ctx.log()`, and the server broadcasts with `server.log()`. Server and
 * client run in this process over an in-memory pair, once per era, to show who decides what is sent: the session's
 * `logging/setLevel` (legacy) or each request's own log level (modern).
 *
 * Run: node --conditions=@pmcp/source examples/logging/main.ts
 */
import { createClient } from '@pmcp/client';
import { createInMemoryTransportPair } from '@pmcp/jsonrpc';
import { createServer } from '@pmcp/server';

async function session(era: 'modern' | 'legacy'): Promise<void> {
  const server = createServer({ name: 'logging-example', version: '1.0.0' });
  server.tool('import_data', { description: 'Imports data, logging as it goes' }, async (_args, ctx) => {
    await ctx.log('debug', { rows: 1200, source: 'upload.csv' }, 'importer');
    await ctx.log('info', 'import started', 'importer');
    await ctx.log('warning', '3 rows had an empty email', 'importer');
    await ctx.log('error', 'row 77 could not be parsed', 'importer');
    return 'imported 1196 rows';
  });
  const [clientSide, serverSide] = createInMemoryTransportPair();
  await server.connect(serverSide);

  const client = createClient({ name: 'logging-example-client', version: '1.0.0' });
  await client.connect(clientSide, { era });
  console.log(`\n── ${client.era} era (${client.protocolVersion}) ──`);
  let received: string[] = [];
  client.on('log', ({ level, logger, data }) => {
    received.push(
      `${level}${logger ? ` [${logger}]` : ''}: ${typeof data === 'string' ? data : JSON.stringify(data)}`,
    );
  });
  const run = async (label: string, call: () => Promise<unknown>) => {
    received = [];
    await call();
    console.log(`${label} → ${received.length} log message${received.length === 1 ? '' : 's'}`);
    for (const line of received) console.log(`  ${line}`);
  };

  if (era === 'modern') {
    // Stateless: a request gets log messages only if its _meta asks for a level.
    await run('import_data without a log level', () => client.callTool('import_data'));
    await run('import_data with logLevel "info"', () =>
      client.callTool('import_data', {}, { logLevel: 'info' }),
    );
    // setLogLevel only sets the level later requests carry; nothing is sent to the server.
    await client.setLogLevel('error');
    await run('import_data after setLogLevel("error")', () => client.callTool('import_data'));
    await run('server.log("error", …) broadcast', async () => {
      await server.log('error', 'disk almost full', 'storage');
      await client.listTools();
    });
  } else {
    // The spec sets no default level: until the first logging/setLevel everything is sent.
    await run('import_data before any setLogLevel', () => client.callTool('import_data'));
    await client.setLogLevel('warning');
    await run('import_data after setLogLevel("warning")', () => client.callTool('import_data'));
    await run('server.log("error", …) broadcast', async () => {
      await server.log('error', 'disk almost full', 'storage');
      // One round trip, so the broadcast (sent before the answer) has arrived.
      await client.listTools();
    });
  }
  await client.close();
  await server.close();
}

await session('modern');
await session('legacy');
console.log('\nlogging example finished');
