import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeHeaderValue } from '../shared/header-values.ts';
import { checkParamHeaders, checkStandardHeaders } from './modern-checks.ts';

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
};
const params = [{ header: 'Value', path: ['value'], types: ['string'] as const }];

function headersFor(name: string, value?: string): Headers {
  const headers = new Headers({
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': 'tools/call',
    'mcp-name': encodeHeaderValue(name),
  });
  if (value !== undefined) headers.set('mcp-param-value', encodeHeaderValue(value));
  return headers;
}

function call(name: string, value: string) {
  return {
    jsonrpc: '2.0' as const,
    id: 1,
    method: 'tools/call',
    params: { name, arguments: { value }, _meta: META },
  };
}

describe('header validation (property)', () => {
  it('accepts every value a conforming client encodes, Base64 sentinel included', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        (name, value) => {
          const message = call(name, value);
          const headers = headersFor(name, value);
          expect(checkStandardHeaders(message, headers)).toBeUndefined();
          expect(checkParamHeaders(message, params, headers)).toBeUndefined();
        },
      ),
      { numRuns: 300, interruptAfterTimeLimit: 5_000 },
    );
  });

  it('refuses a header that stands for another value', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        (sent, other) => {
          fc.pre(sent !== other);
          const message = call('tool', sent);
          const failure = checkParamHeaders(message, params, headersFor('tool', other));
          expect(failure?.code).toBe(-32020);
          const wrongName = checkStandardHeaders(call(sent, 'v'), headersFor(other));
          expect(wrongName?.code).toBe(-32020);
        },
      ),
      { numRuns: 300, interruptAfterTimeLimit: 5_000 },
    );
  });
});
