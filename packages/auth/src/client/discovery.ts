/** Discovery: Protected Resource Metadata (RFC 9728), then authorization server metadata (RFC 8414, OIDC). */
import { OAuthError } from './errors.ts';
import type { AuthorizationServerMetadata, OAuthFetch, ProtectedResourceMetadata } from './types.ts';

/**
 * Where Protected Resource Metadata is looked for, in order: the challenge's `resource_metadata`, then the
 * path-based well-known URL, then the root one.
 *
 * @example
 * ```ts
 * import { protectedResourceMetadataUrls } from '@pmcp/auth';
 *
 * protectedResourceMetadataUrls('https://mcp.example.com/mcp');
 * // ['https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
 * //  'https://mcp.example.com/.well-known/oauth-protected-resource']
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#protected-resource-metadata-discovery-requirements
 */
export function protectedResourceMetadataUrls(serverUrl: string | URL, resourceMetadata?: string): string[] {
  const server = new URL(serverUrl);
  const urls: string[] = [];
  if (resourceMetadata !== undefined) urls.push(new URL(resourceMetadata, server).href);
  const path = server.pathname.replace(/\/+$/, '');
  if (path !== '') urls.push(`${server.origin}/.well-known/oauth-protected-resource${path}`);
  urls.push(`${server.origin}/.well-known/oauth-protected-resource`);
  return [...new Set(urls)];
}

/**
 * Where the metadata of an authorization server is looked for, in the spec's order: for an issuer with a path
 * (`https://auth.example.com/t1`) the RFC 8414 path-inserted URL, the OIDC path-inserted URL, then the OIDC
 * path-appended URL; for an issuer without one, RFC 8414 then OIDC at the root.
 *
 * @example
 * ```ts
 * import { authorizationServerMetadataUrls } from '@pmcp/auth';
 *
 * authorizationServerMetadataUrls('https://auth.example.com/t1');
 * // ['https://auth.example.com/.well-known/oauth-authorization-server/t1',
 * //  'https://auth.example.com/.well-known/openid-configuration/t1',
 * //  'https://auth.example.com/t1/.well-known/openid-configuration']
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization/authorization-server-discovery
 */
export function authorizationServerMetadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '') {
    return [
      `${url.origin}/.well-known/oauth-authorization-server`,
      `${url.origin}/.well-known/openid-configuration`,
    ];
  }
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

/** Fetches one metadata document: the parsed JSON object, or why it could not be had. */
async function fetchJsonDocument(
  fetchFn: OAuthFetch,
  url: string,
): Promise<{ ok: true; document: Record<string, unknown> } | { ok: false; reason: string }> {
  let response: Response;
  try {
    response = await fetchFn(url, { method: 'GET', headers: { Accept: 'application/json' } });
  } catch (error) {
    return { ok: false, reason: `${url}: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, reason: `${url}: HTTP ${response.status}` };
  }
  try {
    const document: unknown = await response.json();
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      return { ok: false, reason: `${url}: not a JSON object` };
    }
    return { ok: true, document: document as Record<string, unknown> };
  } catch {
    return { ok: false, reason: `${url}: not JSON` };
  }
}

/**
 * Finds and validates the Protected Resource Metadata of an MCP server (the URLs of
 * {@link protectedResourceMetadataUrls}, first usable one wins). It must name a `resource` and at least one
 * authorization server; whether that resource is this server is the caller's check ({@link isResourceAllowed}).
 * Throws an `OAuthError` (`discovery_failed`) listing every URL tried.
 *
 * @example
 * ```ts
 * import { discoverProtectedResourceMetadata } from '@pmcp/auth';
 *
 * const prm = await discoverProtectedResourceMetadata('https://mcp.example.com/mcp');
 * prm.authorization_servers[0]; // 'https://auth.example.com'
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3
 */
export async function discoverProtectedResourceMetadata(
  serverUrl: string | URL,
  options?: { resourceMetadata?: string; fetch?: OAuthFetch },
): Promise<ProtectedResourceMetadata> {
  const fetchFn = options?.fetch ?? fetch;
  const problems: string[] = [];
  for (const url of protectedResourceMetadataUrls(serverUrl, options?.resourceMetadata)) {
    const result = await fetchJsonDocument(fetchFn, url);
    if (!result.ok) {
      problems.push(result.reason);
      continue;
    }
    const { document } = result;
    const servers = document.authorization_servers;
    if (typeof document.resource !== 'string') {
      problems.push(`${url}: no "resource"`);
      continue;
    }
    if (!Array.isArray(servers) || servers.length === 0 || !servers.every((s) => typeof s === 'string')) {
      problems.push(`${url}: "authorization_servers" must be a non-empty array of issuer URLs`);
      continue;
    }
    return document as ProtectedResourceMetadata;
  }
  throw new OAuthError(
    'discovery_failed',
    `No Protected Resource Metadata for ${String(serverUrl)} (tried ${problems.join('; ')}). The MCP server must publish RFC 9728 metadata naming its authorization server.`,
  );
}

/**
 * Finds the metadata of an authorization server (the URLs of {@link authorizationServerMetadataUrls}, in order)
 * and accepts a document only if its `issuer` is exactly the issuer asked for, so that metadata served for
 * another issuer is never used. Throws an `OAuthError` (`issuer_mismatch` when only mismatching documents were
 * found, otherwise `discovery_failed`).
 *
 * @example
 * ```ts
 * import { discoverAuthorizationServerMetadata } from '@pmcp/auth';
 *
 * const metadata = await discoverAuthorizationServerMetadata('https://auth.example.com');
 * metadata.token_endpoint; // 'https://auth.example.com/token'
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization/authorization-server-discovery
 */
export async function discoverAuthorizationServerMetadata(
  issuer: string,
  options?: { fetch?: OAuthFetch },
): Promise<AuthorizationServerMetadata> {
  const fetchFn = options?.fetch ?? fetch;
  const problems: string[] = [];
  let sawMismatch = false;
  for (const url of authorizationServerMetadataUrls(issuer)) {
    const result = await fetchJsonDocument(fetchFn, url);
    if (!result.ok) {
      problems.push(result.reason);
      continue;
    }
    const { document } = result;
    if (document.issuer !== issuer) {
      sawMismatch = true;
      problems.push(`${url}: its issuer ${JSON.stringify(document.issuer)} is not ${JSON.stringify(issuer)}`);
      continue;
    }
    if (typeof document.authorization_endpoint !== 'string' || typeof document.token_endpoint !== 'string') {
      problems.push(`${url}: no authorization_endpoint or token_endpoint`);
      continue;
    }
    return document as AuthorizationServerMetadata;
  }
  throw new OAuthError(
    sawMismatch ? 'issuer_mismatch' : 'discovery_failed',
    sawMismatch
      ? `Refusing the metadata of authorization server ${issuer}: ${problems.join('; ')}. Metadata must state exactly the issuer it was discovered for (RFC 8414 §3.3).`
      : `No authorization server metadata for ${issuer} (tried ${problems.join('; ')}). The authorization server must publish RFC 8414 or OpenID Connect discovery metadata.`,
  );
}
