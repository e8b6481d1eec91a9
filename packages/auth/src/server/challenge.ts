/**
 * The `WWW-Authenticate: Bearer …` challenge of a protected MCP server (RFC 6750 §3, RFC 9728 §5.1).
 */

/**
 * The parts of a Bearer challenge. Every field is optional; MCP servers send `resourceMetadataUrl` on every
 * challenge and `scope` whenever they know what the request needs.
 *
 * @example
 * ```ts
 * import type { BearerChallengeOptions } from '@pmcp/auth';
 *
 * const options: BearerChallengeOptions = {
 *   resourceMetadataUrl: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
 *   scope: ['notes:read'],
 * };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#scope-selection-strategy
 */
export interface BearerChallengeOptions {
  /** The URL of this server's Protected Resource Metadata (RFC 9728 `resource_metadata`). */
  resourceMetadataUrl?: string | URL;
  /** The scopes the request needs: a list, or one space-separated string. An empty list leaves `scope` out. */
  scope?: string | readonly string[];
  /** The RFC 6750 error code; leave it out when the request carried no credentials at all. */
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | (string & {});
  /**
   * A human-readable explanation. RFC 6750 allows only printable ASCII without `"` and `\` here, so other
   * characters are replaced (`"` by `'`, `\` by `/`, anything else by `?`) rather than refused.
   */
  errorDescription?: string;
  /** The protection space (`realm`), if the server uses several. */
  realm?: string;
}

// RFC 6750 §3: error and error_description allow %x20-21 / %x23-5B / %x5D-7E; a scope-token %x21 / %x23-5B / %x5D-7E.
const ERROR_CODE = /^[\x20\x21\x23-\x5B\x5D-\x7E]+$/;
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
// RFC 9110 quoted-string content (qdtext or quoted-pair), ASCII only so the value stays a valid Headers value.
const QUOTABLE = /^[\t\x20-\x7E]*$/;

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

function fail(message: string): never {
  throw new TypeError(`bearerChallenge: ${message}`);
}

function scopeList(scope: string | readonly string[]): string[] {
  const list = typeof scope === 'string' ? scope.split(' ').filter((token) => token !== '') : [...scope];
  for (const token of list) {
    if (typeof token !== 'string' || !SCOPE_TOKEN.test(token)) {
      fail(
        `scope ${JSON.stringify(token)} is not a valid scope token (printable ASCII without spaces, " or \\; RFC 6749 §3.3)`,
      );
    }
  }
  return list;
}

function describeSafely(description: string): string {
  return description
    .replace(/"/g, "'")
    .replace(/\\/g, '/')
    .replace(/[^\x20-\x7E]/gu, '?');
}

/**
 * Builds the value of a `WWW-Authenticate` header for the Bearer scheme: `Bearer realm="…", error="…",
 * error_description="…", scope="…", resource_metadata="…"` with the parameters given, each correctly quoted.
 *
 * @throws TypeError when `error`, a scope, `realm` or `resourceMetadataUrl` cannot be represented (the message
 *   says which).
 * @example
 * ```ts
 * import { bearerChallenge } from '@pmcp/auth';
 *
 * const challenge = bearerChallenge({
 *   error: 'insufficient_scope',
 *   scope: ['files:read', 'files:write'],
 *   resourceMetadataUrl: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
 * });
 * // Bearer error="insufficient_scope", scope="files:read files:write", resource_metadata="https://…"
 * new Response(null, { status: 403, headers: { 'WWW-Authenticate': challenge } });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-3
 * @see https://datatracker.ietf.org/doc/html/rfc9728#section-5.1
 */
export function bearerChallenge(options: BearerChallengeOptions = {}): string {
  if (typeof options !== 'object' || options === null) fail('options must be an object');
  const params: string[] = [];
  const { realm, error, errorDescription, scope, resourceMetadataUrl } = options;
  if (realm !== undefined) {
    if (typeof realm !== 'string' || !QUOTABLE.test(realm)) {
      fail(`realm must be a string of printable ASCII, got ${JSON.stringify(realm)}`);
    }
    params.push(`realm=${quote(realm)}`);
  }
  if (error !== undefined) {
    if (typeof error !== 'string' || !ERROR_CODE.test(error)) {
      fail(`error must be an RFC 6750 error code such as "invalid_token", got ${JSON.stringify(error)}`);
    }
    params.push(`error=${quote(error)}`);
  }
  if (errorDescription !== undefined) {
    params.push(`error_description=${quote(describeSafely(String(errorDescription)))}`);
  }
  if (scope !== undefined) {
    const list = scopeList(scope);
    if (list.length > 0) params.push(`scope=${quote(list.join(' '))}`);
  }
  if (resourceMetadataUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(resourceMetadataUrl);
    } catch {
      fail(`resourceMetadataUrl must be an absolute URL, got ${JSON.stringify(String(resourceMetadataUrl))}`);
    }
    // The URL serializer percent-encodes quotes and anything outside ASCII, so the value is always quotable.
    params.push(`resource_metadata=${quote(url.href)}`);
  }
  return params.length === 0 ? 'Bearer' : `Bearer ${params.join(', ')}`;
}
