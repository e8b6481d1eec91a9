/**
 * Spawns examples/elicitation/server.ts and, once per era, answers a form and a URL elicitation with a pretend user;
 * then shows a client that declared only form mode being refused the URL one. In the legacy era it also meets a
 * -32042 (URL elicitation required), signs in, hears `notifications/elicitation/complete`, and retries.
 *
 * Run: node --conditions=@pmcp/source examples/elicitation/client.ts
 */
import { fileURLToPath } from 'node:url';
import { createClient, type ElicitHandler, type ElicitHandlerOptions } from '@pmcp/client';
import { isMcpError, McpErrorCode } from '@pmcp/jsonrpc';
import { stdioClientTransport } from '@pmcp/transport-stdio';

const serverPath = fileURLToPath(new URL('./server.ts', import.meta.url));

/** A user who fills in forms and agrees to open URLs. */
const formAndUrl: ElicitHandlerOptions = {
  modes: ['form', 'url'],
  handler: (request) => {
    if (request.mode === 'url') {
      // A real client shows the full URL, highlights its domain and asks for consent; it never opens it by itself.
      console.log(`  user asked to open ${new URL(request.url).hostname} (${request.message}) → agrees`);
      return { action: 'accept' };
    }
    const fields = Object.keys(request.requestedSchema.properties).join(', ');
    console.log(`  form "${request.message}" with fields ${fields} → filled in`);
    return { action: 'accept', content: { name: 'Ada', guests: 4, terrace: true } };
  },
};

async function connect(era: 'modern' | 'legacy', onElicit: ElicitHandler | ElicitHandlerOptions) {
  // A freshly spawned server can take a few seconds to start on a busy machine: wait for it.
  const client = createClient(
    { name: 'elicitation-example-client', version: '1.0.0' },
    { onElicit, discoverTimeout: 30_000 },
  );
  await client.connect(
    stdioClientTransport({ command: process.execPath, args: ['--conditions=@pmcp/source', serverPath] }),
    { era },
  );
  return client;
}

function textOf(content: ReadonlyArray<{ type: string; text?: string }>): string {
  return content.map((block) => block.text ?? '').join('');
}

/** 2025-11-25: a tool refuses with -32042 until the user signed in at a URL; the server says when that is done. */
async function syncAfterSignIn(client: Awaited<ReturnType<typeof connect>>): Promise<void> {
  const completed = new Promise<string>((resolve) => {
    client.on('elicitationComplete', ({ elicitationId }) => resolve(elicitationId));
  });
  try {
    await client.callTool('sync_calendar');
  } catch (error) {
    if (!isMcpError(error) || error.code !== McpErrorCode.UrlElicitationRequired) throw error;
    const [first] = (error.data as { elicitations: { url: string; elicitationId: string }[] }).elicitations;
    console.log(
      `sync_calendar → error ${error.code}: open ${new URL(first!.url).hostname} (${first!.elicitationId})`,
    );
  }
  const calendar = await client.callTool('connect_calendar');
  console.log(`connect_calendar → ${textOf(calendar.content)}`);
  console.log(`server: elicitation ${await completed} complete`);
  const synced = await client.callTool('sync_calendar');
  console.log(`sync_calendar (retried) → ${textOf(synced.content)}`);
}

async function session(era: 'modern' | 'legacy'): Promise<void> {
  const client = await connect(era, formAndUrl);
  console.log(`\n── ${client.era} era (${client.protocolVersion}) ──`);
  console.log(`declared: ${JSON.stringify(client.capabilities.elicitation)}`);
  const booking = await client.callTool('book_table', { restaurant: 'Chez MCP' });
  console.log(`book_table → ${textOf(booking.content)}`);
  if (era === 'legacy') await syncAfterSignIn(client);
  else {
    const calendar = await client.callTool('connect_calendar');
    console.log(`connect_calendar → ${textOf(calendar.content)}`);
  }
  await client.close();

  // Only forms declared: the server may not send this client to a URL.
  const formOnly = await connect(era, (request) => ({
    action: 'accept',
    content: request.mode === 'url' ? {} : { name: 'Bo', guests: 1 },
  }));
  console.log(`form-only client declared: ${JSON.stringify(formOnly.capabilities.elicitation)}`);
  try {
    const refused = await formOnly.callTool('connect_calendar');
    // Legacy: the refusal reaches the tool as an error it reports to the model.
    console.log(`connect_calendar (form only) → isError=${refused.isError}: ${textOf(refused.content)}`);
  } catch (error) {
    // Modern: the server refuses the request with -32021 and names the missing capability.
    if (!isMcpError(error)) throw error;
    console.log(`connect_calendar (form only) → error ${error.code}, needs ${JSON.stringify(error.data)}`);
  }
  await formOnly.close();
}

await session('modern');
await session('legacy');
console.log('\nelicitation example finished');
