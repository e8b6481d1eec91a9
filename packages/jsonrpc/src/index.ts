/** @module JSON-RPC 2.0 core for MCP: messages, McpError, the Transport interface, the request engine, NDJSON framing */
export {
  DEFAULT_REQUEST_TIMEOUT,
  middlewareList,
  type NotificationHandler,
  type OutgoingRequestMiddleware,
  type ProgressUpdate,
  type RequestContext,
  type RequestHandler,
  type RequestMiddleware,
  type RequestOptions,
  RpcEngine,
  type RpcEngineOptions,
} from './engine.ts';
export {
  errorCodeName,
  InvalidMessageError,
  isMcpError,
  McpError,
  McpErrorCode,
  type McpErrorCodeName,
  type McpErrorOptions,
  ProtocolError,
  RequestCancelledError,
  RequestTimeoutError,
  TransportClosedError,
} from './errors.ts';
export { createInMemoryTransportPair } from './in-memory.ts';
export type {
  JsonRpcErrorObject,
  JsonRpcErrorResponse,
  JsonRpcMessage,
  JsonRpcNotification,
  JsonRpcRequest,
  JsonRpcResponse,
  JsonRpcSuccessResponse,
  RequestId,
} from './messages.ts';
export {
  createNdjsonDecoder,
  DEFAULT_MAX_MESSAGE_BYTES,
  encodeNdjson,
  type Frame,
  type FrameDecoder,
  type FrameDecoderFactory,
  type FrameDecoderOptions,
} from './ndjson.ts';
export {
  isJsonRpcErrorResponse,
  isJsonRpcNotification,
  isJsonRpcRequest,
  isJsonRpcResponse,
  isJsonRpcSuccessResponse,
  type ParseResult,
  parseJsonRpcMessage,
  serializeMessage,
  validateJsonRpcMessage,
} from './parse.ts';
export type { SseDecoder, SseDecoderFactory, SseEvent } from './sse.ts';
export type { MessageExtra, Transport, TransportSendOptions } from './transport.ts';
export { authenticatedPrincipal } from './transport.ts';
