/**
 * The sealed `requestState` of Multi Round-Trip Requests. The client echoes it verbatim, so it is
 * attacker-controlled input: the payload is HMAC-SHA-256 signed (Web Crypto, so it runs everywhere) and bound to
 * the originating request (method, tool/prompt/resource, a digest of the arguments, optionally the principal) and
 * an expiry. Anything that fails a check is refused with `-32602` before a handler runs.
 */
import { McpError } from '@pmcp/jsonrpc';
import { ErrorCode } from '@pmcp/types';

/**
 * HMAC key material for `requestState`: a string (UTF-8) or bytes, at least 32 bytes long.
 *
 * @example
 * ```ts
 * import { createServer, type RequestStateKey } from '@pmcp/server';
 *
 * const requestStateKey: RequestStateKey = 'a secret of at least 32 bytes, shared by every instance';
 * const server = createServer({ name: 'pay', version: '1.0.0' }, { requestStateKey });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/mrtr#security-considerations
 */
export type RequestStateKey = string | Uint8Array;

/** What a state is bound to: the request it was issued for. */
export interface RequestStateBinding {
  /** `tools/call`, `prompts/get` or `resources/read`. */
  readonly method: string;
  /** The tool or prompt name, or the resource URI. */
  readonly target: string;
  /** {@link digestJson} of the request's arguments. */
  readonly argumentsDigest: string;
  /** The authenticated principal, when the server binds one. */
  readonly subject: string | undefined;
}

/** One answer carried from an earlier round, with the digest of the question it answered. */
export interface CarriedAnswer {
  readonly questionDigest: string;
  readonly value: unknown;
}

/** What the server keeps between rounds. */
export interface RequestStateContent {
  /** Answers of earlier rounds, by input key. */
  readonly answers: Readonly<Record<string, CarriedAnswer>>;
  /** The digest of every question sent in the latest `inputRequests`, by input key. */
  readonly asked: Readonly<Record<string, string>>;
  /** Values a handler kept with `ctx.remember`. */
  readonly memory: Readonly<Record<string, unknown>>;
}

/** Seals and opens request states with one server's keys. */
export interface RequestStateCodec {
  seal(binding: RequestStateBinding, content: RequestStateContent): Promise<string>;
  /** Verifies and decodes; throws `McpError(-32602)` with `data.reason` when the state cannot be trusted. */
  open(token: string, binding: RequestStateBinding): Promise<RequestStateContent>;
}

/** Settings of {@link createRequestStateCodec}. */
export interface RequestStateCodecOptions {
  /** Signing key first; the others are still accepted (key rotation). Empty: a random key of this process. */
  readonly keys: readonly RequestStateKey[];
  /** How long a state stays valid, in milliseconds. */
  readonly ttlMs: number;
  /** The clock, for tests. */
  readonly now?: () => number;
}

/** Why a state was refused; in `error.data.reason`. */
export type RequestStateRejection = 'malformed' | 'tampered' | 'expired' | 'foreign';

const VERSION_PREFIX = 'v1';
const MIN_KEY_BYTES = 32;

interface SealedPayload {
  m: string;
  t: string;
  d: string;
  u?: string;
  x: number;
  r: Record<string, { h: string; v: unknown }>;
  q: Record<string, string>;
  s: Record<string, unknown>;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(encoded: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(encoded)) return undefined;
  try {
    const binary = atob(encoded.replaceAll('-', '+').replaceAll('_', '/'));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function keyBytes(key: RequestStateKey, index: number): Uint8Array<ArrayBuffer> {
  const bytes = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`createServer options.requestStateKey[${index}] must be a string or a Uint8Array`);
  }
  if (bytes.byteLength < MIN_KEY_BYTES) {
    throw new TypeError(
      `createServer options.requestStateKey must be at least ${MIN_KEY_BYTES} bytes long (got ${bytes.byteLength}); ` +
        'use a long random secret, e.g. 32 bytes from crypto.getRandomValues',
    );
  }
  return new Uint8Array(bytes);
}

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** SHA-256 of the canonical JSON of `value`, base64url. */
export async function digestJson(value: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalJson(value));
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}

function reject(reason: RequestStateRejection, detail: string): McpError {
  return new McpError(
    ErrorCode.InvalidParams,
    `Invalid requestState: ${detail}. Send the original request again without requestState and inputResponses.`,
    { data: { reason } },
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSealedPayload(value: unknown): value is SealedPayload {
  if (!isRecord(value)) return false;
  const { m, t, d, u, x, r, q, s } = value;
  return (
    typeof m === 'string' &&
    typeof t === 'string' &&
    typeof d === 'string' &&
    (u === undefined || typeof u === 'string') &&
    typeof x === 'number' &&
    isRecord(r) &&
    Object.values(r).every((answer) => isRecord(answer) && typeof answer.h === 'string') &&
    isRecord(q) &&
    Object.values(q).every((digest) => typeof digest === 'string') &&
    isRecord(s)
  );
}

function describeTarget(binding: RequestStateBinding): string {
  return `${binding.method} ${JSON.stringify(binding.target)}`;
}

/**
 * Creates the codec of one server. Keys are imported lazily on first use; with no key given, a random one is made
 * then, so states do not survive a restart and are not accepted by other instances (set `requestStateKey` when
 * several instances serve the same clients).
 */
export function createRequestStateCodec(options: RequestStateCodecOptions): RequestStateCodec {
  const material = options.keys.map(keyBytes);
  const now = options.now ?? (() => Date.now());
  let imported: Promise<CryptoKey[]> | undefined;

  const cryptoKeys = (): Promise<CryptoKey[]> => {
    imported ??= Promise.all(
      (material.length > 0 ? material : [crypto.getRandomValues(new Uint8Array(MIN_KEY_BYTES))]).map(
        (bytes) =>
          crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']),
      ),
    );
    return imported;
  };

  return {
    async seal(binding, content) {
      const payload: SealedPayload = {
        m: binding.method,
        t: binding.target,
        d: binding.argumentsDigest,
        x: now() + options.ttlMs,
        r: Object.fromEntries(
          Object.entries(content.answers).map(([key, answer]) => [
            key,
            { h: answer.questionDigest, v: answer.value },
          ]),
        ),
        q: { ...content.asked },
        s: { ...content.memory },
      };
      if (binding.subject !== undefined) payload.u = binding.subject;
      const body = `${VERSION_PREFIX}.${toBase64Url(new TextEncoder().encode(JSON.stringify(payload)))}`;
      const [signingKey] = await cryptoKeys();
      if (signingKey === undefined) throw new Error('requestState: no signing key');
      const mac = await crypto.subtle.sign('HMAC', signingKey, new TextEncoder().encode(body));
      return `${body}.${toBase64Url(new Uint8Array(mac))}`;
    },

    async open(token, binding) {
      const parts = token.split('.');
      const [version, encodedPayload, encodedMac] = parts;
      if (
        parts.length !== 3 ||
        version !== VERSION_PREFIX ||
        encodedPayload === undefined ||
        encodedMac === undefined
      ) {
        throw reject('malformed', 'it was not issued by this server');
      }
      const mac = fromBase64Url(encodedMac);
      const payloadBytes = fromBase64Url(encodedPayload);
      // Re-encoding must give back the same text: base64 has several spellings of some byte strings.
      if (
        mac === undefined ||
        payloadBytes === undefined ||
        toBase64Url(mac) !== encodedMac ||
        toBase64Url(payloadBytes) !== encodedPayload
      ) {
        throw reject('malformed', 'it was not issued by this server');
      }
      const signed = new TextEncoder().encode(`${version}.${encodedPayload}`);
      let verified = false;
      for (const key of await cryptoKeys()) {
        if (await crypto.subtle.verify('HMAC', key, new Uint8Array(mac), signed)) {
          verified = true;
          break;
        }
      }
      if (!verified) {
        throw reject(
          'tampered',
          'the integrity check failed (it was modified, or issued by another server or with another key)',
        );
      }
      let payload: unknown;
      try {
        payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payloadBytes));
      } catch {
        throw reject('malformed', 'its content is unreadable');
      }
      if (!isSealedPayload(payload)) throw reject('malformed', 'its content is unreadable');
      if (now() > payload.x) {
        throw reject('expired', `it expired at ${new Date(payload.x).toISOString()}`);
      }
      if (payload.m !== binding.method || payload.t !== binding.target) {
        throw reject(
          'foreign',
          `it was issued for ${payload.m} ${JSON.stringify(payload.t)}, not for ${describeTarget(binding)}`,
        );
      }
      if (payload.d !== binding.argumentsDigest) {
        throw reject('foreign', `it was issued for ${describeTarget(binding)} with other arguments`);
      }
      if (payload.u !== binding.subject) {
        throw reject('foreign', 'it was issued to another principal');
      }
      return {
        answers: Object.fromEntries(
          Object.entries(payload.r).map(([key, answer]) => [
            key,
            { questionDigest: answer.h, value: answer.v },
          ]),
        ),
        asked: payload.q,
        memory: payload.s,
      };
    },
  };
}
