/** @module The resource-server half of @pmcp/auth: bearer tokens, JWT validation, Protected Resource Metadata */
export {
  type AuthInfo,
  InsufficientScopeError,
  InvalidTokenError,
  type TokenVerifier,
} from './auth-info.ts';
export {
  type BearerAuthCors,
  type BearerAuthOptions,
  type BearerProtectedHandler,
  type ProtectedHandler,
  requireBearerAuth,
} from './bearer-auth.ts';
export { type BearerChallengeOptions, bearerChallenge } from './challenge.ts';
export { createJwtVerifier, type JwtVerifierOptions } from './jwt-verifier.ts';
export {
  type ProtectedResourceMetadata,
  type ProtectedResourceMetadataHandler,
  type ProtectedResourceMetadataOptions,
  protectedResourceMetadata,
  protectedResourceMetadataHandler,
  protectedResourceMetadataUrl,
} from './metadata.ts';
