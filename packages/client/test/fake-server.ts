/**
 * A scripted fake MCP server for the client's unit tests: an RpcEngine whose handlers each test controls,
 * over the in-memory pair, with every message the client sends recorded (in order) for assertions and
 * schema validation.
 */
import {
  createInMemoryTransportPair,
  type JsonRpcMessage,
  McpError,
  type MessageExtra,
  type RequestHandler,
  RpcEngine,
  type Transport,
  type TransportSendOptions,
} from '@pmcp/jsonrpc';
import { MetaKey } from '@pmcp/types';

export interface FakeServer {
  /** The server side: add or replace handlers, send notifications. */
  engine: RpcEngine;
  /** Give this to `client.connect()`. */
  transport: Transport;
  /** Every message the client sent, in order. */
  sent: JsonRpcMessage[];
  /** The methods of the messages the client sent, in order. */
  sentMethods(): string[];
  /** Every version the client told the transport about through `setProtocolVersion`, in order. */
  protocolVersions: string[];
  /** Resolves once the server side has seen the connection close. */
  closed: Promise<void>;
}

/** Starts a fake server with the given request handlers (anything else gets -32601, as a real server would). */
export async function createFakeServer(handlers: Record<string, RequestHandler> = {}): Promise<FakeServer> {
  const [clientSide, serverSide] = createInMemoryTransportPair();
  const engine = new RpcEngine();
  for (const [method, handler] of Object.entries(handlers)) engine.setRequestHandler(method, handler);
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  engine.onclose = () => markClosed();
  engine.onerror = () => undefined;
  await engine.connect(serverSide);
  const sent: JsonRpcMessage[] = [];
  const protocolVersions: string[] = [];
  return {
    engine,
    transport: recordingTransport(clientSide, sent, protocolVersions),
    sent,
    protocolVersions,
    sentMethods: () => sent.map((message) => ('method' in message ? message.method : 'response')),
    closed,
  };
}

/** A transport decorator that records what passes through `send` and forwards everything else. */
export function recordingTransport(
  next: Transport,
  sent: JsonRpcMessage[],
  protocolVersions: string[] = [],
): Transport {
  return {
    setProtocolVersion(version: string) {
      protocolVersions.push(version);
      next.setProtocolVersion?.(version);
    },
    start: () => next.start(),
    send(message: JsonRpcMessage, options?: TransportSendOptions) {
      sent.push(structuredClone(message));
      return next.send(message, options);
    },
    close: () => next.close(),
    get onmessage() {
      return next.onmessage;
    },
    set onmessage(handler: ((message: JsonRpcMessage, extra?: MessageExtra) => void) | undefined) {
      next.onmessage = handler;
    },
    get onerror() {
      return next.onerror;
    },
    set onerror(handler: ((error: Error) => void) | undefined) {
      next.onerror = handler;
    },
    get onclose() {
      return next.onclose;
    },
    set onclose(handler: (() => void) | undefined) {
      next.onclose = handler;
    },
  };
}

export const SERVER_INFO = { name: 'fake-server', version: '9.9.9' } as const;

/** A modern `server/discover` answer. */
export function discoverResult(
  capabilities: Record<string, unknown> = { tools: {} },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    resultType: 'complete',
    supportedVersions: ['2026-07-28'],
    capabilities,
    ttlMs: 0,
    cacheScope: 'public',
    _meta: { [MetaKey.ServerInfo]: SERVER_INFO },
    ...extra,
  };
}

/** A legacy `initialize` answer. */
export function initializeResult(
  protocolVersion = '2025-11-25',
  capabilities: Record<string, unknown> = { tools: {} },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { protocolVersion, capabilities, serverInfo: SERVER_INFO, ...extra };
}

/** A handler that never answers (until the connection closes). */
export const neverAnswer: RequestHandler = (_params, ctx) =>
  new Promise((_resolve, reject) => {
    ctx.signal.addEventListener('abort', () => reject(new McpError(-32603, 'aborted')), { once: true });
  });

/** A handler that answers with the given JSON-RPC error. */
export function answerError(code: number, message: string, data?: unknown): RequestHandler {
  return () => {
    throw new McpError(code, message, data === undefined ? {} : { data });
  };
}
