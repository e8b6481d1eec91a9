/**
 * Tool schemas: any Standard Schema (zod, valibot, arktype, ...) or a plain JSON Schema object, turned once,
 * at registration, into the JSON Schema published by `tools/list` plus a validator used on every call.
 */
import { type OutputUnit, type SchemaDraft, Validator } from '@cfworker/json-schema';
import type { StandardJSONSchemaV1, StandardSchemaV1, StandardTypedV1 } from '@standard-schema/spec';

/**
 * A plain JSON Schema document (2020-12 unless its `$schema` names another draft).
 *
 * @example
 * ```ts
 * import type { JsonSchemaObject } from '@pmcp/server';
 *
 * const input: JsonSchemaObject = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#json-schema-usage
 */
export type JsonSchemaObject = { [key: string]: unknown };

/**
 * What a tool accepts as its `input` or `output` schema: a Standard Schema (validated through
 * `~standard.validate`, published through `~standard.jsonSchema`) or a plain JSON Schema object (2020-12 unless its
 * `$schema` names another draft).
 *
 * @example
 * ```ts
 * import type { ToolSchema } from '@pmcp/server';
 * import { z } from 'zod';
 *
 * const fromZod: ToolSchema = z.object({ city: z.string() });
 * const plain: ToolSchema = { type: 'object', properties: { city: { type: 'string' } } };
 * ```
 * @see https://standardschema.dev
 */
export type ToolSchema = StandardSchemaV1 | StandardJSONSchemaV1 | JsonSchemaObject;

/** One problem found in a value: where (`a.b[0]`, empty for the value itself) and what. */
export interface SchemaIssue {
  path: string;
  message: string;
}

/** Validation outcome: the (possibly transformed) value, or what is wrong with it. */
export type SchemaValidation = { ok: true; value: unknown } | { ok: false; issues: SchemaIssue[] };

/** A schema ready for use: its JSON Schema form and a validator. */
export interface CompiledSchema {
  readonly jsonSchema: JsonSchemaObject;
  validate(value: unknown): SchemaValidation | Promise<SchemaValidation>;
}

type StandardProps = Partial<StandardSchemaV1.Props & StandardJSONSchemaV1.Props> & StandardTypedV1.Props;

function standardPropsOf(schema: unknown): StandardProps | undefined {
  if ((typeof schema !== 'object' && typeof schema !== 'function') || schema === null) return undefined;
  if (!('~standard' in schema)) return undefined;
  const props = (schema as { '~standard': unknown })['~standard'];
  return typeof props === 'object' && props !== null ? (props as StandardProps) : undefined;
}

/** Whether a value implements Standard Schema or Standard JSON Schema (as opposed to being plain JSON Schema). */
export function isStandardSchema(schema: unknown): schema is StandardSchemaV1 | StandardJSONSchemaV1 {
  return standardPropsOf(schema) !== undefined;
}

function errorMessageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A JSON round trip: proves the schema is plain JSON and detaches it from the caller's (mutable) object. */
function toPlainJson(value: unknown, label: string): JsonSchemaObject {
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(value));
  } catch (error) {
    throw new TypeError(`${label} is not plain JSON: ${errorMessageOf(error)}`, { cause: error });
  }
  if (typeof copy !== 'object' || copy === null || Array.isArray(copy)) {
    throw new TypeError(`${label} must be a JSON Schema object, got ${describeJsonType(copy)}`);
  }
  return copy as JsonSchemaObject;
}

/**
 * Compiles a tool's `input` or `output` schema. Throws a `TypeError` naming `label` when the schema cannot be used,
 * because a tool whose schema cannot be published must fail at registration, not on its first call.
 */
export function compileSchema(
  schema: ToolSchema,
  direction: 'input' | 'output',
  label: string,
): CompiledSchema {
  const standard = standardPropsOf(schema);
  if (standard === undefined) {
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      throw new TypeError(
        `${label} must be a Standard Schema (zod, valibot, arktype, ...) or a JSON Schema object, got ${describeJsonType(schema)}`,
      );
    }
    const jsonSchema = toPlainJson(schema, label);
    return { jsonSchema, validate: createJsonSchemaValidator(jsonSchema) };
  }

  const converter = standard.jsonSchema?.[direction];
  if (typeof converter !== 'function') {
    throw new TypeError(
      `${label} is a Standard Schema from "${standard.vendor}" that cannot describe itself as JSON Schema ` +
        '(it lacks the Standard JSON Schema interface, "~standard.jsonSchema"). Use a schema library version ' +
        'that implements it (zod 4.2 or later does), or pass a plain JSON Schema object instead.',
    );
  }
  let generated: unknown;
  try {
    generated = converter({ target: 'draft-2020-12' });
  } catch (error) {
    throw new TypeError(`${label} cannot be converted to JSON Schema: ${errorMessageOf(error)}`, {
      cause: error,
    });
  }
  const jsonSchema = toPlainJson(generated, label);
  const standardValidate = standard.validate;
  if (typeof standardValidate !== 'function') {
    // A schema that only describes itself is still enforceable through the JSON Schema it produced.
    return { jsonSchema, validate: createJsonSchemaValidator(jsonSchema) };
  }
  return {
    jsonSchema,
    validate(value) {
      const result = standardValidate(value);
      return result instanceof Promise ? result.then(fromStandardResult) : fromStandardResult(result);
    },
  };
}

function fromStandardResult(result: StandardSchemaV1.Result<unknown>): SchemaValidation {
  if (result.issues === undefined) return { ok: true, value: result.value };
  return {
    ok: false,
    issues: result.issues.map((issue) => ({
      path: formatPath(
        (issue.path ?? []).map((segment) => (typeof segment === 'object' ? segment.key : segment)),
      ),
      message: issue.message,
    })),
  };
}

function draftOf(schema: JsonSchemaObject): SchemaDraft {
  const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (declared.includes('draft-04')) return '4';
  if (declared.includes('draft-07')) return '7';
  if (declared.includes('2019-09')) return '2019-09';
  return '2020-12';
}

/** Validates with @cfworker/json-schema: no code generation, so it runs in Workers and under strict CSP. */
export function createJsonSchemaValidator(
  jsonSchema: JsonSchemaObject,
): (value: unknown) => SchemaValidation {
  // The validator annotates the schema it is given (resolved `$ref`s), so it gets its own copy.
  const validator = new Validator(structuredClone(jsonSchema), draftOf(jsonSchema), false);
  return (value) => {
    const result = validator.validate(value);
    return result.valid ? { ok: true, value } : { ok: false, issues: issuesFromOutputUnits(result.errors) };
  };
}

// Keywords whose error only says "something below failed"; the errors below say what.
const SUMMARY_KEYWORDS: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'properties',
  'patternProperties',
  'additionalProperties',
  'unevaluatedProperties',
  'items',
  'prefixItems',
  'additionalItems',
  'unevaluatedItems',
  '$ref',
  '$recursiveRef',
  '$dynamicRef',
  'dependentSchemas',
  'dependencies',
  'allOf',
  'if',
  'then',
  'else',
  'contains',
]);

function issuesFromOutputUnits(units: readonly OutputUnit[]): SchemaIssue[] {
  const propertyParents = new Set(
    units
      .filter((unit) =>
        ['properties', 'additionalProperties', 'unevaluatedProperties'].includes(unit.keyword),
      )
      .map((unit) => unit.instanceLocation),
  );
  const issues: SchemaIssue[] = [];
  for (const unit of units) {
    if (SUMMARY_KEYWORDS.has(unit.keyword)) continue;
    const segments = pointerSegments(unit.instanceLocation);
    if (unit.keyword === 'false') {
      const parent = unit.instanceLocation.slice(0, unit.instanceLocation.lastIndexOf('/'));
      const message = propertyParents.has(parent) ? 'unexpected property' : 'not allowed by the schema';
      issues.push({ path: formatPath(segments), message });
      continue;
    }
    if (unit.keyword === 'required') {
      const missing = /required property "(.*)"/.exec(unit.error)?.[1];
      if (missing !== undefined) {
        issues.push({ path: formatPath([...segments, missing]), message: 'required' });
        continue;
      }
    }
    if (unit.keyword === 'type') {
      const match = /Instance type "(.*)" is invalid\. Expected (.*)\.$/.exec(unit.error);
      if (match) {
        const expected = (match[2] ?? '').replaceAll('"', '').replaceAll(',', ' or');
        issues.push({ path: formatPath(segments), message: `expected ${expected}, received ${match[1]}` });
        continue;
      }
    }
    issues.push({
      path: formatPath(segments),
      message: unit.error.replace(/^Instance /, '').replace(/\.$/, ''),
    });
  }
  if (issues.length === 0 && units[0] !== undefined) {
    issues.push({ path: formatPath(pointerSegments(units[0].instanceLocation)), message: units[0].error });
  }
  return issues;
}

function pointerSegments(location: string): string[] {
  const pointer = location.startsWith('#') ? location.slice(1) : location;
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => decodeURIComponent(segment).replaceAll('~1', '/').replaceAll('~0', '~'));
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `['a', 0, 'b c']` → `a[0]["b c"]`: readable by people and by models. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number' || (typeof segment === 'string' && /^\d+$/.test(segment))) {
      path += `[${String(segment)}]`;
    } else if (typeof segment === 'string' && IDENTIFIER.test(segment)) {
      path += path === '' ? segment : `.${segment}`;
    } else {
      path += `[${JSON.stringify(String(segment))}]`;
    }
  }
  return path;
}

/** The JSON type name of a value, for messages. */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isInteger(value)) return 'integer';
  return typeof value;
}
