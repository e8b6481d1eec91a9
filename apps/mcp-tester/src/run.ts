/**
 * The CLI as a function: arguments in, text out through `io`, exit code back. `cli.ts` binds it to the process;
 * tests call it directly.
 */
import { type ParsedCommand, parseArgs } from './args.ts';
import { type CompareReport, runCompare } from './commands/compare.ts';
import { type ComplianceReport, runCompliance } from './commands/compliance.ts';
import { type DiagnoseReport, runDiagnose } from './commands/diagnose.ts';
import { runTest, type TestReport } from './commands/test.ts';

/** Where the CLI writes. Each call is one whole piece of output (a report, a usage error). */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Any report a command produces. */
export type Report = TestReport | ComplianceReport | DiagnoseReport | CompareReport;

/** Exit codes: every check passed, a check failed, the command line was wrong. */
export const ExitCode = { Ok: 0, Failed: 1, Usage: 2 } as const;

/** The usage text of `mcp-tester --help`. */
export const USAGE: string = `mcp-tester — test, check, diagnose and compare MCP servers

Usage:
  mcp-tester test <target> [--call <tool> [--args '<json>']]
  mcp-tester compliance <target>
  mcp-tester diagnose <target>
  mcp-tester compare <targetA> <targetB>

A target is an http(s):// URL (Streamable HTTP) or --stdio "<command and args>"
(split on spaces; double quotes group words; no shell).

Options:
  --json                one JSON document on stdout, nothing else there
  --era auto|modern|legacy
                        which protocol era to speak (default auto: server/discover, then initialize)
  --header 'Name: value'
                        extra HTTP header for every HTTP target (repeatable), e.g. Authorization
  --timeout <duration>  per request, and diagnose's wait for a first answer: 30, 30s or 500ms (default 30s)
  --call <tool>         test: call this tool after listing
  --args '<json>'       test: the tool's arguments, a JSON object (default {})
  --oauth               HTTP targets (test, compliance, compare): sign in with OAuth through a browser;
                        the URL to open is printed on stderr, the redirect comes back to 127.0.0.1
  --oauth-port <n>      the loopback port for --oauth's redirect (default: a free port)
  --oauth-headless      OAuth without a browser, for authorization servers that approve at once (CI)
  --oauth-client-credentials
                        OAuth as a service (client credentials grant): needs --client-id and
                        --client-secret or --private-key-file; no sign-in
  --client-id <id>      with --oauth*: a pre-registered client (default: CIMD or dynamic registration)
  --client-secret <s>   with --client-id: its secret, for a confidential client
  --private-key-file <pem>
                        with --oauth-client-credentials: a PKCS#8 key for private_key_jwt
  --signing-alg <alg>   the JWS algorithm of that key (default RS256)
                        The sign-in waits --timeout when given, else 5 minutes.

Exit codes: 0 everything checked passed, 1 a check failed (or compare found differences), 2 usage error.
`;

/**
 * Runs the CLI. Resolves with the exit code; never rejects for a misbehaving server (that is a failed check).
 *
 * @example
 * ```ts
 * import { run } from '@pmcp/mcp-tester';
 * const code = await run(['compliance', 'http://127.0.0.1:3000/mcp', '--json'], {
 *   stdout: (text) => process.stdout.write(text),
 *   stderr: (text) => process.stderr.write(text),
 * });
 * ```
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const outcome = parseArgs(argv);
  if (!outcome.ok) {
    if (outcome.json) io.stdout(`${JSON.stringify({ ok: false, error: 'usage', message: outcome.error })}\n`);
    io.stderr(`mcp-tester: ${outcome.error}\nRun mcp-tester --help for usage.\n`);
    return ExitCode.Usage;
  }
  const parsed = outcome.parsed;
  if (parsed.command === 'help') {
    io.stdout(USAGE);
    return ExitCode.Ok;
  }
  const report = await execute({
    ...parsed,
    options: { ...parsed.options, notify: (text: string) => io.stderr(text) },
  });
  io.stdout(parsed.options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return report.ok ? ExitCode.Ok : ExitCode.Failed;
}

function execute(parsed: Exclude<ParsedCommand, { command: 'help' }>): Promise<Report> {
  switch (parsed.command) {
    case 'test':
      return runTest(parsed.target, parsed.options, parsed.call);
    case 'compliance':
      return runCompliance(parsed.target, parsed.options);
    case 'diagnose':
      return runDiagnose(parsed.target, parsed.options);
    case 'compare':
      return runCompare(parsed.targets, parsed.options);
  }
}

const MARK: Record<string, string> = {
  pass: 'PASS',
  ok: 'OK  ',
  fail: 'FAIL',
  failed: 'FAIL',
  warn: 'WARN',
  skip: 'SKIP',
  skipped: 'SKIP',
  info: 'INFO',
};

/**
 * The human-readable form of a report.
 *
 * @example
 * ```ts
 * import { formatReport, runTest } from '@pmcp/mcp-tester';
 * process.stdout.write(formatReport(await runTest(target, options, undefined)));
 * ```
 */
export function formatReport(report: Report): string {
  const lines: string[] = [];
  switch (report.command) {
    case 'test': {
      lines.push(`mcp-tester test ${report.target}`);
      if (report.server !== undefined) {
        const { era, protocolVersion, serverInfo, capabilities } = report.server;
        lines.push(
          `server: ${serverInfo ? `${serverInfo.name} ${serverInfo.version}` : '(no serverInfo)'} — ${era} era, protocol ${protocolVersion}`,
          `capabilities: ${Object.keys(capabilities).join(', ') || '(none)'}`,
        );
      }
      for (const step of report.steps) {
        const count = step.count === undefined ? '' : ` ${step.count} item(s)`;
        lines.push(
          `${MARK[step.status]} ${step.step}${count} (${step.durationMs} ms)${step.message ? ` — ${step.message}` : ''}`,
        );
      }
      for (const [label, items] of [
        ['tools', report.tools?.map((tool) => tool.name)],
        ['resources', report.resources?.map((resource) => resource.uri)],
        ['resource templates', report.resourceTemplates?.map((template) => template.uriTemplate)],
        ['prompts', report.prompts?.map((prompt) => prompt.name)],
      ] as const) {
        if (items !== undefined && items.length > 0) lines.push(`${label}: ${items.join(', ')}`);
      }
      if (report.call?.result !== undefined) {
        lines.push(`result of ${report.call.tool}: ${JSON.stringify(report.call.result, null, 2)}`);
      }
      break;
    }
    case 'compliance':
      lines.push(
        `mcp-tester compliance ${report.target}${report.era ? ` (${report.era} era, protocol ${report.protocolVersion})` : ''}`,
      );
      for (const check of report.checks) lines.push(`${MARK[check.status]} ${check.id}: ${check.message}`);
      lines.push(
        `${report.summary.pass} passed, ${report.summary.fail} failed, ${report.summary.warn} warnings, ${report.summary.skip} skipped`,
      );
      break;
    case 'diagnose':
      lines.push(`mcp-tester diagnose ${report.target}`);
      for (const step of report.steps) {
        lines.push(`${MARK[step.status]} ${step.id}: ${step.message}`);
        if (step.hint !== undefined) lines.push(`     hint: ${step.hint}`);
      }
      break;
    case 'compare':
      lines.push(`mcp-tester compare`, `  A: ${report.a.target}`, `  B: ${report.b.target}`);
      for (const [name, side] of [
        ['A', report.a],
        ['B', report.b],
      ] as const) {
        if (side.error !== undefined) lines.push(`FAIL ${name}: ${side.error}`);
      }
      if (report.a.ok && report.b.ok) {
        lines.push(
          report.differences.length === 0 ? 'No differences.' : `${report.differences.length} difference(s):`,
        );
      }
      for (const difference of report.differences) {
        const where = `${difference.section}: ${difference.path.join(' › ')}`;
        if (difference.change === 'only-in-a') lines.push(`  - only in A  ${where}`);
        else if (difference.change === 'only-in-b') lines.push(`  + only in B  ${where}`);
        else
          lines.push(
            `  ~ changed    ${where}: ${JSON.stringify(difference.a)} → ${JSON.stringify(difference.b)}`,
          );
      }
      break;
  }
  const auth = 'auth' in report ? report.auth : undefined;
  if (auth?.method === 'oauth') {
    lines.splice(
      1,
      0,
      `auth: OAuth (${auth.flow}${auth.issuer === undefined ? '' : `, issuer ${auth.issuer}`}${auth.scope === undefined ? '' : `, scope "${auth.scope}"`})`,
    );
  }
  if ('stderrTail' in report && report.stderrTail !== undefined) {
    lines.push('server stderr (tail):', report.stderrTail.trimEnd());
  }
  lines.push(report.ok ? 'Result: OK' : 'Result: FAILED');
  return `${lines.join('\n')}\n`;
}
