/**
 * Child process body: serves one SDK's Streamable HTTP endpoint on 127.0.0.1 at /mcp, and this process's
 * memory (after a gc) at /__memory. Prints "listening <port>" once ready; exits when its stdin closes.
 * The harness bundles it per SDK (see children.ts); argv: <stateless|session> <toolCount>.
 */
import { listenOnLoopback, type NodeListener, toNodeListener } from '../http-bridge.ts';
import { createFloorNodeHandler } from '../sdks/floor.ts';
import type { SdkAdapter } from '../sdks/types.ts';
import { isUnavailable } from '../sdks/types.ts';
import { readMemory } from '../workload.ts';

/** Serves `adapter`'s HTTP handler; exits with code 2 and the reason when the SDK cannot serve yet. */
export async function runHttpChild(adapter: SdkAdapter, argv: readonly string[]): Promise<void> {
  const [modeArgument, toolCountArgument] = argv;
  const mode = modeArgument === 'session' ? 'session' : 'stateless';
  const spec = { toolCount: Number(toolCountArgument ?? '1'), memoryProbe: false };

  let mcp: NodeListener;
  if (adapter.id === 'floor') {
    mcp = createFloorNodeHandler(spec);
  } else {
    const handler = await adapter.httpHandler(spec, mode);
    if (isUnavailable(handler)) {
      process.stderr.write(`${handler.unavailable}\n`);
      process.exit(2);
    }
    mcp = toNodeListener((request) => handler.fetch(request));
  }

  const { port } = await listenOnLoopback((request, response) => {
    if (request.url === '/__memory') {
      const text = JSON.stringify(readMemory());
      response.writeHead(200, { 'content-type': 'application/json' }).end(text);
      return;
    }
    mcp(request, response);
  });
  process.stdout.write(`listening ${port}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}
