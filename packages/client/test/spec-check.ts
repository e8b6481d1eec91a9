/**
 * Validates what the client sent against the official JSON Schema of the revision in use.
 * The one place the tests call the schema validator (@pmcp/test-utils).
 */
import type { JsonRpcMessage } from '@pmcp/jsonrpc';
import { isKnownRevision, validateMessage } from '@pmcp/test-utils';
import { expect } from 'vitest';

/** Problems with one client-sent message, or `[]` when it is valid for the revision. */
export function specProblems(message: JsonRpcMessage, revision: string): string[] {
  if (!isKnownRevision(revision)) return [`unknown revision ${revision}`];
  const result = validateMessage(message, revision, { sender: 'client' });
  return result.ok ? [] : result.errors;
}

/**
 * Asserts every message is valid for its revision. `revisionOf` picks the revision per message, because a
 * legacy connection starts with a modern `server/discover` probe.
 */
export function expectAllSpecValid(
  messages: readonly JsonRpcMessage[],
  revisionOf: (message: JsonRpcMessage) => string,
): void {
  expect(messages.length).toBeGreaterThan(0);
  const report = messages.flatMap((message) =>
    specProblems(message, revisionOf(message)).map((problem) => `${JSON.stringify(message)} → ${problem}`),
  );
  expect(report).toEqual([]);
}

/** The usual revision rule: the probe is modern; everything else speaks the negotiated version. */
export function revisionRule(negotiated: string | undefined): (message: JsonRpcMessage) => string {
  return (message) =>
    'method' in message && message.method === 'server/discover' ? '2026-07-28' : (negotiated ?? '2026-07-28');
}
