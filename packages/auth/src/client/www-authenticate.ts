/** The `WWW-Authenticate` header (RFC 9110 §11.6.1) as the OAuth client reads it. */

/**
 * One challenge of a `WWW-Authenticate` header: its scheme, its parameters (names lower-cased, values with
 * quoting and escapes removed) and, for schemes that use one, its `token68`.
 *
 * @example
 * ```ts
 * import type { AuthChallenge } from '@pmcp/auth';
 *
 * const challenge: AuthChallenge = { scheme: 'Bearer', params: { scope: 'files:read', error: 'insufficient_scope' } };
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1
 */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
  token68?: string;
}

/**
 * What an MCP client takes from a Bearer challenge (RFC 6750 §3, RFC 9728 §5.1).
 *
 * @example
 * ```ts
 * import { readBearerChallenge, type BearerChallenge } from '@pmcp/auth';
 *
 * const challenge: BearerChallenge = readBearerChallenge('Bearer error="insufficient_scope", scope="a b"');
 * challenge.scope; // 'a b'
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#scope-challenge-handling
 */
export interface BearerChallenge {
  /** `resource_metadata`: where the Protected Resource Metadata lives. */
  resourceMetadata?: string;
  /** `scope`: the scopes the server wants (space-separated). */
  scope?: string;
  /** `error`: e.g. `invalid_token`, `insufficient_scope`. */
  error?: string;
  /** `error_description`. */
  errorDescription?: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

/**
 * Parses a `WWW-Authenticate` header value into its challenges, per the RFC 9110 grammar: several challenges
 * separated by commas, each with either a `token68` or comma-separated `name=value` parameters whose values
 * may be quoted strings with backslash escapes. Malformed parts are skipped rather than thrown on: a header
 * is advice, and what could be read is still useful.
 *
 * @example
 * ```ts
 * import { parseWwwAuthenticate } from '@pmcp/auth';
 *
 * parseWwwAuthenticate('Basic realm="x", Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource"');
 * // [{ scheme: 'Basic', params: { realm: 'x' } }, { scheme: 'Bearer', params: { resource_metadata: '…' } }]
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let pos = 0;
  const n = header.length;
  const skipWhitespace = (): void => {
    while (pos < n && (header[pos] === ' ' || header[pos] === '\t')) pos++;
  };
  const skipSeparators = (): void => {
    while (pos < n && (header[pos] === ' ' || header[pos] === '\t' || header[pos] === ',')) pos++;
  };
  const readToken = (): string => {
    const start = pos;
    while (pos < n && TCHAR.test(header[pos] as string)) pos++;
    return header.slice(start, pos);
  };
  const readQuoted = (): string => {
    pos++; // opening quote
    let value = '';
    while (pos < n) {
      const char = header[pos] as string;
      if (char === '\\' && pos + 1 < n) {
        value += header[pos + 1];
        pos += 2;
      } else if (char === '"') {
        pos++;
        return value;
      } else {
        value += char;
        pos++;
      }
    }
    return value;
  };
  /** Skips whatever cannot be parsed up to the next comma, so one bad parameter does not lose the rest. */
  const skipJunk = (): void => {
    while (pos < n && header[pos] !== ',') {
      if (header[pos] === '"') readQuoted();
      else pos++;
    }
  };

  let current: AuthChallenge | undefined;
  while (pos < n) {
    skipSeparators();
    if (pos >= n) break;
    const token = readToken();
    if (token === '') {
      skipJunk();
      continue;
    }
    const afterToken = pos;
    skipWhitespace();
    if (current !== undefined && header[pos] === '=') {
      // After a comma, `name=value` continues the current challenge and a bare token starts a new one.
      pos++;
      skipWhitespace();
      if (header[pos] === '"') setParam(current, token, readQuoted());
      else {
        const value = readToken();
        if (value !== '') setParam(current, token, value);
        else skipJunk();
      }
      continue;
    }
    // A new challenge: `scheme`, then either a token68 or the first parameter.
    pos = afterToken;
    current = { scheme: token, params: {} };
    challenges.push(current);
    if (pos >= n || header[pos] === ',') continue;
    skipWhitespace();
    const valueStart = pos;
    while (pos < n && TOKEN68_CHAR.test(header[pos] as string)) pos++;
    const candidateEnd = pos;
    while (pos < n && header[pos] === '=') pos++;
    const equalsEnd = pos;
    skipWhitespace();
    if (candidateEnd > valueStart && (pos >= n || header[pos] === ',')) {
      // Nothing follows, so this is a token68 (an empty `name=` parameter would be invalid anyway).
      current.token68 = header.slice(valueStart, equalsEnd);
      continue;
    }
    pos = valueStart;
  }
  return challenges;
}

function setParam(challenge: AuthChallenge, name: string, value: string): void {
  const key = name.toLowerCase();
  // RFC 9110: each parameter name MUST occur only once per challenge; the first one wins.
  if (!(key in challenge.params)) challenge.params[key] = value;
}

/**
 * The Bearer challenge of a `WWW-Authenticate` header (the first one, scheme matched ignoring case), reduced
 * to what the OAuth client uses. An absent header or one without a Bearer challenge gives `{}`.
 *
 * @example
 * ```ts
 * import { readBearerChallenge } from '@pmcp/auth';
 *
 * const { resourceMetadata, scope } = readBearerChallenge(response.headers.get('www-authenticate'));
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-5.1
 */
export function readBearerChallenge(header: string | null | undefined): BearerChallenge {
  if (header === null || header === undefined) return {};
  const bearer = parseWwwAuthenticate(header).find(
    (challenge) => challenge.scheme.toLowerCase() === 'bearer',
  );
  if (bearer === undefined) return {};
  const result: BearerChallenge = {};
  const { resource_metadata, scope, error, error_description } = bearer.params;
  if (resource_metadata !== undefined) result.resourceMetadata = resource_metadata;
  if (scope !== undefined) result.scope = scope;
  if (error !== undefined) result.error = error;
  if (error_description !== undefined) result.errorDescription = error_description;
  return result;
}
