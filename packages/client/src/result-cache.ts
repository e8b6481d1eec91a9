/**
 * The client's result cache: results of the cacheable modern methods, kept for the `ttlMs` the server gave and
 * dropped when a notification says they changed.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/caching
 */
import type { JsonObject } from './request-meta.ts';

/**
 * Options of {@link createResultCache}.
 *
 * @example
 * ```ts
 * import { createResultCache } from '@pmcp/client';
 * const shared = createResultCache({ maxEntries: 1000 });
 * ```
 */
export interface ResultCacheOptions {
  /** The most results kept; the least recently used goes first (default 500). */
  maxEntries?: number;
  /** The clock, in milliseconds (default `Date.now`); tests pass a fake one. */
  now?: () => number;
}

/**
 * What a cached result is about, so notifications can find it. The client builds these; they matter to code that
 * inspects or fills a shared cache itself.
 *
 * @example
 * ```ts
 * import { createResultCache, type CacheEntryKey } from '@pmcp/client';
 * const cache = createResultCache();
 * const key: CacheEntryKey = { server: 'weather@1.0.0', method: 'tools/list', selector: undefined };
 * cache.get(key); // undefined until a client stored the first page of tools/list
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/caching
 */
export interface CacheEntryKey {
  /** Which server (and protocol revision) the result came from: entries never cross servers. */
  server: string;
  method: string;
  /** The params that select the result: `cursor` of a list, `uri` of a read. */
  selector: string | undefined;
}

interface Entry {
  key: CacheEntryKey;
  value: JsonObject;
  expiresAt: number;
}

const DEFAULT_MAX_ENTRIES = 500;

/**
 * A store of cacheable results. Every client has its own; pass one made with {@link createResultCache} to
 * several clients (`cache: { shared }`) to share the results their server marks `cacheScope: "public"` —
 * `private` results always stay in the client that fetched them.
 *
 * @example
 * ```ts
 * import { createClient, createResultCache } from '@pmcp/client';
 * const shared = createResultCache();
 * const alice = createClient({ name: 'app', version: '1.0.0' }, { cache: { shared } });
 * const bob = createClient({ name: 'app', version: '1.0.0' }, { cache: { shared } });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/caching
 */
export class ResultCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: ResultCacheOptions = {}) {
    const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(
        `createResultCache(): maxEntries must be a positive integer, got ${String(maxEntries)}.`,
      );
    }
    this.#maxEntries = maxEntries;
    this.#now = options.now ?? Date.now;
  }

  /** How many results are held (expired ones included until they are next looked at). */
  get size(): number {
    return this.#entries.size;
  }

  /** A copy of the fresh result stored under `key`, or `undefined`. */
  get(key: CacheEntryKey): JsonObject | undefined {
    const id = entryId(key);
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    this.#entries.delete(id);
    if (entry.expiresAt <= this.#now()) return undefined;
    // Re-inserted so that Map order is recency order (least recently used first).
    this.#entries.set(id, entry);
    return structuredClone(entry.value);
  }

  /** Stores a copy of `value` for `ttlMs` milliseconds; a `ttlMs` that is not a positive number stores nothing. */
  set(key: CacheEntryKey, value: JsonObject, ttlMs: number): void {
    if (!(ttlMs > 0) || !Number.isFinite(ttlMs)) return;
    const id = entryId(key);
    this.#entries.delete(id);
    this.#entries.set(id, { key, value: structuredClone(value), expiresAt: this.#now() + ttlMs });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
  }

  /** Drops the results of `method` from `server` (only the one for `selector` when given). */
  invalidate(server: string, method: string, selector?: string): void {
    for (const [id, entry] of this.#entries) {
      if (entry.key.server !== server || entry.key.method !== method) continue;
      if (selector !== undefined && entry.key.selector !== selector) continue;
      this.#entries.delete(id);
    }
  }

  /** Drops everything. */
  clear(): void {
    this.#entries.clear();
  }
}

/**
 * Creates a result cache to share between clients of the same server (see {@link ResultCache}).
 *
 * @example
 * ```ts
 * import { createClient, createResultCache } from '@pmcp/client';
 * const shared = createResultCache({ maxEntries: 200 });
 * const client = createClient({ name: 'app', version: '1.0.0' }, { cache: { shared } });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/caching
 */
export function createResultCache(options?: ResultCacheOptions): ResultCache {
  return new ResultCache(options);
}

function entryId(key: CacheEntryKey): string {
  return JSON.stringify([key.server, key.method, key.selector ?? null]);
}
