/**
 * How HTTP failures become errors the caller can act on: a JSON-RPC error body keeps its code, message and
 * data (so a `-32022` still carries `data.supported`); any other failure names the status, the URL and what
 * to check, with `data.httpStatus` for programs.
 */
import { type JsonRpcErrorObject, McpError, McpErrorCode, type RequestId } from '@pmcp/jsonrpc';

const MAX_BODY_SNIPPET = 300;
// Enough for any JSON-RPC error a server sends; a huge error page is not worth buffering.
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Codes only a modern (2026-07-28) server sends: their presence settles the era question. */
const MODERN_ERROR_CODES: ReadonlySet<number> = /* @__PURE__ */ new Set([
  McpErrorCode.HeaderMismatch,
  McpErrorCode.MissingRequiredClientCapability,
  McpErrorCode.UnsupportedProtocolVersion,
]);

/** A non-2xx answer, kept with what the transport needs to decide on a fallback. */
export class HttpStatusError extends Error {
  readonly status: number;
  readonly url: URL;
  readonly method: string;
  readonly rpcError: JsonRpcErrorObject | undefined;
  readonly rpcId: RequestId | null | undefined;
  readonly bodySnippet: string;
  readonly wwwAuthenticate: string | undefined;
  /** The `Retry-After` header as a delay in ms from now, when the server sent a valid one. */
  readonly retryAfterMs: number | undefined;

  constructor(
    response: Response,
    url: URL,
    method: string,
    body: string,
    rpc: { error: JsonRpcErrorObject; id: RequestId | null | undefined } | undefined,
  ) {
    super(`HTTP ${response.status} from ${method} ${url.href}`);
    this.name = 'HttpStatusError';
    this.status = response.status;
    this.url = url;
    this.method = method;
    this.rpcError = rpc?.error;
    this.rpcId = rpc?.id;
    this.bodySnippet = body.length > MAX_BODY_SNIPPET ? `${body.slice(0, MAX_BODY_SNIPPET)}…` : body;
    this.wwwAuthenticate = response.headers.get('www-authenticate') ?? undefined;
    this.retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  }

  /** Whether a modern MCP server produced this answer (the spec's test for "not a legacy endpoint"). */
  isModernRejection(requestId: RequestId | undefined): boolean {
    if (this.rpcError === undefined) return false;
    if (MODERN_ERROR_CODES.has(this.rpcError.code)) return true;
    return (
      this.status === 404 && this.rpcError.code === McpErrorCode.MethodNotFound && this.rpcId === requestId
    );
  }
}

/** Reads a failed response's body (bounded) and classifies it. */
export async function httpStatusError(
  response: Response,
  url: URL,
  method: string,
): Promise<HttpStatusError> {
  const body = await readBoundedText(response, MAX_ERROR_BODY_BYTES);
  return new HttpStatusError(response, url, method, body, jsonRpcErrorIn(body));
}

/**
 * The error a caller sees for an HTTP failure of the message `mcpMethod`: the server's own JSON-RPC error
 * when it sent one, otherwise a description of the HTTP status.
 */
export function toMcpError(error: HttpStatusError, mcpMethod: string): McpError {
  const httpData = {
    httpStatus: error.status,
    url: error.url.href,
    ...(error.wwwAuthenticate === undefined ? {} : { wwwAuthenticate: error.wwwAuthenticate }),
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  };
  if (error.rpcError !== undefined) {
    const data =
      error.rpcError.data === undefined
        ? httpData
        : isRecord(error.rpcError.data)
          ? { ...error.rpcError.data, ...httpData }
          : error.rpcError.data;
    return new McpError(error.rpcError.code, error.rpcError.message, { data, cause: error });
  }
  const body = error.bodySnippet.trim();
  return new McpError(
    codeForStatus(error.status),
    `The server answered "${mcpMethod}" with HTTP ${error.status} (${error.method} ${error.url.href})` +
      `${body === '' ? '' : `: ${oneLine(body)}`}. ${adviceFor(error)}`,
    {
      data: {
        ...httpData,
        ...(body === '' ? {} : { body }),
      },
      cause: error,
    },
  );
}

/** A fetch that rejected: the server could not be reached at all. */
export function unreachable(error: unknown, url: URL, method: string, mcpMethod: string): McpError {
  const reason = error instanceof Error ? describeFetchFailure(error) : String(error);
  return new McpError(
    McpErrorCode.ConnectionClosed,
    `Could not reach the MCP server to send "${mcpMethod}" (${method} ${url.href}): ${reason}. ` +
      'Check the URL and that the server is running and reachable.',
    { data: { url: url.href }, cause: error },
  );
}

/** The `error` (and id) of a body that is a JSON-RPC error response; `undefined` for anything else. */
export function jsonRpcErrorIn(
  body: string,
): { error: JsonRpcErrorObject; id: RequestId | null | undefined } | undefined {
  if (body.length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || value.jsonrpc !== '2.0' || !isRecord(value.error)) return undefined;
  const { code, message } = value.error;
  if (typeof code !== 'number' || !Number.isInteger(code) || typeof message !== 'string') return undefined;
  const error: JsonRpcErrorObject = { code, message };
  if (value.error.data !== undefined) error.data = value.error.data;
  const id = value.id;
  return { error, id: typeof id === 'string' || typeof id === 'number' || id === null ? id : undefined };
}

/** Reads at most `limit` bytes of a body as text and releases the rest. */
export async function readBoundedText(response: Response, limit: number): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body that breaks while we read an error page adds nothing worth reporting.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(Math.min(size, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, Math.min(chunk.byteLength, bytes.length - offset));
    bytes.set(part, offset);
    offset += part.byteLength;
    if (offset === bytes.length) break;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * `Retry-After` (RFC 9110 §10.2.3) as ms from now: delay-seconds or an HTTP date; `undefined` when absent or
 * malformed. A date in the past means "now".
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date) || !/[a-z]/i.test(trimmed)) return undefined;
  return Math.max(0, date - now);
}

function codeForStatus(status: number): number {
  if (status === 404 || status === 405) return McpErrorCode.MethodNotFound;
  if (status === 400 || status === 406 || status === 415 || status === 422)
    return McpErrorCode.InvalidRequest;
  return McpErrorCode.InternalError;
}

function adviceFor(error: HttpStatusError): string {
  switch (error.status) {
    case 401:
      return 'The server wants credentials: pass an `auth` option (a token hook or an OAuth provider).';
    case 403:
      return error.wwwAuthenticate?.includes('insufficient_scope') === true
        ? 'The token lacks a scope the server requires (see data.wwwAuthenticate).'
        : 'The server refused the request (a bad Origin, or credentials without access).';
    case 404:
    case 405:
      return 'Check that the URL is the MCP endpoint of the server.';
    case 413:
      return 'The message is larger than the server accepts.';
    case 429:
      return 'The server is rate limiting; retry later.';
    default:
      return error.status >= 500 ? 'The server failed; retry later or check its logs.' : 'Check the request.';
  }
}

function describeFetchFailure(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message !== '') return `${error.message} (${cause.message})`;
  return error.message;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
