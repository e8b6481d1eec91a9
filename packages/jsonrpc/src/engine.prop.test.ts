import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RpcEngine } from './engine.ts';
import { McpError } from './errors.ts';
import { FakeTransport, flush } from './fake-transport.test-helper.ts';

const RUN = { numRuns: 100, plugins: [fc.interruptAfterTimeLimit(5_000)] };

// How the fake peer answers each request: a result echoing the request's own value, or an error.
const answers = fc
  .array(fc.record({ value: fc.jsonValue({ maxDepth: 2 }), fails: fc.boolean() }), {
    minLength: 1,
    maxLength: 60,
  })
  .chain((plan) =>
    fc.tuple(
      fc.constant(plan),
      fc.shuffledSubarray(
        plan.map((_, index) => index),
        { minLength: plan.length, maxLength: plan.length },
      ),
    ),
  );

describe('RpcEngine id correlation (property)', () => {
  it('resolves every concurrent request with its own result whatever order the responses arrive in', async () => {
    await fc.assert(
      fc.asyncProperty(answers, async ([plan, order]) => {
        const engine = new RpcEngine();
        const wire = new FakeTransport();
        await engine.connect(wire);
        const outcomes = plan.map((_, index) =>
          engine.request('echo', { index }).then(
            (result) => ({ ok: true as const, result }),
            (error: unknown) => ({ ok: false as const, error }),
          ),
        );
        await flush();
        const requests = wire.requests();
        expect(new Set(requests.map((r) => r.id)).size).toBe(plan.length);
        for (const position of order) {
          const request = requests[position];
          if (request === undefined) throw new Error('missing request');
          const index = request.params?.index as number;
          const step = plan[index];
          if (step === undefined) throw new Error('missing plan step');
          wire.deliver(
            step.fails
              ? {
                  jsonrpc: '2.0',
                  id: request.id,
                  error: { code: -32000 - index, message: `failed ${index}` },
                }
              : { jsonrpc: '2.0', id: request.id, result: { index, value: step.value } },
          );
        }
        const settled = await Promise.all(outcomes);
        settled.forEach((outcome, index) => {
          const step = plan[index];
          if (step?.fails) {
            expect(outcome.ok).toBe(false);
            if (!outcome.ok) {
              expect(outcome.error).toBeInstanceOf(McpError);
              expect((outcome.error as McpError).message).toBe(`failed ${index}`);
            }
          } else {
            expect(outcome).toEqual({ ok: true, result: { index, value: step?.value } });
          }
        });
        await engine.close();
      }),
      RUN,
    );
  });
});
