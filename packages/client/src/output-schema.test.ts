import { describe, expect, it } from 'vitest';
import { compileOutputSchema } from './output-schema.ts';

describe('compileOutputSchema', () => {
  const person = {
    type: 'object',
    properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } },
    required: ['name'],
    additionalProperties: false,
  };

  it('accepts a matching value', () => {
    expect(compileOutputSchema(person).check({ name: 'Ada', age: 36 })).toEqual({ ok: true });
  });

  it('reports the failing leaves with JSON Pointer paths, not the enclosing keywords', () => {
    const check = compileOutputSchema(person).check({ age: -1, extra: true });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    const paths = check.issues.map((issue) => issue.path);
    expect(paths).toContain('/age');
    expect(check.issues.some((issue) => issue.message.includes('name'))).toBe(true);
    expect(check.issues.every((issue) => !issue.message.includes('subschema had errors'))).toBe(true);
  });

  it('defaults to 2020-12 (prefixItems) and honours an explicit draft-07 $schema (array items)', () => {
    const modern = compileOutputSchema({ type: 'array', prefixItems: [{ type: 'number' }], items: false });
    expect(modern.check([1]).ok).toBe(true);
    expect(modern.check([1, 2]).ok).toBe(false);
    const draft7 = compileOutputSchema({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'array',
      items: [{ type: 'number' }],
      additionalItems: false,
    });
    expect(draft7.check([1]).ok).toBe(true);
    expect(draft7.check([1, 'x']).ok).toBe(false);
  });

  it('resolves local $ref and $defs', () => {
    const validator = compileOutputSchema({
      $defs: { point: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] } },
      type: 'array',
      items: { $ref: '#/$defs/point' },
    });
    expect(validator.check([{ x: 1 }]).ok).toBe(true);
    expect(validator.check([{ y: 1 }]).ok).toBe(false);
  });

  it('never fetches a network $ref: it reports the schema as unusable instead', () => {
    const check = compileOutputSchema({ $ref: 'https://example.invalid/schema.json' }).check({});
    expect(check).toMatchObject({
      ok: false,
      issues: [{ path: '', message: expect.stringContaining('cannot be used') }],
    });
  });

  it('validates non-object roots (2026 allows any JSON Schema)', () => {
    expect(compileOutputSchema({ type: 'string' }).check('x').ok).toBe(true);
    expect(compileOutputSchema({ type: 'string' }).check(3).ok).toBe(false);
  });

  it('leaves the schema object untouched', () => {
    const schema = {
      type: 'object',
      properties: { a: { $ref: '#/$defs/a' } },
      $defs: { a: { type: 'string' } },
    };
    const before = JSON.stringify(schema);
    compileOutputSchema(schema).check({ a: 'x' });
    expect(JSON.stringify(schema)).toBe(before);
    expect(Object.getOwnPropertyNames(schema.properties.a)).toEqual(['$ref']);
  });
});
