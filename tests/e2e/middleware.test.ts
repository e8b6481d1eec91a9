/**
 * Request middleware end to end, pmcp client and server over the in-memory pair, both eras: the client's outgoing
 * middleware sees each request as it goes on the wire (handshake, list pages, input rounds), its incoming
 * middleware the server's requests (legacy sampling); the server's middleware wraps every request it handles.
 * Both sides' messages are validated against the schema of the revision in use.
 */
import { createClient } from '@pmcp/client';
import { createInMemoryTransportPair, McpError } from '@pmcp/jsonrpc';
import { createServer } from '@pmcp/server';
import { withSpecValidation } from '@pmcp/test-utils';
import { describe, expect, it } from 'vitest';

function build() {
  const handled: string[] = [];
  const server = createServer(
    { name: 'mw-server', version: '1.0.0' },
    {
      middleware: [
        async (params, ctx, next) => {
          handled.push(`${ctx.method}${typeof params.name === 'string' ? ` ${params.name}` : ''}`);
          return next();
        },
      ],
    },
  );
  server.tool(
    'add',
    {
      description: 'Adds',
      input: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
    },
    (args) => String(Number(args.a) + Number(args.b)),
  );
  server.tool('summarize', { description: 'Asks the client model' }, async (_args, ctx) => {
    const answer = await ctx.sample({
      messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }],
      maxTokens: 5,
    });
    return `model said: ${(answer.content as { text: string }).text}`;
  });
  return { server, handled };
}

describe.each(['modern', 'legacy'] as const)('request middleware, %s era', (era) => {
  it('client outgoing and incoming middleware and server middleware each see their requests', async () => {
    const { server, handled } = build();
    const [clientSide, serverSide] = createInMemoryTransportPair();
    const serverChecked = withSpecValidation(serverSide, { role: 'server' });
    await server.connect(serverChecked);

    const sent: string[] = [];
    const asked: string[] = [];
    const client = createClient(
      { name: 'mw-client', version: '1.0.0' },
      {
        onSample: () => ({ role: 'assistant', content: { type: 'text', text: 'hello' }, model: 'm' }),
        outgoingMiddleware: [
          async (method, params, next) => {
            sent.push(`${method}${typeof params?.name === 'string' ? ` ${params.name}` : ''}`);
            return next();
          },
        ],
        middleware: [
          async (_params, ctx, next) => {
            asked.push(ctx.method);
            return next();
          },
        ],
      },
    );
    const clientChecked = withSpecValidation(clientSide, { role: 'client' });
    await client.connect(clientChecked, { era });

    const sum = await client.callTool('add', { a: 2, b: 3 });
    expect(sum.content).toEqual([{ type: 'text', text: '5' }]);
    const summary = await client.callTool('summarize', {});
    expect(summary.content).toEqual([{ type: 'text', text: 'model said: hello' }]);

    // What went on the wire, as the client's outgoing middleware saw it.
    expect(sent).toContain('tools/call add');
    expect(sent.filter((entry) => entry === 'tools/call summarize').length).toBe(era === 'modern' ? 2 : 1);
    expect(sent[0]).toBe(era === 'modern' ? 'server/discover' : 'initialize');
    // The server's middleware saw the same requests arrive.
    expect(handled).toEqual(sent);
    // Legacy sampling is a server→client request; modern sampling is an input round of the same call.
    expect(asked).toEqual(era === 'legacy' ? ['sampling/createMessage'] : []);

    await client.close();
    for (const side of [clientChecked, serverChecked]) {
      expect(side.violations).toEqual([]);
      expect(side.checked).toBeGreaterThan(2);
    }
  });

  it('a client middleware can answer locally and refuse; the server never sees those requests', async () => {
    const { server, handled } = build();
    const [clientSide, serverSide] = createInMemoryTransportPair();
    await server.connect(serverSide);
    const client = createClient({ name: 'mw-client', version: '1.0.0' });
    await client.connect(clientSide, { era });
    const before = handled.length;
    client.useOutgoing((method, params, next) => {
      if (method === 'tools/call' && params?.name === 'summarize') {
        throw new McpError(-32602, 'summarize is not allowed from this client');
      }
      return next();
    });
    await expect(client.callTool('summarize', {})).rejects.toMatchObject({ code: -32602 });
    expect(handled.slice(before)).not.toContain('tools/call summarize');
    await client.close();
  });
});
