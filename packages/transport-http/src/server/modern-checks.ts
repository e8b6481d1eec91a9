/**
 * Validation of a 2026-07-28 request against its HTTP headers, before the server sees it: the required `_meta`
 * fields (-32602), then `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` and `Mcp-Param-*` against the body
 * (-32020). Intermediaries route on these headers, so a request whose headers say something else than its body
 * must never run.
 *
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#server-validation
 */
import type { JsonRpcNotification, JsonRpcRequest } from '@pmcp/jsonrpc';
import { ErrorCode, MetaKey } from '@pmcp/types';
import { decodeHeaderValue } from '../shared/header-values.ts';
import type { HeaderParam } from '../shared/mcp-headers.ts';

/** Why a request is refused: always HTTP 400, with this JSON-RPC code and message. */
export interface CheckFailure {
  code: number;
  message: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mismatch(message: string): CheckFailure {
  return { code: ErrorCode.HeaderMismatch, message: `Header mismatch: ${message}` };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a ${typeof value}`;
}

/** The protocol version a request's `_meta` claims, if it claims one (whatever its type). */
export function metaVersionOf(message: JsonRpcRequest | JsonRpcNotification): unknown {
  const meta = message.params?._meta;
  if (!isPlainObject(meta) || !(MetaKey.ProtocolVersion in meta)) return undefined;
  return meta[MetaKey.ProtocolVersion];
}

/** The required `_meta` fields of a modern request: a missing or malformed one is -32602 with HTTP 400. */
export function checkRequestMeta(message: JsonRpcRequest): CheckFailure | undefined {
  const meta = message.params?._meta;
  const hint = `every ${'2026-07-28'} request carries params._meta with "${MetaKey.ProtocolVersion}" and "${MetaKey.ClientCapabilities}" ({} for none)`;
  if (meta === undefined) {
    return { code: ErrorCode.InvalidParams, message: `Invalid params: missing params._meta; ${hint}` };
  }
  if (!isPlainObject(meta)) {
    return {
      code: ErrorCode.InvalidParams,
      message: `Invalid params: params._meta must be an object, got ${describe(meta)}`,
    };
  }
  const version = meta[MetaKey.ProtocolVersion];
  if (typeof version !== 'string') {
    return {
      code: ErrorCode.InvalidParams,
      message:
        version === undefined
          ? `Invalid params: missing params._meta["${MetaKey.ProtocolVersion}"]; ${hint}`
          : `Invalid params: params._meta["${MetaKey.ProtocolVersion}"] must be a string, got ${describe(version)}`,
    };
  }
  const capabilities = meta[MetaKey.ClientCapabilities];
  if (!isPlainObject(capabilities)) {
    return {
      code: ErrorCode.InvalidParams,
      message:
        capabilities === undefined
          ? `Invalid params: missing params._meta["${MetaKey.ClientCapabilities}"]; ${hint}`
          : `Invalid params: params._meta["${MetaKey.ClientCapabilities}"] must be an object, got ${describe(capabilities)}`,
    };
  }
  return undefined;
}

const SENTINEL_PREFIX = '=?base64?';
const SENTINEL_SUFFIX = '?=';

/**
 * `decodeHeaderValue`, plus the strictness the conformance suite asks of servers: an encoded value must be
 * padded Base64 (`=?base64?SGVsbG8?=` is refused, not read as "Hello").
 */
function decodeStrict(raw: string): ReturnType<typeof decodeHeaderValue> {
  if (
    raw.startsWith(SENTINEL_PREFIX) &&
    raw.endsWith(SENTINEL_SUFFIX) &&
    raw.length >= SENTINEL_PREFIX.length + SENTINEL_SUFFIX.length
  ) {
    const body = raw.slice(SENTINEL_PREFIX.length, raw.length - SENTINEL_SUFFIX.length);
    if (body.length % 4 !== 0) {
      return {
        ok: false,
        reason: `the text between =?base64? and ?= is not padded Base64 (its length ${body.length} is not a multiple of 4)`,
      };
    }
  }
  return decodeHeaderValue(raw);
}

/** `headers.get` with the whitespace HTTP allows around a value removed. */
function header(headers: Headers, name: string): string | undefined {
  const value = headers.get(name);
  return value === null ? undefined : value.trim();
}

/** The standard headers: `MCP-Protocol-Version` (requests), `Mcp-Method`, and `Mcp-Name` where the method has one. */
export function checkStandardHeaders(
  message: JsonRpcRequest | JsonRpcNotification,
  headers: Headers,
): CheckFailure | undefined {
  const isRequest = 'id' in message;
  const version = header(headers, 'mcp-protocol-version');
  const metaVersion = metaVersionOf(message);
  if (isRequest) {
    if (version === undefined) {
      return mismatch(
        `the MCP-Protocol-Version header is missing; it is required on every request and must equal params._meta["${MetaKey.ProtocolVersion}"]`,
      );
    }
    if (typeof metaVersion === 'string' && metaVersion !== version) {
      return mismatch(
        `MCP-Protocol-Version header value '${version}' does not match body value '${metaVersion}' (params._meta["${MetaKey.ProtocolVersion}"])`,
      );
    }
  }
  const method = header(headers, 'mcp-method');
  if (method === undefined) {
    if (isRequest)
      return mismatch(
        `the Mcp-Method header is missing; it must repeat the body's method ('${message.method}')`,
      );
  } else if (method !== message.method) {
    return mismatch(`Mcp-Method header value '${method}' does not match body value '${message.method}'`);
  }
  if (!isRequest) return undefined;
  const source = nameSourceOf(message.method);
  if (source === undefined) return undefined;
  const raw = header(headers, 'mcp-name');
  const bodyValue = message.params?.[source];
  if (raw === undefined) {
    if (bodyValue === undefined) return undefined;
    return mismatch(
      `the Mcp-Name header is missing; ${message.method} requests must repeat params.${source} in it`,
    );
  }
  const decoded = decodeStrict(raw);
  if (!decoded.ok) return mismatch(`Mcp-Name: ${decoded.reason}`);
  if (decoded.value !== bodyValue) {
    return mismatch(
      `Mcp-Name header value '${decoded.value}' does not match body value ${describe(bodyValue)} (params.${source})`,
    );
  }
  return undefined;
}

function nameSourceOf(method: string): 'name' | 'uri' | undefined {
  if (method === 'tools/call' || method === 'prompts/get') return 'name';
  if (method === 'resources/read') return 'uri';
  return undefined;
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let current = root;
  for (const key of path) {
    if (!isPlainObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

function headerMatchesValue(decoded: string, value: unknown): boolean {
  if (typeof value === 'string') return decoded === value;
  if (typeof value === 'boolean') return decoded === String(value);
  if (typeof value === 'number') {
    // Integers compare numerically, so "42.0" stands for 42 as the spec suggests.
    return /^[+-]?\d+(\.0*)?$/.test(decoded) && Number(decoded) === value;
  }
  return false;
}

/** `Mcp-Param-*` headers of a `tools/call` against the arguments its tool mirrors (`x-mcp-header`). */
export function checkParamHeaders(
  message: JsonRpcRequest,
  params: readonly HeaderParam[],
  headers: Headers,
): CheckFailure | undefined {
  const args = message.params?.arguments;
  for (const param of params) {
    const name = `Mcp-Param-${param.header}`;
    const raw = header(headers, name);
    const value = valueAt(args, param.path);
    const where = `arguments.${param.path.join('.')}`;
    if (value === undefined || value === null) {
      if (raw === undefined) continue;
      return mismatch(
        `${name} header is present but ${where} has no value in the body; omit the header or send the argument`,
      );
    }
    if (raw === undefined) {
      return mismatch(
        `the ${name} header is missing; the tool mirrors ${where} into it (x-mcp-header), so it must be sent whenever that argument has a value`,
      );
    }
    const decoded = decodeStrict(raw);
    if (!decoded.ok) return mismatch(`${name}: ${decoded.reason}`);
    if (!headerMatchesValue(decoded.value, value)) {
      return mismatch(
        `${name} header value '${decoded.value}' does not match body value ${describe(value)} (${where})`,
      );
    }
  }
  return undefined;
}
