import {
  type JsonRpcRequest,
  McpError,
  ProtocolError,
  RequestCancelledError,
  type RequestHandler,
} from '@pmcp/jsonrpc';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, connect, deferred, expectSpecClean, page, requestsOf, settle } from '../test/harness.ts';
import type { ClientOptions, InputContext } from './index.ts';

afterEach(closeAll);

const ELICIT = {
  method: 'elicitation/create',
  params: {
    mode: 'form',
    message: 'Your GitHub username?',
    requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
  },
};
const SAMPLE = {
  method: 'sampling/createMessage',
  params: {
    messages: [{ role: 'user', content: { type: 'text', text: 'Capital of France?' } }],
    maxTokens: 100,
  },
};
const ROOTS = { method: 'roots/list' };
const SAMPLED = {
  role: 'assistant',
  content: { type: 'text', text: 'Paris' },
  model: 'm1',
  stopReason: 'endTurn',
};

const HANDLERS: ClientOptions = {
  onElicit: () => ({ action: 'accept', content: { name: 'octocat' } }),
  onSample: () => SAMPLED as never,
  onRoots: () => [{ uri: 'file:///project' }],
};

function text(value: string) {
  return [{ type: 'text', text: value }];
}

/** A server whose method asks for `inputRequests` (with `requestState`) until the retry brings answers. */
function askingOnce(
  inputRequests: Record<string, unknown>,
  requestState: string | undefined,
  final: (params: Record<string, unknown>) => Record<string, unknown>,
): RequestHandler {
  return (params) => {
    if (params.inputResponses === undefined && params.requestState === undefined) {
      return {
        resultType: 'input_required',
        inputRequests,
        ...(requestState === undefined ? {} : { requestState }),
      };
    }
    return { resultType: 'complete', ...final(params) };
  };
}

describe('modern: InputRequiredResult fulfilled through the handlers', () => {
  it('callTool answers every input request and retries once with a new id, keys and requestState intact', async () => {
    const { client, server, spec } = await connect(
      'modern',
      {
        'tools/call': askingOnce(
          { github_login: ELICIT, capital_of_france: SAMPLE, client_roots: ROOTS },
          'AEAD-blob==',
          () => ({ content: text('done') }),
        ),
      },
      { clientOptions: HANDLERS },
    );

    const result = await client.callTool('deploy', { target: 'prod' });
    expect(result).toEqual({ resultType: 'complete', content: text('done') });

    const [first, retry] = requestsOf(server, 'tools/call') as [JsonRpcRequest, JsonRpcRequest];
    expect(retry.id).not.toBe(first.id);
    expect(first.params).not.toHaveProperty('inputResponses');
    expect(first.params).not.toHaveProperty('requestState');
    expect(retry.params).toMatchObject({ name: 'deploy', arguments: { target: 'prod' } });
    expect(retry.params?.inputResponses).toEqual({
      github_login: { action: 'accept', content: { name: 'octocat' } },
      capital_of_france: SAMPLED,
      client_roots: { roots: [{ uri: 'file:///project' }] },
    });
    expect(retry.params?.requestState).toBe('AEAD-blob==');
    expectSpecClean(spec);
  });

  it('never adds a requestState the server did not give', async () => {
    const { client, server, spec } = await connect(
      'modern',
      { 'tools/call': askingOnce({ who: ELICIT }, undefined, () => ({ content: text('ok') })) },
      { clientOptions: HANDLERS },
    );
    await client.callTool('whoami');
    const retry = requestsOf(server, 'tools/call')[1];
    expect(retry?.params).toHaveProperty('inputResponses');
    expect(retry?.params).not.toHaveProperty('requestState');
    expectSpecClean(spec);
  });

  it('retries at once, with the state only, when there are no input requests', async () => {
    let calls = 0;
    const { client, server } = await connect('modern', {
      'tools/call': (params) => {
        calls += 1;
        return params.requestState === 'step-2'
          ? { resultType: 'complete', content: text('finished') }
          : { resultType: 'input_required', requestState: 'step-2' };
      },
    });
    await expect(client.callTool('job')).resolves.toMatchObject({ content: text('finished') });
    expect(calls).toBe(2);
    expect(requestsOf(server, 'tools/call')[1]?.params).not.toHaveProperty('inputResponses');
  });

  it('follows several rounds, echoing only the latest state and answering only the latest requests', async () => {
    const { client, server, spec } = await connect(
      'modern',
      {
        'tools/call': (params) => {
          if (params.requestState === undefined) {
            return { resultType: 'input_required', inputRequests: { step1: ELICIT }, requestState: 's1' };
          }
          if (params.requestState === 's1') {
            return { resultType: 'input_required', inputRequests: { step2: SAMPLE }, requestState: 's2' };
          }
          return { resultType: 'complete', content: text(`after ${String(params.requestState)}`) };
        },
      },
      { clientOptions: HANDLERS },
    );
    await expect(client.callTool('wizard')).resolves.toMatchObject({ content: text('after s2') });
    const calls = requestsOf(server, 'tools/call');
    expect(calls.map((call) => call.params?.requestState)).toEqual([undefined, 's1', 's2']);
    expect(
      calls.map((call) => Object.keys((call.params?.inputResponses as object | undefined) ?? {})),
    ).toEqual([[], ['step1'], ['step2']]);
    expect(new Set(calls.map((call) => call.id)).size).toBe(3);
    expectSpecClean(spec);
  });

  it('never reuses requestState or inputResponses on other requests', async () => {
    const answering = deferred<void>();
    const { client, server } = await connect(
      'modern',
      {
        'tools/call': (params, ctx, request) =>
          params.name === 'first'
            ? askingOnce({ who: ELICIT }, 'secret-state', () => ({ content: text('ok') }))(
                params,
                ctx,
                request,
              )
            : { resultType: 'complete', content: text('plain') },
      },
      {
        clientOptions: {
          onElicit: async () => {
            await answering.promise;
            return { action: 'decline' };
          },
        },
      },
    );
    const call = client.callTool('first');
    await settle();
    // While the handler is busy, another request goes out: it must not carry the first call's MRTR fields.
    await client.listTools();
    answering.resolve();
    await call;
    await client.callTool('second');
    const calls = requestsOf(server, 'tools/call');
    expect(calls.map((request) => [request.params?.name, request.params?.requestState])).toEqual([
      ['first', undefined],
      ['first', 'secret-state'],
      ['second', undefined],
    ]);
    for (const request of [...requestsOf(server, 'tools/list'), calls[0], calls[2]]) {
      expect(request?.params).not.toHaveProperty('requestState');
      expect(request?.params).not.toHaveProperty('inputResponses');
    }
  });

  it.each([
    ['getPrompt', 'prompts/get', { messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }] }],
    [
      'readResource',
      'resources/read',
      { contents: [{ uri: 'file:///x', text: 'x' }], ttlMs: 0, cacheScope: 'private' },
    ],
  ] as const)('%s is fulfilled the same way', async (operation, method, final) => {
    const { client, server, spec } = await connect(
      'modern',
      { [method]: askingOnce({ user_context: ELICIT }, 'st', () => final) },
      { clientOptions: HANDLERS },
    );
    const result =
      operation === 'getPrompt' ? await client.getPrompt('p') : await client.readResource('file:///x');
    expect(result).toMatchObject(final);
    expect(requestsOf(server, method)[1]?.params).toMatchObject({
      inputResponses: { user_context: { action: 'accept' } },
      requestState: 'st',
    });
    expectSpecClean(spec);
  });

  it('runs the handlers one after another in the order the server listed, with the modern context', async () => {
    const order: string[] = [];
    const contexts: InputContext[] = [];
    const { client } = await connect(
      'modern',
      { 'tools/call': askingOnce({ b: SAMPLE, a: ELICIT }, undefined, () => ({ content: [] })) },
      {
        clientOptions: {
          onSample: async (_request, context) => {
            order.push('sample:start');
            contexts.push(context);
            await settle();
            order.push('sample:end');
            return SAMPLED as never;
          },
          onElicit: (_request, context) => {
            order.push('elicit');
            contexts.push(context);
            return { action: 'cancel' };
          },
        },
      },
    );
    await client.callTool('x');
    expect(order).toEqual(['sample:start', 'sample:end', 'elicit']);
    expect(contexts.every((context) => context.era === 'modern')).toBe(true);
  });
});

describe('modern: MRTR failures', () => {
  it('stops after maxInputRounds with an error naming the limit', async () => {
    const { client, server } = await connect(
      'modern',
      {
        'tools/call': () => ({
          resultType: 'input_required',
          inputRequests: { again: ELICIT },
          requestState: 'loop',
        }),
      },
      { clientOptions: { ...HANDLERS, maxInputRounds: 2 } },
    );
    const error = (await client.callTool('loop').catch((thrown: unknown) => thrown)) as McpError;
    expect(error).toBeInstanceOf(McpError);
    expect(error.message).toContain('maxInputRounds');
    expect(error.message).toContain('2 rounds');
    expect(requestsOf(server, 'tools/call')).toHaveLength(3);
  });

  it('cancels across rounds: aborting while a handler waits rejects and sends no retry', async () => {
    const asked = deferred<AbortSignal>();
    const { client, server } = await connect(
      'modern',
      { 'tools/call': askingOnce({ who: ELICIT }, 's', () => ({ content: [] })) },
      {
        clientOptions: {
          onElicit: (_request, { signal }) => {
            asked.resolve(signal);
            return new Promise(() => undefined);
          },
        },
      },
    );
    const controller = new AbortController();
    const call = client.callTool('x', {}, { signal: controller.signal });
    const handlerSignal = await asked.promise;
    controller.abort('user closed the dialog');
    await expect(call).rejects.toBeInstanceOf(RequestCancelledError);
    expect(handlerSignal.aborted).toBe(true);
    await settle();
    expect(requestsOf(server, 'tools/call')).toHaveLength(1);
  });

  it('wraps a handler failure with the input key and keeps the cause', async () => {
    const failure = new Error('the model is offline');
    const { client } = await connect(
      'modern',
      { 'tools/call': askingOnce({ capital: SAMPLE }, undefined, () => ({ content: [] })) },
      {
        clientOptions: {
          onSample: () => {
            throw failure;
          },
        },
      },
    );
    const error = (await client.callTool('x').catch((thrown: unknown) => thrown)) as McpError;
    expect(error).toBeInstanceOf(McpError);
    expect(error.message).toContain('"capital"');
    expect(error.message).toContain('the model is offline');
    expect(error.cause).toBe(failure);
  });

  it('refuses, before running any handler, input the client did not declare', async () => {
    let elicited = false;
    const { client, server } = await connect(
      'modern',
      {
        'tools/call': askingOnce(
          {
            name: ELICIT,
            pick: {
              method: 'sampling/createMessage',
              params: { ...SAMPLE.params, tools: [{ name: 't', inputSchema: { type: 'object' } }] },
            },
          },
          undefined,
          () => ({ content: [] }),
        ),
      },
      {
        clientOptions: {
          onElicit: () => {
            elicited = true;
            return { action: 'cancel' };
          },
          onSample: () => SAMPLED as never,
        },
      },
    );
    const error = (await client.callTool('x').catch((thrown: unknown) => thrown)) as McpError;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toContain('"pick"');
    expect(error.message).toContain('sampling.tools');
    expect(elicited).toBe(false);
    expect(requestsOf(server, 'tools/call')).toHaveLength(1);
  });

  it.each([
    ['an unknown input method', { bogus: { method: 'tools/call', params: {} } }, /"bogus"/],
    ['an input request without a method', { x: { params: {} } }, /not an object with a method/],
  ])('rejects %s as a protocol violation', async (_case, inputRequests, message) => {
    const { client } = await connect(
      'modern',
      { 'tools/call': () => ({ resultType: 'input_required', inputRequests }) },
      { clientOptions: HANDLERS },
    );
    const error = await client.callTool('x').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(message);
  });

  it('rejects an InputRequiredResult with neither inputRequests nor requestState', async () => {
    const { client } = await connect('modern', { 'tools/call': () => ({ resultType: 'input_required' }) });
    await expect(client.callTool('x')).rejects.toThrow(/neither inputRequests nor requestState/);
  });

  it('rejects an InputRequiredResult on a method that may not return one', async () => {
    const { client } = await connect(
      'modern',
      { 'tools/list': () => ({ resultType: 'input_required', requestState: 'x' }) },
      { clientOptions: HANDLERS },
    );
    const error = await client.listTools().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toContain('only on tools/call, prompts/get and resources/read');
  });

  it('surfaces an error the server answers the retry with', async () => {
    const { client } = await connect(
      'modern',
      {
        'tools/call': (params) => {
          if (params.requestState === undefined)
            return { resultType: 'input_required', inputRequests: { a: ELICIT }, requestState: 'x' };
          throw new McpError(-32602, 'requestState failed verification');
        },
      },
      { clientOptions: HANDLERS },
    );
    await expect(client.callTool('x')).rejects.toMatchObject({
      code: -32602,
      message: 'requestState failed verification',
    });
  });

  it('does not list tools again for the output schema on each round', async () => {
    let lists = 0;
    const { client } = await connect(
      'modern',
      {
        'tools/list': () => {
          lists += 1;
          return page('modern', { tools: [] });
        },
        'tools/call': askingOnce({ a: ELICIT }, 's', () => ({ content: [] })),
      },
      { clientOptions: HANDLERS },
    );
    await client.callTool('x');
    expect(lists).toBe(1);
  });
});
