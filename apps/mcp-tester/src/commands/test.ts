/**
 * `mcp-tester test`: connect, list everything the server offers (all pages), optionally call one tool, and time
 * each step. Timings are reported, never judged.
 */
import type { CallToolResult, Prompt, Resource, ResourceTemplate, Tool } from '@pmcp/types';
import type { CommonOptions, Target, ToolCall } from '../args.ts';
import {
  type Connection,
  connectTarget,
  describeTarget,
  messageOf,
  type ServerSummary,
} from '../connection.ts';
import type { AuthSummary } from '../oauth.ts';

/** One step of `test`. */
export interface TestStep {
  step:
    | 'connect'
    | 'tools/list'
    | 'resources/list'
    | 'resources/templates/list'
    | 'prompts/list'
    | 'tools/call';
  status: 'ok' | 'failed' | 'skipped';
  durationMs: number;
  /** Items listed by a list step. */
  count?: number;
  /** Why the step failed or was skipped. */
  message?: string;
}

/** The JSON document of `test`. */
export interface TestReport {
  command: 'test';
  ok: boolean;
  target: string;
  /** How the tester authenticated (never the token). */
  auth?: AuthSummary;
  server?: ServerSummary;
  tools?: Tool[];
  resources?: Resource[];
  resourceTemplates?: ResourceTemplate[];
  prompts?: Prompt[];
  call?: { tool: string; arguments: Record<string, unknown>; result?: CallToolResult };
  steps: TestStep[];
  /** The server's stderr (stdio targets) when something failed. */
  stderrTail?: string;
}

type ListKey = 'tools' | 'resources' | 'resourceTemplates' | 'prompts';

/**
 * Runs `test` against one target.
 *
 * @example
 * ```ts
 * import { runTest } from '@pmcp/mcp-tester';
 * const report = await runTest({ kind: 'http', url: 'http://127.0.0.1:3000/mcp' }, options, undefined);
 * console.log(report.ok, report.tools?.map((tool) => tool.name));
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/tools
 */
export async function runTest(
  target: Target,
  options: CommonOptions,
  call: ToolCall | undefined,
): Promise<TestReport> {
  const report: TestReport = { command: 'test', ok: false, target: describeTarget(target), steps: [] };
  const started = performance.now();
  const outcome = await connectTarget(target, options);
  report.auth = outcome.ok ? outcome.connection.auth : outcome.auth;
  if (!outcome.ok) {
    report.steps.push({
      step: 'connect',
      status: 'failed',
      durationMs: since(started),
      message: `${outcome.error} (mcp-tester diagnose checks the connection step by step).`,
    });
    if (outcome.stderrTail !== '') report.stderrTail = outcome.stderrTail;
    return report;
  }
  const connection = outcome.connection;
  try {
    report.steps.push({ step: 'connect', status: 'ok', durationMs: since(started) });
    report.server = connection.summary;
    const capabilities = connection.summary.capabilities;
    const client = connection.client;
    await listStep(report, 'tools/list', 'tools', capabilities.tools, () => client.listAllTools());
    await listStep(report, 'resources/list', 'resources', capabilities.resources, () =>
      client.listAllResources(),
    );
    await listStep(report, 'resources/templates/list', 'resourceTemplates', capabilities.resources, () =>
      client.listAllResourceTemplates(),
    );
    await listStep(report, 'prompts/list', 'prompts', capabilities.prompts, () => client.listAllPrompts());
    if (call !== undefined) await callStep(report, connection, call);
    report.ok = report.steps.every((step) => step.status !== 'failed');
    if (!report.ok && connection.stderrTail() !== '') report.stderrTail = connection.stderrTail();
    return report;
  } finally {
    await connection.close();
  }
}

async function listStep(
  report: TestReport,
  step: TestStep['step'],
  key: ListKey,
  capability: unknown,
  list: () => Promise<unknown[]>,
): Promise<void> {
  if (capability === undefined) {
    const name = key === 'resourceTemplates' ? 'resources' : key;
    report.steps.push({
      step,
      status: 'skipped',
      durationMs: 0,
      message: `the server does not advertise the ${name} capability`,
    });
    return;
  }
  const started = performance.now();
  try {
    const items = await list();
    (report as unknown as Record<ListKey, unknown[]>)[key] = items;
    report.steps.push({ step, status: 'ok', durationMs: since(started), count: items.length });
  } catch (error) {
    report.steps.push({ step, status: 'failed', durationMs: since(started), message: messageOf(error) });
  }
}

async function callStep(report: TestReport, connection: Connection, call: ToolCall): Promise<void> {
  const started = performance.now();
  report.call = { tool: call.tool, arguments: call.arguments };
  try {
    const result = await connection.client.callTool(call.tool, call.arguments);
    report.call.result = result;
    const step: TestStep = { step: 'tools/call', status: 'ok', durationMs: since(started) };
    if (result.isError === true) {
      step.status = 'failed';
      step.message = `the tool "${call.tool}" returned a result with isError: true`;
    }
    report.steps.push(step);
  } catch (error) {
    report.steps.push({
      step: 'tools/call',
      status: 'failed',
      durationMs: since(started),
      message: messageOf(error),
    });
  }
}

function since(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
