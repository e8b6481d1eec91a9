import { jwtVerify } from 'jose';

/**
 * A scripted MCP resource server + authorization server as one web handler, for the OAuth client's tests: use it
 * as an injected `fetch`, or serve it on 127.0.0.1. Every knob is a scenario the spec (or the conformance suite)
 * describes; every request it sees is recorded for the assertions.
 */

export interface FakeWorldOptions {
  /** Origin of the MCP server; default https://mcp.test. */
  rsOrigin?: string;
  /** Issuer of the authorization server; default https://auth.test. */
  issuer?: string;
  mcpPath?: string;
  /** Where the PRM is served: 'path' (path-based well-known), 'root', or a custom path given in the challenge. */
  prmLocation?: 'path' | 'root' | { custom: string };
  /** Put resource_metadata in the challenge (default true). */
  prmInChallenge?: boolean;
  prmResource?: string;
  prmScopes?: string[];
  /** The scope of the 401 challenge. */
  challengeScope?: string;
  /** Which AS metadata URL answers: 'oauth' (RFC 8414 path-inserted), 'oidc-inserted', 'oidc-appended'. */
  asMetadataAt?: 'oauth' | 'oidc-inserted' | 'oidc-appended';
  metadataIssuer?: string;
  codeChallengeMethods?: string[] | null;
  issSupported?: boolean | null;
  issInRedirect?: 'correct' | 'omit' | 'wrong' | 'normalized';
  asScopes?: string[];
  cimd?: boolean;
  dcr?: boolean;
  authMethods?: string[];
  /** token_endpoint_auth_method the registration response states (and whether it issues a secret). */
  registration?: { method?: string; secret?: boolean };
  refreshTokens?: boolean;
  /** The scopes granted for a requested scope string (default: all of them). */
  grant?: (requested: string) => string;
  expiresIn?: number;
  /** Scopes an MCP method needs; a token without them gets 403 insufficient_scope. */
  requiredScopes?: (mcpMethod: string) => string[];
  /** When set, the authorization endpoint redirects with this error instead of a code. */
  authorizationError?: string;
  /** Answers authorized MCP requests; default a JSON `{ ok: true }`. */
  mcpHandler?: (request: Request) => Promise<Response>;
  /** The service the client credentials grant accepts: its secret, or the public key its assertions verify with. */
  clientCredentials?: { clientId: string; secret?: string; publicKey?: CryptoKey };
  /** grant_types_supported of the metadata; absent by default. */
  grantTypes?: string[];
}

export interface RecordedTokenRequest {
  body: URLSearchParams;
  authorization: string | null;
}

export interface FakeWorld {
  handler: (request: Request) => Promise<Response>;
  fetch: (input: string | URL, init?: RequestInit) => Promise<Response>;
  serverUrl: string;
  issuer: string;
  log: string[];
  authorizationRequests: URLSearchParams[];
  tokenRequests: RecordedTokenRequest[];
  registrations: Record<string, unknown>[];
  /** Tokens the resource server accepts, with their scopes. */
  validTokens: Map<string, string[]>;
  options: FakeWorldOptions;
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

export function createFakeWorld(options: FakeWorldOptions = {}): FakeWorld {
  const rsOrigin = options.rsOrigin ?? 'https://mcp.test';
  const issuer = options.issuer ?? 'https://auth.test';
  const mcpPath = options.mcpPath ?? '/mcp';
  const issuerUrl = new URL(issuer);
  const issuerPath = issuerUrl.pathname.replace(/\/$/, '');
  const prmLocation = options.prmLocation ?? 'path';
  const prmPath =
    prmLocation === 'path'
      ? `/.well-known/oauth-protected-resource${mcpPath}`
      : prmLocation === 'root'
        ? '/.well-known/oauth-protected-resource'
        : prmLocation.custom;
  const asMetadataPath = {
    oauth: `/.well-known/oauth-authorization-server${issuerPath}`,
    'oidc-inserted': `/.well-known/openid-configuration${issuerPath}`,
    'oidc-appended': `${issuerPath}/.well-known/openid-configuration`,
  }[options.asMetadataAt ?? 'oauth'];
  const world: FakeWorld = {
    handler,
    fetch: (input, init) => handler(new Request(input, init)),
    serverUrl: `${rsOrigin}${mcpPath}`,
    issuer,
    log: [],
    authorizationRequests: [],
    tokenRequests: [],
    registrations: [],
    validTokens: new Map(),
    options,
  };
  const codes = new Map<
    string,
    { challenge: string; scope: string; clientId: string; resource: string | null }
  >();
  const refreshTokens = new Map<string, string>();
  let counter = 0;

  function challengeHeader(extra: string): string {
    const parts = [extra];
    if (options.prmInChallenge !== false) parts.push(`resource_metadata="${rsOrigin}${prmPath}"`);
    return `Bearer ${parts.filter((part) => part !== '').join(', ')}`;
  }

  async function issue(scope: string): Promise<Response> {
    counter++;
    const accessToken = `at-${counter}`;
    world.validTokens.set(accessToken, scope === '' ? [] : scope.split(' '));
    const body: Record<string, unknown> = { access_token: accessToken, token_type: 'Bearer' };
    if (options.expiresIn !== undefined) body.expires_in = options.expiresIn;
    if (options.refreshTokens === true) {
      const refreshToken = `rt-${counter}`;
      refreshTokens.set(refreshToken, scope);
      body.refresh_token = refreshToken;
    }
    if (scope !== '') body.scope = scope;
    return json(body);
  }

  /** Why a client_credentials request is not authenticated, or undefined when it is. */
  async function checkClientCredentials(
    body: URLSearchParams,
    authorization: string | null,
  ): Promise<string | undefined> {
    const expected = options.clientCredentials;
    if (expected === undefined) return 'no client credentials configured';
    if (body.get('resource') === null) return 'no resource indicator';
    const assertion = body.get('client_assertion');
    if (assertion !== null) {
      if (body.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
        return 'wrong client_assertion_type';
      if (expected.publicKey === undefined) return 'assertions not accepted';
      try {
        const { payload } = await jwtVerify(assertion, expected.publicKey, { audience: issuer });
        if (payload.iss !== expected.clientId || payload.sub !== expected.clientId)
          return 'iss/sub is not the client';
        if (typeof payload.jti !== 'string' || typeof payload.exp !== 'number') return 'jti or exp missing';
        return undefined;
      } catch (error) {
        return `assertion rejected: ${(error as Error).message}`;
      }
    }
    let id: string | null = body.get('client_id');
    let secret: string | null = body.get('client_secret');
    if (authorization?.startsWith('Basic ') === true) {
      // RFC 6749 §2.3.1: each half is form-urlencoded before base64.
      const decode = (part: string): string => decodeURIComponent(part.replaceAll('+', ' '));
      const [rawId, rawSecret] = atob(authorization.slice(6)).split(':');
      id = rawId === undefined ? null : decode(rawId);
      secret = rawSecret === undefined ? null : decode(rawSecret);
    }
    if (id !== expected.clientId || secret !== expected.secret) return 'wrong client id or secret';
    return undefined;
  }

  async function handler(request: Request): Promise<Response> {
    const url = new URL(request.url);
    world.log.push(`${request.method} ${url.origin}${url.pathname}`);
    if (url.origin === rsOrigin && url.pathname === prmPath && request.method === 'GET') {
      const prm: Record<string, unknown> = {
        resource: options.prmResource ?? `${rsOrigin}${mcpPath}`,
        authorization_servers: [issuer],
      };
      if (options.prmScopes !== undefined) prm.scopes_supported = options.prmScopes;
      return json(prm);
    }
    if (url.origin === issuerUrl.origin && url.pathname === asMetadataPath && request.method === 'GET') {
      const metadata: Record<string, unknown> = {
        issuer: options.metadataIssuer ?? issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        response_types_supported: ['code'],
      };
      if (options.dcr !== false) metadata.registration_endpoint = `${issuer}/register`;
      if (options.codeChallengeMethods !== null)
        metadata.code_challenge_methods_supported = options.codeChallengeMethods ?? ['S256'];
      if (options.issSupported !== null)
        metadata.authorization_response_iss_parameter_supported = options.issSupported ?? true;
      if (options.asScopes !== undefined) metadata.scopes_supported = options.asScopes;
      if (options.cimd === true) metadata.client_id_metadata_document_supported = true;
      if (options.authMethods !== undefined)
        metadata.token_endpoint_auth_methods_supported = options.authMethods;
      if (options.grantTypes !== undefined) metadata.grant_types_supported = options.grantTypes;
      return json(metadata);
    }
    if (url.href.startsWith(`${issuer}/authorize`) && request.method === 'GET') {
      const params = url.searchParams;
      world.authorizationRequests.push(params);
      const redirect = new URL(params.get('redirect_uri') ?? 'http://127.0.0.1/missing-redirect');
      const state = params.get('state');
      if (state !== null) redirect.searchParams.set('state', state);
      if (options.authorizationError !== undefined)
        redirect.searchParams.set('error', options.authorizationError);
      else {
        const code = `code-${world.authorizationRequests.length}`;
        codes.set(code, {
          challenge: params.get('code_challenge') ?? '',
          scope: params.get('scope') ?? '',
          clientId: params.get('client_id') ?? '',
          resource: params.get('resource'),
        });
        redirect.searchParams.set('code', code);
      }
      const iss = options.issInRedirect ?? 'correct';
      if (iss === 'correct') redirect.searchParams.set('iss', issuer);
      else if (iss === 'wrong') redirect.searchParams.set('iss', 'https://evil.example');
      else if (iss === 'normalized') redirect.searchParams.set('iss', `${issuer}/`);
      return new Response(null, { status: 302, headers: { location: redirect.href } });
    }
    if (url.href === `${issuer}/token` && request.method === 'POST') {
      const body = new URLSearchParams(await request.text());
      world.tokenRequests.push({ body, authorization: request.headers.get('authorization') });
      if (body.get('grant_type') === 'authorization_code') {
        const grant = codes.get(body.get('code') ?? '');
        if (grant === undefined)
          return json({ error: 'invalid_grant', error_description: 'unknown code' }, 400);
        codes.delete(body.get('code') ?? '');
        const digest = await crypto.subtle.digest(
          'SHA-256',
          new TextEncoder().encode(body.get('code_verifier') ?? ''),
        );
        const computed = btoa(String.fromCharCode(...new Uint8Array(digest)))
          .replaceAll('+', '-')
          .replaceAll('/', '_')
          .replace(/=+$/, '');
        if (computed !== grant.challenge) {
          return json({ error: 'invalid_grant', error_description: 'PKCE verification failed' }, 400);
        }
        return issue(options.grant?.(grant.scope) ?? grant.scope);
      }
      if (body.get('grant_type') === 'client_credentials') {
        const refusal = await checkClientCredentials(body, request.headers.get('authorization'));
        if (refusal !== undefined) return json({ error: 'invalid_client', error_description: refusal }, 401);
        return issue(options.grant?.(body.get('scope') ?? '') ?? body.get('scope') ?? '');
      }
      if (body.get('grant_type') === 'refresh_token') {
        const scope = refreshTokens.get(body.get('refresh_token') ?? '');
        if (scope === undefined)
          return json({ error: 'invalid_grant', error_description: 'refresh token revoked' }, 400);
        return issue(scope);
      }
      return json({ error: 'unsupported_grant_type' }, 400);
    }
    if (url.href === `${issuer}/register` && request.method === 'POST') {
      const metadata = (await request.json()) as Record<string, unknown>;
      world.registrations.push(metadata);
      const client: Record<string, unknown> = {
        client_id: `dcr-client-${world.registrations.length}`,
        ...metadata,
      };
      delete client.token_endpoint_auth_method;
      if (options.registration?.secret === true) client.client_secret = 'dcr-secret';
      if (options.registration?.method !== undefined)
        client.token_endpoint_auth_method = options.registration.method;
      return json(client, 201);
    }
    if (url.origin === rsOrigin && url.pathname === mcpPath) {
      const authorization = request.headers.get('authorization');
      const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
      const scopes = token === undefined ? undefined : world.validTokens.get(token);
      if (scopes === undefined) {
        const scope = options.challengeScope === undefined ? '' : `scope="${options.challengeScope}"`;
        return json({ error: 'invalid_token' }, 401, { 'www-authenticate': challengeHeader(scope) });
      }
      let method = '';
      if (request.method === 'POST') {
        const body = (await request
          .clone()
          .json()
          .catch(() => ({}))) as { method?: string };
        method = body.method ?? '';
      }
      const needed = options.requiredScopes?.(method) ?? [];
      if (!needed.every((scope) => scopes.includes(scope))) {
        return json({ error: 'insufficient_scope' }, 403, {
          'www-authenticate': challengeHeader(`error="insufficient_scope", scope="${needed.join(' ')}"`),
        });
      }
      if (options.mcpHandler !== undefined) return options.mcpHandler(request);
      return json({ ok: true });
    }
    return new Response('not found', { status: 404 });
  }

  return world;
}

/** A 401/403 the way the transport would hand it to onUnauthorized, from a real request to the fake world. */
export async function refusedContext(
  world: FakeWorld,
  init: { token?: string; method?: string } = {},
): Promise<{ url: URL; method: string; response: Response }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  const response = await world.fetch(world.serverUrl, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: init.method ?? 'tools/list' }),
  });
  return { url: new URL(world.serverUrl), method: 'POST', response };
}
