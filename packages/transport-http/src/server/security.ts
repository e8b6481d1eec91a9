/**
 * DNS-rebinding protection (Host and Origin validation) and CORS.
 *
 * The attack: a page on evil.example makes its own name resolve to 127.0.0.1, then calls the local MCP server
 * "same-origin". The browser is on the server's machine, so the request arrives over loopback with
 * `Host: evil.example`; refusing non-loopback Host names on loopback connections stops it. Requests from other
 * machines are not exposed to it, so their Host is only checked against an explicit allow-list.
 */
import { ErrorCode } from '@pmcp/types';
import type { CorsOptions, ResolvedOptions } from './options.ts';
import { errorResponse } from './responses.ts';

/**
 * What the runtime knows about the connection a request came in on. Deno passes `{ remoteAddr }` as the
 * second argument of a `Deno.serve` handler, Bun passes its server (with `requestIP`), and the `./node` adapter
 * passes `{ remoteAddr, localAddr }`; anything else is ignored.
 *
 * @example
 * ```ts
 * import type { ConnectionInfo } from '@pmcp/transport-http';
 *
 * const info: ConnectionInfo = { remoteAddr: { hostname: '127.0.0.1' } };
 * const response = await handler(request, info);
 * ```
 */
export interface ConnectionInfo {
  remoteAddr?: { hostname?: string | undefined } | undefined;
  localAddr?: { hostname?: string | undefined } | undefined;
}

const MCP_REQUEST_HEADERS = [
  'Content-Type',
  'Accept',
  'Authorization',
  'Mcp-Session-Id',
  'MCP-Protocol-Version',
  'Mcp-Method',
  'Mcp-Name',
  'Last-Event-ID',
];
const MCP_RESPONSE_HEADERS = [
  'Mcp-Session-Id',
  'MCP-Protocol-Version',
  'Mcp-Method',
  'Mcp-Name',
  'WWW-Authenticate',
  'Retry-After',
];
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function stripBrackets(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/** `localhost`, `*.localhost`, 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackName(hostname: string): boolean {
  const name = stripBrackets(hostname.toLowerCase()).replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === '::1' || name === '0:0:0:0:0:0:0:1') return true;
  const v4 = name.startsWith('::ffff:') ? name.slice(7) : name;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

function readAddress(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const hostname = (value as { hostname?: unknown }).hostname;
  if (typeof hostname === 'string') return hostname;
  const address = (value as { address?: unknown }).address;
  return typeof address === 'string' ? address : undefined;
}

/** Whether the request came over loopback, from whatever the runtime tells; the URL is the last resort. */
export function isLoopbackConnection(request: Request, url: URL, info: unknown): boolean {
  if (typeof info === 'object' && info !== null) {
    const remote = readAddress((info as ConnectionInfo).remoteAddr);
    if (remote !== undefined && isLoopbackName(remote)) return true;
    const local = readAddress((info as ConnectionInfo).localAddr);
    if (local !== undefined && isLoopbackName(local)) return true;
    const requestIP = (info as { requestIP?: unknown }).requestIP;
    if (typeof requestIP === 'function') {
      try {
        const address = readAddress(requestIP.call(info, request));
        if (address !== undefined) return isLoopbackName(address);
      } catch {
        // Not Bun's server after all.
      }
    }
    if (remote !== undefined || local !== undefined) return false;
  }
  return isLoopbackName(url.hostname);
}

function parseHost(host: string): { hostname: string; port: string } | undefined {
  try {
    const url = new URL(`http://${host}`);
    if (url.host.toLowerCase() !== host.toLowerCase().replace(/:80$/, '')) return undefined;
    return { hostname: url.hostname, port: url.port };
  } catch {
    return undefined;
  }
}

function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const parsed = parseHost(host);
  if (parsed === undefined) return false;
  const name = stripBrackets(parsed.hostname);
  return allowed.some((entry) => {
    const wanted = parseHost(entry);
    if (wanted === undefined) return false;
    if (stripBrackets(wanted.hostname) !== name) return false;
    return wanted.port === '' || wanted.port === parsed.port;
  });
}

function normalizeOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

function corsAllows(cors: CorsOptions | undefined, origin: string): boolean {
  if (cors === undefined) return false;
  const allowed = cors.origin;
  if (allowed === '*') return true;
  if (typeof allowed === 'function') {
    try {
      return allowed(origin) === true;
    } catch {
      return false;
    }
  }
  const list = typeof allowed === 'string' ? [allowed] : allowed;
  const wanted = normalizeOrigin(origin);
  return wanted !== undefined && list.some((entry) => normalizeOrigin(entry) === wanted);
}

function forbidden(message: string): Response {
  return errorResponse(403, ErrorCode.InvalidRequest, message);
}

/** A 403 response when the Host or Origin header is not acceptable, otherwise `undefined`. */
export function checkHostAndOrigin(
  request: Request,
  url: URL,
  info: unknown,
  config: ResolvedOptions,
): Response | undefined {
  const loopback = isLoopbackConnection(request, url, info);
  const host = request.headers.get('host') ?? url.host;
  if (config.allowedHosts !== 'any') {
    if (config.allowedHosts !== undefined) {
      if (!hostAllowed(host, config.allowedHosts)) {
        return forbidden(
          `Forbidden: Host "${host}" is not allowed. Add it to the allowedHosts option of createHttpHandler if this server should answer to that name.`,
        );
      }
    } else if (loopback) {
      const parsed = parseHost(host);
      if (parsed === undefined || !isLoopbackName(parsed.hostname)) {
        return forbidden(
          `Forbidden: Host "${host}" is not a loopback name. A server reached over loopback only answers to localhost, 127.0.0.1 and [::1] (this protects it from DNS rebinding); list other names in the allowedHosts option.`,
        );
      }
    }
  }

  const origin = request.headers.get('origin');
  if (origin === null || config.allowedOrigins === 'any') return undefined;
  if (corsAllows(config.cors, origin)) return undefined;
  const normalized = normalizeOrigin(origin);
  let allowed: boolean;
  if (config.allowedOrigins !== undefined) {
    allowed =
      normalized !== undefined &&
      config.allowedOrigins.some((entry) => normalizeOrigin(entry) === normalized);
  } else if (loopback) {
    allowed = normalized !== undefined && isLoopbackName(new URL(normalized).hostname);
  } else {
    // A browser on another site: only the server's own pages may call it, unless CORS says otherwise.
    allowed = normalized !== undefined && new URL(normalized).host.toLowerCase() === host.toLowerCase();
  }
  if (allowed) return undefined;
  return forbidden(
    `Forbidden: Origin "${origin}" is not allowed to call this MCP server. Add it to the allowedOrigins option (or to cors.origin for browser clients) of createHttpHandler.`,
  );
}

/** Answers a CORS preflight. Without CORS configured, OPTIONS is not a method the endpoint serves. */
export function preflightResponse(
  request: Request,
  cors: CorsOptions | undefined,
  allowMethods: string,
): Response {
  const headers = new Headers({ Allow: `${allowMethods}, OPTIONS` });
  const origin = request.headers.get('origin');
  if (cors === undefined || origin === null || !corsAllows(cors, origin)) {
    return new Response(null, { status: cors === undefined ? 405 : 204, headers });
  }
  applyCorsHeaders(headers, origin, cors);
  headers.set('Access-Control-Allow-Methods', `${allowMethods}, OPTIONS`);
  const requested = (request.headers.get('access-control-request-headers') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0 && TOKEN.test(name));
  const allowed = new Map<string, string>();
  for (const name of [...MCP_REQUEST_HEADERS, ...(cors.allowHeaders ?? [])])
    allowed.set(name.toLowerCase(), name);
  // Mcp-Param-* names come from tool schemas, so they cannot be listed in advance.
  for (const name of requested) {
    if (name.toLowerCase().startsWith('mcp-param-')) allowed.set(name.toLowerCase(), name);
  }
  headers.set('Access-Control-Allow-Headers', [...allowed.values()].join(', '));
  headers.set('Access-Control-Max-Age', String(cors.maxAge ?? 600));
  return new Response(null, { status: 204, headers });
}

function applyCorsHeaders(headers: Headers, origin: string, cors: CorsOptions): void {
  const credentials = cors.credentials === true;
  headers.set('Access-Control-Allow-Origin', cors.origin === '*' && !credentials ? '*' : origin);
  if (credentials) headers.set('Access-Control-Allow-Credentials', 'true');
  headers.append('Vary', 'Origin');
}

/** Adds the CORS headers of an actual (non-preflight) response. */
export function withCors(response: Response, request: Request, cors: CorsOptions | undefined): Response {
  if (cors === undefined) return response;
  const origin = request.headers.get('origin');
  if (origin === null || !corsAllows(cors, origin)) return response;
  applyCorsHeaders(response.headers, origin, cors);
  response.headers.set(
    'Access-Control-Expose-Headers',
    [...MCP_RESPONSE_HEADERS, ...(cors.exposeHeaders ?? [])].join(', '),
  );
  return response;
}
