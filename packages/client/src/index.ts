/** @module MCP client that detects the server's protocol era and speaks it */
export {
  type CallToolOptions,
  Client,
  type ClientInfo,
  type ClientOptions,
  type ConnectOptions,
  createClient,
  type ListToolsOptions,
} from './client.ts';
export type { EraPreference } from './negotiate.ts';
export type { SchemaIssue } from './output-schema.ts';
export type { JsonObject } from './request-meta.ts';
