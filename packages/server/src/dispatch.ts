/**
 * The dual-era dispatcher. Every incoming request is classified on its own:
 *
 * - `params._meta["io.modelcontextprotocol/protocolVersion"]` present → modern (2026-07-28, stateless): the version
 *   and capabilities come from this request's `_meta` only, never from earlier requests.
 * - otherwise `initialize` → opens a legacy session on this connection;
 * - otherwise, inside a legacy session → legacy, at the negotiated revision;
 * - otherwise → `-32602` explaining both ways in.
 *
 * Method handlers are written once; {@link finalizeResult} shapes their results for the era.
 */

import { McpError, type RequestContext, type RpcEngine, type Transport } from '@pmcp/jsonrpc';
import {
  type ClientCapabilities,
  ErrorCode,
  type Implementation,
  LATEST_LEGACY_PROTOCOL_VERSION,
  LEGACY_PROTOCOL_VERSIONS,
  type LoggingLevel,
  MetaKey,
  MODERN_PROTOCOL_VERSIONS,
  type ProgressToken,
  type ProtocolEra,
  type ServerCapabilities,
} from '@pmcp/types';
import { completeMethod } from './completion.ts';
import { type ClientDescription, createHandlerContext, type RequestScope } from './context.ts';
import { readRequestLogLevel, SET_LEVEL_METHOD } from './logging.ts';
import {
  acceptsInputRounds,
  InputRequiredOutcome,
  type InputRoundServices,
  runWithInputRounds,
} from './mrtr.ts';
import { paginate } from './pagination.ts';
import { type CompiledPrompt, getPromptMethod, listPromptsMethod } from './prompts.ts';
import type { Registry } from './registry.ts';
import {
  type CompiledResource,
  type CompiledResourceTemplate,
  listResourcesMethod,
  listResourceTemplatesMethod,
  readResourceMethod,
} from './resources.ts';
import { describeJsonType } from './schema.ts';
import type { CacheScope } from './server.ts';
import {
  LISTEN_METHOD,
  SUBSCRIBE_METHOD,
  type SubscriptionHub,
  UNSUBSCRIBE_METHOD,
} from './subscriptions.ts';
import { type CompiledTool, callTool, describeTool, revisionAtLeast } from './tools.ts';
import { elicitationIdsOf, type UrlElicitationRegistry } from './url-elicitation.ts';

/** What the dispatcher needs from the server: its identity, registries and settings. */
export interface ServerCore {
  readonly info: Implementation;
  readonly instructions: string | undefined;
  readonly tools: Registry<CompiledTool>;
  readonly prompts: Registry<CompiledPrompt>;
  readonly resources: Registry<CompiledResource>;
  readonly templates: Registry<CompiledResourceTemplate>;
  /** Whether some prompt or template was ever registered with a completer (the `completions` capability). */
  readonly completionsOffered: () => boolean;
  readonly pageSize: number;
  readonly ttlMs: number;
  readonly cacheScope: CacheScope;
  /** Whether the server sends log messages (`logging` capability, `ctx.log`, `server.log`). */
  readonly logging: boolean;
  /** Minimum milliseconds between two progress notifications of one request (0: no limit). */
  readonly progressIntervalMs: number;
  /** Signs and checks `requestState` for modern input rounds. */
  readonly inputRounds: InputRoundServices;
  /** Open `subscriptions/listen` streams and delivery of change notifications. */
  readonly subscriptions: SubscriptionHub;
  /** Where each outstanding legacy URL elicitation went, for `server.completeElicitation`. */
  readonly urlElicitations: UrlElicitationRegistry<Connection>;
  reportError(error: Error): void;
}

/** A legacy session opened by `initialize` on one connection. */
export interface LegacySession {
  readonly protocolVersion: string;
  readonly client: ClientDescription;
  /** Set by `notifications/initialized`; only then does the server push notifications to the session. */
  initialized: boolean;
  /** The minimum level set by `logging/setLevel`; until then every level is sent. */
  logLevel?: LoggingLevel | undefined;
  /** URIs this session `resources/subscribe`d to. */
  resourceSubscriptions?: Set<string> | undefined;
}

/** One transport the server is connected through, with its own legacy session state. */
export interface Connection {
  readonly engine: RpcEngine;
  readonly transport: Transport;
  session: LegacySession | undefined;
}

/** Everything a method handler can use. */
export interface MethodCall {
  readonly core: ServerCore;
  readonly connection: Connection;
  readonly scope: RequestScope;
}

/** One request method: the eras that define it, the capability that gates it, and its handler. */
export interface MethodSpec {
  readonly eras: readonly ProtocolEra[];
  /** Without this server capability the method answers `-32601`, as the spec asks. */
  readonly capability?: keyof ServerCapabilities;
  /** Modern results of cacheable methods carry `ttlMs` and `cacheScope`. */
  readonly cacheable?: boolean;
  handle(
    params: Record<string, unknown>,
    call: MethodCall,
  ): Record<string, unknown> | Promise<Record<string, unknown>>;
}

const MODERN_REVISION = MODERN_PROTOCOL_VERSIONS[0];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalidParams(message: string): McpError {
  return new McpError(ErrorCode.InvalidParams, message);
}

function methodNotFound(method: string, reason?: string): McpError {
  return new McpError(ErrorCode.MethodNotFound, `Method not found: ${method}${reason ? ` (${reason})` : ''}`);
}

function optionalString(params: Record<string, unknown>, key: string, method: string): string | undefined {
  const value = params[key];
  if (value === undefined || typeof value === 'string') return value;
  throw invalidParams(
    `Invalid params for ${method}: "${key}" must be a string, got ${describeJsonType(value)}`,
  );
}

function isImplementation(value: unknown): value is Implementation {
  return isPlainObject(value) && typeof value.name === 'string' && typeof value.version === 'string';
}

/** The server's capabilities: only what it actually serves. */
export function serverCapabilities(core: ServerCore): ServerCapabilities {
  const capabilities: ServerCapabilities = {};
  if (core.tools.everUsed) capabilities.tools = { listChanged: true };
  if (core.prompts.everUsed) capabilities.prompts = { listChanged: true };
  if (core.resources.everUsed || core.templates.everUsed) capabilities.resources = { listChanged: true };
  if (core.completionsOffered()) capabilities.completions = {};
  if (core.logging) capabilities.logging = {};
  // Resource subscriptions (legacy resources/subscribe, modern resourceSubscriptions) come with resources.
  if (capabilities.resources !== undefined) {
    capabilities.resources = { ...capabilities.resources, subscribe: true };
  }
  return capabilities;
}

/** `Implementation` with only the fields revision `version` knows. */
export function describeImplementation(info: Implementation, version: string): Implementation {
  const described: Implementation = { name: info.name, version: info.version };
  if (revisionAtLeast(version, '2025-06-18') && info.title !== undefined) described.title = info.title;
  if (revisionAtLeast(version, '2025-11-25')) {
    if (info.description !== undefined) described.description = info.description;
    if (info.icons !== undefined) described.icons = info.icons;
    if (info.websiteUrl !== undefined) described.websiteUrl = info.websiteUrl;
  }
  return described;
}

function listTools(params: Record<string, unknown>, call: MethodCall): Record<string, unknown> {
  const cursor = optionalString(params, 'cursor', 'tools/list');
  const page = paginate(call.core.tools.list(), 'tools/list', cursor, call.core.pageSize);
  const result: Record<string, unknown> = {
    tools: page.items.map((tool) => describeTool(tool, call.scope.protocolVersion)),
  };
  if (page.nextCursor !== undefined) result.nextCursor = page.nextCursor;
  return result;
}

async function callToolMethod(
  params: Record<string, unknown>,
  call: MethodCall,
): Promise<Record<string, unknown>> {
  const { name } = params;
  if (typeof name !== 'string') {
    throw invalidParams(
      name === undefined
        ? 'Invalid params for tools/call: "name" is required'
        : `Invalid params for tools/call: "name" must be a string, got ${describeJsonType(name)}`,
    );
  }
  const args = params.arguments;
  if (args !== undefined && !isPlainObject(args)) {
    throw invalidParams(
      `Invalid params for tools/call: "arguments" must be an object, got ${describeJsonType(args)}`,
    );
  }
  const tool = call.core.tools.get(name);
  if (tool === undefined) throw invalidParams(`Unknown tool: ${name}`);

  const control = createHandlerContext(call.scope);
  let result: Record<string, unknown>;
  try {
    result = await callTool(tool, args, control.context, call.core.reportError);
  } finally {
    control.finish();
  }
  return shapeCallToolResult(result, call.scope.protocolVersion);
}

/** Legacy revisions either lack `structuredContent` (before 2025-06-18) or require it to be an object. */
function shapeCallToolResult(result: Record<string, unknown>, version: string): Record<string, unknown> {
  if (!('structuredContent' in result)) return result;
  if (revisionAtLeast(version, MODERN_REVISION)) return result;
  if (revisionAtLeast(version, '2025-06-18') && isPlainObject(result.structuredContent)) return result;
  const { structuredContent: _dropped, ...rest } = result;
  return rest;
}

/** Every request method the server answers, by name. Later features add their entries here. */
export const METHODS: Readonly<Record<string, MethodSpec>> = {
  ping: { eras: ['legacy'], handle: () => ({}) },
  'server/discover': {
    eras: ['modern'],
    cacheable: true,
    handle: (_params, { core }) => {
      const result: Record<string, unknown> = {
        supportedVersions: [...MODERN_PROTOCOL_VERSIONS, ...LEGACY_PROTOCOL_VERSIONS],
        capabilities: serverCapabilities(core),
      };
      if (core.instructions !== undefined) result.instructions = core.instructions;
      return result;
    },
  },
  'tools/list': { eras: ['modern', 'legacy'], capability: 'tools', cacheable: true, handle: listTools },
  'tools/call': { eras: ['modern', 'legacy'], capability: 'tools', handle: callToolMethod },
  'resources/list': {
    eras: ['modern', 'legacy'],
    capability: 'resources',
    cacheable: true,
    handle: (params, { core, scope }) => listResourcesMethod(params, core, scope),
  },
  'resources/templates/list': {
    eras: ['modern', 'legacy'],
    capability: 'resources',
    cacheable: true,
    handle: (params, { core, scope }) => listResourceTemplatesMethod(params, core, scope),
  },
  'resources/read': {
    eras: ['modern', 'legacy'],
    capability: 'resources',
    cacheable: true,
    handle: (params, { core, scope }) => readResourceMethod(params, core, scope),
  },
  'prompts/list': {
    eras: ['modern', 'legacy'],
    capability: 'prompts',
    cacheable: true,
    handle: (params, { core, scope }) => listPromptsMethod(params, core, scope),
  },
  'prompts/get': {
    eras: ['modern', 'legacy'],
    capability: 'prompts',
    handle: (params, { core, scope }) => getPromptMethod(params, core, scope),
  },
  'completion/complete': {
    eras: ['modern', 'legacy'],
    capability: 'completions',
    handle: (params, { core, scope }) => completeMethod(params, core, scope),
  },
  'logging/setLevel': SET_LEVEL_METHOD,
  'resources/subscribe': SUBSCRIBE_METHOD,
  'resources/unsubscribe': UNSUBSCRIBE_METHOD,
  'subscriptions/listen': LISTEN_METHOD,
};

// Legacy methods 2026-07-28 removed; a modern request for one gets -32601 with the reason.
const REMOVED_IN_MODERN = [
  'initialize',
  'ping',
  'logging/setLevel',
  'resources/subscribe',
  'resources/unsubscribe',
  'tasks/get',
  'tasks/result',
  'tasks/list',
  'tasks/cancel',
];

function readProgressToken(meta: Record<string, unknown> | undefined): ProgressToken | undefined {
  const token = meta?.[MetaKey.ProgressToken];
  if (token === undefined) return undefined;
  if (typeof token === 'string' || (typeof token === 'number' && Number.isInteger(token))) return token;
  throw invalidParams(
    `params._meta.progressToken must be a string or an integer, got ${describeJsonType(token)}`,
  );
}

/** Adds what every result of the era needs and removes what the era's schemas do not know. */
export function finalizeResult(
  result: Record<string, unknown> | InputRequiredOutcome,
  era: ProtocolEra,
  spec: MethodSpec,
  core: ServerCore,
): Record<string, unknown> {
  // Never cached (results of input rounds must not be), so no ttlMs/cacheScope.
  if (result instanceof InputRequiredOutcome) {
    return {
      ...result.toResult(),
      _meta: { [MetaKey.ServerInfo]: describeImplementation(core.info, MODERN_REVISION) },
    };
  }
  if (era === 'legacy') {
    const { resultType: _type, ttlMs: _ttl, cacheScope: _scope, ...legacy } = result;
    return legacy;
  }
  const meta = isPlainObject(result._meta) ? result._meta : {};
  const modern: Record<string, unknown> = {
    ...result,
    resultType: 'complete',
    _meta: { ...meta, [MetaKey.ServerInfo]: describeImplementation(core.info, MODERN_REVISION) },
  };
  if (spec.cacheable) {
    modern.ttlMs ??= core.ttlMs;
    modern.cacheScope ??= core.cacheScope;
  }
  return modern;
}

async function runMethod(
  spec: MethodSpec,
  params: Record<string, unknown>,
  core: ServerCore,
  connection: Connection,
  scope: RequestScope,
): Promise<Record<string, unknown>> {
  const capability = spec.capability;
  if (capability !== undefined && serverCapabilities(core)[capability] === undefined) {
    throw methodNotFound(scope.rpc.method, `this server does not offer ${capability}`);
  }
  if (scope.era === 'modern' && acceptsInputRounds(scope.rpc.method)) {
    const outcome = await runWithInputRounds(
      scope.rpc.method,
      params,
      scope.rpc.extra,
      core.inputRounds,
      async (inputs) => spec.handle(params, { core, connection, scope: { ...scope, inputs } }),
    );
    return finalizeResult(outcome, scope.era, spec, core);
  }
  const result = await spec.handle(params, { core, connection, scope });
  return finalizeResult(result, scope.era, spec, core);
}

function modernScope(meta: Record<string, unknown>, rpc: RequestContext, core: ServerCore): RequestScope {
  const version = meta[MetaKey.ProtocolVersion];
  if (typeof version !== 'string') {
    throw invalidParams(
      `params._meta["${MetaKey.ProtocolVersion}"] must be a string such as "${MODERN_REVISION}", got ${describeJsonType(version)}`,
    );
  }
  if (!(MODERN_PROTOCOL_VERSIONS as readonly string[]).includes(version)) {
    throw new McpError(ErrorCode.UnsupportedProtocolVersion, `Unsupported protocol version: ${version}`, {
      data: { supported: [...MODERN_PROTOCOL_VERSIONS], requested: version },
    });
  }
  const capabilities = meta[MetaKey.ClientCapabilities];
  if (capabilities === undefined) {
    throw invalidParams(
      `Missing params._meta["${MetaKey.ClientCapabilities}"]: ${version} requests must declare the client's capabilities ({} for none)`,
    );
  }
  if (!isPlainObject(capabilities)) {
    throw invalidParams(
      `params._meta["${MetaKey.ClientCapabilities}"] must be an object, got ${describeJsonType(capabilities)}`,
    );
  }
  const info = meta[MetaKey.ClientInfo];
  if (info !== undefined && !isImplementation(info)) {
    throw invalidParams(
      `params._meta["${MetaKey.ClientInfo}"] must be an object with string "name" and "version"`,
    );
  }
  const client: ClientDescription =
    info === undefined
      ? { capabilities: capabilities as ClientCapabilities }
      : { info, capabilities: capabilities as ClientCapabilities };
  const logLevel = readRequestLogLevel(meta);
  return {
    era: 'modern',
    protocolVersion: version,
    client,
    rpc,
    progressToken: readProgressToken(meta),
    reportError: core.reportError,
    logThreshold: () => (core.logging ? logLevel : undefined),
    progressIntervalMs: core.progressIntervalMs,
  };
}

function initialize(
  params: Record<string, unknown>,
  core: ServerCore,
  connection: Connection,
): Record<string, unknown> {
  const { protocolVersion, capabilities, clientInfo } = params;
  if (typeof protocolVersion !== 'string') {
    throw invalidParams(
      `Invalid params for initialize: "protocolVersion" must be a string such as "${LATEST_LEGACY_PROTOCOL_VERSION}", got ${describeJsonType(protocolVersion)}`,
    );
  }
  if (!isPlainObject(capabilities)) {
    throw invalidParams(
      `Invalid params for initialize: "capabilities" must be an object ({} for none), got ${describeJsonType(capabilities)}`,
    );
  }
  if (!isImplementation(clientInfo)) {
    throw invalidParams(
      'Invalid params for initialize: "clientInfo" must be an object with string "name" and "version"',
    );
  }
  if (connection.session !== undefined) {
    throw new McpError(
      ErrorCode.InvalidRequest,
      'This connection already has a session: initialize may be sent once per connection; open a new connection to start over',
    );
  }
  // Echo a revision we speak; otherwise offer our newest legacy one and let the client decide.
  const negotiated = (LEGACY_PROTOCOL_VERSIONS as readonly string[]).includes(protocolVersion)
    ? protocolVersion
    : LATEST_LEGACY_PROTOCOL_VERSION;
  connection.session = {
    protocolVersion: negotiated,
    client: { info: clientInfo, capabilities: capabilities as ClientCapabilities },
    initialized: false,
  };
  connection.transport.setProtocolVersion?.(negotiated);
  const result: Record<string, unknown> = {
    protocolVersion: negotiated,
    capabilities: serverCapabilities(core),
    serverInfo: describeImplementation(core.info, negotiated),
  };
  if (core.instructions !== undefined) result.instructions = core.instructions;
  return result;
}

/** Handles one request on `connection`; the engine turns a thrown `McpError` into the error response. */
export async function dispatchRequest(
  params: Record<string, unknown>,
  rpc: RequestContext,
  core: ServerCore,
  connection: Connection,
): Promise<Record<string, unknown>> {
  const method = rpc.method;
  const meta = params._meta;
  if (meta !== undefined && !isPlainObject(meta)) {
    throw invalidParams(`params._meta must be an object, got ${describeJsonType(meta)}`);
  }
  const spec = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;

  if (meta !== undefined && MetaKey.ProtocolVersion in meta) {
    const scope = modernScope(meta, rpc, core);
    if (spec === undefined || !spec.eras.includes('modern')) {
      throw methodNotFound(
        method,
        REMOVED_IN_MODERN.includes(method)
          ? `not part of protocol revision ${scope.protocolVersion}`
          : undefined,
      );
    }
    return runMethod(spec, params, core, connection, scope);
  }

  if (method === 'initialize') return initialize(params, core, connection);

  const session = connection.session;
  if (spec?.eras.includes('legacy') && (session !== undefined || method === 'ping')) {
    const scope: RequestScope = {
      era: 'legacy',
      protocolVersion: session?.protocolVersion ?? LATEST_LEGACY_PROTOCOL_VERSION,
      client: session?.client ?? { capabilities: {} },
      rpc,
      progressToken: readProgressToken(meta),
      reportError: core.reportError,
      // Before the first logging/setLevel the spec sets no minimum, so every level goes out.
      logThreshold: () => (core.logging ? (session?.logLevel ?? 'debug') : undefined),
      progressIntervalMs: core.progressIntervalMs,
      trackUrlElicitation: (elicitationId) => core.urlElicitations.track(elicitationId, connection),
    };
    try {
      return await runMethod(spec, params, core, connection, scope);
    } catch (error) {
      // A -32042 sends the user to URLs; remember the session, so their completion can be announced to it.
      for (const id of elicitationIdsOf(error)) core.urlElicitations.track(id, connection);
      throw error;
    }
  }
  if (spec === undefined) throw methodNotFound(method);
  if (!spec.eras.includes('legacy')) {
    throw invalidParams(
      `${method} is a ${MODERN_REVISION} method: include params._meta["${MetaKey.ProtocolVersion}"] and ` +
        `params._meta["${MetaKey.ClientCapabilities}"]`,
    );
  }
  throw invalidParams(
    `${method} needs a protocol version: send initialize first (revisions up to ${LATEST_LEGACY_PROTOCOL_VERSION}), ` +
      `or include params._meta["${MetaKey.ProtocolVersion}"] and params._meta["${MetaKey.ClientCapabilities}"] ` +
      `in every request (${MODERN_REVISION})`,
  );
}
