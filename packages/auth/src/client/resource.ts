/** The MCP server's canonical URI (RFC 8707 resource indicator) and the Protected Resource Metadata match check. */

/**
 * The canonical form of an MCP server URI, as the `resource` parameter wants it: absolute, lower-case scheme and
 * host, default port dropped, no fragment, no trailing slash (`https://MCP.example.com/mcp/#x` →
 * `https://mcp.example.com/mcp`). Throws a `TypeError` for something that is not an absolute http(s) URL.
 *
 * @example
 * ```ts
 * import { canonicalResourceUri } from '@pmcp/auth';
 *
 * canonicalResourceUri('HTTPS://MCP.Example.com:443/'); // 'https://mcp.example.com'
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#canonical-server-uri
 */
export function canonicalResourceUri(uri: string | URL): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new TypeError(
      `${JSON.stringify(String(uri))} is not an absolute URI; an MCP server URI looks like "https://mcp.example.com/mcp".`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`An MCP server URI must use https: (or http: for localhost), got ${url.protocol}`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}${url.search}`;
}

/**
 * Whether Protected Resource Metadata naming `resource` may be used for the MCP server at `serverUrl`: same
 * origin, and `resource`'s path is the server's path or a whole-segment prefix of it (`https://h/api` covers
 * `https://h/api/mcp` but not `https://h/apix`). Anything else is metadata for another resource, and a token
 * obtained with it would be bound to that resource.
 *
 * @example
 * ```ts
 * import { isResourceAllowed } from '@pmcp/auth';
 *
 * isResourceAllowed('https://mcp.example.com/mcp', 'https://mcp.example.com'); // true
 * isResourceAllowed('https://mcp.example.com/mcp', 'https://evil.example.com/mcp'); // false
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3.3
 */
export function isResourceAllowed(serverUrl: string | URL, resource: string): boolean {
  let server: URL;
  let candidate: URL;
  try {
    server = new URL(canonicalResourceUri(serverUrl));
    candidate = new URL(canonicalResourceUri(resource));
  } catch {
    return false;
  }
  if (server.origin !== candidate.origin) return false;
  const serverPath = server.pathname === '/' ? '' : server.pathname;
  const resourcePath = candidate.pathname === '/' ? '' : candidate.pathname;
  return serverPath === resourcePath || serverPath.startsWith(`${resourcePath}/`);
}
