/**
 * Typed listeners for the notifications a server sends outside any one call's options.
 */
import type {
  LoggingMessageNotificationParams,
  ProgressNotificationParams,
  ResourceUpdatedNotificationParams,
} from '@pmcp/types';
import type { JsonObject } from './request-meta.ts';

/**
 * The events of `client.on(...)` and what each listener receives (the notification's params).
 *
 * @example
 * ```ts
 * import type { ClientEvents } from '@pmcp/client';
 * const onLog = (message: ClientEvents['log']) => console.log(`[${message.level}]`, message.data);
 * client.on('log', onLog);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/schema#servernotification
 */
export interface ClientEvents {
  /** `notifications/progress`, for every request (a call's own `onProgress` sees only its own). */
  progress: ProgressNotificationParams & JsonObject;
  /** `notifications/message`: a log message the server sent at or above the requested level. */
  log: LoggingMessageNotificationParams & JsonObject;
  /** `notifications/tools/list_changed`. */
  toolsListChanged: JsonObject;
  /** `notifications/prompts/list_changed`. */
  promptsListChanged: JsonObject;
  /** `notifications/resources/list_changed` (also covers resource templates). */
  resourcesListChanged: JsonObject;
  /** `notifications/resources/updated`: a subscribed resource changed; read it again to see how. */
  resourceUpdated: ResourceUpdatedNotificationParams & JsonObject;
  /** `notifications/elicitation/complete` (legacy 2025-11-25): a URL-mode elicitation finished. */
  elicitationComplete: { elicitationId: string } & JsonObject;
}

/**
 * A listener of one client event.
 *
 * @example
 * ```ts
 * import type { ClientListener } from '@pmcp/client';
 * const listener: ClientListener<'resourceUpdated'> = ({ uri }) => console.log('changed:', uri);
 * ```
 */
export type ClientListener<Event extends keyof ClientEvents> = (params: ClientEvents[Event]) => void;

const EVENTS: readonly string[] = [
  'progress',
  'log',
  'toolsListChanged',
  'promptsListChanged',
  'resourcesListChanged',
  'resourceUpdated',
  'elicitationComplete',
];

/** The listener lists; a listener that throws is reported and does not stop the others. */
export class Listeners {
  readonly #byEvent = new Map<string, Set<(params: never) => void>>();
  readonly #report: (error: Error) => void;

  constructor(report: (error: Error) => void) {
    this.#report = report;
  }

  add<Event extends keyof ClientEvents>(event: Event, listener: ClientListener<Event>): () => void {
    if (!EVENTS.includes(event)) {
      throw new TypeError(
        `client.on(): unknown event ${JSON.stringify(event)}; known events: ${EVENTS.join(', ')}.`,
      );
    }
    if (typeof listener !== 'function')
      throw new TypeError(`client.on("${event}"): the listener must be a function.`);
    let set = this.#byEvent.get(event);
    if (set === undefined) {
      set = new Set();
      this.#byEvent.set(event, set);
    }
    // A wrapper per registration, so the same function added twice is also removed one registration at a time.
    const entry = (params: never): void => listener(params);
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  emit<Event extends keyof ClientEvents>(event: Event, params: ClientEvents[Event]): void {
    const set = this.#byEvent.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        listener(params as never);
      } catch (error) {
        this.#report(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }
}
