/**
 * Follows a conversation message by message, works out the revision of each one, and validates what one side
 * sent against that revision's JSON Schema: the recorder behind `withSpecValidation` and `validateConversation`.
 */
import type { MessageExtra, Transport, TransportSendOptions } from '@pmcp/jsonrpc';
import type { ProtocolVersion } from '@pmcp/types';
import { LATEST_LEGACY_PROTOCOL_VERSION, MetaKey } from '@pmcp/types';
import { isKnownRevision, type MessageSender, validateMessage } from './validate-message.ts';

/** `sent`: by the side under test; `received`: by its peer. */
export type Direction = 'sent' | 'received';

/** How a recorder picks revisions and what it checks. */
export interface SpecValidationOptions {
  /**
   * The revision of a message when the conversation does not tell (no `_meta` version, no `initialize` seen yet).
   * Without it such a message is a violation.
   */
  revision?: ProtocolVersion;
  /** The side under test. When set, each message's method must be one that side (or its peer) may send. */
  role?: MessageSender;
  /** Which messages to validate: only those sent by the side under test (the default), or both directions. */
  validate?: 'sent' | 'all';
}

/** One message as the recorder saw it. */
export interface RecordedMessage {
  direction: Direction;
  message: unknown;
  /** The revision it was validated against; absent when it could not be told. */
  revision: ProtocolVersion | undefined;
  /** Its method, or for a response the method of the request it answers (when known). */
  method: string | undefined;
}

/** The recorder's findings. */
export interface SpecReport {
  /** One line per problem, naming the message; empty when everything checked conforms. */
  readonly violations: readonly string[];
  /** How many messages were validated, so a test can tell "all valid" from "nothing checked". */
  readonly checked: number;
}

/** A conversation being followed; feed it every message in order. */
export interface SpecRecorder extends SpecReport {
  record(direction: Direction, message: unknown): void;
  /** The negotiated revision of a legacy session, as `initialize` or `Transport.setProtocolVersion` fixed it. */
  noteProtocolVersion(version: string): void;
  readonly messages: readonly RecordedMessage[];
}

interface PendingRequest {
  method: string;
  revision: ProtocolVersion | undefined;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function describe(
  direction: Direction,
  index: number,
  message: Record<string, unknown> | undefined,
  method: string | undefined,
): string {
  const id = message && 'id' in message ? ` id ${JSON.stringify(message.id)}` : '';
  let kind = 'message';
  if (message && typeof message.method === 'string')
    kind = `${'id' in message ? 'request' : 'notification'} ${message.method}`;
  else if (message && 'result' in message) kind = `result of ${method ?? 'an unknown request'}`;
  else if (message && 'error' in message) kind = `error response${method ? ` to ${method}` : ''}`;
  return `${direction} #${index} (${kind}${id})`;
}

/**
 * Creates a recorder that follows a conversation and validates each message against the JSON Schema of its
 * revision: a modern request's `_meta` version, the version a legacy `initialize` exchange settled, the revision
 * of the request a response answers, or else `options.revision`.
 *
 * @example
 * ```ts
 * import { createSpecRecorder } from '@pmcp/test-utils';
 *
 * const recorder = createSpecRecorder({ role: 'client' });
 * for (const event of capturedHttpExchange) recorder.record(event.fromClient ? 'sent' : 'received', event.body);
 * expect(recorder.violations).toEqual([]);
 * ```
 */
export function createSpecRecorder(options: SpecValidationOptions = {}): SpecRecorder {
  const violations: string[] = [];
  const messages: RecordedMessage[] = [];
  // Keyed by who sent the request and its id: both sides may use the same ids.
  const pending = new Map<string, PendingRequest>();
  let legacyVersion: ProtocolVersion | undefined;
  let modernVersion: ProtocolVersion | undefined;
  let checked = 0;

  const pendingKey = (requester: Direction, id: unknown) => `${requester}:${typeof id}:${String(id)}`;
  const senderOf = (direction: Direction): MessageSender | undefined => {
    if (!options.role) return undefined;
    if (direction === 'sent') return options.role;
    return options.role === 'client' ? 'server' : 'client';
  };

  function revisionOfRequest(m: Record<string, unknown>, where: string): ProtocolVersion | undefined {
    const params = asObject(m.params);
    const declared = asObject(params?._meta)?.[MetaKey.ProtocolVersion];
    if (declared !== undefined) {
      if (isKnownRevision(declared)) {
        modernVersion = declared;
        return declared;
      }
      violations.push(
        `${where}: _meta["${MetaKey.ProtocolVersion}"] is ${JSON.stringify(declared)}, not a known MCP revision`,
      );
      return undefined;
    }
    if (m.method === 'initialize') {
      // The request is written in the version it offers; an unknown offer is legal (the server answers with its own).
      return isKnownRevision(params?.protocolVersion)
        ? params.protocolVersion
        : LATEST_LEGACY_PROTOCOL_VERSION;
    }
    // A notification on a modern connection (progress, a log message) carries no version of its own; a modern
    // request without one is checked as modern, so the missing `_meta` is what gets reported.
    return legacyVersion ?? modernVersion ?? options.revision;
  }

  function recordOne(direction: Direction, message: unknown): void {
    const index = messages.length;
    const m = asObject(message);
    let revision: ProtocolVersion | undefined;
    let method: string | undefined;
    if (m && typeof m.method === 'string') {
      method = m.method;
      revision = revisionOfRequest(m, describe(direction, index, m, method));
      if ('id' in m) pending.set(pendingKey(direction, m.id), { method, revision });
    } else if (m && ('result' in m || 'error' in m)) {
      const requester: Direction = direction === 'sent' ? 'received' : 'sent';
      const request = pending.get(pendingKey(requester, m.id));
      if (request) pending.delete(pendingKey(requester, m.id));
      method = request?.method;
      revision = request?.revision ?? legacyVersion ?? modernVersion ?? options.revision;
      const negotiated = asObject(m.result)?.protocolVersion;
      if (method === 'initialize' && isKnownRevision(negotiated)) {
        // The result is written in the version the server settled on, which the session then speaks.
        revision = negotiated;
        legacyVersion = negotiated;
      }
    }
    messages.push({ direction, message, revision, method });
    if (options.validate !== 'all' && direction !== 'sent') return;

    const where = describe(direction, index, m, method);
    if (m && 'result' in m && !method) {
      violations.push(`${where}: answers no request recorded with that id, so its result cannot be checked`);
      return;
    }
    if (!revision) {
      violations.push(
        `${where}: cannot tell its MCP revision (no _meta version, no initialize seen); pass options.revision`,
      );
      return;
    }
    checked += 1;
    const sender = senderOf(direction);
    const hint = { ...(method ? { method } : {}), ...(sender ? { sender } : {}) };
    const result = validateMessage(message, revision, hint);
    if (!result.ok) for (const error of result.errors) violations.push(`${where} @${revision}: ${error}`);
  }

  return {
    get violations() {
      return violations;
    },
    get checked() {
      return checked;
    },
    get messages() {
      return messages;
    },
    record(direction, raw) {
      let message = raw;
      if (typeof raw === 'string') {
        // Raw lines, e.g. read from a child's stdout.
        try {
          message = JSON.parse(raw);
        } catch {
          violations.push(`${direction} #${messages.length}: not JSON: ${raw.slice(0, 120)}`);
          messages.push({ direction, message: raw, revision: undefined, method: undefined });
          return;
        }
      }
      if (Array.isArray(message) && message.length > 0) {
        for (const item of message) recordOne(direction, item);
      } else {
        recordOne(direction, message);
      }
    },
    noteProtocolVersion(version) {
      if (isKnownRevision(version)) legacyVersion = version;
      else violations.push(`setProtocolVersion(${JSON.stringify(version)}): not a known MCP revision`);
    },
  };
}

/** A transport that checks what passes through it; `violations` is what tests assert to be empty. */
export interface SpecValidatingTransport extends Transport, SpecReport {
  readonly messages: readonly RecordedMessage[];
}

/**
 * Wraps a transport (without changing it) so that every message sent through it is validated against the JSON
 * Schema of its revision, and every message received is followed so that responses can be matched to requests.
 *
 * @example
 * ```ts
 * import { withSpecValidation } from '@pmcp/test-utils';
 *
 * const [clientSide, serverSide] = createInMemoryTransportPair();
 * const checked = withSpecValidation(serverSide, { role: 'server' });
 * await server.connect(checked);
 * // ... exercise the server ...
 * expect(checked.violations).toEqual([]);
 * ```
 */
export function withSpecValidation(
  transport: Transport,
  options: SpecValidationOptions = {},
): SpecValidatingTransport {
  const recorder = createSpecRecorder(options);
  const wrapper: SpecValidatingTransport = {
    get violations() {
      return recorder.violations;
    },
    get checked() {
      return recorder.checked;
    },
    get messages() {
      return recorder.messages;
    },
    get sessionId() {
      return transport.sessionId;
    },
    start: () => transport.start(),
    close: () => transport.close(),
    send(message, sendOptions?: TransportSendOptions) {
      recorder.record('sent', message);
      return transport.send(message, sendOptions);
    },
    setProtocolVersion(version: string) {
      recorder.noteProtocolVersion(version);
      transport.setProtocolVersion?.(version);
    },
  };
  transport.onmessage = (message, extra?: MessageExtra) => {
    recorder.record('received', message);
    wrapper.onmessage?.(message, extra);
  };
  transport.onerror = (error) => wrapper.onerror?.(error);
  transport.onclose = () => wrapper.onclose?.();
  return wrapper;
}

/**
 * Validates a conversation captured elsewhere (an HTTP exchange, lines of a child's stdout), in order. Messages
 * may be parsed values or raw JSON text.
 *
 * @example
 * ```ts
 * import { validateConversation } from '@pmcp/test-utils';
 *
 * const report = validateConversation(lines.map((line) => ({ direction: 'sent', message: line })), { revision: '2025-11-25' });
 * expect(report.violations).toEqual([]);
 * ```
 */
export function validateConversation(
  messagesInOrder: readonly { direction: Direction; message: unknown }[],
  options: SpecValidationOptions = {},
): SpecReport {
  const recorder = createSpecRecorder(options);
  for (const { direction, message } of messagesInOrder) recorder.record(direction, message);
  return { violations: recorder.violations, checked: recorder.checked };
}
