/**
 * A legacy stdio server that prints a banner on stdout before speaking JSON-RPC: the mistake diagnose and
 * compliance must point at. It answers initialize, tools/list and ping, and -32601 to everything else.
 */
import { createInterface } from 'node:readline';

process.stdout.write('Starting noisy server v1...\n');
const write = (message: unknown) => process.stdout.write(`${JSON.stringify(message)}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  let message: { id?: string | number; method?: string };
  try {
    message = JSON.parse(line);
  } catch {
    return;
  }
  const { id, method } = message;
  if (id === undefined) return;
  if (method === 'initialize') {
    write({
      jsonrpc: '2.0',
      id,
      result: {
        protocolVersion: '2025-11-25',
        capabilities: { tools: {} },
        serverInfo: { name: 'noisy', version: '1' },
      },
    });
    process.stdout.write('initialized OK\n');
  } else if (method === 'tools/list') {
    write({ jsonrpc: '2.0', id, result: { tools: [{ name: 'noop', inputSchema: { type: 'object' } }] } });
  } else if (method === 'ping') {
    write({ jsonrpc: '2.0', id, result: {} });
  } else {
    write({ jsonrpc: '2.0', id, error: { code: -32601, message: `Method not found: ${method}` } });
  }
});
lines.on('close', () => process.exit(0));
