import { createServer } from '@pmcp/server';
import { createHttpHandler } from '@pmcp/transport-http';
import { z } from 'zod';

const server = createServer({ name: 'bundle', version: '1.0.0' });
server.tool(
  'add',
  { description: 'Add two numbers', input: z.object({ a: z.number(), b: z.number() }) },
  ({ a, b }) => String(a + b),
);
export default { fetch: createHttpHandler(server) };
