/**
 * Request middleware on both sides, once per era, client and server in this process (the in-memory pair):
 * - the server's middleware writes an audit line per request (method, tool, trace id, outcome) and refuses a
 *   disabled tool with an McpError before its handler runs;
 * - the client's outgoing middleware puts a trace id into every request's `_meta`, so the audit can tie the
 *   server's lines to the client's calls.
 *
 * Run: node --conditions=@pmcp/source examples/request-middleware/main.ts
 */
import { createClient } from '@pmcp/client';
import {
  createInMemoryTransportPair,
  McpError,
  type OutgoingRequestMiddleware,
  type RequestMiddleware,
} from '@pmcp/jsonrpc';
import { createServer } from '@pmcp/server';

const DISABLED_TOOLS = new Set(['drop_tables']);

const audit: RequestMiddleware = async (params, ctx, next) => {
  const tool = typeof params.name === 'string' ? ` ${params.name}` : '';
  const trace = (params._meta as { traceId?: string } | undefined)?.traceId ?? '-';
  try {
    const result = await next();
    console.log(`  audit: ${ctx.method}${tool} [trace ${trace}] ok`);
    return result;
  } catch (error) {
    console.log(`  audit: ${ctx.method}${tool} [trace ${trace}] refused: ${(error as Error).message}`);
    throw error;
  }
};

const policy: RequestMiddleware = (params, ctx, next) => {
  if (ctx.method === 'tools/call' && typeof params.name === 'string' && DISABLED_TOOLS.has(params.name)) {
    throw new McpError(-32602, `${params.name} is disabled on this deployment`);
  }
  return next();
};

const server = createServer({ name: 'audited', version: '1.0.0' }, { middleware: [audit, policy] });
server.tool('greet', { description: 'Greets' }, () => 'hello');
server.tool('drop_tables', { description: 'Drops every table' }, () => 'dropped');

let traces = 0;
const tracing: OutgoingRequestMiddleware = (_method, params, next) =>
  next({ ...params, _meta: { ...(params?._meta as object | undefined), traceId: `t${++traces}` } });

for (const era of ['modern', 'legacy'] as const) {
  traces = 0;
  console.log(`\n── ${era} era (${era === 'modern' ? '2026-07-28' : '2025-11-25'}) ──`);
  const [clientSide, serverSide] = createInMemoryTransportPair();
  await server.connect(serverSide);
  const client = createClient({ name: 'traced-client', version: '1.0.0' }, { outgoingMiddleware: [tracing] });
  await client.connect(clientSide, { era });
  console.log(`connected: ${client.era} era, protocol ${client.protocolVersion}`);
  const greeting = await client.callTool('greet', {});
  console.log(
    `greet → ${greeting.content.map((block) => (block.type === 'text' ? block.text : '')).join('')}`,
  );
  const refused = await client.callTool('drop_tables', {}).catch((error: McpError) => error);
  console.log(`drop_tables → error ${(refused as McpError).code}: ${(refused as McpError).message}`);
  await client.close();
}

console.log('\nrequest middleware example finished');
