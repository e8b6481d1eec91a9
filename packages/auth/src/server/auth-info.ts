/**
 * What a validated access token says about the caller, the verifier contract, and the two ways a token can be
 * refused.
 */

/**
 * Who a request is authenticated as: the result of validating its bearer token. `requireBearerAuth` hands it to
 * the wrapped handler, which passes it to every message of the request; `@pmcp/server` handlers read it as
 * `ctx.authInfo`.
 *
 * @example
 * ```ts
 * import type { AuthInfo } from '@pmcp/auth';
 *
 * const auth: AuthInfo = {
 *   token: 'eyJhbGciOi…',
 *   subject: 'user-42',
 *   clientId: 'https://app.example.com/client.json',
 *   scopes: ['notes:read'],
 *   expiresAt: 1_767_225_600,
 *   resource: 'https://mcp.example.com/mcp',
 * };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#token-handling
 */
export interface AuthInfo {
  /** The access token itself. Never forward it to another service: get a token of its own for that. */
  readonly token: string;
  /** The OAuth client the token was issued to (`client_id`, else `azp`). */
  readonly clientId?: string;
  /** The resource owner (`sub`): the user, or the client itself for client-credentials tokens. */
  readonly subject?: string;
  /** The scopes granted (from `scope`, space-separated, or `scp`); empty when the token names none. */
  readonly scopes: readonly string[];
  /** When the token expires, in seconds since the Unix epoch (as JWT `exp`). */
  readonly expiresAt?: number;
  /** The resource (audience) the token was issued for: this server's canonical URI. */
  readonly resource?: string;
  /** Every claim of the token, for what the fields above do not cover (roles, tenant, …). */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/**
 * Validates an access token and says who it authenticates. Resolve with the {@link AuthInfo}; reject with an
 * {@link InvalidTokenError} when the token is bad (unknown, expired, revoked, issued for another resource) or an
 * {@link InsufficientScopeError} when it lacks scope. Any other rejection means the token could not be checked
 * right now (an unreachable key set or introspection endpoint): the client gets 503, not a request to
 * re-authorize.
 *
 * @example
 * ```ts
 * import { InvalidTokenError, type TokenVerifier } from '@pmcp/auth';
 *
 * const verifier: TokenVerifier = async (token) => {
 *   const found = await tokens.lookup(token); // your introspection or database
 *   if (found === undefined) throw new InvalidTokenError('The access token is unknown or revoked');
 *   return { token, subject: found.userId, scopes: found.scopes, expiresAt: found.expiresAt };
 * };
 * ```
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1-13#section-5.2
 */
export type TokenVerifier = (token: string) => Promise<AuthInfo>;

// Symbol.for, not Symbol(): two installed copies of @pmcp/auth must recognise each other's errors.
const TOKEN_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('pmcp.auth.TokenError');

type TokenErrorKind = 'InvalidTokenError' | 'InsufficientScopeError';

function brand(error: Error, kind: TokenErrorKind): void {
  Object.defineProperty(error, TOKEN_ERROR_BRAND, { value: kind, configurable: true, enumerable: false });
}

function hasBrand(value: unknown, kind: TokenErrorKind): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [TOKEN_ERROR_BRAND]?: unknown })[TOKEN_ERROR_BRAND] === kind
  );
}

/**
 * The access token is not acceptable: malformed, badly signed, expired, from another issuer or for another
 * resource. `requireBearerAuth` answers 401 with `error="invalid_token"` and the message as
 * `error_description`, so keep it free of secrets. `instanceof` also recognises errors from another installed copy
 * of `@pmcp/auth`.
 *
 * @example
 * ```ts
 * import { InvalidTokenError } from '@pmcp/auth';
 *
 * throw new InvalidTokenError('The access token has expired');
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-3.1
 */
export class InvalidTokenError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      Function.prototype[Symbol.hasInstance].call(InvalidTokenError, value) ||
      hasBrand(value, 'InvalidTokenError')
    );
  }

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidTokenError';
    brand(this, 'InvalidTokenError');
  }
}

/**
 * The token is valid but does not grant what the request needs. `requireBearerAuth` answers 403 with
 * `error="insufficient_scope"` and `scope` naming every scope in `requiredScopes`, so the client can ask for all
 * of them at once (step-up authorization).
 *
 * @example
 * ```ts
 * import { InsufficientScopeError } from '@pmcp/auth';
 *
 * throw new InsufficientScopeError(['notes:read', 'notes:write'], 'Writing notes needs notes:write');
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#runtime-insufficient-scope-errors
 */
export class InsufficientScopeError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      Function.prototype[Symbol.hasInstance].call(InsufficientScopeError, value) ||
      hasBrand(value, 'InsufficientScopeError')
    );
  }

  /** Every scope the operation needs (not only the missing ones). */
  readonly requiredScopes: readonly string[];

  constructor(requiredScopes: readonly string[], message?: string) {
    super(message ?? `The access token lacks a required scope; this needs: ${requiredScopes.join(' ')}`);
    this.name = 'InsufficientScopeError';
    this.requiredScopes = [...requiredScopes];
    brand(this, 'InsufficientScopeError');
  }
}
