/**
 * Fewer, never fewer-than-needed, notifications. List changes and resource updates within one window become one
 * notification per kind and URI (a client only needs to know *that* something changed, then it re-reads), and
 * progress updates are rate-limited without ever losing the latest one.
 */

/** The three lists that announce changes. */
export type ListChangedKind = 'tools' | 'prompts' | 'resources';

/** What changed during one window, deduplicated. */
export interface NotificationBatch {
  /** Lists that changed, in the order tools, prompts, resources. */
  readonly listChanged: readonly ListChangedKind[];
  /** Resources that were updated, in the order of their first update. */
  readonly updatedUris: readonly string[];
}

/** Collects changes and delivers them as one batch per window. */
export interface NotificationBatcher {
  listChanged(kind: ListChangedKind): void;
  resourceUpdated(uri: string): void;
  /** Delivers what is pending now (before shutdown, so nothing is lost). */
  flush(): void;
}

const KIND_ORDER: readonly ListChangedKind[] = ['tools', 'prompts', 'resources'];

/**
 * A window opens with the first change and closes `windowMs` later, so a steady stream of changes still produces
 * a notification every window instead of starving. `windowMs` 0: no timer, changes of the same tick are merged.
 */
export function createNotificationBatcher(
  windowMs: number,
  deliver: (batch: NotificationBatch) => void,
): NotificationBatcher {
  const kinds = new Set<ListChangedKind>();
  const uris = new Set<string>();
  let scheduled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    scheduled = false;
    if (kinds.size === 0 && uris.size === 0) return;
    const batch: NotificationBatch = {
      listChanged: KIND_ORDER.filter((kind) => kinds.has(kind)),
      updatedUris: [...uris],
    };
    kinds.clear();
    uris.clear();
    deliver(batch);
  };

  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    if (windowMs <= 0) queueMicrotask(() => scheduled && flush());
    else timer = setTimeout(flush, windowMs);
  };

  return {
    listChanged(kind) {
      kinds.add(kind);
      schedule();
    },
    resourceUpdated(uri) {
      uris.add(uri);
      schedule();
    },
    flush,
  };
}

/** Rate-limits the progress updates of one request. */
export interface ProgressThrottle {
  /** Sends now when allowed, otherwise keeps the update as the latest pending one. */
  push(params: Record<string, unknown>): Promise<void>;
  /** Sends the pending update now, if any, and stops the timer: called before the result goes out. */
  flush(): void;
}

/**
 * At most one update per `intervalMs`: the first goes out at once, later ones within the interval replace each
 * other and the latest goes out when the interval ends (or at {@link ProgressThrottle.flush}). `intervalMs` 0
 * sends everything.
 */
export function createProgressThrottle(
  intervalMs: number,
  send: (params: Record<string, unknown>) => Promise<void>,
): ProgressThrottle {
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let pending: Record<string, unknown> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const sendNow = (params: Record<string, unknown>): Promise<void> => {
    lastSentAt = Date.now();
    return send(params);
  };

  const release = (): void => {
    timer = undefined;
    const update = pending;
    pending = undefined;
    if (update !== undefined) void sendNow(update);
  };

  return {
    push(params) {
      if (intervalMs <= 0) return send(params);
      const now = Date.now();
      if (timer === undefined && now - lastSentAt >= intervalMs) return sendNow(params);
      pending = params;
      timer ??= setTimeout(release, Math.max(0, lastSentAt + intervalMs - now));
      return Promise.resolve();
    },
    flush() {
      if (timer !== undefined) clearTimeout(timer);
      release();
    },
  };
}
