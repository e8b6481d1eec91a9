/**
 * A {@link TokenVerifier} for JWT access tokens (RFC 9068 and the common variants), on `jose`: signature from a
 * JWKS URL, a local key set or one key; issuer, expiry and, above all, audience — the token must have been issued
 * for this MCP server (RFC 8707).
 */
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { type AuthInfo, InsufficientScopeError, InvalidTokenError, type TokenVerifier } from './auth-info.ts';

/**
 * Options of {@link createJwtVerifier}. Give exactly one of `jwksUrl`, `jwks` and `key`.
 *
 * @example
 * ```ts
 * import type { JwtVerifierOptions } from '@pmcp/auth';
 *
 * const options: JwtVerifierOptions = {
 *   issuer: 'https://auth.example.com',
 *   audience: 'https://mcp.example.com/mcp',
 *   jwksUrl: 'https://auth.example.com/.well-known/jwks.json',
 *   algorithms: ['RS256', 'ES256'],
 * };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#token-handling
 */
export interface JwtVerifierOptions {
  /** The authorization server's issuer identifier (`iss` must equal it exactly), or several accepted ones. */
  issuer: string | readonly string[];
  /**
   * This MCP server's canonical URI — the resource clients request tokens for. `aud` must name it (or one of
   * several). Scheme and host case, a default port and a trailing slash do not matter.
   */
  audience: string | URL | readonly (string | URL)[];
  /** Where the authorization server publishes its signing keys (its metadata's `jwks_uri`). Fetched and cached. */
  jwksUrl?: string | URL;
  /** The signing keys themselves, as a JSON Web Key Set. */
  jwks?: JSONWebKeySet;
  /** One verification key: a `CryptoKey`, a public JWK, or the shared secret of an HMAC algorithm. */
  key?: CryptoKey | JWK | Uint8Array;
  /** The JWS algorithms accepted (`['RS256']`). Default: whatever fits the key; `none` is never accepted. */
  algorithms?: readonly string[];
  /** Scopes every token must carry; a token without one of them is refused with 403 `insufficient_scope`. */
  requiredScopes?: readonly string[];
  /** The `typ` header the tokens must have, such as `'at+jwt'` (RFC 9068). Default: not checked. */
  typ?: string;
  /** Seconds of clock skew tolerated when checking `exp` and `nbf`. Default 0. */
  clockTolerance?: number;
}

/** jose error codes that mean "this token is not acceptable"; any other failure is ours (keys unreachable, …). */
const TOKEN_FAILURES: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
]);

function fail(message: string): never {
  throw new TypeError(`createJwtVerifier: ${message}`);
}

/** A resource URI as RFC 8707 compares it: parsed (so scheme and host case and default ports vanish), no trailing slash. */
function resourceKey(value: string): string {
  try {
    const url = new URL(value);
    const path = url.pathname.replace(/\/+$/, '');
    return `${url.protocol}//${url.host}${path}${url.search}`;
  } catch {
    return value;
  }
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(' ').filter((item) => item !== '');
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  return undefined;
}

function scopesOf(payload: JWTPayload): string[] {
  return stringList(payload.scope) ?? stringList(payload.scp) ?? [];
}

function keyResolver(options: JwtVerifierOptions): JWTVerifyGetKey | CryptoKey | JWK | Uint8Array {
  const given = [options.jwksUrl, options.jwks, options.key].filter((value) => value !== undefined);
  if (given.length !== 1) {
    fail(
      `give exactly one of jwksUrl, jwks and key (got ${given.length === 0 ? 'none' : 'several'}): the verifier needs the authorization server's signing keys`,
    );
  }
  if (options.jwksUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(options.jwksUrl);
    } catch {
      fail(`jwksUrl must be an absolute URL, got ${JSON.stringify(String(options.jwksUrl))}`);
    }
    return createRemoteJWKSet(url);
  }
  if (options.jwks !== undefined) {
    if (typeof options.jwks !== 'object' || options.jwks === null || !Array.isArray(options.jwks.keys)) {
      fail('jwks must be a JSON Web Key Set: an object with a "keys" array');
    }
    return createLocalJWKSet(options.jwks);
  }
  return options.key as CryptoKey | JWK | Uint8Array;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Creates a verifier for JWT access tokens. A token is accepted only when its signature checks out against the
 * configured keys, `iss` is the issuer, `aud` names this server (RFC 8707: tokens for other resources are refused,
 * never passed through), it carries `exp` and has not expired (nor is it used before `nbf`), and it has every
 * `requiredScopes` entry. The {@link AuthInfo} takes `sub` as `subject`, `client_id` (or `azp`) as `clientId`,
 * `scope` (space-separated) or `scp` as `scopes`, `exp` as `expiresAt`, the matched audience as `resource`, and
 * every claim as `claims`.
 *
 * Failures: a bad token rejects with {@link InvalidTokenError}, missing scope with {@link InsufficientScopeError},
 * and an unreachable or broken key set with a plain `Error` (`requireBearerAuth` answers 503 then, so clients do
 * not re-authorize for nothing).
 *
 * @throws TypeError when the options are invalid (the message names the field).
 * @example
 * ```ts
 * import { createJwtVerifier, requireBearerAuth } from '@pmcp/auth';
 *
 * const verifier = createJwtVerifier({
 *   issuer: 'https://auth.example.com',
 *   audience: 'https://mcp.example.com/mcp',
 *   jwksUrl: 'https://auth.example.com/.well-known/jwks.json',
 * });
 * const auth = await verifier(token); // { subject, clientId, scopes, expiresAt, resource, claims, token }
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#token-handling
 * @see https://datatracker.ietf.org/doc/html/rfc9068
 */
export function createJwtVerifier(options: JwtVerifierOptions): TokenVerifier {
  if (typeof options !== 'object' || options === null) fail('options must be an object');
  const issuers = typeof options.issuer === 'string' ? [options.issuer] : options.issuer;
  if (
    !Array.isArray(issuers) ||
    issuers.length === 0 ||
    !issuers.every((item) => typeof item === 'string' && item)
  ) {
    fail('issuer must be the issuer identifier of the authorization server (a non-empty string, or a list)');
  }
  const audienceList: readonly (string | URL)[] =
    typeof options.audience === 'string' || options.audience instanceof URL
      ? [options.audience]
      : options.audience;
  if (
    !Array.isArray(audienceList) ||
    audienceList.length === 0 ||
    !audienceList.every((item) => (typeof item === 'string' && item !== '') || item instanceof URL)
  ) {
    fail("audience must be this server's canonical URI (a non-empty string or URL, or a list)");
  }
  const audiences = new Map(audienceList.map((item) => [resourceKey(String(item)), String(item)]));
  const required = options.requiredScopes ?? [];
  if (!Array.isArray(required) || !required.every((scope) => typeof scope === 'string' && scope !== '')) {
    fail('requiredScopes must be an array of non-empty strings');
  }
  const key = keyResolver(options);
  const verifyOptions = {
    issuer: [...issuers],
    requiredClaims: ['exp'],
    ...(options.algorithms === undefined ? {} : { algorithms: [...options.algorithms] }),
    ...(options.typ === undefined ? {} : { typ: options.typ }),
    ...(options.clockTolerance === undefined ? {} : { clockTolerance: options.clockTolerance }),
  };

  return async (token: string): Promise<AuthInfo> => {
    if (typeof token !== 'string' || token === '') throw new InvalidTokenError('The access token is empty');
    let payload: JWTPayload;
    try {
      // Two calls because jose types the key forms apart; the options are the same.
      const verified =
        typeof key === 'function'
          ? await jwtVerify(token, key, verifyOptions)
          : await jwtVerify(token, key, verifyOptions);
      payload = verified.payload;
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && TOKEN_FAILURES.has(code)) {
        throw new InvalidTokenError(
          code === 'ERR_JWT_EXPIRED'
            ? 'The access token has expired'
            : `The access token was rejected: ${describe(error)}`,
          { cause: error },
        );
      }
      throw new Error(`Could not verify the access token: ${describe(error)}`, { cause: error });
    }
    const tokenAudiences = stringList(payload.aud);
    let resource: string | undefined;
    for (const candidate of tokenAudiences ?? []) {
      resource = audiences.get(resourceKey(candidate));
      if (resource !== undefined) break;
    }
    if (resource === undefined) {
      throw new InvalidTokenError(
        tokenAudiences === undefined || tokenAudiences.length === 0
          ? 'The access token has no audience (aud); it must be issued for this server'
          : 'The access token was issued for another resource (aud); request one for this server',
      );
    }
    const scopes = scopesOf(payload);
    if (required.some((scope) => !scopes.includes(scope))) throw new InsufficientScopeError(required);
    const clientId =
      typeof payload.client_id === 'string'
        ? payload.client_id
        : typeof payload.azp === 'string'
          ? payload.azp
          : undefined;
    return {
      token,
      scopes,
      resource,
      claims: payload,
      ...(typeof payload.sub === 'string' ? { subject: payload.sub } : {}),
      ...(clientId === undefined ? {} : { clientId }),
      ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp } : {}),
    };
  };
}
