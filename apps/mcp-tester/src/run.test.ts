import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CRASHING_SERVER,
  DEMO_SERVER,
  NOISY_SERVER,
  nodeCommand,
  type RunningServer,
  startAuthRequiredServer,
  startBrokenHttpServer,
  startGoodHttpServer,
  startHtmlServer,
} from './__fixtures__/servers.ts';
import type { CompareReport } from './commands/compare.ts';
import type { ComplianceReport } from './commands/compliance.ts';
import type { DiagnoseReport } from './commands/diagnose.ts';
import type { TestReport } from './commands/test.ts';
import { run } from './run.ts';

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

async function cliJson<T>(argv: string[]): Promise<{ code: number; report: T }> {
  const { code, stdout } = await cli([...argv, '--json']);
  return { code, report: JSON.parse(stdout) as T };
}

function statuses(report: ComplianceReport): Record<string, string> {
  return Object.fromEntries(report.checks.map((check) => [check.id, check.status]));
}

describe('over HTTP', () => {
  let good: RunningServer;
  let goodB: RunningServer;
  let broken: RunningServer;
  let html: RunningServer;
  let auth: RunningServer;

  beforeAll(async () => {
    [good, goodB, broken, html, auth] = await Promise.all([
      startGoodHttpServer(),
      startGoodHttpServer({ variant: 'b' }),
      startBrokenHttpServer(),
      startHtmlServer(),
      startAuthRequiredServer(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([good, goodB, broken, html, auth].map((server) => server?.close()));
  });

  describe('test', () => {
    it('connects, lists every page of everything, calls a tool and times each step', async () => {
      const { code, report } = await cliJson<TestReport>([
        'test',
        good.url,
        '--call',
        'add',
        '--args',
        '{"a":2,"b":40}',
      ]);
      expect(code).toBe(0);
      expect(report.ok).toBe(true);
      expect(report.server).toMatchObject({
        era: 'modern',
        protocolVersion: '2026-07-28',
        serverInfo: { name: 'good-a' },
      });
      expect(report.server?.capabilities).toHaveProperty('tools');
      // pageSize 2: four tools and three resources only arrive whole if every page was followed.
      expect(report.tools?.map((tool) => tool.name).sort()).toEqual(['add', 'echo', 'fail', 'only_in_a']);
      expect(report.resources?.map((resource) => resource.uri).sort()).toEqual([
        'docs://faq',
        'docs://guide',
        'docs://readme',
      ]);
      expect(report.resourceTemplates?.map((template) => template.uriTemplate)).toEqual(['notes://{name}']);
      expect(report.prompts?.map((prompt) => prompt.name)).toEqual(['greet']);
      expect(report.call?.result?.content).toEqual([{ type: 'text', text: '42' }]);
      expect(report.steps.map((step) => [step.step, step.status])).toEqual([
        ['connect', 'ok'],
        ['tools/list', 'ok'],
        ['resources/list', 'ok'],
        ['resources/templates/list', 'ok'],
        ['prompts/list', 'ok'],
        ['tools/call', 'ok'],
      ]);
      for (const step of report.steps) expect(typeof step.durationMs).toBe('number');
    });

    it('speaks legacy when told to', async () => {
      const { code, report } = await cliJson<TestReport>(['test', good.url, '--era', 'legacy']);
      expect(code).toBe(0);
      expect(report.server).toMatchObject({ era: 'legacy', protocolVersion: '2025-11-25' });
    });

    it('fails when the called tool returns isError or does not exist', async () => {
      const failing = await cliJson<TestReport>(['test', good.url, '--call', 'fail']);
      expect(failing.code).toBe(1);
      expect(failing.report.steps.at(-1)).toMatchObject({ step: 'tools/call', status: 'failed' });
      expect(failing.report.call?.result?.isError).toBe(true);

      const missing = await cliJson<TestReport>(['test', good.url, '--call', 'nope']);
      expect(missing.code).toBe(1);
      expect(missing.report.steps.at(-1)).toMatchObject({ step: 'tools/call', status: 'failed' });
      expect(missing.report.steps.at(-1)?.message).toMatch(/nope/);
    });

    it('reports a server that wants credentials as a failed connect', async () => {
      const { code, report } = await cliJson<TestReport>(['test', auth.url]);
      expect(code).toBe(1);
      expect(report.steps).toEqual([expect.objectContaining({ step: 'connect', status: 'failed' })]);
      expect(report.steps[0]?.message).toMatch(/401/);
    });

    it('prints a human report without --json', async () => {
      const { code, stdout, stderr } = await cli(['test', good.url]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^server: good-a 1\.0\.0 — modern era, protocol 2026-07-28$/m);
      expect(stdout).toMatch(/^tools: add, echo, fail, only_in_a$/m);
      expect(stdout).toMatch(/Result: OK\n$/);
      expect(stderr).toBe('');
    });
  });

  describe('compliance', () => {
    it.each(['modern', 'legacy'])('passes a pmcp server in the %s era', async (era) => {
      const { code, report } = await cliJson<ComplianceReport>(['compliance', good.url, '--era', era]);
      expect(report.checks.filter((check) => check.status !== 'pass' && check.status !== 'skip')).toEqual([]);
      expect(code).toBe(0);
      expect(report.era).toBe(era);
      const checks = statuses(report);
      for (const id of [
        'connect',
        'schema.handshake',
        'list.tools',
        'list.resources',
        'list.resource-templates',
        'list.prompts',
        'pagination',
        'tools.names',
        'tools.input-schema',
        'errors.unknown-method',
        'errors.unknown-tool',
        'errors.invalid-cursor',
        'resources.read',
        'errors.unknown-resource',
        'prompts.get',
        'errors.unknown-prompt',
        'transport',
      ]) {
        expect(checks[id], id).toBe('pass');
      }
      expect(checks.ping).toBe(era === 'legacy' ? 'pass' : 'skip');
      expect(checks.caching).toBe(era === 'modern' ? 'pass' : undefined);
      expect(report.summary.pass).toBe(report.checks.filter((check) => check.status === 'pass').length);
    });

    it('reports what a broken server gets wrong', async () => {
      const { code, report } = await cliJson<ComplianceReport>(['compliance', broken.url, '--timeout', '10']);
      expect(code).toBe(1);
      expect(report.ok).toBe(false);
      expect(report.era).toBe('legacy');
      expect(statuses(report)).toMatchObject({
        connect: 'pass',
        'list.prompts': 'fail',
        pagination: 'fail',
        'tools.names': 'warn',
        'tools.input-schema': 'pass',
        'errors.unknown-method': 'fail',
        'errors.unknown-tool': 'warn',
        'errors.invalid-cursor': 'warn',
        ping: 'warn',
        'list.resources': 'pass',
        'list.resource-templates': 'fail',
        'resources.read': 'fail',
        'errors.unknown-resource': 'fail',
        'prompts.get': 'skip',
        'errors.unknown-prompt': 'fail',
      });
      const byId = new Map(report.checks.map((check) => [check.id, check.message]));
      expect(byId.get('list.prompts')).toMatch(
        /prompts\/list page 1 does not match the 2025-11-25 schema: prompts:/,
      );
      expect(byId.get('pagination')).toMatch(/repeated the cursor "again"/);
      expect(byId.get('tools.names')).toMatch(/"bad name!"/);
      expect(byId.get('errors.unknown-prompt')).toMatch(
        /returned a successful result; it must be an error \(-32602\)/,
      );
      expect(byId.get('resources.read')).toMatch(
        /resources\/read of broken:\/\/x does not match the 2025-11-25 schema: contents:/,
      );
      expect(byId.get('errors.unknown-resource')).toMatch(/must be an error \(-32002\)/);
      expect(report.summary.fail).toBe(7);
    });

    it('fails the connect check when nothing answers', async () => {
      const { code, report } = await cliJson<ComplianceReport>(['compliance', html.url, '--timeout', '10']);
      expect(code).toBe(1);
      expect(report.checks).toEqual([expect.objectContaining({ id: 'connect', status: 'fail' })]);
    });
  });

  describe('diagnose', () => {
    it('walks a healthy server: both eras, content type, Origin refused', async () => {
      const { code, report } = await cliJson<DiagnoseReport>(['diagnose', good.url]);
      expect(code).toBe(0);
      expect(report.eras).toEqual(['modern', 'legacy']);
      const steps = Object.fromEntries(report.steps.map((step) => [step.id, step.status]));
      expect(steps).toMatchObject({
        reach: 'pass',
        auth: 'pass',
        'era.modern': 'pass',
        'era.legacy': 'pass',
        era: 'pass',
        'content-type': 'pass',
        cors: 'info',
        origin: 'pass',
      });
    });

    it('warns when a localhost server accepts a foreign Origin', async () => {
      const { code, report } = await cliJson<DiagnoseReport>(['diagnose', broken.url]);
      expect(code).toBe(0);
      expect(report.eras).toEqual(['legacy']);
      expect(report.steps.find((step) => step.id === 'origin')).toMatchObject({
        status: 'warn',
        hint: expect.stringMatching(/DNS rebinding/),
      });
    });

    it('says when the URL serves a web page', async () => {
      const { code, report } = await cliJson<DiagnoseReport>(['diagnose', html.url]);
      expect(code).toBe(1);
      expect(report.steps.find((step) => step.id === 'era')).toMatchObject({
        status: 'fail',
        hint: expect.stringMatching(/web page/),
      });
    });

    it('prints the resource metadata URL of a server that wants authorization', async () => {
      const { code, report } = await cliJson<DiagnoseReport>(['diagnose', auth.url]);
      expect(code).toBe(1);
      const step = report.steps.find((candidate) => candidate.id === 'auth');
      expect(step?.status).toBe('fail');
      expect(step?.details).toMatchObject({
        resourceMetadata: 'http://127.0.0.1/.well-known/oauth-protected-resource/mcp',
        scope: 'mcp:read',
      });
      expect(step?.hint).toMatch(/--header 'Authorization: Bearer <token>'/);
    });

    it('explains a refused connection', async () => {
      const closed = await startHtmlServer();
      await closed.close();
      const { code, report } = await cliJson<DiagnoseReport>(['diagnose', closed.url]);
      expect(code).toBe(1);
      expect(report.steps).toEqual([
        expect.objectContaining({
          id: 'reach',
          status: 'fail',
          hint: expect.stringMatching(/Nothing listens/),
        }),
      ]);
    });
  });

  describe('compare', () => {
    it('finds no difference between a server and itself', async () => {
      const { code, report } = await cliJson<CompareReport>(['compare', good.url, good.url]);
      expect(code).toBe(0);
      expect(report.differences).toEqual([]);
      expect(report.a.counts).toEqual({ tools: 4, resources: 3, resourceTemplates: 1, prompts: 1 });
    });

    it('lists tools and schema fields found on one side only', async () => {
      const { code, report } = await cliJson<CompareReport>(['compare', good.url, goodB.url]);
      expect(code).toBe(1);
      expect(report.a.ok && report.b.ok).toBe(true);
      expect(report.differences).toContainEqual(
        expect.objectContaining({ section: 'tools', path: ['only_in_a'], change: 'only-in-a' }),
      );
      expect(report.differences).toContainEqual(
        expect.objectContaining({
          section: 'tools',
          path: ['add', 'inputSchema', 'properties', 'c'],
          change: 'only-in-b',
        }),
      );
      expect(report.differences).toContainEqual({
        section: 'tools',
        path: ['echo', 'description'],
        change: 'changed',
        a: 'Echo text',
        b: 'Echo the text',
      });
      expect(report.differences.every((difference) => difference.section === 'tools')).toBe(true);
    });

    it('compares across transports and eras, and reports a side that cannot connect', async () => {
      const { code, report } = await cliJson<CompareReport>([
        'compare',
        good.url,
        '--stdio',
        nodeCommand(DEMO_SERVER),
      ]);
      expect(code).toBe(1);
      expect(report.differences).toContainEqual(
        expect.objectContaining({ section: 'tools', path: ['convert_temperature'], change: 'only-in-b' }),
      );
      expect(report.differences).toContainEqual(
        expect.objectContaining({ section: 'capabilities', path: ['prompts'], change: 'only-in-a' }),
      );

      const unreachable = await cliJson<CompareReport>(['compare', good.url, html.url, '--timeout', '10']);
      expect(unreachable.code).toBe(1);
      expect(unreachable.report.b).toMatchObject({
        ok: false,
        error: expect.stringMatching(/Could not connect/),
      });
      expect(unreachable.report.differences).toEqual([]);
    });
  });
});

describe('over stdio', () => {
  it('tests the demo server and calls a tool', async () => {
    const { code, report } = await cliJson<TestReport>([
      'test',
      '--stdio',
      nodeCommand(DEMO_SERVER),
      '--call',
      'convert_temperature',
      '--args',
      '{"value":100,"from":"celsius"}',
    ]);
    expect(code).toBe(0);
    expect(report.server).toMatchObject({ era: 'modern', serverInfo: { name: 'pmcp-demo' } });
    expect(report.tools?.map((tool) => tool.name)).toEqual(['add', 'convert_temperature', 'slow_job']);
    expect(report.call?.result?.structuredContent).toEqual({ celsius: 100, fahrenheit: 212 });
    expect(report.steps.find((step) => step.step === 'prompts/list')?.status).toBe('skipped');
  });

  it('passes the demo server in the legacy era', async () => {
    const { code, report } = await cliJson<ComplianceReport>([
      'compliance',
      '--stdio',
      nodeCommand(DEMO_SERVER),
      '--era',
      'legacy',
    ]);
    expect(report.checks.filter((check) => check.status === 'fail' || check.status === 'warn')).toEqual([]);
    expect(code).toBe(0);
    expect(statuses(report).ping).toBe('pass');
  });

  it('diagnoses the demo server: both eras, clean stdout', async () => {
    const { code, report } = await cliJson<DiagnoseReport>(['diagnose', '--stdio', nodeCommand(DEMO_SERVER)]);
    expect(code).toBe(0);
    expect(report.eras).toEqual(['modern', 'legacy']);
    expect(report.steps.find((step) => step.id === 'stdout')?.status).toBe('pass');
  });

  it('points at the lines on stdout that are not JSON-RPC', async () => {
    const { code, report } = await cliJson<DiagnoseReport>([
      'diagnose',
      '--stdio',
      nodeCommand(NOISY_SERVER),
      '--timeout',
      '10',
    ]);
    expect(code).toBe(1);
    expect(report.eras).toEqual(['legacy']);
    const stdout = report.steps.find((step) => step.id === 'stdout');
    expect(stdout).toMatchObject({ status: 'fail', hint: expect.stringMatching(/stderr/) });
    expect(stdout?.details?.lines).toEqual(['Starting noisy server v1...', 'initialized OK']);
  });

  it('fails compliance of a server that writes junk to stdout', async () => {
    const { code, report } = await cliJson<ComplianceReport>([
      'compliance',
      '--stdio',
      nodeCommand(NOISY_SERVER),
      '--timeout',
      '10',
    ]);
    expect(code).toBe(1);
    const transport = report.checks.find((check) => check.id === 'transport');
    expect(transport?.status).toBe('fail');
    expect(transport?.message).toMatch(/Starting n/);
  });

  it('shows the stderr of a server that exits at start-up', async () => {
    const { code, report } = await cliJson<DiagnoseReport>([
      'diagnose',
      '--stdio',
      nodeCommand(CRASHING_SERVER),
      '--timeout',
      '10',
    ]);
    expect(code).toBe(1);
    const steps = new Map(report.steps.map((step) => [step.id, step]));
    expect(steps.get('responds')?.status).toBe('fail');
    expect(steps.get('exit')).toMatchObject({ status: 'fail', message: expect.stringMatching(/code 3/) });
    expect(steps.get('stderr')?.details?.tail).toEqual([
      'loading configuration',
      'fatal: MCP_API_KEY is not set',
    ]);

    const tested = await cliJson<TestReport>([
      'test',
      '--stdio',
      nodeCommand(CRASHING_SERVER),
      '--timeout',
      '10',
    ]);
    expect(tested.code).toBe(1);
    expect(tested.report.stderrTail).toMatch(/MCP_API_KEY is not set/);
  });

  it('says when the program cannot be started', async () => {
    const { code, report } = await cliJson<DiagnoseReport>([
      'diagnose',
      '--stdio',
      'mcp-tester-no-such-program',
    ]);
    expect(code).toBe(1);
    expect(report.steps).toEqual([
      expect.objectContaining({ id: 'spawn', status: 'fail', message: expect.stringMatching(/ENOENT/) }),
    ]);
  });
});

describe('usage', () => {
  it('exits 2 with a message on stderr, and a JSON error on stdout with --json', async () => {
    const plain = await cli(['test']);
    expect(plain.code).toBe(2);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toMatch(/"test" needs one target/);

    const json = await cli(['compare', 'http://127.0.0.1:1/mcp', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      error: 'usage',
      message: expect.stringMatching(/two targets/),
    });
  });

  it('prints help and exits 0', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage:/m);
  });
});
