import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

export default createMcpHandler(() => {
  const server = new McpServer({ name: 'bundle', version: '1.0.0' });
  server.registerTool(
    'add',
    { description: 'Add two numbers', inputSchema: z.object({ a: z.number(), b: z.number() }) },
    ({ a, b }) => ({
      content: [{ type: 'text', text: String(a + b) }],
    }),
  );
  return server;
});
