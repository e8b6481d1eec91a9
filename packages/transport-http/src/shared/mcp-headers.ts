/**
 * The HTTP headers that mirror parts of a modern (2026-07-28) request body: `Mcp-Method`, `Mcp-Name` and the
 * `Mcp-Param-*` headers that tools ask for with `x-mcp-header` schema annotations.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#request-metadata
 */
import type { JsonRpcNotification, JsonRpcRequest } from '@pmcp/jsonrpc';
import { encodeHeaderValue } from './header-values.ts';

/**
 * One tool argument mirrored into a header: `Mcp-Param-{header}` carries the argument found by following
 * `path` (property names from the root of `arguments`).
 *
 * @example
 * ```ts
 * import type { HeaderParam } from '@pmcp/transport-http';
 *
 * const region: HeaderParam = { header: 'Region', path: ['region'], types: ['string'] };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#custom-headers-from-tool-parameters
 */
export interface HeaderParam {
  /** The `x-mcp-header` value: the header is `Mcp-Param-{header}`. */
  header: string;
  /** Property names leading from `arguments` to the value. */
  path: readonly string[];
  /** The JSON Schema types the property declares (a subset of `string`, `integer`, `boolean`, `null`). */
  types: readonly HeaderParamType[];
}

/**
 * A JSON Schema type an `x-mcp-header` property may declare.
 *
 * @example
 * ```ts
 * import type { HeaderParamType } from '@pmcp/transport-http';
 *
 * const nullableText: HeaderParamType[] = ['string', 'null'];
 * ```
 */
export type HeaderParamType = 'string' | 'integer' | 'boolean' | 'null';

/**
 * The outcome of {@link validateHeaderAnnotations}: the mirrored arguments of a valid tool, or why the tool
 * must be dropped.
 *
 * @example
 * ```ts
 * import { validateHeaderAnnotations, type HeaderAnnotations } from '@pmcp/transport-http';
 *
 * const checked: HeaderAnnotations = validateHeaderAnnotations(tool.inputSchema);
 * if (!checked.ok) console.warn(`dropping ${tool.name}: ${checked.reason}`);
 * ```
 */
export type HeaderAnnotations = { ok: true; params: HeaderParam[] } | { ok: false; reason: string };

/**
 * The mirrored headers of one request, or why they cannot be built (then the request must not be sent).
 *
 * @example
 * ```ts
 * import { mcpHeadersFor, type McpHeaders } from '@pmcp/transport-http';
 *
 * const built: McpHeaders = mcpHeadersFor({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
 * ```
 */
export type McpHeaders = { ok: true; headers: Record<string, string> } | { ok: false; reason: string };

// RFC 9110 tchar: the characters of an HTTP field name.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const ANNOTATION = 'x-mcp-header';
const ALLOWED_TYPES: ReadonlySet<string> = /* @__PURE__ */ new Set(['string', 'integer', 'boolean', 'null']);

// JSON Schema 2020-12 (plus draft-07 spellings) keywords whose values are subschemas. An x-mcp-header below any
// of them is not "statically reachable through properties", which makes the whole tool invalid.
const SCHEMA_MAP_KEYWORDS = ['patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies'];
const SCHEMA_KEYWORDS = [
  'additionalProperties',
  'unevaluatedProperties',
  'propertyNames',
  'items',
  'additionalItems',
  'unevaluatedItems',
  'contains',
  'not',
  'if',
  'then',
  'else',
];
const SCHEMA_ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];

/**
 * Checks the `x-mcp-header` annotations of a tool's `inputSchema` and lists the arguments to mirror. A valid
 * annotation is a non-empty HTTP token, unique ignoring case within the schema, on a property reached from the
 * root only through `properties` (never `items`, `$ref`, `$defs` or a composition keyword), whose `type` is
 * `string`, `integer` or `boolean` (optionally together with `null`), with no integer outside JavaScript's
 * safe range in its `const`, `enum` or `default`. Clients on HTTP must drop tools that fail this check.
 *
 * @example
 * ```ts
 * import { validateHeaderAnnotations } from '@pmcp/transport-http';
 *
 * validateHeaderAnnotations({
 *   type: 'object',
 *   properties: { region: { type: 'string', 'x-mcp-header': 'Region' } },
 * }); // { ok: true, params: [{ header: 'Region', path: ['region'], types: ['string'] }] }
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#schema-extension
 */
export function validateHeaderAnnotations(inputSchema: unknown): HeaderAnnotations {
  const params: HeaderParam[] = [];
  const problem = walk(inputSchema, [], true, params);
  if (problem !== undefined) return { ok: false, reason: problem };
  const seen = new Map<string, HeaderParam>();
  for (const param of params) {
    const key = param.header.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      return {
        ok: false,
        reason:
          `x-mcp-header ${JSON.stringify(param.header)} (at ${describePath(param.path)}) repeats ` +
          `${JSON.stringify(earlier.header)} (at ${describePath(earlier.path)}); header names must be unique ignoring case`,
      };
    }
    seen.set(key, param);
  }
  return { ok: true, params };
}

/**
 * Computes the headers that mirror a modern request's body: `Mcp-Method` always, `Mcp-Name` for `tools/call`,
 * `prompts/get` (`params.name`) and `resources/read` (`params.uri`), and for `tools/call` one
 * `Mcp-Param-{name}` per annotated argument that has a non-null value, looked up in `tools` (the result of
 * {@link validateHeaderAnnotations} per tool name). Values are encoded with {@link encodeHeaderValue}.
 * Returns `ok: false` when an annotated argument cannot be mirrored (an object or array, or an integer outside
 * the safe range): such a request must not be sent.
 *
 * @example
 * ```ts
 * import { mcpHeadersFor } from '@pmcp/transport-http';
 *
 * const tools = new Map([['execute_sql', [{ header: 'Region', path: ['region'], types: ['string'] }]]]);
 * mcpHeadersFor(
 *   { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'execute_sql', arguments: { region: 'us-west1' } } },
 *   tools,
 * ); // { ok: true, headers: { 'Mcp-Method': 'tools/call', 'Mcp-Name': 'execute_sql', 'Mcp-Param-Region': 'us-west1' } }
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#standard-request-headers
 */
export function mcpHeadersFor(
  message: JsonRpcRequest | JsonRpcNotification,
  tools?: ReadonlyMap<string, readonly HeaderParam[]>,
): McpHeaders {
  const headers: Record<string, string> = { 'Mcp-Method': message.method };
  const params = message.params ?? {};
  const nameSource = nameSourceOf(message.method);
  if (nameSource !== undefined) {
    const name = params[nameSource];
    if (typeof name !== 'string') {
      return {
        ok: false,
        reason: `${message.method} needs a string params.${nameSource} (it is mirrored into the Mcp-Name header)`,
      };
    }
    headers['Mcp-Name'] = encodeHeaderValue(name);
  }
  if (message.method !== 'tools/call' || tools === undefined) return { ok: true, headers };
  const mirrored = tools.get(params.name as string);
  if (mirrored === undefined || mirrored.length === 0) return { ok: true, headers };
  const args = params.arguments;
  for (const param of mirrored) {
    const value = valueAt(args, param.path);
    if (value === undefined || value === null) continue;
    const encoded = encodeArgument(value);
    if (!encoded.ok) {
      return {
        ok: false,
        reason:
          `argument ${describePath(param.path)} of tool ${JSON.stringify(params.name)} is mirrored into ` +
          `Mcp-Param-${param.header}, so it ${encoded.reason}`,
      };
    }
    headers[`Mcp-Param-${param.header}`] = encoded.value;
  }
  return { ok: true, headers };
}

function nameSourceOf(method: string): 'name' | 'uri' | undefined {
  if (method === 'tools/call' || method === 'prompts/get') return 'name';
  if (method === 'resources/read') return 'uri';
  return undefined;
}

function encodeArgument(value: unknown): { ok: true; value: string } | { ok: false; reason: string } {
  if (typeof value === 'string' || typeof value === 'boolean') {
    return { ok: true, value: encodeHeaderValue(value) };
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      return {
        ok: false,
        reason: `must be an integer between -(2^53 - 1) and 2^53 - 1, got ${String(value)}`,
      };
    }
    if (!Number.isFinite(value))
      return { ok: false, reason: `must be a finite number, got ${String(value)}` };
    return { ok: true, value: encodeHeaderValue(value) };
  }
  return {
    ok: false,
    reason: `must be a string, an integer or a boolean, got ${Array.isArray(value) ? 'an array' : typeof value}`,
  };
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Returns the first problem found, collecting annotated properties on the way. */
function walk(schema: unknown, path: string[], reachable: boolean, found: HeaderParam[]): string | undefined {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return undefined;
  const node = schema as Record<string, unknown>;
  if (Object.hasOwn(node, ANNOTATION)) {
    const problem = checkAnnotated(node, path, reachable, found);
    if (problem !== undefined) return problem;
  }
  const properties = node.properties;
  if (isRecord(properties)) {
    for (const [name, child] of Object.entries(properties)) {
      const problem = walk(child, [...path, name], reachable, found);
      if (problem !== undefined) return problem;
    }
  }
  // Below every other keyword an annotation is unreachable; walking on only finds it to report it.
  for (const keyword of SCHEMA_MAP_KEYWORDS) {
    const map = node[keyword];
    if (!isRecord(map)) continue;
    for (const [name, child] of Object.entries(map)) {
      const problem = walk(child, [...path, `${keyword}:${name}`], false, found);
      if (problem !== undefined) return problem;
    }
  }
  for (const keyword of SCHEMA_KEYWORDS) {
    const problem = walk(node[keyword], [...path, keyword], false, found);
    if (problem !== undefined) return problem;
  }
  for (const keyword of SCHEMA_ARRAY_KEYWORDS) {
    const list = node[keyword];
    if (!Array.isArray(list)) continue;
    for (const [index, child] of list.entries()) {
      const problem = walk(child, [...path, `${keyword}[${index}]`], false, found);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function checkAnnotated(
  node: Record<string, unknown>,
  path: string[],
  reachable: boolean,
  found: HeaderParam[],
): string | undefined {
  const header = node[ANNOTATION];
  const where = describePath(path);
  if (path.length === 0) return 'x-mcp-header sits on the root of inputSchema; it belongs on a property';
  if (!reachable) {
    return (
      `x-mcp-header at ${where} is not reachable from the root through "properties" alone ` +
      '(annotations under items, $ref/$defs, composition or conditional keywords are not allowed)'
    );
  }
  if (typeof header !== 'string') {
    return `x-mcp-header at ${where} must be a string, got ${header === null ? 'null' : typeof header}`;
  }
  if (header.length === 0) return `x-mcp-header at ${where} is empty; it must name the header`;
  if (!TOKEN.test(header)) {
    return (
      `x-mcp-header ${JSON.stringify(header)} at ${where} is not an HTTP token ` +
      "(allowed: letters, digits and !#$%&'*+-.^_`|~)"
    );
  }
  const types = typesOf(node.type);
  if (types === undefined || types.every((type) => type === 'null')) {
    return (
      `x-mcp-header ${JSON.stringify(header)} at ${where} is on a property of type ${JSON.stringify(node.type ?? null)}; ` +
      'only "string", "integer" and "boolean" properties can be mirrored into headers'
    );
  }
  if (types.includes('integer')) {
    const unsafe = [node.const, node.default, ...(Array.isArray(node.enum) ? node.enum : [])].find(
      (value) => typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value),
    );
    if (unsafe !== undefined) {
      return (
        `x-mcp-header ${JSON.stringify(header)} at ${where} declares the integer ${String(unsafe)}, ` +
        'outside the safe range -(2^53 - 1)…2^53 - 1'
      );
    }
  }
  found.push({ header, path: [...path], types });
  return undefined;
}

function typesOf(type: unknown): HeaderParamType[] | undefined {
  const list = typeof type === 'string' ? [type] : Array.isArray(type) ? type : undefined;
  if (list === undefined || list.length === 0) return undefined;
  if (!list.every((item): item is HeaderParamType => typeof item === 'string' && ALLOWED_TYPES.has(item))) {
    return undefined;
  }
  return list;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describePath(path: readonly string[]): string {
  return path.length === 0 ? '(root)' : path.join('.');
}
