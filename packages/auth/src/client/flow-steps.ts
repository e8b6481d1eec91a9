/** Steps every OAuth client flow here shares: finding the resource's metadata, and storing a token response. */
import { discoverProtectedResourceMetadata } from './discovery.ts';
import { OAuthError } from './errors.ts';
import { isResourceAllowed } from './resource.ts';
import type { TokenResponse } from './token-endpoint.ts';
import type { OAuthFetch, ProtectedResourceMetadata, StoredOAuthTokens } from './types.ts';
import type { BearerChallenge } from './www-authenticate.ts';

/** Tokens are treated as expired this long before the server says, so a request never carries a dying one. */
const EXPIRY_MARGIN_MS = 30_000;

/** The Protected Resource Metadata of the MCP server, refused when it names another resource (RFC 9728 §3.3). */
export async function resourceMetadataFor(
  serverUrl: URL,
  serverUri: string,
  challenge: BearerChallenge,
  fetchFn: OAuthFetch,
): Promise<ProtectedResourceMetadata> {
  const options: { resourceMetadata?: string; fetch: OAuthFetch } = { fetch: fetchFn };
  if (challenge.resourceMetadata !== undefined) options.resourceMetadata = challenge.resourceMetadata;
  const prm = await discoverProtectedResourceMetadata(serverUrl, options);
  if (!isResourceAllowed(serverUrl, prm.resource)) {
    throw new OAuthError(
      'resource_mismatch',
      `The Protected Resource Metadata of ${serverUri} names the resource ${JSON.stringify(prm.resource)}, which is not this server; refusing to request tokens for it (RFC 9728 §3.3). Check the server's metadata or the URL you connect to.`,
    );
  }
  return prm;
}

/** A token response as stored: the expiry made absolute (with a margin), the granted scope filled in. */
export function storedTokens(
  response: TokenResponse,
  issuer: string,
  resource: string,
  requestedScope: string | undefined,
  now: number,
): StoredOAuthTokens {
  const tokens: StoredOAuthTokens = {
    access_token: response.access_token,
    token_type: response.token_type,
    issuer,
    resource,
  };
  if (response.refresh_token !== undefined) tokens.refresh_token = response.refresh_token;
  // RFC 6749 §5.1: an omitted scope means the requested one was granted.
  const scope = response.scope ?? requestedScope;
  if (scope !== undefined) tokens.scope = scope;
  if (response.expires_in !== undefined) {
    const lifetime = response.expires_in * 1000;
    tokens.expires_at = now + lifetime - Math.min(EXPIRY_MARGIN_MS, lifetime / 2);
  }
  return tokens;
}
