/** Where the OAuth client keeps tokens, client registrations and flows in progress. */
import type { OAuthClientInformation, PendingAuthorization, StoredOAuthTokens } from './types.ts';

type MaybePromise<T> = T | Promise<T>;

/**
 * Storage of the OAuth client. Tokens are keyed by the MCP server's canonical URI, client registrations by the
 * authorization server's issuer (a client_id is never shown to another authorization server), and flows in
 * progress by their `state`. Every method may be async, so a browser can back it with IndexedDB, a desktop app
 * with the OS keychain. Setting `undefined` deletes.
 *
 * @example
 * ```ts
 * import type { OAuthStorage } from '@pmcp/auth';
 *
 * const keychainStorage: OAuthStorage = {
 *   getTokens: (resource) => keychain.read(`tokens:${resource}`),
 *   setTokens: (resource, tokens) => keychain.write(`tokens:${resource}`, tokens),
 *   getClient: (issuer) => keychain.read(`client:${issuer}`),
 *   setClient: (issuer, client) => keychain.write(`client:${issuer}`, client),
 *   getPendingAuthorization: (state) => keychain.read(`flow:${state}`),
 *   setPendingAuthorization: (state, pending) => keychain.write(`flow:${state}`, pending),
 * };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization/security-considerations
 */
export interface OAuthStorage {
  getTokens(resource: string): MaybePromise<StoredOAuthTokens | undefined>;
  setTokens(resource: string, tokens: StoredOAuthTokens | undefined): MaybePromise<void>;
  getClient(issuer: string): MaybePromise<OAuthClientInformation | undefined>;
  setClient(issuer: string, client: OAuthClientInformation | undefined): MaybePromise<void>;
  getPendingAuthorization(state: string): MaybePromise<PendingAuthorization | undefined>;
  setPendingAuthorization(state: string, pending: PendingAuthorization | undefined): MaybePromise<void>;
}

/**
 * An {@link OAuthStorage} in memory: the default, fine for a process that authorizes on each start. Nothing
 * survives a restart.
 *
 * @example
 * ```ts
 * import { createInMemoryOAuthStorage, createOAuthClientProvider } from '@pmcp/auth';
 *
 * const storage = createInMemoryOAuthStorage();
 * const provider = createOAuthClientProvider({ serverUrl, redirectUrl, redirectToAuthorization, storage });
 * ```
 */
export function createInMemoryOAuthStorage(): OAuthStorage {
  const tokens = new Map<string, StoredOAuthTokens>();
  const clients = new Map<string, OAuthClientInformation>();
  const pending = new Map<string, PendingAuthorization>();
  const put = <T>(map: Map<string, T>, key: string, value: T | undefined): void => {
    if (value === undefined) map.delete(key);
    else map.set(key, value);
  };
  return {
    getTokens: (resource) => tokens.get(resource),
    setTokens: (resource, value) => put(tokens, resource, value),
    getClient: (issuer) => clients.get(issuer),
    setClient: (issuer, value) => put(clients, issuer, value),
    getPendingAuthorization: (state) => pending.get(state),
    setPendingAuthorization: (state, value) => put(pending, state, value),
  };
}
