import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const client = new Client({ name: 'bundle', version: '1.0.0' });
await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', globalThis.location.href)));
const { tools } = await client.listTools();
console.log(await client.callTool({ name: tools[0].name, arguments: { a: 1, b: 2 } }));
