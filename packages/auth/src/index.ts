/**
 * @module @pmcp/auth
 * OAuth 2.1 for MCP over HTTP: the client side (an auth provider for `httpClientTransport`) and the resource-server
 * side (bearer-token validation, Protected Resource Metadata, `WWW-Authenticate` challenges).
 */

// --- OAuth client -----------------------------------------------------------------------------------------------
export {
  type AuthChallenge,
  type AuthorizationServerMetadata,
  authorizationServerMetadataUrls,
  type BearerChallenge,
  base64url,
  canonicalResourceUri,
  createHeadlessAuthorizer,
  createInMemoryOAuthStorage,
  createOAuthClientProvider,
  createPkcePair,
  discoverAuthorizationServerMetadata,
  discoverProtectedResourceMetadata,
  isOAuthError,
  isResourceAllowed,
  type OAuthAccessToken,
  type OAuthClientInformation,
  type OAuthClientMetadata,
  OAuthClientProvider,
  type OAuthClientProviderOptions,
  OAuthError,
  type OAuthErrorCode,
  type OAuthFetch,
  type OAuthStorage,
  type PendingAuthorization,
  type PkcePair,
  parseWwwAuthenticate,
  protectedResourceMetadataUrls,
  type RedirectToAuthorization,
  readBearerChallenge,
  type StoredOAuthTokens,
  s256CodeChallenge,
  selectScopes,
  selectTokenEndpointAuthMethod,
  type TokenEndpointAuthMethod,
  type UnauthorizedContext,
  unionScopes,
} from './client/index.ts';

// --- Resource server -------------------------------------------------------------------------------------------
export {
  type AuthInfo,
  type BearerAuthCors,
  type BearerAuthOptions,
  type BearerChallengeOptions,
  type BearerProtectedHandler,
  bearerChallenge,
  createJwtVerifier,
  InsufficientScopeError,
  InvalidTokenError,
  type JwtVerifierOptions,
  type ProtectedHandler,
  type ProtectedResourceMetadata,
  type ProtectedResourceMetadataHandler,
  type ProtectedResourceMetadataOptions,
  protectedResourceMetadata,
  protectedResourceMetadataHandler,
  protectedResourceMetadataUrl,
  requireBearerAuth,
  type TokenVerifier,
} from './server/index.ts';
