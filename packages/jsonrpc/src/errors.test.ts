import { ErrorCode } from '@pmcp/types';
import { describe, expect, it, vi } from 'vitest';
import {
  errorCodeName,
  InvalidMessageError,
  isMcpError,
  McpError,
  McpErrorCode,
  ProtocolError,
  RequestCancelledError,
  RequestTimeoutError,
  TransportClosedError,
} from './errors.ts';

async function importSecondCopy(): Promise<typeof import('./errors.ts')> {
  // A fresh module instance stands in for a second installed copy of @pmcp/jsonrpc.
  vi.resetModules();
  const specifier = './errors.ts?second-copy';
  return (await import(/* @vite-ignore */ specifier)) as typeof import('./errors.ts');
}

describe('McpError', () => {
  it('carries code, message, data and the standard cause', () => {
    const cause = new Error('disk full');
    const error = new McpError(-32603, 'Could not save', { data: { path: '/tmp/x' }, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('McpError');
    expect(error.code).toBe(-32603);
    expect(error.message).toBe('Could not save');
    expect(error.data).toEqual({ path: '/tmp/x' });
    expect(error.cause).toBe(cause);
  });

  it('has no data or cause when none are given', () => {
    const error = new McpError(-32601, 'Method not found: x');
    expect('data' in error).toBe(false);
    expect('cause' in error).toBe(false);
    expect(error.toJsonRpcError()).toEqual({ code: -32601, message: 'Method not found: x' });
  });

  it('serializes to a JSON-RPC error object with data', () => {
    const error = new McpError(-32602, 'Unknown tool: x', { data: { tool: 'x' } });
    expect(error.toJsonRpcError()).toEqual({ code: -32602, message: 'Unknown tool: x', data: { tool: 'x' } });
  });

  it('rebuilds a peer error as a plain McpError, never as a local-only subclass', () => {
    // -32000 and -32001 from a peer are implementation-defined, not our local "closed"/"timeout".
    for (const code of [-32000, -32001]) {
      const peer = McpError.fromJsonRpcError({ code, message: 'server error', data: { a: 1 } });
      expect(peer).not.toBeInstanceOf(TransportClosedError);
      expect(peer).not.toBeInstanceOf(RequestTimeoutError);
      expect(peer.code).toBe(code);
      expect(peer.data).toEqual({ a: 1 });
    }

    const plain = McpError.fromJsonRpcError({ code: -32602, message: 'bad', data: [1] });
    expect(plain).toBeInstanceOf(McpError);
    expect(plain).not.toBeInstanceOf(RequestTimeoutError);
    expect(plain.name).toBe('McpError');
    expect(plain.toJsonRpcError()).toEqual({ code: -32602, message: 'bad', data: [1] });
  });
});

describe('instanceof across installed copies', () => {
  it('recognises errors created by a second copy of the module', async () => {
    const copy = await importSecondCopy();
    expect(copy.McpError).not.toBe(McpError);

    const foreign = new copy.RequestTimeoutError('tools/call', 5);
    expect(foreign instanceof McpError).toBe(true);
    expect(foreign instanceof RequestTimeoutError).toBe(true);
    expect(foreign instanceof TransportClosedError).toBe(false);
    expect(isMcpError(foreign)).toBe(true);

    const ours = new InvalidMessageError(-32600, 'bad');
    expect(ours instanceof copy.McpError).toBe(true);
    expect(ours instanceof copy.InvalidMessageError).toBe(true);
    expect(ours instanceof copy.ProtocolError).toBe(false);
  });

  it('recognises a plain object carrying the brand', () => {
    const branded = { [Symbol.for('pmcp.McpError')]: 'ProtocolError', code: -32600, message: 'x' };
    expect(branded instanceof McpError).toBe(true);
    expect(branded instanceof ProtocolError).toBe(true);
    expect(branded instanceof RequestCancelledError).toBe(false);
    expect({ code: -32600, message: 'x' } instanceof McpError).toBe(false);
    expect({ [Symbol.for('pmcp.McpError')]: 42 } instanceof McpError).toBe(false);
    expect((null as unknown) instanceof McpError).toBe(false);
    expect(isMcpError('McpError')).toBe(false);
    expect(isMcpError(new Error('x'))).toBe(false);
  });

  it('checks user subclasses the ordinary way', () => {
    class ToolFailed extends McpError {}
    const tool = new ToolFailed(-32603, 'tool failed');
    expect(tool instanceof ToolFailed).toBe(true);
    expect(tool instanceof McpError).toBe(true);
    expect(new McpError(-32603, 'x') instanceof ToolFailed).toBe(false);
    const branded = { [Symbol.for('pmcp.McpError')]: 'McpError' };
    expect(branded instanceof ToolFailed).toBe(false);
  });
});

describe('named subclasses', () => {
  it('RequestTimeoutError names the method and the timeout and suggests the option', () => {
    const error = new RequestTimeoutError('tools/call', 1500);
    expect(error.name).toBe('RequestTimeoutError');
    expect(error.code).toBe(McpErrorCode.RequestTimeout);
    expect(error.data).toEqual({ method: 'tools/call', timeoutMs: 1500 });
    expect(error.message).toContain('tools/call');
    expect(error.message).toContain('1500 ms');
    expect(error.message).toContain('`timeout`');
    const capped = new RequestTimeoutError('tools/call', 9000, { limit: 'maxTotalTimeout' });
    expect(capped.message).toContain('`maxTotalTimeout`');
  });

  it('TransportClosedError has code -32000 and a default message that says what to do', () => {
    const error = new TransportClosedError();
    expect(error.name).toBe('TransportClosedError');
    expect(error.code).toBe(-32000);
    expect(error.message).toMatch(/connect/i);
  });

  it('RequestCancelledError keeps the abort reason as cause', () => {
    const error = new RequestCancelledError('tools/call', { cause: 'user pressed stop' });
    expect(error.name).toBe('RequestCancelledError');
    expect(error.cause).toBe('user pressed stop');
    expect(error.message).toContain('user pressed stop');
    expect(error.data).toEqual({ method: 'tools/call' });
  });

  it('InvalidMessageError builds its reply, with the id only when known', () => {
    const withId = new InvalidMessageError(-32602, 'params must be an object', { id: 'a' });
    expect(withId.reply).toEqual({
      jsonrpc: '2.0',
      id: 'a',
      error: { code: -32602, message: 'params must be an object' },
    });
    const withoutId = new InvalidMessageError(-32700, 'not JSON', { data: { line: 1 } });
    expect(withoutId.reply).toEqual({
      jsonrpc: '2.0',
      error: { code: -32700, message: 'not JSON', data: { line: 1 } },
    });
    expect('id' in withoutId.reply).toBe(false);
    expect(withoutId.name).toBe('InvalidMessageError');
  });

  it('ProtocolError defaults to -32600 and accepts another code', () => {
    expect(new ProtocolError('unknown id').code).toBe(-32600);
    expect(new ProtocolError('bad progress', { code: -32602 }).code).toBe(-32602);
    expect(new ProtocolError('x').name).toBe('ProtocolError');
  });
});

describe('errorCodeName', () => {
  it('maps every named code and back', () => {
    for (const [name, code] of Object.entries(McpErrorCode)) expect(errorCodeName(code)).toBe(name);
  });

  it('covers the codes of @pmcp/types with the same names', () => {
    expect(Object.keys(ErrorCode).length).toBeGreaterThan(0);
    for (const [name, code] of Object.entries(ErrorCode)) expect(errorCodeName(code)).toBe(name);
  });

  it('names the local codes and returns undefined for unknown ones', () => {
    expect(errorCodeName(-32000)).toBe('ConnectionClosed');
    expect(errorCodeName(-32001)).toBe('RequestTimeout');
    expect(errorCodeName(-31999)).toBeUndefined();
    expect(errorCodeName(0)).toBeUndefined();
  });
});
