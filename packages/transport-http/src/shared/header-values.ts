/**
 * The value encoding of MCP's mirrored HTTP headers (`Mcp-Name`, `Mcp-Param-*`): visible ASCII travels as is,
 * anything else as `=?base64?<base64 of the UTF-8 bytes>?=`. Both sides of the transport use it.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#value-encoding
 */

const SENTINEL_PREFIX = '=?base64?';
const SENTINEL_SUFFIX = '?=';
const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The outcome of {@link decodeHeaderValue}: the original value, or why the header cannot be read.
 *
 * @example
 * ```ts
 * import { decodeHeaderValue, type DecodedHeaderValue } from '@pmcp/transport-http';
 *
 * const decoded: DecodedHeaderValue = decodeHeaderValue(request.headers.get('mcp-name') ?? '');
 * if (!decoded.ok) console.error(decoded.reason);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#value-encoding
 */
export type DecodedHeaderValue = { ok: true; value: string } | { ok: false; reason: string };

/**
 * Encodes a value for an `Mcp-Name` or `Mcp-Param-*` header. Integers become decimals and booleans
 * `true`/`false`; a string passes through when it is visible ASCII (inner spaces allowed) without leading or
 * trailing whitespace and does not itself look like the Base64 sentinel, and is sent as
 * `=?base64?…?=` otherwise. A lone UTF-16 surrogate cannot be represented in UTF-8 and arrives as U+FFFD.
 *
 * @throws RangeError for `NaN` and infinities, which have no JSON (and so no body value to mirror).
 * @example
 * ```ts
 * import { encodeHeaderValue } from '@pmcp/transport-http';
 *
 * encodeHeaderValue('us-west1'); // 'us-west1'
 * encodeHeaderValue('Hello, 世界'); // '=?base64?SGVsbG8sIOS4lueVjA==?='
 * encodeHeaderValue(42); // '42'
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#value-encoding
 */
export function encodeHeaderValue(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new RangeError(`encodeHeaderValue(): ${String(value)} cannot be sent; it has no JSON form.`);
    }
    return String(value);
  }
  if (isPlainHeaderSafe(value) && !looksLikeSentinel(value)) return value;
  return `${SENTINEL_PREFIX}${toBase64(new TextEncoder().encode(value))}${SENTINEL_SUFFIX}`;
}

/**
 * Reads an `Mcp-Name` or `Mcp-Param-*` header value as the sender meant it: a `=?base64?…?=` value is decoded
 * (the Base64 must be well formed and the bytes valid UTF-8), any other value must be visible ASCII or inner
 * spaces. Returns data, never throws: the server turns `ok: false` into a `-32020` HeaderMismatch.
 *
 * @example
 * ```ts
 * import { decodeHeaderValue } from '@pmcp/transport-http';
 *
 * decodeHeaderValue('=?base64?SGVsbG8sIOS4lueVjA==?='); // { ok: true, value: 'Hello, 世界' }
 * decodeHeaderValue('=?base64?%%%?='); // { ok: false, reason: '…' }
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#server-validation
 */
export function decodeHeaderValue(raw: string): DecodedHeaderValue {
  if (!looksLikeSentinel(raw)) {
    const bad = firstUnsafeCharacter(raw);
    if (bad === undefined) return { ok: true, value: raw };
    return {
      ok: false,
      reason:
        `the header value contains ${describeCodeUnit(bad)}, which may not appear in a plain value; ` +
        'values with such characters must be sent as =?base64?<Base64 of UTF-8>?=',
    };
  }
  const body = raw.slice(SENTINEL_PREFIX.length, raw.length - SENTINEL_SUFFIX.length);
  if (body.length % 4 === 1 || !BASE64_BODY.test(body) || (body.includes('=') && body.length % 4 !== 0)) {
    return {
      ok: false,
      reason: `the text between =?base64? and ?= is not valid Base64 (${JSON.stringify(truncate(body))})`,
    };
  }
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(body);
  } catch {
    return {
      ok: false,
      reason: `the text between =?base64? and ?= is not valid Base64 (${JSON.stringify(truncate(body))})`,
    };
  }
  try {
    return { ok: true, value: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { ok: false, reason: 'the Base64-encoded header value is not valid UTF-8' };
  }
}

/** Visible ASCII plus inner spaces: what a header can carry without the receiver trimming or rejecting it. */
function isPlainHeaderSafe(value: string): boolean {
  if (value.length === 0) return true;
  if (value.charCodeAt(0) === 0x20 || value.charCodeAt(value.length - 1) === 0x20) return false;
  return firstUnsafeCharacter(value) === undefined;
}

function firstUnsafeCharacter(value: string): number | undefined {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code > 0x7e) return code;
  }
  return undefined;
}

function looksLikeSentinel(value: string): boolean {
  return (
    value.length >= SENTINEL_PREFIX.length + SENTINEL_SUFFIX.length &&
    value.startsWith(SENTINEL_PREFIX) &&
    value.endsWith(SENTINEL_SUFFIX)
  );
}

function describeCodeUnit(code: number): string {
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  return code < 0x20 || code === 0x7f ? `the control character U+${hex}` : `the non-ASCII character U+${hex}`;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

// btoa/atob work on "binary strings"; they exist in browsers, workers, Deno, Bun and Node alike.
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let start = 0; start < bytes.length; start += chunk) {
    binary += String.fromCharCode(...bytes.subarray(start, start + chunk));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}
