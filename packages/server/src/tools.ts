/**
 * Tools: registration checks, the per-revision `Tool` description, and running a call (argument validation,
 * the handler, shaping whatever it returns into a `CallToolResult`).
 */
import { isMcpError } from '@pmcp/jsonrpc';
import type { CallToolResult, Icon, Tool, ToolAnnotations } from '@pmcp/types';
import type { StandardTypedV1 } from '@standard-schema/spec';
import type { HandlerContext } from './context.ts';
import { isInputRequiredSignal } from './mrtr.ts';
import {
  type CompiledSchema,
  compileSchema,
  createJsonSchemaValidator,
  type JsonSchemaObject,
  type SchemaIssue,
  type ToolSchema,
} from './schema.ts';
import { ToolError } from './tool-error.ts';

/**
 * How a tool describes itself. `input` and `output` take any Standard Schema (zod, valibot, arktype, ...) or a
 * plain JSON Schema object; they are converted to JSON Schema once, when the tool is registered.
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 * import { z } from 'zod';
 *
 * const server = createServer({ name: 'weather', version: '1.0.0' });
 * server.tool(
 *   'forecast',
 *   {
 *     description: 'Forecast for a city',
 *     input: z.object({ city: z.string() }),
 *     output: z.object({ celsius: z.number() }),
 *     annotations: { readOnlyHint: true },
 *   },
 *   async ({ city }) => ({ celsius: city.length }),
 * );
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/tools#tool
 */
export interface ToolConfig<
  Input extends ToolSchema | undefined = undefined,
  Output extends ToolSchema | undefined = undefined,
> {
  /** What the tool does, for the model. Conformance suites require it, so it is required here. */
  description: string;
  /** A display name for people. */
  title?: string;
  /** The arguments; without it the tool takes none (`arguments` must be absent or `{}`). */
  input?: Input;
  /** The structured result; with it, plain return values become `structuredContent` (validated). */
  output?: Output;
  annotations?: ToolAnnotations;
  icons?: Icon[];
  _meta?: Record<string, unknown>;
}

/**
 * The type of a handler's `args`: the output type of a Standard Schema, an open object for JSON Schema, and an
 * empty object for a tool without input. One inference step, so editors stay fast.
 *
 * @example
 * ```ts
 * import type { ToolArgs } from '@pmcp/server';
 * import { z } from 'zod';
 *
 * const input = z.object({ city: z.string(), days: z.number().default(3) });
 * type Args = ToolArgs<typeof input>; // { city: string; days: number }
 * ```
 * @see https://standardschema.dev
 */
export type ToolArgs<Input> = Input extends StandardTypedV1
  ? StandardTypedV1.InferOutput<Input>
  : Input extends undefined
    ? Record<string, never>
    : Record<string, unknown>;

/**
 * A complete `tools/call` result as a handler returns it: content blocks, optional `structuredContent` and
 * `isError`. The server adds what the era needs (`resultType` for 2026-07-28).
 *
 * @example
 * ```ts
 * import type { ToolResult } from '@pmcp/server';
 *
 * const result: ToolResult = { content: [{ type: 'text', text: 'No match.' }], isError: true };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/tools#tool-result
 */
export type ToolResult = Omit<CallToolResult, 'resultType'>;

/**
 * What a handler may return: with a Standard Schema `output`, its input type or a full {@link ToolResult};
 * otherwise anything (see {@link ToolHandler}).
 *
 * @example
 * ```ts
 * import type { ToolReturn } from '@pmcp/server';
 * import { z } from 'zod';
 *
 * const output = z.object({ celsius: z.number() });
 * const value: ToolReturn<typeof output> = { celsius: 21 };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/tools#structured-content
 */
export type ToolReturn<Output> = Output extends StandardTypedV1
  ? StandardTypedV1.InferInput<Output> | ToolResult
  : unknown;

/**
 * A tool handler. Return a {@link ToolResult} (anything with a `content` array), a string (one text block), or any
 * JSON value (validated `structuredContent` when the tool has an `output` schema, a JSON text block otherwise).
 * Throw a {@link ToolError} to report a failure the model should see.
 *
 * @example
 * ```ts
 * import type { ToolHandler } from '@pmcp/server';
 * import { z } from 'zod';
 *
 * const input = z.object({ text: z.string() });
 * const shout: ToolHandler<typeof input> = ({ text }) => text.toUpperCase();
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/tools#calling-tools
 */
export type ToolHandler<Input = undefined, Output = undefined> = (
  args: ToolArgs<Input>,
  ctx: HandlerContext,
) => ToolReturn<Output> | Promise<ToolReturn<Output>>;

/** A tool after registration checks: what the dispatcher lists and calls. */
export interface CompiledTool {
  readonly name: string;
  readonly description: string;
  readonly title: string | undefined;
  readonly annotations: ToolAnnotations | undefined;
  readonly icons: Icon[] | undefined;
  readonly meta: Record<string, unknown> | undefined;
  readonly input: CompiledSchema;
  readonly output: CompiledSchema | undefined;
  readonly handler: (args: unknown, ctx: HandlerContext) => unknown;
}

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

const NO_ARGUMENTS_SCHEMA: JsonSchemaObject = { type: 'object', additionalProperties: false };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function copyJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Checks a tool definition and compiles its schemas. Throws a `TypeError` (bad definition) or an `Error`
 * (see the registry for duplicates) with a message that says what to change.
 */
export function compileTool(name: unknown, config: unknown, handler: unknown): CompiledTool {
  if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
    throw new TypeError(
      `Invalid tool name ${JSON.stringify(name)}: use 1 to 128 characters from A-Z, a-z, 0-9, "_", "-" and "."`,
    );
  }
  const label = `Tool "${name}"`;
  if (!isPlainObject(config)) throw new TypeError(`${label}: the second argument must be a config object`);
  if (typeof handler !== 'function')
    throw new TypeError(`${label}: the third argument must be the handler function`);
  const { description, title, input, output, annotations, icons, _meta } = config;
  if (typeof description !== 'string') {
    throw new TypeError(
      `${label}: config.description must be a string that tells the model what the tool does`,
    );
  }
  if (title !== undefined && typeof title !== 'string')
    throw new TypeError(`${label}: config.title must be a string`);
  if (annotations !== undefined && !isPlainObject(annotations)) {
    throw new TypeError(`${label}: config.annotations must be an object of hints`);
  }
  if (
    icons !== undefined &&
    !(Array.isArray(icons) && icons.every((icon) => isPlainObject(icon) && typeof icon.src === 'string'))
  ) {
    throw new TypeError(`${label}: config.icons must be an array of { src, mimeType?, sizes?, theme? }`);
  }
  if (_meta !== undefined && !isPlainObject(_meta))
    throw new TypeError(`${label}: config._meta must be an object`);

  let compiledInput: CompiledSchema;
  if (input === undefined) {
    compiledInput = {
      jsonSchema: NO_ARGUMENTS_SCHEMA,
      validate: createJsonSchemaValidator(NO_ARGUMENTS_SCHEMA),
    };
  } else {
    compiledInput = compileSchema(input as ToolSchema, 'input', `${label}: the input schema`);
    if (compiledInput.jsonSchema.type !== 'object') {
      throw new TypeError(
        `${label}: the input schema must describe an object (JSON Schema "type": "object" at the root), because ` +
          `tool arguments are always a JSON object; got ${JSON.stringify(compiledInput.jsonSchema.type ?? null)}`,
      );
    }
  }
  const compiledOutput =
    output === undefined
      ? undefined
      : compileSchema(output as ToolSchema, 'output', `${label}: the output schema`);

  return {
    name,
    description,
    title,
    annotations: annotations === undefined ? undefined : copyJson(annotations as ToolAnnotations),
    icons: icons === undefined ? undefined : copyJson(icons as Icon[]),
    meta: _meta === undefined ? undefined : copyJson(_meta),
    input: compiledInput,
    output: compiledOutput,
    handler: handler as CompiledTool['handler'],
  };
}

/** Whether revision `version` includes what arrived in revision `since` (revisions are ISO dates). */
export function revisionAtLeast(version: string, since: string): boolean {
  return version >= since;
}

/**
 * The `Tool` object `tools/list` sends, shaped for `version`: fields a revision does not know are left out, and a
 * legacy revision only gets an `outputSchema` its schema allows (an object at the root).
 */
export function describeTool(tool: CompiledTool, version: string): Tool {
  // compileTool made sure the input schema has "type": "object" at its root.
  const inputSchema = tool.input.jsonSchema as Tool['inputSchema'];
  const described: Tool = { name: tool.name, description: tool.description, inputSchema };
  if (revisionAtLeast(version, '2025-03-26') && tool.annotations !== undefined) {
    described.annotations = tool.annotations;
  }
  if (revisionAtLeast(version, '2025-06-18')) {
    if (tool.title !== undefined) described.title = tool.title;
    if (
      tool.output !== undefined &&
      (revisionAtLeast(version, '2026-07-28') || tool.output.jsonSchema.type === 'object')
    ) {
      described.outputSchema = tool.output.jsonSchema;
    }
    if (tool.meta !== undefined) described._meta = tool.meta;
  }
  if (revisionAtLeast(version, '2025-11-25') && tool.icons !== undefined) described.icons = tool.icons;
  return described;
}

function errorResult(text: string): ToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** `a: required; b: expected string, received number` */
export function formatIssues(issues: readonly SchemaIssue[]): string {
  return issues.map((issue) => `${issue.path === '' ? '(root)' : issue.path}: ${issue.message}`).join('; ');
}

function isToolResult(value: unknown): value is ToolResult {
  return isPlainObject(value) && Array.isArray(value.content);
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value), { cause: value });
}

/**
 * Runs one `tools/call`: validates the arguments, runs the handler, shapes its return value.
 * Failures become `isError` results the model can read; details of unexpected errors go to `reportError` only.
 * An `McpError` thrown by the handler is rethrown, so a tool can still answer with a protocol error on purpose.
 */
export async function callTool(
  tool: CompiledTool,
  rawArguments: Record<string, unknown> | undefined,
  ctx: HandlerContext,
  reportError: (error: Error) => void,
): Promise<ToolResult> {
  const failed = (error: unknown): ToolResult => {
    reportError(toError(error));
    return errorResult(`Tool "${tool.name}" failed`);
  };

  let args: unknown;
  try {
    const checked = await tool.input.validate(rawArguments ?? {});
    if (!checked.ok) {
      return errorResult(`Invalid arguments for tool "${tool.name}": ${formatIssues(checked.issues)}`);
    }
    args = checked.value;
  } catch (error) {
    return failed(error);
  }

  let returned: unknown;
  try {
    returned = await tool.handler(args, ctx);
  } catch (error) {
    // Not a failure: the modern dispatcher answers with an InputRequiredResult and runs the tool again later.
    if (isInputRequiredSignal(error)) throw error;
    if (error instanceof ToolError) return errorResult(error.message);
    if (isMcpError(error)) throw error;
    return failed(error);
  }

  try {
    return await shapeToolResult(tool, returned, reportError);
  } catch (error) {
    return failed(error);
  }
}

async function shapeToolResult(
  tool: CompiledTool,
  returned: unknown,
  reportError: (error: Error) => void,
): Promise<ToolResult> {
  const invalidOutput = (detail: string): ToolResult => {
    reportError(new Error(`Tool "${tool.name}" returned invalid output: ${detail}`));
    return errorResult(`Tool "${tool.name}" returned invalid output`);
  };

  if (isToolResult(returned)) {
    const badBlock = returned.content.findIndex(
      (block) => !isPlainObject(block) || typeof block.type !== 'string',
    );
    if (badBlock !== -1) return invalidOutput(`content[${badBlock}] is not a content block with a "type"`);
    if (tool.output !== undefined && returned.structuredContent !== undefined && returned.isError !== true) {
      const checked = await tool.output.validate(returned.structuredContent);
      if (!checked.ok) return invalidOutput(formatIssues(checked.issues));
      return { ...returned, structuredContent: checked.value };
    }
    return returned;
  }

  if (tool.output !== undefined) {
    const checked = await tool.output.validate(returned);
    if (!checked.ok) return invalidOutput(formatIssues(checked.issues));
    // The text copy keeps clients that predate structured output working (the spec asks for it).
    return { content: [{ type: 'text', text: toJsonText(checked.value) }], structuredContent: checked.value };
  }
  if (typeof returned === 'string') return { content: [{ type: 'text', text: returned }] };
  if (returned === undefined) return { content: [] };
  return { content: [{ type: 'text', text: toJsonText(returned) }] };
}

function toJsonText(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`the tool returned a ${typeof value}, which has no JSON form`);
  return text;
}
