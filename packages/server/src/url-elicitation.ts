/**
 * URL-mode elicitation that completes out of band (2025-11-25): the error that asks the client to send the user to
 * one or more URLs before retrying (`-32042`), and the record of which session each elicitation id went to, so
 * `server.completeElicitation(id)` can tell that session when the user is done.
 */
import { isMcpError, McpError, McpErrorCode } from '@pmcp/jsonrpc';

/**
 * One URL the user has to visit, as given to {@link UrlElicitationRequiredError}.
 *
 * @example
 * ```ts
 * import type { UrlElicitation } from '@pmcp/server';
 *
 * const signIn: UrlElicitation = {
 *   message: 'Sign in to your calendar first',
 *   url: 'https://calendar.example.com/oauth/authorize',
 *   elicitationId: 'calendar-sign-in',
 * };
 * ```
 */
export interface UrlElicitation {
  /** Why the user should open the URL, shown by the client. */
  message: string;
  /** The URL to open (the client shows it and asks before navigating). */
  url: string;
  /**
   * Pass your own id to call `server.completeElicitation(id)` later; otherwise a random UUID is used (read it from
   * `error.elicitations`).
   */
  elicitationId?: string;
}

/**
 * An elicitation as it goes on the wire in `error.data.elicitations` (what `error.elicitations` holds).
 *
 * @example
 * ```ts
 * import { UrlElicitationRequiredError, type UrlElicitationParams } from '@pmcp/server';
 *
 * const error = new UrlElicitationRequiredError([{ message: 'Pay first', url: 'https://pay.example.com' }]);
 * const [first]: readonly UrlElicitationParams[] = error.elicitations; // { mode: 'url', …, elicitationId }
 * ```
 * @see https://modelcontextprotocol.io/specification/2025-11-25/schema#urlelicitationrequirederror
 */
export interface UrlElicitationParams {
  mode: 'url';
  message: string;
  url: string;
  elicitationId: string;
}

/**
 * Thrown from a handler of a legacy (2025-11-25) session: the request cannot go on until the user has completed
 * an interaction at each URL (an OAuth authorization, a payment). The client receives error `-32042` with
 * `data.elicitations`, shows the URLs, and retries the request once the user is done; call
 * `server.completeElicitation(elicitationId)` when your server learns that (an OAuth callback, a webhook) so the
 * client can retry at once.
 *
 * The error exists in 2025-11-25 only. In a modern (2026-07-28) request ask with
 * `ctx.elicit({ mode: 'url', message, url })`, which becomes an input round; thrown there, this error reaches the
 * client as a plain JSON-RPC error with the same code and data.
 *
 * @example
 * ```ts
 * import { createServer, UrlElicitationRequiredError } from '@pmcp/server';
 *
 * const server = createServer({ name: 'calendar', version: '1.0.0' });
 * let linked = false;
 * server.tool('next_meeting', { description: 'Reads your next meeting' }, () => {
 *   if (!linked) {
 *     throw new UrlElicitationRequiredError([
 *       { message: 'Link your calendar first', url: 'https://calendar.example.com/link', elicitationId: 'link' },
 *     ]);
 *   }
 *   return 'Stand-up at 9:30';
 * });
 * // In the OAuth callback of calendar.example.com:
 * //   linked = true;
 * //   await server.completeElicitation('link');
 * ```
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/elicitation#url-elicitation-required-error
 */
export class UrlElicitationRequiredError extends McpError {
  /** The elicitations sent in `error.data.elicitations`, each with its `elicitationId`. */
  readonly elicitations: readonly UrlElicitationParams[];

  constructor(
    elicitations: readonly UrlElicitation[],
    message = 'This request needs the user to complete an interaction in the browser first; retry it afterwards.',
  ) {
    if (!Array.isArray(elicitations) || elicitations.length === 0) {
      throw new TypeError(
        'UrlElicitationRequiredError needs a non-empty array of { message, url } elicitations',
      );
    }
    const params = elicitations.map((entry, index): UrlElicitationParams => {
      if (typeof entry?.message !== 'string' || typeof entry.url !== 'string' || !URL.canParse(entry.url)) {
        throw new TypeError(
          `UrlElicitationRequiredError: elicitations[${index}] needs a string message and an absolute url`,
        );
      }
      if (
        entry.elicitationId !== undefined &&
        (typeof entry.elicitationId !== 'string' || entry.elicitationId === '')
      ) {
        throw new TypeError(
          `UrlElicitationRequiredError: elicitations[${index}].elicitationId must be a non-empty string`,
        );
      }
      return {
        mode: 'url',
        message: entry.message,
        url: entry.url,
        elicitationId: entry.elicitationId ?? crypto.randomUUID(),
      };
    });
    super(McpErrorCode.UrlElicitationRequired, message, { data: { elicitations: params } });
    this.name = 'UrlElicitationRequiredError';
    this.elicitations = params;
  }
}

/** The elicitation ids carried by a `-32042` error a handler threw (ours or a hand-made `McpError`). */
export function elicitationIdsOf(error: unknown): string[] {
  if (!isMcpError(error) || error.code !== McpErrorCode.UrlElicitationRequired) return [];
  const elicitations = (error.data as { elicitations?: unknown } | undefined)?.elicitations;
  if (!Array.isArray(elicitations)) return [];
  return elicitations.flatMap((entry: unknown) => {
    const id = (entry as { elicitationId?: unknown } | null)?.elicitationId;
    return typeof id === 'string' && id !== '' ? [id] : [];
  });
}

/**
 * Which connection each outstanding URL elicitation went to. Bounded: past `limit` ids the oldest is forgotten
 * (its completion is then not delivered, and the client falls back to retrying when the user says so).
 */
export class UrlElicitationRegistry<Connection> {
  readonly #byId = new Map<string, Connection>();
  readonly #limit: number;

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  track(elicitationId: string, connection: Connection): void {
    this.#byId.delete(elicitationId);
    this.#byId.set(elicitationId, connection);
    if (this.#byId.size > this.#limit) {
      const oldest = this.#byId.keys().next();
      if (oldest.done !== true) this.#byId.delete(oldest.value);
    }
  }

  /** Removes and returns the connection of `elicitationId`. */
  take(elicitationId: string): Connection | undefined {
    const connection = this.#byId.get(elicitationId);
    this.#byId.delete(elicitationId);
    return connection;
  }

  /** Forgets every elicitation of a connection that closed. */
  forget(connection: Connection): void {
    for (const [id, owner] of this.#byId) if (owner === connection) this.#byId.delete(id);
  }

  get size(): number {
    return this.#byId.size;
  }
}
