import { McpError, ProtocolError } from '@pmcp/jsonrpc';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, complete, connect, ERAS, expectSpecClean, page, requestsOf } from '../test/harness.ts';

afterEach(closeAll);

const REVIEW = {
  name: 'code_review',
  description: 'Reviews code',
  arguments: [
    { name: 'language', required: true },
    { name: 'code', required: true },
  ],
};
const SUMMARY = { name: 'summary' };

describe.each(ERAS)('%s: prompts', (era) => {
  it('lists one page and all pages', async () => {
    const { client, spec } = await connect(era, {
      'prompts/list': (params) =>
        params.cursor === undefined
          ? page(era, { prompts: [REVIEW], nextCursor: 'more' })
          : page(era, { prompts: [SUMMARY] }),
    });
    const first = await client.listPrompts();
    expect(first.prompts).toEqual([REVIEW]);
    expect(first.nextCursor).toBe('more');
    const all = await client.listAllPrompts();
    expect(all.map((prompt) => prompt.name)).toEqual(['code_review', 'summary']);
    expectSpecClean(spec);
  });

  it('gets a prompt with string arguments, every content type intact', async () => {
    const messages = [
      { role: 'user', content: { type: 'text', text: 'Review this:' } },
      { role: 'user', content: { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' } },
      { role: 'user', content: { type: 'audio', data: 'UklGRg==', mimeType: 'audio/wav' } },
      { role: 'user', content: { type: 'resource_link', uri: 'file:///a.ts', name: 'a.ts' } },
      {
        role: 'assistant',
        content: {
          type: 'resource',
          resource: { uri: 'file:///b.ts', mimeType: 'text/plain', text: 'let b' },
        },
      },
    ];
    const { client, server, spec } = await connect(era, {
      'prompts/get': () => complete(era, { description: 'a review', messages }),
    });
    const result = await client.getPrompt('code_review', { language: 'ts', code: 'let x = 1' });
    expect(result.messages).toEqual(messages);
    expect(result.description).toBe('a review');
    expect(requestsOf(server, 'prompts/get')[0]?.params).toMatchObject({
      name: 'code_review',
      arguments: { language: 'ts', code: 'let x = 1' },
    });
    expectSpecClean(spec);
  });

  it('surfaces the server error for a missing required argument', async () => {
    const { client } = await connect(era, {
      'prompts/get': () => {
        throw new McpError(-32602, 'Missing required argument: code');
      },
    });
    await expect(client.getPrompt('code_review', { language: 'ts' })).rejects.toMatchObject({
      code: -32602,
      message: 'Missing required argument: code',
    });
  });

  it('completes a prompt argument and a template variable with context', async () => {
    const { client, server, spec } = await connect(era, {
      'completion/complete': (params) => {
        const argument = params.argument as { value: string };
        return complete(era, {
          completion: {
            values: [`${argument.value}thon`, `${argument.value}torch`],
            total: 12,
            hasMore: true,
          },
        });
      },
    });
    const prompt = await client.complete(
      { type: 'ref/prompt', name: 'code_review' },
      { name: 'language', value: 'py' },
    );
    expect(prompt.completion).toEqual({ values: ['python', 'pytorch'], total: 12, hasMore: true });
    await client.complete(
      { type: 'ref/resource', uri: 'github://repos/{owner}/{repo}' },
      { name: 'repo', value: 'ty' },
      { arguments: { owner: 'modelcontextprotocol' } },
    );
    expect(requestsOf(server, 'completion/complete').map((request) => request.params)).toEqual([
      expect.objectContaining({
        ref: { type: 'ref/prompt', name: 'code_review' },
        argument: { name: 'language', value: 'py' },
      }),
      expect.objectContaining({
        ref: { type: 'ref/resource', uri: 'github://repos/{owner}/{repo}' },
        context: { arguments: { owner: 'modelcontextprotocol' } },
      }),
    ]);
    expectSpecClean(spec);
  });

  it('fails before any round trip without the prompts / completions capability', async () => {
    const { client, server } = await connect(era, {}, { capabilities: { tools: {} } });
    const before = server.sent.length;
    await expect(client.listAllPrompts()).rejects.toMatchObject({ code: -32601 });
    await expect(client.getPrompt('x')).rejects.toMatchObject({ code: -32601 });
    await expect(
      client.complete({ type: 'ref/prompt', name: 'x' }, { name: 'a', value: '' }),
    ).rejects.toMatchObject({ code: -32601, message: expect.stringContaining('"completions" capability') });
    expect(server.sent.length).toBe(before);
  });
});

describe('prompts and completion, edge cases', () => {
  it('does not require the completions capability from 2024-11-05 servers, which had none to advertise', async () => {
    const { client, spec } = await connect(
      'legacy',
      { 'completion/complete': () => ({ completion: { values: ['a'] } }) },
      { capabilities: { prompts: {} }, legacyVersion: '2024-11-05' },
    );
    expect(client.protocolVersion).toBe('2024-11-05');
    await expect(
      client.complete({ type: 'ref/prompt', name: 'p' }, { name: 'x', value: '' }),
    ).resolves.toMatchObject({ completion: { values: ['a'] } });
    expectSpecClean(spec);
  });

  it('validates input with TypeErrors that say what to pass', async () => {
    const { client } = await connect('modern');
    await expect(client.getPrompt('')).rejects.toThrow(TypeError);
    await expect(client.getPrompt('p', { n: 1 } as unknown as Record<string, string>)).rejects.toThrow(
      /values are all strings/,
    );
    await expect(
      client.complete({ type: 'ref/tool', name: 'x' } as never, { name: 'a', value: 'b' }),
    ).rejects.toThrow(/ref\/prompt/);
    await expect(client.complete({ type: 'ref/prompt', name: 'x' }, { name: 'a' } as never)).rejects.toThrow(
      /argument must be/,
    );
  });

  it('rejects malformed answers as protocol violations', async () => {
    const { client } = await connect('modern', {
      'prompts/get': () => ({ resultType: 'complete', messages: [{ role: 'user' }] }),
      'completion/complete': () => ({ resultType: 'complete', completion: { values: [1] } }),
      'prompts/list': () => page('modern', { prompts: [{ description: 'nameless' }] }),
    });
    await expect(client.getPrompt('p')).rejects.toBeInstanceOf(ProtocolError);
    await expect(
      client.complete({ type: 'ref/prompt', name: 'p' }, { name: 'a', value: '' }),
    ).rejects.toBeInstanceOf(ProtocolError);
    await expect(client.listPrompts()).rejects.toThrow(/index 0 of prompts/);
  });
});
