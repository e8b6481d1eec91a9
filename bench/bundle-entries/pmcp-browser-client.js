import { createClient } from '@pmcp/client';
import { httpClientTransport } from '@pmcp/transport-http';

const client = createClient({ name: 'bundle', version: '1.0.0' });
await client.connect(httpClientTransport(new URL('/mcp', globalThis.location.href)));
const { tools } = await client.listTools();
console.log(await client.callTool(tools[0].name, { a: 1, b: 2 }));
