import { Client } from '@modelcontextprotocol/sdk/client/index.js';

const client = new Client({ name: 'bundle', version: '1.0.0' });
await client.connect(globalThis.mcpTransport);
const { tools } = await client.listTools();
console.log(await client.callTool({ name: tools[0].name, arguments: { a: 1, b: 2 } }));
