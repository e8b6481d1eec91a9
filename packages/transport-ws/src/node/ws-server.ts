/**
 * `webSocketServer`: an MCP server reachable over WebSocket on Node, one `server.connect(transport)` per
 * connection, on 127.0.0.1 unless told otherwise.
 */
import {
  createServer as createNodeServer,
  type IncomingMessage,
  type Server as NodeHttpServer,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { DEFAULT_MAX_MESSAGE_BYTES, McpErrorCode, type Transport } from '@pmcp/jsonrpc';
import { WebSocket, WebSocketServer } from 'ws';
import { MCP_SUBPROTOCOL, messageOf, WebSocketCloseCode } from '../frames.ts';
import { refusalReason } from './security.ts';
import { WebSocketServerTransport } from './server-transport.ts';

/**
 * What {@link webSocketServer} needs from a server: a way to serve one more transport. A pmcp `McpServer` (from
 * `@pmcp/server`) fits.
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 * import type { ConnectableServer } from '@pmcp/transport-ws/node';
 *
 * const server: ConnectableServer = createServer({ name: 'notes', version: '1.0.0' });
 * ```
 */
export interface ConnectableServer {
  connect(transport: Transport): Promise<void>;
}

/**
 * Options of {@link webSocketServer}.
 *
 * @example
 * ```ts
 * import { webSocketServer, type WebSocketServerOptions } from '@pmcp/transport-ws/node';
 *
 * const options: WebSocketServerOptions = { port: 3000, path: '/mcp', allowedOrigins: ['https://app.example.com'] };
 * const running = await webSocketServer(server, options);
 * ```
 */
export interface WebSocketServerOptions {
  /** The TCP port; default 0 (the system picks a free one, see {@link WebSocketServerHandle.port}). Ignored with `httpServer`. */
  port?: number;
  /** The interface to bind; default `'127.0.0.1'`, reachable from this machine only. Ignored with `httpServer`. */
  host?: string;
  /** The path clients connect to; default `'/mcp'`. */
  path?: string;
  /**
   * Serve on this `node:http` server's upgrade requests instead of listening on a server of our own. Upgrades
   * for other paths are left to the server's other `upgrade` listeners (or refused with 404 when there are none).
   */
  httpServer?: NodeHttpServer;
  /** The largest message accepted, in bytes; a larger one closes the connection with 1009. Default 8 MiB. */
  maxPayload?: number;
  /**
   * Origins allowed to connect (`'https://app.example.com'`), or `'any'`. Default: over loopback, loopback
   * origins only; otherwise only the server's own origin. Clients that send no Origin (non-browsers) pass.
   */
  allowedOrigins?: readonly string[] | 'any';
  /** Host header values to answer to, or `'any'`. Default: over loopback, loopback names only; otherwise any. */
  allowedHosts?: readonly string[] | 'any';
  /** Ping every client this often (ms) and drop those that did not answer the previous ping; `false` for never. Default 30 000. */
  keepAliveMs?: number | false;
  /** Bytes allowed to wait for a client that does not read before its connection is closed with 1013. Default 16 MiB. */
  maxBufferedBytes?: number;
  /** Failures that belong to no request: a refused connection, a failed `server.connect`, a socket error. */
  onerror?: (error: Error) => void;
}

/**
 * A running WebSocket endpoint.
 *
 * @example
 * ```ts
 * import { webSocketServer, type WebSocketServerHandle } from '@pmcp/transport-ws/node';
 *
 * const running: WebSocketServerHandle = await webSocketServer(server);
 * console.log(`MCP endpoint: ${running.url}, ${running.connections} connected`);
 * await running.close();
 * ```
 */
export interface WebSocketServerHandle {
  /** The endpoint's URL, such as `ws://127.0.0.1:3000/mcp`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Open connections. */
  readonly connections: number;
  /** The `node:http` server the endpoint is on (its own, or the one passed as `httpServer`). */
  readonly httpServer: NodeHttpServer;
  /**
   * Takes an upgrade request for routers that dispatch `upgrade` events themselves. Returns `false`, leaving the
   * socket untouched, when the path is not this endpoint's.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /**
   * Closes every connection (1001, "server shutting down") and stops accepting new ones; stops listening when
   * the endpoint owns its HTTP server.
   */
  close(): Promise<void>;
}

const DEFAULT_KEEPALIVE_MS = 30_000;
const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const CLOSE_GRACE_MS = 2_000;

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  503: 'Service Unavailable',
};

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code: McpErrorCode.InvalidRequest, message } });
  socket.on('error', () => {});
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function headersOf(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

function offeredProtocols(request: IncomingMessage): string[] {
  const header = request.headers['sec-websocket-protocol'];
  if (header === undefined) return [];
  return header
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** ws closes an oversized message with a bare 1009; the reason tells the client which limit it hit. */
function socketClassWithReasons(maxPayload: number): typeof WebSocket {
  const reason = `message larger than maxPayload (${maxPayload} bytes)`;
  return class McpWebSocket extends WebSocket {
    override close(code?: number, data?: string | Buffer): void {
      super.close(code, data ?? (code === WebSocketCloseCode.MessageTooBig ? reason : undefined));
    }
  };
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(`webSocketServer(): ${name} must be a positive number, got ${String(value)}.`);
  }
  return value;
}

/**
 * Serves an MCP server over WebSocket on Node (with the `ws` package): each connection gets its own transport
 * and its own `server.connect(transport)`, so a legacy session lives as long as its connection. The subprotocol
 * is `mcp`; a client that offers subprotocols without `mcp` is refused with 400. Upgrade requests with a foreign
 * Origin or (over loopback) a non-loopback Host are refused with 403, against DNS rebinding. Each text frame is
 * one JSON-RPC message: an invalid one is answered with a JSON-RPC error and the connection stays open; a binary
 * frame is answered with -32600; a message over `maxPayload` closes the connection with 1009 and a reason.
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 * import { webSocketServer } from '@pmcp/transport-ws/node';
 *
 * const server = createServer({ name: 'demo', version: '1.0.0' });
 * server.tool('ping', { description: 'Answers pong' }, () => 'pong');
 * const running = await webSocketServer(server, { port: 3000 });
 * console.log(running.url); // ws://127.0.0.1:3000/mcp
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports#custom-transports
 */
export async function webSocketServer(
  server: ConnectableServer,
  options: WebSocketServerOptions = {},
): Promise<WebSocketServerHandle> {
  if (typeof (server as Partial<ConnectableServer> | null)?.connect !== 'function') {
    throw new TypeError(
      'webSocketServer needs an MCP server with connect(transport), such as createServer().',
    );
  }
  const path = options.path ?? '/mcp';
  const maxPayload = positive('maxPayload', options.maxPayload ?? DEFAULT_MAX_MESSAGE_BYTES);
  const maxBufferedBytes = positive(
    'maxBufferedBytes',
    options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
  );
  const keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEPALIVE_MS;
  const keepAliveInterval = keepAliveMs === false ? undefined : positive('keepAliveMs', keepAliveMs);
  const policy = { allowedOrigins: options.allowedOrigins, allowedHosts: options.allowedHosts };
  const report = (error: Error) => options.onerror?.(error);

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload,
    perMessageDeflate: false,
    clientTracking: true,
    WebSocket: socketClassWithReasons(maxPayload),
    handleProtocols: (protocols) => (protocols.has(MCP_SUBPROTOCOL) ? MCP_SUBPROTOCOL : false),
  });
  const transports = new Set<WebSocketServerTransport>();
  const alive = new WeakMap<WebSocket, boolean>();
  let closing: Promise<void> | undefined;

  function accept(socket: WebSocket, request: IncomingMessage): void {
    const transport = new WebSocketServerTransport(socket, {
      headers: headersOf(request),
      maxBufferedBytes,
      maxPayload,
    });
    transports.add(transport);
    alive.set(socket, true);
    socket.on('pong', () => alive.set(socket, true));
    socket.on('close', () => transports.delete(transport));
    server.connect(transport).catch((error: unknown) => {
      report(
        new Error(`server.connect failed for a WebSocket connection: ${messageOf(error)}`, { cause: error }),
      );
      transport.shutdown(WebSocketCloseCode.InternalError, 'server could not serve this connection');
    });
  }

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    let pathname: string;
    try {
      pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    } catch {
      return false;
    }
    if (pathname !== path) return false;
    if (closing !== undefined) {
      refuse(socket, 503, 'Service Unavailable: this MCP server is shutting down.');
      return true;
    }
    const refusal = refusalReason(request, policy);
    if (refusal !== undefined) {
      report(new Error(`Refused a WebSocket connection: ${refusal}`));
      refuse(socket, 403, refusal);
      return true;
    }
    const offered = offeredProtocols(request);
    if (offered.length > 0 && !offered.includes(MCP_SUBPROTOCOL)) {
      refuse(
        socket,
        400,
        `Bad Request: this MCP endpoint speaks the "${MCP_SUBPROTOCOL}" WebSocket subprotocol, and the client offered only ${offered.map((name) => `"${name}"`).join(', ')}. Offer "${MCP_SUBPROTOCOL}".`,
      );
      return true;
    }
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws, request));
    return true;
  }

  const owned = options.httpServer === undefined;
  const httpServer =
    options.httpServer ??
    createNodeServer((_request, response) => {
      const body = JSON.stringify({
        jsonrpc: '2.0',
        error: {
          code: McpErrorCode.InvalidRequest,
          message: `Upgrade Required: this MCP endpoint speaks WebSocket; connect with a WebSocket client to ws://<host>${path}.`,
        },
      });
      response.writeHead(426, {
        'content-type': 'application/json',
        upgrade: 'websocket',
        connection: 'Upgrade',
      });
      response.end(body);
    });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (handleUpgrade(request, socket, head)) return;
    // Another listener may serve this path; with none, nobody would ever answer the client.
    if (httpServer.listenerCount('upgrade') === 1) {
      refuse(socket, 404, `Not Found: the MCP WebSocket endpoint is ${path}.`);
    }
  };
  httpServer.on('upgrade', onUpgrade);

  if (owned) {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  }

  const keepAlive =
    keepAliveInterval === undefined
      ? undefined
      : setInterval(() => {
          for (const socket of wss.clients) {
            if (alive.get(socket) === false) {
              socket.terminate();
              continue;
            }
            alive.set(socket, false);
            socket.ping();
          }
        }, keepAliveInterval);
  keepAlive?.unref();

  // Kept after close, so the URL still names where the endpoint was (to restart it on the same port).
  let lastAddress: AddressInfo | undefined;
  const address = (): AddressInfo | undefined => {
    const value = httpServer.address();
    if (typeof value === 'object' && value !== null) lastAddress = value;
    return lastAddress;
  };
  address();

  async function shutdown(): Promise<void> {
    if (keepAlive !== undefined) clearInterval(keepAlive);
    httpServer.off('upgrade', onUpgrade);
    const sockets = [...wss.clients];
    const closed = Promise.all(
      sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === WebSocket.CLOSED) resolve();
            else socket.once('close', () => resolve());
          }),
      ),
    );
    for (const transport of [...transports]) {
      transport.shutdown(WebSocketCloseCode.GoingAway, 'server shutting down');
    }
    // A client that never answers the closing handshake must not hold close() forever.
    const grace = setTimeout(() => {
      for (const socket of sockets) socket.terminate();
    }, CLOSE_GRACE_MS);
    await closed;
    clearTimeout(grace);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    if (owned) {
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
    }
  }

  return {
    get url() {
      const where = address();
      if (where === undefined) return `ws://127.0.0.1${path}`;
      const host = where.address.includes(':') ? `[${where.address}]` : where.address;
      return `ws://${host}:${where.port}${path}`;
    },
    get host() {
      return address()?.address ?? '';
    },
    get port() {
      return address()?.port ?? 0;
    },
    get connections() {
      return transports.size;
    },
    httpServer,
    handleUpgrade,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
