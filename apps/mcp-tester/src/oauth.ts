/**
 * OAuth for HTTP targets: an `@pmcp/auth` provider with either a loopback redirect (a person signs in through a
 * browser) or the headless authorizer, and what the report may say about it (never a token).
 */
import { readFile } from 'node:fs/promises';
import {
  type ClientCredentialsProvider,
  createClientCredentialsProvider,
  createHeadlessAuthorizer,
  createInMemoryOAuthStorage,
  createOAuthClientProvider,
  type OAuthClientInformation,
  type OAuthClientProvider,
  type OAuthClientProviderOptions,
  type OAuthStorage,
  type RedirectToAuthorization,
} from '@pmcp/auth';
import { type ListeningServer, listen } from '@pmcp/transport-http/node';
import type { CommonOptions, OAuthSettings } from './args.ts';

/**
 * What a report says about how the tester authenticated: never a token or a secret.
 *
 * @example
 * ```ts
 * import type { AuthSummary } from '@pmcp/mcp-tester';
 * const auth: AuthSummary = { method: 'header', headers: ['Authorization'] };
 * ```
 */
export type AuthSummary =
  | { method: 'none' }
  | { method: 'header'; headers: string[] }
  | {
      method: 'oauth';
      flow: OAuthSettings['flow'];
      /** The redirect URL of the sign-in flows; absent for client credentials, which have none. */
      redirectUrl?: string;
      /** `pre-registered` with `--client-id`; otherwise the provider's choice (CIMD or dynamic registration). */
      client: 'pre-registered' | 'provider';
      clientId?: string;
      /** Whether a sign-in happened (false when the server never asked for a token). */
      authorized: boolean;
      issuer?: string;
      scope?: string;
    };

/**
 * An OAuth provider for one HTTP target, with the loopback listener it may own.
 *
 * @example
 * ```ts
 * import { type OAuthSession, startOAuthSession } from '@pmcp/mcp-tester';
 * const session: OAuthSession = await startOAuthSession('http://127.0.0.1:3000/mcp', options);
 * console.log(await session.summary());
 * await session.close();
 * ```
 */
export interface OAuthSession {
  provider: OAuthClientProvider | ClientCredentialsProvider;
  /** Signs in before the client connects, so the sign-in has its own limit instead of the first request's. */
  preauthorize(timeoutMs: number): Promise<void>;
  summary(): Promise<AuthSummary>;
  close(): Promise<void>;
}

const CALLBACK_PATH = '/callback';
/** The headless flow reads the redirect's `Location` without following it: nothing needs to listen there. */
const HEADLESS_REDIRECT_URL = `http://127.0.0.1${CALLBACK_PATH}`;
const SIGNED_IN_PAGE =
  '<!doctype html><meta charset="utf-8"><title>mcp-tester</title><p>Signed in, you can close this tab and return to mcp-tester.</p>';

/**
 * The auth summary of options without OAuth: the names of the headers sent, never their values.
 *
 * @example
 * ```ts
 * import { headerAuthSummary } from '@pmcp/mcp-tester';
 * headerAuthSummary({ Authorization: 'Bearer …' }); // { method: 'header', headers: ['Authorization'] }
 * ```
 */
export function headerAuthSummary(headers: Record<string, string>): AuthSummary {
  const names = Object.keys(headers);
  return names.length === 0 ? { method: 'none' } : { method: 'header', headers: names };
}

/**
 * Creates the OAuth provider for one HTTP target. With the loopback flow it listens on 127.0.0.1 first (on
 * `--oauth-port`, or a free port), so the redirect URL names a port that is really there.
 *
 * @example
 * ```ts
 * import { startOAuthSession } from '@pmcp/mcp-tester';
 * const session = await startOAuthSession('http://127.0.0.1:3000/mcp', options);
 * await session.preauthorize(30_000);
 * await session.close();
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization
 */
export async function startOAuthSession(serverUrl: string, options: CommonOptions): Promise<OAuthSession> {
  const settings = options.oauth;
  if (settings === undefined)
    throw new Error('startOAuthSession needs options.oauth (--oauth or --oauth-headless).');
  if (settings.flow === 'client-credentials') return clientCredentialsSession(serverUrl, options, settings);
  const notify = options.notify ?? ((text: string) => console.error(text.trimEnd()));
  const storage = createInMemoryOAuthStorage();
  let redirectUrl = HEADLESS_REDIRECT_URL;
  let redirectToAuthorization: RedirectToAuthorization = createHeadlessAuthorizer();
  let loopback: LoopbackListener | undefined;
  if (settings.flow === 'loopback') {
    loopback = await startLoopbackListener(settings);
    redirectUrl = loopback.redirectUrl;
    redirectToAuthorization = loopback.redirectToAuthorization(notify);
  }
  const providerOptions: OAuthClientProviderOptions = {
    serverUrl,
    redirectUrl,
    redirectToAuthorization,
    clientMetadata: { client_name: 'mcp-tester' },
    storage,
  };
  if (settings.clientId !== undefined) {
    const client: OAuthClientInformation = { client_id: settings.clientId };
    if (settings.clientSecret !== undefined) client.client_secret = settings.clientSecret;
    providerOptions.clientInformation = client;
  }
  const provider = createOAuthClientProvider(providerOptions);
  const described: OAuthDescription = {
    method: 'oauth',
    flow: settings.flow,
    redirectUrl,
    client: settings.clientId === undefined ? 'provider' : 'pre-registered',
  };
  if (settings.clientId !== undefined) described.clientId = settings.clientId;
  return session(serverUrl, options, provider, storage, described, async () => {
    await loopback?.close();
  });
}

/** What a session's summary says regardless of how the sign-in went. */
type OAuthDescription = Omit<Extract<AuthSummary, { method: 'oauth' }>, 'authorized' | 'issuer' | 'scope'>;

/** The session around a provider: sign in ahead of the connection, and report without tokens. */
function session(
  serverUrl: string,
  options: CommonOptions,
  provider: OAuthClientProvider | ClientCredentialsProvider,
  storage: OAuthStorage,
  described: OAuthDescription,
  close: () => Promise<void>,
): OAuthSession {
  let authorized = false;
  return {
    provider,
    async preauthorize(timeoutMs) {
      const challenge = await probeForChallenge(serverUrl, options.headers, timeoutMs);
      if (challenge === undefined) return;
      authorized = await provider.onUnauthorized({
        url: new URL(serverUrl),
        method: 'POST',
        response: challenge,
      });
    },
    async summary() {
      const tokens = await storage.getTokens(provider.serverUri);
      const summary: AuthSummary = { ...described, authorized: authorized || tokens !== undefined };
      if (tokens !== undefined) {
        summary.issuer = tokens.issuer;
        if (tokens.scope !== undefined) summary.scope = tokens.scope;
      }
      return summary;
    },
    close,
  };
}

/** `--oauth-client-credentials`: the service's own credentials, no sign-in step. */
async function clientCredentialsSession(
  serverUrl: string,
  options: CommonOptions,
  settings: OAuthSettings,
): Promise<OAuthSession> {
  const storage = createInMemoryOAuthStorage();
  let privateKey: string | undefined;
  if (settings.privateKeyFile !== undefined) {
    try {
      privateKey = await readFile(settings.privateKeyFile, 'utf8');
    } catch (error) {
      throw new Error(
        `Cannot read --private-key-file ${settings.privateKeyFile}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  const provider = createClientCredentialsProvider({
    serverUrl,
    clientId: settings.clientId as string,
    storage,
    ...(privateKey === undefined
      ? { clientSecret: settings.clientSecret as string }
      : {
          privateKey,
          ...(settings.signingAlgorithm === undefined ? {} : { signingAlgorithm: settings.signingAlgorithm }),
        }),
  });
  const described: OAuthDescription = {
    method: 'oauth',
    flow: 'client-credentials',
    client: 'pre-registered',
    clientId: settings.clientId as string,
  };
  return session(serverUrl, options, provider, storage, described, async () => {});
}

/**
 * Asks the server without credentials, the way the client's first request would: a 401 (or 403) answer is the
 * challenge to sign in with. Anything else (no challenge, no answer) is left to the client to report.
 */
async function probeForChallenge(
  serverUrl: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<Response | undefined> {
  let response: Response;
  try {
    response = await fetch(serverUrl, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 'mcp-tester-auth-probe', method: 'ping' }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    return undefined;
  }
  await response.body?.cancel().catch(() => undefined);
  return response.status === 401 || response.status === 403 ? response : undefined;
}

interface LoopbackListener {
  redirectUrl: string;
  redirectToAuthorization(notify: (text: string) => void): RedirectToAuthorization;
  close(): Promise<void>;
}

interface Waiter {
  resolve(url: string): void;
  reject(error: Error): void;
}

async function startLoopbackListener(settings: OAuthSettings): Promise<LoopbackListener> {
  let waiter: Waiter | undefined;
  let redirectUrl = '';
  let running: ListeningServer;
  try {
    running = await listen(
      async (request) => {
        const url = new URL(request.url);
        if (url.pathname !== CALLBACK_PATH) return new Response('Not found.', { status: 404 });
        if (waiter === undefined) {
          return new Response('No sign-in is in progress in mcp-tester.', { status: 409 });
        }
        waiter.resolve(new URL(`${url.pathname}${url.search}`, redirectUrl).href);
        return new Response(SIGNED_IN_PAGE, { headers: { 'content-type': 'text/html; charset=utf-8' } });
      },
      { host: '127.0.0.1', port: settings.port ?? 0 },
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Cannot listen for the OAuth redirect on 127.0.0.1:${settings.port ?? 0} (${reason}); choose another --oauth-port.`,
    );
  }
  redirectUrl = `http://127.0.0.1:${running.port}${CALLBACK_PATH}`;
  return {
    redirectUrl,
    redirectToAuthorization: (notify) => (authorizationUrl) => {
      waiter?.reject(new Error('A newer sign-in replaced this one.'));
      notify(
        `Open this URL to sign in:\n${authorizationUrl.href}\n(waiting for the redirect to ${redirectUrl})\n`,
      );
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          reject(
            new Error(
              `No sign-in reached ${redirectUrl} within ${describeDuration(settings.signInTimeoutMs)}: open the URL mcp-tester printed on stderr and finish signing in, or allow longer with --timeout.`,
            ),
          );
        }, settings.signInTimeoutMs);
        const current: Waiter = {
          resolve: (url) => {
            clearTimeout(timer);
            if (waiter === current) waiter = undefined;
            resolve(url);
          },
          reject: (error) => {
            clearTimeout(timer);
            if (waiter === current) waiter = undefined;
            reject(error);
          },
        };
        waiter = current;
      });
    },
    close: async () => {
      waiter?.reject(new Error('mcp-tester stopped waiting for the sign-in.'));
      await running.close();
    },
  };
}

function describeDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
