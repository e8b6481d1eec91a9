/**
 * Parsing, validation and serialization of single JSON-RPC messages.
 *
 * This runs on every incoming message, so it is one `JSON.parse` plus a handful of `typeof` checks: no schema
 * library, no copying. Method-specific params are validated later, by whoever handles the method.
 */
import { InvalidMessageError, McpError, McpErrorCode } from './errors.ts';
import type {
  JsonRpcErrorResponse,
  JsonRpcMessage,
  JsonRpcNotification,
  JsonRpcRequest,
  JsonRpcResponse,
  JsonRpcSuccessResponse,
  RequestId,
} from './messages.ts';

/**
 * The outcome of parsing or validating one message: the message, or an {@link InvalidMessageError} whose
 * `reply` is the error response to send back.
 *
 * @example
 * ```ts
 * import { parseJsonRpcMessage, type ParseResult } from '@pmcp/jsonrpc';
 *
 * const parsed: ParseResult = parseJsonRpcMessage(line);
 * if (parsed.ok) transport.onmessage?.(parsed.message);
 * else transport.onerror?.(parsed.error);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#messages
 */
export type ParseResult = { ok: true; message: JsonRpcMessage } | { ok: false; error: InvalidMessageError };

/**
 * Parses the text of one JSON-RPC message.
 *
 * Fails with -32700 when the text is not JSON; with -32600 when it is not a single JSON-RPC 2.0 message
 * (not an object, a batch array, a wrong `jsonrpc`, an id that is not a string or an integer, neither request,
 * notification nor response); with -32602 when `params` is present but not an object. The error's `reply`
 * carries the message's id whenever that id is valid.
 *
 * @example
 * ```ts
 * import { parseJsonRpcMessage } from '@pmcp/jsonrpc';
 *
 * const parsed = parseJsonRpcMessage('{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
 * if (parsed.ok) console.log(parsed.message);
 * else await transport.send(parsed.error.reply);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#messages
 */
export function parseJsonRpcMessage(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const detail = cause instanceof Error ? ` (${cause.message})` : '';
    return {
      ok: false,
      error: new InvalidMessageError(
        McpErrorCode.ParseError,
        `Parse error: the message is not valid JSON${detail}. Send each message as one complete JSON object in UTF-8.`,
        { cause },
      ),
    };
  }
  return validateJsonRpcMessage(value);
}

/**
 * Runs the checks of {@link parseJsonRpcMessage} on a value that is already parsed (for example the body of an
 * HTTP request read with `request.json()`). The message returned is `value` itself, not a copy.
 *
 * @example
 * ```ts
 * import { validateJsonRpcMessage } from '@pmcp/jsonrpc';
 *
 * const checked = validateJsonRpcMessage(await request.json());
 * if (!checked.ok) return Response.json(checked.error.reply, { status: 400 });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#messages
 */
export function validateJsonRpcMessage(value: unknown): ParseResult {
  if (typeof value !== 'object' || value === null) {
    return invalid(
      McpErrorCode.InvalidRequest,
      `Invalid request: a JSON-RPC message must be a JSON object, got ${describe(value)}.`,
    );
  }
  if (Array.isArray(value)) {
    return invalid(
      McpErrorCode.InvalidRequest,
      'Invalid request: JSON-RPC batches (arrays of messages) are not supported. MCP removed batching in 2025-06-18 and no revision pmcp serves as the server of record accepts it; send each message on its own.',
    );
  }
  const message = value as Record<string, unknown>;
  const id = message.id;
  const idIsValid = isRequestId(id);
  const replyId = idIsValid ? id : undefined;

  if (message.jsonrpc !== '2.0') {
    return invalid(
      McpErrorCode.InvalidRequest,
      `Invalid request: "jsonrpc" must be the string "2.0", got ${describe(message.jsonrpc)}.`,
      replyId,
    );
  }

  const method = message.method;
  if (method !== undefined) {
    if (typeof method !== 'string') {
      return invalid(
        McpErrorCode.InvalidRequest,
        `Invalid request: "method" must be a string, got ${describe(method)}.`,
        replyId,
      );
    }
    if ('result' in message || 'error' in message) {
      return invalid(
        McpErrorCode.InvalidRequest,
        'Invalid request: a message cannot carry both "method" and "result"/"error"; send a request or a response, not both.',
        replyId,
      );
    }
    if (id !== undefined && !idIsValid) {
      return invalid(
        McpErrorCode.InvalidRequest,
        `Invalid request: ${describeBadId(id)} Omit "id" to send a notification.`,
      );
    }
    const params = message.params;
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
      return invalid(
        McpErrorCode.InvalidParams,
        `Invalid params: "params" of "${method}" must be an object, got ${describe(params)}. MCP passes parameters by name.`,
        replyId,
      );
    }
    return { ok: true, message: message as unknown as JsonRpcRequest | JsonRpcNotification };
  }

  if ('result' in message) {
    if ('error' in message) {
      return invalid(
        McpErrorCode.InvalidRequest,
        'Invalid response: a response carries either "result" or "error", never both.',
        replyId,
      );
    }
    if (!idIsValid) {
      return invalid(
        McpErrorCode.InvalidRequest,
        `Invalid response: a result must carry the id of its request. ${describeBadId(id)}`,
      );
    }
    const result = message.result;
    if (typeof result !== 'object' || result === null || Array.isArray(result)) {
      return invalid(
        McpErrorCode.InvalidRequest,
        `Invalid response: "result" must be an object, got ${describe(result)}. MCP results are always objects.`,
        replyId,
      );
    }
    return { ok: true, message: message as unknown as JsonRpcSuccessResponse };
  }

  if ('error' in message) {
    // JSON-RPC 2.0 uses `id: null` when the request's id could not be read; newer MCP revisions omit it.
    if (id !== undefined && id !== null && !idIsValid) {
      return invalid(McpErrorCode.InvalidRequest, `Invalid response: ${describeBadId(id)}`);
    }
    const error = message.error as { code?: unknown; message?: unknown } | null;
    if (
      typeof error !== 'object' ||
      error === null ||
      !Number.isInteger(error.code) ||
      typeof error.message !== 'string'
    ) {
      return invalid(
        McpErrorCode.InvalidRequest,
        `Invalid response: "error" must be an object with an integer "code" and a string "message", got ${describe(error)}.`,
        replyId,
      );
    }
    return { ok: true, message: message as unknown as JsonRpcErrorResponse };
  }

  return invalid(
    McpErrorCode.InvalidRequest,
    'Invalid request: the message is neither a request or notification (no "method") nor a response (no "result" or "error").',
    replyId,
  );
}

/**
 * Whether a value is a JSON-RPC request (a `method` and a valid `id`).
 *
 * @example
 * ```ts
 * import { isJsonRpcRequest } from '@pmcp/jsonrpc';
 *
 * if (isJsonRpcRequest(message)) console.log(`request ${message.id}: ${message.method}`);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#requests
 */
export function isJsonRpcRequest(value: unknown): value is JsonRpcRequest {
  return isJsonRpcObject(value) && typeof value.method === 'string' && isRequestId(value.id);
}

/**
 * Whether a value is a JSON-RPC notification (a `method` and no `id`).
 *
 * @example
 * ```ts
 * import { isJsonRpcNotification } from '@pmcp/jsonrpc';
 *
 * if (isJsonRpcNotification(message)) console.log(`notification: ${message.method}`);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#notifications
 */
export function isJsonRpcNotification(value: unknown): value is JsonRpcNotification {
  return isJsonRpcObject(value) && typeof value.method === 'string' && value.id === undefined;
}

/**
 * Whether a value is a JSON-RPC response, successful or not.
 *
 * @example
 * ```ts
 * import { isJsonRpcResponse } from '@pmcp/jsonrpc';
 *
 * if (isJsonRpcResponse(message)) console.log(`response to ${message.id}`);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#responses
 */
export function isJsonRpcResponse(value: unknown): value is JsonRpcResponse {
  return isJsonRpcSuccessResponse(value) || isJsonRpcErrorResponse(value);
}

/**
 * Whether a value is a successful JSON-RPC response (`result` and a valid `id`).
 *
 * @example
 * ```ts
 * import { isJsonRpcSuccessResponse } from '@pmcp/jsonrpc';
 *
 * if (isJsonRpcSuccessResponse(message)) console.log(message.result);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#responses
 */
export function isJsonRpcSuccessResponse(value: unknown): value is JsonRpcSuccessResponse {
  return (
    isJsonRpcObject(value) &&
    value.method === undefined &&
    isRequestId(value.id) &&
    typeof value.result === 'object' &&
    value.result !== null
  );
}

/**
 * Whether a value is a JSON-RPC error response (`error` with a numeric `code` and a string `message`).
 *
 * @example
 * ```ts
 * import { isJsonRpcErrorResponse } from '@pmcp/jsonrpc';
 *
 * if (isJsonRpcErrorResponse(message)) console.error(message.error.code, message.error.message);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#responses
 */
export function isJsonRpcErrorResponse(value: unknown): value is JsonRpcErrorResponse {
  if (!isJsonRpcObject(value) || value.method !== undefined) return false;
  const error = value.error as { code?: unknown; message?: unknown } | null | undefined;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof error.code === 'number' &&
    typeof error.message === 'string'
  );
}

/**
 * Serializes one message as JSON, without a trailing newline. Throws an `McpError` (-32603) naming the
 * message when it cannot be serialized (a `BigInt`, a cycle).
 *
 * @example
 * ```ts
 * import { serializeMessage } from '@pmcp/jsonrpc';
 *
 * serializeMessage({ jsonrpc: '2.0', id: 1, result: {} }); // '{"jsonrpc":"2.0","id":1,"result":{}}'
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#messages
 */
export function serializeMessage(message: JsonRpcMessage): string {
  try {
    return JSON.stringify(message);
  } catch (cause) {
    const what = 'method' in message ? `"${message.method}"` : `the response to ${String(message.id)}`;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new McpError(
      McpErrorCode.InternalError,
      `Cannot serialize ${what} as JSON (${detail}). Params and results must be plain JSON: no BigInt, no cycles.`,
      { cause },
    );
  }
}

function isJsonRpcObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { jsonrpc?: unknown }).jsonrpc === '2.0' &&
    !Array.isArray(value)
  );
}

function isRequestId(id: unknown): id is RequestId {
  return typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id));
}

function invalid(code: number, message: string, id?: RequestId): ParseResult {
  return { ok: false, error: new InvalidMessageError(code, message, { id }) };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value.length <= 40 ? JSON.stringify(value) : 'a string';
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    default:
      return `an ${typeof value}`;
  }
}

function describeBadId(id: unknown): string {
  if (id === undefined) return '"id" is missing.';
  if (id === null) return '"id" must not be null; use a string or an integer.';
  return `"id" must be a string or an integer, got ${describe(id)}.`;
}
