/**
 * Spawns examples/progress-cancellation/server.ts and, once per era, follows a tool's progress, calls it without
 * asking for progress, and cancels a long run part way through with an AbortController.
 *
 * Run: node --conditions=@pmcp/source examples/progress-cancellation/client.ts
 */
import { fileURLToPath } from 'node:url';
import { createClient } from '@pmcp/client';
import { stdioClientTransport } from '@pmcp/transport-stdio';

const serverPath = fileURLToPath(new URL('./server.ts', import.meta.url));

function textOf(content: ReadonlyArray<{ type: string; text?: string }>): string {
  return content.map((block) => block.text ?? '').join('');
}

async function session(era: 'modern' | 'legacy'): Promise<void> {
  // A freshly spawned server can take a few seconds to start on a busy machine: wait for it.
  const client = createClient(
    { name: 'progress-example-client', version: '1.0.0' },
    { discoverTimeout: 30_000 },
  );
  await client.connect(
    stdioClientTransport({ command: process.execPath, args: ['--conditions=@pmcp/source', serverPath] }),
    { era },
  );
  console.log(`\n── ${client.era} era (${client.protocolVersion}) ──`);

  const done = await client.callTool(
    'process_files',
    { count: 4 },
    {
      onProgress: ({ progress, total, message }) =>
        console.log(`  progress ${progress}/${total} (${message})`),
    },
  );
  console.log(`process_files(4) → ${textOf(done.content)}`);

  let notifications = 0;
  const stop = client.on('progress', () => {
    notifications += 1;
  });
  await client.callTool('process_files', { count: 3 });
  stop();
  console.log(`process_files(3) without onProgress → ${notifications} progress notifications`);

  // Cancel once three files are done: the client sends notifications/cancelled, the server's ctx.signal aborts.
  const controller = new AbortController();
  try {
    await client.callTool(
      'process_files',
      { count: 50 },
      {
        signal: controller.signal,
        onProgress: ({ progress }) => {
          if (progress >= 3) controller.abort(new Error('user pressed stop'));
        },
      },
    );
    console.log('process_files(50) finished before the cancellation arrived');
  } catch (error) {
    console.log(`process_files(50) → ${(error as Error).name}: ${(error as Error).message}`);
  }
  const lastRun = await client.callTool('last_run');
  console.log(`the server says: ${textOf(lastRun.content)}`);
  await client.close();
}

await session('modern');
await session('legacy');
console.log('\nprogress and cancellation example finished');
