/** @module Streamable HTTP for MCP in every era: a web-standard server handler and a fetch client */
export {
  HttpClientTransport,
  httpClientTransport,
} from './client/http-client-transport.ts';
export type {
  FetchLike,
  HttpAuthHook,
  HttpAuthProvider,
  HttpAuthRequest,
  HttpAuthTokens,
  HttpClientEra,
  HttpClientTransportOptions,
  HttpFetchOptions,
  HttpUnauthorizedContext,
  ReconnectOptions,
} from './client/options.ts';
export {
  createInMemoryEventStore,
  type EventReplaySender,
  type EventStore,
  type InMemoryEventStoreOptions,
} from './server/event-store.ts';
export { createHttpHandler, type HttpHandler, type HttpRequestContext } from './server/handler.ts';
export type {
  ConnectableServer,
  CorsOptions,
  HttpCompressionOptions,
  HttpHandlerOptions,
  LegacyOptions,
  LegacySseOptions,
} from './server/options.ts';
export type { ConnectionInfo } from './server/security.ts';
export {
  type DecodedHeaderValue,
  decodeHeaderValue,
  encodeHeaderValue,
} from './shared/header-values.ts';
export {
  type HeaderAnnotations,
  type HeaderParam,
  type HeaderParamType,
  type McpHeaders,
  mcpHeadersFor,
  validateHeaderAnnotations,
} from './shared/mcp-headers.ts';
export {
  createEventSourceParserDecoder,
  type EventSourceParserDecoderOptions,
} from './shared/sse-decoder.ts';
