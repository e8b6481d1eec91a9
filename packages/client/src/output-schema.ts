/**
 * Checks a tool's `structuredContent` against its `outputSchema` (JSON Schema, 2020-12 unless `$schema` says
 * otherwise) with @cfworker/json-schema, which interprets schemas without `eval` and never fetches a `$ref`.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/tools#output-schema
 */
import { type OutputUnit, type SchemaDraft, Validator } from '@cfworker/json-schema';
import type { JsonObject } from './request-meta.ts';

/**
 * One reason a tool's `structuredContent` does not match its `outputSchema`; found in `error.data.issues` of the
 * `McpError` that `callTool` throws.
 *
 * @example
 * ```ts
 * import type { SchemaIssue } from '@pmcp/client';
 * try {
 *   await client.callTool('weather', { city: 'Paris' });
 * } catch (error) {
 *   const { issues } = (error as { data: { issues: SchemaIssue[] } }).data;
 *   for (const issue of issues) console.error(issue.path || '(root)', issue.message);
 * }
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/tools#output-schema
 */
export interface SchemaIssue {
  /** JSON Pointer into the value, `''` for the root. */
  path: string;
  message: string;
}

/** The outcome of a validation: data, not an exception. */
export type SchemaCheck = { ok: true } | { ok: false; issues: SchemaIssue[] };

/** A compiled `outputSchema`, reusable across calls of the same tool. */
export interface OutputValidator {
  check(value: unknown): SchemaCheck;
}

const draftBySchemaUri: ReadonlyArray<readonly [string, SchemaDraft]> = [
  ['draft-04', '4'],
  ['draft-06', '7'],
  ['draft-07', '7'],
  ['2019-09', '2019-09'],
];

/** Compiles a schema once; a schema the validator cannot use reports that as the issue on every check. */
export function compileOutputSchema(schema: JsonObject): OutputValidator {
  let validator: Validator;
  try {
    // The validator annotates the schema objects it is given; the clone keeps the tool definition untouched.
    validator = new Validator(structuredClone(schema), draftOf(schema), false);
  } catch (error) {
    return unusable(error);
  }
  return {
    check(value) {
      try {
        const result = validator.validate(value);
        return result.valid ? { ok: true } : { ok: false, issues: mostSpecific(result.errors) };
      } catch (error) {
        return unusable(error).check(value);
      }
    },
  };
}

function draftOf(schema: JsonObject): SchemaDraft {
  const uri = typeof schema.$schema === 'string' ? schema.$schema : '';
  for (const [marker, draft] of draftBySchemaUri) if (uri.includes(marker)) return draft;
  return '2020-12';
}

function unusable(error: unknown): OutputValidator {
  const reason = error instanceof Error ? error.message : String(error);
  const issues = [{ path: '', message: `the outputSchema cannot be used for validation: ${reason}` }];
  return { check: () => ({ ok: false, issues }) };
}

/**
 * The validator reports every enclosing keyword ("a subschema had errors") along with the leaf that failed;
 * only the leaves tell the reader what to fix.
 */
function mostSpecific(units: readonly OutputUnit[]): SchemaIssue[] {
  const leaves = units.filter(
    (unit) =>
      !units.some((other) => other !== unit && other.keywordLocation.startsWith(`${unit.keywordLocation}/`)),
  );
  return (leaves.length > 0 ? leaves : units).map((unit) => ({
    path: unit.instanceLocation.replace(/^#/, ''),
    message: unit.error,
  }));
}
