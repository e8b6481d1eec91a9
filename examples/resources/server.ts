/**
 * A stdio MCP server with resources: two static ones (text and binary) and two RFC 6570 templates, one of which
 * lists its concrete resources and completes its variable.
 *
 * Run: node --conditions=@pmcp/source examples/resources/server.ts   (it then waits for JSON-RPC on stdin)
 */
import { createServer } from '@pmcp/server';
import { stdioServerTransport } from '@pmcp/transport-stdio';

const notes = new Map([
  ['groceries', 'milk, eggs, bread'],
  ['ideas', 'a dual-era MCP SDK'],
  ['todo', 'write the examples'],
]);

const server = createServer(
  { name: 'resources-example', version: '1.0.0' },
  // Small pages, so the client has to follow a cursor.
  { pageSize: 3 },
);

server.resource(
  'docs://readme',
  { name: 'readme', title: 'README', mimeType: 'text/markdown', cache: { ttlMs: 60_000, scope: 'public' } },
  () => '# Notes server\nRead notes://{name}.',
);

server.resource('docs://logo', { name: 'logo', mimeType: 'image/png' }, () =>
  // The 8-byte PNG signature stands in for a real image; bytes are sent as base64.
  Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
);

server.resourceTemplate(
  'notes://{name}',
  {
    name: 'note',
    mimeType: 'text/plain',
    list: () => [...notes.keys()].map((name) => ({ uri: `notes://${name}`, name: `note ${name}` })),
    complete: { name: (value) => [...notes.keys()].filter((name) => name.startsWith(value)) },
  },
  // Returning undefined means "not found": the client gets the era's error, never an empty result.
  (_uri, { name }) => notes.get(String(name)),
);

server.resourceTemplate(
  'weather://{city}{?units}',
  { name: 'weather', mimeType: 'text/plain' },
  (_uri, { city, units }) => `${String(city)}: ${units === 'imperial' ? '70 °F' : '21 °C'}`,
);

server.onerror = (error) => console.error(`[resources-example] ${error.message}`);
await server.connect(stdioServerTransport());
