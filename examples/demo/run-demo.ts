/**
 * The quick-start demo: spawns examples/demo/server.ts as a child process, then uses it twice —
 * once in the modern era (auto-detected through server/discover) and once forcing the legacy era
 * (initialize handshake) — listing and calling every tool and printing what happens.
 */
import { fileURLToPath } from 'node:url';
import { createClient } from '@pmcp/client';
import { stdioClientTransport } from '@pmcp/transport-stdio';

const serverPath = fileURLToPath(new URL('./server.ts', import.meta.url));

async function session(era: 'auto' | 'legacy'): Promise<void> {
  const client = createClient({ name: 'pmcp-demo-client', version: '1.0.0' });
  const transport = stdioClientTransport({
    command: process.execPath,
    args: ['--conditions=@pmcp/source', serverPath],
  });
  await client.connect(transport, { era });
  console.log(`\n── connected (asked for era "${era}") ──`);
  console.log(`server: ${client.serverInfo?.name} ${client.serverInfo?.version}`);
  console.log(`era: ${client.era}, protocol version: ${client.protocolVersion}`);

  const tools = await client.listAllTools();
  console.log(`tools (${tools.length}):`);
  for (const tool of tools) console.log(`  • ${tool.name} — ${tool.description ?? ''}`);

  const sum = await client.callTool('add', { a: 2, b: 40 });
  console.log(`add(2, 40) → ${textOf(sum.content)}`);

  const converted = await client.callTool('convert_temperature', { value: 100, from: 'celsius' });
  console.log(
    `convert_temperature(100 °C) → structuredContent ${JSON.stringify(converted.structuredContent)}`,
  );

  const invalid = await client.callTool('add', { a: 'two', b: 40 });
  console.log(`add("two", 40) → isError=${invalid.isError}: ${textOf(invalid.content)}`);

  const job = await client.callTool(
    'slow_job',
    { steps: 4 },
    { onProgress: (p) => console.log(`  progress ${p.progress}/${p.total ?? '?'} ${p.message ?? ''}`) },
  );
  console.log(`slow_job(4) → ${textOf(job.content)}`);

  const controller = new AbortController();
  const cancelled = client.callTool('slow_job', { steps: 20 }, { signal: controller.signal });
  setTimeout(() => controller.abort(new Error('user pressed stop')), 50);
  await cancelled.then(
    () => console.log('slow_job(20) finished before the cancel arrived'),
    (error: Error) => console.log(`slow_job(20) cancelled → ${error.name}: ${error.message}`),
  );

  await client.close();
}

function textOf(content: ReadonlyArray<{ type: string; text?: string }>): string {
  return content.map((block) => (block.type === 'text' ? block.text : `[${block.type}]`)).join(' ');
}

await session('auto');
await session('legacy');
console.log('\ndemo finished');
