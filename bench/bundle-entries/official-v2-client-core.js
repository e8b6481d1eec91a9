import { Client } from '@modelcontextprotocol/client';

const client = new Client({ name: 'bundle', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
await client.connect(globalThis.mcpTransport);
const { tools } = await client.listTools();
console.log(await client.callTool({ name: tools[0].name, arguments: { a: 1, b: 2 } }));
