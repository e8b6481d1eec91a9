/**
 * JSON-RPC 2.0 message shapes as MCP uses them (params and results are always objects).
 * Guards are structural and cheap: they run on every message on the hot path.
 */

/**
 * A request id: a string or an integer, never null.
 *
 * @example
 * ```ts
 * import type { RequestId } from '@pmcp/jsonrpc';
 *
 * const id: RequestId = 'call-1';
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#requests
 */
export type RequestId = string | number;

/**
 * A JSON-RPC request: expects exactly one response with the same id.
 *
 * @example
 * ```ts
 * import type { JsonRpcRequest } from '@pmcp/jsonrpc';
 *
 * const request: JsonRpcRequest = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#requests
 */
export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: RequestId;
  method: string;
  params?: Record<string, unknown>;
}

/**
 * A JSON-RPC notification: no id, never answered.
 *
 * @example
 * ```ts
 * import type { JsonRpcNotification } from '@pmcp/jsonrpc';
 *
 * const notification: JsonRpcNotification = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#notifications
 */
export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: Record<string, unknown>;
}

/**
 * A successful JSON-RPC response.
 *
 * @example
 * ```ts
 * import type { JsonRpcSuccessResponse } from '@pmcp/jsonrpc';
 *
 * const response: JsonRpcSuccessResponse = { jsonrpc: '2.0', id: 1, result: { tools: [] } };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#responses
 */
export interface JsonRpcSuccessResponse {
  jsonrpc: '2.0';
  id: RequestId;
  result: Record<string, unknown>;
}

/**
 * The `error` member of a JSON-RPC error response.
 *
 * @example
 * ```ts
 * import type { JsonRpcErrorObject } from '@pmcp/jsonrpc';
 *
 * const error: JsonRpcErrorObject = { code: -32601, message: 'Method not found: tools/lsit' };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#error-codes
 */
export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/**
 * A JSON-RPC error response; `id` is absent or null only when the request's id could not be read. pmcp omits
 * it (the 2025-11-25 and 2026-07-28 schemas do not allow null) and accepts both from peers.
 *
 * @example
 * ```ts
 * import type { JsonRpcErrorResponse } from '@pmcp/jsonrpc';
 *
 * const response: JsonRpcErrorResponse = { jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'Unknown tool: x' } };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#responses
 */
export interface JsonRpcErrorResponse {
  jsonrpc: '2.0';
  id?: RequestId | null;
  error: JsonRpcErrorObject;
}

/**
 * Either kind of response.
 *
 * @example
 * ```ts
 * import { isJsonRpcErrorResponse, type JsonRpcResponse } from '@pmcp/jsonrpc';
 *
 * function describe(response: JsonRpcResponse): string {
 *   return isJsonRpcErrorResponse(response) ? response.error.message : 'ok';
 * }
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#responses
 */
export type JsonRpcResponse = JsonRpcSuccessResponse | JsonRpcErrorResponse;

/**
 * Any JSON-RPC message.
 *
 * @example
 * ```ts
 * import { parseJsonRpcMessage, type JsonRpcMessage } from '@pmcp/jsonrpc';
 *
 * const parsed = parseJsonRpcMessage(line);
 * const message: JsonRpcMessage | undefined = parsed.ok ? parsed.message : undefined;
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#messages
 */
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;
