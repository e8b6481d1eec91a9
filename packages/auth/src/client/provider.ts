/** The OAuth 2.1 client an MCP client plugs into its HTTP transport. */
import { discoverAuthorizationServerMetadata } from './discovery.ts';
import { OAuthError } from './errors.ts';
import { resourceMetadataFor, storedTokens } from './flow-steps.ts';
import { createPkcePair, randomToken } from './pkce.ts';
import { canonicalResourceUri } from './resource.ts';
import { selectScopes, splitScopes, unionScopes } from './scopes.ts';
import { createInMemoryOAuthStorage, type OAuthStorage } from './storage.ts';
import { registerClient, requestToken, type TokenResponse } from './token-endpoint.ts';
import type {
  AuthorizationServerMetadata,
  OAuthClientInformation,
  OAuthClientMetadata,
  OAuthFetch,
  ProtectedResourceMetadata,
  StoredOAuthTokens,
  TokenEndpointAuthMethod,
} from './types.ts';
import { type BearerChallenge, readBearerChallenge } from './www-authenticate.ts';

/**
 * The token the transport sends as `Authorization: <token_type> <access_token>` (structurally the
 * `HttpAuthTokens` of `@pmcp/transport-http`).
 *
 * @example
 * ```ts
 * import type { OAuthAccessToken } from '@pmcp/auth';
 *
 * const token: OAuthAccessToken = { access_token: 'eyJ…', token_type: 'Bearer' };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#access-token-usage
 */
export interface OAuthAccessToken {
  access_token: string;
  token_type?: string;
}

/**
 * What the transport tells the provider about a refused request (structurally the `HttpUnauthorizedContext` of
 * `@pmcp/transport-http`): its `WWW-Authenticate` header drives discovery and scope selection.
 *
 * @example
 * ```ts
 * import type { UnauthorizedContext } from '@pmcp/auth';
 *
 * const status = (context: UnauthorizedContext): number => context.response.status;
 * ```
 */
export interface UnauthorizedContext {
  url: URL;
  method: string;
  response: Response;
}

/**
 * The user-agent step: send the user to `authorizationUrl` (open a browser, print it, redirect the page) and
 * resolve with the URL the authorization server redirected back to (the redirect URI with `code`, `state` and
 * `iss`). Resolve `undefined` when the answer arrives elsewhere (a full-page browser redirect): then call
 * {@link OAuthClientProvider.finishAuthorization} with it later.
 *
 * @example
 * ```ts
 * import type { RedirectToAuthorization } from '@pmcp/auth';
 *
 * const redirectToAuthorization: RedirectToAuthorization = async (authorizationUrl) => {
 *   await open(authorizationUrl.href);           // the system browser
 *   return await callbackServer.nextRequestUrl(); // the loopback redirect it lands on
 * };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#authorization-flow-steps
 */
export type RedirectToAuthorization = (
  authorizationUrl: URL,
) => Promise<URL | string | undefined> | URL | string | undefined;

/**
 * Options of {@link createOAuthClientProvider}.
 *
 * @example
 * ```ts
 * import { createHeadlessAuthorizer, type OAuthClientProviderOptions } from '@pmcp/auth';
 *
 * const options: OAuthClientProviderOptions = {
 *   serverUrl: 'https://mcp.example.com/mcp',
 *   redirectUrl: 'http://127.0.0.1:8765/callback',
 *   redirectToAuthorization: createHeadlessAuthorizer(),
 *   clientMetadata: { client_name: 'My MCP app' },
 * };
 * ```
 */
export interface OAuthClientProviderOptions {
  /** The MCP endpoint the tokens are for. */
  serverUrl: string | URL;
  /** The redirect URI: `https:`, or `http:` on a loopback host (`localhost`, `127.0.0.1`, `[::1]`). */
  redirectUrl: string | URL;
  /** The user-agent step. */
  redirectToAuthorization: RedirectToAuthorization;
  /**
   * A client registered with the authorization server beforehand; it takes priority over CIMD and dynamic
   * registration. An object is used with whichever authorization server the MCP server names; a function is
   * asked per issuer (return `undefined` for issuers it has no client for).
   */
  clientInformation?:
    | OAuthClientInformation
    | ((issuer: string) => OAuthClientInformation | undefined | Promise<OAuthClientInformation | undefined>);
  /**
   * The HTTPS URL of this client's Client ID Metadata Document: used as `client_id` with authorization servers
   * that advertise `client_id_metadata_document_supported`.
   */
  clientMetadataUrl?: string | URL;
  /** Client metadata for Dynamic Client Registration (`client_name` defaults to "pmcp client"). */
  clientMetadata?: OAuthClientMetadata;
  /** `application_type` for registration; default `native` for a loopback redirect URI, `web` otherwise. */
  applicationType?: 'native' | 'web';
  /** Where tokens, registrations and pending flows live; default in memory. */
  storage?: OAuthStorage;
  /** The `fetch` for discovery, registration and token requests; default the global one. */
  fetch?: OAuthFetch;
  /** Ask for `offline_access` (a refresh token) when the authorization server lists it; default `true`. */
  requestOfflineAccess?: boolean;
  /** How many times one set of scopes is re-authorized after `insufficient_scope` before giving up (default 3). */
  maxStepUpAttempts?: number;
  /** The clock, in milliseconds since the epoch (for tests); default `Date.now`. */
  now?: () => number;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An OAuth 2.1 client for one MCP server, in the shape `httpClientTransport(url, { auth })` expects:
 * `tokens()` before each request, `onUnauthorized()` when the server answers 401 (or 403 with
 * `insufficient_scope`). On a challenge it discovers the Protected Resource Metadata and the authorization
 * server, checks that both are for this server, obtains a client_id (pre-registered → CIMD → dynamic
 * registration), runs the authorization code flow with PKCE S256, `state`, the `resource` indicator and the
 * RFC 9207 `iss` check, and stores the tokens; it refreshes them before they expire when it has a refresh token.
 *
 * @example
 * ```ts
 * import { createOAuthClientProvider } from '@pmcp/auth';
 *
 * const provider = createOAuthClientProvider({
 *   serverUrl: 'https://mcp.example.com/mcp',
 *   redirectUrl: 'http://127.0.0.1:8765/callback',
 *   redirectToAuthorization: async (url) => openBrowserAndWaitForCallback(url),
 * });
 * const token = await provider.tokens(); // undefined until the first authorization
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization
 */
export class OAuthClientProvider {
  /** The canonical URI of the MCP server: the key of its tokens in storage. */
  readonly serverUri: string;
  readonly #options: OAuthClientProviderOptions;
  readonly #serverUrl: URL;
  readonly #redirectUri: string;
  readonly #clientMetadataUrl: string | undefined;
  readonly #storage: OAuthStorage;
  readonly #fetch: OAuthFetch;
  readonly #now: () => number;
  readonly #metadataByIssuer = new Map<string, Promise<AuthorizationServerMetadata>>();
  readonly #stepUpAttempts = new Map<string, number>();
  #challengeInFlight: Promise<boolean> | undefined;
  #refreshInFlight: Promise<StoredOAuthTokens | undefined> | undefined;

  constructor(options: OAuthClientProviderOptions) {
    this.#options = options;
    this.serverUri = canonicalResourceUri(options.serverUrl);
    this.#serverUrl = new URL(options.serverUrl);
    this.#redirectUri = checkRedirectUri(options.redirectUrl);
    this.#clientMetadataUrl =
      options.clientMetadataUrl === undefined ? undefined : checkClientMetadataUrl(options.clientMetadataUrl);
    this.#storage = options.storage ?? createInMemoryOAuthStorage();
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#now = options.now ?? Date.now;
  }

  /**
   * The access token to send, refreshed first when it is about to expire and a refresh token is at hand;
   * `undefined` when there is none (the request goes without, and the server's 401 starts authorization).
   */
  async tokens(): Promise<OAuthAccessToken | undefined> {
    let stored = await this.#storage.getTokens(this.serverUri);
    if (stored === undefined) return undefined;
    if (stored.expires_at !== undefined && this.#now() >= stored.expires_at) {
      if (stored.refresh_token === undefined) return undefined;
      stored = await this.#refreshOnce(stored).catch(() => undefined);
      if (stored === undefined) return undefined;
    }
    return { access_token: stored.access_token, token_type: stored.token_type };
  }

  /**
   * Handles a refused request: re-authorizes (refresh, or the full flow; a step-up with the union of the
   * scopes for `insufficient_scope`) and resolves `true` when new tokens are ready, so the transport retries.
   * Resolves `false` when retrying cannot help (the token already holds the demanded scopes, or the step-up
   * limit is reached) or when the user-agent step is still pending. Concurrent refusals share one flow.
   */
  async onUnauthorized(context: UnauthorizedContext): Promise<boolean> {
    const pending = this.#challengeInFlight;
    if (pending !== undefined) return pending;
    const challenge = readBearerChallenge(context.response.headers.get('www-authenticate'));
    const run = this.#answerChallenge(context.response.status, challenge);
    this.#challengeInFlight = run;
    try {
      return await run;
    } finally {
      if (this.#challengeInFlight === run) this.#challengeInFlight = undefined;
    }
  }

  /**
   * Runs the authorization flow now, without waiting for a server's challenge; pass the `WWW-Authenticate` value
   * of a refusal to use its `resource_metadata` and `scope`. Resolves `true` when tokens were stored, `false`
   * when the user-agent step will finish later through {@link finishAuthorization}.
   */
  async authorize(options?: { wwwAuthenticate?: string | null; scope?: string }): Promise<boolean> {
    const challenge = readBearerChallenge(options?.wwwAuthenticate);
    return this.#authorize(challenge, options?.scope === undefined ? {} : { scope: options.scope });
  }

  /**
   * Completes a flow from the URL the authorization server redirected to: checks `state` (it must belong to a
   * flow this provider started; each is used once) and `iss` (RFC 9207: present → exactly the issuer the request
   * went to; absent → only if that server does not advertise `authorization_response_iss_parameter_supported`),
   * then exchanges the code, with the PKCE verifier and the `resource` indicator, and stores the tokens.
   */
  async finishAuthorization(callbackUrl: string | URL): Promise<void> {
    let callback: URL;
    try {
      callback = new URL(callbackUrl);
    } catch {
      throw new OAuthError(
        'invalid_callback',
        `The authorization callback ${JSON.stringify(String(callbackUrl))} is not a URL; pass the full redirect URL the authorization server sent the user agent to.`,
      );
    }
    const params = callback.searchParams;
    const state = params.get('state');
    const pending = state === null ? undefined : await this.#storage.getPendingAuthorization(state);
    if (state === null || pending === undefined) {
      throw new OAuthError(
        'state_mismatch',
        `The authorization response's state ${JSON.stringify(state)} belongs to no authorization this client started (or was already used); start a new authorization.`,
      );
    }
    await this.#storage.setPendingAuthorization(state, undefined);
    const metadata = await this.#metadata(pending.issuer);
    const iss = params.get('iss');
    // RFC 9207 §2.4: plain string comparison, and nothing else in a rejected response (not even its error) is used.
    if (iss !== null && iss !== pending.issuer) {
      throw new OAuthError(
        'iss_mismatch',
        `The authorization response names issuer ${JSON.stringify(iss)}, but the request went to ${JSON.stringify(pending.issuer)}; it was rejected as a possible mix-up attack (RFC 9207).`,
      );
    }
    if (iss === null && metadata.authorization_response_iss_parameter_supported === true) {
      throw new OAuthError(
        'iss_mismatch',
        `The authorization response has no iss parameter although ${pending.issuer} advertises authorization_response_iss_parameter_supported; it was rejected (RFC 9207).`,
      );
    }
    const error = params.get('error');
    if (error !== null) {
      const description = params.get('error_description') ?? undefined;
      const errorOptions: { description?: string; uri?: string } = {};
      if (description !== undefined) errorOptions.description = description;
      const uri = params.get('error_uri');
      if (uri !== null) errorOptions.uri = uri;
      throw new OAuthError(
        error,
        `The authorization server refused the authorization: ${error}${description === undefined ? '' : `: ${description}`}`,
        errorOptions,
      );
    }
    const code = params.get('code');
    if (code === null || code === '') {
      throw new OAuthError('invalid_callback', 'The authorization response carries neither code nor error.');
    }
    const client = await this.#client(pending.issuer, metadata, { register: false });
    if (client === undefined || client.client_id !== pending.clientId) {
      throw new OAuthError(
        'invalid_client',
        `The client ${pending.clientId} that started this authorization is no longer known for ${pending.issuer}; start a new authorization.`,
      );
    }
    const response = await requestToken(this.#fetch, metadata, client, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: pending.redirectUri,
      code_verifier: pending.codeVerifier,
      resource: pending.resource,
    });
    await this.#store(response, pending.issuer, pending.resource, pending.scope);
  }

  /** Forgets this server's tokens (registrations are kept: they belong to the authorization server). */
  async signOut(): Promise<void> {
    await this.#storage.setTokens(this.serverUri, undefined);
  }

  async #answerChallenge(status: number, challenge: BearerChallenge): Promise<boolean> {
    const current = await this.#storage.getTokens(this.serverUri);
    if (status === 403) {
      const demanded = splitScopes(challenge.scope);
      const granted = splitScopes(current?.scope);
      // The token already has every demanded scope: another authorization would produce the same refusal.
      if (
        current !== undefined &&
        demanded.length > 0 &&
        demanded.every((scope) => granted.includes(scope))
      ) {
        return false;
      }
      const scope = unionScopes(current?.scope, challenge.scope);
      const key = scope ?? '';
      const attempts = (this.#stepUpAttempts.get(key) ?? 0) + 1;
      if (attempts > (this.#options.maxStepUpAttempts ?? 3)) return false;
      this.#stepUpAttempts.set(key, attempts);
      return this.#authorize(challenge, scope === undefined ? {} : { scope });
    }
    const prm = await this.#protectedResourceMetadata(challenge);
    if (current?.refresh_token !== undefined && prm.authorization_servers[0] === current.issuer) {
      const refreshed = await this.#refreshOnce(current).catch(() => undefined);
      if (refreshed !== undefined) return true;
    }
    return this.#authorize(challenge, { prm });
  }

  #protectedResourceMetadata(challenge: BearerChallenge): Promise<ProtectedResourceMetadata> {
    return resourceMetadataFor(this.#serverUrl, this.serverUri, challenge, this.#fetch);
  }

  async #authorize(
    challenge: BearerChallenge,
    options: { prm?: ProtectedResourceMetadata; scope?: string },
  ): Promise<boolean> {
    const prm = options.prm ?? (await this.#protectedResourceMetadata(challenge));
    const issuer = prm.authorization_servers[0] as string;
    const metadata = await this.#metadata(issuer);
    if (!(metadata.code_challenge_methods_supported ?? []).includes('S256')) {
      throw new OAuthError(
        'pkce_unsupported',
        `The authorization server ${issuer} does not support PKCE S256 (its metadata ${metadata.code_challenge_methods_supported === undefined ? 'has no code_challenge_methods_supported' : `lists only ${JSON.stringify(metadata.code_challenge_methods_supported)}`}); MCP clients must not authorize without it.`,
      );
    }
    const client = (await this.#client(issuer, metadata, { register: true })) as OAuthClientInformation;
    let scope = options.scope ?? selectScopes(challenge.scope, prm.scopes_supported);
    if (
      scope !== undefined &&
      this.#options.requestOfflineAccess !== false &&
      (metadata.scopes_supported ?? []).includes('offline_access')
    ) {
      scope = unionScopes(scope, 'offline_access');
    }
    const pkce = await createPkcePair();
    const state = randomToken();
    const url = new URL(metadata.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', client.client_id);
    url.searchParams.set('redirect_uri', this.#redirectUri);
    url.searchParams.set('code_challenge', pkce.challenge);
    url.searchParams.set('code_challenge_method', pkce.method);
    url.searchParams.set('state', state);
    url.searchParams.set('resource', prm.resource);
    if (scope !== undefined) url.searchParams.set('scope', scope);
    await this.#storage.setPendingAuthorization(state, {
      codeVerifier: pkce.verifier,
      issuer,
      resource: prm.resource,
      redirectUri: this.#redirectUri,
      clientId: client.client_id,
      ...(scope === undefined ? {} : { scope }),
      createdAt: this.#now(),
    });
    const callback = await this.#options.redirectToAuthorization(url);
    if (callback === undefined) return false;
    await this.finishAuthorization(callback);
    return true;
  }

  #metadata(issuer: string): Promise<AuthorizationServerMetadata> {
    let metadata = this.#metadataByIssuer.get(issuer);
    if (metadata === undefined) {
      metadata = discoverAuthorizationServerMetadata(issuer, { fetch: this.#fetch });
      this.#metadataByIssuer.set(issuer, metadata);
      metadata.catch(() => this.#metadataByIssuer.delete(issuer));
    }
    return metadata;
  }

  /** The client_id to use with `issuer`: pre-registered → registered earlier → CIMD → dynamic registration. */
  async #client(
    issuer: string,
    metadata: AuthorizationServerMetadata,
    options: { register: boolean },
  ): Promise<OAuthClientInformation | undefined> {
    const configured = this.#options.clientInformation;
    const preRegistered = typeof configured === 'function' ? await configured(issuer) : configured;
    if (preRegistered !== undefined) return preRegistered;
    const stored = await this.#storage.getClient(issuer);
    if (stored !== undefined) return stored;
    const cimdUsable =
      metadata.client_id_metadata_document_supported === true && this.#clientMetadataUrl !== undefined;
    if (cimdUsable)
      return { client_id: this.#clientMetadataUrl as string, token_endpoint_auth_method: 'none' };
    if (!options.register) return undefined;
    if (metadata.registration_endpoint === undefined) {
      const cimdHint =
        metadata.client_id_metadata_document_supported === true
          ? ' It accepts Client ID Metadata Documents: pass clientMetadataUrl.'
          : '';
      throw new OAuthError(
        'registration_unavailable',
        `No client_id for the authorization server ${issuer}: it offers no dynamic client registration.${cimdHint} Otherwise register a client with it and pass clientInformation.`,
      );
    }
    const authMethod = preferredRegistrationAuthMethod(metadata);
    const registered = await registerClient(this.#fetch, metadata, {
      client_name: 'pmcp client',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: authMethod,
      application_type:
        this.#options.applicationType ?? (isLoopback(new URL(this.#redirectUri)) ? 'native' : 'web'),
      ...this.#options.clientMetadata,
      redirect_uris: [this.#redirectUri],
    });
    const client: OAuthClientInformation = {
      ...registered,
      token_endpoint_auth_method: registered.token_endpoint_auth_method ?? authMethod,
    };
    await this.#storage.setClient(issuer, client);
    return client;
  }

  /** One refresh at a time: concurrent callers share it. */
  #refreshOnce(stored: StoredOAuthTokens): Promise<StoredOAuthTokens | undefined> {
    if (this.#refreshInFlight !== undefined) return this.#refreshInFlight;
    const run = this.#refresh(stored).finally(() => {
      this.#refreshInFlight = undefined;
    });
    this.#refreshInFlight = run;
    return run;
  }

  async #refresh(stored: StoredOAuthTokens): Promise<StoredOAuthTokens | undefined> {
    const refreshToken = stored.refresh_token as string;
    try {
      const metadata = await this.#metadata(stored.issuer);
      const client = await this.#client(stored.issuer, metadata, { register: false });
      if (client === undefined)
        throw new OAuthError('invalid_client', `No client is known for ${stored.issuer}.`);
      const response = await requestToken(this.#fetch, metadata, client, {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        resource: stored.resource,
      });
      return await this.#store(
        { ...response, refresh_token: response.refresh_token ?? refreshToken },
        stored.issuer,
        stored.resource,
        stored.scope,
      );
    } catch (error) {
      // A refresh token the server refuses is dead: forget it, so the next challenge runs the full flow.
      await this.#storage.setTokens(this.serverUri, undefined);
      throw error;
    }
  }

  async #store(
    response: TokenResponse,
    issuer: string,
    resource: string,
    requestedScope: string | undefined,
  ): Promise<StoredOAuthTokens> {
    const tokens = storedTokens(response, issuer, resource, requestedScope, this.#now());
    await this.#storage.setTokens(this.serverUri, tokens);
    return tokens;
  }
}

/**
 * Creates the OAuth client for one MCP server; pass it as `auth` to `httpClientTransport`.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * import { createOAuthClientProvider } from '@pmcp/auth';
 * import { httpClientTransport } from '@pmcp/transport-http';
 *
 * const url = 'https://mcp.example.com/mcp';
 * const auth = createOAuthClientProvider({
 *   serverUrl: url,
 *   redirectUrl: 'http://127.0.0.1:8765/callback',
 *   redirectToAuthorization: async (authorizationUrl) => openBrowserAndWaitForCallback(authorizationUrl),
 *   clientMetadataUrl: 'https://app.example.com/oauth/client-metadata.json',
 * });
 * const client = createClient({ name: 'my-app', version: '1.0.0' });
 * await client.connect(httpClientTransport(url, { auth }));
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization
 */
export function createOAuthClientProvider(options: OAuthClientProviderOptions): OAuthClientProvider {
  return new OAuthClientProvider(options);
}

function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname);
}

function checkRedirectUri(redirectUrl: string | URL): string {
  let url: URL;
  try {
    url = new URL(redirectUrl);
  } catch {
    throw new TypeError(
      `redirectUrl ${JSON.stringify(String(redirectUrl))} is not an absolute URL; use e.g. "http://127.0.0.1:8765/callback".`,
    );
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url))) return url.href;
  throw new TypeError(
    `redirectUrl must be https: or a loopback http: URL (localhost, 127.0.0.1, [::1]), got ${url.href}.`,
  );
}

function checkClientMetadataUrl(clientMetadataUrl: string | URL): string {
  let url: URL;
  try {
    url = new URL(clientMetadataUrl);
  } catch {
    throw new TypeError(
      `clientMetadataUrl ${JSON.stringify(String(clientMetadataUrl))} is not an absolute URL.`,
    );
  }
  if (url.protocol !== 'https:' || url.pathname === '/' || url.pathname === '') {
    throw new TypeError(
      `clientMetadataUrl must be an https: URL with a path (it is the client_id), got ${url.href}.`,
    );
  }
  return url.href;
}

/** A public client when the server allows it (native apps cannot keep a secret), else the first secret method. */
function preferredRegistrationAuthMethod(metadata: AuthorizationServerMetadata): TokenEndpointAuthMethod {
  const supported = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  for (const method of ['none', 'client_secret_basic', 'client_secret_post'] as const) {
    if (supported.includes(method)) return method;
  }
  return 'client_secret_basic';
}
