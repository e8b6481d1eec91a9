/**
 * The errors the client raises itself (as opposed to errors the server answers with), built in one place so
 * their codes stay consistent.
 */
import { McpError, ProtocolError } from '@pmcp/jsonrpc';
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
