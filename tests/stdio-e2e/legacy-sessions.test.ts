/**
 * Legacy sessions over real stdio, one child process each: every legacy revision a client may ask for is
 * negotiated and then spoken (each line the server writes validates against that revision's schema), and the
 * session rules hold: one initialize per connection, unique ids in flight, cancellation without an answer.
 */
import { validateConversation } from '@pmcp/test-utils';
import { LATEST_LEGACY_PROTOCOL_VERSION, LEGACY_PROTOCOL_VERSIONS, type ProtocolVersion } from '@pmcp/types';
import { describe, expect, it } from 'vitest';
import { type ServerProcess, spawnServer, waitForExit } from './harness.ts';

function initialize(server: ServerProcess, protocolVersion: string, id: string | number = 'init'): void {
  server.send({
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: { name: 'e2e', version: '1.0.0' } },
  });
}

/** Opens a session the way clients do: initialize, wait for its result, then notifications/initialized. */
async function openSession(server: ServerProcess, protocolVersion: string): Promise<Record<string, unknown>> {
  initialize(server, protocolVersion);
  const [result] = await server.read(1);
  server.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return result ?? {};
}

/** Ends the session and checks the whole conversation against `revision`. */
async function closeAndValidate(server: ServerProcess, revision: ProtocolVersion): Promise<void> {
  server.endInput();
  expect(await waitForExit(server)).toEqual({ code: 0, signal: null });
  expect(server.unread()).toEqual([]);
  const report = validateConversation(server.transcript, { role: 'server', revision });
  expect(report.violations).toEqual([]);
  expect(report.checked).toBeGreaterThan(0);
}

/** Revisions from 2025-06-18 on know output schemas and structured content. */
const hasStructuredOutput = (revision: string): boolean => revision >= '2025-06-18';

describe('pmcp stdio server: legacy sessions', () => {
  for (const revision of LEGACY_PROTOCOL_VERSIONS) {
    it(`speaks ${revision} when asked for it, and only what ${revision} defines`, async () => {
      const server = spawnServer('server.ts');
      try {
        const init = await openSession(server, revision);
        expect(init).toMatchObject({ id: 'init', result: { protocolVersion: revision } });

        server.send({ jsonrpc: '2.0', id: 'list', method: 'tools/list' });
        server.send({
          jsonrpc: '2.0',
          id: 'call',
          method: 'tools/call',
          params: { name: 'word_count', arguments: { text: 'one two three' } },
        });
        const replies = await server.read(2);
        const list = replies.find((reply) => reply.id === 'list')?.result as {
          tools: Record<string, unknown>[];
        };
        const call = replies.find((reply) => reply.id === 'call')?.result as Record<string, unknown>;

        const wordCount = list.tools.find((tool) => tool.name === 'word_count');
        expect(wordCount?.inputSchema).toMatchObject({ type: 'object' });
        expect(call.content).toEqual([{ type: 'text', text: '{"words":3}' }]);
        if (hasStructuredOutput(revision)) {
          expect(wordCount?.outputSchema).toMatchObject({ type: 'object' });
          expect(call.structuredContent).toEqual({ words: 3 });
        } else {
          expect(wordCount).not.toHaveProperty('outputSchema');
          expect(call).not.toHaveProperty('structuredContent');
        }
        expect(call).not.toHaveProperty('resultType');

        await closeAndValidate(server, revision);
      } finally {
        server.kill();
      }
    });
  }

  it('offers its newest legacy revision when asked for one it does not know', async () => {
    const server = spawnServer('server.ts');
    try {
      const init = await openSession(server, '1999-01-01');
      expect(init).toMatchObject({ result: { protocolVersion: LATEST_LEGACY_PROTOCOL_VERSION } });
      await closeAndValidate(server, LATEST_LEGACY_PROTOCOL_VERSION);
    } finally {
      server.kill();
    }
  });

  it('refuses a second initialize on the same connection with -32600, and keeps the first session', async () => {
    const server = spawnServer('server.ts');
    try {
      await openSession(server, '2025-06-18');
      initialize(server, LATEST_LEGACY_PROTOCOL_VERSION, 'again');
      server.send({ jsonrpc: '2.0', id: 'list', method: 'tools/list' });
      const replies = await server.read(2);
      expect(replies.find((reply) => reply.id === 'again')).toMatchObject({ error: { code: -32600 } });
      // Still 2025-06-18: the tools carry output schemas, which 2024-11-05 would not have.
      expect(replies.find((reply) => reply.id === 'list')).toMatchObject({
        result: {
          tools: expect.arrayContaining([expect.objectContaining({ outputSchema: expect.any(Object) })]),
        },
      });
      await closeAndValidate(server, '2025-06-18');
    } finally {
      server.kill();
    }
  });

  it('answers -32600 to an id already in flight, and nothing to a request it was told to cancel', async () => {
    const server = spawnServer('server.ts');
    try {
      await openSession(server, LATEST_LEGACY_PROTOCOL_VERSION);
      server.send({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'hang', arguments: {} } });
      server.send({ jsonrpc: '2.0', id: 7, method: 'ping' });
      const [duplicate] = await server.read(1);
      expect(duplicate).toMatchObject({ id: 7, error: { code: -32600 } });

      server.send({
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: 7, reason: 'enough' },
      });
      // The same id is free again once the cancelled request is gone.
      server.send({ jsonrpc: '2.0', id: 7, method: 'ping' });
      server.send({ jsonrpc: '2.0', id: 8, method: 'ping' });
      const replies = await server.read(2);
      expect(replies.sort((a, b) => Number(a.id) - Number(b.id))).toEqual([
        { jsonrpc: '2.0', id: 7, result: {} },
        { jsonrpc: '2.0', id: 8, result: {} },
      ]);
      await closeAndValidate(server, LATEST_LEGACY_PROTOCOL_VERSION);
    } finally {
      server.kill();
    }
  });

  it('announces no tool list change to a client that pipelines its opening messages', async () => {
    const server = spawnServer('server.ts');
    try {
      // A client may write its opening messages without waiting for answers; they are then all in the pipe
      // when the server starts reading. Its tools were registered before it connected: nothing changed since.
      initialize(server, LATEST_LEGACY_PROTOCOL_VERSION);
      server.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      server.send({ jsonrpc: '2.0', id: 'list', method: 'tools/list' });
      const opening = await server.read(2);
      expect(opening.map((reply) => reply.id).sort()).toEqual(['init', 'list']);
      server.send({ jsonrpc: '2.0', id: 'ping', method: 'ping' });
      const [next] = await server.read(1);
      expect(next, 'the line after the opening answers').toEqual({ jsonrpc: '2.0', id: 'ping', result: {} });
      await closeAndValidate(server, LATEST_LEGACY_PROTOCOL_VERSION);
    } finally {
      server.kill();
    }
  });
});
