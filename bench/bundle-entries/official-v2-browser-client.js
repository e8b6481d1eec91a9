import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const client = new Client({ name: 'bundle', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', globalThis.location.href)));
const { tools } = await client.listTools();
console.log(await client.callTool({ name: tools[0].name, arguments: { a: 1, b: 2 } }));
