/**
 * Spawns examples/prompts/server.ts and, once per era, lists the prompts, completes their arguments (the second
 * completion using the first argument as context), gets them, and shows the error for a missing argument.
 *
 * Run: node --conditions=@pmcp/source examples/prompts/client.ts
 */
import { fileURLToPath } from 'node:url';
import { createClient } from '@pmcp/client';
import { isMcpError } from '@pmcp/jsonrpc';
import { stdioClientTransport } from '@pmcp/transport-stdio';

const serverPath = fileURLToPath(new URL('./server.ts', import.meta.url));

async function session(era: 'modern' | 'legacy'): Promise<void> {
  // A freshly spawned server can take a few seconds to start on a busy machine: wait for it.
  const client = createClient(
    { name: 'prompts-example-client', version: '1.0.0' },
    { discoverTimeout: 30_000 },
  );
  await client.connect(
    stdioClientTransport({ command: process.execPath, args: ['--conditions=@pmcp/source', serverPath] }),
    { era },
  );
  console.log(`\n── ${client.era} era (${client.protocolVersion}) ──`);

  for (const prompt of await client.listAllPrompts()) {
    const args = (prompt.arguments ?? []).map((arg) => `${arg.name}${arg.required ? '' : '?'}`).join(', ');
    console.log(`prompt ${prompt.name}(${args}) — ${prompt.description}`);
  }

  const ref = { type: 'ref/prompt', name: 'code_review' } as const;
  const languages = await client.complete(ref, { name: 'language', value: 'ty' });
  console.log(`complete language "ty" → ${languages.completion.values.join(', ')}`);
  const styles = await client.complete(
    ref,
    { name: 'style', value: '' },
    { arguments: { language: 'rust' } },
  );
  console.log(`complete style "" with language=rust → ${styles.completion.values.join(', ')}`);

  const review = await client.getPrompt('code_review', { language: 'rust', style: 'idiomatic' });
  for (const message of review.messages) {
    console.log(
      `code_review → ${message.role}: ${message.content.type === 'text' ? message.content.text : ''}`,
    );
  }

  const logo = await client.getPrompt('explain_logo');
  console.log(
    `explain_logo → ${logo.messages.map((message) => `${message.role}:${message.content.type}`).join(', ')}`,
  );

  try {
    await client.getPrompt('code_review', { style: 'strict' });
  } catch (error) {
    if (!isMcpError(error)) throw error;
    console.log(`code_review without language → error ${error.code}: ${error.message}`);
  }
  await client.close();
}

await session('modern');
await session('legacy');
console.log('\nprompts example finished');
