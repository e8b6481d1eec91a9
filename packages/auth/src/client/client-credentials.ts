/**
 * The OAuth client credentials grant for MCP (the `io.modelcontextprotocol/oauth-client-credentials` extension,
 * SEP-1046): a service authenticates as itself, with a client secret or a private key (RFC 7523 `private_key_jwt`),
 * and no user or browser is involved.
 */
import { importPKCS8, SignJWT } from 'jose';
import { discoverAuthorizationServerMetadata } from './discovery.ts';
import { OAuthError } from './errors.ts';
import { resourceMetadataFor, storedTokens } from './flow-steps.ts';
import { randomToken } from './pkce.ts';
import type { OAuthAccessToken, UnauthorizedContext } from './provider.ts';
import { canonicalResourceUri } from './resource.ts';
import { selectScopes, splitScopes, unionScopes } from './scopes.ts';
import { createInMemoryOAuthStorage, type OAuthStorage } from './storage.ts';
import { requestToken } from './token-endpoint.ts';
import type {
  AuthorizationServerMetadata,
  OAuthClientInformation,
  OAuthFetch,
  ProtectedResourceMetadata,
  StoredOAuthTokens,
} from './types.ts';
import { type BearerChallenge, readBearerChallenge } from './www-authenticate.ts';

/**
 * Options of {@link createClientCredentialsProvider}: the client's identity at the authorization server, with
 * exactly one of `clientSecret` and `privateKey`.
 *
 * @example
 * ```ts
 * import { createClientCredentialsProvider, type ClientCredentialsProviderOptions } from '@pmcp/auth';
 *
 * const options: ClientCredentialsProviderOptions = {
 *   serverUrl: 'https://mcp.example.com/mcp',
 *   clientId: 'nightly-report-job',
 *   privateKey: process.env.MCP_CLIENT_KEY_PEM!,
 *   signingAlgorithm: 'ES256',
 * };
 * const provider = createClientCredentialsProvider(options);
 * ```
 */
export interface ClientCredentialsProviderOptions {
  /** The MCP server's URL (the transport's URL). */
  serverUrl: string | URL;
  /** The client_id the authorization server issued to this service. */
  clientId: string;
  /** The client secret: sent with `client_secret_basic`, or `client_secret_post` when that is all the server takes. */
  clientSecret?: string;
  /**
   * A private key for `private_key_jwt` (RFC 7523): PKCS#8 PEM text or a `CryptoKey`. The provider signs a short-lived
   * assertion with it for every token request.
   */
  privateKey?: string | CryptoKey;
  /** The JWS algorithm of `privateKey` (`RS256`, `ES256`, `EdDSA`…). Default `RS256`. */
  signingAlgorithm?: string;
  /** The assertion's `aud`: the authorization server's `issuer` (default) or its `token_endpoint`. */
  assertionAudience?: 'issuer' | 'token_endpoint';
  /** Scopes to ask for; default the challenge's `scope`, else the resource metadata's `scopes_supported`. */
  scope?: string;
  /** Where tokens are kept; default in memory. */
  storage?: OAuthStorage;
  /** The `fetch` for discovery and token requests; default the global one. */
  fetch?: OAuthFetch;
  /** How many times one set of scopes is requested again after `insufficient_scope` (default 3). */
  maxStepUpAttempts?: number;
  /** The clock, in milliseconds since the epoch (for tests); default `Date.now`. */
  now?: () => number;
}

const ASSERTION_LIFETIME_SECONDS = 60;

/**
 * An `HttpAuthProvider` for `httpClientTransport(url, { auth })` that obtains tokens with the client credentials
 * grant. Create it with {@link createClientCredentialsProvider}.
 *
 * @example
 * ```ts
 * import { createClientCredentialsProvider, type ClientCredentialsProvider } from '@pmcp/auth';
 *
 * const provider: ClientCredentialsProvider = createClientCredentialsProvider({
 *   serverUrl: 'https://mcp.example.com/mcp',
 *   clientId: 'ci-bot',
 *   clientSecret: process.env.MCP_CLIENT_SECRET!,
 * });
 * await provider.authorize(); // optional: get a token before the first request
 * ```
 */
export class ClientCredentialsProvider {
  /** The canonical URI of the MCP server: the key of its tokens in storage. */
  readonly serverUri: string;
  readonly #options: ClientCredentialsProviderOptions;
  readonly #serverUrl: URL;
  readonly #storage: OAuthStorage;
  readonly #fetch: OAuthFetch;
  readonly #now: () => number;
  readonly #stepUpAttempts = new Map<string, number>();
  #metadata: Promise<{ prm: ProtectedResourceMetadata; as: AuthorizationServerMetadata }> | undefined;
  #signingKey: Promise<CryptoKey> | undefined;
  #inFlight: Promise<boolean> | undefined;

  constructor(options: ClientCredentialsProviderOptions) {
    checkOptions(options);
    this.#options = options;
    this.serverUri = canonicalResourceUri(options.serverUrl);
    this.#serverUrl = new URL(options.serverUrl);
    this.#storage = options.storage ?? createInMemoryOAuthStorage();
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#now = options.now ?? Date.now;
  }

  /**
   * The access token to send. An expired one is replaced first (the grant is simply run again: client credentials
   * issue no refresh tokens) once the server's metadata is known; before that, `undefined`, so the first request
   * goes without and the server's 401 starts the grant.
   */
  async tokens(): Promise<OAuthAccessToken | undefined> {
    let stored = await this.#storage.getTokens(this.serverUri);
    if (stored !== undefined && stored.expires_at !== undefined && this.#now() >= stored.expires_at) {
      stored = undefined;
      if (this.#metadata !== undefined && (await this.#shared(() => this.#grant({}))) === true) {
        stored = await this.#storage.getTokens(this.serverUri);
      }
    }
    return stored === undefined
      ? undefined
      : { access_token: stored.access_token, token_type: stored.token_type };
  }

  /**
   * Handles a refused request: a 401 runs the grant; a 403 `insufficient_scope` runs it again with the union of the
   * granted and the demanded scopes (at most `maxStepUpAttempts` times per scope set, and not at all when the token
   * already holds them). Resolves `true` when new tokens are ready, so the transport retries once.
   */
  onUnauthorized(context: UnauthorizedContext): Promise<boolean> {
    const challenge = readBearerChallenge(context.response.headers.get('www-authenticate'));
    return this.#shared(async () => {
      if (context.response.status !== 403) return this.#grant({ challenge });
      const current = await this.#storage.getTokens(this.serverUri);
      const demanded = splitScopes(challenge.scope);
      const granted = splitScopes(current?.scope);
      if (demanded.length > 0 && demanded.every((scope) => granted.includes(scope))) return false;
      const scope = unionScopes(current?.scope, challenge.scope);
      const attempts = (this.#stepUpAttempts.get(scope ?? '') ?? 0) + 1;
      if (attempts > (this.#options.maxStepUpAttempts ?? 3)) return false;
      this.#stepUpAttempts.set(scope ?? '', attempts);
      return this.#grant(scope === undefined ? { challenge } : { challenge, scope });
    });
  }

  /**
   * Runs the grant now, without waiting for a challenge; pass a refusal's `WWW-Authenticate` value to use its
   * `resource_metadata` and `scope`. Resolves `true` once tokens are stored.
   */
  authorize(options?: { wwwAuthenticate?: string | null; scope?: string }): Promise<boolean> {
    const challenge = readBearerChallenge(options?.wwwAuthenticate);
    return this.#shared(() =>
      this.#grant(options?.scope === undefined ? { challenge } : { challenge, scope: options.scope }),
    );
  }

  /** Forgets this server's tokens. */
  async signOut(): Promise<void> {
    await this.#storage.setTokens(this.serverUri, undefined);
  }

  /** Concurrent refusals share one grant. */
  #shared(run: () => Promise<boolean>): Promise<boolean> {
    if (this.#inFlight !== undefined) return this.#inFlight;
    const running = run().finally(() => {
      if (this.#inFlight === running) this.#inFlight = undefined;
    });
    this.#inFlight = running;
    return running;
  }

  async #grant(options: { challenge?: BearerChallenge; scope?: string }): Promise<boolean> {
    const challenge = options.challenge ?? {};
    if (this.#metadata === undefined || challenge.resourceMetadata !== undefined) {
      const discovering = this.#discover(challenge);
      this.#metadata = discovering;
      discovering.catch(() => {
        if (this.#metadata === discovering) this.#metadata = undefined;
      });
    }
    const { prm, as } = await this.#metadata;
    const grants = as.grant_types_supported;
    if (grants !== undefined && !grants.includes('client_credentials')) {
      throw new OAuthError(
        'unsupported_grant_type',
        `The authorization server ${as.issuer} does not offer the client_credentials grant (its grant_types_supported is ${JSON.stringify(grants)}); use createOAuthClientProvider for a user-facing client.`,
      );
    }
    const scope = options.scope ?? this.#options.scope ?? selectScopes(challenge.scope, prm.scopes_supported);
    const grant: Record<string, string> = { grant_type: 'client_credentials', resource: prm.resource };
    if (scope !== undefined) grant.scope = scope;
    const client: OAuthClientInformation = { client_id: this.#options.clientId };
    if (this.#options.clientSecret !== undefined) client.client_secret = this.#options.clientSecret;
    const assertion = this.#options.privateKey === undefined ? undefined : await this.#assertion(as);
    const response = await requestToken(this.#fetch, as, client, grant, assertion);
    const tokens: StoredOAuthTokens = storedTokens(response, as.issuer, prm.resource, scope, this.#now());
    await this.#storage.setTokens(this.serverUri, tokens);
    return true;
  }

  async #discover(
    challenge: BearerChallenge,
  ): Promise<{ prm: ProtectedResourceMetadata; as: AuthorizationServerMetadata }> {
    const prm = await resourceMetadataFor(this.#serverUrl, this.serverUri, challenge, this.#fetch);
    const issuer = prm.authorization_servers[0] as string;
    const as = await discoverAuthorizationServerMetadata(issuer, { fetch: this.#fetch });
    return { prm, as };
  }

  /** RFC 7523 §3: iss = sub = client_id, aud = the authorization server, a unique jti, a short lifetime. */
  async #assertion(as: AuthorizationServerMetadata): Promise<string> {
    const algorithm = this.#options.signingAlgorithm ?? 'RS256';
    this.#signingKey ??= loadKey(this.#options.privateKey as string | CryptoKey, algorithm);
    const key = await this.#signingKey;
    const now = Math.floor(this.#now() / 1000);
    const audience = this.#options.assertionAudience === 'token_endpoint' ? as.token_endpoint : as.issuer;
    return new SignJWT({})
      .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
      .setIssuer(this.#options.clientId)
      .setSubject(this.#options.clientId)
      .setAudience(audience)
      .setJti(randomToken())
      .setIssuedAt(now)
      .setExpirationTime(now + ASSERTION_LIFETIME_SECONDS)
      .sign(key);
  }
}

async function loadKey(key: string | CryptoKey, algorithm: string): Promise<CryptoKey> {
  if (typeof key !== 'string') return key;
  try {
    return await importPKCS8(key, algorithm);
  } catch (cause) {
    throw new OAuthError(
      'invalid_client',
      `The privateKey could not be read as a PKCS#8 PEM key for ${algorithm}: ${cause instanceof Error ? cause.message : String(cause)}. Pass "-----BEGIN PRIVATE KEY-----…" text and the matching signingAlgorithm.`,
      { cause },
    );
  }
}

function checkOptions(options: ClientCredentialsProviderOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createClientCredentialsProvider needs an options object');
  }
  if (typeof options.clientId !== 'string' || options.clientId === '') {
    throw new TypeError('createClientCredentialsProvider: clientId must be a non-empty string');
  }
  const hasSecret = options.clientSecret !== undefined;
  const hasKey = options.privateKey !== undefined;
  if (hasSecret === hasKey) {
    throw new TypeError(
      'createClientCredentialsProvider: give exactly one of clientSecret (client_secret_basic/post) and privateKey (private_key_jwt)',
    );
  }
  if (hasSecret && (typeof options.clientSecret !== 'string' || options.clientSecret === '')) {
    throw new TypeError('createClientCredentialsProvider: clientSecret must be a non-empty string');
  }
}

/**
 * Creates the OAuth provider of a service that authenticates as itself (the client credentials grant of the
 * `io.modelcontextprotocol/oauth-client-credentials` extension): on the server's 401 it discovers the resource's
 * authorization server (RFC 9728, RFC 8414), requests a token with `grant_type=client_credentials` and the
 * `resource` indicator (RFC 8707), and authenticates with the client secret or a signed JWT (RFC 7523).
 *
 * @example
 * ```ts
 * import { createClientCredentialsProvider } from '@pmcp/auth';
 * import { createClient } from '@pmcp/client';
 * import { httpClientTransport } from '@pmcp/transport-http';
 *
 * const url = 'https://mcp.example.com/mcp';
 * const auth = createClientCredentialsProvider({ serverUrl: url, clientId: 'ci-bot', clientSecret: process.env.MCP_SECRET! });
 * const client = createClient({ name: 'ci-bot', version: '1.0.0' });
 * await client.connect(httpClientTransport(url, { auth }));
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization
 */
export function createClientCredentialsProvider(
  options: ClientCredentialsProviderOptions,
): ClientCredentialsProvider {
  return new ClientCredentialsProvider(options);
}
