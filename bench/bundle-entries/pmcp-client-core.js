import { createClient } from '@pmcp/client';

const client = createClient({ name: 'bundle', version: '1.0.0' });
await client.connect(globalThis.mcpTransport);
const { tools } = await client.listTools();
console.log(await client.callTool(tools[0].name, { a: 1, b: 2 }));
