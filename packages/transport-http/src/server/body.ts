/**
 * The checks every POST goes through before its body is looked at: Accept (406), Content-Type (415), size (413),
 * then the JSON-RPC parse (400).
 */
import { type JsonRpcMessage, parseJsonRpcMessage } from '@pmcp/jsonrpc';
import { ErrorCode } from '@pmcp/types';
import { decodingStream, requestCoding, SUPPORTED_CODINGS } from '../shared/content-coding.ts';
import { errorResponse } from './responses.ts';

export type BodyResult = { ok: true; message: JsonRpcMessage } | { ok: false; response: Response };

function mediaTypes(header: string): string[] {
  return header
    .split(',')
    .map((part) => (part.split(';')[0] ?? '').trim().toLowerCase())
    .filter((type) => type.length > 0);
}

/** Whether the Accept header lists `type` itself or a wildcard that covers it. */
export function accepts(header: string | null, type: string): boolean {
  if (header === null) return false;
  const [major] = type.split('/');
  return mediaTypes(header).some((listed) => listed === type || listed === '*/*' || listed === `${major}/*`);
}

/** A 406 when a POST's Accept header does not list both JSON and SSE, as every MCP client must. */
export function checkPostAccept(request: Request): Response | undefined {
  const accept = request.headers.get('accept');
  if (accepts(accept, 'application/json') && accepts(accept, 'text/event-stream')) return undefined;
  return errorResponse(
    406,
    ErrorCode.InvalidRequest,
    `Not Acceptable: the Accept header must list both application/json and text/event-stream (got ${JSON.stringify(accept ?? '')}), because the server answers either way.`,
  );
}

/** A 415 unless the body is declared as JSON. */
export function checkContentType(request: Request): Response | undefined {
  const contentType = request.headers.get('content-type');
  const type = contentType === null ? undefined : mediaTypes(contentType)[0];
  if (type === 'application/json') return undefined;
  return errorResponse(
    415,
    ErrorCode.InvalidRequest,
    `Unsupported Media Type: send the JSON-RPC message with Content-Type: application/json (got ${JSON.stringify(contentType ?? '')}).`,
  );
}

function tooLarge(limit: number): Response {
  return errorResponse(
    413,
    ErrorCode.InvalidRequest,
    `Payload Too Large: the request body exceeds ${limit} bytes, the most this server accepts for one message.`,
  );
}

/** Reads at most `limit` bytes, without buffering more than that whatever the client sends. */
async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array | undefined> {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel(new Error('request body too large')).catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Reads and parses one JSON-RPC message, answering every way it can be wrong with the right status and code. */
export async function readMessage(request: Request, limit: number): Promise<BodyResult> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) {
    return { ok: false, response: tooLarge(limit) };
  }
  const contentEncoding = request.headers.get('content-encoding');
  const coding = requestCoding(contentEncoding);
  if (coding === undefined) {
    return {
      ok: false,
      response: errorResponse(
        415,
        ErrorCode.InvalidRequest,
        `Unsupported Media Type: this server decodes request bodies sent with Content-Encoding ${SUPPORTED_CODINGS.join(' or ')} (or none), not ${JSON.stringify(contentEncoding)}.`,
        { headers: { 'Accept-Encoding': SUPPORTED_CODINGS.join(', ') } },
      ),
    };
  }
  let bytes: Uint8Array | undefined;
  try {
    // The limit applies to the decoded bytes: a small compressed body cannot make the server buffer more.
    const body =
      coding === 'identity' || request.body === null ? request.body : decodingStream(request.body, coding);
    bytes = await readLimited(body, limit);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      response: errorResponse(
        400,
        ErrorCode.ParseError,
        coding === 'identity'
          ? `Parse error: the request body could not be read (${reason}).`
          : `Parse error: the request body is not valid ${coding} data (${reason}); compress it whole, or send it without Content-Encoding.`,
      ),
    };
  }
  if (bytes === undefined) return { ok: false, response: tooLarge(limit) };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return {
      ok: false,
      response: errorResponse(400, ErrorCode.ParseError, 'Parse error: the request body is not valid UTF-8.'),
    };
  }
  if (text.trim() === '') {
    return {
      ok: false,
      response: errorResponse(
        400,
        ErrorCode.ParseError,
        'Parse error: the request body is empty; POST exactly one JSON-RPC message.',
      ),
    };
  }
  const parsed = parseJsonRpcMessage(text);
  if (parsed.ok) return { ok: true, message: parsed.message };
  return {
    ok: false,
    response: errorResponse(400, parsed.error.code, parsed.error.message, {
      id: parsed.error.reply.id ?? undefined,
    }),
  };
}
