/**
 * Who hears about changes. Legacy sessions: `notifications/{tools,prompts,resources}/list_changed` once
 * initialized, and `notifications/resources/updated` for the URIs they `resources/subscribe`d. Modern clients:
 * `subscriptions/listen` streams, each acknowledged first and then fed only the types it asked for (and the server
 * honours), every notification tagged with the listen request's id.
 */
import type { RequestId } from '@pmcp/jsonrpc';
import { McpError } from '@pmcp/jsonrpc';
import { ErrorCode, MetaKey, Notification, type ServerCapabilities } from '@pmcp/types';
import type { Connection, MethodCall, MethodSpec } from './dispatch.ts';
import type { ListChangedKind, NotificationBatch } from './notify-batcher.ts';
import { describeJsonType } from './schema.ts';

const LIST_CHANGED: Readonly<Record<ListChangedKind, string>> = {
  tools: Notification.ToolsListChanged,
  prompts: Notification.PromptsListChanged,
  resources: Notification.ResourcesListChanged,
};

interface Listener {
  readonly id: RequestId;
  readonly connection: Connection;
  readonly kinds: ReadonlySet<ListChangedKind>;
  readonly uris: ReadonlySet<string>;
  notify(method: string, params: Record<string, unknown>): Promise<void>;
}

/** What the hub needs from its server. */
export interface SubscriptionHubOptions {
  /** The server's capabilities now: they decide which requested types are honoured. */
  capabilities(): ServerCapabilities;
  /** The complete `subscriptions/listen` result that ends subscription `id` gracefully. */
  closingResult(id: RequestId): Record<string, unknown>;
  reportError(error: Error): void;
}

function invalidParams(message: string): McpError {
  return new McpError(ErrorCode.InvalidParams, message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readFlag(filter: Record<string, unknown>, key: string): boolean {
  const value = filter[key];
  if (value === undefined || typeof value === 'boolean') return value === true;
  throw invalidParams(
    `Invalid params for subscriptions/listen: "notifications.${key}" must be a boolean, got ${describeJsonType(value)}`,
  );
}

function readUri(params: Record<string, unknown>, method: string): string {
  const { uri } = params;
  if (typeof uri === 'string' && uri !== '') return uri;
  throw invalidParams(
    `Invalid params for ${method}: "uri" must be the resource URI (a non-empty string), got ${describeJsonType(uri)}`,
  );
}

/** The open `subscriptions/listen` streams of one server, and delivery of change batches to every subscriber. */
export class SubscriptionHub {
  readonly #options: SubscriptionHubOptions;
  readonly #listeners = new Set<Listener>();
  #closed = false;

  constructor(options: SubscriptionHubOptions) {
    this.#options = options;
  }

  /** How many listen streams are open. */
  get size(): number {
    return this.#listeners.size;
  }

  /** Whether `resources/subscribe` and `resourceSubscriptions` are served. */
  canSubscribe(): boolean {
    return this.#options.capabilities().resources?.subscribe === true;
  }

  /** `subscriptions/listen`: acknowledges, then stays open until the client or the server ends it. */
  listen(params: Record<string, unknown>, call: MethodCall): Promise<Record<string, unknown>> {
    const filter = params.notifications;
    if (!isRecord(filter)) {
      throw invalidParams(
        'Invalid params for subscriptions/listen: "notifications" must be an object such as { "toolsListChanged": true }' +
          `, got ${describeJsonType(filter)}`,
      );
    }
    const capabilities = this.#options.capabilities();
    const acknowledged: Record<string, unknown> = {};
    const kinds = new Set<ListChangedKind>();
    const requested: Array<[ListChangedKind, string]> = [
      ['tools', 'toolsListChanged'],
      ['prompts', 'promptsListChanged'],
      ['resources', 'resourcesListChanged'],
    ];
    for (const [kind, key] of requested) {
      if (readFlag(filter, key) && capabilities[kind]?.listChanged === true) {
        kinds.add(kind);
        acknowledged[key] = true;
      }
    }
    const uris = new Set<string>();
    const wanted = filter.resourceSubscriptions;
    if (wanted !== undefined) {
      if (!Array.isArray(wanted) || !wanted.every((uri) => typeof uri === 'string')) {
        throw invalidParams(
          'Invalid params for subscriptions/listen: "notifications.resourceSubscriptions" must be an array of resource URIs',
        );
      }
      if (capabilities.resources?.subscribe === true) {
        for (const uri of wanted) uris.add(uri);
        acknowledged.resourceSubscriptions = [...uris];
      }
    }

    const rpc = call.scope.rpc;
    const meta = { [MetaKey.SubscriptionId]: rpc.requestId };
    if (this.#closed) return Promise.resolve({ _meta: meta });
    return new Promise((resolve) => {
      const listener: Listener = {
        id: rpc.requestId,
        connection: call.connection,
        kinds,
        uris,
        notify: (method, notificationParams) => rpc.notify(method, notificationParams),
      };
      // The acknowledgement must be the first message of this subscription; sending starts synchronously.
      rpc
        .notify(Notification.SubscriptionsAcknowledged, { _meta: meta, notifications: acknowledged })
        .catch((error: unknown) => this.#report(error));
      this.#listeners.add(listener);
      // Client end (notifications/cancelled, a closed HTTP stream) or a closed connection: no response is sent.
      const stop = (): void => {
        this.#listeners.delete(listener);
        resolve({ _meta: meta });
      };
      if (rpc.signal.aborted) stop();
      else rpc.signal.addEventListener('abort', stop, { once: true });
    });
  }

  /** `resources/subscribe` (legacy). */
  subscribe(params: Record<string, unknown>, call: MethodCall): Record<string, unknown> {
    this.#requireSubscribe('resources/subscribe');
    const uri = readUri(params, 'resources/subscribe');
    const session = call.connection.session;
    if (session !== undefined) {
      session.resourceSubscriptions ??= new Set();
      session.resourceSubscriptions.add(uri);
    }
    return {};
  }

  /** `resources/unsubscribe` (legacy); unsubscribing from something never subscribed is not an error. */
  unsubscribe(params: Record<string, unknown>, call: MethodCall): Record<string, unknown> {
    this.#requireSubscribe('resources/unsubscribe');
    const uri = readUri(params, 'resources/unsubscribe');
    call.connection.session?.resourceSubscriptions?.delete(uri);
    return {};
  }

  #requireSubscribe(method: string): void {
    if (!this.canSubscribe()) {
      throw new McpError(
        ErrorCode.MethodNotFound,
        `Method not found: ${method} (this server does not offer resource subscriptions)`,
      );
    }
  }

  /** Sends one batch of changes to legacy sessions and listen streams. */
  deliver(batch: NotificationBatch, connections: Iterable<Connection>): void {
    const capabilities = this.#options.capabilities();
    const sessions = [...connections].filter((connection) => connection.session?.initialized === true);
    for (const kind of batch.listChanged) {
      const method = LIST_CHANGED[kind];
      if (capabilities[kind]?.listChanged === true) {
        for (const connection of sessions) this.#send(connection.engine.notify(method));
      }
      for (const listener of this.#listeners) {
        if (listener.kinds.has(kind)) {
          this.#send(listener.notify(method, { _meta: { [MetaKey.SubscriptionId]: listener.id } }));
        }
      }
    }
    for (const uri of batch.updatedUris) {
      for (const connection of sessions) {
        if (connection.session?.resourceSubscriptions?.has(uri) === true) {
          this.#send(connection.engine.notify(Notification.ResourcesUpdated, { uri }));
        }
      }
      for (const listener of this.#listeners) {
        if (listener.uris.has(uri)) {
          this.#send(
            listener.notify(Notification.ResourcesUpdated, {
              _meta: { [MetaKey.SubscriptionId]: listener.id },
              uri,
            }),
          );
        }
      }
    }
  }

  /**
   * Ends every open subscription gracefully (server shutdown): each gets its complete result. Sent directly on
   * the transport because the connections close right after; the engine then drops the still-pending handler.
   */
  async endAll(): Promise<void> {
    this.#closed = true;
    const ending = [...this.#listeners];
    this.#listeners.clear();
    await Promise.all(
      ending.map((listener) =>
        listener.connection.transport
          .send(
            { jsonrpc: '2.0', id: listener.id, result: this.#options.closingResult(listener.id) },
            { relatedRequestId: listener.id },
          )
          .catch((error: unknown) => this.#report(error)),
      ),
    );
  }

  #send(sending: Promise<void>): void {
    sending.catch((error: unknown) => this.#report(error));
  }

  #report(error: unknown): void {
    this.#options.reportError(error instanceof Error ? error : new Error(String(error)));
  }
}

/** `subscriptions/listen` (modern). */
export const LISTEN_METHOD: MethodSpec = {
  eras: ['modern'],
  handle: (params, call) => call.core.subscriptions.listen(params, call),
};

/** `resources/subscribe` (legacy; needs the `resources.subscribe` capability). */
export const SUBSCRIBE_METHOD: MethodSpec = {
  eras: ['legacy'],
  capability: 'resources',
  handle: (params, call) => call.core.subscriptions.subscribe(params, call),
};

/** `resources/unsubscribe` (legacy). */
export const UNSUBSCRIBE_METHOD: MethodSpec = {
  eras: ['legacy'],
  capability: 'resources',
  handle: (params, call) => call.core.subscriptions.unsubscribe(params, call),
};
