/** @module WebSocket server for MCP on Node (ws): one transport per connection, Origin checks, size limits */
export {
  type ConnectableServer,
  type WebSocketServerHandle,
  type WebSocketServerOptions,
  webSocketServer,
} from './ws-server.ts';
