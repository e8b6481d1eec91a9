// Every official example of spec/2026-07-28/examples parses with the zod schema of its folder's type, and (as a check
// on the test itself) validates against that type in the official JSON Schema.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as schemas from './index.ts';

const revisionDir = new URL('../../../../spec/2026-07-28/', import.meta.url);
const examplesDir = new URL('examples/', revisionDir);
const jsonSchema = JSON.parse(readFileSync(new URL('schema.json', revisionDir), 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(jsonSchema, 'mcp');

const schemaByName: Record<string, unknown> = schemas;
const folders = readdirSync(examplesDir).sort();

describe('spec/2026-07-28/examples', () => {
  it('has example folders to check', () => {
    expect(folders.length).toBeGreaterThan(50);
  });

  for (const folder of folders) {
    const files = readdirSync(join(examplesDir.pathname, folder)).filter((f) => f.endsWith('.json'));
    describe(folder, () => {
      const schema = schemaByName[`${folder}Schema`] as z.ZodType | undefined;
      it(`has a ${folder}Schema in @pmcp/types/schemas`, () => {
        expect(schema, `no ${folder}Schema is exported for the example folder ${folder}`).toBeDefined();
      });
      for (const file of files) {
        const example: unknown = JSON.parse(readFileSync(join(examplesDir.pathname, folder, file), 'utf8'));
        it(`${file} parses with ${folder}Schema`, () => {
          const result = schema?.safeParse(example);
          expect(result?.error?.issues ?? []).toEqual([]);
          expect(result?.data).toEqual(example);
        });
        it(`${file} validates against $defs/${folder}`, () => {
          const validate = ajv.getSchema(`mcp#/$defs/${folder}`);
          expect(validate, `spec/2026-07-28/schema.json has no $defs/${folder}`).toBeDefined();
          const valid = validate?.(example);
          expect(validate?.errors ?? []).toEqual([]);
          expect(valid).toBe(true);
        });
      }
    });
  }
});
