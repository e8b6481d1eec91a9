/**
 * `mcp-tester compliance`: protocol checks against one server. Lists are fetched raw (the tester's own requests
 * on the client's connection), so what is validated is what the server sent, not what the client made of it.
 */
import {
  DiscoverResultSchema,
  GetPromptResultSchema,
  InitializeResultSchema,
  LegacyGetPromptResultSchema,
  LegacyListPromptsResultSchema,
  LegacyListResourcesResultSchema,
  LegacyListResourceTemplatesResultSchema,
  LegacyListToolsResultSchema,
  LegacyReadResourceResultSchema,
  ListPromptsResultSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesResultSchema,
  ListToolsResultSchema,
  ReadResourceResultSchema,
} from '@pmcp/types/schemas';
import type { CommonOptions, Target } from '../args.ts';
import { type Connection, connectTarget, describeTarget, messageOf } from '../connection.ts';
import type { AuthSummary } from '../oauth.ts';
import type { RawOutcome } from '../tap.ts';

/** The verdict of one check. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

/** One compliance check. */
export interface Check {
  id: string;
  status: CheckStatus;
  message: string;
}

/** The JSON document of `compliance`. */
export interface ComplianceReport {
  command: 'compliance';
  ok: boolean;
  target: string;
  /** How the tester authenticated (never the token). */
  auth?: AuthSummary;
  era?: string;
  protocolVersion?: string;
  checks: Check[];
  summary: Record<CheckStatus, number>;
  /** The server's stderr (stdio targets) when a check failed. */
  stderrTail?: string;
}

/** A safeParse-able schema; the zod types stay inside @pmcp/types. */
interface ResultSchema {
  safeParse(value: unknown): {
    success: boolean;
    error?: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> };
  };
}

interface ListSpec {
  id: string;
  method: string;
  itemsKey: string;
  capability: 'tools' | 'resources' | 'prompts';
  modern: ResultSchema;
  legacy: ResultSchema;
}

/** A bound on pages per list: a server that hands out cursors forever must not keep the tester busy forever. */
export const MAX_PAGES = 50;
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const ISSUES_SHOWN = 3;
const LISTS: readonly ListSpec[] = [
  {
    id: 'list.tools',
    method: 'tools/list',
    itemsKey: 'tools',
    capability: 'tools',
    modern: ListToolsResultSchema,
    legacy: LegacyListToolsResultSchema,
  },
  {
    id: 'list.resources',
    method: 'resources/list',
    itemsKey: 'resources',
    capability: 'resources',
    modern: ListResourcesResultSchema,
    legacy: LegacyListResourcesResultSchema,
  },
  {
    id: 'list.resource-templates',
    method: 'resources/templates/list',
    itemsKey: 'resourceTemplates',
    capability: 'resources',
    modern: ListResourceTemplatesResultSchema,
    legacy: LegacyListResourceTemplatesResultSchema,
  },
  {
    id: 'list.prompts',
    method: 'prompts/list',
    itemsKey: 'prompts',
    capability: 'prompts',
    modern: ListPromptsResultSchema,
    legacy: LegacyListPromptsResultSchema,
  },
];

interface ListOutcome {
  items: unknown[];
  pages: Record<string, unknown>[];
  /** Why listing stopped early, if it did. */
  stopped?: { reason: 'error' | 'unbounded' | 'repeated-cursor' | 'invalid'; message: string };
}

/**
 * Runs the compliance checks against one target.
 *
 * @example
 * ```ts
 * import { runCompliance } from '@pmcp/mcp-tester';
 * const report = await runCompliance({ kind: 'stdio', commandLine: 'node server.js', command: 'node', args: ['server.js'] }, options);
 * for (const check of report.checks) console.log(check.status, check.id, check.message);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic
 */
export async function runCompliance(target: Target, options: CommonOptions): Promise<ComplianceReport> {
  const checks: Check[] = [];
  const report: ComplianceReport = {
    command: 'compliance',
    ok: false,
    target: describeTarget(target),
    checks,
    summary: { pass: 0, fail: 0, warn: 0, skip: 0 },
  };
  const outcome = await connectTarget(target, options);
  report.auth = outcome.ok ? outcome.connection.auth : outcome.auth;
  if (!outcome.ok) {
    checks.push({
      id: 'connect',
      status: 'fail',
      message: `Could not connect: ${outcome.error} (mcp-tester diagnose checks the connection step by step).`,
    });
    if (outcome.stderrTail !== '') report.stderrTail = outcome.stderrTail;
    return finish(report);
  }
  const connection = outcome.connection;
  try {
    await runChecks(connection, checks);
    if (checks.some((check) => check.status === 'fail') && connection.stderrTail() !== '') {
      report.stderrTail = connection.stderrTail();
    }
    report.era = connection.summary.era;
    report.protocolVersion = connection.summary.protocolVersion;
    return finish(report);
  } finally {
    await connection.close();
  }
}

async function runChecks(connection: Connection, checks: Check[]): Promise<void> {
  const { era, protocolVersion, capabilities, serverInfo } = connection.summary;
  const modern = era === 'modern';
  const revision = modern ? '2026-07-28' : '2025-11-25';
  checks.push({
    id: 'connect',
    status: 'pass',
    message: `Connected: ${era} era, protocol ${protocolVersion}${serverInfo ? `, server ${serverInfo.name} ${serverInfo.version}` : ''}.`,
  });
  checks.push(handshakeCheck(connection, revision));

  const lists = new Map<string, ListOutcome>();
  for (const spec of LISTS) {
    if (capabilities[spec.capability] === undefined) {
      checks.push({
        id: spec.id,
        status: 'skip',
        message: `The server does not advertise ${spec.capability}.`,
      });
      continue;
    }
    const listed = await listRaw(connection, spec, modern ? spec.modern : spec.legacy, revision);
    lists.set(spec.id, listed);
    checks.push(listCheck(spec, listed, revision));
  }
  checks.push(paginationCheck(lists));
  if (modern) checks.push(cachingCheck(connection, lists));

  const tools = lists.get('list.tools')?.items;
  checks.push(toolNamesCheck(tools));
  checks.push(inputSchemaCheck(tools));

  checks.push(await readResourceCheck(connection, lists.get('list.resources'), modern, revision));
  checks.push(await unknownResourceCheck(connection, modern));
  checks.push(await getPromptCheck(connection, lists.get('list.prompts'), modern, revision));
  checks.push(await unknownPromptCheck(connection));

  checks.push(await unknownMethodCheck(connection));
  checks.push(await unknownToolCheck(connection, modern));
  checks.push(await invalidCursorCheck(connection));
  checks.push(await pingCheck(connection, modern));
  checks.push(transportCheck(connection));
}

function handshakeCheck(connection: Connection, revision: string): Check {
  const modern = connection.summary.era === 'modern';
  const method = modern ? 'server/discover' : 'initialize';
  const raw = connection.handshakeResults.get(method);
  if (raw === undefined) {
    return { id: 'schema.handshake', status: 'skip', message: `The raw ${method} result was not captured.` };
  }
  const issues = validate(modern ? DiscoverResultSchema : InitializeResultSchema, raw);
  return issues === undefined
    ? {
        id: 'schema.handshake',
        status: 'pass',
        message: `The ${method} result is valid against the ${revision} schema.`,
      }
    : {
        id: 'schema.handshake',
        status: 'fail',
        message: `The ${method} result does not match the ${revision} schema: ${issues}.`,
      };
}

async function listRaw(
  connection: Connection,
  spec: ListSpec,
  schema: ResultSchema,
  revision: string,
): Promise<ListOutcome> {
  const outcome: ListOutcome = { items: [], pages: [] };
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 1; ; page += 1) {
    if (page > MAX_PAGES) {
      outcome.stopped = {
        reason: 'unbounded',
        message: `${spec.method} still had a nextCursor after ${MAX_PAGES} pages`,
      };
      return outcome;
    }
    let answer: RawOutcome;
    try {
      answer = await connection.raw(spec.method, cursor === undefined ? {} : { cursor });
    } catch (error) {
      outcome.stopped = { reason: 'error', message: `${spec.method} page ${page}: ${messageOf(error)}` };
      return outcome;
    }
    if (answer.kind === 'error') {
      outcome.stopped = {
        reason: 'error',
        message: `${spec.method} page ${page} was answered with error ${answer.code}: ${answer.message}`,
      };
      return outcome;
    }
    outcome.pages.push(answer.result);
    const issues = validate(schema, answer.result);
    if (issues !== undefined) {
      outcome.stopped = {
        reason: 'invalid',
        message: `${spec.method} page ${page} does not match the ${revision} schema: ${issues}`,
      };
      return outcome;
    }
    const items = answer.result[spec.itemsKey];
    if (Array.isArray(items)) outcome.items.push(...items);
    const next = answer.result.nextCursor;
    if (typeof next !== 'string') return outcome;
    if (seen.has(next)) {
      outcome.stopped = {
        reason: 'repeated-cursor',
        message: `${spec.method} page ${page} repeated the cursor ${JSON.stringify(next)}, so listing would never end`,
      };
      return outcome;
    }
    seen.add(next);
    cursor = next;
  }
}

function listCheck(spec: ListSpec, listed: ListOutcome, revision: string): Check {
  if (
    listed.stopped !== undefined &&
    listed.stopped.reason !== 'unbounded' &&
    listed.stopped.reason !== 'repeated-cursor'
  ) {
    return { id: spec.id, status: 'fail', message: `${listed.stopped.message}.` };
  }
  const pages = listed.pages.length;
  return {
    id: spec.id,
    status: 'pass',
    message: `${spec.method}: ${listed.items.length} item(s) in ${pages} page(s), each valid against the ${revision} schema.`,
  };
}

function paginationCheck(lists: ReadonlyMap<string, ListOutcome>): Check {
  if (lists.size === 0)
    return { id: 'pagination', status: 'skip', message: 'The server advertises no lists.' };
  for (const listed of lists.values()) {
    const reason = listed.stopped?.reason;
    if (reason === 'unbounded' || reason === 'repeated-cursor') {
      return { id: 'pagination', status: 'fail', message: `${listed.stopped?.message}.` };
    }
  }
  const pages = [...lists.values()].reduce((total, listed) => total + listed.pages.length, 0);
  return {
    id: 'pagination',
    status: 'pass',
    message: `Every list ended (a page without nextCursor) within ${MAX_PAGES} pages; ${pages} pages in all.`,
  };
}

/** 2026-07-28 makes ttlMs and cacheScope a MUST on discover and list results; the schema leaves them optional. */
function cachingCheck(connection: Connection, lists: ReadonlyMap<string, ListOutcome>): Check {
  const results: [string, Record<string, unknown>][] = [];
  const discover = connection.handshakeResults.get('server/discover');
  if (discover !== undefined) results.push(['server/discover', discover]);
  for (const [id, listed] of lists) for (const page of listed.pages) results.push([id, page]);
  const missing = results.filter(
    ([, result]) => typeof result.ttlMs !== 'number' || typeof result.cacheScope !== 'string',
  );
  if (missing.length === 0) {
    return {
      id: 'caching',
      status: 'pass',
      message: `All ${results.length} cacheable results carry ttlMs and cacheScope.`,
    };
  }
  const names = [...new Set(missing.map(([name]) => name))].join(', ');
  return {
    id: 'caching',
    status: 'fail',
    message: `${missing.length} cacheable result(s) lack ttlMs or cacheScope (${names}); 2026-07-28 requires both.`,
  };
}

function toolNamesCheck(tools: unknown[] | undefined): Check {
  if (tools === undefined) return { id: 'tools.names', status: 'skip', message: 'No tools were listed.' };
  const names = tools.map((tool) => (isObject(tool) ? tool.name : undefined));
  const bad = names.filter((name) => typeof name !== 'string' || !TOOL_NAME.test(name));
  const duplicates = names.filter((name, index) => names.indexOf(name) !== index);
  if (bad.length === 0 && duplicates.length === 0) {
    return {
      id: 'tools.names',
      status: 'pass',
      message: `All ${names.length} tool names are 1-128 characters of [A-Za-z0-9_.-] and unique.`,
    };
  }
  const parts: string[] = [];
  if (bad.length > 0) {
    const shown = [...new Set(bad)].slice(0, 5).map((name) => JSON.stringify(name));
    parts.push(`name(s) outside 1-128 characters of [A-Za-z0-9_.-]: ${shown.join(', ')}`);
  }
  if (duplicates.length > 0)
    parts.push(
      `duplicate name(s): ${[...new Set(duplicates)].map((name) => JSON.stringify(name)).join(', ')}`,
    );
  return { id: 'tools.names', status: 'warn', message: `${parts.join('; ')} (a SHOULD since 2025-11-25).` };
}

function inputSchemaCheck(tools: unknown[] | undefined): Check {
  if (tools === undefined)
    return { id: 'tools.input-schema', status: 'skip', message: 'No tools were listed.' };
  const bad = tools
    .filter((tool) => !isObject(tool) || !isObject(tool.inputSchema) || tool.inputSchema.type !== 'object')
    .map((tool) => (isObject(tool) ? String(tool.name) : JSON.stringify(tool)));
  if (bad.length === 0) {
    return {
      id: 'tools.input-schema',
      status: 'pass',
      message: `All ${tools.length} tools have an object inputSchema ({ "type": "object", ... }).`,
    };
  }
  return {
    id: 'tools.input-schema',
    status: 'fail',
    message: `inputSchema must be a JSON Schema with "type": "object"; not so for: ${bad.slice(0, 5).join(', ')}.`,
  };
}

/** Reads the first listed resource and validates what comes back. */
async function readResourceCheck(
  connection: Connection,
  listed: ListOutcome | undefined,
  modern: boolean,
  revision: string,
): Promise<Check> {
  const id = 'resources.read';
  const first = listed?.items.find((item) => isObject(item) && typeof item.uri === 'string') as
    | { uri: string }
    | undefined;
  if (first === undefined) return { id, status: 'skip', message: 'No resource was listed to read.' };
  const answer = await ask(connection, 'resources/read', { uri: first.uri });
  if (typeof answer === 'string') return { id, status: 'fail', message: answer };
  if (answer.kind === 'error') {
    return {
      id,
      status: 'fail',
      message: `Reading the listed resource ${first.uri} was answered with error ${answer.code}: ${answer.message}.`,
    };
  }
  if (answer.result.resultType === 'input_required') {
    return { id, status: 'skip', message: `Reading ${first.uri} asks for input the tester cannot give.` };
  }
  const issues = validate(modern ? ReadResourceResultSchema : LegacyReadResourceResultSchema, answer.result);
  if (issues !== undefined) {
    return {
      id,
      status: 'fail',
      message: `resources/read of ${first.uri} does not match the ${revision} schema: ${issues}.`,
    };
  }
  const contents = answer.result.contents as unknown[];
  if (contents.length === 0) {
    return { id, status: 'warn', message: `resources/read of ${first.uri} returned no contents.` };
  }
  return {
    id,
    status: 'pass',
    message: `resources/read of ${first.uri}: ${contents.length} content item(s), valid against the ${revision} schema.`,
  };
}

/** An unknown URI gets the era's not-found error: -32602 in 2026-07-28, -32002 before. */
async function unknownResourceCheck(connection: Connection, modern: boolean): Promise<Check> {
  const id = 'errors.unknown-resource';
  if (connection.summary.capabilities.resources === undefined) {
    return { id, status: 'skip', message: 'The server does not advertise resources.' };
  }
  const expected = modern ? -32602 : -32002;
  const answer = await ask(connection, 'resources/read', { uri: 'mcp-tester://no-such-resource' });
  if (typeof answer === 'string') return { id, status: 'fail', message: answer };
  if (answer.kind === 'error') {
    if (answer.code === expected) {
      return { id, status: 'pass', message: `Reading an unknown resource was answered with ${expected}.` };
    }
    return {
      id,
      status: 'warn',
      message: `Reading an unknown resource was answered with error ${answer.code}; the ${modern ? '2026-07-28' : 'legacy'} spec names ${expected}.`,
    };
  }
  return {
    id,
    status: 'fail',
    message: `Reading an unknown resource returned a successful result; it must be an error (${expected}).`,
  };
}

/** Gets the first listed prompt, with a placeholder for each required argument, and validates the result. */
async function getPromptCheck(
  connection: Connection,
  listed: ListOutcome | undefined,
  modern: boolean,
  revision: string,
): Promise<Check> {
  const id = 'prompts.get';
  const first = listed?.items.find((item) => isObject(item) && typeof item.name === 'string') as
    | { name: string; arguments?: unknown }
    | undefined;
  if (first === undefined || listed?.stopped !== undefined) {
    return { id, status: 'skip', message: 'No prompt was listed (validly) to get.' };
  }
  const args: Record<string, string> = {};
  for (const argument of Array.isArray(first.arguments) ? first.arguments : []) {
    if (isObject(argument) && argument.required === true && typeof argument.name === 'string') {
      args[argument.name] = 'mcp-tester';
    }
  }
  const answer = await ask(connection, 'prompts/get', { name: first.name, arguments: args });
  if (typeof answer === 'string') return { id, status: 'fail', message: answer };
  if (answer.kind === 'error') {
    return {
      id,
      status: 'fail',
      message: `Getting the listed prompt "${first.name}" was answered with error ${answer.code}: ${answer.message}.`,
    };
  }
  if (answer.result.resultType === 'input_required') {
    return { id, status: 'skip', message: `Getting "${first.name}" asks for input the tester cannot give.` };
  }
  const issues = validate(modern ? GetPromptResultSchema : LegacyGetPromptResultSchema, answer.result);
  if (issues !== undefined) {
    return {
      id,
      status: 'fail',
      message: `prompts/get of "${first.name}" does not match the ${revision} schema: ${issues}.`,
    };
  }
  return {
    id,
    status: 'pass',
    message: `prompts/get of "${first.name}": ${(answer.result.messages as unknown[]).length} message(s), valid against the ${revision} schema.`,
  };
}

async function unknownPromptCheck(connection: Connection): Promise<Check> {
  const id = 'errors.unknown-prompt';
  if (connection.summary.capabilities.prompts === undefined) {
    return { id, status: 'skip', message: 'The server does not advertise prompts.' };
  }
  const answer = await ask(connection, 'prompts/get', { name: 'mcp-tester-no-such-prompt', arguments: {} });
  if (typeof answer === 'string') return { id, status: 'fail', message: answer };
  if (answer.kind === 'error') {
    if (answer.code === -32602) {
      return { id, status: 'pass', message: 'Getting an unknown prompt was answered with -32602.' };
    }
    return {
      id,
      status: 'warn',
      message: `Getting an unknown prompt was answered with error ${answer.code}; the spec names -32602 (invalid params).`,
    };
  }
  return {
    id,
    status: 'fail',
    message: 'Getting an unknown prompt returned a successful result; it must be an error (-32602).',
  };
}

async function unknownMethodCheck(connection: Connection): Promise<Check> {
  const id = 'errors.unknown-method';
  const answer = await ask(connection, 'mcp-tester/no-such-method', {});
  if (typeof answer === 'string') return { id, status: 'fail', message: answer };
  if (answer.kind === 'error' && answer.code === -32601) {
    return { id, status: 'pass', message: 'An unknown method was answered with -32601 (method not found).' };
  }
  return {
    id,
    status: 'fail',
    message: `An unknown method must get error -32601; the server answered ${describeOutcome(answer)}.`,
  };
}

async function unknownToolCheck(connection: Connection, modern: boolean): Promise<Check> {
  const id = 'errors.unknown-tool';
  if (connection.summary.capabilities.tools === undefined) {
    return { id, status: 'skip', message: 'The server does not advertise tools.' };
  }
  const answer = await ask(connection, 'tools/call', { name: 'mcp-tester-no-such-tool', arguments: {} });
  if (typeof answer === 'string') return { id, status: 'fail', message: answer };
  if (answer.kind === 'error') {
    if (answer.code === -32602)
      return { id, status: 'pass', message: 'Calling an unknown tool was answered with -32602.' };
    return {
      id,
      status: 'warn',
      message: `Calling an unknown tool was answered with error ${answer.code}; the spec names -32602 (invalid params).`,
    };
  }
  if (answer.result.isError === true) {
    // Older SDKs answered unknown tools with an isError result; 2026-07-28 makes the JSON-RPC error explicit.
    return {
      id,
      status: modern ? 'fail' : 'warn',
      message:
        'Calling an unknown tool returned a result with isError: true; the spec asks for a JSON-RPC error -32602 ' +
        `(isError is for failures while the tool runs)${modern ? '' : ', tolerated for legacy servers'}.`,
    };
  }
  return {
    id,
    status: 'fail',
    message: 'Calling an unknown tool returned a successful result; it must be an error (-32602).',
  };
}

async function invalidCursorCheck(connection: Connection): Promise<Check> {
  const id = 'errors.invalid-cursor';
  const capabilities = connection.summary.capabilities;
  const spec = LISTS.find((list) => capabilities[list.capability] !== undefined);
  if (spec === undefined) return { id, status: 'skip', message: 'The server advertises no lists.' };
  const answer = await ask(connection, spec.method, { cursor: 'mcp-tester-not-a-cursor' });
  if (typeof answer === 'string') return { id, status: 'fail', message: answer };
  if (answer.kind === 'error' && answer.code === -32602) {
    return { id, status: 'pass', message: `${spec.method} with an invalid cursor was answered with -32602.` };
  }
  return {
    id,
    status: 'warn',
    message: `${spec.method} with an invalid cursor should get -32602; the server answered ${describeOutcome(answer)}.`,
  };
}

async function pingCheck(connection: Connection, modern: boolean): Promise<Check> {
  const id = 'ping';
  if (modern) return { id, status: 'skip', message: '2026-07-28 has no ping.' };
  const answer = await ask(connection, 'ping', {});
  if (typeof answer === 'string') return { id, status: 'fail', message: answer };
  if (answer.kind === 'error')
    return {
      id,
      status: 'fail',
      message: `ping must answer {}; got error ${answer.code}: ${answer.message}.`,
    };
  const extra = Object.keys(answer.result).filter((key) => key !== '_meta');
  if (extra.length > 0) {
    return {
      id,
      status: 'warn',
      message: `ping answered with extra fields (${extra.join(', ')}); it should answer {}.`,
    };
  }
  return { id, status: 'pass', message: 'ping answered {}.' };
}

function transportCheck(connection: Connection): Check {
  const errors = connection.transportErrors;
  if (errors.length === 0) {
    return {
      id: 'transport',
      status: 'pass',
      message: 'Every message the server sent was valid JSON-RPC for a known request.',
    };
  }
  return {
    id: 'transport',
    status: 'fail',
    message: `The connection reported ${errors.length} problem(s): ${errors.slice(0, ISSUES_SHOWN).join(' | ')}`,
  };
}

/** A raw request whose failure to answer at all is a message rather than a throw. */
async function ask(
  connection: Connection,
  method: string,
  params: Record<string, unknown>,
): Promise<RawOutcome | string> {
  try {
    return await connection.raw(method, params);
  } catch (error) {
    return `${method} got no answer: ${messageOf(error)}`;
  }
}

function describeOutcome(answer: RawOutcome): string {
  return answer.kind === 'error' ? `error ${answer.code} (${answer.message})` : 'a successful result';
}

function validate(schema: ResultSchema, value: unknown): string | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return undefined;
  const issues = parsed.error?.issues ?? [];
  const shown = issues
    .slice(0, ISSUES_SHOWN)
    .map(
      (issue) => `${issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.')}: ${issue.message}`,
    );
  const more = issues.length > ISSUES_SHOWN ? ` (and ${issues.length - ISSUES_SHOWN} more)` : '';
  return `${shown.join('; ')}${more}`;
}

function finish(report: ComplianceReport): ComplianceReport {
  for (const check of report.checks) report.summary[check.status] += 1;
  report.ok = report.summary.fail === 0;
  return report;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
