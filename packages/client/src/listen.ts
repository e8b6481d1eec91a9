/**
 * Subscriptions for both eras behind one `listen()`. Modern: a long-lived `subscriptions/listen` request whose
 * notifications carry its id. Legacy: an emulation over what the session already delivers (list-changed
 * notifications the server advertised, and `resources/subscribe` for resource updates), so code written
 * against `listen()` works with every server.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/subscriptions
 */
import { RequestCancelledError, type RequestId, type RpcEngine, TransportClosedError } from '@pmcp/jsonrpc';
import { MetaKey, Method, type ServerCapabilities, type SubscriptionFilter } from '@pmcp/types';
import { protocolViolation } from './client-errors.ts';
import { isJsonObject, type JsonObject } from './request-meta.ts';
import { type ListenNotification, NotificationStream, type Subscription } from './subscription.ts';

/** What the hub needs from the client. */
export interface ListenHost {
  engine: RpcEngine;
  /** Sends a legacy `resources/subscribe` or `resources/unsubscribe`. */
  legacyRequest(method: string, params: JsonObject): Promise<unknown>;
  /** Errors that belong to no caller. */
  report(error: Error): void;
  /** True when the caller closed the client (an orderly end for every subscription). */
  closedByCaller(): boolean;
}

interface ModernListen {
  stream: NotificationStream;
  /** Forgets the listen request without telling the server (it ended the subscription itself). */
  dropQuietly(): void;
}

const RECENTLY_ENDED = 64;
const FILTER_FLAGS = ['toolsListChanged', 'promptsListChanged', 'resourcesListChanged'] as const;

/** Checks a caller's filter; returns a clean copy (unique URIs, no unknown keys). */
export function checkFilter(filter: unknown): SubscriptionFilter {
  if (!isJsonObject(filter)) {
    throw new TypeError('listen(): pass a filter object such as { toolsListChanged: true }.');
  }
  const clean: SubscriptionFilter = {};
  for (const [key, value] of Object.entries(filter)) {
    if ((FILTER_FLAGS as readonly string[]).includes(key)) {
      if (typeof value !== 'boolean') throw new TypeError(`listen(): ${key} must be a boolean.`);
      if (value) clean[key as (typeof FILTER_FLAGS)[number]] = true;
    } else if (key === 'resourceSubscriptions') {
      if (!Array.isArray(value) || value.some((uri) => typeof uri !== 'string' || uri.length === 0)) {
        throw new TypeError('listen(): resourceSubscriptions must be an array of resource URIs.');
      }
      if (value.length > 0) clean.resourceSubscriptions = [...new Set(value as string[])];
    } else if (value !== undefined) {
      throw new TypeError(
        `listen(): unknown filter key ${JSON.stringify(key)}; use toolsListChanged, promptsListChanged, ` +
          'resourcesListChanged or resourceSubscriptions.',
      );
    }
  }
  return clean;
}

/** Which stream a listen notification belongs to, from its `_meta`. */
export function subscriptionIdOf(params: JsonObject): RequestId | undefined {
  const meta = params._meta;
  if (!isJsonObject(meta)) return undefined;
  const id = meta[MetaKey.SubscriptionId];
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/** Every open subscription of one client, and the routing of notifications to them. */
export class SubscriptionHub {
  readonly #host: ListenHost;
  readonly #modern = new Map<RequestId, ModernListen>();
  /** Recently ended listen ids: a late acknowledgement for one of them is expected, not a server bug. */
  readonly #ended = new Set<RequestId>();
  readonly #emulated = new Set<NotificationStream>();
  /** Legacy resource subscriptions: URI → how many emulated listens hold it. */
  readonly #heldByListens = new Map<string, number>();
  /** Legacy resource subscriptions made with `subscribeResource()`. */
  readonly #heldByCaller = new Set<string>();

  constructor(host: ListenHost) {
    this.#host = host;
  }

  /**
   * Sends `subscriptions/listen` with `params` (already carrying `_meta`) and resolves once the server has
   * acknowledged it.
   */
  async listenModern(params: JsonObject, signal: AbortSignal | undefined): Promise<Subscription> {
    const method = Method.SubscriptionsListen;
    if (signal?.aborted) throw new RequestCancelledError(method, { cause: signal.reason });
    const { engine } = this.#host;
    const stream = new NotificationStream();
    const controller = new AbortController();
    const entry: ModernListen = {
      stream,
      dropQuietly: () => {
        // The engine announces an aborted request with notifications/cancelled; the server ended this one itself,
        // so the announcement is switched off for the (synchronous) abort.
        const announcing = engine.sendCancelNotifications;
        engine.sendCancelNotifications = false;
        try {
          controller.abort(new Error('The server ended the subscription.'));
        } finally {
          engine.sendCancelNotifications = announcing;
        }
      },
    };
    stream.onRelease(async () => {
      controller.abort(new Error('The client ended the subscription.'));
    });
    const onAbort = (): void => {
      if (!stream.isAcknowledged) stream.fail(new RequestCancelledError(method, { cause: signal?.reason }));
      void stream.close();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    // A subscription lasts until one side ends it: no timeout.
    engine
      .request(method, params, {
        signal: controller.signal,
        timeout: Number.POSITIVE_INFINITY,
        // Known before the server can acknowledge: the acknowledgement names the subscription by this id.
        onRequestId: (id) => {
          stream.id = id;
          this.#modern.set(id, entry);
        },
      })
      .then(
        () => {
          if (stream.isAcknowledged) stream.end();
          else {
            stream.fail(
              protocolViolation(
                'The server answered subscriptions/listen without acknowledging the subscription first ' +
                  '(notifications/subscriptions/acknowledged must come first); nothing was subscribed.',
                { method },
              ),
            );
          }
        },
        (error: unknown) => {
          if (error instanceof TransportClosedError) {
            this.#closed(stream, this.#host.closedByCaller() ? undefined : error);
          } else stream.fail(error);
        },
      )
      .finally(() => {
        signal?.removeEventListener('abort', onAbort);
        if (stream.id === undefined) return;
        if (this.#modern.get(stream.id) === entry) this.#modern.delete(stream.id);
        this.#remember(stream.id);
      });

    await stream.waitForAcknowledgement();
    return stream;
  }

  /**
   * The legacy emulation: acknowledges what the server's capabilities make possible, subscribes to the
   * resources with `resources/subscribe`, and delivers the session's notifications of the requested types.
   */
  async listenLegacy(
    filter: SubscriptionFilter,
    capabilities: ServerCapabilities,
    signal: AbortSignal | undefined,
  ): Promise<Subscription> {
    if (signal?.aborted)
      throw new RequestCancelledError(Method.SubscriptionsListen, { cause: signal.reason });
    const acknowledged: SubscriptionFilter = {};
    if (filter.toolsListChanged && capabilities.tools?.listChanged === true)
      acknowledged.toolsListChanged = true;
    if (filter.promptsListChanged && capabilities.prompts?.listChanged === true) {
      acknowledged.promptsListChanged = true;
    }
    if (filter.resourcesListChanged && capabilities.resources?.listChanged === true) {
      acknowledged.resourcesListChanged = true;
    }
    const uris = filter.resourceSubscriptions ?? [];
    if (uris.length > 0 && capabilities.resources?.subscribe === true) {
      await this.#holdForListen(uris);
      acknowledged.resourceSubscriptions = [...uris];
    }
    const stream = new NotificationStream();
    stream.acknowledge(acknowledged);
    this.#emulated.add(stream);
    const onAbort = (): void => {
      void stream.close();
    };
    stream.onRelease(async () => {
      signal?.removeEventListener('abort', onAbort);
      this.#emulated.delete(stream);
      await this.#releaseForListen(acknowledged.resourceSubscriptions ?? []);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    return stream;
  }

  /** Routes a list-changed or resource-updated notification to the streams that asked for it. */
  deliver(notification: ListenNotification): void {
    const id = subscriptionIdOf(notification.params);
    if (id !== undefined) {
      this.#modern.get(id)?.stream.push(notification);
      return;
    }
    for (const stream of this.#emulated) {
      if (wants(stream.acknowledged, notification)) stream.push(notification);
    }
  }

  /** `notifications/subscriptions/acknowledged`. */
  acknowledge(params: JsonObject): void {
    const id = subscriptionIdOf(params);
    const entry = id === undefined ? undefined : this.#modern.get(id);
    if (entry === undefined) {
      if (id !== undefined && this.#ended.has(id)) return;
      this.#host.report(
        protocolViolation(
          `The server acknowledged a subscription this client does not have (subscriptionId ${JSON.stringify(id)}); ignored.`,
          { method: 'notifications/subscriptions/acknowledged' },
        ),
      );
      return;
    }
    entry.stream.acknowledge(
      isJsonObject(params.notifications) ? (params.notifications as SubscriptionFilter) : {},
    );
  }

  /** A server's `notifications/cancelled` for a listen request: the server ended that subscription. */
  serverEnded(requestId: unknown): void {
    if (typeof requestId !== 'string' && typeof requestId !== 'number') return;
    const entry = this.#modern.get(requestId);
    if (entry === undefined) return;
    this.#modern.delete(requestId);
    this.#remember(requestId);
    if (entry.stream.isAcknowledged) entry.stream.end();
    else {
      entry.stream.fail(
        protocolViolation(
          'The server cancelled subscriptions/listen before acknowledging it; nothing was subscribed.',
        ),
      );
    }
    entry.dropQuietly();
  }

  /** The connection is gone: emulations end like their modern counterparts. */
  connectionClosed(error: TransportClosedError | undefined): void {
    for (const stream of [...this.#emulated]) this.#closed(stream, error);
    this.#emulated.clear();
  }

  /** `subscribeResource()` (legacy): always sends `resources/subscribe` (it is idempotent on the server). */
  async subscribeByCaller(uri: string): Promise<void> {
    await this.#host.legacyRequest(Method.ResourcesSubscribe, { uri });
    this.#heldByCaller.add(uri);
  }

  /** `unsubscribeResource()` (legacy): keeps the server subscription while a `listen()` still needs it. */
  async unsubscribeByCaller(uri: string): Promise<void> {
    this.#heldByCaller.delete(uri);
    if ((this.#heldByListens.get(uri) ?? 0) > 0) return;
    await this.#host.legacyRequest(Method.ResourcesUnsubscribe, { uri });
  }

  #remember(id: RequestId): void {
    this.#ended.add(id);
    for (const oldest of this.#ended) {
      if (this.#ended.size <= RECENTLY_ENDED) break;
      this.#ended.delete(oldest);
    }
  }

  #closed(stream: NotificationStream, error: TransportClosedError | undefined): void {
    // The caller closing the client is an orderly end; the connection dropping is not.
    if (error === undefined) stream.end();
    else stream.fail(error);
  }

  async #holdForListen(uris: readonly string[]): Promise<void> {
    const subscribed: string[] = [];
    try {
      for (const uri of uris) {
        const holders = this.#heldByListens.get(uri) ?? 0;
        if (holders === 0 && !this.#heldByCaller.has(uri)) {
          await this.#host.legacyRequest(Method.ResourcesSubscribe, { uri });
        }
        this.#heldByListens.set(uri, holders + 1);
        subscribed.push(uri);
      }
    } catch (error) {
      await this.#releaseForListen(subscribed);
      throw error;
    }
  }

  async #releaseForListen(uris: readonly string[]): Promise<void> {
    for (const uri of uris) {
      const holders = (this.#heldByListens.get(uri) ?? 1) - 1;
      if (holders > 0) {
        this.#heldByListens.set(uri, holders);
        continue;
      }
      this.#heldByListens.delete(uri);
      if (this.#heldByCaller.has(uri) || this.#host.engine.transport === undefined) continue;
      try {
        await this.#host.legacyRequest(Method.ResourcesUnsubscribe, { uri });
      } catch (error) {
        this.#host.report(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }
}

function wants(filter: SubscriptionFilter, notification: ListenNotification): boolean {
  switch (notification.method) {
    case 'notifications/tools/list_changed':
      return filter.toolsListChanged === true;
    case 'notifications/prompts/list_changed':
      return filter.promptsListChanged === true;
    case 'notifications/resources/list_changed':
      return filter.resourcesListChanged === true;
    case 'notifications/resources/updated':
      return filter.resourceSubscriptions?.includes(notification.params.uri) === true;
  }
}
