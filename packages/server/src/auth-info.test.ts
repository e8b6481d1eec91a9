/**
 * `ctx.authInfo`: what the transport authenticated each request as (`MessageExtra.authInfo`), seen by tool, prompt
 * and resource handlers in both eras. The in-memory pair carries no authentication, so these tests put it into
 * the extra of each incoming message the way an HTTP transport does.
 */
import type { JsonRpcMessage, MessageExtra, Transport } from '@pmcp/jsonrpc';
import { describe, expect, it } from 'vitest';
import { errorOf, modern, resultOf, useTestClients } from '../test/harness.ts';
import { createServer, type HandlerContext } from './index.ts';

const connect = useTestClients();

function text(result: Record<string, unknown>): string {
  const blocks = (result.content ?? result.contents ?? result.messages) as Array<Record<string, unknown>>;
  return blocks
    .map((block) => {
      const inner = (block.content ?? block) as { text?: string };
      return inner.text ?? '';
    })
    .join('');
}

/**
 * Wraps `server` so every incoming message arrives with `extra.authInfo = authFor(message)` (left out when it
 * returns undefined), as the HTTP handler delivers an authenticated request's messages.
 */
function authenticating(
  server: ReturnType<typeof createServer>,
  authFor: (message: JsonRpcMessage) => unknown,
): { connect(transport: Transport): Promise<void> } {
  return {
    async connect(transport: Transport) {
      await server.connect(transport);
      const deliver = transport.onmessage;
      if (deliver === undefined) throw new Error('the server did not listen on its transport');
      transport.onmessage = (message, extra) => {
        const authInfo = authFor(message);
        const withAuth: MessageExtra = { ...extra };
        if (authInfo !== undefined) withAuth.authInfo = authInfo;
        deliver(message, withAuth);
      };
    },
  };
}

/** A server whose tool `whoami`, prompt `whoami` and resource `auth://whoami` answer with what `describe` says. */
function whoamiServer(describe: (ctx: HandlerContext) => string) {
  const server = createServer({ name: 'auth', version: '1' });
  server.tool('whoami', { description: 'Who is calling' }, (_args, ctx) => describe(ctx));
  server.prompt('whoami', { description: 'Who is calling' }, (_args, ctx) => describe(ctx));
  server.resource('auth://whoami', { name: 'whoami', description: 'Who is calling' }, (_uri, ctx) =>
    describe(ctx),
  );
  return server;
}

const subjectOf = (ctx: HandlerContext): string => {
  const auth = ctx.authInfo as { subject?: string } | undefined;
  return auth === undefined ? 'anonymous' : `subject=${auth.subject}`;
};

describe('ctx.authInfo', () => {
  it('is the very object the transport attached to a modern request, in tools, prompts and resources', async () => {
    const authInfo = { token: 't', subject: 'alice', scopes: ['notes:read'] };
    const seen: unknown[] = [];
    const server = whoamiServer((ctx) => {
      seen.push(ctx.authInfo);
      return subjectOf(ctx);
    });
    const client = await connect(authenticating(server, () => authInfo));
    const call = resultOf(await client.request('tools/call', modern({ name: 'whoami' })));
    const prompt = resultOf(await client.request('prompts/get', modern({ name: 'whoami' })));
    const read = resultOf(await client.request('resources/read', modern({ uri: 'auth://whoami' })));
    expect([text(call), text(prompt), text(read)]).toEqual([
      'subject=alice',
      'subject=alice',
      'subject=alice',
    ]);
    expect(seen).toHaveLength(3);
    for (const value of seen) expect(value).toBe(authInfo);
  });

  it('is undefined where the transport authenticated nothing', async () => {
    const server = whoamiServer(subjectOf);
    const client = await connect(server);
    const modernCall = resultOf(await client.request('tools/call', modern({ name: 'whoami' })));
    expect(text(modernCall)).toBe('anonymous');
    await client.initialize('2025-11-25');
    const legacyCall = resultOf(await client.request('tools/call', { name: 'whoami' }));
    expect(text(legacyCall)).toBe('anonymous');
  });

  it('follows each request of a legacy session, not the one that opened it (a refreshed token shows up)', async () => {
    let current: unknown = { token: 'first', subject: 'alice', scopes: [] };
    const tokens: unknown[] = [];
    const server = whoamiServer((ctx) => {
      tokens.push((ctx.authInfo as { token: string }).token);
      return subjectOf(ctx);
    });
    const client = await connect(authenticating(server, () => current));
    await client.initialize('2025-11-25');
    expect(text(resultOf(await client.request('tools/call', { name: 'whoami' })))).toBe('subject=alice');
    current = { token: 'refreshed', subject: 'alice', scopes: [] };
    expect(text(resultOf(await client.request('tools/call', { name: 'whoami' })))).toBe('subject=alice');
    expect(tokens).toEqual(['first', 'refreshed']);
  });

  it('is the authInfo of the retry when a modern handler is re-run for an input round', async () => {
    const server = createServer({ name: 'auth', version: '1' });
    const runs: unknown[] = [];
    server.tool('confirm', { description: 'Asks, then says who answered' }, async (_args, ctx) => {
      runs.push((ctx.authInfo as { token: string } | undefined)?.token);
      const answer = await ctx.elicit(
        { message: 'Sure?', requestedSchema: { type: 'object', properties: {} } },
        { key: 'sure' },
      );
      return `${answer.action} by ${subjectOf(ctx)}`;
    });
    let token = 'round-1';
    const client = await connect(authenticating(server, () => ({ token, subject: 'bob', scopes: [] })));
    const capabilities = { 'io.modelcontextprotocol/clientCapabilities': { elicitation: {} } };
    const first = resultOf(await client.request('tools/call', modern({ name: 'confirm' }, capabilities)));
    expect(first.resultType).toBe('input_required');
    token = 'round-2';
    const second = resultOf(
      await client.request(
        'tools/call',
        modern(
          {
            name: 'confirm',
            inputResponses: { sure: { action: 'accept', content: {} } },
            requestState: first.requestState,
          },
          capabilities,
        ),
      ),
    );
    expect(text(second)).toBe('accept by subject=bob');
    expect(runs).toEqual(['round-1', 'round-2']);
  });

  it("binds a modern requestState to the caller by default: another principal's retry is refused", async () => {
    const server = createServer({ name: 'auth', version: '1' });
    server.tool('confirm', { description: 'Asks first' }, async (_args, ctx) => {
      const answer = await ctx.elicit(
        { message: 'Sure?', requestedSchema: { type: 'object', properties: {} } },
        { key: 'sure' },
      );
      return answer.action;
    });
    let subject = 'alice';
    const client = await connect(authenticating(server, () => ({ token: 't', subject, scopes: [] })));
    const capabilities = { 'io.modelcontextprotocol/clientCapabilities': { elicitation: {} } };
    const first = resultOf(await client.request('tools/call', modern({ name: 'confirm' }, capabilities)));
    const retry = () =>
      client.request(
        'tools/call',
        modern(
          {
            name: 'confirm',
            inputResponses: { sure: { action: 'accept', content: {} } },
            requestState: first.requestState,
          },
          capabilities,
        ),
      );
    subject = 'mallory';
    expect(errorOf(await retry())).toMatchObject({ code: -32602, data: { reason: 'foreign' } });
    subject = 'alice';
    expect(text(resultOf(await retry()))).toBe('accept');
  });
});
