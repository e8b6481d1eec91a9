/** The OAuth documents the client reads and writes (the subset of their fields it uses, plus whatever else came). */

/**
 * The `fetch` the OAuth client calls (the global one by default): inject one to trace, proxy or test.
 *
 * @example
 * ```ts
 * import { createOAuthClientProvider, type OAuthFetch } from '@pmcp/auth';
 *
 * const tracing: OAuthFetch = (input, init) => {
 *   console.log(init?.method ?? 'GET', String(input));
 *   return fetch(input, init);
 * };
 * ```
 */
export type OAuthFetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

export type { ProtectedResourceMetadata } from '../server/metadata.ts';

/**
 * RFC 8414 authorization server metadata (or an OpenID Connect discovery document), with the fields MCP uses.
 *
 * @example
 * ```ts
 * import type { AuthorizationServerMetadata } from '@pmcp/auth';
 *
 * const metadata: AuthorizationServerMetadata = {
 *   issuer: 'https://auth.example.com',
 *   authorization_endpoint: 'https://auth.example.com/authorize',
 *   token_endpoint: 'https://auth.example.com/token',
 *   code_challenge_methods_supported: ['S256'],
 * };
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export interface AuthorizationServerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  registration_endpoint?: string;
  scopes_supported?: string[];
  code_challenge_methods_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  grant_types_supported?: string[];
  client_id_metadata_document_supported?: boolean;
  authorization_response_iss_parameter_supported?: boolean;
  [field: string]: unknown;
}

/**
 * How the client authenticates at the token endpoint (RFC 7591 §2).
 *
 * @example
 * ```ts
 * import type { TokenEndpointAuthMethod } from '@pmcp/auth';
 *
 * const method: TokenEndpointAuthMethod = 'client_secret_basic';
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-2
 */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none' | (string & {});

/**
 * A client's identity at one authorization server: pre-registered, registered dynamically (RFC 7591 response),
 * or a Client ID Metadata Document URL as `client_id`.
 *
 * @example
 * ```ts
 * import type { OAuthClientInformation } from '@pmcp/auth';
 *
 * const client: OAuthClientInformation = { client_id: 'my-app', client_secret: 's3cret' };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization/client-registration
 */
export interface OAuthClientInformation {
  client_id: string;
  client_secret?: string;
  /** The method registration settled on; when absent, one is picked from what the server supports. */
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
  client_secret_expires_at?: number;
  [field: string]: unknown;
}

/**
 * Client metadata (RFC 7591 §2) sent in Dynamic Client Registration. Everything is optional here: the provider
 * fills `redirect_uris`, `grant_types`, `response_types`, `token_endpoint_auth_method` and `application_type`.
 *
 * @example
 * ```ts
 * import type { OAuthClientMetadata } from '@pmcp/auth';
 *
 * const metadata: OAuthClientMetadata = { client_name: 'My MCP app', client_uri: 'https://app.example.com' };
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-2
 */
export interface OAuthClientMetadata {
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  redirect_uris?: string[];
  grant_types?: string[];
  response_types?: string[];
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
  application_type?: 'native' | 'web';
  scope?: string;
  software_id?: string;
  software_version?: string;
  [field: string]: unknown;
}

/**
 * Tokens as the provider stores them: the token response plus the issuer that issued them (credentials are
 * bound to one authorization server), the absolute expiry, and the scopes granted.
 *
 * @example
 * ```ts
 * import type { StoredOAuthTokens } from '@pmcp/auth';
 *
 * const tokens: StoredOAuthTokens = {
 *   access_token: 'eyJ…',
 *   token_type: 'Bearer',
 *   issuer: 'https://auth.example.com',
 *   resource: 'https://mcp.example.com/mcp',
 *   expires_at: Date.now() + 3_600_000,
 * };
 * ```
 */
export interface StoredOAuthTokens {
  access_token: string;
  token_type: string;
  refresh_token?: string;
  /** Milliseconds since the epoch; absent when the server did not say. */
  expires_at?: number;
  /** The scopes granted (the requested ones when the server's response did not list them). */
  scope?: string;
  issuer: string;
  /** The `resource` the tokens were requested for. */
  resource: string;
}

/**
 * What the provider remembers between sending the user to the authorization endpoint and the redirect back,
 * keyed by `state`: enough to finish the flow in another page load or process.
 *
 * @example
 * ```ts
 * import type { PendingAuthorization } from '@pmcp/auth';
 *
 * const pending: PendingAuthorization = {
 *   codeVerifier: '…', issuer: 'https://auth.example.com', resource: 'https://mcp.example.com/mcp',
 *   redirectUri: 'http://127.0.0.1:8765/callback', clientId: 'my-app', createdAt: Date.now(),
 * };
 * ```
 */
export interface PendingAuthorization {
  codeVerifier: string;
  issuer: string;
  resource: string;
  redirectUri: string;
  clientId: string;
  scope?: string;
  createdAt: number;
}
