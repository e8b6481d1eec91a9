/** @module WebSocket client transport for MCP: browser-safe, with optional reconnect (backoff + jitter) and keepalive */
export {
  type ReconnectOptions,
  type WebSocketClientState,
  type WebSocketClientTransport,
  type WebSocketClientTransportOptions,
  type WebSocketConstructor,
  type WebSocketEventLike,
  type WebSocketLike,
  webSocketClientTransport,
} from './client/ws-client-transport.ts';
export { MCP_SUBPROTOCOL, WebSocketCloseCode } from './frames.ts';
