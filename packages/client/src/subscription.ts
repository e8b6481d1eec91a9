/**
 * The async iterable a `listen()` call returns: notifications queue up until the caller reads them, and the
 * stream ends once — by the server (a result, or `notifications/cancelled`), by the caller (break, `close()`,
 * abort), or with an error when the connection is lost.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/subscriptions
 */
import type { RequestId } from '@pmcp/jsonrpc';
import type { ResourceUpdatedNotificationParams, SubscriptionFilter } from '@pmcp/types';
import type { JsonObject } from './request-meta.ts';

/**
 * One notification delivered on a subscription, discriminated by `method`.
 *
 * @example
 * ```ts
 * import type { ListenNotification } from '@pmcp/client';
 * function describe(notification: ListenNotification): string {
 *   return notification.method === 'notifications/resources/updated'
 *     ? `changed: ${notification.params.uri}`
 *     : notification.method;
 * }
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/subscriptions
 */
export type ListenNotification =
  | { method: 'notifications/tools/list_changed'; params: JsonObject }
  | { method: 'notifications/prompts/list_changed'; params: JsonObject }
  | { method: 'notifications/resources/list_changed'; params: JsonObject }
  | { method: 'notifications/resources/updated'; params: ResourceUpdatedNotificationParams & JsonObject };

/**
 * A live subscription from `client.listen()`: iterate it with `for await`, and leave the loop (or call
 * `close()`) to end it.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * const subscription = await client.listen({ toolsListChanged: true, resourceSubscriptions: ['file:///a.txt'] });
 * console.log('the server agreed to', subscription.acknowledged);
 * for await (const notification of subscription) {
 *   if (notification.method === 'notifications/tools/list_changed') await client.listAllTools();
 * }
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/subscriptions
 */
export interface Subscription extends AsyncIterable<ListenNotification> {
  /** The id of the `subscriptions/listen` request (modern); `undefined` for a legacy emulation. */
  readonly id: RequestId | undefined;
  /** The part of the requested filter the server agreed to honour. */
  readonly acknowledged: SubscriptionFilter;
  /** True once the subscription has ended, for whatever reason. */
  readonly ended: boolean;
  /** Ends the subscription (telling the server where the era and transport need it). Safe to call twice. */
  close(): Promise<void>;
}

interface Waiter {
  resolve(result: IteratorResult<ListenNotification>): void;
  reject(error: unknown): void;
}

/** The client's side of a subscription: it pushes, ends or fails it; the caller reads it. */
export class NotificationStream implements Subscription {
  id: RequestId | undefined;
  acknowledged: SubscriptionFilter = {};
  readonly #queue: ListenNotification[] = [];
  readonly #waiters: Waiter[] = [];
  readonly #acknowledgement: Promise<void>;
  #resolveAcknowledgement: () => void = () => undefined;
  #rejectAcknowledgement: (error: unknown) => void = () => undefined;
  #isAcknowledged = false;
  #ended = false;
  #error: unknown;
  #failed = false;
  #release: (() => Promise<void>) | undefined;

  constructor(id?: RequestId) {
    this.id = id;
    this.#acknowledgement = new Promise<void>((resolve, reject) => {
      this.#resolveAcknowledgement = resolve;
      this.#rejectAcknowledgement = reject;
    });
    // Nobody may be waiting when it fails (a legacy emulation never waits); that is not an unhandled error.
    this.#acknowledgement.catch(() => undefined);
  }

  get ended(): boolean {
    return this.#ended;
  }

  get isAcknowledged(): boolean {
    return this.#isAcknowledged;
  }

  /** What to do when the caller ends the subscription (cancel the listen request, unsubscribe). */
  onRelease(release: () => Promise<void>): void {
    this.#release = release;
  }

  /** Resolves once the server acknowledged; rejects if the subscription failed before that. */
  waitForAcknowledgement(): Promise<void> {
    return this.#acknowledgement;
  }

  acknowledge(filter: SubscriptionFilter): void {
    if (this.#isAcknowledged || this.#ended) return;
    this.#isAcknowledged = true;
    this.acknowledged = filter;
    this.#resolveAcknowledgement();
  }

  push(notification: ListenNotification): void {
    if (this.#ended) return;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter.resolve({ value: notification, done: false });
    else this.#queue.push(notification);
  }

  /** A graceful end: what is queued is still delivered, then the iteration finishes. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#rejectAcknowledgement(new Error('The subscription ended before the server acknowledged it.'));
    for (const waiter of this.#waiters.splice(0)) waiter.resolve({ value: undefined, done: true });
  }

  /** An abnormal end: what is queued is still delivered, then the iteration throws `error`. */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#failed = true;
    this.#error = error;
    this.#rejectAcknowledgement(error);
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }

  async close(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    this.end();
    await release?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<ListenNotification> {
    return {
      next: () => this.#next(),
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }

  #next(): Promise<IteratorResult<ListenNotification>> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve({ value: queued, done: false });
    if (this.#failed) {
      // Thrown once; afterwards the iteration is simply over.
      const error = this.#error;
      this.#failed = false;
      return Promise.reject(error);
    }
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }
}
