/**
 * `completion/complete`: argument suggestions for prompts and resource templates. Completers are registered with
 * the prompt (per argument) or the template (per variable); this module finds the right one, runs it, and keeps
 * the answer within the protocol's 100 values.
 */
import { McpError } from '@pmcp/jsonrpc';
import { ErrorCode } from '@pmcp/types';
import type { ClientDescription, RequestScope } from './context.ts';

/**
 * What a completer learns besides the partial value: the values already chosen for the other arguments or
 * variables (`context.arguments` of the request), the cancellation signal and the calling client.
 *
 * @example
 * ```ts
 * import type { CompletionContext } from '@pmcp/server';
 *
 * const cities = (value: string, { arguments: chosen }: CompletionContext) =>
 *   (chosen.country === 'FR' ? ['Paris', 'Lyon'] : ['Berlin', 'Bonn']).filter((city) => city.startsWith(value));
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/completion
 */
export interface CompletionContext {
  /** Values the client already resolved for the other arguments (empty when it sent none). */
  readonly arguments: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly client: ClientDescription;
}

/**
 * A completer's full answer. `total` is how many values exist in all; `hasMore` says more exist than were sent.
 *
 * @example
 * ```ts
 * import type { CompletionValues } from '@pmcp/server';
 *
 * const answer: CompletionValues = { values: ['paris', 'park'], total: 150, hasMore: true };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/schema#completeresult
 */
export interface CompletionValues {
  values: readonly string[];
  total?: number;
  hasMore?: boolean;
}

/**
 * Suggests values for one prompt argument or template variable from what the user typed so far. Return the values
 * (the server sends at most 100 and sets `total`/`hasMore` when there are more) or a {@link CompletionValues}.
 *
 * @example
 * ```ts
 * import { type Completer, createServer } from '@pmcp/server';
 *
 * const languages: Completer = (value) => ['python', 'typescript', 'rust'].filter((name) => name.startsWith(value));
 * const server = createServer({ name: 'review', version: '1.0.0' });
 * server.prompt(
 *   'review',
 *   { description: 'Review code', arguments: [{ name: 'language', required: true, complete: languages }] },
 *   ({ language }) => `Review this ${language} code.`,
 * );
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/completion
 */
export type Completer = (
  value: string,
  context: CompletionContext,
) => readonly string[] | CompletionValues | Promise<readonly string[] | CompletionValues>;

/** What completion needs from a registered prompt or template. */
export interface Completable {
  /** The argument (prompt) or variable (template) names, for error messages. */
  readonly completableNames: readonly string[];
  readonly completers: ReadonlyMap<string, Completer>;
}

/** Where completion looks things up: the prompt and template registries (enabled entries only). */
export interface CompletionSources {
  readonly prompts: { get(name: string): Completable | undefined };
  readonly templates: { get(uriTemplate: string): Completable | undefined };
}

/** The protocol's limit on `completion.values`. */
const MAX_COMPLETION_VALUES = 100;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalidParams(message: string): McpError {
  return new McpError(ErrorCode.InvalidParams, `Invalid params for completion/complete: ${message}`);
}

/**
 * Checks a `complete` map from a registration: every key must be one of `names`, every value a function.
 * Returns the completers as a map; throws a `TypeError` naming `label` otherwise.
 */
export function compileCompleters(
  complete: unknown,
  names: readonly string[],
  kind: 'argument' | 'variable',
  label: string,
): Map<string, Completer> {
  const completers = new Map<string, Completer>();
  if (complete === undefined) return completers;
  if (!isPlainObject(complete)) {
    throw new TypeError(`${label}: config.complete must be an object of { ${kind}Name: completer }`);
  }
  for (const [name, completer] of Object.entries(complete)) {
    if (!names.includes(name)) {
      throw new TypeError(
        `${label}: config.complete.${name} names no ${kind}; the ${kind}s are: ${names.join(', ') || '(none)'}`,
      );
    }
    if (typeof completer !== 'function') {
      throw new TypeError(`${label}: config.complete.${name} must be a function (value, context) => values`);
    }
    completers.set(name, completer as Completer);
  }
  return completers;
}

function readContextArguments(context: unknown): Record<string, string> {
  if (context === undefined) return {};
  if (!isPlainObject(context)) throw invalidParams('"context" must be an object');
  const args = context.arguments;
  if (args === undefined) return {};
  if (!isPlainObject(args)) throw invalidParams('"context.arguments" must be an object of strings');
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(args)) {
    if (typeof value !== 'string') throw invalidParams(`"context.arguments.${name}" must be a string`);
    resolved[name] = value;
  }
  return resolved;
}

function findTarget(ref: unknown, sources: CompletionSources): { target: Completable; label: string } {
  if (!isPlainObject(ref)) {
    throw invalidParams('"ref" must be { type: "ref/prompt", name } or { type: "ref/resource", uri }');
  }
  if (ref.type === 'ref/prompt') {
    if (typeof ref.name !== 'string') throw invalidParams('"ref.name" must be the name of a prompt');
    const prompt = sources.prompts.get(ref.name);
    if (prompt === undefined) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `Unknown prompt: ${ref.name}; call prompts/list for the names`,
      );
    }
    return { target: prompt, label: `prompt "${ref.name}"` };
  }
  if (ref.type === 'ref/resource') {
    if (typeof ref.uri !== 'string') throw invalidParams('"ref.uri" must be a resource template');
    const template = sources.templates.get(ref.uri);
    if (template === undefined) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `Unknown resource template: ${ref.uri}; completion takes a uriTemplate exactly as resources/templates/list gives it`,
      );
    }
    return { target: template, label: `resource template "${ref.uri}"` };
  }
  throw invalidParams(
    `"ref.type" must be "ref/prompt" or "ref/resource", got ${JSON.stringify(ref.type) ?? 'nothing'}`,
  );
}

function normalizeCompletion(returned: unknown, label: string): CompletionValues {
  const shaped: CompletionValues | undefined = Array.isArray(returned)
    ? { values: returned }
    : isPlainObject(returned) && Array.isArray(returned.values)
      ? (returned as unknown as CompletionValues)
      : undefined;
  if (shaped === undefined) {
    throw new Error(
      `The completer of ${label} returned ${typeof returned}; return an array of strings or { values }`,
    );
  }
  const badIndex = shaped.values.findIndex((value) => typeof value !== 'string');
  if (badIndex !== -1)
    throw new Error(`The completer of ${label} returned a non-string value at index ${badIndex}`);
  if (shaped.total !== undefined && !(Number.isSafeInteger(shaped.total) && shaped.total >= 0)) {
    throw new Error(
      `The completer of ${label} returned total ${shaped.total}; it must be a non-negative integer`,
    );
  }
  if (shaped.hasMore !== undefined && typeof shaped.hasMore !== 'boolean') {
    throw new Error(`The completer of ${label} returned a non-boolean hasMore`);
  }
  return shaped;
}

/** Answers one `completion/complete` request. */
export async function completeMethod(
  params: Record<string, unknown>,
  sources: CompletionSources,
  scope: RequestScope,
): Promise<Record<string, unknown>> {
  const { target, label } = findTarget(params.ref, sources);
  const argument = params.argument;
  if (!isPlainObject(argument) || typeof argument.name !== 'string' || typeof argument.value !== 'string') {
    throw invalidParams('"argument" must be { name, value } with string fields');
  }
  const resolved = readContextArguments(params.context);
  const kind = label.startsWith('prompt') ? 'argument' : 'variable';
  if (!target.completableNames.includes(argument.name)) {
    throw new McpError(
      ErrorCode.InvalidParams,
      `The ${label} has no ${kind} "${argument.name}"; its ${kind}s are: ${target.completableNames.join(', ') || '(none)'}`,
    );
  }
  const completer = target.completers.get(argument.name);
  if (completer === undefined) return { completion: { values: [] } };

  const returned = await completer(argument.value, {
    arguments: resolved,
    signal: scope.rpc.signal,
    client: scope.client,
  });
  const { values, total, hasMore } = normalizeCompletion(
    returned,
    `the ${kind} "${argument.name}" of ${label}`,
  );
  const completion: Record<string, unknown> = { values: values.slice(0, MAX_COMPLETION_VALUES) };
  if (values.length > MAX_COMPLETION_VALUES) {
    completion.total = Math.max(total ?? 0, values.length);
    completion.hasMore = true;
  } else {
    if (total !== undefined) completion.total = total;
    if (hasMore !== undefined) completion.hasMore = hasMore;
  }
  return { completion };
}
