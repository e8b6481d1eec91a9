/**
 * Prompts: registration checks (arguments as a list or as a Standard Schema of string fields), the per-revision
 * `Prompt` description, and the `prompts/list` and `prompts/get` methods, including content blocks shaped for
 * revisions that predate some content types.
 */
import { McpError } from '@pmcp/jsonrpc';
import {
  type ContentBlock,
  ErrorCode,
  type Icon,
  type Prompt,
  type PromptArgument,
  type PromptMessage,
} from '@pmcp/types';
import type { StandardJSONSchemaV1, StandardSchemaV1, StandardTypedV1 } from '@standard-schema/spec';
import { type Completer, compileCompleters } from './completion.ts';
import { createHandlerContext, type HandlerContext, type RequestScope } from './context.ts';
import { paginate } from './pagination.ts';
import type { RegistryHandle } from './registry.ts';
import { type CompiledSchema, compileSchema, type JsonSchemaObject, type SchemaIssue } from './schema.ts';

/**
 * One prompt argument in the list form of {@link PromptConfig.arguments}. `complete` suggests values for it
 * through `completion/complete`.
 *
 * @example
 * ```ts
 * import type { PromptArgumentSpec } from '@pmcp/server';
 *
 * const language: PromptArgumentSpec = {
 *   name: 'language',
 *   description: 'Programming language',
 *   required: true,
 *   complete: (value) => ['go', 'rust', 'typescript'].filter((name) => name.startsWith(value)),
 * };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/schema#promptargument
 */
export interface PromptArgumentSpec {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly required?: boolean;
  readonly complete?: Completer;
}

/**
 * The arguments of a prompt: a list of {@link PromptArgumentSpec}, or a schema of an object whose fields are all
 * strings (prompt arguments are always strings on the wire): any Standard Schema that can describe itself as JSON
 * Schema (zod 4.2+, for example) or a plain JSON Schema object.
 *
 * @example
 * ```ts
 * import type { PromptArgumentsInput } from '@pmcp/server';
 * import { z } from 'zod';
 *
 * const asList: PromptArgumentsInput = [{ name: 'topic', required: true }];
 * const asSchema: PromptArgumentsInput = z.object({ topic: z.string().describe('What to write about'), tone: z.string().optional() });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/prompts#getting-a-prompt
 */
export type PromptArgumentsInput =
  | readonly PromptArgumentSpec[]
  | StandardSchemaV1
  | StandardJSONSchemaV1
  | JsonSchemaObject;

/**
 * How a prompt describes itself. `complete` adds completers by argument name (the way to attach them when
 * `arguments` is a schema).
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 * import { z } from 'zod';
 *
 * const server = createServer({ name: 'writer', version: '1.0.0' });
 * server.prompt(
 *   'essay',
 *   {
 *     title: 'Essay',
 *     description: 'Write an essay',
 *     arguments: z.object({ topic: z.string(), tone: z.string().optional() }),
 *     complete: { tone: (value) => ['formal', 'playful'].filter((tone) => tone.startsWith(value)) },
 *   },
 *   ({ topic, tone }) => `Write a ${tone ?? 'neutral'} essay about ${topic}.`,
 * );
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/prompts#prompt
 */
export interface PromptConfig<Args extends PromptArgumentsInput | undefined = undefined> {
  /** What the prompt is for. Conformance suites require it, so it is required here. */
  description: string;
  title?: string;
  arguments?: Args;
  complete?: Readonly<Record<string, Completer>>;
  icons?: Icon[];
  _meta?: Record<string, unknown>;
}

type RequiredNames<Specs extends readonly PromptArgumentSpec[]> = {
  [Spec in Specs[number] as Spec extends { required: true } ? Spec['name'] : never]: string;
};
type OptionalNames<Specs extends readonly PromptArgumentSpec[]> = {
  [Spec in Specs[number] as Spec extends { required: true } ? never : Spec['name']]?: string;
};
// One object type instead of an intersection, so editors show `{ topic: string; tone?: string }`.
type Flatten<T> = { [Key in keyof T]: T[Key] };

/**
 * The type of a prompt handler's `args`: the schema's output type, or for the list form an object with a string
 * for each required argument and an optional string for each other one.
 *
 * @example
 * ```ts
 * import type { PromptArgs } from '@pmcp/server';
 *
 * type Args = PromptArgs<readonly [{ name: 'topic'; required: true }, { name: 'tone' }]>; // { topic: string; tone?: string }
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/prompts#getting-a-prompt
 */
export type PromptArgs<Args> = Args extends StandardTypedV1
  ? StandardTypedV1.InferOutput<Args>
  : Args extends readonly PromptArgumentSpec[]
    ? string extends Args[number]['name']
      ? Record<string, string | undefined>
      : Flatten<RequiredNames<Args> & OptionalNames<Args>>
    : Args extends undefined
      ? Record<string, never>
      : Record<string, string | undefined>;

/**
 * What a prompt handler may return: a string (one user text message), an array of messages, or a full result
 * (`{ messages, description? }`). Messages may hold every content type: text, image, audio, resource links and
 * embedded resources.
 *
 * @example
 * ```ts
 * import type { PromptResult } from '@pmcp/server';
 *
 * const result: PromptResult = {
 *   description: 'Explain a file',
 *   messages: [
 *     { role: 'user', content: { type: 'resource', resource: { uri: 'file:///a.ts', mimeType: 'text/x-typescript', text: 'let a = 1;' } } },
 *     { role: 'user', content: { type: 'text', text: 'Explain the file above.' } },
 *   ],
 * };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/prompts#promptmessage
 */
export type PromptResult =
  | string
  | readonly PromptMessage[]
  | { messages: readonly PromptMessage[]; description?: string; _meta?: Record<string, unknown> };

/**
 * A prompt handler: gets the checked arguments and the handler context, returns the messages.
 *
 * @example
 * ```ts
 * import type { PromptHandler } from '@pmcp/server';
 *
 * const greet: PromptHandler<readonly [{ name: 'who'; required: true }]> = ({ who }) => `Say hello to ${who}.`;
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/prompts#getting-a-prompt
 */
export type PromptHandler<Args = undefined> = (
  args: PromptArgs<Args>,
  ctx: HandlerContext,
) => PromptResult | Promise<PromptResult>;

/**
 * The handle of a registered prompt: enable, disable or remove it at run time (clients are told through
 * `notifications/prompts/list_changed`).
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 *
 * const server = createServer({ name: 'p', version: '1.0.0' });
 * const beta = server.prompt('beta', { description: 'Not ready yet' }, () => 'hello');
 * beta.disable(); // hidden from prompts/list; prompts/get answers "Unknown prompt: beta"
 * beta.remove();
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/prompts#list-changed-notification
 */
export type RegisteredPrompt = RegistryHandle;

type ArgumentCheck = { ok: true; value: unknown } | { ok: false; error: McpError };

/** A prompt after registration checks. */
export interface CompiledPrompt {
  readonly name: string;
  readonly title: string | undefined;
  readonly description: string;
  readonly icons: Icon[] | undefined;
  readonly meta: Record<string, unknown> | undefined;
  readonly arguments: readonly PromptArgument[];
  readonly completableNames: readonly string[];
  readonly completers: ReadonlyMap<string, Completer>;
  checkArguments(args: Record<string, string>): ArgumentCheck | Promise<ArgumentCheck>;
  readonly handler: (args: unknown, ctx: HandlerContext) => unknown;
}

/** What the prompt methods need from the server. */
export interface PromptSources {
  readonly prompts: {
    get(name: string): CompiledPrompt | undefined;
    list(): Array<[name: string, value: CompiledPrompt]>;
  };
  readonly pageSize: number;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function copyJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function revisionAtLeast(version: string, since: string): boolean {
  return version >= since;
}

function invalidParams(message: string): McpError {
  return new McpError(ErrorCode.InvalidParams, message);
}

function missingArguments(prompt: string, missing: readonly string[]): McpError {
  return invalidParams(
    missing.length === 1
      ? `Missing required argument "${missing[0]}" for prompt "${prompt}"`
      : `Missing required arguments for prompt "${prompt}": ${missing.map((name) => `"${name}"`).join(', ')}`,
  );
}

function formatIssues(issues: readonly SchemaIssue[]): string {
  return issues.map((issue) => `${issue.path === '' ? '(root)' : issue.path}: ${issue.message}`).join('; ');
}

/** Whether a property schema only admits strings (prompt arguments are strings on the wire). */
function admitsOnlyStrings(schema: unknown): boolean {
  if (!isPlainObject(schema)) return false;
  if (schema.type === 'string') return true;
  if (typeof schema.const === 'string') return true;
  if (Array.isArray(schema.enum)) return schema.enum.every((value) => typeof value === 'string');
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) return options.every(admitsOnlyStrings);
  }
  return false;
}

interface CompiledArguments {
  readonly published: PromptArgument[];
  readonly inlineCompleters: Map<string, Completer>;
  check(name: string, args: Record<string, string>): ArgumentCheck | Promise<ArgumentCheck>;
}

function compileArgumentList(specs: readonly unknown[], label: string): CompiledArguments {
  const published: PromptArgument[] = [];
  const inlineCompleters = new Map<string, Completer>();
  specs.forEach((spec, index) => {
    const where = `${label}: arguments[${index}]`;
    if (!isPlainObject(spec))
      throw new TypeError(`${where} must be { name, description?, required?, complete? }`);
    const { name, title, description, required, complete } = spec;
    if (typeof name !== 'string' || name === '')
      throw new TypeError(`${where}.name must be a non-empty string`);
    if (published.some((argument) => argument.name === name)) {
      throw new TypeError(`${label}: argument "${name}" is declared twice`);
    }
    if (title !== undefined && typeof title !== 'string')
      throw new TypeError(`${where}.title must be a string`);
    if (description !== undefined && typeof description !== 'string') {
      throw new TypeError(`${where}.description must be a string`);
    }
    if (required !== undefined && typeof required !== 'boolean') {
      throw new TypeError(`${where}.required must be a boolean`);
    }
    if (complete !== undefined) {
      if (typeof complete !== 'function') throw new TypeError(`${where}.complete must be a function`);
      inlineCompleters.set(name, complete as Completer);
    }
    const argument: PromptArgument = { name };
    if (title !== undefined) argument.title = title;
    if (description !== undefined) argument.description = description;
    if (required !== undefined) argument.required = required;
    published.push(argument);
  });
  return {
    published,
    inlineCompleters,
    check(prompt, args) {
      const missing = published
        .filter((argument) => argument.required === true && args[argument.name] === undefined)
        .map((argument) => argument.name);
      if (missing.length > 0) return { ok: false, error: missingArguments(prompt, missing) };
      // Only declared arguments reach the handler, so its view matches the published list.
      const value: Record<string, string> = {};
      for (const { name } of published) {
        const given = args[name];
        if (given !== undefined) value[name] = given;
      }
      return { ok: true, value };
    },
  };
}

function compileArgumentSchema(schema: unknown, label: string): CompiledArguments {
  const compiled: CompiledSchema = compileSchema(
    schema as StandardSchemaV1,
    'input',
    `${label}: the arguments schema`,
  );
  const { jsonSchema } = compiled;
  if (jsonSchema.type !== 'object') {
    throw new TypeError(`${label}: the arguments schema must describe an object of string fields`);
  }
  const properties = isPlainObject(jsonSchema.properties) ? jsonSchema.properties : {};
  const required = Array.isArray(jsonSchema.required)
    ? jsonSchema.required.filter((name): name is string => typeof name === 'string')
    : [];
  const published: PromptArgument[] = [];
  for (const [name, property] of Object.entries(properties)) {
    if (!admitsOnlyStrings(property)) {
      throw new TypeError(
        `${label}: argument "${name}" must be a string field (prompt arguments are always strings); parse it in the handler instead`,
      );
    }
    const argument: PromptArgument = { name };
    const { title, description } = property as Record<string, unknown>;
    if (typeof title === 'string') argument.title = title;
    if (typeof description === 'string') argument.description = description;
    argument.required = required.includes(name);
    published.push(argument);
  }
  return {
    published,
    inlineCompleters: new Map(),
    async check(prompt, args) {
      const missing = required.filter((name) => args[name] === undefined);
      if (missing.length > 0) return { ok: false, error: missingArguments(prompt, missing) };
      const checked = await compiled.validate(args);
      if (!checked.ok) {
        return {
          ok: false,
          error: invalidParams(`Invalid arguments for prompt "${prompt}": ${formatIssues(checked.issues)}`),
        };
      }
      return { ok: true, value: checked.value };
    },
  };
}

/** Checks a prompt registration; throws a `TypeError` that says what to change. */
export function compilePrompt(name: unknown, config: unknown, handler: unknown): CompiledPrompt {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`Invalid prompt name ${JSON.stringify(name)}: use a non-empty string`);
  }
  const label = `Prompt "${name}"`;
  if (!isPlainObject(config)) throw new TypeError(`${label}: the second argument must be a config object`);
  if (typeof handler !== 'function')
    throw new TypeError(`${label}: the third argument must be the handler function`);
  const { description, title, icons, _meta, complete } = config;
  if (typeof description !== 'string') {
    throw new TypeError(`${label}: config.description must be a string that says what the prompt is for`);
  }
  if (title !== undefined && typeof title !== 'string')
    throw new TypeError(`${label}: config.title must be a string`);
  if (
    icons !== undefined &&
    !(Array.isArray(icons) && icons.every((icon) => isPlainObject(icon) && typeof icon.src === 'string'))
  ) {
    throw new TypeError(`${label}: config.icons must be an array of { src, mimeType?, sizes?, theme? }`);
  }
  if (_meta !== undefined && !isPlainObject(_meta))
    throw new TypeError(`${label}: config._meta must be an object`);

  const specs = config.arguments;
  const compiledArguments =
    specs === undefined
      ? compileArgumentList([], label)
      : Array.isArray(specs)
        ? compileArgumentList(specs, label)
        : compileArgumentSchema(specs, label);
  const names = compiledArguments.published.map((argument) => argument.name);
  const completers = compileCompleters(complete, names, 'argument', label);
  for (const [argument, completer] of compiledArguments.inlineCompleters) {
    if (completers.has(argument)) {
      throw new TypeError(
        `${label}: argument "${argument}" has a completer both in arguments and in config.complete; keep one`,
      );
    }
    completers.set(argument, completer);
  }
  return {
    name,
    title,
    description,
    icons: icons === undefined ? undefined : copyJson(icons as Icon[]),
    meta: _meta === undefined ? undefined : copyJson(_meta),
    arguments: compiledArguments.published,
    completableNames: names,
    completers,
    checkArguments: (args) => compiledArguments.check(name, args),
    handler: handler as CompiledPrompt['handler'],
  };
}

/** The `Prompt` object `prompts/list` sends, with only the fields revision `version` knows. */
function describePrompt(prompt: CompiledPrompt, version: string): Prompt {
  const described: Prompt = { name: prompt.name, description: prompt.description };
  if (prompt.arguments.length > 0) {
    described.arguments = revisionAtLeast(version, '2025-06-18')
      ? prompt.arguments.map((argument) => ({ ...argument }))
      : prompt.arguments.map(({ title: _unknownBefore20250618, ...argument }) => argument);
  }
  if (revisionAtLeast(version, '2025-06-18')) {
    if (prompt.title !== undefined) described.title = prompt.title;
    if (prompt.meta !== undefined) described._meta = prompt.meta;
  }
  if (revisionAtLeast(version, '2025-11-25') && prompt.icons !== undefined) described.icons = prompt.icons;
  return described;
}

/** `prompts/list`: prompts in registration order, one page at a time. */
export function listPromptsMethod(
  params: Record<string, unknown>,
  sources: PromptSources,
  scope: RequestScope,
): Record<string, unknown> {
  const cursor = params.cursor;
  if (cursor !== undefined && typeof cursor !== 'string') {
    throw invalidParams('Invalid params for prompts/list: "cursor" must be a string');
  }
  const entries = sources.prompts
    .list()
    .map(([name, prompt]): [string, Prompt] => [name, describePrompt(prompt, scope.protocolVersion)]);
  const page = paginate(entries, 'prompts/list', cursor, sources.pageSize);
  const result: Record<string, unknown> = { prompts: page.items };
  if (page.nextCursor !== undefined) result.nextCursor = page.nextCursor;
  return result;
}

function readArguments(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) {
    throw invalidParams('Invalid params for prompts/get: "arguments" must be an object of strings');
  }
  const args: Record<string, string> = {};
  for (const [name, argument] of Object.entries(value)) {
    if (typeof argument !== 'string') {
      throw invalidParams(
        `Invalid params for prompts/get: argument "${name}" must be a string (prompt arguments are always strings)`,
      );
    }
    args[name] = argument;
  }
  return args;
}

const BLOCK_REQUIREMENTS: Readonly<Record<string, readonly string[]>> = {
  text: ['text'],
  image: ['data', 'mimeType'],
  audio: ['data', 'mimeType'],
  resource_link: ['uri', 'name'],
};

/** Why `block` is not a content block the protocol knows, or `undefined` when it is one. */
function contentBlockProblem(block: unknown): string | undefined {
  if (!isPlainObject(block) || typeof block.type !== 'string')
    return 'it is not a content block with a "type"';
  if (block.type === 'resource') {
    const resource = block.resource;
    if (
      !isPlainObject(resource) ||
      typeof resource.uri !== 'string' ||
      (typeof resource.text !== 'string' && typeof resource.blob !== 'string')
    ) {
      return 'an embedded resource needs resource: { uri, mimeType?, text } or { uri, mimeType?, blob }';
    }
    return undefined;
  }
  const fields = BLOCK_REQUIREMENTS[block.type];
  if (fields === undefined) {
    return `unknown content type "${block.type}" (use text, image, audio, resource_link or resource)`;
  }
  const missing = fields.filter((field) => typeof block[field] !== 'string');
  const article = /^[aeiou]/.test(block.type) ? 'an' : 'a';
  return missing.length === 0
    ? undefined
    : `${article} ${block.type} block needs string ${missing.join(' and ')}`;
}

function withoutMeta<T extends Record<string, unknown>>(value: T): T {
  const { _meta: _unknownBefore20250618, ...rest } = value;
  return rest as T;
}

/**
 * A content block as revision `version` can carry it. Older revisions lack some types: a resource link becomes a
 * text block naming the link (before 2025-06-18) and audio becomes a text note (before 2025-03-26), so the
 * message keeps its place and its meaning instead of breaking the client's schema.
 */
function shapeContentBlock(block: ContentBlock, version: string): ContentBlock {
  if (revisionAtLeast(version, '2025-06-18')) return block;
  const annotations = block.annotations === undefined ? undefined : withoutLastModified(block.annotations);
  const keep = <T extends ContentBlock>(shaped: T): T => {
    const result = withoutMeta(shaped as unknown as Record<string, unknown>) as unknown as T;
    if (annotations === undefined) delete result.annotations;
    else result.annotations = annotations;
    return result;
  };
  switch (block.type) {
    case 'resource_link':
      return keep({
        type: 'text',
        text: `Resource link: ${block.title ?? block.name} <${block.uri}>${block.description ? ` (${block.description})` : ''}`,
      });
    case 'audio':
      if (!revisionAtLeast(version, '2025-03-26')) {
        return keep({
          type: 'text',
          text: `[audio content (${block.mimeType}) omitted: protocol revision ${version} cannot carry audio]`,
        });
      }
      return keep({ ...block });
    case 'resource':
      return keep({
        ...block,
        resource: withoutMeta(
          block.resource as unknown as Record<string, unknown>,
        ) as unknown as typeof block.resource,
      });
    default:
      return keep({ ...block });
  }
}

function withoutLastModified(annotations: NonNullable<ContentBlock['annotations']>) {
  const { lastModified: _unknownBefore20250618, ...rest } = annotations;
  return rest;
}

function shapePromptResult(
  returned: unknown,
  prompt: CompiledPrompt,
  version: string,
): Record<string, unknown> {
  let messages: readonly unknown[];
  let description: unknown = prompt.description;
  let meta: unknown;
  if (typeof returned === 'string') {
    messages = [{ role: 'user', content: { type: 'text', text: returned } }];
  } else if (Array.isArray(returned)) {
    messages = returned;
  } else if (isPlainObject(returned) && Array.isArray(returned.messages)) {
    messages = returned.messages;
    if (returned.description !== undefined) description = returned.description;
    meta = returned._meta;
  } else {
    throw new Error(
      `Prompt "${prompt.name}" returned ${returned === null ? 'null' : typeof returned}; return a string, an array of messages or { messages, description? }`,
    );
  }
  const shaped = messages.map((message, index) => {
    const where = `Prompt "${prompt.name}" returned an invalid message at index ${index}`;
    if (!isPlainObject(message) || (message.role !== 'user' && message.role !== 'assistant')) {
      throw new Error(`${where}: expected { role: "user" | "assistant", content }`);
    }
    const problem = contentBlockProblem(message.content);
    if (problem !== undefined) throw new Error(`${where}: ${problem}`);
    return { role: message.role, content: shapeContentBlock(message.content as ContentBlock, version) };
  });
  const result: Record<string, unknown> = { messages: shaped };
  if (typeof description === 'string') result.description = description;
  if (meta !== undefined) {
    if (!isPlainObject(meta))
      throw new Error(`Prompt "${prompt.name}" returned a "_meta" that is not an object`);
    result._meta = meta;
  }
  return result;
}

/**
 * `prompts/get`: checks the name and arguments (`-32602` for an unknown prompt, a missing required argument or an
 * invalid one), runs the handler and shapes what it returns for the request's revision.
 */
export async function getPromptMethod(
  params: Record<string, unknown>,
  sources: PromptSources,
  scope: RequestScope,
): Promise<Record<string, unknown>> {
  const { name } = params;
  if (typeof name !== 'string') {
    throw invalidParams(
      name === undefined
        ? 'Invalid params for prompts/get: "name" is required'
        : 'Invalid params for prompts/get: "name" must be a string',
    );
  }
  const prompt = sources.prompts.get(name);
  if (prompt === undefined) throw invalidParams(`Unknown prompt: ${name}; call prompts/list for the names`);
  const checked = await prompt.checkArguments(readArguments(params.arguments));
  if (!checked.ok) throw checked.error;

  const control = createHandlerContext(scope);
  let returned: unknown;
  try {
    returned = await prompt.handler(checked.value, control.context);
  } finally {
    control.finish();
  }
  return shapePromptResult(returned, prompt, scope.protocolVersion);
}
