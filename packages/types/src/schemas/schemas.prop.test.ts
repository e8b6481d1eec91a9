// Properties of the zod schemas over generated input: unknown keys pass through untouched, and no input, however
// malformed, makes a schema throw instead of reporting issues.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as schemas from './index.ts';

const examplesDir = new URL('../../../../spec/2026-07-28/examples/', import.meta.url).pathname;
const schemaByName: Record<string, unknown> = schemas;
const definitions: Record<string, { properties?: object }> = JSON.parse(
  readFileSync(new URL('../../../../spec/2026-07-28/schema.json', import.meta.url), 'utf8'),
).$defs;
// Examples of object types with named fields; maps such as `InputResponses` constrain every key, so they are out.
const objectTypes = readdirSync(examplesDir).filter((type) => definitions[type]?.properties !== undefined);
const objectExamples = objectTypes.flatMap((type) =>
  readdirSync(join(examplesDir, type)).map((file) => ({
    schema: schemaByName[`${type}Schema`] as z.ZodType,
    value: JSON.parse(readFileSync(join(examplesDir, type, file), 'utf8')) as Record<string, unknown>,
  })),
);
const allSchemas = Object.values(schemaByName) as z.ZodType[];
// Extension-style keys cannot collide with a protocol field.
const extensionKey = fc.stringMatching(/^com\.example\/[a-z][a-zA-Z0-9]{0,12}$/);

describe('zod schemas (property)', () => {
  it('keep unknown keys of any example', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...objectExamples),
        extensionKey,
        fc.jsonValue(),
        ({ schema, value }, key, extra) => {
          const withExtra = { ...value, [key]: extra };
          const result = schema.safeParse(withExtra);
          expect(result.success).toBe(true);
          expect(result.data).toEqual(withExtra);
        },
      ),
      { numRuns: 300, interruptAfterTimeLimit: 10_000 },
    );
  });

  it('report issues for arbitrary input instead of throwing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...allSchemas), fc.jsonValue({ maxDepth: 4 }), (schema, input) => {
        const result = schema.safeParse(input);
        if (!result.success) expect(result.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 500, interruptAfterTimeLimit: 10_000 },
    );
  });
});
