/**
 * What both sides agree on: the subprotocol, one JSON-RPC message per text frame, and the close codes.
 */
import { InvalidMessageError, McpErrorCode, type ParseResult, parseJsonRpcMessage } from '@pmcp/jsonrpc';

/**
 * The WebSocket subprotocol MCP peers negotiate, as the official TypeScript SDK 1.x sends it.
 *
 * @example
 * ```ts
 * import { MCP_SUBPROTOCOL } from '@pmcp/transport-ws';
 *
 * const socket = new WebSocket('ws://127.0.0.1:3000/mcp', MCP_SUBPROTOCOL);
 * ```
 */
export const MCP_SUBPROTOCOL = 'mcp';

/**
 * The close codes this package sends or acts on (RFC 6455 section 7.4.1).
 *
 * @example
 * ```ts
 * import { WebSocketCloseCode } from '@pmcp/transport-ws';
 *
 * socket.addEventListener('close', (event) => {
 *   if (event.code === WebSocketCloseCode.MessageTooBig) console.error(event.reason);
 * });
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-7.4.1
 */
export const WebSocketCloseCode = {
  /** The endpoint closed on purpose (its transport's `close()`). */
  Normal: 1000,
  /** The server is shutting down. */
  GoingAway: 1001,
  ProtocolError: 1002,
  UnsupportedData: 1003,
  /** No close frame arrived: the connection dropped. */
  Abnormal: 1006,
  InvalidPayload: 1007,
  PolicyViolation: 1008,
  /** A message was larger than the receiver accepts (`maxPayload`). */
  MessageTooBig: 1009,
  MandatoryExtension: 1010,
  InternalError: 1011,
  /** The peer stopped answering keepalive pings, or stopped reading (send buffer over its limit). */
  TryAgainLater: 1013,
} as const;

/** Turns the data of one received frame into a message, refusing anything but text. */
export function parseFrame(data: unknown): ParseResult {
  if (typeof data === 'string') return parseJsonRpcMessage(data);
  return {
    ok: false,
    error: new InvalidMessageError(
      McpErrorCode.InvalidRequest,
      `Invalid request: got a binary WebSocket frame (${describeBinary(data)}). MCP over WebSocket carries each JSON-RPC message as one text frame; send the JSON as a string.`,
    ),
  };
}

function describeBinary(data: unknown): string {
  if (data instanceof ArrayBuffer) return `${data.byteLength} bytes`;
  if (ArrayBuffer.isView(data)) return `${data.byteLength} bytes`;
  if (Array.isArray(data)) return `${data.length} fragments`;
  if (typeof Blob !== 'undefined' && data instanceof Blob) return `${data.size} bytes`;
  return typeof data;
}

/** The message of an unknown thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
