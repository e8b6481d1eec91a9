/**
 * Opening a target: the transport for its kind, a pmcp client on top, and the tap that lets checks send their
 * own requests on the same connection.
 */
import { type Client, createClient } from '@pmcp/client';
import type { Transport } from '@pmcp/jsonrpc';
import { httpClientTransport } from '@pmcp/transport-http';
import { type StdioClientTransport, stdioClientTransport } from '@pmcp/transport-stdio';
import { type Implementation, MetaKey, type ProtocolEra, type ServerCapabilities } from '@pmcp/types';
import type { CommonOptions, Target } from './args.ts';
import { type AuthSummary, headerAuthSummary, type OAuthSession, startOAuthSession } from './oauth.ts';
import { type RawOutcome, TapTransport } from './tap.ts';

/** How the tester introduces itself to servers. */
export const TESTER_INFO: Implementation = { name: 'mcp-tester', version: '0.0.0' };

const STDERR_TAIL_CHARS = 4000;

/** What the server said about itself when the client connected. */
export interface ServerSummary {
  era: ProtocolEra;
  protocolVersion: string;
  serverInfo: Implementation | undefined;
  capabilities: ServerCapabilities;
  instructions?: string;
}

/** A connected client, the tap beside it, and what the connection reported on the side. */
export interface Connection {
  client: Client;
  summary: ServerSummary;
  /** Sends a request of the tester's own (with the era's `_meta`) on the client's connection. */
  raw(method: string, params?: Record<string, unknown>): Promise<RawOutcome>;
  /** Raw results of the handshake requests (`server/discover`, `initialize`), by method. */
  handshakeResults: ReadonlyMap<string, Record<string, unknown>>;
  /** Errors the transport or client reported outside any request (junk on stdout, stray responses). */
  transportErrors: string[];
  /** How the tester authenticated (never the token). */
  auth: AuthSummary;
  stderrTail(): string;
  close(): Promise<void>;
}

/** Either a connection or why there is none (with the server's stderr for stdio targets). */
export type ConnectOutcome =
  | { ok: true; connection: Connection }
  | { ok: false; error: string; stderrTail: string; auth: AuthSummary };

/**
 * A human name for a target, as reports print it.
 *
 * @example
 * ```ts
 * import { describeTarget } from '@pmcp/mcp-tester';
 * describeTarget({ kind: 'http', url: 'http://127.0.0.1:3000/mcp' }); // 'http://127.0.0.1:3000/mcp'
 * ```
 */
export function describeTarget(target: Target): string {
  return target.kind === 'http' ? target.url : `stdio: ${target.commandLine}`;
}

/**
 * Connects a pmcp client to the target. Never throws for a server that misbehaves: the failure is data.
 *
 * @example
 * ```ts
 * import { connectTarget } from '@pmcp/mcp-tester';
 * const outcome = await connectTarget({ kind: 'http', url: 'http://127.0.0.1:3000/mcp' }, options);
 * if (outcome.ok) await outcome.connection.close();
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/versioning
 */
export async function connectTarget(target: Target, options: CommonOptions): Promise<ConnectOutcome> {
  let inner: Transport;
  let stdio: StdioClientTransport | undefined;
  let stderr = '';
  let oauth: OAuthSession | undefined;
  const authSummary = async (): Promise<AuthSummary> =>
    oauth === undefined
      ? target.kind === 'http'
        ? headerAuthSummary(options.headers)
        : { method: 'none' }
      : await oauth.summary();
  const fail = async (error: unknown): Promise<ConnectOutcome> => {
    const auth = await authSummary();
    await oauth?.close();
    return { ok: false, error: withAuthHint(messageWithCause(error), options), stderrTail: stderr, auth };
  };
  try {
    if (target.kind === 'http') {
      if (options.oauth !== undefined) {
        oauth = await startOAuthSession(target.url, options);
        await oauth.preauthorize(options.timeoutMs);
      }
      inner = httpClientTransport(target.url, {
        era: options.era,
        headers: options.headers,
        ...(oauth === undefined ? {} : { auth: oauth.provider }),
      });
    } else {
      stdio = stdioClientTransport({ command: target.command, args: target.args, stderr: 'pipe' });
      stdio.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
      });
      inner = stdio;
    }
  } catch (error) {
    return fail(error);
  }
  const tap = new TapTransport(inner);
  const transportErrors: string[] = [];
  const client = createClient(TESTER_INFO, {
    defaultTimeout: options.timeoutMs,
    discoverTimeout: options.timeoutMs,
    cache: false,
  });
  client.onerror = (error) => {
    if (transportErrors.length < 20) transportErrors.push(error.message);
  };
  try {
    await client.connect(tap, { era: options.era });
  } catch (error) {
    await client.close().catch(() => undefined);
    return fail(error);
  }
  const era = client.era as ProtocolEra;
  const protocolVersion = client.protocolVersion as string;
  const summary: ServerSummary = {
    era,
    protocolVersion,
    serverInfo: client.serverInfo,
    capabilities: client.serverCapabilities ?? {},
  };
  if (client.instructions !== undefined) summary.instructions = client.instructions;
  const connection: Connection = {
    client,
    summary,
    raw: (method, params = {}) => {
      const sent =
        era === 'modern'
          ? {
              ...params,
              _meta: {
                [MetaKey.ProtocolVersion]: protocolVersion,
                [MetaKey.ClientCapabilities]: client.capabilities,
                [MetaKey.ClientInfo]: TESTER_INFO,
              },
            }
          : params;
      return tap.request(method, sent, options.timeoutMs);
    },
    handshakeResults: tap.handshakeResults,
    transportErrors,
    auth: await authSummary(),
    stderrTail: () => stderr,
    close: async () => {
      await client.close().catch(() => undefined);
      await oauth?.close();
    },
  };
  return { ok: true, connection };
}

const AUTH_REFUSAL = /\b(401|403)\b|unauthori[sz]ed|forbidden/i;

/** Points a refused connection at the way to sign in, unless the tester already tried OAuth. */
function withAuthHint(message: string, options: CommonOptions): string {
  if (options.oauth !== undefined || !AUTH_REFUSAL.test(message)) return message;
  const hint = Object.keys(options.headers).some((name) => name.toLowerCase() === 'authorization')
    ? 'The server refused the credentials: check the --header value, or sign in with --oauth (or --oauth-headless for a test authorization server).'
    : "The server wants authorization: sign in with --oauth (or --oauth-headless for a test authorization server), or pass a token with --header 'Authorization: Bearer <token>'.";
  return `${message} ${hint}`;
}

/**
 * The message of anything thrown, for reports.
 *
 * @example
 * ```ts
 * import { messageOf } from './connection.ts';
 * messageOf(new Error('boom')); // 'boom'
 * ```
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The transport reports an OAuth failure as the cause of the refused request; that cause says what to fix. */
function messageWithCause(error: unknown): string {
  const message = messageOf(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  return cause === undefined || message.includes(cause) ? message : `${message}: ${cause}`;
}
