import { describe, expect, it } from 'vitest';
import { validateMessage } from './validate-message.ts';

const meta = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
};
const callTool = {
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { _meta: meta, name: 'echo', arguments: {} },
};

function errorsOf(result: ReturnType<typeof validateMessage>): string[] {
  return result.ok ? [] : result.errors;
}

describe('validateMessage', () => {
  it('accepts a conforming modern request and result', () => {
    expect(validateMessage(callTool, '2026-07-28')).toEqual({ ok: true });
    const result = {
      jsonrpc: '2.0',
      id: 1,
      result: { resultType: 'complete', content: [{ type: 'text', text: 'hi' }] },
    };
    expect(validateMessage(result, '2026-07-28', { method: 'tools/call' })).toEqual({ ok: true });
  });

  it('catches a 2026-07-28 result without resultType', () => {
    const result = { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'hi' }] } };
    const errors = errorsOf(validateMessage(result, '2026-07-28', { method: 'tools/call' }));
    expect(errors.join('\n')).toContain("must have required property 'resultType'");
  });

  it('catches a bad content block', () => {
    const result = { jsonrpc: '2.0', id: 1, result: { resultType: 'complete', content: [{ type: 'text' }] } };
    const errors = errorsOf(validateMessage(result, '2026-07-28', { method: 'tools/call' }));
    expect(errors.join('\n')).toContain('/result/content/0');
  });

  it('catches an unknown method', () => {
    const errors = errorsOf(validateMessage({ ...callTool, method: 'tools/run' }, '2026-07-28'));
    expect(errors).toContain('"tools/run" is not a request method of MCP 2026-07-28');
  });

  it('catches a method that the era removed', () => {
    const ping = { jsonrpc: '2.0', id: 2, method: 'ping' };
    expect(validateMessage(ping, '2025-11-25')).toEqual({ ok: true });
    expect(errorsOf(validateMessage(ping, '2026-07-28'))).toEqual([
      '"ping" is not a request method of MCP 2026-07-28',
    ]);
  });

  it('checks that the sender may send the method', () => {
    const sampling = {
      jsonrpc: '2.0',
      id: 3,
      method: 'sampling/createMessage',
      params: { messages: [{ role: 'user', content: { type: 'text', text: 'Hi' } }], maxTokens: 10 },
    };
    expect(validateMessage(sampling, '2025-11-25', { sender: 'server' })).toEqual({ ok: true });
    expect(errorsOf(validateMessage(sampling, '2025-11-25', { sender: 'client' }))).toEqual([
      'request method "sampling/createMessage" is not one a client may send in MCP 2025-11-25',
    ]);
    // A modern server sends no JSON-RPC requests at all: sampling became an input request.
    expect(validateMessage(sampling, '2026-07-28', { sender: 'server' }).ok).toBe(false);
    expect(validateMessage(callTool, '2026-07-28', { sender: 'server' }).ok).toBe(false);
  });

  it('rejects a result whose resultType the revision does not define', () => {
    const result = { jsonrpc: '2.0', id: 1, result: { resultType: 'task', content: [] } };
    expect(errorsOf(validateMessage(result, '2026-07-28', { method: 'tools/call' }))).toEqual([
      'resultType "task" is neither "complete" nor "input_required"',
    ]);
  });

  it('needs the method a result answers', () => {
    const errors = errorsOf(
      validateMessage({ jsonrpc: '2.0', id: 1, result: { resultType: 'complete' } }, '2026-07-28'),
    );
    expect(errors.join('\n')).toContain('pass hint.method');
  });

  it('admits an InputRequiredResult only where the spec does', () => {
    const inputRequired = {
      jsonrpc: '2.0',
      id: 1,
      result: { resultType: 'input_required', requestState: 's' },
    };
    expect(validateMessage(inputRequired, '2026-07-28', { method: 'tools/call' })).toEqual({ ok: true });
    expect(validateMessage(inputRequired, '2026-07-28', { method: 'tools/list' }).ok).toBe(false);
  });

  it('validates legacy messages with the draft-07 schemas of older revisions', () => {
    const audio = {
      jsonrpc: '2.0',
      id: 4,
      result: { content: [{ type: 'audio', data: 'AA==', mimeType: 'audio/wav' }] },
    };
    // Audio content arrived in 2025-03-26.
    expect(validateMessage(audio, '2025-03-26', { method: 'tools/call' })).toEqual({ ok: true });
    expect(validateMessage(audio, '2024-11-05', { method: 'tools/call' }).ok).toBe(false);
    const initialize = {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'c', version: '1' } },
    };
    expect(validateMessage(initialize, '2024-11-05')).toEqual({ ok: true });
    const withoutInfo = { ...initialize, params: { protocolVersion: '2024-11-05', capabilities: {} } };
    expect(errorsOf(validateMessage(withoutInfo, '2024-11-05')).join('\n')).toContain('clientInfo');
  });

  it('checks error responses, including the codes a revision pins', () => {
    const generic = { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found' } };
    expect(validateMessage(generic, '2026-07-28')).toEqual({ ok: true });
    expect(validateMessage(generic, '2024-11-05')).toEqual({ ok: true });
    expect(
      validateMessage({ jsonrpc: '2.0', id: 1, error: { code: 'bad', message: 'x' } }, '2026-07-28').ok,
    ).toBe(false);
    const unsupported = {
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32022, message: 'Unsupported', data: { requested: 'x' } },
    };
    expect(errorsOf(validateMessage(unsupported, '2026-07-28')).join('\n')).toContain('supported');
  });

  it('validates the JSON text, where undefined members vanish', () => {
    const result = {
      jsonrpc: '2.0',
      id: 1,
      result: { resultType: 'complete', content: [], isError: undefined },
    };
    expect(validateMessage(result, '2026-07-28', { method: 'tools/call' })).toEqual({ ok: true });
    const cyclic: Record<string, unknown> = { jsonrpc: '2.0', method: 'notifications/progress' };
    cyclic.params = cyclic;
    expect(errorsOf(validateMessage(cyclic, '2026-07-28'))[0]).toContain('does not serialize to JSON');
  });

  it('allows batches only in 2025-03-26', () => {
    const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
    expect(validateMessage([ping, ping], '2025-03-26')).toEqual({ ok: true });
    expect(validateMessage([ping], '2025-06-18').ok).toBe(false);
  });

  it('rejects what is not a JSON-RPC message, and unknown revisions', () => {
    expect(validateMessage({ jsonrpc: '2.0', id: 1 }, '2026-07-28').ok).toBe(false);
    expect(validateMessage('hello', '2026-07-28').ok).toBe(false);
    expect(errorsOf(validateMessage(callTool, '2030-01-01' as never))[0]).toContain('unknown MCP revision');
  });
});
