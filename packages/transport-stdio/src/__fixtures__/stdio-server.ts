// A real server process on stdioServerTransport: echoes every request and never calls process.exit, so it
// ends only if the transport lets go of stdin and stdout once its client goes away.
import { stdioServerTransport } from '../server-transport.ts';

const transport = stdioServerTransport();
transport.onmessage = (message) => {
  if ('method' in message && 'id' in message) {
    void transport
      .send({ jsonrpc: '2.0', id: message.id, result: { echoed: message.params ?? {} } })
      .catch(() => {});
  }
};
transport.onerror = (error) => process.stderr.write(`transport error: ${error.name}: ${error.message}\n`);
transport.onclose = () => process.stderr.write('server transport closed\n');
await transport.start();
process.stderr.write('server transport started\n');
