/**
 * The errors the client raises itself (as opposed to errors the server answers with), built in one place so
 * their codes stay consistent.
 */
import { isMcpError, McpError, ProtocolError } from '@pmcp/jsonrpc';
import { ErrorCode } from '@pmcp/types';
import type { JsonObject } from './request-meta.ts';

/** The server sent something the protocol does not allow; the request cannot be completed. */
export function protocolViolation(message: string, data?: JsonObject): ProtocolError {
  return new ProtocolError(message, data === undefined ? {} : { data });
}

/**
 * The request needs a server capability that was not advertised. -32601 is what a conforming server answers
 * in that case, so callers see the same code with or without the round trip.
 */
export function missingServerCapability(capability: string, method: string, operation: string): McpError {
  return new McpError(
    ErrorCode.MethodNotFound,
    `${operation} needs the server's "${capability}" capability, which this server did not advertise; ` +
      `it does not support ${method}. Check client.serverCapabilities before calling.`,
    { data: { method, capability } },
  );
}

/**
 * A method that exists in one era only. -32601 is what a server of the other era answers, so the local error
 * carries the same code, plus the era-neutral way to get the same thing done.
 */
export function wrongEra(operation: string, method: string, era: string, instead: string): McpError {
  return new McpError(
    ErrorCode.MethodNotFound,
    `${operation} is not available in the ${era} era: ${method} does not exist there. ${instead}`,
    { data: { method, era } },
  );
}

// Symbol.for, so that two installed copies of @pmcp/client recognise each other's errors.
const RESOURCE_NOT_FOUND_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('pmcp.ResourceNotFoundError');

/**
 * The server has no resource at the URI that was read. Modern servers answer -32602 and legacy servers -32002
 * for this; `readResource` turns both into this one error so callers need a single check. `code` keeps the
 * server's code and `cause` its original error.
 *
 * @example
 * ```ts
 * import { ResourceNotFoundError } from '@pmcp/client';
 * try {
 *   await client.readResource('file:///missing.txt');
 * } catch (error) {
 *   if (error instanceof ResourceNotFoundError) console.warn('no such resource:', error.uri);
 *   else throw error;
 * }
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/resources#error-handling
 */
export class ResourceNotFoundError extends McpError {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { [RESOURCE_NOT_FOUND_BRAND]?: unknown })[RESOURCE_NOT_FOUND_BRAND] === true
    );
  }

  /** The URI that was read. */
  readonly uri: string;

  /**
   * @param uri the URI that was read
   * @param cause the server's error response (-32602 or -32002)
   */
  constructor(uri: string, cause: McpError) {
    super(
      cause.code,
      `Resource ${JSON.stringify(uri)} was not found on the server (${cause.code}: ${cause.message}). ` +
        'List the available resources with client.listAllResources() or check the URI.',
      { data: cause.data ?? { uri }, cause },
    );
    this.name = 'ResourceNotFoundError';
    this.uri = uri;
    Object.defineProperty(this, RESOURCE_NOT_FOUND_BRAND, { value: true, enumerable: false });
  }
}

/**
 * Whether a server error to `resources/read` means "no such resource": -32002 (legacy), or -32602 (modern) naming
 * the URI in `data.uri` — or, from servers that send no data (the official SDK 1.x), saying "not found".
 */
export function isResourceNotFound(error: unknown, uri: string): error is McpError {
  if (!isMcpError(error)) return false;
  if (error.code === ErrorCode.ResourceNotFound) return true;
  if (error.code !== ErrorCode.InvalidParams) return false;
  const data = error.data;
  if (typeof data === 'object' && data !== null && 'uri' in data) return (data as JsonObject).uri === uri;
  return /not found/i.test(error.message);
}
