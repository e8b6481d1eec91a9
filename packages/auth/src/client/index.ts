/** The OAuth 2.1 client half of @pmcp/auth. */
export {
  ClientCredentialsProvider,
  type ClientCredentialsProviderOptions,
  createClientCredentialsProvider,
} from './client-credentials.ts';
export {
  authorizationServerMetadataUrls,
  discoverAuthorizationServerMetadata,
  discoverProtectedResourceMetadata,
  protectedResourceMetadataUrls,
} from './discovery.ts';
export { isOAuthError, OAuthError, type OAuthErrorCode } from './errors.ts';
export { createHeadlessAuthorizer } from './headless.ts';
export { base64url, createPkcePair, type PkcePair, s256CodeChallenge } from './pkce.ts';
export {
  createOAuthClientProvider,
  type OAuthAccessToken,
  OAuthClientProvider,
  type OAuthClientProviderOptions,
  type RedirectToAuthorization,
  type UnauthorizedContext,
} from './provider.ts';
export { canonicalResourceUri, isResourceAllowed } from './resource.ts';
export { selectScopes, unionScopes } from './scopes.ts';
export { createInMemoryOAuthStorage, type OAuthStorage } from './storage.ts';
export { selectTokenEndpointAuthMethod } from './token-endpoint.ts';
export type {
  AuthorizationServerMetadata,
  OAuthClientInformation,
  OAuthClientMetadata,
  OAuthFetch,
  PendingAuthorization,
  ProtectedResourceMetadata,
  StoredOAuthTokens,
  TokenEndpointAuthMethod,
} from './types.ts';
export {
  type AuthChallenge,
  type BearerChallenge,
  parseWwwAuthenticate,
  readBearerChallenge,
} from './www-authenticate.ts';
