import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PRE_REGISTERED_CLIENT_ID,
  type ProtectedSetup,
  SERVICE_CLIENT,
  startProtectedServer,
} from './__fixtures__/oauth-servers.ts';
import { type CommonOptions, DEFAULT_SIGN_IN_TIMEOUT_MS, parseArgs } from './args.ts';
import type { ComplianceReport } from './commands/compliance.ts';
import type { DiagnoseReport } from './commands/diagnose.ts';
import type { TestReport } from './commands/test.ts';
import { startOAuthSession } from './oauth.ts';
import { run } from './run.ts';

interface Captured {
  code: Promise<number>;
  stdout(): string;
  stderr(): string;
  /** Resolves with stderr once it matches. */
  stderrMatching(pattern: RegExp): Promise<string>;
}

function start(argv: string[]): Captured {
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: RegExp; resolve(text: string): void }[] = [];
  const code = run(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
      for (const watcher of watchers.splice(0)) {
        if (watcher.pattern.test(stderr)) watcher.resolve(stderr);
        else watchers.push(watcher);
      }
    },
  });
  return {
    code,
    stdout: () => stdout,
    stderr: () => stderr,
    stderrMatching: (pattern) =>
      pattern.test(stderr)
        ? Promise.resolve(stderr)
        : new Promise((resolve) => {
            watchers.push({ pattern, resolve });
          }),
  };
}

async function cliJson<T>(
  argv: string[],
): Promise<{ code: number; report: T; stdout: string; stderr: string }> {
  const captured = start([...argv, '--json']);
  const code = await captured.code;
  return {
    code,
    report: JSON.parse(captured.stdout()) as T,
    stdout: captured.stdout(),
    stderr: captured.stderr(),
  };
}

/** What a browser does with the printed URL: follow the authorization server's redirect to the loopback. */
async function signInAsBrowser(stderr: string): Promise<Response> {
  const authorizationUrl = /Open this URL to sign in:\n(\S+)/.exec(stderr)?.[1];
  expect(authorizationUrl).toBeDefined();
  const authorization = await fetch(authorizationUrl as string, { redirect: 'manual' });
  expect(authorization.status).toBe(302);
  const location = authorization.headers.get('location') as string;
  expect(new URL(location).hostname).toBe('127.0.0.1');
  return fetch(location);
}

describe('OAuth against a protected pmcp server', () => {
  let protectedServer: ProtectedSetup;

  beforeAll(async () => {
    protectedServer = await startProtectedServer();
  });
  afterAll(async () => {
    await protectedServer?.close();
  });

  it('signs in headlessly and lists the tools, reporting OAuth without the token', async () => {
    const before = protectedServer.registrations();
    const { code, report, stdout } = await cliJson<TestReport>([
      'test',
      protectedServer.url,
      '--oauth-headless',
    ]);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.tools?.map((tool) => tool.name)).toEqual(['whoami']);
    expect(report.auth).toMatchObject({
      method: 'oauth',
      flow: 'headless',
      client: 'provider',
      authorized: true,
      issuer: protectedServer.issuer,
      scope: 'notes:read',
    });
    expect(protectedServer.registrations()).toBe(before + 1);
    expect(stdout).not.toMatch(/eyJ|access_token/);
  });

  it('calls a tool with the identity of the token', async () => {
    const { code, report } = await cliJson<TestReport>([
      'test',
      protectedServer.url,
      '--oauth-headless',
      '--call',
      'whoami',
    ]);
    expect(code).toBe(0);
    expect(report.call?.result?.content).toEqual([{ type: 'text', text: 'alice' }]);
  });

  it('fails without --oauth and says to use it', async () => {
    const { code, report } = await cliJson<TestReport>(['test', protectedServer.url]);
    expect(code).toBe(1);
    expect(report.auth).toEqual({ method: 'none' });
    expect(report.steps).toEqual([expect.objectContaining({ step: 'connect', status: 'failed' })]);
    expect(report.steps[0]?.message).toMatch(/401/);
    expect(report.steps[0]?.message).toMatch(/--oauth/);
  });

  it('reports header auth by header name only, and hints at --oauth when the header is refused', async () => {
    const { code, report, stdout } = await cliJson<TestReport>([
      'test',
      protectedServer.url,
      '--header',
      'Authorization: Bearer not-a-jwt',
    ]);
    expect(code).toBe(1);
    expect(report.auth).toEqual({ method: 'header', headers: ['Authorization'] });
    expect(report.steps[0]?.message).toMatch(/--oauth/);
    expect(stdout).not.toContain('not-a-jwt');
  });

  it('signs in through the loopback redirect when a browser follows the printed URL', async () => {
    const captured = start(['test', protectedServer.url, '--oauth', '--json']);
    const stderr = await captured.stderrMatching(/Open this URL to sign in:\n\S+/);
    const landing = await signInAsBrowser(stderr);
    expect(landing.status).toBe(200);
    expect(await landing.text()).toMatch(/Signed in, you can close this tab/);
    expect(await captured.code).toBe(0);
    const report = JSON.parse(captured.stdout()) as TestReport;
    expect(report.tools?.map((tool) => tool.name)).toEqual(['whoami']);
    expect(report.auth).toMatchObject({ method: 'oauth', flow: 'loopback', authorized: true });
    expect(report.auth?.method === 'oauth' && report.auth.redirectUrl).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/callback$/,
    );
    expect(captured.stdout()).not.toMatch(/Open this URL/);
  });

  it('gives up on a sign-in that never comes back, with a clear error', async () => {
    const captured = start(['test', protectedServer.url, '--oauth', '--timeout', '300ms', '--json']);
    expect(await captured.code).toBe(1);
    const report = JSON.parse(captured.stdout()) as TestReport;
    expect(report.steps[0]?.message).toMatch(
      /No sign-in reached http:\/\/127\.0\.0\.1:\d+\/callback within 300 ms/,
    );
    expect(captured.stderr()).toMatch(/Open this URL to sign in/);
  });

  it('uses a pre-registered client instead of registering', async () => {
    const before = protectedServer.registrations();
    const { code, report } = await cliJson<TestReport>([
      'test',
      protectedServer.url,
      '--oauth-headless',
      '--client-id',
      PRE_REGISTERED_CLIENT_ID,
    ]);
    expect(code).toBe(0);
    expect(report.auth).toMatchObject({ client: 'pre-registered', clientId: PRE_REGISTERED_CLIENT_ID });
    expect(protectedServer.registrations()).toBe(before);
    expect(protectedServer.tokenClients().at(-1)).toBe(PRE_REGISTERED_CLIENT_ID);
  });

  it('authenticates as a service with --oauth-client-credentials: no sign-in, the token names the service', async () => {
    const before = protectedServer.registrations();
    const { code, report, stdout } = await cliJson<TestReport>([
      'test',
      protectedServer.url,
      '--oauth-client-credentials',
      '--client-id',
      SERVICE_CLIENT.id,
      '--client-secret',
      SERVICE_CLIENT.secret,
      '--call',
      'whoami',
    ]);
    expect(code).toBe(0);
    expect(report.call?.result?.content).toEqual([{ type: 'text', text: SERVICE_CLIENT.id }]);
    expect(report.auth).toMatchObject({
      method: 'oauth',
      flow: 'client-credentials',
      client: 'pre-registered',
      clientId: SERVICE_CLIENT.id,
      authorized: true,
      issuer: protectedServer.issuer,
    });
    expect(protectedServer.registrations()).toBe(before);
    expect(protectedServer.tokenClients().at(-1)).toBe(SERVICE_CLIENT.id);
    expect(stdout).not.toContain(SERVICE_CLIENT.secret);
  });

  it('reports a refused client credentials grant with the server error', async () => {
    const { code, report } = await cliJson<TestReport>([
      'test',
      protectedServer.url,
      '--oauth-client-credentials',
      '--client-id',
      SERVICE_CLIENT.id,
      '--client-secret',
      'wrong',
    ]);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(JSON.stringify(report.steps)).toMatch(/invalid_client/);
  });

  it('runs compliance with OAuth', async () => {
    const { report } = await cliJson<ComplianceReport>([
      'compliance',
      protectedServer.url,
      '--oauth-headless',
    ]);
    expect(report.auth).toMatchObject({ method: 'oauth', flow: 'headless' });
    expect(report.checks.find((check) => check.id === 'connect')?.status).toBe('pass');
    expect(report.checks.find((check) => check.id === 'list.tools')?.status).toBe('pass');
  });

  it('compares two targets, each signed in through the loopback one after the other', async () => {
    const captured = start(['compare', protectedServer.url, protectedServer.url, '--oauth', '--json']);
    const first = await captured.stderrMatching(/Open this URL to sign in:\n\S+/);
    expect((await signInAsBrowser(first)).status).toBe(200);
    const second = await captured.stderrMatching(
      /Open this URL to sign in:[\s\S]*Open this URL to sign in:\n\S+/,
    );
    expect((await signInAsBrowser(second.slice(first.length))).status).toBe(200);
    expect(await captured.code).toBe(0);
    const report = JSON.parse(captured.stdout()) as { a: { auth?: unknown }; differences: unknown[] };
    expect(report.a.auth).toMatchObject({ method: 'oauth', flow: 'loopback' });
    expect(report.differences).toEqual([]);
  });

  it('diagnose works without auth and points at --oauth', async () => {
    const { code, report } = await cliJson<DiagnoseReport>(['diagnose', protectedServer.url]);
    expect(code).toBe(1);
    const step = report.steps.find((candidate) => candidate.id === 'auth');
    expect(step?.status).toBe('fail');
    expect(step?.hint).toMatch(/--oauth/);
  });
});

describe('the loopback listener', () => {
  it('answers a redirect that arrives when no sign-in is in progress with 409', async () => {
    const options: CommonOptions = {
      json: true,
      era: 'auto',
      headers: {},
      timeoutMs: 1000,
      oauth: { flow: 'loopback', signInTimeoutMs: 1000 },
    };
    const session = await startOAuthSession('http://127.0.0.1:9/mcp', options);
    try {
      const summary = await session.summary();
      expect(summary).toMatchObject({ method: 'oauth', authorized: false });
      const redirectUrl = summary.method === 'oauth' ? summary.redirectUrl : '';
      const response = await fetch(`${redirectUrl}?code=x&state=y`);
      expect(response.status).toBe(409);
      expect((await fetch(new URL('/elsewhere', redirectUrl))).status).toBe(404);
    } finally {
      await session.close();
    }
  });
});

describe('OAuth options', () => {
  const parsedOptions = (argv: string[]) => {
    const outcome = parseArgs(argv);
    if (!outcome.ok) throw new Error(outcome.error);
    if (outcome.parsed.command === 'help') throw new Error('help');
    return outcome.parsed.options;
  };

  it('parses the flow, port and client, with the sign-in limit from --timeout or 5 minutes', () => {
    expect(
      parsedOptions([
        'test',
        'http://127.0.0.1:1/mcp',
        '--oauth',
        '--oauth-port',
        '8765',
        '--client-id',
        'id',
        '--client-secret=s',
      ]).oauth,
    ).toEqual({
      flow: 'loopback',
      port: 8765,
      clientId: 'id',
      clientSecret: 's',
      signInTimeoutMs: DEFAULT_SIGN_IN_TIMEOUT_MS,
    });
    expect(DEFAULT_SIGN_IN_TIMEOUT_MS).toBe(300_000);
    expect(
      parsedOptions(['compliance', 'http://127.0.0.1:1/mcp', '--oauth-headless', '--timeout', '2s']).oauth,
    ).toEqual({ flow: 'headless', signInTimeoutMs: 2000 });
    expect(parsedOptions(['test', 'http://127.0.0.1:1/mcp']).oauth).toBeUndefined();
  });

  it.each([
    [['test', '--stdio', 'node server.js', '--oauth'], /http\(s\):\/\/ targets/],
    [['test', 'http://127.0.0.1:1/mcp', '--oauth', '--oauth-headless'], /Give one of --oauth/],
    [['test', 'http://127.0.0.1:1/mcp', '--oauth', '--oauth-port', '70000'], /--oauth-port must be/],
    [['test', 'http://127.0.0.1:1/mcp', '--oauth', '--client-secret', 's'], /needs --client-id/],
    [
      ['test', 'http://127.0.0.1:1/mcp', '--client-id', 'x'],
      /need --oauth, --oauth-headless or --oauth-client-credentials/,
    ],
    [
      ['test', 'http://127.0.0.1:1/mcp', '--oauth-client-credentials', '--client-secret', 's'],
      /needs --client-id/,
    ],
    [
      ['test', 'http://127.0.0.1:1/mcp', '--oauth-client-credentials', '--client-id', 'x'],
      /exactly one of --client-secret and --private-key-file/,
    ],
    [
      ['test', 'http://127.0.0.1:1/mcp', '--oauth-headless', '--private-key-file', 'k.pem'],
      /belong to --oauth-client-credentials/,
    ],
    [
      [
        'test',
        'http://127.0.0.1:1/mcp',
        '--oauth-client-credentials',
        '--client-id',
        'x',
        '--client-secret',
        's',
        '--signing-alg',
        'ES256',
      ],
      /--signing-alg needs --private-key-file/,
    ],
    [['test', 'http://127.0.0.1:1/mcp', '--oauth-headless', '--oauth-port', '1234'], /belongs to --oauth/],
    [
      ['test', 'http://127.0.0.1:1/mcp', '--oauth', '--header', 'Authorization: Bearer x'],
      /or an OAuth option, not both/,
    ],
  ])('refuses %j', (argv, message) => {
    const outcome = parseArgs(argv);
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error).toMatch(message);
  });
});
