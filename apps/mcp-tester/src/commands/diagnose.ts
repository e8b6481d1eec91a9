/**
 * `mcp-tester diagnose`: connectivity step by step, below the client, with a hint for each failure. HTTP is
 * probed with plain `fetch`, stdio with a plain child process, so a server too broken for the client still gets
 * a useful answer.
 */
import { spawn } from 'node:child_process';
import { isJsonRpcResponse, type JsonRpcMessage, parseJsonRpcMessage } from '@pmcp/jsonrpc';
import { LATEST_LEGACY_PROTOCOL_VERSION, LATEST_PROTOCOL_VERSION, MetaKey } from '@pmcp/types';
import type { CommonOptions, Target } from '../args.ts';
import { describeTarget, messageOf, TESTER_INFO } from '../connection.ts';

/** The verdict of one diagnosis step; `info` reports without judging. */
export type DiagnosisStatus = 'pass' | 'fail' | 'warn' | 'skip' | 'info';

/** One diagnosis step. */
export interface DiagnosisStep {
  id: string;
  status: DiagnosisStatus;
  message: string;
  /** What to try when the step failed or warned. */
  hint?: string;
  details?: Record<string, unknown>;
}

/** The JSON document of `diagnose`. */
export interface DiagnoseReport {
  command: 'diagnose';
  ok: boolean;
  target: string;
  /** The eras the server answered in. */
  eras: ('modern' | 'legacy')[];
  steps: DiagnosisStep[];
}

const MAX_JUNK_LINES = 5;
const LINE_SNIPPET = 200;
const STDERR_TAIL_LINES = 20;
const SHUTDOWN_GRACE_MS = 2000;

/**
 * Runs `diagnose` against one target.
 *
 * @example
 * ```ts
 * import { runDiagnose } from '@pmcp/mcp-tester';
 * const report = await runDiagnose({ kind: 'http', url: 'http://127.0.0.1:3000/mcp' }, options);
 * for (const step of report.steps) console.log(step.status, step.id, step.message, step.hint ?? '');
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports
 */
export async function runDiagnose(target: Target, options: CommonOptions): Promise<DiagnoseReport> {
  const report: DiagnoseReport = {
    command: 'diagnose',
    ok: false,
    target: describeTarget(target),
    eras: [],
    steps: [],
  };
  if (target.kind === 'http') await diagnoseHttp(target.url, options, report);
  else await diagnoseStdio(target, options, report);
  report.ok = report.steps.every((step) => step.status !== 'fail');
  return report;
}

// ------------------------------------------------------------------------------------------------- HTTP

interface Probe {
  status: number;
  contentType: string;
  headers: Headers;
  /** The JSON-RPC response found in the body (JSON or the first matching SSE event). */
  message: JsonRpcMessage | undefined;
  bodySnippet: string;
}

function discoverRequest(id: number): JsonRpcMessage {
  return {
    jsonrpc: '2.0',
    id,
    method: 'server/discover',
    params: {
      _meta: {
        [MetaKey.ProtocolVersion]: LATEST_PROTOCOL_VERSION,
        [MetaKey.ClientCapabilities]: {},
        [MetaKey.ClientInfo]: TESTER_INFO,
      },
    },
  };
}

function initializeRequest(id: number): JsonRpcMessage {
  return {
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: LATEST_LEGACY_PROTOCOL_VERSION, capabilities: {}, clientInfo: TESTER_INFO },
  };
}

async function diagnoseHttp(url: string, options: CommonOptions, report: DiagnoseReport): Promise<void> {
  const steps = report.steps;
  const post = (message: JsonRpcMessage, extraHeaders: Record<string, string>) =>
    probe(url, 'POST', message, { ...options.headers, ...extraHeaders }, options.timeoutMs);
  const modernHeaders = { 'MCP-Protocol-Version': LATEST_PROTOCOL_VERSION, 'Mcp-Method': 'server/discover' };

  let modern: Probe;
  try {
    modern = await post(discoverRequest(1), modernHeaders);
  } catch (error) {
    steps.push({
      id: 'reach',
      status: 'fail',
      message: `POST ${url} failed: ${fetchFailure(error)}.`,
      hint: reachHint(error, url),
    });
    return;
  }
  steps.push({
    id: 'reach',
    status: 'pass',
    message: `POST answered HTTP ${modern.status}${modern.contentType === '' ? '' : ` (${modern.contentType})`}.`,
    details: { status: modern.status, contentType: modern.contentType },
  });
  if (!authStep(modern, steps)) return;

  const modernAnswered = succeeded(modern);
  steps.push(
    modernAnswered
      ? {
          id: 'era.modern',
          status: 'pass',
          message: `Speaks ${LATEST_PROTOCOL_VERSION}: server/discover answered.`,
        }
      : {
          id: 'era.modern',
          status: 'info',
          message: `No ${LATEST_PROTOCOL_VERSION} answer to server/discover (${describeProbe(modern)}).`,
        },
  );

  let legacy: Probe | undefined;
  try {
    legacy = await post(initializeRequest(2), {});
  } catch (error) {
    steps.push({
      id: 'era.legacy',
      status: 'info',
      message: `The initialize POST failed: ${fetchFailure(error)}.`,
    });
  }
  const legacyAnswered = succeeded(legacy);
  if (legacy !== undefined) {
    const sessionId = legacy.headers.get('mcp-session-id');
    steps.push(
      legacyAnswered
        ? {
            id: 'era.legacy',
            status: 'pass',
            message: `Speaks the legacy era: initialize answered with protocol ${legacyVersion(legacy)}${sessionId === null ? ' (no session id)' : `, session ${sessionId}`}.`,
          }
        : {
            id: 'era.legacy',
            status: 'info',
            message: `initialize was not answered (${describeProbe(legacy)}).`,
          },
    );
    if (sessionId !== null) await endSession(url, sessionId, options);
  }
  if (modernAnswered) report.eras.push('modern');
  if (legacyAnswered) report.eras.push('legacy');

  const working = modernAnswered ? modern : legacyAnswered ? legacy : undefined;
  if (working === undefined) {
    steps.push({
      id: 'era',
      status: 'fail',
      message: 'The endpoint answered neither server/discover nor initialize.',
      hint: await eraHint(url, options, modern),
    });
    return;
  }
  steps.push({ id: 'era', status: 'pass', message: `Eras spoken: ${report.eras.join(' and ')}.` });
  steps.push(contentTypeStep(working));
  steps.push(await corsStep(url, options));
  steps.push(
    await originStep(
      url,
      options,
      modernAnswered ? [discoverRequest(3), modernHeaders] : [initializeRequest(3), {}],
    ),
  );
}

/** Returns false when authorization stops the diagnosis. */
function authStep(answer: Probe, steps: DiagnosisStep[]): boolean {
  if (answer.status !== 401 && answer.status !== 403) {
    steps.push({
      id: 'auth',
      status: 'pass',
      message: 'No authorization challenge (none required, or --header was accepted).',
    });
    return true;
  }
  const challenge = answer.headers.get('www-authenticate');
  if (challenge === null) {
    steps.push({
      id: 'auth',
      status: 'fail',
      message: `HTTP ${answer.status} without a WWW-Authenticate header.`,
      hint: 'An MCP server that requires authorization must say how in WWW-Authenticate (RFC 9728 resource_metadata). Check the server, or pass credentials with --header; --oauth can still try the well-known metadata URLs.',
    });
    return false;
  }
  const metadata = /resource_metadata="([^"]*)"/i.exec(challenge)?.[1];
  const scope = /scope="([^"]*)"/i.exec(challenge)?.[1];
  const details: Record<string, unknown> = { wwwAuthenticate: challenge };
  if (metadata !== undefined) details.resourceMetadata = metadata;
  if (scope !== undefined) details.scope = scope;
  steps.push({
    id: 'auth',
    status: 'fail',
    message: `Authorization required (HTTP ${answer.status}). WWW-Authenticate: ${challenge}${metadata === undefined ? '' : `; resource metadata: ${metadata}`}.`,
    hint:
      metadata === undefined
        ? "Sign in with --oauth (test, compliance, compare; --oauth-headless for a test authorization server), or obtain a token and pass it with --header 'Authorization: Bearer <token>'."
        : `Sign in with --oauth (test, compliance, compare; --oauth-headless for a test authorization server): it reads ${metadata} to find the authorization server. Or obtain a token yourself and pass it with --header 'Authorization: Bearer <token>'.`,
    details,
  });
  return false;
}

function contentTypeStep(answer: Probe): DiagnosisStep {
  const type = answer.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type === 'text/event-stream') {
    return { id: 'content-type', status: 'pass', message: `Answers with ${type}.` };
  }
  return {
    id: 'content-type',
    status: 'fail',
    message: `Answered with Content-Type ${JSON.stringify(answer.contentType)}.`,
    hint: 'An MCP endpoint answers a request with application/json or text/event-stream.',
  };
}

async function corsStep(url: string, options: CommonOptions): Promise<DiagnosisStep> {
  const origin = 'https://mcp-tester.invalid';
  try {
    const response = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        ...options.headers,
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type, mcp-protocol-version',
      },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    await response.body?.cancel();
    const allowOrigin = response.headers.get('access-control-allow-origin');
    return {
      id: 'cors',
      status: 'info',
      message:
        allowOrigin === null
          ? `The CORS preflight from ${origin} got HTTP ${response.status} without Access-Control-Allow-Origin: browser apps on other origins cannot call this server (fine for other clients).`
          : `The CORS preflight from ${origin} got HTTP ${response.status}, Access-Control-Allow-Origin: ${allowOrigin}.`,
      details: { status: response.status, allowOrigin },
    };
  } catch (error) {
    return { id: 'cors', status: 'info', message: `The CORS preflight failed: ${fetchFailure(error)}.` };
  }
}

/** Local servers must refuse foreign Origins (DNS rebinding); remote ones decide for themselves. */
async function originStep(
  url: string,
  options: CommonOptions,
  [request, headers]: [JsonRpcMessage, Record<string, string>],
): Promise<DiagnosisStep> {
  const local = isLoopbackUrl(url);
  let answer: Probe;
  try {
    answer = await probe(
      url,
      'POST',
      request,
      { ...options.headers, ...headers, Origin: 'http://evil.example' },
      options.timeoutMs,
    );
  } catch (error) {
    return {
      id: 'origin',
      status: 'info',
      message: `The POST with a foreign Origin failed: ${fetchFailure(error)}.`,
    };
  }
  const sessionId = answer.headers.get('mcp-session-id');
  if (sessionId !== null) await endSession(url, sessionId, options);
  const refused = answer.status >= 400 && answer.status < 500;
  if (refused) {
    return {
      id: 'origin',
      status: 'pass',
      message: `A request with Origin http://evil.example was refused (HTTP ${answer.status}).`,
    };
  }
  return {
    id: 'origin',
    status: local ? 'warn' : 'info',
    message: `A request with Origin http://evil.example was accepted (HTTP ${answer.status}).`,
    ...(local
      ? {
          hint: 'A server on localhost must validate the Origin header, or a web page can reach it through DNS rebinding.',
        }
      : {}),
  };
}

async function eraHint(url: string, options: CommonOptions, modern: Probe): Promise<string> {
  try {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs);
    const response = await fetch(url, {
      method: 'GET',
      headers: { ...options.headers, Accept: 'text/event-stream' },
      signal: controller.signal,
    });
    clearTimeout(timer);
    const type = response.headers.get('content-type') ?? '';
    // Only the headers matter: an SSE stream never ends by itself.
    controller.abort();
    if (response.ok && type.includes('text/event-stream')) {
      return 'A GET opened an event stream: this looks like the 2024-11-05 HTTP+SSE transport. mcp-tester test/compliance reach it through the client (era auto).';
    }
  } catch {
    // The GET is only a hint; its failure says nothing more than the POSTs did.
  }
  const type = modern.contentType.toLowerCase();
  if (type.includes('text/html'))
    return 'The URL serves a web page: check the path (MCP endpoints are often /mcp).';
  if (modern.status === 404) return 'HTTP 404: check the path (MCP endpoints are often /mcp).';
  return 'Check that the URL is the MCP endpoint and that the server speaks JSON-RPC over Streamable HTTP.';
}

async function probe(
  url: string,
  method: 'POST',
  message: JsonRpcMessage,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<Probe> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    const response = await fetch(url, {
      method,
      headers: {
        ...headers,
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify(message),
      signal: controller.signal,
    });
    const contentType = response.headers.get('content-type') ?? '';
    const id = 'id' in message ? message.id : undefined;
    const { found, text } = contentType.includes('text/event-stream')
      ? await readSseResponse(response, id)
      : await readJsonResponse(response);
    return {
      status: response.status,
      contentType,
      headers: response.headers,
      message: found,
      bodySnippet: text.slice(0, LINE_SNIPPET),
    };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

async function readJsonResponse(
  response: Response,
): Promise<{ found: JsonRpcMessage | undefined; text: string }> {
  const text = await response.text();
  const parsed = parseJsonRpcMessage(text);
  return { found: parsed.ok ? parsed.message : undefined, text };
}

/** Reads events until the response with `id` arrives; a stream may carry notifications first. */
async function readSseResponse(
  response: Response,
  id: unknown,
): Promise<{ found: JsonRpcMessage | undefined; text: string }> {
  if (response.body === null) return { found: undefined, text: '' };
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let seen = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { found: undefined, text: seen };
      buffer += value;
      if (seen.length < LINE_SNIPPET) seen += value;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('data:')) continue;
        const parsed = parseJsonRpcMessage(line.slice(5).trim());
        if (parsed.ok && isJsonRpcResponse(parsed.message) && parsed.message.id === id) {
          return { found: parsed.message, text: seen };
        }
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

async function endSession(url: string, sessionId: string, options: CommonOptions): Promise<void> {
  try {
    const response = await fetch(url, {
      method: 'DELETE',
      headers: { ...options.headers, 'Mcp-Session-Id': sessionId },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    await response.body?.cancel();
  } catch {
    // Ending the probe's session is courtesy; a server that cannot will expire it.
  }
}

function describeProbe(answer: Probe): string {
  const message = answer.message;
  if (message !== undefined && 'error' in message) {
    return `HTTP ${answer.status}, error ${message.error.code}: ${message.error.message}`;
  }
  return `HTTP ${answer.status}${answer.bodySnippet === '' ? '' : `: ${oneLine(answer.bodySnippet)}`}`;
}

function legacyVersion(answer: Probe): string {
  const message = answer.message;
  if (message === undefined || !('result' in message)) return 'unknown';
  const version = message.result.protocolVersion;
  return typeof version === 'string' ? version : 'unknown';
}

function fetchFailure(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code !== undefined)
    return `${cause.code}${cause.message === undefined ? '' : ` (${cause.message})`}`;
  return messageOf(error);
}

function reachHint(error: unknown, url: string): string {
  const code = error instanceof Error ? (error.cause as { code?: string } | undefined)?.code : undefined;
  const { host } = new URL(url);
  if (code === 'ECONNREFUSED') return `Nothing listens on ${host}: is the server running, and on this port?`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `The host name in ${host} does not resolve: check the URL.`;
  if (code !== undefined && /CERT|SSL|TLS/.test(code))
    return 'The TLS handshake failed: check the certificate, or use http:// for a local server.';
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return 'The server accepted the connection but did not answer in time: raise --timeout, or check the server logs.';
  }
  return 'Check the URL and that the server is running and reachable from here.';
}

function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host);
}

/** Whether the probe got a successful JSON-RPC response (not an error, not something else). */
function succeeded(answer: Probe | undefined): boolean {
  const message = answer?.message;
  return message !== undefined && isJsonRpcResponse(message) && 'result' in message;
}

// ------------------------------------------------------------------------------------------------ stdio

interface StdioRun {
  spawnError?: string;
  exit?: { code: number | null; signal: string | null };
  responses: Map<unknown, JsonRpcMessage>;
  junk: string[];
  junkCount: number;
  stderr: string;
}

async function diagnoseStdio(
  target: Extract<Target, { kind: 'stdio' }>,
  options: CommonOptions,
  report: DiagnoseReport,
): Promise<void> {
  const steps = report.steps;
  const run = await exchangeOverStdio(target, options.timeoutMs);
  if (run.spawnError !== undefined) {
    steps.push({
      id: 'spawn',
      status: 'fail',
      message: `Could not start ${JSON.stringify(target.command)}: ${run.spawnError}.`,
      hint: 'Check that the program exists (on PATH, or give its path) and is executable; quote the whole command line: --stdio "node server.js".',
    });
    return;
  }
  steps.push({ id: 'spawn', status: 'pass', message: `Started ${JSON.stringify(target.commandLine)}.` });

  const discover = run.responses.get(1);
  const initialize = run.responses.get(2);
  const modern = discover !== undefined && 'result' in discover;
  const legacy = initialize !== undefined && 'result' in initialize;
  if (modern) report.eras.push('modern');
  if (legacy) report.eras.push('legacy');
  if (discover === undefined && initialize === undefined) {
    steps.push({
      id: 'responds',
      status: 'fail',
      message: `No answer to server/discover or initialize within ${options.timeoutMs} ms${run.exit === undefined ? '' : ' (the process exited)'}.`,
      hint:
        run.exit !== undefined
          ? 'The server exited early: read its stderr below.'
          : 'Does the server read newline-delimited JSON-RPC from stdin? A slow start needs a longer --timeout.',
    });
  } else {
    steps.push({
      id: 'responds',
      status: 'pass',
      message: `Answered: server/discover ${answerText(discover)}; initialize ${answerText(initialize)}.`,
    });
    steps.push(
      modern || legacy
        ? { id: 'era', status: 'pass', message: `Eras spoken: ${report.eras.join(' and ')}.` }
        : {
            id: 'era',
            status: 'fail',
            message: 'Neither server/discover nor initialize succeeded.',
            hint: 'The server answers, but with errors to both handshakes: read the error messages above and its stderr.',
          },
    );
  }
  steps.push(
    run.junkCount === 0
      ? { id: 'stdout', status: 'pass', message: 'Everything on stdout was JSON-RPC, one message per line.' }
      : {
          id: 'stdout',
          status: 'fail',
          message: `${run.junkCount} line(s) on stdout are not JSON-RPC, e.g. ${run.junk.map((line) => JSON.stringify(line)).join(', ')}.`,
          hint: 'stdout carries only JSON-RPC messages: send logs and banners to stderr.',
          details: { lines: run.junk },
        },
  );
  if (run.exit !== undefined) {
    steps.push({
      id: 'exit',
      status: 'fail',
      message: `The process exited during the diagnosis (code ${run.exit.code}, signal ${run.exit.signal}).`,
      hint: 'A stdio server runs until its stdin closes: read its stderr below.',
    });
  }
  const tail = run.stderr
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-STDERR_TAIL_LINES);
  steps.push({
    id: 'stderr',
    status: 'info',
    message:
      tail.length === 0 ? 'Nothing on stderr.' : `Last ${tail.length} line(s) of stderr:\n${tail.join('\n')}`,
    details: { tail },
  });
}

/**
 * Spawns the server, sends `server/discover` then `initialize`, and reads stdout until both are answered, the
 * process exits, or `timeoutMs` passes. Then closes stdin and, if needed, signals the process.
 */
function exchangeOverStdio(target: Extract<Target, { kind: 'stdio' }>, timeoutMs: number): Promise<StdioRun> {
  const run: StdioRun = { responses: new Map(), junk: [], junkCount: 0, stderr: '' };
  return new Promise<StdioRun>((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(target.command, target.args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    } catch (error) {
      run.spawnError = messageOf(error);
      resolve(run);
      return;
    }
    let settled = false;
    let exited = false;
    let stdoutBuffer = '';
    let initializeSent = false;
    // One handshake after the other, so a server that reads its input slowly still sees both; a legacy server
    // that ignores server/discover altogether gets initialize halfway through the wait.
    const sendInitialize = () => {
      if (initializeSent || settled) return;
      initializeSent = true;
      child.stdin?.write(`${JSON.stringify(initializeRequest(2))}\n`);
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(halfway);
      if (exited) {
        resolve(run);
        return;
      }
      child.stdin?.end();
      const kill = setTimeout(() => child.kill('SIGKILL'), SHUTDOWN_GRACE_MS);
      const term = setTimeout(() => child.kill('SIGTERM'), SHUTDOWN_GRACE_MS / 2);
      child.once('exit', () => {
        clearTimeout(kill);
        clearTimeout(term);
        resolve(run);
      });
    };
    const timer = setTimeout(finish, timeoutMs);
    const halfway = setTimeout(sendInitialize, timeoutMs / 2);
    child.once('error', (error) => {
      run.spawnError = messageOf(error);
      exited = true;
      finish();
    });
    child.once('exit', (code, signal) => {
      exited = true;
      if (!settled) run.exit = { code, signal };
      finish();
    });
    child.stdin?.on('error', () => {
      // A server that exits without reading its stdin makes our writes fail; the exit is reported instead.
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      run.stderr = (run.stderr + chunk.toString('utf8')).slice(-8000);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdoutBuffer += chunk.toString('utf8');
      const lines = stdoutBuffer.split('\n');
      stdoutBuffer = lines.pop() ?? '';
      for (const raw of lines) {
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        if (line.trim() === '') continue;
        const parsed = parseJsonRpcMessage(line);
        if (!parsed.ok) {
          run.junkCount += 1;
          if (run.junk.length < MAX_JUNK_LINES) run.junk.push(line.slice(0, LINE_SNIPPET));
          continue;
        }
        const message = parsed.message;
        if (!isJsonRpcResponse(message)) continue;
        run.responses.set(message.id, message);
        if (message.id === 1) sendInitialize();
        if (run.responses.has(1) && run.responses.has(2)) finish();
      }
    });
    child.once('spawn', () => {
      child.stdin?.write(`${JSON.stringify(discoverRequest(1))}\n`);
    });
  });
}

function answerText(message: JsonRpcMessage | undefined): string {
  if (message === undefined) return 'no answer';
  if ('error' in message) return `error ${message.error.code} (${message.error.message})`;
  return 'a result';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
