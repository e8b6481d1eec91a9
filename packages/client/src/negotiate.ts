/**
 * Era detection and version negotiation: `server/discover` first, `initialize` as the fallback.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/versioning#backward-compatibility-with-initialization-based-versions
 */
import { isMcpError, McpError, type RequestOptions } from '@pmcp/jsonrpc';
import {
  ErrorCode,
  type Implementation,
  LATEST_LEGACY_PROTOCOL_VERSION,
  LATEST_PROTOCOL_VERSION,
  LEGACY_PROTOCOL_VERSIONS,
  MetaKey,
  Method,
  MODERN_PROTOCOL_VERSIONS,
  Notification,
  type ProtocolEra,
  type ProtocolVersion,
  type ServerCapabilities,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@pmcp/types';
import { protocolViolation } from './client-errors.ts';
import { buildRequestParams, type ClientIdentity, isJsonObject, type JsonObject } from './request-meta.ts';

/**
 * Which era `connect()` should use: `auto` probes with `server/discover` and falls back to `initialize`;
 * `modern` and `legacy` force one path.
 *
 * @example
 * ```ts
 * import { createClient, type EraPreference } from '@pmcp/client';
 * const era: EraPreference = serverIsKnownLegacy ? 'legacy' : 'auto';
 * await createClient({ name: 'my-app', version: '1.0.0' }).connect(transport, { era });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/versioning#backward-compatibility-with-initialization-based-versions
 */
export type EraPreference = 'auto' | ProtocolEra;

/** What the client knows about the server once connected. */
export interface Session {
  era: ProtocolEra;
  protocolVersion: ProtocolVersion;
  serverCapabilities: ServerCapabilities;
  serverInfo: Implementation | undefined;
  instructions: string | undefined;
}

/** The parts of the request engine negotiation needs; narrow so HTTP can supply its own later. */
export interface NegotiationChannel {
  request(method: string, params: JsonObject, options: RequestOptions): Promise<JsonObject>;
  notify(method: string, params?: JsonObject): Promise<void>;
  /** Whether an abandoned request is announced with `notifications/cancelled`. */
  sendCancelNotifications: boolean;
  /** True once the connection is gone: no fallback can help then. */
  isClosed(): boolean;
  /** Tells the transport the version in use (HTTP puts it in a header). */
  setProtocolVersion(version: string): void;
}

/** Inputs of {@link negotiate}. */
export interface NegotiationOptions {
  era: EraPreference;
  identity: ClientIdentity;
  discoverTimeout: number;
  requestTimeout: number | undefined;
}

type NextStep = { era: ProtocolEra; version: ProtocolVersion } | undefined;

const modernVersions: readonly string[] = MODERN_PROTOCOL_VERSIONS;
const legacyVersions: readonly string[] = LEGACY_PROTOCOL_VERSIONS;

/**
 * Finds out which era and version the server speaks, performing the handshake the era needs.
 * Throws an `McpError` saying what failed and how to fix it; the caller closes the connection.
 */
export async function negotiate(channel: NegotiationChannel, options: NegotiationOptions): Promise<Session> {
  if (options.era === 'legacy') return initialize(channel, options, LATEST_LEGACY_PROTOCOL_VERSION);
  return discover(channel, options);
}

async function discover(channel: NegotiationChannel, options: NegotiationOptions): Promise<Session> {
  const forced = options.era === 'modern';
  const tried = new Set<string>();
  const rejections = new VersionRejections();
  let version: ProtocolVersion = LATEST_PROTOCOL_VERSION;
  for (;;) {
    tried.add(version);
    let result: JsonObject;
    try {
      result = await probe(channel, options, version);
    } catch (error) {
      if (channel.isClosed() || !isMcpError(error)) throw error;
      if (error.code === ErrorCode.UnsupportedProtocolVersion) {
        const outcome = rejections.afterRejection(version, error, SUPPORTED_PROTOCOL_VERSIONS);
        if (outcome.kind === 'contradiction') throw outcome.error;
        if (outcome.kind === 'no-shared-version') throw noCommonVersion(outcome.supported, error);
        const next = outcome.version;
        if (modernVersions.includes(next)) {
          version = next;
          continue;
        }
        const supported = outcome.supported;
        if (forced) throw modernRefused(`it supports only legacy versions (${supported.join(', ')})`, error);
        return initialize(channel, options, next);
      }
      if (isModernOnlyError(error.code)) {
        throw new McpError(
          error.code,
          `The server speaks the modern era but rejected server/discover: ${error.message}`,
          { data: error.data, cause: error },
        );
      }
      // Refused credentials say nothing about the era: initialize would be refused the same way, and the error
      // would then blame the wrong thing.
      const refusal = authorizationRefusal(error);
      if (refusal !== undefined) throw refusal;
      if (forced) throw modernRefused(describeProbeFailure(error), error);
      return initialize(channel, options, LATEST_LEGACY_PROTOCOL_VERSION);
    }

    const discovered = readDiscoverResult(result);
    if (discovered === undefined) {
      const reason = 'it answered server/discover with something that is not a DiscoverResult';
      if (forced) throw modernRefused(reason, undefined);
      return initialize(channel, options, LATEST_LEGACY_PROTOCOL_VERSION);
    }
    const next = nextStep(discovered.supportedVersions, tried, version);
    if (next === undefined) throw noCommonVersion(discovered.supportedVersions, undefined);
    if (next.era === 'legacy') {
      if (forced) {
        throw modernRefused(`it supports only legacy versions (${discovered.supportedVersions.join(', ')})`);
      }
      return initialize(channel, options, next.version);
    }
    if (next.version !== version) {
      // The server answered discover but does not list the version we asked with: ask again with one it lists,
      // so the capabilities we keep are the ones it has for the version we will actually use.
      version = next.version;
      continue;
    }
    channel.setProtocolVersion(version);
    return {
      era: 'modern',
      protocolVersion: version,
      serverCapabilities: discovered.capabilities,
      serverInfo: discovered.serverInfo,
      instructions: discovered.instructions,
    };
  }
}

async function probe(
  channel: NegotiationChannel,
  options: NegotiationOptions,
  version: ProtocolVersion,
): Promise<JsonObject> {
  channel.setProtocolVersion(version);
  const params = buildRequestParams({ era: 'modern', protocolVersion: version }, options.identity, undefined);
  // A legacy server may simply never answer; announcing the abandoned probe with notifications/cancelled
  // would put a message for a request it never knew in front of its initialize.
  const announcing = channel.sendCancelNotifications;
  channel.sendCancelNotifications = false;
  try {
    return await channel.request(Method.ServerDiscover, params, { timeout: options.discoverTimeout });
  } finally {
    channel.sendCancelNotifications = announcing;
  }
}

async function initialize(
  channel: NegotiationChannel,
  options: NegotiationOptions,
  firstVersion: ProtocolVersion,
): Promise<Session> {
  const tried = new Set<string>();
  let version = firstVersion;
  for (;;) {
    tried.add(version);
    const params = {
      protocolVersion: version,
      capabilities: options.identity.capabilities,
      clientInfo: options.identity.clientInfo,
    };
    let result: JsonObject;
    try {
      result = await channel.request(
        Method.Initialize,
        params,
        options.requestTimeout === undefined ? {} : { timeout: options.requestTimeout },
      );
    } catch (error) {
      if (channel.isClosed() || !isMcpError(error)) throw error;
      // 2025-11-25 servers reject a version with -32602 and data.supported; modern-only servers with -32022.
      const supported = stringList(isJsonObject(error.data) ? error.data.supported : undefined);
      const next = nextStep(
        supported.filter((candidate) => legacyVersions.includes(candidate)),
        tried,
      );
      if (next !== undefined) {
        version = next.version;
        continue;
      }
      throw initializeRejected(version, supported, error);
    }

    const answered = result.protocolVersion;
    if (typeof answered !== 'string' || !legacyVersions.includes(answered)) {
      throw new McpError(
        ErrorCode.UnsupportedProtocolVersion,
        `The server answered initialize (which requested protocol version ${version}) with version ` +
          `${JSON.stringify(answered)}, which pmcp does not speak in the legacy era; pmcp speaks ` +
          `${LEGACY_PROTOCOL_VERSIONS.join(', ')}. Upgrade the server or pmcp.`,
        { data: { requested: version, answered, supported: [...LEGACY_PROTOCOL_VERSIONS] } },
      );
    }
    if (!isJsonObject(result.capabilities)) {
      throw protocolViolation('The server answered initialize without a capabilities object.', {
        method: Method.Initialize,
      });
    }
    channel.setProtocolVersion(answered);
    await channel.notify(Notification.Initialized);
    return {
      era: 'legacy',
      protocolVersion: answered as ProtocolVersion,
      serverCapabilities: result.capabilities as ServerCapabilities,
      serverInfo: readImplementation(result.serverInfo),
      instructions: typeof result.instructions === 'string' ? result.instructions : undefined,
    };
  }
}

/**
 * What to do after a -32022: send the request again with `version`; stop with `error` (the server
 * contradicts itself); or stop because nothing in `supported` is a version the caller can switch to.
 */
export type RejectionOutcome =
  | { kind: 'retry'; version: ProtocolVersion; supported: readonly string[] }
  | { kind: 'contradiction'; error: McpError }
  | { kind: 'no-shared-version'; supported: readonly string[] };

/**
 * The -32022 bookkeeping of one request. The spec's answer to -32022 is to retry with a version both sides
 * support; a version the server lists yet rejected is retried once, because a server behind a load balancer
 * may reject per request (one instance not upgraded yet). A second rejection of a listed version means the
 * server contradicts itself, and that version is not tried again.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/versioning
 */
export class VersionRejections {
  readonly #counts = new Map<string, number>();

  /**
   * Records that the server rejected `rejected` with `error` (a -32022) and picks the version to retry
   * with: the newest of `speakable` (newest first) that the server lists in `data.supported` and has not
   * rejected twice.
   */
  afterRejection(rejected: string, error: McpError, speakable: readonly ProtocolVersion[]): RejectionOutcome {
    this.#counts.set(rejected, (this.#counts.get(rejected) ?? 0) + 1);
    const supported = stringList(isJsonObject(error.data) ? error.data.supported : undefined);
    const shared = speakable.filter((candidate) => supported.includes(candidate));
    const next = shared.find((candidate) => (this.#counts.get(candidate) ?? 0) < 2);
    if (next !== undefined) return { kind: 'retry', version: next, supported };
    const contradicted = shared.find((candidate) => this.#counts.has(candidate));
    if (contradicted === undefined) return { kind: 'no-shared-version', supported };
    return {
      kind: 'contradiction',
      error: new McpError(
        error.code,
        `The server rejected protocol version ${contradicted} as unsupported twice, yet lists it as supported ` +
          `(${supported.join(', ')}); it contradicts itself, so the client stopped retrying.`,
        { data: error.data, cause: error },
      ),
    };
  }
}

interface DiscoveredServer {
  supportedVersions: string[];
  capabilities: ServerCapabilities;
  serverInfo: Implementation | undefined;
  instructions: string | undefined;
}

function readDiscoverResult(result: JsonObject): DiscoveredServer | undefined {
  const resultType = result.resultType;
  if (resultType !== undefined && resultType !== 'complete') {
    throw protocolViolation(
      `The server answered server/discover with resultType ${JSON.stringify(resultType)}; ` +
        'a DiscoverResult is always "complete".',
      { method: Method.ServerDiscover, resultType },
    );
  }
  if (!Array.isArray(result.supportedVersions) || !isJsonObject(result.capabilities)) return undefined;
  const meta = isJsonObject(result._meta) ? result._meta : {};
  return {
    supportedVersions: stringList(result.supportedVersions),
    capabilities: result.capabilities as ServerCapabilities,
    serverInfo: readImplementation(meta[MetaKey.ServerInfo]),
    instructions: typeof result.instructions === 'string' ? result.instructions : undefined,
  };
}

/** The newest version both sides speak, modern before legacy, skipping versions already rejected. */
function nextStep(supported: readonly string[], tried: ReadonlySet<string>, current?: string): NextStep {
  for (const candidate of SUPPORTED_PROTOCOL_VERSIONS) {
    if (!supported.includes(candidate)) continue;
    if (tried.has(candidate) && candidate !== current) continue;
    return { era: modernVersions.includes(candidate) ? 'modern' : 'legacy', version: candidate };
  }
  return undefined;
}

function isModernOnlyError(code: number): boolean {
  return code === ErrorCode.HeaderMismatch || code === ErrorCode.MissingRequiredClientCapability;
}

function readImplementation(value: unknown): Implementation | undefined {
  if (!isJsonObject(value) || typeof value.name !== 'string' || typeof value.version !== 'string') {
    return undefined;
  }
  return value as unknown as Implementation;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * The error for a probe the server refused for want of (enough) authorization: HTTP 401, or 403 (the HTTP
 * transport reports the status as `data.httpStatus`). `undefined` for any other failure.
 */
function authorizationRefusal(error: McpError): McpError | undefined {
  const data = error.data as { httpStatus?: unknown; wwwAuthenticate?: unknown } | undefined;
  const status = data?.httpStatus;
  if (status !== 401 && status !== 403) return undefined;
  const advice =
    status === 401
      ? 'it requires authorization. Pass an `auth` option to the transport: a hook that supplies a token, or an ' +
        'OAuth provider such as createOAuthClientProvider from @pmcp/auth'
      : 'the credentials sent do not grant access (a missing scope or a refused client)';
  return new McpError(
    error.code,
    `The server refused server/discover with HTTP ${status}: ${advice}. The server said: ${error.message}`,
    { data: error.data, cause: error },
  );
}

function describeProbeFailure(error: McpError): string {
  return `server/discover failed with ${error.code} "${error.message}"`;
}

function modernRefused(reason: string, cause?: McpError): McpError {
  return new McpError(
    cause?.code ?? ErrorCode.UnsupportedProtocolVersion,
    `Connecting with era "modern" failed: the server does not speak the modern era ` +
      `(${MODERN_PROTOCOL_VERSIONS.join(', ')}): ${reason}. Connect with { era: 'auto' } to fall back to ` +
      `initialize, or { era: 'legacy' }.`,
    cause === undefined ? {} : { data: cause.data, cause },
  );
}

function noCommonVersion(serverVersions: readonly string[], cause: McpError | undefined): McpError {
  return new McpError(
    ErrorCode.UnsupportedProtocolVersion,
    `The server and pmcp share no protocol version: the server supports ` +
      `${serverVersions.length > 0 ? serverVersions.join(', ') : '(none listed)'}, pmcp supports ` +
      `${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}. Upgrade whichever side is older.`,
    { data: { supported: [...serverVersions], clientSupported: [...SUPPORTED_PROTOCOL_VERSIONS] }, cause },
  );
}

function initializeRejected(version: string, supported: readonly string[], error: McpError): McpError {
  const modernOnly =
    supported.length > 0 && supported.every((candidate) => modernVersions.includes(candidate));
  const hint = modernOnly
    ? ` The server lists only modern versions (${supported.join(', ')}): connect with { era: 'auto' } or { era: 'modern' }.`
    : supported.length > 0
      ? ` The server supports ${supported.join(', ')}; pmcp supports ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}.`
      : '';
  return new McpError(
    error.code,
    `The server rejected initialize (protocol version ${version}): ${error.message}.${hint}`,
    { data: error.data, cause: error },
  );
}
