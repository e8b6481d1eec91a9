/**
 * Resources and resource templates: registration checks, the per-revision `Resource`/`ResourceTemplate`
 * descriptions, and the `resources/list`, `resources/templates/list` and `resources/read` methods.
 */
import { McpError } from '@pmcp/jsonrpc';
import {
  type Annotations,
  type CacheableResult,
  ErrorCode,
  type Icon,
  type ProtocolEra,
  type Resource,
  type ResourceTemplate,
} from '@pmcp/types';
import { type Completer, compileCompleters } from './completion.ts';
import { createHandlerContext, type HandlerContext, type RequestScope } from './context.ts';
import { paginate } from './pagination.ts';
import type { Registry, RegistryHandle } from './registry.ts';
import { MAX_MATCH_URI_LENGTH, UriTemplate, type UriTemplateVariables } from './uri-template.ts';

/**
 * How long, and for whom, modern clients may cache a `resources/read` result of this resource. Unset fields fall
 * back to the server's `ttlMs` and `cacheScope` options.
 *
 * @example
 * ```ts
 * import type { ResourceCacheOptions } from '@pmcp/server';
 *
 * const cache: ResourceCacheOptions = { ttlMs: 3_600_000, scope: 'public' };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/caching
 */
export interface ResourceCacheOptions {
  /** Milliseconds a client may reuse the contents (0: do not reuse). */
  ttlMs?: number;
  /** `'public'` when the contents are the same for every caller. */
  scope?: CacheableResult['cacheScope'];
}

/**
 * How a static resource describes itself in `resources/list`.
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 *
 * const server = createServer({ name: 'docs', version: '1.0.0' });
 * server.resource(
 *   'docs://readme',
 *   { name: 'readme', title: 'README', mimeType: 'text/markdown', annotations: { audience: ['user'], priority: 0.8 } },
 *   () => '# Hello',
 * );
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/resources#resource
 */
export interface ResourceConfig {
  /** The programmatic name (required by the protocol). */
  name: string;
  /** A display name for people. */
  title?: string;
  description?: string;
  /** Used for every content the read callback returns without its own `mimeType`. */
  mimeType?: string;
  /** Size in bytes, if known. */
  size?: number;
  annotations?: Annotations;
  icons?: Icon[];
  _meta?: Record<string, unknown>;
  cache?: ResourceCacheOptions;
}

/**
 * One item of resource contents as a read callback returns it: text or binary (`blob` as base64 or bytes). `uri`
 * defaults to the URI that was read, `mimeType` to the registration's.
 *
 * @example
 * ```ts
 * import type { ResourceContentsInput } from '@pmcp/server';
 *
 * const text: ResourceContentsInput = { text: 'hello', mimeType: 'text/plain' };
 * const binary: ResourceContentsInput = { blob: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), mimeType: 'image/png' };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/resources#resource-contents
 */
export type ResourceContentsInput =
  | { uri?: string; mimeType?: string; text: string; _meta?: Record<string, unknown> }
  | { uri?: string; mimeType?: string; blob: string | Uint8Array; _meta?: Record<string, unknown> };

/**
 * What a read callback may return: a string (one text content), bytes (one binary content), one content item, an
 * array of them, or a full `{ contents }` result. `undefined`, `null` or no contents mean the resource does not
 * exist: the client gets a "resource not found" error, never an empty `contents`.
 *
 * @example
 * ```ts
 * import type { ResourceReadResult } from '@pmcp/server';
 *
 * const results: ResourceReadResult[] = ['plain text', { blob: 'iVBORw0KGgo=' }, [{ text: 'a' }, { text: 'b', uri: 'x://b' }]];
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/resources#reading-resources
 */
export type ResourceReadResult =
  | string
  | Uint8Array
  | ResourceContentsInput
  | readonly ResourceContentsInput[]
  | { contents: readonly ResourceContentsInput[]; _meta?: Record<string, unknown> }
  | null
  | undefined;

/**
 * Reads a static resource. `uri` is the resource's URI; `ctx` is the same handler context tools get.
 *
 * @example
 * ```ts
 * import type { ResourceReader } from '@pmcp/server';
 *
 * const readConfig: ResourceReader = async (_uri, ctx) => (ctx.signal.aborted ? undefined : '{"debug":false}');
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/resources#reading-resources
 */
export type ResourceReader = (
  uri: string,
  ctx: HandlerContext,
) => ResourceReadResult | Promise<ResourceReadResult>;

/**
 * Reads a resource through a template: `variables` are the template's variables matched from `uri`
 * (percent-decoded). Return `undefined` when no such resource exists.
 *
 * @example
 * ```ts
 * import type { ResourceTemplateReader } from '@pmcp/server';
 *
 * const users = new Map([['42', { name: 'Ada' }]]);
 * const readUser: ResourceTemplateReader = (_uri, { id }) => {
 *   const user = users.get(String(id));
 *   return user && { text: JSON.stringify(user), mimeType: 'application/json' };
 * };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/resources#resource-templates
 */
export type ResourceTemplateReader = (
  uri: string,
  variables: UriTemplateVariables,
  ctx: HandlerContext,
) => ResourceReadResult | Promise<ResourceReadResult>;

/**
 * A resource as a template's `list` callback describes it for `resources/list` (a `mimeType` left out is taken
 * from the template).
 *
 * @example
 * ```ts
 * import type { ListedResource } from '@pmcp/server';
 *
 * const listed: ListedResource = { uri: 'users://42/profile', name: 'Ada', mimeType: 'application/json' };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/resources#resource
 */
export type ListedResource = Omit<Resource, 'icons' | 'annotations' | '_meta'> & {
  icons?: Icon[];
  annotations?: Annotations;
  _meta?: Record<string, unknown>;
};

/**
 * What a template's `list` callback gets: who is asking and the request's cancellation signal.
 *
 * @example
 * ```ts
 * import type { ResourceListContext } from '@pmcp/server';
 *
 * const list = ({ signal }: ResourceListContext) => (signal.aborted ? [] : [{ uri: 'users://1/profile', name: 'one' }]);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/resources#listing-resources
 */
export type ResourceListContext = Pick<HandlerContext, 'signal' | 'client' | 'era' | 'protocolVersion'>;

/**
 * How a resource template describes itself, plus its optional callbacks: `list` contributes concrete resources to
 * `resources/list`, and `complete` suggests values for its variables (`completion/complete`).
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 *
 * const server = createServer({ name: 'users', version: '1.0.0' });
 * server.resourceTemplate(
 *   'users://{id}/profile',
 *   {
 *     name: 'user-profile',
 *     mimeType: 'application/json',
 *     list: () => [{ uri: 'users://42/profile', name: 'Ada' }],
 *     complete: { id: (value) => ['42', '43'].filter((id) => id.startsWith(value)) },
 *   },
 *   (_uri, { id }) => JSON.stringify({ id }),
 * );
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/resources#resource-templates
 */
export interface ResourceTemplateConfig {
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  annotations?: Annotations;
  icons?: Icon[];
  _meta?: Record<string, unknown>;
  /** Concrete resources of this template for `resources/list`. */
  list?: (ctx: ResourceListContext) => readonly ListedResource[] | Promise<readonly ListedResource[]>;
  /** Completers by variable name. */
  complete?: Readonly<Record<string, Completer>>;
  cache?: ResourceCacheOptions;
}

/**
 * The handle of a registered static resource: enable, disable or remove it at run time (clients are told through
 * `notifications/resources/list_changed`).
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 *
 * const server = createServer({ name: 'docs', version: '1.0.0' });
 * const draft = server.resource('docs://draft', { name: 'draft' }, () => 'work in progress');
 * draft.disable(); // hidden from resources/list; reading it answers "not found"
 * draft.remove();
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/resources#list-changed-notification
 */
export interface RegisteredResource {
  readonly uri: string;
  /** False while disabled, and after `remove()`. */
  readonly enabled: boolean;
  enable(): void;
  disable(): void;
  /** Forgets the resource; its URI can be registered again. */
  remove(): void;
}

/**
 * The handle of a registered resource template.
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 *
 * const server = createServer({ name: 'files', version: '1.0.0' });
 * const files = server.resourceTemplate('file:///{+path}', { name: 'file' }, (_uri, { path }) => `contents of ${path}`);
 * files.disable();
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/resources#resource-templates
 */
export interface RegisteredResourceTemplate {
  readonly uriTemplate: string;
  readonly enabled: boolean;
  enable(): void;
  disable(): void;
  remove(): void;
}

interface Described {
  readonly name: string;
  readonly title: string | undefined;
  readonly description: string | undefined;
  readonly mimeType: string | undefined;
  readonly annotations: Annotations | undefined;
  readonly icons: Icon[] | undefined;
  readonly meta: Record<string, unknown> | undefined;
  readonly cache: ResourceCacheOptions;
}

/** A static resource after registration checks. */
export interface CompiledResource extends Described {
  readonly uri: string;
  readonly size: number | undefined;
  readonly read: ResourceReader;
}

/** A resource template after registration checks. */
export interface CompiledResourceTemplate extends Described {
  readonly template: UriTemplate;
  readonly list: ResourceTemplateConfig['list'];
  readonly read: ResourceTemplateReader;
  /** For completion: the template's variables and their completers. */
  readonly completableNames: readonly string[];
  readonly completers: ReadonlyMap<string, Completer>;
}

/** What the resource methods need from the server. */
export interface ResourceSources {
  readonly resources: Registry<CompiledResource>;
  readonly templates: Registry<CompiledResourceTemplate>;
  readonly pageSize: number;
  reportError(error: Error): void;
}

const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function copyJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function revisionAtLeast(version: string, since: string): boolean {
  return version >= since;
}

function checkAnnotations(annotations: unknown, label: string): Annotations | undefined {
  if (annotations === undefined) return undefined;
  const fail = (detail: string): never => {
    throw new TypeError(`${label}: config.annotations ${detail}`);
  };
  if (!isPlainObject(annotations)) fail('must be an object { audience?, priority?, lastModified? }');
  const { audience, priority, lastModified } = annotations as Record<string, unknown>;
  if (
    audience !== undefined &&
    !(Array.isArray(audience) && audience.every((role) => role === 'user' || role === 'assistant'))
  ) {
    fail('.audience must be an array of "user" and "assistant"');
  }
  if (priority !== undefined && !(typeof priority === 'number' && priority >= 0 && priority <= 1)) {
    fail('.priority must be a number from 0 to 1');
  }
  if (lastModified !== undefined && typeof lastModified !== 'string') {
    fail('.lastModified must be an ISO 8601 string');
  }
  return copyJson(annotations as Annotations);
}

function checkCache(cache: unknown, label: string): ResourceCacheOptions {
  if (cache === undefined) return {};
  if (!isPlainObject(cache)) throw new TypeError(`${label}: config.cache must be { ttlMs?, scope? }`);
  const { ttlMs, scope } = cache;
  if (ttlMs !== undefined && !(typeof ttlMs === 'number' && Number.isSafeInteger(ttlMs) && ttlMs >= 0)) {
    throw new TypeError(`${label}: config.cache.ttlMs must be a non-negative integer, got ${String(ttlMs)}`);
  }
  if (scope !== undefined && scope !== 'public' && scope !== 'private') {
    throw new TypeError(`${label}: config.cache.scope must be "public" or "private", got ${String(scope)}`);
  }
  const checked: ResourceCacheOptions = {};
  if (ttlMs !== undefined) checked.ttlMs = ttlMs;
  if (scope !== undefined) checked.scope = scope;
  return checked;
}

function checkDescribed(config: unknown, label: string): Described {
  if (!isPlainObject(config)) throw new TypeError(`${label}: the second argument must be a config object`);
  const { name, title, description, mimeType, annotations, icons, _meta, cache } = config;
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`${label}: config.name must be a non-empty string (the protocol requires a name)`);
  }
  for (const [key, value] of Object.entries({ title, description, mimeType })) {
    if (value !== undefined && typeof value !== 'string')
      throw new TypeError(`${label}: config.${key} must be a string`);
  }
  if (
    icons !== undefined &&
    !(Array.isArray(icons) && icons.every((icon) => isPlainObject(icon) && typeof icon.src === 'string'))
  ) {
    throw new TypeError(`${label}: config.icons must be an array of { src, mimeType?, sizes?, theme? }`);
  }
  if (_meta !== undefined && !isPlainObject(_meta))
    throw new TypeError(`${label}: config._meta must be an object`);
  return {
    name,
    title: title as string | undefined,
    description: description as string | undefined,
    mimeType: mimeType as string | undefined,
    annotations: checkAnnotations(annotations, label),
    icons: icons === undefined ? undefined : copyJson(icons as Icon[]),
    meta: _meta === undefined ? undefined : copyJson(_meta),
    cache: checkCache(cache, label),
  };
}

/** Checks a static resource registration; throws a `TypeError` that says what to change. */
export function compileResource(uri: unknown, config: unknown, read: unknown): CompiledResource {
  if (typeof uri !== 'string' || !URI_SCHEME.test(uri)) {
    throw new TypeError(
      `Invalid resource URI ${JSON.stringify(uri)}: use an absolute URI with a scheme, such as "file:///notes.txt" or "docs://readme"`,
    );
  }
  const label = `Resource "${uri}"`;
  if (UriTemplate.isTemplate(uri)) {
    throw new TypeError(
      `${label} contains a {variable}: register URI templates with server.resourceTemplate()`,
    );
  }
  const described = checkDescribed(config, label);
  const { size } = config as Record<string, unknown>;
  if (size !== undefined && !(typeof size === 'number' && Number.isSafeInteger(size) && size >= 0)) {
    throw new TypeError(`${label}: config.size must be a non-negative integer (bytes)`);
  }
  if (typeof read !== 'function')
    throw new TypeError(`${label}: the third argument must be the read function`);
  return { ...described, uri, size: size as number | undefined, read: read as ResourceReader };
}

/** Checks a resource template registration; throws a `TypeError` that says what to change. */
export function compileResourceTemplate(
  uriTemplate: unknown,
  config: unknown,
  read: unknown,
): CompiledResourceTemplate {
  const template = uriTemplate instanceof UriTemplate ? uriTemplate : new UriTemplate(uriTemplate as string);
  const label = `Resource template "${template.template}"`;
  if (!URI_SCHEME.test(template.template)) {
    throw new TypeError(`${label}: the template must start with a URI scheme, such as "file:///{+path}"`);
  }
  const described = checkDescribed(config, label);
  const { list, complete } = config as Record<string, unknown>;
  if (list !== undefined && typeof list !== 'function') {
    throw new TypeError(`${label}: config.list must be a function that returns the template's resources`);
  }
  if (typeof read !== 'function')
    throw new TypeError(`${label}: the third argument must be the read function`);
  return {
    ...described,
    template,
    list: list as ResourceTemplateConfig['list'],
    read: read as ResourceTemplateReader,
    completableNames: template.variableNames,
    completers: compileCompleters(complete, template.variableNames, 'variable', label),
  };
}

/** A registry handle that names the resource by its URI. */
export function resourceHandle(handle: RegistryHandle): RegisteredResource {
  return {
    uri: handle.name,
    get enabled() {
      return handle.enabled;
    },
    enable: () => handle.enable(),
    disable: () => handle.disable(),
    remove: () => handle.remove(),
  };
}

/** A registry handle that names the template by its URI template. */
export function resourceTemplateHandle(handle: RegistryHandle): RegisteredResourceTemplate {
  return {
    uriTemplate: handle.name,
    get enabled() {
      return handle.enabled;
    },
    enable: () => handle.enable(),
    disable: () => handle.disable(),
    remove: () => handle.remove(),
  };
}

function describeAnnotations(annotations: Annotations, version: string): Annotations {
  if (revisionAtLeast(version, '2025-06-18')) return annotations;
  const { lastModified: _unknownBefore20250618, ...older } = annotations;
  return older;
}

/** The fields `Resource` and `ResourceTemplate` share, with only what revision `version` knows. */
function describeCommon(
  item: {
    name: string;
    title?: string | undefined;
    description?: string | undefined;
    mimeType?: string | undefined;
    annotations?: Annotations | undefined;
    icons?: Icon[] | undefined;
    meta?: Record<string, unknown> | undefined;
  },
  version: string,
): Omit<Resource, 'uri'> {
  const described: Omit<Resource, 'uri'> = { name: item.name };
  if (item.description !== undefined) described.description = item.description;
  if (item.mimeType !== undefined) described.mimeType = item.mimeType;
  if (item.annotations !== undefined) described.annotations = describeAnnotations(item.annotations, version);
  if (revisionAtLeast(version, '2025-06-18')) {
    if (item.title !== undefined) described.title = item.title;
    if (item.meta !== undefined) described._meta = item.meta;
  }
  if (revisionAtLeast(version, '2025-11-25') && item.icons !== undefined) described.icons = item.icons;
  return described;
}

function describeResource(resource: CompiledResource, version: string): Resource {
  const described: Resource = { uri: resource.uri, ...describeCommon(resource, version) };
  if (resource.size !== undefined) described.size = resource.size;
  return described;
}

function describeListed(
  listed: ListedResource,
  template: CompiledResourceTemplate,
  version: string,
): Resource {
  const described: Resource = {
    uri: listed.uri,
    ...describeCommon(
      {
        name: listed.name,
        title: listed.title,
        description: listed.description,
        mimeType: listed.mimeType ?? template.mimeType,
        annotations: listed.annotations,
        icons: listed.icons,
        meta: listed._meta,
      },
      version,
    ),
  };
  if (listed.size !== undefined) described.size = listed.size;
  return described;
}

function describeTemplate(template: CompiledResourceTemplate, version: string): ResourceTemplate {
  return { uriTemplate: template.template.template, ...describeCommon(template, version) };
}

function isListedResource(value: unknown): value is ListedResource {
  return (
    isPlainObject(value) &&
    typeof value.uri === 'string' &&
    typeof value.name === 'string' &&
    (value.size === undefined || (typeof value.size === 'number' && Number.isSafeInteger(value.size)))
  );
}

function readCursor(params: Record<string, unknown>, method: string): string | undefined {
  const cursor = params.cursor;
  if (cursor === undefined || typeof cursor === 'string') return cursor;
  throw new McpError(ErrorCode.InvalidParams, `Invalid params for ${method}: "cursor" must be a string`);
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value), { cause: value });
}

/**
 * `resources/list`: the static resources in registration order, then what each template's `list` callback
 * returns (a URI already listed is not repeated), one page at a time. A failing `list` callback is reported to
 * `onerror` and leaves out only that template's resources.
 */
export async function listResourcesMethod(
  params: Record<string, unknown>,
  sources: ResourceSources,
  scope: RequestScope,
): Promise<Record<string, unknown>> {
  const cursor = readCursor(params, 'resources/list');
  const version = scope.protocolVersion;
  const entries: Array<[string, Resource]> = [];
  const seen = new Set<string>();
  for (const [uri, resource] of sources.resources.list()) {
    seen.add(uri);
    entries.push([uri, describeResource(resource, version)]);
  }
  const listContext: ResourceListContext = {
    signal: scope.rpc.signal,
    client: scope.client,
    era: scope.era,
    protocolVersion: version,
  };
  for (const [, template] of sources.templates.list()) {
    if (template.list === undefined) continue;
    let listed: readonly unknown[];
    try {
      const returned: unknown = await template.list(listContext);
      if (!Array.isArray(returned)) throw new TypeError('it must return an array of { uri, name, ... }');
      listed = returned;
    } catch (error) {
      sources.reportError(
        new Error(
          `The list callback of resource template "${template.template.template}" failed: ${toError(error).message}`,
          {
            cause: error,
          },
        ),
      );
      continue;
    }
    listed.forEach((item, index) => {
      if (!isListedResource(item)) {
        sources.reportError(
          new Error(
            `The list callback of resource template "${template.template.template}" returned an invalid resource at index ${index}; each needs string "uri" and "name"`,
          ),
        );
        return;
      }
      if (seen.has(item.uri)) return;
      seen.add(item.uri);
      entries.push([item.uri, describeListed(item, template, version)]);
    });
  }
  const page = paginate(entries, 'resources/list', cursor, sources.pageSize);
  const result: Record<string, unknown> = { resources: page.items };
  if (page.nextCursor !== undefined) result.nextCursor = page.nextCursor;
  return result;
}

/** `resources/templates/list`: templates in registration order, one page at a time. */
export function listResourceTemplatesMethod(
  params: Record<string, unknown>,
  sources: ResourceSources,
  scope: RequestScope,
): Record<string, unknown> {
  const cursor = readCursor(params, 'resources/templates/list');
  const entries = sources.templates
    .list()
    .map(([key, template]): [string, ResourceTemplate] => [
      key,
      describeTemplate(template, scope.protocolVersion),
    ]);
  const page = paginate(entries, 'resources/templates/list', cursor, sources.pageSize);
  const result: Record<string, unknown> = { resourceTemplates: page.items };
  if (page.nextCursor !== undefined) result.nextCursor = page.nextCursor;
  return result;
}

/** "Resource not found": `-32602` in the modern era, `-32002` up to 2025-11-25; both carry `data.uri`. */
function resourceNotFound(uri: string, era: ProtocolEra): McpError {
  return new McpError(
    era === 'modern' ? ErrorCode.InvalidParams : ErrorCode.ResourceNotFound,
    `Resource not found: ${uri}; call resources/list or resources/templates/list for what this server offers`,
    { data: { uri } },
  );
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep String.fromCharCode's argument list short.
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  }
  return btoa(binary);
}

interface ContentsDefaults {
  readonly uri: string;
  readonly mimeType: string | undefined;
  readonly label: string;
  readonly version: string;
}

function shapeContentsItem(
  item: unknown,
  index: number,
  defaults: ContentsDefaults,
): Record<string, unknown> {
  const fail = (detail: string): never => {
    throw new Error(`${defaults.label} returned invalid contents at index ${index}: ${detail}`);
  };
  if (!isPlainObject(item)) return fail('expected { text } or { blob }');
  const uri = item.uri ?? defaults.uri;
  const mimeType = item.mimeType ?? defaults.mimeType;
  if (typeof uri !== 'string') fail('"uri" must be a string');
  if (mimeType !== undefined && typeof mimeType !== 'string') fail('"mimeType" must be a string');
  const shaped: Record<string, unknown> = { uri };
  if (mimeType !== undefined) shaped.mimeType = mimeType;
  if (typeof item.text === 'string') {
    shaped.text = item.text;
  } else if (typeof item.blob === 'string') {
    shaped.blob = item.blob;
  } else if (item.blob instanceof Uint8Array) {
    shaped.blob = bytesToBase64(item.blob);
  } else {
    fail('expected a string "text", or a "blob" given as base64 or a Uint8Array');
  }
  if (item._meta !== undefined && revisionAtLeast(defaults.version, '2025-06-18')) {
    if (!isPlainObject(item._meta)) fail('"_meta" must be an object');
    shaped._meta = item._meta;
  }
  return shaped;
}

/** Turns what a read callback returned into `{ contents, _meta? }`, or `undefined` when the resource is missing. */
function shapeReadResult(returned: unknown, defaults: ContentsDefaults): Record<string, unknown> | undefined {
  if (returned === undefined || returned === null) return undefined;
  let items: readonly unknown[];
  let meta: unknown;
  if (typeof returned === 'string') items = [{ text: returned }];
  else if (returned instanceof Uint8Array) items = [{ blob: returned }];
  else if (Array.isArray(returned)) items = returned;
  else if (isPlainObject(returned) && Array.isArray(returned.contents)) {
    items = returned.contents;
    meta = returned._meta;
  } else items = [returned];
  if (items.length === 0) return undefined;
  const result: Record<string, unknown> = {
    contents: items.map((item, index) => shapeContentsItem(item, index, defaults)),
  };
  if (meta !== undefined) {
    if (!isPlainObject(meta)) throw new Error(`${defaults.label} returned a "_meta" that is not an object`);
    result._meta = meta;
  }
  return result;
}

/**
 * `resources/read`: an exact static resource first, then the first enabled template (in registration order) whose
 * pattern matches. Missing resources get {@link resourceNotFound}; results carry the registration's cache hints.
 */
export async function readResourceMethod(
  params: Record<string, unknown>,
  sources: ResourceSources,
  scope: RequestScope,
): Promise<Record<string, unknown>> {
  const uri = params.uri;
  if (typeof uri !== 'string') {
    throw new McpError(
      ErrorCode.InvalidParams,
      uri === undefined
        ? 'Invalid params for resources/read: "uri" is required'
        : 'Invalid params for resources/read: "uri" must be a string',
    );
  }
  if (uri.length > MAX_MATCH_URI_LENGTH) {
    throw new McpError(
      ErrorCode.InvalidParams,
      `Invalid params for resources/read: "uri" is ${uri.length} characters long; this server reads URIs of at most ${MAX_MATCH_URI_LENGTH}`,
      { data: { uri: uri.slice(0, 256) } },
    );
  }

  const resource = sources.resources.get(uri);
  let target: { described: Described; label: string; run: (ctx: HandlerContext) => unknown } | undefined;
  if (resource !== undefined) {
    target = { described: resource, label: `Resource "${uri}"`, run: (ctx) => resource.read(uri, ctx) };
  } else {
    for (const [, template] of sources.templates.list()) {
      const variables = template.template.match(uri);
      if (variables === null) continue;
      target = {
        described: template,
        label: `Resource template "${template.template.template}" (reading ${uri})`,
        run: (ctx) => template.read(uri, variables, ctx),
      };
      break;
    }
  }
  if (target === undefined) throw resourceNotFound(uri, scope.era);

  const control = createHandlerContext(scope);
  let returned: unknown;
  try {
    returned = await target.run(control.context);
  } finally {
    control.finish();
  }
  const result = shapeReadResult(returned, {
    uri,
    mimeType: target.described.mimeType,
    label: target.label,
    version: scope.protocolVersion,
  });
  if (result === undefined) throw resourceNotFound(uri, scope.era);
  const { cache } = target.described;
  if (cache.ttlMs !== undefined) result.ttlMs = cache.ttlMs;
  if (cache.scope !== undefined) result.cacheScope = cache.scope;
  return result;
}
