import { describe, expect, it } from 'vitest';
import { validateServerMessage } from './validate.ts';

// The harness is only worth something if it can fail: these prove it catches what the server must not send.
describe('validateServerMessage', () => {
  it('accepts a valid modern result and rejects one without resultType', () => {
    const valid = { jsonrpc: '2.0' as const, id: 1, result: { resultType: 'complete', content: [] } };
    expect(validateServerMessage(valid, '2026-07-28', 'tools/call')).toEqual([]);
    const { resultType: _dropped, ...legacyShaped } = valid.result;
    expect(validateServerMessage({ ...valid, result: legacyShaped }, '2026-07-28', 'tools/call')).not.toEqual(
      [],
    );
  });

  it('rejects legacy structured content that is not an object', () => {
    const message = { jsonrpc: '2.0' as const, id: 1, result: { content: [], structuredContent: [1] } };
    expect(validateServerMessage(message, '2025-06-18', 'tools/call')).not.toEqual([]);
  });

  it('checks notifications and error responses', () => {
    expect(
      validateServerMessage(
        { jsonrpc: '2.0', method: 'notifications/progress', params: {} },
        '2025-11-25',
        undefined,
      ),
    ).not.toEqual([]);
    expect(
      validateServerMessage(
        { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'x' } },
        '2024-11-05',
        'x',
      ),
    ).toEqual([]);
    expect(
      validateServerMessage(
        { jsonrpc: '2.0', id: 1, error: { code: 'bad', message: 'x' } } as never,
        '2026-07-28',
        'x',
      ),
    ).not.toEqual([]);
  });
});
