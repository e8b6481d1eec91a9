import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileSchema, formatPath, isStandardSchema } from './schema.ts';

describe('compileSchema', () => {
  it('uses the Standard JSON Schema interface of zod for input and output', async () => {
    const schema = z.object({ n: z.string().transform((text) => text.length) });
    const input = compileSchema(schema, 'input', 'input');
    expect(input.jsonSchema).toMatchObject({ type: 'object', properties: { n: { type: 'string' } } });
    expect(await input.validate({ n: 'abc' })).toEqual({ ok: true, value: { n: 3 } });
    expect(() => compileSchema(schema, 'output', 'the output')).toThrow(
      'the output cannot be converted to JSON Schema: Transforms cannot be represented in JSON Schema',
    );
  });

  it('awaits asynchronous Standard Schema validation', async () => {
    const schema = z.object({
      id: z.string().refine(async (id) => id.startsWith('u-'), 'must start with u-'),
    });
    const compiled = compileSchema(schema, 'input', 'input');
    expect(await compiled.validate({ id: 'x' })).toEqual({
      ok: false,
      issues: [{ path: 'id', message: 'must start with u-' }],
    });
  });

  it('validates through the generated JSON Schema when a schema has no validate function', () => {
    const describedOnly = {
      '~standard': {
        version: 1 as const,
        vendor: 'describer',
        jsonSchema: { input: () => ({ type: 'object', required: ['a'] }), output: () => ({}) },
      },
    };
    const compiled = compileSchema(describedOnly, 'input', 'input');
    expect(compiled.validate({})).toEqual({ ok: false, issues: [{ path: 'a', message: 'required' }] });
    expect(compiled.validate({ a: 1 })).toEqual({ ok: true, value: { a: 1 } });
  });

  it('refuses values that are neither Standard Schema nor JSON Schema objects', () => {
    expect(() => compileSchema('string' as never, 'input', 'x')).toThrow(/got string/);
    expect(() => compileSchema(null as never, 'input', 'x')).toThrow(/got null/);
  });

  it('honours an older draft named in $schema', () => {
    const draft07 = compileSchema(
      {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { list: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] } },
      },
      'input',
      'x',
    );
    expect(draft07.validate({ list: ['a', 1] })).toMatchObject({ ok: true });
    expect(draft07.validate({ list: [1, 'a'] })).toMatchObject({ ok: false });
  });

  it('explains false schemas and nested failures without summary noise', () => {
    const compiled = compileSchema(
      {
        type: 'object',
        properties: {
          forbidden: false,
          deep: { type: 'object', properties: { x: { type: ['string', 'null'] } } },
        },
      },
      'input',
      'x',
    );
    expect(compiled.validate({ forbidden: 1, deep: { x: 2 } })).toEqual({
      ok: false,
      issues: [
        { path: 'forbidden', message: 'unexpected property' },
        { path: 'deep.x', message: 'expected string or null, received number' },
      ],
    });
  });
});

describe('isStandardSchema', () => {
  it('tells Standard Schemas (objects or functions) from JSON Schema', () => {
    const callable = Object.assign(() => {}, {
      '~standard': { version: 1, vendor: 'fn', validate: () => ({}) },
    });
    expect(isStandardSchema(z.string())).toBe(true);
    expect(isStandardSchema(callable)).toBe(true);
    expect(isStandardSchema({ type: 'object' })).toBe(false);
    expect(isStandardSchema(null)).toBe(false);
  });
});

describe('formatPath', () => {
  it('formats identifiers, indexes and odd keys', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['a', 0, 'b'])).toBe('a[0].b');
    expect(formatPath(['a b', '7', Symbol.for('s')])).toBe('["a b"][7]["Symbol(s)"]');
  });
});
