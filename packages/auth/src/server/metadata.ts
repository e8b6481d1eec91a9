/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728): the document that tells an MCP client which authorization
 * servers issue tokens for this server, and a web handler that serves it at its well-known URLs.
 */
import { ErrorCode } from '@pmcp/types';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

/**
 * What {@link protectedResourceMetadata} describes. Only `resource` and `authorizationServers` are required.
 *
 * @example
 * ```ts
 * import type { ProtectedResourceMetadataOptions } from '@pmcp/auth';
 *
 * const options: ProtectedResourceMetadataOptions = {
 *   resource: 'https://mcp.example.com/mcp',
 *   authorizationServers: ['https://auth.example.com'],
 *   scopesSupported: ['notes:read', 'notes:write'],
 *   resourceName: 'Notes',
 * };
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc9728#section-2
 */
export interface ProtectedResourceMetadataOptions {
  /**
   * The canonical URI of this MCP server: the URL clients connect to (`https://mcp.example.com/mcp`), the audience
   * tokens must be issued for. No fragment. A bare origin is written without its trailing slash.
   */
  resource: string | URL;
  /**
   * The issuer identifiers of the authorization servers that issue tokens for this server (at least one), written
   * exactly as each one's metadata names its `issuer`.
   */
  authorizationServers: readonly (string | URL)[];
  /**
   * The scopes needed for basic use; clients request them all when a challenge names none. Leave
   * `offline_access` out (the spec advises against listing it here).
   */
  scopesSupported?: readonly string[];
  /** A human-readable name of this server. */
  resourceName?: string;
  /** A page with documentation for developers. */
  resourceDocumentation?: string | URL;
  /** The policy on how the client may use data from this server. */
  resourcePolicyUri?: string | URL;
  /** The terms of service. */
  resourceTosUri?: string | URL;
  /** Where this server publishes its own keys (only if it signs responses or encrypts to clients). */
  jwksUri?: string | URL;
  /** Further members of the document (RFC 9728 §2 or extensions); they cannot replace the ones above. */
  extra?: Readonly<Record<string, unknown>>;
}

/**
 * The Protected Resource Metadata document, with RFC 9728's member names.
 *
 * @example
 * ```ts
 * import type { ProtectedResourceMetadata } from '@pmcp/auth';
 *
 * const document: ProtectedResourceMetadata = {
 *   resource: 'https://mcp.example.com/mcp',
 *   authorization_servers: ['https://auth.example.com'],
 *   bearer_methods_supported: ['header'],
 * };
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc9728#section-2
 */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  /**
   * How tokens may be presented; documents built by {@link protectedResourceMetadata} always say `['header']` (MCP
   * tokens travel only in the `Authorization` header). Optional, as in RFC 9728, for documents read from a server.
   */
  bearer_methods_supported?: string[];
  scopes_supported?: string[];
  resource_name?: string;
  resource_documentation?: string;
  resource_policy_uri?: string;
  resource_tos_uri?: string;
  jwks_uri?: string;
  [member: string]: unknown;
}

function fail(message: string): never {
  throw new TypeError(`protectedResourceMetadata: ${message}`);
}

function httpUrl(value: unknown, name: string): URL {
  let url: URL | undefined;
  if (typeof value === 'string' || value instanceof URL) {
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    fail(`${name} must be an absolute http(s) URL, got ${JSON.stringify(String(value))}`);
  }
  return url;
}

/** The resource identifier as clients and tokens write it: RFC 3986-normalized, no trailing slash after the host. */
function canonicalResource(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}${url.search}`;
}

function resourceUrl(value: unknown): URL {
  const url = httpUrl(value, 'resource');
  if (url.hash !== '' || String(value).includes('#')) {
    fail(`resource must not have a fragment, got ${JSON.stringify(String(value))}`);
  }
  return url;
}

/**
 * Builds the Protected Resource Metadata document of an MCP server. `bearer_methods_supported` is always
 * `['header']`.
 *
 * @throws TypeError when `resource` or an authorization server is not an absolute http(s) URL, `resource` has a
 *   fragment, or no authorization server is given.
 * @example
 * ```ts
 * import { protectedResourceMetadata } from '@pmcp/auth';
 *
 * const document = protectedResourceMetadata({
 *   resource: 'https://mcp.example.com/mcp',
 *   authorizationServers: ['https://auth.example.com'],
 *   scopesSupported: ['notes:read'],
 * });
 * // { resource: 'https://mcp.example.com/mcp', authorization_servers: ['https://auth.example.com'], … }
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization/authorization-server-discovery
 * @see https://datatracker.ietf.org/doc/html/rfc9728#section-2
 */
export function protectedResourceMetadata(
  options: ProtectedResourceMetadataOptions,
): ProtectedResourceMetadata {
  if (typeof options !== 'object' || options === null) fail('options must be an object');
  const resource = canonicalResource(resourceUrl(options.resource));
  const servers = options.authorizationServers;
  if (!Array.isArray(servers) || servers.length === 0) {
    fail('authorizationServers must list at least one authorization server (its issuer URL)');
  }
  const document: ProtectedResourceMetadata = {
    ...options.extra,
    resource,
    authorization_servers: servers.map((server, index) => {
      httpUrl(server, `authorizationServers[${index}]`);
      // Kept as written: clients compare it with the server's `issuer` character for character.
      return String(server);
    }),
    bearer_methods_supported: ['header'],
  };
  if (options.scopesSupported !== undefined) {
    const scopes = options.scopesSupported;
    if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string' && scope !== '')) {
      fail('scopesSupported must be an array of non-empty strings');
    }
    document.scopes_supported = [...scopes];
  }
  if (options.resourceName !== undefined) document.resource_name = String(options.resourceName);
  const urls: [keyof ProtectedResourceMetadataOptions, string][] = [
    ['resourceDocumentation', 'resource_documentation'],
    ['resourcePolicyUri', 'resource_policy_uri'],
    ['resourceTosUri', 'resource_tos_uri'],
    ['jwksUri', 'jwks_uri'],
  ];
  for (const [option, member] of urls) {
    const value = options[option];
    if (value !== undefined) document[member] = httpUrl(value, option).href;
  }
  return document;
}

/**
 * The URL of the metadata of `resource` in its path form (RFC 9728 §3.1): `/.well-known/oauth-protected-resource`
 * inserted between the host and the path. This is the `resource_metadata` to put into challenges.
 *
 * @throws TypeError when `resource` is not an absolute http(s) URL without a fragment.
 * @example
 * ```ts
 * import { protectedResourceMetadataUrl } from '@pmcp/auth';
 *
 * protectedResourceMetadataUrl('https://mcp.example.com/mcp');
 * // 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc9728#section-3.1
 */
export function protectedResourceMetadataUrl(resource: string | URL): string {
  const url = resourceUrl(resource);
  return `${url.origin}${WELL_KNOWN}${url.pathname === '/' ? '' : url.pathname}${url.search}`;
}

/**
 * A web handler for the metadata document. It answers a request for one of its URLs and returns `undefined` for
 * anything else, so it composes with the MCP handler: `(request) => metadata(request) ?? mcp(request)`.
 *
 * @example
 * ```ts
 * import { protectedResourceMetadataHandler, type ProtectedResourceMetadataHandler } from '@pmcp/auth';
 *
 * const metadata: ProtectedResourceMetadataHandler = protectedResourceMetadataHandler({
 *   resource: 'https://mcp.example.com/mcp',
 *   authorizationServers: ['https://auth.example.com'],
 * });
 * const response = metadata(new Request('https://mcp.example.com/.well-known/oauth-protected-resource/mcp'));
 * ```
 */
export type ProtectedResourceMetadataHandler = (request: Request) => Response | undefined;

/**
 * Serves the Protected Resource Metadata of an MCP server at both URLs clients try: the path form
 * (`/.well-known/oauth-protected-resource/mcp` for a server at `/mcp`) and the root form
 * (`/.well-known/oauth-protected-resource`). `GET` and `HEAD` get the JSON document, `OPTIONS` a CORS preflight
 * answer, other methods 405. The document is public: every response allows any origin, so browser-based clients
 * can discover the authorization server.
 *
 * Put it in front of the bearer check: the metadata must be readable without a token.
 *
 * @throws TypeError for invalid options, as {@link protectedResourceMetadata}.
 * @example
 * ```ts
 * import { protectedResourceMetadataHandler, protectedResourceMetadataUrl, requireBearerAuth } from '@pmcp/auth';
 * import { createHttpHandler } from '@pmcp/transport-http';
 * import { listen } from '@pmcp/transport-http/node';
 *
 * const resource = 'https://mcp.example.com/mcp';
 * const metadata = protectedResourceMetadataHandler({ resource, authorizationServers: ['https://auth.example.com'] });
 * const mcp = requireBearerAuth(createHttpHandler(server), {
 *   verifier,
 *   resourceMetadataUrl: protectedResourceMetadataUrl(resource),
 * });
 * await listen(async (request, info) => metadata(request) ?? mcp(request, info), { port: 3000 });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization/authorization-server-discovery
 * @see https://datatracker.ietf.org/doc/html/rfc9728#section-3
 */
export function protectedResourceMetadataHandler(
  options: ProtectedResourceMetadataOptions,
): ProtectedResourceMetadataHandler {
  const document = protectedResourceMetadata(options);
  const body = JSON.stringify(document);
  const resourcePath = resourceUrl(options.resource).pathname;
  const paths = new Set([WELL_KNOWN, resourcePath === '/' ? WELL_KNOWN : `${WELL_KNOWN}${resourcePath}`]);
  return (request) => {
    let pathname: string;
    try {
      pathname = new URL(request.url).pathname;
    } catch {
      return undefined;
    }
    if (!paths.has(pathname)) return undefined;
    const headers = new Headers({ 'Access-Control-Allow-Origin': '*' });
    switch (request.method) {
      case 'GET':
      case 'HEAD':
        headers.set('Content-Type', 'application/json');
        return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers });
      case 'OPTIONS':
        headers.set('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
        // No credentials are involved, so the wildcard allows whatever headers the client adds (MCP-Protocol-Version).
        headers.set('Access-Control-Allow-Headers', '*');
        headers.set('Access-Control-Max-Age', '86400');
        return new Response(null, { status: 204, headers });
      default:
        headers.set('Allow', 'GET, HEAD, OPTIONS');
        headers.set('Content-Type', 'application/json');
        return new Response(
          JSON.stringify({
            jsonrpc: '2.0',
            error: {
              code: ErrorCode.InvalidRequest,
              message: `Method Not Allowed: the protected resource metadata is read with GET, not ${request.method}.`,
            },
          }),
          { status: 405, headers },
        );
    }
  };
}
