import { describe, expect, it } from 'vitest';
import { type HeaderParam, mcpHeadersFor, validateHeaderAnnotations } from './mcp-headers.ts';

const property = (schema: Record<string, unknown>) => ({ type: 'object', properties: { value: schema } });

describe('validateHeaderAnnotations', () => {
  it('collects annotated string, integer and boolean properties, nested only through properties', () => {
    const checked = validateHeaderAnnotations({
      type: 'object',
      properties: {
        region: { type: 'string', 'x-mcp-header': 'Region' },
        options: {
          type: 'object',
          properties: { limit: { type: ['integer', 'null'], 'x-mcp-header': 'Limit' } },
        },
        dry: { type: 'boolean', 'x-mcp-header': "Dry-Run_v2.!#$%&'*+^`|~" },
        query: { type: 'string' },
        'x-mcp-header': { type: 'string' },
      },
    });
    expect(checked).toEqual({
      ok: true,
      params: [
        { header: 'Region', path: ['region'], types: ['string'] },
        { header: 'Limit', path: ['options', 'limit'], types: ['integer', 'null'] },
        { header: "Dry-Run_v2.!#$%&'*+^`|~", path: ['dry'], types: ['boolean'] },
      ],
    });
    expect(validateHeaderAnnotations({ type: 'object' })).toEqual({ ok: true, params: [] });
    expect(validateHeaderAnnotations(undefined)).toEqual({ ok: true, params: [] });
  });

  // The invalid tools of the conformance suite's http-invalid-tool-headers scenario, and the spec's other rules.
  it.each([
    ['an empty name', property({ type: 'string', 'x-mcp-header': '' }), 'empty'],
    ['an object property', property({ type: 'object', 'x-mcp-header': 'Data' }), 'only "string"'],
    [
      'an array property',
      property({ type: 'array', items: { type: 'string' }, 'x-mcp-header': 'Items' }),
      'only',
    ],
    ['a null property', property({ type: 'null', 'x-mcp-header': 'Nil' }), 'only'],
    ['a number property', property({ type: 'number', 'x-mcp-header': 'Price' }), 'only'],
    ['a property without type', property({ 'x-mcp-header': 'Any' }), 'only'],
    ['a space in the name', property({ type: 'string', 'x-mcp-header': 'My Region' }), 'not an HTTP token'],
    [
      'a colon in the name',
      property({ type: 'string', 'x-mcp-header': 'Region:Primary' }),
      'not an HTTP token',
    ],
    ['a non-ASCII name', property({ type: 'string', 'x-mcp-header': 'Région' }), 'not an HTTP token'],
    ['a control character', property({ type: 'string', 'x-mcp-header': 'Region\t1' }), 'not an HTTP token'],
    ['a name that is not a string', property({ type: 'string', 'x-mcp-header': 7 }), 'must be a string'],
    [
      'an unsafe integer const',
      property({ type: 'integer', const: 2 ** 60, 'x-mcp-header': 'Big' }),
      'safe range',
    ],
    [
      'an unsafe integer in enum',
      property({ type: 'integer', enum: [1, -(2 ** 60)], 'x-mcp-header': 'Big' }),
      'safe',
    ],
    ['an annotation on the root', { type: 'object', 'x-mcp-header': 'Root' }, 'root'],
    [
      'an annotation under items',
      property({ type: 'array', items: { type: 'string', 'x-mcp-header': 'Item' } }),
      'not reachable',
    ],
    [
      'an annotation under anyOf',
      property({ anyOf: [{ type: 'string', 'x-mcp-header': 'Choice' }] }),
      'not reachable',
    ],
    [
      'an annotation in $defs (reached by $ref)',
      {
        type: 'object',
        properties: { a: { $ref: '#/$defs/a' } },
        $defs: { a: { type: 'string', 'x-mcp-header': 'A' } },
      },
      'not reachable',
    ],
    [
      'an annotation under additionalProperties',
      { type: 'object', additionalProperties: { type: 'string', 'x-mcp-header': 'Extra' } },
      'not reachable',
    ],
    [
      'properties below an unreachable keyword',
      { type: 'object', if: { properties: { a: { type: 'string', 'x-mcp-header': 'A' } } } },
      'not reachable',
    ],
  ])('rejects %s', (_name, schema, reason) => {
    const checked = validateHeaderAnnotations(schema);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.reason).toContain(reason);
  });

  it('rejects names that repeat ignoring case', () => {
    const same = validateHeaderAnnotations({
      type: 'object',
      properties: {
        field1: { type: 'string', 'x-mcp-header': 'MyField' },
        field2: { type: 'string', 'x-mcp-header': 'myfield' },
      },
    });
    expect(same.ok).toBe(false);
    expect(!same.ok && same.reason).toContain('unique ignoring case');
  });
});

describe('mcpHeadersFor', () => {
  const params: ReadonlyMap<string, readonly HeaderParam[]> = new Map([
    [
      'route',
      [
        { header: 'Region', path: ['region'], types: ['string'] },
        { header: 'Limit', path: ['options', 'limit'], types: ['integer'] },
        { header: 'Dry', path: ['dry'], types: ['boolean'] },
        { header: 'Method', path: ['method_val'], types: ['string'] },
      ],
    ],
  ]);

  it('sets Mcp-Method always and Mcp-Name for tools/call, prompts/get and resources/read', () => {
    expect(mcpHeadersFor({ jsonrpc: '2.0', id: 1, method: 'tools/list' })).toEqual({
      ok: true,
      headers: { 'Mcp-Method': 'tools/list' },
    });
    expect(mcpHeadersFor({ jsonrpc: '2.0', method: 'notifications/cancelled' })).toEqual({
      ok: true,
      headers: { 'Mcp-Method': 'notifications/cancelled' },
    });
    expect(
      mcpHeadersFor({ jsonrpc: '2.0', id: 1, method: 'prompts/get', params: { name: 'greet' } }),
    ).toEqual({
      ok: true,
      headers: { 'Mcp-Method': 'prompts/get', 'Mcp-Name': 'greet' },
    });
    expect(
      mcpHeadersFor({ jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri: 'file:///a b/ü' } }),
    ).toEqual({
      ok: true,
      headers: { 'Mcp-Method': 'resources/read', 'Mcp-Name': '=?base64?ZmlsZTovLy9hIGIvw7w=?=' },
    });
  });

  it('mirrors annotated arguments that have a value, and omits null and missing ones', () => {
    const built = mcpHeadersFor(
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name: 'route',
          arguments: { region: 'Hello, 世界', options: { limit: -7 }, dry: null, method_val: 'x' },
        },
      },
      params,
    );
    expect(built).toEqual({
      ok: true,
      headers: {
        'Mcp-Method': 'tools/call',
        'Mcp-Name': 'route',
        'Mcp-Param-Region': '=?base64?SGVsbG8sIOS4lueVjA==?=',
        'Mcp-Param-Limit': '-7',
        'Mcp-Param-Method': 'x',
      },
    });
    expect(
      mcpHeadersFor({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'route' } }, params),
    ).toEqual({
      ok: true,
      headers: { 'Mcp-Method': 'tools/call', 'Mcp-Name': 'route' },
    });
    expect(
      mcpHeadersFor(
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'other', arguments: { region: 'x' } },
        },
        params,
      ),
    ).toEqual({
      ok: true,
      headers: { 'Mcp-Method': 'tools/call', 'Mcp-Name': 'other' },
    });
  });

  it('refuses arguments that cannot be mirrored, and a call without a name, saying what is wrong', () => {
    const call = (args: Record<string, unknown>) =>
      mcpHeadersFor(
        { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'route', arguments: args } },
        params,
      );
    const unsafe = call({ options: { limit: 2 ** 53 } });
    expect(!unsafe.ok && unsafe.reason).toContain('Mcp-Param-Limit');
    const object = call({ region: { nested: true } });
    expect(!object.ok && object.reason).toContain('got object');
    const array = call({ region: ['a'] });
    expect(!array.ok && array.reason).toContain('an array');
    const nameless = mcpHeadersFor({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: {} });
    expect(!nameless.ok && nameless.reason).toContain('params.name');
  });
});
