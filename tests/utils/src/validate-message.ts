/**
 * Validation of one whole JSON-RPC message against the official JSON Schema of an MCP revision
 * (spec/<revision>/schema.json), loaded and compiled once per revision on first use.
 */
import { readFileSync } from 'node:fs';
import type { ProtocolVersion } from '@pmcp/types';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@pmcp/types';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** The outcome of a validation: `errors` say which definition failed where, one line each. */
export type ValidationResult = { ok: true } | { ok: false; errors: string[] };

/** Which side sent a message: a method the other side's union lists (a server sending `tools/call`) is an error. */
export type MessageSender = 'client' | 'server';

/** What the message alone does not tell. */
export interface ValidationHint {
  /** The method of the request a success response answers; required for success responses. */
  method?: string;
  /** Who sent the message; when given, its method must be one that side may send in this revision. */
  sender?: MessageSender;
}

interface JsonSchemaDefinition {
  properties?: Record<string, { const?: unknown; allOf?: { properties?: { code?: { const?: unknown } } }[] }>;
  anyOf?: { $ref?: string }[];
}

interface RevisionValidator {
  revision: ProtocolVersion;
  definitions: Record<string, JsonSchemaDefinition>;
  /** method → request definition name, per sending side. */
  requests: Record<MessageSender, Map<string, string>>;
  notifications: Record<MessageSender, Map<string, string>>;
  /** error code → the definition of an error response that pins that code (e.g. -32022 UnsupportedProtocolVersion). */
  errorsByCode: Map<number, string>;
  /** Validates `value` (found at `pathPrefix` in the message) against a definition of this revision. */
  validate(definition: string, value: unknown, pathPrefix?: string): Problem[];
}

const MAX_ERRORS = 12;
const validators = new Map<ProtocolVersion, RevisionValidator>();

function isSupported(revision: unknown): revision is ProtocolVersion {
  return (SUPPORTED_PROTOCOL_VERSIONS as readonly unknown[]).includes(revision);
}

interface Problem {
  definition: string;
  /** JSON pointer into the whole message. */
  path: string;
  message: string;
}

function toProblem(definition: string, error: ErrorObject, pathPrefix: string): Problem {
  const params = error.params as Record<string, unknown>;
  let detail = '';
  if ('allowedValue' in params) detail = ` (${JSON.stringify(params.allowedValue)})`;
  else if ('allowedValues' in params) detail = ` (${JSON.stringify(params.allowedValues)})`;
  return {
    definition,
    path: `${pathPrefix}${error.instancePath}`,
    message: `${error.message ?? error.keyword}${detail}`,
  };
}

function format(problem: Problem): string {
  return problem.definition ? `${problem.definition}${problem.path}: ${problem.message}` : problem.message;
}

/** The envelope's problems that a more specific definition reports too are noise. */
function merge(envelope: Problem[], specific: Problem[]): Problem[] {
  const seen = new Set(specific.map((p) => `${p.path}\n${p.message}`));
  return [...envelope.filter((p) => !seen.has(`${p.path}\n${p.message}`)), ...specific];
}

function problem(message: string): Problem {
  return { definition: '', path: '', message };
}

function definitionName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** The method → definition index of a union such as `ClientRequest` (or a single definition, as 2026's `ClientNotification`). */
function methodIndex(definitions: Record<string, JsonSchemaDefinition>, union: string): Map<string, string> {
  const index = new Map<string, string>();
  const root = definitions[union];
  if (!root) return index;
  const members = root.anyOf ? root.anyOf.map((m) => definitionName(m.$ref ?? '')) : [union];
  for (const member of members) {
    const method = definitions[member]?.properties?.method?.const;
    if (typeof method === 'string') index.set(method, member);
  }
  return index;
}

function loadRevision(revision: ProtocolVersion): RevisionValidator {
  const url = new URL(`../../../spec/${revision}/schema.json`, import.meta.url);
  const schema = JSON.parse(readFileSync(url, 'utf8')) as {
    $schema?: string;
    $defs?: Record<string, JsonSchemaDefinition>;
    definitions?: Record<string, JsonSchemaDefinition>;
  };
  const definitions = schema.$defs ?? schema.definitions ?? {};
  const pointer = schema.$defs ? '$defs' : 'definitions';
  // The draft decides the keyword semantics: 2025-11-25 and later are 2020-12, earlier revisions draft-07.
  const ajv = schema.$schema?.includes('2020-12')
    ? new Ajv2020({ strict: false, allErrors: true })
    : new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(schema, revision);
  const compiled = new Map<string, ValidateFunction>();

  const errorsByCode = new Map<number, string>();
  for (const [name, definition] of Object.entries(definitions)) {
    for (const part of definition.properties?.error?.allOf ?? []) {
      const code = part.properties?.code?.const;
      if (typeof code === 'number') errorsByCode.set(code, name);
    }
  }

  return {
    revision,
    definitions,
    requests: {
      client: methodIndex(definitions, 'ClientRequest'),
      server: methodIndex(definitions, 'ServerRequest'),
    },
    notifications: {
      client: methodIndex(definitions, 'ClientNotification'),
      server: methodIndex(definitions, 'ServerNotification'),
    },
    errorsByCode,
    validate(definition, value, pathPrefix = '') {
      let validate = compiled.get(definition);
      if (!validate) {
        validate = ajv.getSchema(`${revision}#/${pointer}/${definition}`);
        if (!validate) return [problem(`spec/${revision}/schema.json has no definition ${definition}`)];
        compiled.set(definition, validate);
      }
      if (validate(value)) return [];
      return (validate.errors ?? []).slice(0, MAX_ERRORS).map((e) => toProblem(definition, e, pathPrefix));
    },
  };
}

function validatorFor(revision: ProtocolVersion): RevisionValidator {
  let validator = validators.get(revision);
  if (!validator) {
    validator = loadRevision(revision);
    validators.set(revision, validator);
  }
  return validator;
}

function lookupMethod(
  index: Record<MessageSender, Map<string, string>>,
  method: string,
  sender: MessageSender | undefined,
): string | undefined {
  if (sender) return index[sender].get(method);
  return index.client.get(method) ?? index.server.get(method);
}

function unknownMethod(
  kind: 'request' | 'notification',
  method: string,
  revision: string,
  sender?: MessageSender,
): string {
  if (sender) return `${kind} method "${method}" is not one a ${sender} may send in MCP ${revision}`;
  return `"${method}" is not a ${kind} method of MCP ${revision}`;
}

/**
 * The definition a result of `method` must match. Where 2026-07-28 admits an `InputRequiredResult` (its
 * `<Name>ResultResponse` lists both), `resultType` picks the branch: the schema's `anyOf` alone would let a
 * malformed result through as an `InputRequiredResult`, whose only required field is `resultType`.
 */
function resultDefinition(validator: RevisionValidator, method: string, result: unknown): string | Problem {
  const request = lookupMethod(validator.requests, method, undefined);
  if (!request) return problem(`"${method}" is not a request method of MCP ${validator.revision}`);
  const base = request.replace(/Request$/, '');
  const { definitions } = validator;
  const concrete = definitions[`${base}Result`] ? `${base}Result` : 'EmptyResult';
  if (!definitions.InputRequiredResult) return concrete;
  const resultType = (result as { resultType?: unknown } | null)?.resultType;
  const admitsInput = (
    definitions[`${base}ResultResponse`]?.properties?.result as { anyOf?: { $ref?: string }[] } | undefined
  )?.anyOf?.some((m) => m.$ref?.endsWith('/InputRequiredResult'));
  if (resultType === 'input_required') {
    return admitsInput
      ? 'InputRequiredResult'
      : problem(`${method} may not answer with an InputRequiredResult`);
  }
  if (resultType !== undefined && resultType !== 'complete') {
    return problem(`resultType ${JSON.stringify(resultType)} is neither "complete" nor "input_required"`);
  }
  return concrete;
}

function validateSingle(message: unknown, validator: RevisionValidator, hint: ValidationHint): Problem[] {
  const { revision, definitions } = validator;
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return [
      problem(
        `a JSON-RPC message is an object, not ${Array.isArray(message) ? 'an array' : JSON.stringify(message)}`,
      ),
    ];
  }
  const m = message as Record<string, unknown>;
  if (typeof m.method === 'string') {
    const isRequest = 'id' in m;
    const kind = isRequest ? 'request' : 'notification';
    const envelope = validator.validate(isRequest ? 'JSONRPCRequest' : 'JSONRPCNotification', m);
    const definition = lookupMethod(
      isRequest ? validator.requests : validator.notifications,
      m.method,
      hint.sender,
    );
    if (!definition) return [...envelope, problem(unknownMethod(kind, m.method, revision, hint.sender))];
    return merge(envelope, validator.validate(definition, m));
  }
  if ('result' in m) {
    const envelope = validator.validate(
      definitions.JSONRPCResultResponse ? 'JSONRPCResultResponse' : 'JSONRPCResponse',
      m,
    );
    if (!hint.method) {
      return [
        ...envelope,
        problem('a result can only be checked against its request: pass hint.method (the method it answers)'),
      ];
    }
    const definition = resultDefinition(validator, hint.method, m.result);
    if (typeof definition !== 'string') return [...envelope, definition];
    return merge(envelope, validator.validate(definition, m.result, '/result'));
  }
  if ('error' in m) {
    const envelope = validator.validate(
      definitions.JSONRPCErrorResponse ? 'JSONRPCErrorResponse' : 'JSONRPCError',
      m,
    );
    const code = (m.error as { code?: unknown } | null)?.code;
    const pinned = typeof code === 'number' ? validator.errorsByCode.get(code) : undefined;
    return pinned ? merge(envelope, validator.validate(pinned, m)) : envelope;
  }
  return [problem('not a JSON-RPC message: it has neither "method", "result" nor "error"')];
}

/**
 * Validates one whole JSON-RPC message, as it would be serialized, against the JSON Schema of `revision`:
 * a request or notification against the definition whose `method` matches (an unknown method is an error), a
 * success response against the result of `hint.method`, an error response against the JSON-RPC error shape
 * (and the definition that pins its code, where the revision has one).
 *
 * @example
 * ```ts
 * import { validateMessage } from '@pmcp/test-utils';
 *
 * const check = validateMessage(response, '2026-07-28', { method: 'tools/call' });
 * expect(check).toEqual({ ok: true });
 * ```
 */
export function validateMessage(
  message: unknown,
  revision: ProtocolVersion,
  hint: ValidationHint = {},
): ValidationResult {
  if (!isSupported(revision)) {
    return {
      ok: false,
      errors: [
        `unknown MCP revision ${JSON.stringify(revision)}; expected one of ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}`,
      ],
    };
  }
  let wire: unknown;
  try {
    // What the peer receives is the JSON text: `undefined` members vanish, a `toJSON` applies.
    const text = JSON.stringify(message);
    if (text === undefined) return { ok: false, errors: ['the message does not serialize to JSON'] };
    wire = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`the message does not serialize to JSON: ${(error as Error).message}`] };
  }
  const validator = validatorFor(revision);
  let errors: string[];
  if (Array.isArray(wire)) {
    // Only 2025-03-26 allowed JSON-RPC batches.
    errors =
      revision === '2025-03-26'
        ? wire.flatMap((item, i) => validateSingle(item, validator, hint).map((p) => `[${i}] ${format(p)}`))
        : [`JSON-RPC batches are not part of MCP ${revision} (only 2025-03-26 allowed them)`];
  } else {
    errors = validateSingle(wire, validator, hint).map(format);
  }
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}

/**
 * True when `value` is a revision pmcp knows (a type guard for versions read off the wire).
 *
 * @example
 * ```ts
 * import { isKnownRevision } from '@pmcp/test-utils';
 *
 * if (isKnownRevision(result.protocolVersion)) validateMessage(next, result.protocolVersion, { method });
 * ```
 */
export function isKnownRevision(value: unknown): value is ProtocolVersion {
  return isSupported(value);
}
