/**
 * HTTP responses that carry JSON-RPC errors, and the HTTP status each JSON-RPC error gets on a modern request.
 */
import type { JsonRpcErrorObject, JsonRpcErrorResponse, JsonRpcMessage, RequestId } from '@pmcp/jsonrpc';
import { ErrorCode } from '@pmcp/types';

/** A JSON body with its content type. */
export function jsonResponse(body: unknown, status: number, init?: HeadersInit): Response {
  const headers = new Headers(init);
  headers.set('Content-Type', 'application/json');
  return new Response(JSON.stringify(body), { status, headers });
}

/** The response to one JSON-RPC message, as a single JSON object. */
export function messageResponse(message: JsonRpcMessage, status: number, init?: HeadersInit): Response {
  return jsonResponse(message, status, init);
}

export interface ErrorResponseOptions {
  /** The id of the request, when it could be read. Errors about the HTTP exchange itself carry none. */
  id?: RequestId | undefined;
  data?: unknown;
  headers?: HeadersInit | undefined;
}

/** An HTTP error status with a JSON-RPC error body, so both HTTP-level and JSON-RPC-level clients learn why. */
export function errorResponse(
  status: number,
  code: number,
  message: string,
  options: ErrorResponseOptions = {},
): Response {
  const error: JsonRpcErrorObject = { code, message };
  if (options.data !== undefined) error.data = options.data;
  const body: JsonRpcErrorResponse =
    options.id === undefined ? { jsonrpc: '2.0', error } : { jsonrpc: '2.0', id: options.id, error };
  return jsonResponse(body, status, options.headers);
}

/**
 * The status of a JSON-RPC error answered to a 2026-07-28 request over HTTP: 404 for an unknown method, 400 for
 * header, version, capability and malformed-request errors, 200 (the error is in the body) for the rest, such as
 * an unknown tool.
 *
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#request-metadata
 */
export function modernErrorStatus(error: JsonRpcErrorObject): number {
  switch (error.code) {
    case ErrorCode.MethodNotFound:
      return 404;
    case ErrorCode.HeaderMismatch:
    case ErrorCode.MissingRequiredClientCapability:
    case ErrorCode.UnsupportedProtocolVersion:
    case ErrorCode.InvalidRequest:
    case ErrorCode.ParseError:
      return 400;
    default:
      return 200;
  }
}
