/**
 * `mcp-tester compare`: what two servers offer, side by side — capabilities, tools (names and schemas),
 * resources, resource templates and prompts — reduced to the differences.
 */
import type { CommonOptions, Target } from '../args.ts';
import {
  type Connection,
  connectTarget,
  describeTarget,
  messageOf,
  type ServerSummary,
} from '../connection.ts';
import type { AuthSummary } from '../oauth.ts';

/** The sections `compare` looks at. */
export type CompareSection = 'capabilities' | 'tools' | 'resources' | 'resourceTemplates' | 'prompts';

/** One difference: `path` starts at the section, then the item's key (tool name, resource URI...). */
export interface Difference {
  section: CompareSection;
  path: string[];
  change: 'only-in-a' | 'only-in-b' | 'changed';
  a?: unknown;
  b?: unknown;
}

/** What one side of the comparison looked like. */
export interface CompareSide {
  target: string;
  ok: boolean;
  error?: string;
  server?: ServerSummary;
  /** How the tester authenticated to this side (never the token). */
  auth?: AuthSummary;
  counts?: Record<Exclude<CompareSection, 'capabilities'>, number>;
}

/** The JSON document of `compare`. */
export interface CompareReport {
  command: 'compare';
  /** True when both sides connected and listed and no difference was found. */
  ok: boolean;
  a: CompareSide;
  b: CompareSide;
  differences: Difference[];
}

type Snapshot = Record<CompareSection, Record<string, unknown>>;

/**
 * Runs `compare` on two targets (connected at the same time).
 *
 * @example
 * ```ts
 * import { runCompare } from '@pmcp/mcp-tester';
 * const report = await runCompare([{ kind: 'http', url: 'http://127.0.0.1:3000/mcp' }, { kind: 'http', url: 'http://127.0.0.1:3001/mcp' }], options);
 * for (const difference of report.differences) console.log(difference.change, difference.path.join('.'));
 * ```
 */
export async function runCompare(targets: [Target, Target], options: CommonOptions): Promise<CompareReport> {
  // A person signs in to one server at a time, and a fixed --oauth-port can serve only one listener at once.
  const [a, b] =
    options.oauth?.flow === 'loopback'
      ? [await snapshotOf(targets[0], options), await snapshotOf(targets[1], options)]
      : await Promise.all(targets.map((target) => snapshotOf(target, options)));
  const sideA = a as Awaited<ReturnType<typeof snapshotOf>>;
  const sideB = b as Awaited<ReturnType<typeof snapshotOf>>;
  const differences: Difference[] = [];
  if (sideA.snapshot !== undefined && sideB.snapshot !== undefined) {
    for (const section of Object.keys(sideA.snapshot) as CompareSection[]) {
      diff(section, [], sideA.snapshot[section], sideB.snapshot[section], differences);
    }
  }
  return {
    command: 'compare',
    ok: sideA.side.ok && sideB.side.ok && differences.length === 0,
    a: sideA.side,
    b: sideB.side,
    differences,
  };
}

async function snapshotOf(
  target: Target,
  options: CommonOptions,
): Promise<{ side: CompareSide; snapshot?: Snapshot }> {
  const side: CompareSide = { target: describeTarget(target), ok: false };
  const outcome = await connectTarget(target, options);
  if (!outcome.ok) {
    side.error = `Could not connect: ${outcome.error}`;
    side.auth = outcome.auth;
    return { side };
  }
  const connection = outcome.connection;
  side.auth = connection.auth;
  try {
    side.server = connection.summary;
    const snapshot = await listEverything(connection);
    side.counts = {
      tools: Object.keys(snapshot.tools).length,
      resources: Object.keys(snapshot.resources).length,
      resourceTemplates: Object.keys(snapshot.resourceTemplates).length,
      prompts: Object.keys(snapshot.prompts).length,
    };
    side.ok = true;
    return { side, snapshot };
  } catch (error) {
    side.error = `Listing failed: ${messageOf(error)}`;
    return { side };
  } finally {
    await connection.close();
  }
}

async function listEverything(connection: Connection): Promise<Snapshot> {
  const { client, summary } = connection;
  const capabilities = summary.capabilities;
  const byKey = <T>(items: T[], key: (item: T) => string) =>
    Object.fromEntries(items.map((item) => [key(item), item] as const));
  return {
    capabilities: capabilities as Record<string, unknown>,
    tools: capabilities.tools === undefined ? {} : byKey(await client.listAllTools(), (tool) => tool.name),
    resources:
      capabilities.resources === undefined
        ? {}
        : byKey(await client.listAllResources(), (resource) => resource.uri),
    resourceTemplates:
      capabilities.resources === undefined
        ? {}
        : byKey(await client.listAllResourceTemplates(), (template) => template.uriTemplate),
    prompts:
      capabilities.prompts === undefined ? {} : byKey(await client.listAllPrompts(), (prompt) => prompt.name),
  };
}

/**
 * Collects the differences between two JSON values: keys present on one side only, and leaves that differ.
 * Arrays are compared element by element.
 */
function diff(section: CompareSection, path: string[], a: unknown, b: unknown, out: Difference[]): void {
  if (isContainer(a) && isContainer(b) && Array.isArray(a) === Array.isArray(b)) {
    const recordA = a as Record<string, unknown>;
    const recordB = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(recordA), ...Object.keys(recordB)])].sort();
    for (const key of keys) {
      const inA = Object.hasOwn(recordA, key);
      const inB = Object.hasOwn(recordB, key);
      const next = [...path, key];
      if (inA && !inB) out.push({ section, path: next, change: 'only-in-a', a: recordA[key] });
      else if (!inA && inB) out.push({ section, path: next, change: 'only-in-b', b: recordB[key] });
      else diff(section, next, recordA[key], recordB[key], out);
    }
    return;
  }
  if (!Object.is(a, b)) out.push({ section, path, change: 'changed', a, b });
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
