/** @module MCP client for both protocol eras: typed requests, handlers for server requests and MRTR, subscriptions, caching */
export {
  type CallOptions,
  type CallToolOptions,
  Client,
  type ClientCacheOptions,
  type ClientInfo,
  type ClientOptions,
  type CompletionContext,
  type ConnectOptions,
  createClient,
  type ListenOptions,
  type ListOptions,
  type ListToolsOptions,
  type ReadResourceOptions,
} from './client.ts';
export { ResourceNotFoundError } from './client-errors.ts';
export type {
  ElicitationMode,
  ElicitationRequest,
  ElicitHandler,
  ElicitHandlerOptions,
  InputContext,
  InputHandlers,
  RootsHandler,
  RootsHandlerOptions,
  SampleHandler,
  SampleHandlerOptions,
} from './input-handlers.ts';
export type { ClientEvents, ClientListener } from './listeners.ts';
export type { EraPreference } from './negotiate.ts';
export type { SchemaIssue } from './output-schema.ts';
export type { JsonObject } from './request-meta.ts';
export {
  type CacheEntryKey,
  createResultCache,
  ResultCache,
  type ResultCacheOptions,
} from './result-cache.ts';
export type { ListenNotification, Subscription } from './subscription.ts';
