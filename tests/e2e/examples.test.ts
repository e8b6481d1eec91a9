/**
 * Runs every example under examples/ the way its README says (from the repository root, on source) and checks the
 * lines that show its feature working in each era, so an example cannot rot unnoticed.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Each example starts up to four child processes; a loaded CI machine needs the room. Not a speed claim. */
const EXAMPLE_LIMIT_MS = 180_000;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runExample(file: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@pmcp/source', file], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The output of one era: the lines after its "── <era> era (<version>) ──" header, up to the next one. */
function eraSections(stdout: string): { modern: string; legacy: string } {
  const modern = /── modern era \(2026-07-28\) ──\n([\s\S]*?)(?=\n── |$)/.exec(stdout)?.[1];
  const legacy = /── legacy era \(2025-11-25\) ──\n([\s\S]*?)(?=\n── |$)/.exec(stdout)?.[1];
  expect(modern, `no modern-era section in:\n${stdout}`).toBeDefined();
  expect(legacy, `no legacy-era section in:\n${stdout}`).toBeDefined();
  return { modern: modern ?? '', legacy: legacy ?? '' };
}

async function run(file: string, finished: string): Promise<{ modern: string; legacy: string }> {
  const { code, signal, stdout, stderr } = await runExample(file);
  expect({ code, signal }, `${file} stdout:\n${stdout}\nstderr:\n${stderr}`).toEqual({
    code: 0,
    signal: null,
  });
  expect(stdout).toContain(finished);
  return eraSections(stdout);
}

describe.concurrent('examples (node --conditions=@pmcp/source examples/<name>/<file>.ts)', () => {
  it(
    'resources: pages, static text and binary, templates, completion, the era’s not-found code',
    async () => {
      const eras = await run('examples/resources/client.ts', 'resources example finished');
      for (const [era, output] of Object.entries(eras)) {
        expect(output, era).toContain('resources page 1: docs://readme, docs://logo, notes://groceries');
        expect(output, era).toContain('resources page 2: notes://ideas, notes://todo');
        expect(output, era).toContain('templates: notes://{name}, weather://{city}{?units}');
        expect(output, era).toContain('docs://logo (image/png) → 8 bytes: 89504e470d0a1a0a');
        expect(output, era).toContain('notes://ideas → a dual-era MCP SDK');
        expect(output, era).toContain('weather://Paris?units=imperial → Paris: 70 °F');
        expect(output, era).toContain('complete notes://{name} with "g" → groceries');
      }
      expect(eras.modern).toContain('notes://missing → not found (code -32602)');
      expect(eras.legacy).toContain('notes://missing → not found (code -32002)');
    },
    EXAMPLE_LIMIT_MS,
  );

  it(
    'prompts: list, completion with context, get, every content type, missing argument',
    async () => {
      const eras = await run('examples/prompts/client.ts', 'prompts example finished');
      for (const [era, output] of Object.entries(eras)) {
        expect(output, era).toContain(
          'prompt code_review(language, style?) — Ask for a review of a piece of code',
        );
        expect(output, era).toContain('complete language "ty" → typescript');
        expect(output, era).toContain('complete style "" with language=rust → idiomatic, no-unsafe');
        expect(output, era).toContain(
          'code_review → user: Review this rust code against the idiomatic style guide.',
        );
        expect(output, era).toContain(
          'explain_logo → user:text, user:image, user:resource_link, user:resource, assistant:text',
        );
        expect(output, era).toContain(
          'code_review without language → error -32602: Missing required argument "language" for prompt "code_review"',
        );
      }
    },
    EXAMPLE_LIMIT_MS,
  );

  it(
    'sampling: MRTR rounds in the modern era, server→client requests in legacy, a tool loop in both',
    async () => {
      const { modern, legacy } = await run('examples/sampling/main.ts', 'sampling example finished');
      for (const output of [modern, legacy]) {
        expect(output).toContain(
          'haiku → fake-llm wrote: Silent packets fly / two eras, one handler / the answer comes back',
        );
        expect(output).toContain(
          'weather_report → after get_weather → It is 8 °C, rain: take a coat and an umbrella.',
        );
      }
      expect(modern).toContain('← result input_required { sample-0: sampling/createMessage }');
      expect(modern).toContain('← result input_required { sample-1: sampling/createMessage }');
      expect(modern).toContain('→ request tools/call weather_report (retry: inputResponses + requestState)');
      expect(modern).not.toContain('← request sampling/createMessage');
      expect(legacy.match(/← request sampling\/createMessage/g)).toHaveLength(3);
      expect(legacy).not.toContain('input_required');
    },
    EXAMPLE_LIMIT_MS,
  );

  it(
    'elicitation: form and URL answered, an undeclared mode refused in the era’s way',
    async () => {
      const { modern, legacy } = await run('examples/elicitation/client.ts', 'elicitation example finished');
      for (const output of [modern, legacy]) {
        expect(output).toContain('declared: {"form":{},"url":{}}');
        expect(output).toContain('book_table → Table for 4 at Chez MCP, name Ada, on the terrace.');
        expect(output).toContain('user asked to open calendar.example.com');
        expect(output).toContain('connect_calendar → Calendar linked.');
        expect(output).toContain('form-only client declared: {"form":{}}');
      }
      expect(modern).toContain(
        'connect_calendar (form only) → error -32021, needs {"requiredCapabilities":{"elicitation":{"url":{}}}}',
      );
      expect(legacy).toMatch(
        /connect_calendar \(form only\) → isError=true: .*"elicitation\.url" capability/,
      );
      // 2025-11-25 only: -32042, the sign-in, notifications/elicitation/complete, a successful retry.
      expect(legacy).toContain('sync_calendar → error -32042: open calendar.example.com (calendar-sign-in)');
      expect(legacy).toContain('server: elicitation calendar-sign-in complete');
      expect(legacy).toContain('sync_calendar (retried) → Synced 1 booking.');
      expect(modern).not.toContain('sync_calendar');
    },
    EXAMPLE_LIMIT_MS,
  );

  it(
    'progress and cancellation: progress only when asked, the server sees the cancellation',
    async () => {
      const eras = await run(
        'examples/progress-cancellation/client.ts',
        'progress and cancellation example finished',
      );
      for (const [era, output] of Object.entries(eras)) {
        expect(output.match(/ {2}progress \d\/4 \(file \d of 4\)/g), era).toEqual([
          '  progress 1/4 (file 1 of 4)',
          '  progress 2/4 (file 2 of 4)',
          '  progress 3/4 (file 3 of 4)',
          '  progress 4/4 (file 4 of 4)',
        ]);
        expect(output, era).toContain('process_files(4) → processed all 4 files');
        expect(output, era).toContain('process_files(3) without onProgress → 0 progress notifications');
        expect(output, era).toContain('process_files(50) → RequestCancelledError');
        const cancelledAfter = /the server says: cancelled after (\d+) of 50 files/.exec(output)?.[1];
        expect(Number(cancelledAfter), `${era}:\n${output}`).toBeGreaterThanOrEqual(3);
        expect(Number(cancelledAfter), era).toBeLessThan(50);
      }
    },
    EXAMPLE_LIMIT_MS,
  );

  it(
    'SSE polling: the legacy stream ends mid-call and resumes with Last-Event-ID; modern has nothing to resume',
    async () => {
      const { modern, legacy } = await run(
        'examples/http-sse-polling/main.ts',
        'SSE polling example finished',
      );
      for (const output of [modern, legacy]) {
        expect(output).toContain(
          '  progress 1/3 collecting\n  progress 2/3 aggregating\n  progress 3/3 writing report.csv',
        );
      }
      expect(legacy).toContain('export_report → report.csv (3 sections); ctx.closeSseStream() returned true');
      expect(legacy).toMatch(/the client resumed the request's stream: GET with Last-Event-ID \S+/);
      expect(modern).toContain(
        'export_report → report.csv (3 sections); ctx.closeSseStream() returned false',
      );
      expect(modern).toContain('the request stream stayed open: nothing to resume');
    },
    EXAMPLE_LIMIT_MS,
  );

  it(
    'request middleware: the server audits and refuses, the client traces',
    async () => {
      const { modern, legacy } = await run(
        'examples/request-middleware/main.ts',
        'request middleware example finished',
      );
      expect(modern).toContain('  audit: server/discover [trace t1] ok');
      expect(legacy).toContain('  audit: initialize [trace t1] ok');
      for (const output of [modern, legacy]) {
        expect(output).toMatch(/audit: tools\/call greet \[trace t\d\] ok\n[\s\S]*greet → hello/);
        expect(output).toContain(
          'audit: tools/call drop_tables [trace t4] refused: drop_tables is disabled on this deployment',
        );
        expect(output).toContain('drop_tables → error -32602: drop_tables is disabled on this deployment');
      }
    },
    EXAMPLE_LIMIT_MS,
  );

  it(
    'resilience: retry after load shedding and lost answers, never repeating a non-idempotent call; the circuit opens',
    async () => {
      const { modern, legacy } = await run('examples/resilience/main.ts', 'resilience example finished');
      for (const output of [modern, legacy]) {
        expect(output).toMatch(
          /load shedding: charge_card → charged \(charge #\d\) after 2 retries \(HTTP 503, HTTP 503\)/,
        );
        expect(output).toContain(
          'lost answer: charge_card → HTTP 502, not repeated (the tool ran 1 time; 0 retries)',
        );
        expect(output).toContain('lost answer: list_invoices → INV-1, INV-2 after 1 retry (HTTP 502)');
        expect(output).toContain(
          'server down: list_invoices → CircuitOpenError (code -31503) after 3 attempts (HTTP 503, HTTP 503); circuit open',
        );
        expect(output).toContain('while open: list_invoices → CircuitOpenError, 0 requests sent');
      }
    },
    EXAMPLE_LIMIT_MS,
  );

  it(
    'logging: per-request level (modern), setLevel and broadcast (legacy)',
    async () => {
      const { modern, legacy } = await run('examples/logging/main.ts', 'logging example finished');
      expect(modern).toContain('import_data without a log level → 0 log messages');
      expect(modern).toContain(
        [
          'import_data with logLevel "info" → 3 log messages',
          '  info [importer]: import started',
          '  warning [importer]: 3 rows had an empty email',
          '  error [importer]: row 77 could not be parsed',
        ].join('\n'),
      );
      expect(modern).toContain('import_data after setLogLevel("error") → 1 log message\n  error [importer]');
      expect(modern).toContain('server.log("error", …) broadcast → 0 log messages');
      expect(legacy).toContain('import_data before any setLogLevel → 4 log messages\n  debug [importer]');
      expect(legacy).toContain(
        [
          'import_data after setLogLevel("warning") → 2 log messages',
          '  warning [importer]: 3 rows had an empty email',
          '  error [importer]: row 77 could not be parsed',
        ].join('\n'),
      );
      expect(legacy).toContain(
        'server.log("error", …) broadcast → 1 log message\n  error [storage]: disk almost full',
      );
    },
    EXAMPLE_LIMIT_MS,
  );

  it(
    'subscriptions: legacy subscribe and modern listen, updates merged',
    async () => {
      const { modern, legacy } = await run(
        'examples/subscriptions/main.ts',
        'subscriptions example finished',
      );
      expect(modern).toMatch(
        /subscriptions\/listen acknowledged \{"toolsListChanged":true,"resourceSubscriptions":\["file:\/\/\/app\/config\.json"\]\}, id \S+/,
      );
      // Three changes, one notification, showing the last state.
      expect(modern.match(/notifications\/resources\/updated/g)).toHaveLength(1);
      expect(modern).toContain(
        'notifications/resources/updated file:///app/config.json → now {"theme":"high-contrast","revision":4}',
      );
      expect(modern).toContain('notifications/tools/list_changed → tools now status, export');
      expect(modern).toContain('subscription ended: true');
      expect(legacy).toContain('resources/subscribe file:///app/config.json');
      expect(legacy).toContain(
        'notifications/resources/updated file:///app/config.json → now {"theme":"dark","revision":2}',
      );
      expect(legacy).toContain('notifications/tools/list_changed → tools now status, export');
      expect(legacy).toContain('resources/unsubscribe file:///app/config.json');
    },
    EXAMPLE_LIMIT_MS,
  );

  it(
    'oauth: a 401, discovery, registration, PKCE authorization and a token, then the tool sees the subject',
    async () => {
      const eras = await run('examples/oauth/main.ts', 'oauth example finished');
      const firstRequest = { modern: 'server/discover', legacy: 'initialize' };
      for (const [era, output] of Object.entries(eras) as [keyof typeof firstRequest, string][]) {
        const mcp = 'http://127\\.0\\.0\\.1:\\d+/mcp';
        const origin = 'http://127\\.0\\.0\\.1:\\d+';
        const lines = [
          `challenge +POST ${mcp} \\(${firstRequest[era]}\\) → 401, WWW-Authenticate: Bearer scope="notes:read notes:write", resource_metadata="${origin}/\\.well-known/oauth-protected-resource/mcp"`,
          `discovery +GET ${origin}/\\.well-known/oauth-protected-resource/mcp → 200, authorization_servers \\["${origin}"\\]`,
          `discovery +GET ${origin}/\\.well-known/oauth-authorization-server → 200, code_challenge_methods_supported \\["S256"\\]`,
          `registration +POST ${origin}/register → 201, application_type native, client_id \\S+`,
          `authorize +GET ${origin}/authorize with response_type code, code_challenge_method S256, resource ${mcp}, scope "notes:read notes:write", state`,
          'redirected +http://127\\.0\\.0\\.1:8765/callback\\?\\S*\\bcode=',
          `auth server +code_verifier matches code_challenge \\(S256\\), resource ${mcp} matches → JWT for alice`,
          `token +POST ${origin}/token → 200 \\(grant_type authorization_code, code_verifier, resource ${mcp}\\): Bearer, expires_in 3600, scope "notes:read notes:write"`,
          `access token +JWT iss ${origin}, aud ${mcp}, sub alice, scope "notes:read notes:write", lifetime 3600 s`,
          `retried +POST ${mcp} \\(${firstRequest[era]}\\) with Authorization: Bearer <token> → 200`,
          'whoami → alice with scopes notes:read notes:write',
        ];
        // Each step once, in this order: the token comes after the 401, and the tool runs after the retry.
        let from = 0;
        for (const line of lines) {
          const found = new RegExp(line).exec(output.slice(from));
          expect(found, `${era}: no /${line}/ after offset ${from} in:\n${output}`).not.toBeNull();
          from += (found?.index ?? 0) + (found?.[0].length ?? 0);
        }
        expect(output.match(/→ 401/g), era).toHaveLength(1);
        const callback = new URL(/redirected +(\S+)/.exec(output)?.[1] ?? '');
        expect(callback.searchParams.get('iss'), era).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(callback.searchParams.get('state'), era).toBeTruthy();
      }
    },
    EXAMPLE_LIMIT_MS,
  );
});
