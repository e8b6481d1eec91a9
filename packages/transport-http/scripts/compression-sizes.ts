// Bytes on the wire for typical MCP answers, with and without `compression` on the handler:
//   node --conditions=@pmcp/source packages/transport-http/scripts/compression-sizes.ts
// Prints a Markdown table (the one in the README). Sizes only: no timing is claimed from this script.
import { createServer } from '@pmcp/server';
import { createHttpHandler } from '../src/index.ts';

const MODERN = '2026-07-28';
const server = createServer({ name: 'sizes', version: '1.0.0' });
for (let index = 0; index < 100; index++) {
  server.tool(
    `search_${index}`,
    {
      description: `Searches collection ${index} for documents matching a query, newest first`,
      input: {
        type: 'object',
        properties: {
          query: { type: 'string', description: 'Full-text query' },
          limit: { type: 'integer', minimum: 1, maximum: 100, description: 'Most results to return' },
          after: {
            type: 'string',
            format: 'date-time',
            description: 'Only documents changed after this time',
          },
        },
        required: ['query'],
      },
    },
    () => 'ok',
  );
}
const logLines = Array.from(
  { length: 700 },
  (_, index) =>
    `2026-11-24T02:${String(index % 60).padStart(2, '0')}:00Z INFO request ${index} served in ${(index * 7) % 300} ms`,
).join('\n');
server.resource('logs://today', { name: 'today', mimeType: 'text/plain' }, () => logLines);
server.tool('rows', { description: 'Returns 200 rows of structured data' }, () => ({
  content: [{ type: 'text', text: 'see structuredContent' }],
  structuredContent: {
    rows: Array.from({ length: 200 }, (_, index) => ({
      id: index,
      name: `item ${index}`,
      price: index * 1.5,
      inStock: index % 3 !== 0,
    })),
  },
}));
server.tool('hello', { description: 'Says hello' }, () => 'hello');

const meta = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'sizes', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

function request(method: string, params: Record<string, unknown>, acceptEncoding: string): Request {
  const name = (params.name ?? params.uri) as string | undefined;
  return new Request('http://127.0.0.1/mcp', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'accept-encoding': acceptEncoding,
      'mcp-protocol-version': MODERN,
      'mcp-method': method,
      ...(name === undefined ? {} : { 'mcp-name': name }),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { ...params, _meta: meta } }),
  });
}

const cases: [string, string, Record<string, unknown>][] = [
  ['tools/list, 100 tools with input schemas', 'tools/list', {}],
  ['resources/read, 700 log lines', 'resources/read', { uri: 'logs://today' }],
  ['tools/call, 200 rows of structuredContent', 'tools/call', { name: 'rows', arguments: {} }],
  ['tools/call, a one-line text (under the threshold)', 'tools/call', { name: 'hello', arguments: {} }],
];

const handler = createHttpHandler(server, { compression: true });
const rows: string[] = [
  '| answer | identity | gzip | deflate | gzip / identity |',
  '| --- | ---: | ---: | ---: | ---: |',
];
for (const [label, method, params] of cases) {
  const sizes: number[] = [];
  for (const coding of ['identity', 'gzip', 'deflate']) {
    const response = await handler(request(method, params, coding));
    if (!response.ok) throw new Error(`${label}: HTTP ${response.status}`);
    const expected = coding === 'identity' ? null : coding;
    const got = response.headers.get('content-encoding');
    if (got !== expected && !label.includes('under the threshold'))
      throw new Error(`${label}: ${got} for ${coding}`);
    sizes.push((await response.arrayBuffer()).byteLength);
  }
  const [identity = 0, gzip = 0, deflate = 0] = sizes;
  rows.push(`| ${label} | ${identity} B | ${gzip} B | ${deflate} B | ${(gzip / identity).toFixed(2)} |`);
}
await handler.close();
console.log(rows.join('\n'));
