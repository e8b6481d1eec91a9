/**
 * Command-line parsing: the four commands, their targets and options. Parsing returns data; a usage error is an
 * `{ ok: false }` with a message that says what to fix, never a throw.
 */

/** Which era to speak: `auto` probes `server/discover` and falls back to `initialize`. */
export type EraOption = 'auto' | 'modern' | 'legacy';

/** A server to talk to: a Streamable HTTP endpoint, or a command spawned as a stdio server. */
export type Target =
  | { kind: 'http'; url: string }
  | { kind: 'stdio'; commandLine: string; command: string; args: string[] };

/** Options every command takes. */
export interface CommonOptions {
  json: boolean;
  era: EraOption;
  /** Extra HTTP headers (auth), sent to every HTTP target. */
  headers: Record<string, string>;
  /** Milliseconds each request (and, for `diagnose` over stdio, the first answer) may take. */
  timeoutMs: number;
  /** OAuth for HTTP targets (`--oauth`, `--oauth-headless`); absent without them. */
  oauth?: OAuthSettings;
  /** Where progress meant for a person goes (the sign-in URL); `run` points it at stderr, never stdout. */
  notify?: (text: string) => void;
}

/**
 * How `--oauth` / `--oauth-headless` authorize: a loopback redirect a person completes in a browser, or a
 * headless fetch of the authorization URL for authorization servers that approve at once.
 *
 * @example
 * ```ts
 * import type { OAuthSettings } from '@pmcp/mcp-tester';
 * const oauth: OAuthSettings = { flow: 'loopback', port: 8765, signInTimeoutMs: 300_000 };
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization
 */
export interface OAuthSettings {
  /** `--oauth`, `--oauth-headless`, or `--oauth-client-credentials` (a service's own credentials, no sign-in). */
  flow: 'loopback' | 'headless' | 'client-credentials';
  /** `--oauth-port`: the loopback listener's port; absent for a free one. */
  port?: number;
  /** `--client-id`: a pre-registered client; absent to let the provider use CIMD or dynamic registration. */
  clientId?: string;
  /** `--client-secret`, for a confidential pre-registered client. */
  clientSecret?: string;
  /** `--private-key-file`: a PKCS#8 PEM key for `private_key_jwt` (client credentials only). */
  privateKeyFile?: string;
  /** `--signing-alg`: the JWS algorithm of that key (default RS256). */
  signingAlgorithm?: string;
  /** How long the loopback sign-in may take: `--timeout` when given, else {@link DEFAULT_SIGN_IN_TIMEOUT_MS}. */
  signInTimeoutMs: number;
}

/**
 * The sign-in step's limit when `--timeout` is not given: people need longer than servers.
 *
 * @example
 * ```ts
 * import { DEFAULT_SIGN_IN_TIMEOUT_MS } from '@pmcp/mcp-tester';
 * console.log(DEFAULT_SIGN_IN_TIMEOUT_MS / 60_000); // 5
 * ```
 */
export const DEFAULT_SIGN_IN_TIMEOUT_MS = 300_000;

/** A tool to call in `test`. */
export interface ToolCall {
  tool: string;
  arguments: Record<string, unknown>;
}

/** A command line that parsed. */
export type ParsedCommand =
  | { command: 'test'; target: Target; options: CommonOptions; call: ToolCall | undefined }
  | { command: 'compliance'; target: Target; options: CommonOptions }
  | { command: 'diagnose'; target: Target; options: CommonOptions }
  | { command: 'compare'; targets: [Target, Target]; options: CommonOptions }
  | { command: 'help' };

/** The outcome of {@link parseArgs}: `json` tells how to report a usage error. */
export type ParseOutcome = { ok: true; parsed: ParsedCommand } | { ok: false; error: string; json: boolean };

/** What {@link splitCommandLine} returns. */
export type SplitOutcome = { ok: true; words: string[] } | { ok: false; error: string };

const DEFAULT_TIMEOUT_MS = 30_000;
const COMMANDS = ['test', 'compliance', 'diagnose', 'compare'] as const;
type CommandName = (typeof COMMANDS)[number];
const VALUE_OPTIONS = new Set([
  '--era',
  '--header',
  '--stdio',
  '--timeout',
  '--call',
  '--args',
  '--oauth-port',
  '--client-id',
  '--client-secret',
  '--private-key-file',
  '--signing-alg',
]);
const FLAG_OPTIONS = new Set([
  '--json',
  '--help',
  '-h',
  '--oauth',
  '--oauth-headless',
  '--oauth-client-credentials',
]);
const OAUTH_FLAGS: Record<string, OAuthSettings['flow']> = {
  '--oauth': 'loopback',
  '--oauth-headless': 'headless',
  '--oauth-client-credentials': 'client-credentials',
};

/**
 * Parses the arguments after the program name.
 *
 * @example
 * ```ts
 * import { parseArgs } from '@pmcp/mcp-tester';
 * const outcome = parseArgs(['test', 'http://127.0.0.1:3000/mcp', '--json']);
 * if (outcome.ok) console.log(outcome.parsed.command); // 'test'
 * ```
 */
export function parseArgs(argv: readonly string[]): ParseOutcome {
  const json = argv.includes('--json');
  const fail = (error: string): ParseOutcome => ({ ok: false, error, json });
  const [first, ...rest] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    return { ok: true, parsed: { command: 'help' } };
  }
  if (!(COMMANDS as readonly string[]).includes(first)) {
    return fail(`Unknown command ${JSON.stringify(first)}; use one of: ${COMMANDS.join(', ')}.`);
  }
  const command = first as CommandName;
  const targets: Target[] = [];
  const options: CommonOptions = { json, era: 'auto', headers: {}, timeoutMs: DEFAULT_TIMEOUT_MS };
  let callTool: string | undefined;
  let callArgs: string | undefined;
  let oauthFlow: OAuthSettings['flow'] | undefined;
  let oauthPort: number | undefined;
  let clientId: string | undefined;
  let clientSecret: string | undefined;
  let privateKeyFile: string | undefined;
  let signingAlgorithm: string | undefined;
  let timeoutGiven = false;

  for (let index = 0; index < rest.length; index += 1) {
    const word = rest[index] as string;
    if (!word.startsWith('-')) {
      const target = httpTarget(word);
      if (!target.ok) return fail(target.error);
      targets.push(target.target);
      continue;
    }
    const equals = word.indexOf('=');
    const name = equals > 0 && word.startsWith('--') ? word.slice(0, equals) : word;
    if (FLAG_OPTIONS.has(name)) {
      const flow = OAUTH_FLAGS[name];
      if (flow !== undefined) {
        if (oauthFlow !== undefined && oauthFlow !== flow) {
          return fail(
            'Give one of --oauth (sign in through a browser), --oauth-headless and --oauth-client-credentials.',
          );
        }
        oauthFlow = flow;
      } else if (name !== '--json') return { ok: true, parsed: { command: 'help' } };
      continue;
    }
    if (!VALUE_OPTIONS.has(name))
      return fail(`Unknown option ${name} for "${command}"; see mcp-tester --help.`);
    let value: string | undefined;
    if (equals > 0 && name !== word) value = word.slice(equals + 1);
    else {
      value = rest[index + 1];
      index += 1;
    }
    if (value === undefined) return fail(`Option ${name} needs a value.`);
    switch (name) {
      case '--era':
        if (value !== 'auto' && value !== 'modern' && value !== 'legacy') {
          return fail(`--era must be auto, modern or legacy, got ${JSON.stringify(value)}.`);
        }
        options.era = value;
        break;
      case '--header': {
        const colon = value.indexOf(':');
        const headerName = colon > 0 ? value.slice(0, colon).trim() : '';
        if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(headerName)) {
          return fail(`--header must look like 'Name: value', got ${JSON.stringify(value)}.`);
        }
        options.headers[headerName] = value.slice(colon + 1).trim();
        break;
      }
      case '--stdio': {
        const split = splitCommandLine(value);
        if (!split.ok) return fail(`--stdio: ${split.error}`);
        const [program, ...args] = split.words as [string, ...string[]];
        targets.push({ kind: 'stdio', commandLine: value, command: program, args });
        break;
      }
      case '--timeout': {
        const timeoutMs = parseDuration(value);
        if (timeoutMs === undefined) {
          return fail(
            `--timeout must be a positive duration such as 30, 30s or 500ms, got ${JSON.stringify(value)}.`,
          );
        }
        options.timeoutMs = timeoutMs;
        timeoutGiven = true;
        break;
      }
      case '--oauth-port': {
        const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
        if (!(port >= 1 && port <= 65535)) {
          return fail(`--oauth-port must be a TCP port from 1 to 65535, got ${JSON.stringify(value)}.`);
        }
        oauthPort = port;
        break;
      }
      case '--client-id':
        if (value.length === 0)
          return fail('--client-id needs the client_id registered with the authorization server.');
        clientId = value;
        break;
      case '--client-secret':
        clientSecret = value;
        break;
      case '--private-key-file':
        if (value.length === 0) return fail('--private-key-file needs the path of a PKCS#8 PEM private key.');
        privateKeyFile = value;
        break;
      case '--signing-alg':
        signingAlgorithm = value;
        break;
      case '--call':
        callTool = value;
        break;
      case '--args':
        callArgs = value;
        break;
    }
  }

  const wanted = command === 'compare' ? 2 : 1;
  if (targets.length !== wanted) {
    const what =
      wanted === 2
        ? 'two targets (each an http(s):// URL or --stdio "<command>")'
        : 'one target: an http(s):// URL or --stdio "<command>"';
    return fail(`"${command}" needs ${what}; got ${targets.length}.`);
  }
  if (command !== 'test' && (callTool !== undefined || callArgs !== undefined)) {
    return fail('--call and --args belong to the "test" command.');
  }
  const oauthProblem = oauthUsageError(
    oauthFlow,
    { oauthPort, clientId, clientSecret, privateKeyFile, signingAlgorithm },
    targets,
    options,
  );
  if (oauthProblem !== undefined) return fail(oauthProblem);
  if (oauthFlow !== undefined) {
    const oauth: OAuthSettings = {
      flow: oauthFlow,
      signInTimeoutMs: timeoutGiven ? options.timeoutMs : DEFAULT_SIGN_IN_TIMEOUT_MS,
    };
    if (oauthPort !== undefined) oauth.port = oauthPort;
    if (clientId !== undefined) oauth.clientId = clientId;
    if (clientSecret !== undefined) oauth.clientSecret = clientSecret;
    if (privateKeyFile !== undefined) oauth.privateKeyFile = privateKeyFile;
    if (signingAlgorithm !== undefined) oauth.signingAlgorithm = signingAlgorithm;
    options.oauth = oauth;
  }
  const target = targets[0] as Target;
  switch (command) {
    case 'test': {
      if (callTool === undefined) {
        if (callArgs !== undefined) return fail('--args needs --call <tool> to say which tool to call.');
        return { ok: true, parsed: { command, target, options, call: undefined } };
      }
      if (callTool.length === 0) return fail('--call needs a tool name.');
      const parsedArgs = parseToolArguments(callArgs);
      if (!parsedArgs.ok) return fail(parsedArgs.error);
      return {
        ok: true,
        parsed: { command, target, options, call: { tool: callTool, arguments: parsedArgs.value } },
      };
    }
    case 'compare':
      return { ok: true, parsed: { command, targets: [target, targets[1] as Target], options } };
    default:
      return { ok: true, parsed: { command, target, options } };
  }
}

/**
 * Splits a command line the simple way: words are separated by spaces or tabs, double quotes group a word
 * (`"my server.js"`), and inside double quotes `\"` and `\\` stand for `"` and `\`. No shell: no variables,
 * globs, single quotes or pipes.
 *
 * @example
 * ```ts
 * import { splitCommandLine } from '@pmcp/mcp-tester';
 * splitCommandLine('node "my server.js" --port 3'); // { ok: true, words: ['node', 'my server.js', '--port', '3'] }
 * ```
 */
export function splitCommandLine(line: string): SplitOutcome {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index] as string;
    if (quoted) {
      const next = line[index + 1];
      if (char === '\\' && (next === '"' || next === '\\')) {
        current += next;
        index += 1;
      } else if (char === '"') quoted = false;
      else current += char;
      continue;
    }
    if (char === '"') {
      quoted = true;
      inWord = true;
    } else if (char === ' ' || char === '\t') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (quoted) return { ok: false, error: `unterminated double quote in ${JSON.stringify(line)}.` };
  if (inWord) words.push(current);
  if (words.length === 0) return { ok: false, error: 'the command line is empty; give the program to run.' };
  return { ok: true, words };
}

function httpTarget(word: string): { ok: true; target: Target } | { ok: false; error: string } {
  let url: URL | undefined;
  try {
    // Without "//" a word such as localhost:3000 would parse as a URL of scheme "localhost:".
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(word)) url = new URL(word);
  } catch {
    url = undefined;
  }
  if (url === undefined) {
    return {
      ok: false,
      error: `${JSON.stringify(word)} is not a target: give an http(s):// URL, or --stdio "<command>" for a stdio server.`,
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      ok: false,
      error: `Only http:// and https:// URLs are targets, got ${url.protocol}; for stdio use --stdio.`,
    };
  }
  return { ok: true, target: { kind: 'http', url: url.href } };
}

function oauthUsageError(
  flow: OAuthSettings['flow'] | undefined,
  given: {
    oauthPort: number | undefined;
    clientId: string | undefined;
    clientSecret: string | undefined;
    privateKeyFile: string | undefined;
    signingAlgorithm: string | undefined;
  },
  targets: readonly Target[],
  options: CommonOptions,
): string | undefined {
  if (flow === undefined) {
    if (Object.values(given).some((value) => value !== undefined)) {
      return '--oauth-port, --client-id, --client-secret, --private-key-file and --signing-alg need --oauth, --oauth-headless or --oauth-client-credentials.';
    }
    return undefined;
  }
  if (given.clientSecret !== undefined && given.clientId === undefined) {
    return '--client-secret needs --client-id (the client the secret belongs to).';
  }
  if (flow !== 'loopback' && given.oauthPort !== undefined) {
    return '--oauth-port belongs to --oauth: only the browser sign-in needs a listener.';
  }
  if (flow === 'client-credentials') {
    if (given.clientId === undefined) {
      return '--oauth-client-credentials needs --client-id (the service registered with the authorization server).';
    }
    if ((given.clientSecret === undefined) === (given.privateKeyFile === undefined)) {
      return '--oauth-client-credentials needs exactly one of --client-secret and --private-key-file.';
    }
  } else if (given.privateKeyFile !== undefined || given.signingAlgorithm !== undefined) {
    return '--private-key-file and --signing-alg belong to --oauth-client-credentials.';
  }
  if (given.signingAlgorithm !== undefined && given.privateKeyFile === undefined) {
    return '--signing-alg needs --private-key-file (the key it names the algorithm of).';
  }
  if (!targets.some((target) => target.kind === 'http')) {
    return 'OAuth applies to http(s):// targets; a stdio server gets its credentials from its environment.';
  }
  if (Object.keys(options.headers).some((name) => name.toLowerCase() === 'authorization')) {
    return "Give either --header 'Authorization: …' or an OAuth option, not both.";
  }
  return undefined;
}

function parseDuration(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(value.trim());
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const ms = match[2] === 'ms' ? amount : amount * 1000;
  return ms > 0 && Number.isFinite(ms) ? Math.round(ms) : undefined;
}

function parseToolArguments(
  text: string | undefined,
): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  if (text === undefined) return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      error: `--args is not valid JSON (${(error as Error).message}); e.g. --args '{"a":1}'.`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `--args must be a JSON object such as '{"a":1}', got ${text}.` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
