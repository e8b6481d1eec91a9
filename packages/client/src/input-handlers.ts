/**
 * The handlers a client registers once to answer what a server asks of it — elicitation, sampling and roots —
 * whether the server asks with a legacy server→client request or a modern `InputRequiredResult`. The
 * capabilities the client declares follow from which handlers exist, so the two can never disagree.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/mrtr
 */
import { McpError } from '@pmcp/jsonrpc';
import {
  type ClientCapabilities,
  type CreateMessageRequestParams,
  type CreateMessageResult,
  type ElicitRequestFormParams,
  type ElicitRequestURLParams,
  type ElicitResult,
  ErrorCode,
  type ListRootsResult,
  Method,
  type ProtocolEra,
  type Root,
} from '@pmcp/types';
import { isJsonObject, type JsonObject } from './request-meta.ts';

/**
 * How an elicitation is presented: a `form` the client renders from a schema, or a `url` the user opens.
 *
 * @example
 * ```ts
 * import { createClient, type ElicitationMode } from '@pmcp/client';
 * const modes: ElicitationMode[] = ['form', 'url'];
 * createClient({ name: 'app', version: '1.0.0' }, { onElicit: { modes, handler: askUser } });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/client/elicitation
 */
export type ElicitationMode = 'form' | 'url';

/**
 * What a server asks the user through elicitation: a form (`requestedSchema`) or a URL to open. Legacy
 * (2025-11-25) URL requests also carry an `elicitationId`.
 *
 * @example
 * ```ts
 * import type { ElicitationRequest } from '@pmcp/client';
 * const describe = (request: ElicitationRequest) =>
 *   request.mode === 'url' ? `open ${request.url}` : `fill in ${Object.keys(request.requestedSchema.properties).join(', ')}`;
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/schema#elicitrequestparams
 */
export type ElicitationRequest = (ElicitRequestFormParams | ElicitRequestURLParams) & {
  /** Legacy (2025-11-25) URL mode only: the id the server's `notifications/elicitation/complete` refers to. */
  elicitationId?: string;
  _meta?: JsonObject;
};

/**
 * What every handler learns about the request it answers.
 *
 * @example
 * ```ts
 * import type { InputContext } from '@pmcp/client';
 * const onRoots = async ({ signal }: InputContext) => {
 *   const roots = await fetchWorkspaceFolders({ signal });
 *   return roots.map((path) => ({ uri: `file://${path}` }));
 * };
 * ```
 */
export interface InputContext {
  /**
   * Aborted when the answer is no longer wanted: the server cancelled its request (legacy), or the caller
   * aborted the request the server is asking about (modern).
   */
  signal: AbortSignal;
  /** The era of the connection: a legacy server→client request, or a modern input request. */
  era: ProtocolEra;
}

/**
 * Answers an elicitation: ask the user, then `accept` (with `content` for a form), `decline` or `cancel`.
 *
 * @example
 * ```ts
 * import type { ElicitHandler } from '@pmcp/client';
 * const onElicit: ElicitHandler = async (request) => {
 *   if (request.mode === 'url') return (await confirm(`Open ${request.url}?`)) ? { action: 'accept' } : { action: 'decline' };
 *   return { action: 'accept', content: { name: 'octocat' } };
 * };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/client/elicitation
 */
export type ElicitHandler = (
  request: ElicitationRequest,
  context: InputContext,
) => ElicitResult | Promise<ElicitResult>;

/**
 * Answers a sampling request with a message from the client's model (after the user approved it).
 *
 * @example
 * ```ts
 * import type { SampleHandler } from '@pmcp/client';
 * const onSample: SampleHandler = async (request) => ({
 *   role: 'assistant',
 *   content: { type: 'text', text: await myModel.complete(request.messages, { maxTokens: request.maxTokens }) },
 *   model: 'my-model-1',
 *   stopReason: 'endTurn',
 * });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/client/sampling
 */
export type SampleHandler = (
  request: CreateMessageRequestParams,
  context: InputContext,
) => CreateMessageResult | Promise<CreateMessageResult>;

/**
 * Lists the roots (directories or files) the server may work in; either the array or a `ListRootsResult`.
 *
 * @example
 * ```ts
 * import type { RootsHandler } from '@pmcp/client';
 * const onRoots: RootsHandler = () => [{ uri: 'file:///home/me/project', name: 'project' }];
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/client/roots
 */
export type RootsHandler = (
  context: InputContext,
) => Root[] | ListRootsResult | Promise<Root[] | ListRootsResult>;

/**
 * An elicitation handler with the modes it supports (default `['form']`); each mode is declared as a
 * capability, and a request in another mode is refused.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * createClient({ name: 'app', version: '1.0.0' }, { onElicit: { modes: ['form', 'url'], handler: askUser } });
 * ```
 */
export interface ElicitHandlerOptions {
  handler: ElicitHandler;
  modes?: readonly ElicitationMode[];
}

/**
 * A sampling handler with what it supports beyond plain messages: `tools` (tool use in sampling) and
 * `context` (the deprecated `includeContext` values).
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * createClient({ name: 'app', version: '1.0.0' }, { onSample: { tools: true, handler: runModel } });
 * ```
 */
export interface SampleHandlerOptions {
  handler: SampleHandler;
  tools?: boolean;
  context?: boolean;
}

/**
 * A roots handler; `listChanged` (default true) declares that the client sends
 * `notifications/roots/list_changed` (legacy) through `client.notifyRootsChanged()`.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * createClient({ name: 'app', version: '1.0.0' }, { onRoots: { listChanged: false, handler: () => [] } });
 * ```
 */
export interface RootsHandlerOptions {
  handler: RootsHandler;
  listChanged?: boolean;
}

/**
 * The handlers of a client, passed once to `createClient` (second argument). Each is a function, or an object
 * with the function and its settings.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * const client = createClient({ name: 'app', version: '1.0.0' }, {
 *   onElicit: async () => ({ action: 'decline' }),
 *   onRoots: () => [{ uri: 'file:///home/me/project' }],
 * });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/mrtr
 */
export interface InputHandlers {
  /** Answers `elicitation/create`; declares `elicitation` with its modes. */
  onElicit?: ElicitHandler | ElicitHandlerOptions;
  /** Answers `sampling/createMessage`; declares `sampling`. */
  onSample?: SampleHandler | SampleHandlerOptions;
  /** Answers `roots/list`; declares `roots`. */
  onRoots?: RootsHandler | RootsHandlerOptions;
}

/** The handlers as functions, and the capabilities the client declares. */
export interface ResolvedHandlers {
  elicit: ElicitHandler | undefined;
  sample: SampleHandler | undefined;
  roots: RootsHandler | undefined;
  capabilities: ClientCapabilities;
}

const ELICITATION_MODES: readonly string[] = ['form', 'url'];
const ELICIT_ACTIONS: readonly string[] = ['accept', 'decline', 'cancel'];

/**
 * Derives the declared capabilities from the handlers, merged with the capabilities the caller wrote out
 * (theirs win, field by field, so `elicitation: { form: {}, url: {} }` can still be declared by hand).
 */
export function resolveHandlers(
  handlers: InputHandlers,
  explicit: ClientCapabilities | undefined,
): ResolvedHandlers {
  const derived: Record<string, JsonObject> = {};
  const elicit = unpack<ElicitHandler, ElicitHandlerOptions>('onElicit', handlers.onElicit);
  const sample = unpack<SampleHandler, SampleHandlerOptions>('onSample', handlers.onSample);
  const roots = unpack<RootsHandler, RootsHandlerOptions>('onRoots', handlers.onRoots);
  if (elicit !== undefined) {
    const modes = elicit.settings.modes ?? ['form'];
    if (
      !Array.isArray(modes) ||
      modes.length === 0 ||
      modes.some((mode) => !ELICITATION_MODES.includes(mode))
    ) {
      throw new TypeError(
        `createClient(): onElicit.modes must be a non-empty array of 'form' and/or 'url', got ${JSON.stringify(modes)}.`,
      );
    }
    derived.elicitation = Object.fromEntries(modes.map((mode) => [mode, {}]));
  }
  if (sample !== undefined) {
    const sampling: JsonObject = {};
    if (sample.settings.tools === true) sampling.tools = {};
    if (sample.settings.context === true) sampling.context = {};
    derived.sampling = sampling;
  }
  if (roots !== undefined) derived.roots = roots.settings.listChanged === false ? {} : { listChanged: true };

  const capabilities: JsonObject = { ...derived };
  for (const [key, value] of Object.entries(explicit ?? {})) {
    const mine = derived[key];
    capabilities[key] = isJsonObject(mine) && isJsonObject(value) ? { ...mine, ...value } : value;
  }
  return {
    elicit: elicit?.handler,
    sample: sample?.handler,
    roots: roots?.handler,
    capabilities: capabilities as ClientCapabilities,
  };
}

function unpack<Handler, Settings extends { handler: Handler }>(
  name: string,
  option: Handler | Settings | undefined,
): { handler: Handler; settings: Partial<Settings> } | undefined {
  if (option === undefined) return undefined;
  if (typeof option === 'function') return { handler: option as Handler, settings: {} };
  if (isJsonObject(option) && typeof option.handler === 'function') {
    const settings = option as Settings;
    return { handler: settings.handler, settings };
  }
  throw new TypeError(`createClient(): ${name} must be a function or an object { handler, ... }.`);
}

/** The elicitation modes a capabilities object declares (`elicitation: {}` means form only). */
export function declaredElicitationModes(capabilities: ClientCapabilities): ElicitationMode[] {
  const elicitation = capabilities.elicitation;
  if (!isJsonObject(elicitation)) return [];
  const modes: ElicitationMode[] = [];
  if (elicitation.form !== undefined || elicitation.url === undefined) modes.push('form');
  if (elicitation.url !== undefined) modes.push('url');
  return modes;
}

/** Runs the handler for one prepared server request and checks its answer. */
export type PreparedAnswer = (context: InputContext) => Promise<JsonObject>;

/**
 * Checks one server request (`method` with `params`) against what the client handles and declared, before any
 * handler runs — so a user is never asked to fill in a form for a request that then fails. Throws an
 * `McpError` the caller can send back as is (legacy) or wrap (modern): -32601 when the client does not handle
 * the method, -32602 when the server asked for something the client did not declare. The returned function
 * runs the handler; an answer the protocol does not allow makes it throw -32603.
 */
export function prepareAnswer(
  handlers: ResolvedHandlers,
  method: string,
  params: JsonObject,
): PreparedAnswer {
  switch (method) {
    case Method.ElicitationCreate: {
      const handler = handlers.elicit;
      if (handler === undefined) throw notHandled(method, 'elicitation', 'onElicit');
      const request = checkElicitation(params, declaredElicitationModes(handlers.capabilities));
      return async (context) => checkElicitResult(await handler(request, context), request);
    }
    case Method.SamplingCreateMessage: {
      const handler = handlers.sample;
      if (handler === undefined) throw notHandled(method, 'sampling', 'onSample');
      const request = checkSampling(params, handlers.capabilities);
      return async (context) => checkSampleResult(await handler(request, context));
    }
    case Method.RootsList: {
      const handler = handlers.roots;
      if (handler === undefined) throw notHandled(method, 'roots', 'onRoots');
      return async (context) => checkRootsResult(await handler(context));
    }
    default:
      throw new McpError(
        ErrorCode.MethodNotFound,
        `The server asked the client for ${JSON.stringify(method)}, which is not a request a server may send ` +
          '(only elicitation/create, sampling/createMessage and roots/list are).',
        { data: { method } },
      );
  }
}

function notHandled(method: string, capability: string, option: string): McpError {
  return new McpError(
    ErrorCode.MethodNotFound,
    `The server sent ${method}, but this client has no ${option} handler: it declared no "${capability}" ` +
      `capability, so the server must not ask for it. Pass ${option} to createClient() to support it.`,
    { data: { method, capability } },
  );
}

function invalidRequest(method: string, problem: string): McpError {
  return new McpError(ErrorCode.InvalidParams, `The server's ${method} request ${problem}.`, {
    data: { method },
  });
}

function badAnswer(option: string, problem: string): McpError {
  return new McpError(ErrorCode.InternalError, `The client's ${option} handler ${problem}.`, {
    data: { handler: option },
  });
}

function checkElicitation(params: JsonObject, declared: readonly ElicitationMode[]): ElicitationRequest {
  const method = Method.ElicitationCreate;
  if (typeof params.message !== 'string') throw invalidRequest(method, 'has no string "message"');
  const mode = params.mode ?? 'form';
  if (mode !== 'form' && mode !== 'url') {
    throw invalidRequest(
      method,
      `uses the unknown mode ${JSON.stringify(mode)} (only "form" and "url" exist)`,
    );
  }
  if (!declared.includes(mode)) {
    throw invalidRequest(
      method,
      `uses the "${mode}" mode, which this client did not declare (it declared ${declared.join(', ')}); ` +
        `add '${mode}' to onElicit.modes to accept it`,
    );
  }
  if (mode === 'url' && typeof params.url !== 'string')
    throw invalidRequest(method, 'is in URL mode without a "url"');
  if (mode === 'form' && !isJsonObject(params.requestedSchema)) {
    throw invalidRequest(method, 'is in form mode without a "requestedSchema" object');
  }
  return params as unknown as ElicitationRequest;
}

function checkElicitResult(answer: unknown, request: ElicitationRequest): JsonObject {
  if (!isJsonObject(answer) || typeof answer.action !== 'string' || !ELICIT_ACTIONS.includes(answer.action)) {
    throw badAnswer('onElicit', 'must return { action: "accept" | "decline" | "cancel", content? }');
  }
  if (answer.content !== undefined) {
    if (answer.action !== 'accept' || request.mode === 'url') {
      throw badAnswer(
        'onElicit',
        `returned content with action "${answer.action}" in ${request.mode ?? 'form'} mode; content belongs only ` +
          'to an accepted form',
      );
    }
    if (!isJsonObject(answer.content)) throw badAnswer('onElicit', 'returned content that is not an object');
  }
  return answer;
}

function checkSampling(params: JsonObject, capabilities: ClientCapabilities): CreateMessageRequestParams {
  const method = Method.SamplingCreateMessage;
  if (!Array.isArray(params.messages)) throw invalidRequest(method, 'has no "messages" array');
  if (typeof params.maxTokens !== 'number') throw invalidRequest(method, 'has no numeric "maxTokens"');
  const usesTools = params.tools !== undefined || params.toolChoice !== undefined;
  if (usesTools && !isJsonObject(capabilities.sampling?.tools)) {
    throw invalidRequest(
      method,
      'uses tools or toolChoice, but this client did not declare sampling.tools; pass ' +
        'onSample: { tools: true, handler } to createClient() to support tool use',
    );
  }
  return params as unknown as CreateMessageRequestParams;
}

function checkSampleResult(answer: unknown): JsonObject {
  if (
    !isJsonObject(answer) ||
    (answer.role !== 'assistant' && answer.role !== 'user') ||
    typeof answer.model !== 'string' ||
    !(isJsonObject(answer.content) || Array.isArray(answer.content))
  ) {
    throw badAnswer('onSample', 'must return { role, content, model, stopReason? }');
  }
  return answer;
}

function checkRootsResult(answer: unknown): JsonObject {
  const roots = Array.isArray(answer) ? answer : isJsonObject(answer) ? answer.roots : undefined;
  if (!Array.isArray(roots) || roots.some((root) => !isJsonObject(root) || typeof root.uri !== 'string')) {
    throw badAnswer('onRoots', 'must return an array of { uri, name? } roots (or { roots: [...] })');
  }
  return Array.isArray(answer) ? { roots } : (answer as JsonObject);
}
