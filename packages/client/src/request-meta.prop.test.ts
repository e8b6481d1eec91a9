import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRequestParams } from './request-meta.ts';

const identity = {
  clientInfo: { name: 'prop-client', version: '0.0.1' },
  capabilities: { elicitation: { form: {} } },
};
const reserved = [
  'io.modelcontextprotocol/protocolVersion',
  'io.modelcontextprotocol/clientCapabilities',
  'io.modelcontextprotocol/clientInfo',
];

const callerMeta = fc.dictionary(
  fc.oneof(fc.string(), fc.constantFrom(...reserved, 'progressToken', 'traceparent')),
  fc.jsonValue(),
);
const params = fc.record(
  { name: fc.string(), arguments: fc.dictionary(fc.string(), fc.jsonValue()), _meta: callerMeta },
  { requiredKeys: [] },
);

describe('buildRequestParams', () => {
  it('modern: reserved keys are always ours, every other caller key survives, params are not mutated', () => {
    fc.assert(
      fc.property(params, (input) => {
        const snapshot = JSON.stringify(input);
        const built = buildRequestParams({ era: 'modern', protocolVersion: '2026-07-28' }, identity, input);
        const meta = built._meta as Record<string, unknown>;
        expect(meta['io.modelcontextprotocol/protocolVersion']).toBe('2026-07-28');
        expect(meta['io.modelcontextprotocol/clientCapabilities']).toBe(identity.capabilities);
        expect(meta['io.modelcontextprotocol/clientInfo']).toBe(identity.clientInfo);
        for (const [key, value] of Object.entries(input._meta ?? {})) {
          if (!reserved.includes(key)) expect(meta[key]).toEqual(value);
        }
        for (const key of Object.keys(input))
          if (key !== '_meta') expect(built[key]).toBe(input[key as keyof typeof input]);
        expect(JSON.stringify(input)).toBe(snapshot);
      }),
      { numRuns: 200, interruptAfterTimeLimit: 2000 },
    );
  });

  it('legacy: params pass through unchanged', () => {
    fc.assert(
      fc.property(params, (input) => {
        expect(buildRequestParams({ era: 'legacy', protocolVersion: '2025-11-25' }, identity, input)).toBe(
          input,
        );
      }),
      { numRuns: 100, interruptAfterTimeLimit: 2000 },
    );
  });
});
