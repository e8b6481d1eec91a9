/** The user-agent step without a user: for test servers and pre-approved consent. */
import { OAuthError } from './errors.ts';
import type { RedirectToAuthorization } from './provider.ts';
import type { OAuthFetch } from './types.ts';

/**
 * A {@link RedirectToAuthorization} that needs no browser: it fetches the authorization URL without following
 * redirects and returns the `Location` the authorization server answers with. It works only with servers that
 * redirect at once (test servers, consent granted beforehand) and only server-side: browsers hide the
 * `Location` of a manual redirect.
 *
 * @example
 * ```ts
 * import { createHeadlessAuthorizer, createOAuthClientProvider } from '@pmcp/auth';
 *
 * const provider = createOAuthClientProvider({
 *   serverUrl: 'http://127.0.0.1:3000/mcp',
 *   redirectUrl: 'http://127.0.0.1/callback',
 *   redirectToAuthorization: createHeadlessAuthorizer(),
 * });
 * ```
 */
export function createHeadlessAuthorizer(options?: { fetch?: OAuthFetch }): RedirectToAuthorization {
  const fetchFn: OAuthFetch = options?.fetch ?? ((input, init) => fetch(input, init));
  return async (authorizationUrl) => {
    const response = await fetchFn(authorizationUrl, { method: 'GET', redirect: 'manual' });
    const location = response.headers.get('location');
    await response.body?.cancel().catch(() => undefined);
    if (response.status < 300 || response.status > 399 || location === null) {
      throw new OAuthError(
        'invalid_callback',
        `The authorization endpoint ${authorizationUrl.origin}${authorizationUrl.pathname} answered HTTP ${response.status} instead of redirecting; a headless authorization needs a server that redirects at once. Use a redirectToAuthorization that involves the user.`,
      );
    }
    return new URL(location, authorizationUrl).href;
  };
}
