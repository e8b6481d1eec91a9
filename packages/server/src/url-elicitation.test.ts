import { McpError } from '@pmcp/jsonrpc';
import { describe, expect, it } from 'vitest';
import { errorOf, modern, resultOf, useTestClients } from '../test/harness.ts';
import { createServer, type McpServer, UrlElicitationRequiredError } from './index.ts';
import { UrlElicitationRegistry } from './url-elicitation.ts';

const connect = useTestClients();

const URL_CAPABLE = { elicitation: { url: {} } };
const LINK = {
  mode: 'url' as const,
  message: 'Link your calendar',
  url: 'https://calendar.example.com/link',
};

/** A server whose `link` tool asks for the URL with a chosen id and whose `blocked` tool throws -32042. */
function calendarServer(): McpServer {
  const server = createServer({ name: 'calendar', version: '1.0.0' });
  server.tool('link', { description: 'Asks the user to link the calendar' }, async (_args, ctx) => {
    const answer = await ctx.elicit({ ...LINK, elicitationId: 'link-1' });
    return `user said ${answer.action}`;
  });
  server.tool('blocked', { description: 'Needs a linked calendar' }, () => {
    throw new UrlElicitationRequiredError([
      { message: 'Link your calendar', url: 'https://calendar.example.com/link', elicitationId: 'link-2' },
      { message: 'And pay', url: 'https://pay.example.com/checkout' },
    ]);
  });
  return server;
}

async function legacySession(server: McpServer, revision = '2025-11-25') {
  const client = await connect(server, { onRequest: () => ({ action: 'accept' }) });
  await client.initialize(revision, { capabilities: URL_CAPABLE });
  return client;
}

describe('URL-mode elicitation completion (2025-11-25)', () => {
  it('sends the id a handler chose, and notifications/elicitation/complete to that session once', async () => {
    const server = calendarServer();
    const client = await legacySession(server);
    const other = await legacySession(server);
    const result = resultOf(await client.request('tools/call', { name: 'link' }));
    expect(result.content).toEqual([{ type: 'text', text: 'user said accept' }]);
    expect(client.serverRequests('elicitation/create')[0]?.params).toEqual({
      ...LINK,
      elicitationId: 'link-1',
    });

    expect(await server.completeElicitation('link-1')).toBe(true);
    const complete = await client.waitFor(
      (message) => 'method' in message && message.method === 'notifications/elicitation/complete',
    );
    expect(complete).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/elicitation/complete',
      params: { elicitationId: 'link-1' },
    });
    expect(other.notifications('notifications/elicitation/complete')).toEqual([]);
    expect(await server.completeElicitation('link-1')).toBe(false);
    expect(client.violations).toEqual([]);
  });

  it('answers a thrown UrlElicitationRequiredError with -32042 and data.elicitations, and can complete them', async () => {
    const server = calendarServer();
    const client = await legacySession(server);
    const error = errorOf(await client.request('tools/call', { name: 'blocked' }));
    expect(error.code).toBe(-32042);
    expect(error.message).toMatch(/retry it afterwards/);
    expect(error.data).toEqual({
      elicitations: [
        {
          mode: 'url',
          message: 'Link your calendar',
          url: 'https://calendar.example.com/link',
          elicitationId: 'link-2',
        },
        {
          mode: 'url',
          message: 'And pay',
          url: 'https://pay.example.com/checkout',
          elicitationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        },
      ],
    });
    const generated = (error.data as { elicitations: { elicitationId: string }[] }).elicitations[1]!
      .elicitationId;
    expect(await server.completeElicitation(generated)).toBe(true);
    expect(await server.completeElicitation('link-2')).toBe(true);
    await client.waitFor(
      (message) =>
        'method' in message &&
        message.method === 'notifications/elicitation/complete' &&
        (message.params as { elicitationId?: string }).elicitationId === 'link-2',
    );
    expect(
      client.notifications('notifications/elicitation/complete').map((note) => note.params?.elicitationId),
    ).toEqual([generated, 'link-2']);
    expect(client.violations).toEqual([]);
  });

  it('also tracks a hand-made McpError -32042', async () => {
    const server = createServer({ name: 'raw', version: '1.0.0' });
    server.tool('blocked', { description: 'Throws a raw -32042' }, () => {
      throw new McpError(-32042, 'Open the link', {
        data: { elicitations: [{ ...LINK, elicitationId: 'raw-1' }] },
      });
    });
    const client = await legacySession(server);
    expect(errorOf(await client.request('tools/call', { name: 'blocked' })).code).toBe(-32042);
    expect(await server.completeElicitation('raw-1')).toBe(true);
  });

  it('returns false for an unknown id, a closed session, and a modern request, which drops the id', async () => {
    const server = calendarServer();
    expect(await server.completeElicitation('never-issued')).toBe(false);

    const closing = await legacySession(server);
    await closing.request('tools/call', { name: 'link' });
    await closing.close();
    expect(await server.completeElicitation('link-1')).toBe(false);

    const client = await connect(server);
    const first = resultOf(
      await client.request(
        'tools/call',
        modern({ name: 'link' }, { 'io.modelcontextprotocol/clientCapabilities': URL_CAPABLE }),
      ),
    );
    expect(first.resultType).toBe('input_required');
    const requests = Object.values(
      first.inputRequests as Record<string, { method: string; params: unknown }>,
    );
    // 2026-07-28 has no elicitation ids: the params are exactly the modern URL elicitation.
    expect(requests).toEqual([{ method: 'elicitation/create', params: LINK }]);
    expect(await server.completeElicitation('link-1')).toBe(false);
    expect(client.violations).toEqual([]);
  });

  it('rejects a bad id and bad elicitations with errors that say what to pass', async () => {
    const server = calendarServer();
    await expect(server.completeElicitation('')).rejects.toThrow(/elicitationId must be a non-empty string/);
    expect(() => new UrlElicitationRequiredError([])).toThrow(/non-empty array/);
    expect(() => new UrlElicitationRequiredError([{ message: 'm', url: 'not a url' }])).toThrow(
      /elicitations\[0\] needs a string message and an absolute url/,
    );
    const error = new UrlElicitationRequiredError(
      [{ message: 'm', url: 'https://a.example' }],
      'Sign in first',
    );
    expect(error).toBeInstanceOf(McpError);
    expect(error.code).toBe(-32042);
    expect(error.message).toBe('Sign in first');
    expect(error.elicitations[0]?.mode).toBe('url');
  });
});

describe('UrlElicitationRegistry', () => {
  it('forgets the oldest id past its limit, and every id of a closed connection', () => {
    const registry = new UrlElicitationRegistry<string>(2);
    registry.track('a', 'one');
    registry.track('b', 'two');
    registry.track('c', 'one');
    expect(registry.size).toBe(2);
    expect(registry.take('a')).toBeUndefined();
    registry.forget('one');
    expect(registry.take('c')).toBeUndefined();
    expect(registry.take('b')).toBe('two');
    expect(registry.size).toBe(0);
  });
});
