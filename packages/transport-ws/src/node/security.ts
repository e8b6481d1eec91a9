/**
 * DNS-rebinding protection for the upgrade request (Host and Origin validation).
 *
 * The attack: a page on evil.example makes its own name resolve to 127.0.0.1 and opens a WebSocket to the local
 * MCP server. WebSockets are not covered by the same-origin policy, so the server must refuse foreign Origins
 * itself; over loopback it also refuses Host names that are not loopback names.
 */
import type { IncomingMessage } from 'node:http';

/** Which Hosts and Origins may open a connection. */
export interface OriginPolicy {
  allowedOrigins: readonly string[] | 'any' | undefined;
  allowedHosts: readonly string[] | 'any' | undefined;
}

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

function parseHost(host: string): { hostname: string; port: string } | undefined {
  try {
    const url = new URL(`http://${host}`);
    return { hostname: stripBrackets(url.hostname), port: url.port };
  } catch {
    return undefined;
  }
}

function normalizeOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const parsed = parseHost(host);
  if (parsed === undefined) return false;
  return allowed.some((entry) => {
    const wanted = parseHost(entry);
    return (
      wanted !== undefined &&
      wanted.hostname === parsed.hostname &&
      (wanted.port === '' || wanted.port === parsed.port)
    );
  });
}

/** Why the upgrade request must be refused, or `undefined` when its Host and Origin are acceptable. */
export function refusalReason(request: IncomingMessage, policy: OriginPolicy): string | undefined {
  const loopback =
    isLoopbackName(request.socket.remoteAddress ?? '') || isLoopbackName(request.socket.localAddress ?? '');
  const host = request.headers.host ?? '';
  if (policy.allowedHosts !== 'any') {
    if (policy.allowedHosts !== undefined) {
      if (!hostAllowed(host, policy.allowedHosts)) {
        return `Forbidden: Host "${host}" is not allowed. Add it to the allowedHosts option of webSocketServer if this server should answer to that name.`;
      }
    } else if (loopback) {
      const parsed = parseHost(host);
      if (parsed === undefined || !isLoopbackName(parsed.hostname)) {
        return `Forbidden: Host "${host}" is not a loopback name. A server reached over loopback only answers to localhost, 127.0.0.1 and [::1] (this protects it from DNS rebinding); list other names in the allowedHosts option.`;
      }
    }
  }

  const origin = request.headers.origin;
  // Only browsers send Origin, and they always do for WebSockets: its absence means a non-browser client.
  if (origin === undefined || policy.allowedOrigins === 'any') return undefined;
  const normalized = normalizeOrigin(origin);
  let allowed: boolean;
  if (policy.allowedOrigins !== undefined) {
    allowed =
      normalized !== undefined &&
      policy.allowedOrigins.some((entry) => normalizeOrigin(entry) === normalized);
  } else if (loopback) {
    allowed = normalized !== undefined && isLoopbackName(new URL(normalized).hostname);
  } else {
    allowed = normalized !== undefined && new URL(normalized).host.toLowerCase() === host.toLowerCase();
  }
  if (allowed) return undefined;
  return `Forbidden: Origin "${origin}" is not allowed to connect to this MCP server. Add it to the allowedOrigins option of webSocketServer.`;
}
