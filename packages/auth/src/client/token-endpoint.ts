/** Token endpoint requests (authorization code, refresh, client credentials) with client authentication, and Dynamic Client Registration. */
import { OAuthError, oauthErrorFromResponse } from './errors.ts';
import type {
  AuthorizationServerMetadata,
  OAuthClientInformation,
  OAuthClientMetadata,
  OAuthFetch,
  TokenEndpointAuthMethod,
} from './types.ts';

/**
 * How to authenticate at the token endpoint: the method registration settled on, if any; otherwise, for a
 * client with a secret, `client_secret_basic` unless the server lists only `client_secret_post` (RFC 8414's
 * default, when the list is absent, is `client_secret_basic`); for a client without one, `none`.
 *
 * @example
 * ```ts
 * import { selectTokenEndpointAuthMethod } from '@pmcp/auth';
 *
 * selectTokenEndpointAuthMethod(
 *   { client_id: 'app', client_secret: 's' },
 *   { token_endpoint_auth_methods_supported: ['client_secret_post'] },
 * ); // 'client_secret_post'
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export function selectTokenEndpointAuthMethod(
  client: OAuthClientInformation,
  metadata: Pick<AuthorizationServerMetadata, 'token_endpoint_auth_methods_supported'>,
): TokenEndpointAuthMethod {
  if (client.token_endpoint_auth_method !== undefined) return client.token_endpoint_auth_method;
  if (client.client_secret === undefined) return 'none';
  const supported = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  if (supported.includes('client_secret_basic')) return 'client_secret_basic';
  if (supported.includes('client_secret_post')) return 'client_secret_post';
  return 'client_secret_basic';
}

/** RFC 6749 §2.3.1: the Basic credentials are form-urlencoded before base64. */
function basicCredentials(clientId: string, secret: string): string {
  const encode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);
  const bytes = new TextEncoder().encode(`${encode(clientId)}:${encode(secret)}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

/** RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
}

/** Posts a token request with the client's authentication and reads the answer. */
export async function requestToken(
  fetchFn: OAuthFetch,
  metadata: AuthorizationServerMetadata,
  client: OAuthClientInformation,
  grant: Record<string, string>,
  clientAssertion?: string,
): Promise<TokenResponse> {
  const body = new URLSearchParams(grant);
  const headers = new Headers({
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  });
  const method =
    clientAssertion === undefined ? selectTokenEndpointAuthMethod(client, metadata) : 'private_key_jwt';
  if (clientAssertion !== undefined) {
    // RFC 7523 §2.2: the signed assertion authenticates the client; client_id is optional and sent for clarity.
    body.set('client_id', client.client_id);
    body.set('client_assertion_type', JWT_BEARER_ASSERTION);
    body.set('client_assertion', clientAssertion);
  } else if (method === 'client_secret_basic' && client.client_secret !== undefined) {
    headers.set('Authorization', basicCredentials(client.client_id, client.client_secret));
  } else if (method === 'client_secret_post' && client.client_secret !== undefined) {
    body.set('client_id', client.client_id);
    body.set('client_secret', client.client_secret);
  } else {
    body.set('client_id', client.client_id);
  }
  const what = `The ${grant.grant_type} token request to ${metadata.token_endpoint}`;
  let response: Response;
  try {
    response = await fetchFn(metadata.token_endpoint, { method: 'POST', headers, body: body.toString() });
  } catch (error) {
    throw new OAuthError('invalid_response', `${what} could not be sent: ${describe(error)}`, {
      cause: error,
    });
  }
  if (!response.ok) throw await oauthErrorFromResponse(response, what);
  const parsed = await readJsonObject(response, what);
  if (typeof parsed.access_token !== 'string' || parsed.access_token === '') {
    throw new OAuthError('invalid_response', `${what} returned no access_token.`);
  }
  if (typeof parsed.token_type !== 'string') {
    throw new OAuthError('invalid_response', `${what} returned no token_type.`);
  }
  const tokens: TokenResponse = { access_token: parsed.access_token, token_type: parsed.token_type };
  if (typeof parsed.expires_in === 'number' && Number.isFinite(parsed.expires_in)) {
    tokens.expires_in = parsed.expires_in;
  }
  if (typeof parsed.refresh_token === 'string' && parsed.refresh_token !== '') {
    tokens.refresh_token = parsed.refresh_token;
  }
  if (typeof parsed.scope === 'string') tokens.scope = parsed.scope;
  return tokens;
}

/** RFC 7591 Dynamic Client Registration: posts the client metadata, returns the issued client information. */
export async function registerClient(
  fetchFn: OAuthFetch,
  metadata: AuthorizationServerMetadata,
  clientMetadata: OAuthClientMetadata,
): Promise<OAuthClientInformation> {
  const endpoint = metadata.registration_endpoint;
  if (endpoint === undefined) {
    throw new OAuthError('registration_unavailable', `${metadata.issuer} has no registration_endpoint.`);
  }
  const what = `Dynamic client registration at ${endpoint}`;
  let response: Response;
  try {
    response = await fetchFn(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(clientMetadata),
    });
  } catch (error) {
    throw new OAuthError('invalid_response', `${what} could not be sent: ${describe(error)}`, {
      cause: error,
    });
  }
  if (!response.ok) throw await oauthErrorFromResponse(response, what);
  const parsed = await readJsonObject(response, what);
  if (typeof parsed.client_id !== 'string' || parsed.client_id === '') {
    throw new OAuthError('invalid_response', `${what} returned no client_id.`);
  }
  return parsed as OAuthClientInformation;
}

async function readJsonObject(response: Response, what: string): Promise<Record<string, unknown>> {
  const text = await response.text();
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new OAuthError(
    'invalid_response',
    `${what} answered with something that is not a JSON object: ${text.slice(0, 200)}`,
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
