import type { JsonRpcResponse } from '@pmcp/jsonrpc';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorOf, modern, resultOf, useTestClients } from '../test/harness.ts';
import { createServer, type HandlerContext, type McpServer } from './index.ts';
import { acceptsInputRounds } from './mrtr.ts';

const connect = useTestClients();

const KEY = 'mrtr-test-key-that-is-32-bytes!!';
const ALL_CAPABILITIES = { elicitation: {}, sampling: {}, roots: {} };

afterEach(() => {
  vi.restoreAllMocks();
});

const nameSchema = {
  type: 'object' as const,
  properties: { name: { type: 'string' as const } },
  required: ['name'],
};

function text(result: Record<string, unknown>): string {
  const content = result.content as Array<{ type: string; text?: string }>;
  return content.map((block) => block.text ?? '').join('');
}

function elicitAnswer(content: Record<string, unknown>): Record<string, unknown> {
  return { action: 'accept', content };
}

function samplingAnswer(answer: string): Record<string, unknown> {
  return {
    role: 'assistant',
    content: { type: 'text', text: answer },
    model: 'test-model',
    stopReason: 'endTurn',
  };
}

const ROOTS_ANSWER = { roots: [{ uri: 'file:///test/root', name: 'Test Root' }] };

/** The MRTR tools of the conformance suite (NOTES §5.5 "2026-only tools"), written with the ctx API. */
function registerConformanceTools(server: McpServer): void {
  const askName = (ctx: HandlerContext, key: string, message = 'What is your name?') =>
    ctx.elicit({ message, requestedSchema: nameSchema }, { key });
  const askCapital = (ctx: HandlerContext) =>
    ctx.sample(
      {
        messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }],
        maxTokens: 100,
      },
      { key: 'capital_question' },
    );
  const askGreeting = (ctx: HandlerContext) =>
    ctx.sample(
      { messages: [{ role: 'user', content: { type: 'text', text: 'Generate a greeting' } }], maxTokens: 50 },
      { key: 'greeting' },
    );
  const askConfirm = (ctx: HandlerContext) =>
    ctx.elicit(
      {
        message: 'Please confirm',
        requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
      },
      { key: 'confirm' },
    );
  const sampledText = (result: { content: unknown }) => {
    const content = result.content as { type?: string; text?: string };
    return content.type === 'text' ? (content.text ?? '') : '';
  };

  server.tool(
    'test_input_required_result_elicitation',
    { description: 'MRTR: one elicitation' },
    async (_a, ctx) => {
      const answer = await askName(ctx, 'user_name');
      return `Hello, ${String(answer.content?.name)}!`;
    },
  );
  server.tool('test_input_required_result_sampling', { description: 'MRTR: one sampling' }, async (_a, ctx) =>
    sampledText(await askCapital(ctx)),
  );
  server.tool('test_input_required_result_list_roots', { description: 'MRTR: roots' }, async (_a, ctx) => {
    const roots = await ctx.roots({ key: 'client_roots' });
    return `Roots: ${roots.map((root) => root.uri).join(', ')}`;
  });
  server.tool('test_input_required_result_request_state', { description: 'MRTR: state' }, async (_a, ctx) => {
    const answer = await askConfirm(ctx);
    return `state-ok: confirmed=${String(answer.content?.ok)}`;
  });
  server.tool(
    'test_input_required_result_multiple_inputs',
    { description: 'MRTR: three inputs' },
    async (_a, ctx) => {
      const [name, greeting, roots] = await Promise.all([
        askName(ctx, 'user_name'),
        askGreeting(ctx),
        ctx.roots({ key: 'client_roots' }),
      ]);
      return `${sampledText(greeting)} ${String(name.content?.name)} (${roots.length} roots)`;
    },
  );
  server.tool(
    'test_input_required_result_multi_round',
    { description: 'MRTR: two rounds' },
    async (_a, ctx) => {
      const name = await askName(ctx, 'step1', 'Step 1: What is your name?');
      const color = await ctx.elicit(
        {
          message: 'Step 2: What is your favorite color?',
          requestedSchema: { type: 'object', properties: { color: { type: 'string' } }, required: ['color'] },
        },
        { key: 'step2' },
      );
      return `${String(name.content?.name)} likes ${String(color.content?.color)}`;
    },
  );
  server.tool(
    'test_input_required_result_tampered_state',
    { description: 'MRTR: signed state' },
    async (_a, ctx) => {
      await askConfirm(ctx);
      return 'integrity-ok';
    },
  );
  server.tool(
    'test_input_required_result_capabilities',
    { description: 'MRTR: declared only' },
    async (_a, ctx) => {
      const { capabilities } = ctx.client;
      const asked: Promise<unknown>[] = [];
      if (capabilities.elicitation) asked.push(askName(ctx, 'user_name'));
      if (capabilities.sampling) asked.push(askCapital(ctx));
      if (capabilities.roots) asked.push(ctx.roots({ key: 'client_roots' }));
      await Promise.all(asked);
      return `answered ${asked.length} declared inputs`;
    },
  );
  server.tool('test_missing_capability', { description: 'Needs sampling' }, async (_a, ctx) =>
    sampledText(await askCapital(ctx)),
  );
}

function conformanceServer(options: Parameters<typeof createServer>[1] = {}) {
  const server = createServer({ name: 'mrtr', version: '1.0.0' }, { requestStateKey: KEY, ...options });
  registerConformanceTools(server);
  return server;
}

type Call = (
  name: string,
  extra?: Record<string, unknown>,
  capabilities?: Record<string, unknown>,
) => Promise<JsonRpcResponse>;

async function caller(server = conformanceServer()): Promise<Call> {
  const client = await connect(server);
  return (name, extra = {}, capabilities = ALL_CAPABILITIES) =>
    client.request(
      'tools/call',
      modern(
        { name, arguments: {}, ...extra },
        { 'io.modelcontextprotocol/clientCapabilities': capabilities },
      ),
    );
}

describe('modern input rounds: the conformance MRTR tools', () => {
  it('elicitation: asks under "user_name", then greets with the answer', async () => {
    const call = await caller();
    const first = resultOf(await call('test_input_required_result_elicitation'));
    expect(first).toMatchObject({
      resultType: 'input_required',
      inputRequests: {
        user_name: {
          method: 'elicitation/create',
          params: { message: 'What is your name?', requestedSchema: nameSchema },
        },
      },
    });
    expect(first.requestState).toEqual(expect.any(String));
    expect(first).not.toHaveProperty('ttlMs');
    expect(first._meta).toHaveProperty(['io.modelcontextprotocol/serverInfo']);

    const second = resultOf(
      await call('test_input_required_result_elicitation', {
        inputResponses: { user_name: elicitAnswer({ name: 'Alice' }) },
        requestState: first.requestState,
      }),
    );
    expect(second.resultType).toBe('complete');
    expect(text(second)).toBe('Hello, Alice!');
  });

  it('sampling: asks "capital_question" with maxTokens 100 and returns the sampled text', async () => {
    const call = await caller();
    const first = resultOf(await call('test_input_required_result_sampling'));
    expect(first.inputRequests).toEqual({
      capital_question: {
        method: 'sampling/createMessage',
        params: {
          messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }],
          maxTokens: 100,
        },
      },
    });
    const second = resultOf(
      await call('test_input_required_result_sampling', {
        inputResponses: { capital_question: samplingAnswer('Paris.') },
        requestState: first.requestState,
      }),
    );
    expect(text(second)).toBe('Paris.');
  });

  it('roots: asks "client_roots" with empty params and uses the roots', async () => {
    const call = await caller();
    const first = resultOf(await call('test_input_required_result_list_roots'));
    expect(first.inputRequests).toEqual({ client_roots: { method: 'roots/list', params: {} } });
    const second = resultOf(
      await call('test_input_required_result_list_roots', {
        inputResponses: { client_roots: ROOTS_ANSWER },
        requestState: first.requestState,
      }),
    );
    expect(text(second)).toBe('Roots: file:///test/root');
  });

  it('request state: round 2 with the echoed state says state-ok', async () => {
    const call = await caller();
    const first = resultOf(await call('test_input_required_result_request_state'));
    expect(Object.keys(first.inputRequests as object)).toEqual(['confirm']);
    const second = resultOf(
      await call('test_input_required_result_request_state', {
        inputResponses: { confirm: elicitAnswer({ ok: true }) },
        requestState: first.requestState,
      }),
    );
    expect(text(second)).toContain('state-ok');
  });

  it('multiple inputs: asks all three at once; a partial answer gets a new round for the rest only', async () => {
    const call = await caller();
    const first = resultOf(await call('test_input_required_result_multiple_inputs'));
    const requests = first.inputRequests as Record<string, { method: string }>;
    expect(Object.keys(requests)).toEqual(['user_name', 'greeting', 'client_roots']);
    expect(Object.values(requests).map((request) => request.method)).toEqual([
      'elicitation/create',
      'sampling/createMessage',
      'roots/list',
    ]);

    const partial = resultOf(
      await call('test_input_required_result_multiple_inputs', {
        inputResponses: { user_name: elicitAnswer({ name: 'Bob' }) },
        requestState: first.requestState,
      }),
    );
    expect(partial.resultType).toBe('input_required');
    expect(Object.keys(partial.inputRequests as object)).toEqual(['greeting', 'client_roots']);

    const done = resultOf(
      await call('test_input_required_result_multiple_inputs', {
        inputResponses: { greeting: samplingAnswer('Hi'), client_roots: ROOTS_ANSWER },
        requestState: partial.requestState,
      }),
    );
    expect(text(done)).toBe('Hi Bob (1 roots)');
  });

  it('multi round: step1, then step2 with a new state, then complete with both answers', async () => {
    const call = await caller();
    const r1 = resultOf(await call('test_input_required_result_multi_round'));
    expect(Object.keys(r1.inputRequests as object)).toEqual(['step1']);
    const r2 = resultOf(
      await call('test_input_required_result_multi_round', {
        inputResponses: { step1: elicitAnswer({ name: 'Alice' }) },
        requestState: r1.requestState,
      }),
    );
    expect(r2.resultType).toBe('input_required');
    expect(Object.keys(r2.inputRequests as object)).toEqual(['step2']);
    expect(r2.requestState).not.toBe(r1.requestState);
    // As the suite does: the last retry carries only step2; step1 comes back from the signed state.
    const r3 = resultOf(
      await call('test_input_required_result_multi_round', {
        inputResponses: { step2: elicitAnswer({ color: 'blue' }) },
        requestState: r2.requestState,
      }),
    );
    expect(r3.resultType).toBe('complete');
    expect(text(r3)).toBe('Alice likes blue');
  });

  it('tampered state: a modified requestState is refused with -32602', async () => {
    const call = await caller();
    const first = resultOf(await call('test_input_required_result_tampered_state'));
    const error = errorOf(
      await call('test_input_required_result_tampered_state', {
        inputResponses: { confirm: elicitAnswer({ ok: true }) },
        requestState: `${String(first.requestState)}-TAMPERED`,
      }),
    );
    expect(error.code).toBe(-32602);
    expect(error.message).toContain('Invalid requestState');
    expect(error.data).toEqual({ reason: 'tampered' });
  });

  it('capabilities: asks only for what the client declared', async () => {
    const call = await caller();
    const result = resultOf(await call('test_input_required_result_capabilities', {}, { sampling: {} }));
    const methods = Object.values(result.inputRequests as Record<string, { method: string }>).map(
      (r) => r.method,
    );
    expect(methods).toEqual(['sampling/createMessage']);
  });

  it('missing capability: -32021 with data.requiredCapabilities', async () => {
    const call = await caller();
    const error = errorOf(await call('test_missing_capability', {}, { elicitation: {} }));
    expect(error.code).toBe(-32021);
    expect(error.data).toEqual({ requiredCapabilities: { sampling: {} } });
    expect(error.message).toContain('sampling');
  });
});

describe('modern input rounds: retries', () => {
  it('ignores unknown keys and accepts answers without a requestState', async () => {
    const call = await caller();
    const result = resultOf(
      await call('test_input_required_result_elicitation', {
        inputResponses: {
          user_name: elicitAnswer({ name: 'Alice' }),
          unknown_extra_key: { action: 'accept', content: { foo: 'bar' } },
          another_unexpected: 42,
        },
      }),
    );
    expect(text(result)).toBe('Hello, Alice!');
  });

  it('answers a retry that lacks the needed response with a fresh InputRequiredResult', async () => {
    const call = await caller();
    const result = resultOf(
      await call('test_input_required_result_elicitation', {
        inputResponses: { wrong_key: elicitAnswer({ data: 'wrong' }) },
      }),
    );
    expect(result.resultType).toBe('input_required');
    expect(Object.keys(result.inputRequests as object)).toEqual(['user_name']);
  });

  it.each([
    [{ user_name: 12345 }, 'inputResponses["user_name"] is not a valid answer to elicitation/create'],
    [{ user_name: { action: 'maybe' } }, '"action" must be'],
    [null, '"inputResponses" must be an object'],
    [[1], '"inputResponses" must be an object'],
  ])('refuses malformed inputResponses %j with -32602', async (inputResponses, fragment) => {
    const call = await caller();
    const error = errorOf(await call('test_input_required_result_elicitation', { inputResponses }));
    expect(error.code).toBe(-32602);
    expect(error.message).toContain(fragment);
  });

  it('refuses a requestState that is not a string', async () => {
    const call = await caller();
    const error = errorOf(await call('test_input_required_result_elicitation', { requestState: 7 }));
    expect(error.code).toBe(-32602);
    expect(error.message).toContain('"requestState" must be the string the server sent');
  });

  it('refuses a state issued for another tool or other arguments (foreign)', async () => {
    const server = conformanceServer();
    server.tool(
      'echo_confirm',
      { description: 'confirm then echo', input: { type: 'object', properties: { x: { type: 'number' } } } },
      async (args, ctx) => {
        await ctx.elicit(
          { message: 'ok?', requestedSchema: { type: 'object', properties: {} } },
          { key: 'k' },
        );
        return String(args.x);
      },
    );
    const call = await caller(server);
    const first = resultOf(await call('echo_confirm', { arguments: { x: 1 } }));
    const retry = { inputResponses: { k: { action: 'accept' } }, requestState: first.requestState };
    const otherArgs = errorOf(await call('echo_confirm', { ...retry, arguments: { x: 2 } }));
    expect(otherArgs).toMatchObject({ code: -32602, data: { reason: 'foreign' } });
    const otherTool = errorOf(await call('test_input_required_result_tampered_state', retry));
    expect(otherTool).toMatchObject({ code: -32602, data: { reason: 'foreign' } });
    expect(text(resultOf(await call('echo_confirm', { ...retry, arguments: { x: 1 } })))).toBe('1');
  });

  it('refuses an expired state', async () => {
    const call = await caller(conformanceServer({ requestStateTtlMs: 1000 }));
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now);
    const first = resultOf(await call('test_input_required_result_elicitation'));
    clock.mockReturnValue(now + 1001);
    const error = errorOf(
      await call('test_input_required_result_elicitation', {
        inputResponses: { user_name: elicitAnswer({ name: 'Late' }) },
        requestState: first.requestState,
      }),
    );
    expect(error).toMatchObject({ code: -32602, data: { reason: 'expired' } });
  });

  it('refuses a state issued by a server with another key', async () => {
    const other = await caller(conformanceServer({ requestStateKey: 'another-key-that-is-32-bytes-long' }));
    const first = resultOf(await other('test_input_required_result_tampered_state'));
    const call = await caller();
    const error = errorOf(
      await call('test_input_required_result_tampered_state', { requestState: first.requestState }),
    );
    expect(error).toMatchObject({ code: -32602, data: { reason: 'tampered' } });
  });

  it('binds the state to the principal named by requestStateSubject', async () => {
    const subject = vi.fn().mockReturnValueOnce('alice').mockReturnValueOnce('mallory');
    const call = await caller(conformanceServer({ requestStateSubject: subject }));
    const first = resultOf(await call('test_input_required_result_elicitation'));
    const error = errorOf(
      await call('test_input_required_result_elicitation', {
        inputResponses: { user_name: elicitAnswer({ name: 'x' }) },
        requestState: first.requestState,
      }),
    );
    expect(error).toMatchObject({ code: -32602, data: { reason: 'foreign' } });
    expect(error.message).toContain('another principal');
  });
});

describe('modern input rounds: handler semantics', () => {
  it('names questions elicit-<n>, sample-<n>, roots-<n> in call order without keys', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.tool('three', { description: 'd' }, async (_a, ctx) => {
      await ctx.elicit({ message: 'a', requestedSchema: { type: 'object', properties: {} } });
      await ctx.sample({ messages: [], maxTokens: 1 });
      await ctx.roots();
      return 'done';
    });
    const call = await caller(server);
    const r1 = resultOf(await call('three'));
    expect(Object.keys(r1.inputRequests as object)).toEqual(['elicit-0']);
    const r2 = resultOf(
      await call('three', {
        inputResponses: { 'elicit-0': { action: 'decline' } },
        requestState: r1.requestState,
      }),
    );
    expect(Object.keys(r2.inputRequests as object)).toEqual(['sample-1']);
    const r3 = resultOf(
      await call('three', {
        inputResponses: { 'sample-1': samplingAnswer('x') },
        requestState: r2.requestState,
      }),
    );
    expect(Object.keys(r3.inputRequests as object)).toEqual(['roots-2']);
    const r4 = resultOf(
      await call('three', { inputResponses: { 'roots-2': ROOTS_ANSWER }, requestState: r3.requestState }),
    );
    expect(text(r4)).toBe('done');
  });

  it('asks again when the question changed since the answer was given', async () => {
    let runs = 0;
    const server = createServer({ name: 's', version: '1' });
    server.tool('drifting', { description: 'd' }, async (_a, ctx) => {
      runs++;
      await ctx.elicit(
        { message: `Run ${runs}: ok?`, requestedSchema: { type: 'object', properties: {} } },
        { key: 'q' },
      );
      return 'accepted';
    });
    const call = await caller(server);
    const r1 = resultOf(await call('drifting'));
    const r2 = resultOf(
      await call('drifting', { inputResponses: { q: { action: 'accept' } }, requestState: r1.requestState }),
    );
    expect(r2.resultType).toBe('input_required');
    expect((r2.inputRequests as Record<string, { params: { message: string } }>).q?.params.message).toBe(
      'Run 2: ok?',
    );
  });

  it('ctx.remember keeps a value across rounds, so the question stays the same', async () => {
    let computed = 0;
    const server = createServer({ name: 's', version: '1' });
    server.tool('order', { description: 'd' }, async (_a, ctx) => {
      const orderId = await ctx.remember('orderId', () => `order-${++computed}`);
      await ctx.elicit(
        { message: `Pay ${orderId}?`, requestedSchema: { type: 'object', properties: {} } },
        { key: 'pay' },
      );
      return orderId;
    });
    const call = await caller(server);
    const r1 = resultOf(await call('order'));
    const r2 = resultOf(
      await call('order', { inputResponses: { pay: { action: 'accept' } }, requestState: r1.requestState }),
    );
    expect(text(r2)).toBe('order-1');
    expect(computed).toBe(1);
  });

  it('ends the round even when the handler catches the signal', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.tool('swallow', { description: 'd' }, async (_a, ctx) => {
      try {
        await ctx.elicit({ message: 'x', requestedSchema: { type: 'object', properties: {} } });
      } catch {
        return 'should not be sent';
      }
      return 'answered';
    });
    const call = await caller(server);
    expect(resultOf(await call('swallow')).resultType).toBe('input_required');
  });

  it('makes a duplicate key an internal error reported to onerror, not a round', async () => {
    const errors: Error[] = [];
    const server = createServer({ name: 's', version: '1' });
    server.onerror = (error) => errors.push(error);
    server.tool('twice', { description: 'd' }, async (_a, ctx) => {
      await Promise.all([ctx.roots({ key: 'same' }), ctx.roots({ key: 'same' })]);
      return 'x';
    });
    const call = await caller(server);
    expect(errorOf(await call('twice'))).toEqual({ code: -32603, message: 'Internal error' });
    expect(errors.map((error) => error.message).join()).toContain('used twice');
  });

  it.each([
    [
      'URL mode without elicitation.url',
      { elicitation: {} },
      { mode: 'url', message: 'm', url: 'https://example.com/x' },
      { elicitation: { url: {} } },
    ],
    [
      'form mode with only elicitation.url',
      { elicitation: { url: {} } },
      { message: 'm', requestedSchema: { type: 'object', properties: {} } },
      { elicitation: { form: {} } },
    ],
  ])('enforces elicitation modes: %s → -32021', async (_label, capabilities, request, required) => {
    const server = createServer({ name: 's', version: '1' });
    server.tool('ask', { description: 'd' }, async (_a, ctx) => {
      await ctx.elicit(request as Parameters<HandlerContext['elicit']>[0]);
      return 'x';
    });
    const call = await caller(server);
    const error = errorOf(await call('ask', {}, capabilities));
    expect(error).toMatchObject({ code: -32021, data: { requiredCapabilities: required } });
  });

  it('allows URL mode when declared, without an elicitationId (2026-07-28 has none)', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.tool('link', { description: 'd' }, async (_a, ctx) => {
      const answer = await ctx.elicit({ mode: 'url', message: 'Sign in', url: 'https://example.com/login' });
      return answer.action;
    });
    const call = await caller(server);
    const first = resultOf(await call('link', {}, { elicitation: { url: {} } }));
    expect(first.inputRequests).toEqual({
      'elicit-0': {
        method: 'elicitation/create',
        params: { mode: 'url', message: 'Sign in', url: 'https://example.com/login' },
      },
    });
  });

  it('requires sampling.tools for tools in sampling and sampling.context for includeContext', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.tool('agent', { description: 'd' }, async (_a, ctx) => {
      await ctx.sample({
        messages: [{ role: 'user', content: { type: 'text', text: 'weather?' } }],
        maxTokens: 10,
        tools: [{ name: 'get_weather', inputSchema: { type: 'object' } }],
        toolChoice: { mode: 'auto' },
      });
      return 'x';
    });
    server.tool('context', { description: 'd' }, async (_a, ctx) => {
      await ctx.sample({ messages: [], maxTokens: 10, includeContext: 'thisServer' });
      return 'x';
    });
    const call = await caller(server);
    expect(errorOf(await call('agent', {}, { sampling: {} }))).toMatchObject({
      code: -32021,
      data: { requiredCapabilities: { sampling: { tools: {} } } },
    });
    expect(errorOf(await call('context', {}, { sampling: {} }))).toMatchObject({
      data: { requiredCapabilities: { sampling: { context: {} } } },
    });
    const withTools = resultOf(await call('agent', {}, { sampling: { tools: {} } }));
    expect(withTools.resultType).toBe('input_required');
  });

  it('checks the input-round options of createServer', () => {
    expect(() => createServer({ name: 's', version: '1' }, { requestStateKey: 'too short' })).toThrow(
      /32 bytes/,
    );
    expect(() => createServer({ name: 's', version: '1' }, { requestStateTtlMs: 0 })).toThrow(
      /requestStateTtlMs/,
    );
    expect(() =>
      createServer({ name: 's', version: '1' }, { requestStateSubject: 'alice' as unknown as () => string }),
    ).toThrow(/requestStateSubject/);
    expect(() =>
      createServer({ name: 's', version: '1' }, { requestStateKey: [KEY, new Uint8Array(32)] }),
    ).not.toThrow();
  });

  it('accepts input rounds only on tools/call, prompts/get and resources/read', () => {
    expect(['tools/call', 'prompts/get', 'resources/read'].every(acceptsInputRounds)).toBe(true);
    expect(
      ['tools/list', 'prompts/list', 'completion/complete', 'subscriptions/listen'].some(acceptsInputRounds),
    ).toBe(false);
  });
});

describe('input rounds on prompts/get and resources/read', () => {
  function promptAndResourceServer() {
    const server = createServer({ name: 's', version: '1' }, { requestStateKey: KEY });
    server.prompt(
      'test_input_required_result_prompt',
      { description: 'MRTR on prompts/get' },
      async (_args, ctx) => {
        const answer = await ctx.elicit(
          {
            message: 'What context should the prompt use?',
            requestedSchema: {
              type: 'object',
              properties: { context: { type: 'string' } },
              required: ['context'],
            },
          },
          { key: 'user_context' },
        );
        return `Use this context: ${String(answer.content?.context)}`;
      },
    );
    server.resource('test://secret', { name: 'secret', description: 'needs consent' }, async (_uri, ctx) => {
      const consent = await ctx.elicit({
        message: 'Reveal?',
        requestedSchema: { type: 'object', properties: {} },
      });
      return consent.action === 'accept' ? 'the secret' : 'declined';
    });
    return server;
  }

  it('prompts/get: asks "user_context", then returns a GetPromptResult', async () => {
    const client = await connect(promptAndResourceServer());
    const meta = { 'io.modelcontextprotocol/clientCapabilities': { elicitation: {} } };
    const first = resultOf(
      await client.request('prompts/get', modern({ name: 'test_input_required_result_prompt' }, meta)),
    );
    expect(first.resultType).toBe('input_required');
    expect(Object.keys(first.inputRequests as object)).toEqual(['user_context']);
    const second = resultOf(
      await client.request(
        'prompts/get',
        modern(
          {
            name: 'test_input_required_result_prompt',
            inputResponses: { user_context: elicitAnswer({ context: 'test context' }) },
            requestState: first.requestState,
          },
          meta,
        ),
      ),
    );
    expect(second.resultType).toBe('complete');
    expect(second.messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'Use this context: test context' } },
    ]);
  });

  it('resources/read: an input round, never cached, then the contents', async () => {
    const client = await connect(promptAndResourceServer());
    const meta = { 'io.modelcontextprotocol/clientCapabilities': { elicitation: {} } };
    const first = resultOf(await client.request('resources/read', modern({ uri: 'test://secret' }, meta)));
    expect(first.resultType).toBe('input_required');
    expect(first).not.toHaveProperty('ttlMs');
    expect(first).not.toHaveProperty('cacheScope');
    const second = resultOf(
      await client.request(
        'resources/read',
        modern(
          {
            uri: 'test://secret',
            inputResponses: { 'elicit-0': { action: 'accept' } },
            requestState: first.requestState,
          },
          meta,
        ),
      ),
    );
    expect(second.contents).toEqual([{ uri: 'test://secret', text: 'the secret' }]);
    // A state for one resource does not open another one.
    const foreign = errorOf(
      await client.request(
        'resources/read',
        modern({ uri: 'test://other', requestState: first.requestState }, meta),
      ),
    );
    expect(foreign).toMatchObject({ code: -32602, data: { reason: 'foreign' } });
  });
});

describe('the same handler in a legacy session', () => {
  it('asks the client with server→client requests and completes in one call', async () => {
    const answers: Record<string, Record<string, unknown>> = {
      'elicitation/create': elicitAnswer({ name: 'Grace' }),
      'sampling/createMessage': samplingAnswer('Hello there'),
      'roots/list': ROOTS_ANSWER,
    };
    const client = await connect(conformanceServer(), {
      onRequest: (method) => answers[method] ?? {},
    });
    await client.initialize('2025-11-25', { capabilities: ALL_CAPABILITIES });
    const response = await client.request('tools/call', {
      name: 'test_input_required_result_multiple_inputs',
      arguments: {},
    });
    expect(text(resultOf(response))).toBe('Hello there Grace (1 roots)');
    expect(
      client
        .serverRequests()
        .map((request) => request.method)
        .sort(),
    ).toEqual(['elicitation/create', 'roots/list', 'sampling/createMessage']);
  });
});
