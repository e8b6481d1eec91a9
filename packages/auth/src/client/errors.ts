/** The error type of the OAuth client: what the authorization server refused, or what the client could not accept. */

// Symbol.for, not Symbol(): two installed copies of @pmcp/auth must recognise each other's errors.
const BRAND: unique symbol = /* @__PURE__ */ Symbol.for('pmcp.auth.OAuthError') as never;

/**
 * Why an OAuth step failed. The codes of RFC 6749 §5.2 and RFC 7591 §3.2.2 (`invalid_grant`, `invalid_client`,
 * `invalid_client_metadata`, …) come from the authorization server as they are; the others are the client's own
 * verdicts on what it was given.
 *
 * @example
 * ```ts
 * import type { OAuthErrorCode } from '@pmcp/auth';
 *
 * const retryable = (code: OAuthErrorCode): boolean => code === 'temporarily_unavailable';
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization
 */
export type OAuthErrorCode =
  /** No Protected Resource Metadata or authorization server metadata could be fetched or used. */
  | 'discovery_failed'
  /** The Protected Resource Metadata names a resource other than the MCP server being accessed. */
  | 'resource_mismatch'
  /** Authorization server metadata whose `issuer` is not the issuer it was discovered for. */
  | 'issuer_mismatch'
  /** The authorization server does not advertise PKCE with S256. */
  | 'pkce_unsupported'
  /** No way to obtain a client_id: no pre-registered client, no usable CIMD URL, no registration endpoint. */
  | 'registration_unavailable'
  /** The authorization response's `state` does not belong to a flow this client started. */
  | 'state_mismatch'
  /** RFC 9207: the authorization response's `iss` is missing although required, or names another issuer. */
  | 'iss_mismatch'
  /** The user agent step returned nothing usable (no `code`, not a URL). */
  | 'invalid_callback'
  /** The authorization server answered with something that is not a valid OAuth response. */
  | 'invalid_response'
  /** Repeated step-up authorization did not satisfy the server. */
  | 'insufficient_scope'
  | (string & {});

/**
 * A failed OAuth step. `code` is the OAuth error code (the authorization server's own, or one of the client's
 * verdicts listed in {@link OAuthErrorCode}), `description` the server's `error_description` when it sent one, and
 * the message says what to fix. `instanceof` works across duplicate installs of `@pmcp/auth`.
 *
 * @example
 * ```ts
 * import { OAuthError } from '@pmcp/auth';
 *
 * try {
 *   await provider.authorize();
 * } catch (error) {
 *   if (error instanceof OAuthError && error.code === 'invalid_grant') await provider.signOut();
 *   else throw error;
 * }
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-5.2
 */
export class OAuthError extends Error {
  /** The OAuth error code. */
  readonly code: OAuthErrorCode;
  /** The authorization server's `error_description`, when it sent one. */
  readonly description: string | undefined;
  /** The authorization server's `error_uri`, when it sent one. */
  readonly uri: string | undefined;
  /** The HTTP status of the response that carried the error, when there was one. */
  readonly status: number | undefined;

  constructor(
    code: OAuthErrorCode,
    message: string,
    options?: { description?: string; uri?: string; status?: number; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OAuthError';
    this.code = code;
    this.description = options?.description;
    this.uri = options?.uri;
    this.status = options?.status;
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class right of `instanceof`, maybe a subclass.
    return isBrandedInstance(this, value);
  }
}

function isBrandedInstance(target: Function, value: unknown): boolean {
  if (Function.prototype[Symbol.hasInstance].call(target, value)) return true;
  // A user's own subclass is checked the ordinary way; only OAuthError accepts the brand of another copy.
  return (
    target === OAuthError &&
    typeof value === 'object' &&
    value !== null &&
    (value as { [BRAND]?: unknown })[BRAND] === true
  );
}

/**
 * Whether a value is an {@link OAuthError}, from this or any other copy of `@pmcp/auth`.
 *
 * @example
 * ```ts
 * import { isOAuthError } from '@pmcp/auth';
 *
 * const describe = (error: unknown): string => (isOAuthError(error) ? `OAuth ${error.code}` : String(error));
 * ```
 */
export function isOAuthError(value: unknown): value is OAuthError {
  return value instanceof OAuthError;
}

/** An error for a refused OAuth request, from its RFC 6749 §5.2 body when it has one. */
export async function oauthErrorFromResponse(response: Response, what: string): Promise<OAuthError> {
  let body: unknown;
  const text = await response.text().catch(() => '');
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const code = typeof record.error === 'string' ? record.error : 'invalid_response';
  const description = typeof record.error_description === 'string' ? record.error_description : undefined;
  const uri = typeof record.error_uri === 'string' ? record.error_uri : undefined;
  const detail =
    typeof record.error === 'string'
      ? `${code}${description === undefined ? '' : `: ${description}`}`
      : `HTTP ${response.status} ${text.slice(0, 200)}`.trim();
  const options: { description?: string; uri?: string; status: number } = { status: response.status };
  if (description !== undefined) options.description = description;
  if (uri !== undefined) options.uri = uri;
  return new OAuthError(code, `${what} failed: ${detail}`, options);
}
