/**
 * `listen`: an MCP server (or any web-standard handler) on a `node:http` server in one call, on 127.0.0.1 unless
 * told otherwise.
 */
import { createServer as createNodeServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpHandler } from '../server/handler.ts';
import type { ConnectableServer, HttpHandlerOptions } from '../server/options.ts';
import { toNodeHandler, type WebHandler } from './adapter.ts';

/**
 * Options of {@link listen}: where to listen, plus the handler options when a server is given.
 *
 * @example
 * ```ts
 * import { listen, type ListenOptions } from '@pmcp/transport-http/node';
 *
 * const options: ListenOptions = { port: 3000, host: '127.0.0.1', endpoint: '/mcp' };
 * const running = await listen(server, options);
 * ```
 */
export interface ListenOptions extends HttpHandlerOptions {
  /** The TCP port; default 0 (the system picks a free one, see {@link ListeningServer.port}). */
  port?: number;
  /** The interface to bind; default `'127.0.0.1'`, so the server is reachable from this machine only. */
  host?: string;
}

/**
 * A running server.
 *
 * @example
 * ```ts
 * import { listen, type ListeningServer } from '@pmcp/transport-http/node';
 *
 * const running: ListeningServer = await listen(server);
 * console.log(`MCP endpoint: ${running.url}`);
 * await running.close();
 * ```
 */
export interface ListeningServer {
  /** The MCP endpoint's URL, such as `http://127.0.0.1:3000/mcp`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The underlying `node:http` server. */
  readonly server: Server;
  /** Stops listening, ends open connections and streams, and (for a handler it created) every session. */
  close(): Promise<void>;
}

function isConnectable(target: unknown): target is ConnectableServer {
  return (
    typeof target === 'object' &&
    target !== null &&
    typeof (target as ConnectableServer).connect === 'function'
  );
}

/**
 * Serves an MCP server (through {@link createHttpHandler}) or a ready handler over HTTP on Node. The host
 * defaults to 127.0.0.1, as the spec asks of local servers.
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 * import { listen } from '@pmcp/transport-http/node';
 *
 * const server = createServer({ name: 'demo', version: '1.0.0' });
 * server.tool('ping', { description: 'Answers pong' }, () => 'pong');
 * const running = await listen(server, { port: 3000 });
 * console.log(running.url); // http://127.0.0.1:3000/mcp
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#security-%26-endpoint
 */
export async function listen(
  target: ConnectableServer | WebHandler,
  options: ListenOptions = {},
): Promise<ListeningServer> {
  const { port = 0, host = '127.0.0.1', ...handlerOptions } = options;
  let handler: WebHandler;
  let closeHandler: (() => Promise<void>) | undefined;
  if (typeof target === 'function') {
    handler = target;
  } else if (isConnectable(target)) {
    const created = createHttpHandler(target, handlerOptions);
    handler = created;
    closeHandler = () => created.close();
  } else {
    throw new TypeError(
      'listen needs an MCP server (with connect(transport)) or a handler (request) => Promise<Response>',
    );
  }
  const listener = toNodeHandler(handler);
  const server = createNodeServer((req, res) => {
    void listener(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.address.includes(':') ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}${options.endpoint ?? '/mcp'}`,
    host: address.address,
    port: address.port,
    server,
    close() {
      closing ??= (async () => {
        await closeHandler?.();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Open event streams would otherwise keep close() waiting forever.
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
