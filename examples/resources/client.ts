/**
 * Spawns examples/resources/server.ts and, once per era, lists resources page by page, lists the templates,
 * reads text, binary and templated resources, asks for completions and reads a resource that does not exist.
 *
 * Run: node --conditions=@pmcp/source examples/resources/client.ts
 */
import { fileURLToPath } from 'node:url';
import { createClient, ResourceNotFoundError } from '@pmcp/client';
import { stdioClientTransport } from '@pmcp/transport-stdio';

const serverPath = fileURLToPath(new URL('./server.ts', import.meta.url));

async function session(era: 'modern' | 'legacy'): Promise<void> {
  // A freshly spawned server can take a few seconds to start on a busy machine: wait for it.
  const client = createClient(
    { name: 'resources-example-client', version: '1.0.0' },
    { discoverTimeout: 30_000 },
  );
  await client.connect(
    stdioClientTransport({ command: process.execPath, args: ['--conditions=@pmcp/source', serverPath] }),
    { era },
  );
  console.log(`\n── ${client.era} era (${client.protocolVersion}) ──`);

  let cursor: string | undefined;
  let pageNumber = 0;
  do {
    const page = await client.listResources(cursor === undefined ? {} : { cursor });
    pageNumber += 1;
    console.log(`resources page ${pageNumber}: ${page.resources.map((resource) => resource.uri).join(', ')}`);
    cursor = page.nextCursor;
  } while (cursor !== undefined);

  const templates = await client.listAllResourceTemplates();
  console.log(`templates: ${templates.map((template) => template.uriTemplate).join(', ')}`);

  const readme = await client.readResource('docs://readme');
  const [text] = readme.contents;
  console.log(
    `docs://readme (${text?.mimeType}) → ${JSON.stringify(text && 'text' in text ? text.text : '')}`,
  );

  const logo = await client.readResource('docs://logo');
  const [image] = logo.contents;
  const bytes = image && 'blob' in image ? Buffer.from(image.blob, 'base64') : Buffer.alloc(0);
  console.log(`docs://logo (${image?.mimeType}) → ${bytes.length} bytes: ${bytes.toString('hex')}`);

  for (const uri of ['notes://ideas', 'weather://Paris?units=imperial']) {
    const { contents } = await client.readResource(uri);
    const [item] = contents;
    console.log(`${uri} → ${item && 'text' in item ? item.text : '(binary)'}`);
  }

  const { completion } = await client.complete(
    { type: 'ref/resource', uri: 'notes://{name}' },
    { name: 'name', value: 'g' },
  );
  console.log(`complete notes://{name} with "g" → ${completion.values.join(', ')}`);

  try {
    await client.readResource('notes://missing');
  } catch (error) {
    if (!(error instanceof ResourceNotFoundError)) throw error;
    console.log(`notes://missing → not found (code ${error.code})`);
  }
  await client.close();
}

await session('modern');
await session('legacy');
console.log('\nresources example finished');
