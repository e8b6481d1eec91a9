import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, connect, requestsOf } from '../test/harness.ts';

afterEach(closeAll);

const INPUTS: Record<string, Record<string, unknown>> = {
  elicit: {
    method: 'elicitation/create',
    params: { message: 'm', requestedSchema: { type: 'object', properties: { v: { type: 'string' } } } },
  },
  sample: {
    method: 'sampling/createMessage',
    params: { messages: [{ role: 'user', content: { type: 'text', text: 'q' } }], maxTokens: 5 },
  },
  roots: { method: 'roots/list' },
};

/** One InputRequiredResult: requests under arbitrary keys, a state, or both (never neither). */
const round = fc
  .record(
    {
      inputRequests: fc.dictionary(
        fc.string({ minLength: 1, maxLength: 12 }).filter((key) => key !== '__proto__'),
        fc.constantFrom(...Object.keys(INPUTS)),
        { maxKeys: 4 },
      ),
      requestState: fc.string({ maxLength: 40 }),
    },
    { requiredKeys: [] },
  )
  .filter((entry) => entry.inputRequests !== undefined || entry.requestState !== undefined);

describe('MRTR retries (property)', () => {
  it('answer exactly the keys asked and echo exactly the state given, round after round', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(round, { minLength: 1, maxLength: 4 }), async (rounds) => {
        let served = 0;
        const { client, server } = await connect(
          'modern',
          {
            'tools/call': () => {
              const next = rounds[served];
              served += 1;
              if (next === undefined) return { resultType: 'complete', content: [] };
              const result: Record<string, unknown> = { resultType: 'input_required' };
              if (next.inputRequests !== undefined) {
                result.inputRequests = Object.fromEntries(
                  Object.entries(next.inputRequests).map(([key, kind]) => [key, INPUTS[kind]]),
                );
              }
              if (next.requestState !== undefined) result.requestState = next.requestState;
              return result;
            },
          },
          {
            clientOptions: {
              onElicit: () => ({ action: 'accept', content: { v: 'x' } }),
              onSample: () => ({ role: 'assistant', content: { type: 'text', text: 'a' }, model: 'm' }),
              onRoots: () => [],
            },
          },
        );
        await client.callTool('t', { fixed: true });
        const calls = requestsOf(server, 'tools/call');
        expect(calls).toHaveLength(rounds.length + 1);
        expect(new Set(calls.map((call) => call.id)).size).toBe(calls.length);
        rounds.forEach((asked, index) => {
          const retry = calls[index + 1]?.params ?? {};
          expect(retry.name).toBe('t');
          expect(retry.arguments).toEqual({ fixed: true });
          if (asked.requestState === undefined) expect(retry).not.toHaveProperty('requestState');
          else expect(retry.requestState).toBe(asked.requestState);
          if (asked.inputRequests === undefined) expect(retry).not.toHaveProperty('inputResponses');
          else {
            expect(Object.keys(retry.inputResponses as object).sort()).toEqual(
              Object.keys(asked.inputRequests).sort(),
            );
          }
        });
        await client.close();
      }),
      { numRuns: 40, interruptAfterTimeLimit: 20_000 },
    );
  });
});
