/**
 * Validation of server messages against the official schema of a revision. Every check goes through
 * {@link validateServerMessage}, so the tests depend on `@pmcp/test-utils` in this one place.
 */
import type { JsonRpcMessage } from '@pmcp/jsonrpc';
import { isKnownRevision, validateMessage } from '@pmcp/test-utils';

/**
 * Validates one message the server sent, in `revision`. `method` is the request's method for responses (it picks
 * the result schema). Server→client requests count as violations unless `allowRequests` (a test that answers
 * them); they are then validated like any other message. Returns the violations (empty when valid).
 */
export function validateServerMessage(
  message: JsonRpcMessage,
  revision: string,
  method: string | undefined,
  allowRequests = false,
): string[] {
  if (!isKnownRevision(revision)) return [`unknown revision ${revision}`];
  if ('method' in message && 'id' in message && !allowRequests) {
    return [`the server sent a request (${message.method}); these tests expect none`];
  }
  const hint =
    method === undefined || !('result' in message)
      ? { sender: 'server' as const }
      : { method, sender: 'server' as const };
  const result = validateMessage(message, revision, hint);
  return result.ok ? [] : result.errors;
}
