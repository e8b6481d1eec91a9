import { describe, expect, it } from 'vitest';
import { InvalidMessageError, McpError } from './errors.ts';
import type { JsonRpcMessage } from './messages.ts';
import {
  isJsonRpcErrorResponse,
  isJsonRpcNotification,
  isJsonRpcRequest,
  isJsonRpcResponse,
  isJsonRpcSuccessResponse,
  type ParseResult,
  parseJsonRpcMessage,
  serializeMessage,
  validateJsonRpcMessage,
} from './parse.ts';

function expectInvalid(result: ParseResult, code: number, id?: string | number): InvalidMessageError {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.error).toBeInstanceOf(InvalidMessageError);
  expect(result.error.code).toBe(code);
  expect(result.error.reply.error.code).toBe(code);
  expect(result.error.reply.jsonrpc).toBe('2.0');
  if (id === undefined) expect('id' in result.error.reply).toBe(false);
  else expect(result.error.reply.id).toBe(id);
  return result.error;
}

describe('parseJsonRpcMessage accepts', () => {
  const valid: [string, string][] = [
    ['a request with an integer id', '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'],
    [
      'a request with a string id and params',
      '{"jsonrpc":"2.0","id":"a-1","method":"tools/call","params":{"name":"x"}}',
    ],
    ['a request with id 0', '{"jsonrpc":"2.0","id":0,"method":"ping"}'],
    ['a request with a negative id', '{"jsonrpc":"2.0","id":-3,"method":"ping"}'],
    ['a notification', '{"jsonrpc":"2.0","method":"notifications/initialized"}'],
    [
      'a notification with params',
      '{"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}}',
    ],
    ['a success response', '{"jsonrpc":"2.0","id":7,"result":{}}'],
    ['an error response', '{"jsonrpc":"2.0","id":"x","error":{"code":-32601,"message":"Method not found"}}'],
    ['an error response without id', '{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"}}'],
    [
      'an error response with id null',
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}',
    ],
    ['unicode text', '{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"héllo 世界 🎉"}}'],
  ];
  for (const [name, text] of valid) {
    it(name, () => {
      const result = parseJsonRpcMessage(text);
      expect(result).toEqual({ ok: true, message: JSON.parse(text) });
    });
  }

  it('returns the parsed value itself from validateJsonRpcMessage', () => {
    const value = { jsonrpc: '2.0', id: 3, method: 'ping' };
    const result = validateJsonRpcMessage(value);
    expect(result.ok && result.message).toBe(value);
  });
});

describe('parseJsonRpcMessage rejects', () => {
  it('invalid JSON with -32700 and no id', () => {
    const error = expectInvalid(parseJsonRpcMessage('{"jsonrpc":"2.0","id":1,'), -32700);
    expect(error.message).toMatch(/not valid JSON/);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('an empty text with -32700', () => {
    expectInvalid(parseJsonRpcMessage(''), -32700);
  });

  it('a batch array with -32600 and says batching is not supported', () => {
    const error = expectInvalid(
      parseJsonRpcMessage(
        '[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping"}]',
      ),
      -32600,
    );
    expect(error.message).toMatch(/batch/i);
    expect(error.message).toMatch(/not supported/);
  });

  const nonObjects: [string, string][] = [
    ['a number', '42'],
    ['a string', '"hello"'],
    ['null', 'null'],
    ['a boolean', 'true'],
  ];
  for (const [name, text] of nonObjects) {
    it(`${name} with -32600`, () => {
      const error = expectInvalid(parseJsonRpcMessage(text), -32600);
      expect(error.message).toMatch(/must be a JSON object/);
    });
  }

  it('a missing or wrong jsonrpc, keeping a valid id', () => {
    expectInvalid(parseJsonRpcMessage('{"id":5,"method":"ping"}'), -32600, 5);
    const error = expectInvalid(
      parseJsonRpcMessage('{"jsonrpc":"1.0","id":"r","method":"ping"}'),
      -32600,
      'r',
    );
    expect(error.message).toContain('"2.0"');
    expectInvalid(parseJsonRpcMessage('{"jsonrpc":2,"id":1.5,"method":"ping"}'), -32600);
  });

  const badIds: [string, string][] = [
    ['null', 'null'],
    ['a boolean', 'true'],
    ['a float', '1.5'],
    ['an object', '{"a":1}'],
    ['an array', '[1]'],
  ];
  for (const [name, id] of badIds) {
    it(`a request whose id is ${name}, with -32600 and no id`, () => {
      const error = expectInvalid(
        parseJsonRpcMessage(`{"jsonrpc":"2.0","id":${id},"method":"ping"}`),
        -32600,
      );
      expect(error.message).toMatch(/id/);
    });
  }

  it('a non-string method', () => {
    expectInvalid(parseJsonRpcMessage('{"jsonrpc":"2.0","id":1,"method":5}'), -32600, 1);
  });

  it('a message that is neither request, notification nor response', () => {
    const error = expectInvalid(parseJsonRpcMessage('{"jsonrpc":"2.0","id":9}'), -32600, 9);
    expect(error.message).toMatch(/neither/);
  });

  it('a message with both method and result', () => {
    expectInvalid(parseJsonRpcMessage('{"jsonrpc":"2.0","id":1,"method":"x","result":{}}'), -32600, 1);
  });

  it('a response with both result and error', () => {
    expectInvalid(
      parseJsonRpcMessage('{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"x"}}'),
      -32600,
      1,
    );
  });

  it('a success response without a valid id', () => {
    expectInvalid(parseJsonRpcMessage('{"jsonrpc":"2.0","result":{}}'), -32600);
    expectInvalid(parseJsonRpcMessage('{"jsonrpc":"2.0","id":null,"result":{}}'), -32600);
  });

  it('a success response whose result is not an object', () => {
    expectInvalid(parseJsonRpcMessage('{"jsonrpc":"2.0","id":1,"result":42}'), -32600, 1);
    expectInvalid(parseJsonRpcMessage('{"jsonrpc":"2.0","id":1,"result":[1]}'), -32600, 1);
  });

  it('a malformed error object', () => {
    expectInvalid(parseJsonRpcMessage('{"jsonrpc":"2.0","id":1,"error":"boom"}'), -32600, 1);
    expectInvalid(
      parseJsonRpcMessage('{"jsonrpc":"2.0","id":1,"error":{"code":1.5,"message":"x"}}'),
      -32600,
      1,
    );
    expectInvalid(parseJsonRpcMessage('{"jsonrpc":"2.0","id":1,"error":{"code":1}}'), -32600, 1);
    expectInvalid(
      parseJsonRpcMessage('{"jsonrpc":"2.0","id":true,"error":{"code":1,"message":"x"}}'),
      -32600,
    );
  });

  const badParams: [string, string][] = [
    ['an array', '[1,2]'],
    ['a string', '"x"'],
    ['a number', '3'],
    ['null', 'null'],
  ];
  for (const [name, params] of badParams) {
    it(`params that are ${name}, with -32602 and the id echoed`, () => {
      const error = expectInvalid(
        parseJsonRpcMessage(`{"jsonrpc":"2.0","id":"q","method":"tools/call","params":${params}}`),
        -32602,
        'q',
      );
      expect(error.message).toContain('tools/call');
      expect(error.message).toMatch(/must be an object/);
    });
  }

  it('notification params that are not an object, with -32602 and no id', () => {
    expectInvalid(parseJsonRpcMessage('{"jsonrpc":"2.0","method":"notifications/x","params":[1]}'), -32602);
  });
});

describe('guards', () => {
  const request = { jsonrpc: '2.0', id: 1, method: 'ping' };
  const notification = { jsonrpc: '2.0', method: 'notifications/initialized' };
  const success = { jsonrpc: '2.0', id: 1, result: {} };
  const failure = { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'nope' } };

  it('classify each kind of message exactly once', () => {
    const guards = [
      isJsonRpcRequest,
      isJsonRpcNotification,
      isJsonRpcSuccessResponse,
      isJsonRpcErrorResponse,
    ];
    const messages = [request, notification, success, failure];
    messages.forEach((message, index) => {
      expect(guards.map((guard) => guard(message))).toEqual(guards.map((_, g) => g === index));
    });
    expect(messages.map(isJsonRpcResponse)).toEqual([false, false, true, true]);
  });

  it('reject non-messages', () => {
    for (const value of [
      null,
      undefined,
      42,
      'x',
      [request],
      { ...request, jsonrpc: '1.0' },
      { id: 1, method: 'x' },
    ]) {
      expect(isJsonRpcRequest(value)).toBe(false);
      expect(isJsonRpcNotification(value)).toBe(false);
      expect(isJsonRpcResponse(value)).toBe(false);
    }
    expect(isJsonRpcRequest({ ...request, id: null })).toBe(false);
    expect(isJsonRpcRequest({ ...request, id: 2.5 })).toBe(false);
  });
});

describe('serializeMessage', () => {
  it('writes JSON without a trailing newline, newlines in strings escaped', () => {
    const message: JsonRpcMessage = {
      jsonrpc: '2.0',
      method: 'notifications/message',
      params: { data: 'a\nb' },
    };
    const text = serializeMessage(message);
    expect(text).toBe('{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"a\\nb"}}');
    expect(text.includes('\n')).toBe(false);
  });

  it('throws an McpError naming the message when it cannot serialize', () => {
    const params: Record<string, unknown> = { big: 1n };
    expect(() => serializeMessage({ jsonrpc: '2.0', id: 1, method: 'tools/call', params })).toThrow(McpError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => serializeMessage({ jsonrpc: '2.0', id: 4, result: cyclic })).toThrow(/response to 4/);
  });
});
