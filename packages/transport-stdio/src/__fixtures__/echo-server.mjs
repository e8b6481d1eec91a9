// A minimal line-based MCP-ish peer with no dependencies, so the client transport is tested against a
// server that shares none of its code. Each request method triggers one behaviour under test.
import { setImmediate as nextTurn } from 'node:timers/promises';

const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

async function writeInPieces(text, size) {
  for (let offset = 0; offset < text.length; offset += size) {
    process.stdout.write(text.slice(offset, offset + size));
    // Separate turns, so the pieces reach the parent as separate reads.
    await nextTurn();
  }
}

async function handle(message) {
  if (message.id === undefined) return;
  const { id, method, params = {} } = message;
  switch (method) {
    case 'echo':
      send({ jsonrpc: '2.0', id, result: { echoed: params } });
      break;
    case 'pieces':
      await writeInPieces(
        `${JSON.stringify({ jsonrpc: '2.0', id, result: { echoed: params } })}\n`,
        params.size,
      );
      break;
    case 'garbage':
      process.stdout.write('this line is not JSON\n');
      send({ jsonrpc: '2.0', id, result: { afterGarbage: true } });
      break;
    case 'log':
      process.stderr.write(`${params.text}\n`);
      send({ jsonrpc: '2.0', id, result: {} });
      break;
    case 'env':
      send({ jsonrpc: '2.0', id, result: { env: process.env, cwd: process.cwd() } });
      break;
    case 'crash':
      process.stderr.write('starting the risky part\nfatal: the disk is on fire\n');
      process.exit(3);
      break;
    default:
      send({ jsonrpc: '2.0', id, error: { code: -32601, message: `Method not found: ${method}` } });
  }
}

let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  let newline = buffered.indexOf('\n');
  while (newline !== -1) {
    const line = buffered.slice(0, newline);
    buffered = buffered.slice(newline + 1);
    if (line.trim() !== '') void handle(JSON.parse(line));
    newline = buffered.indexOf('\n');
  }
});
