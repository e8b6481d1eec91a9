/** Which scopes to ask for (MCP's scope selection strategy). */

/**
 * The scopes of the first authorization request, in the spec's order: the challenge's `scope`, else every scope
 * of the Protected Resource Metadata's `scopes_supported`, else none (`undefined`: omit `scope`).
 *
 * @example
 * ```ts
 * import { selectScopes } from '@pmcp/auth';
 *
 * selectScopes('files:read', ['files:read', 'files:write']); // 'files:read'
 * selectScopes(undefined, ['files:read', 'files:write']); // 'files:read files:write'
 * selectScopes(undefined, undefined); // undefined
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#scope-selection-strategy
 */
export function selectScopes(
  challengeScope: string | undefined,
  scopesSupported: readonly string[] | undefined,
): string | undefined {
  const fromChallenge = splitScopes(challengeScope);
  if (fromChallenge.length > 0) return fromChallenge.join(' ');
  const supported = (scopesSupported ?? []).filter((scope) => scope !== '');
  return supported.length > 0 ? supported.join(' ') : undefined;
}

/**
 * The union of scope strings, in first-seen order without duplicates: what a step-up re-authorization asks
 * for, so that the scopes already granted are not lost. `undefined` when there are none.
 *
 * @example
 * ```ts
 * import { unionScopes } from '@pmcp/auth';
 *
 * unionScopes('mcp:basic', 'mcp:write mcp:basic'); // 'mcp:basic mcp:write'
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#scope-challenge-handling
 */
export function unionScopes(...scopes: (string | undefined)[]): string | undefined {
  const all = new Set(scopes.flatMap(splitScopes));
  return all.size > 0 ? [...all].join(' ') : undefined;
}

/** The scope tokens of a space-separated scope string. */
export function splitScopes(scope: string | undefined): string[] {
  return scope === undefined ? [] : scope.split(/\s+/).filter((token) => token !== '');
}
