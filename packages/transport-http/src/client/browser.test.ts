/**
 * The HTTP client transport in a real browser: the pmcp client and this transport are bundled for the browser
 * with esbuild (which fails on any node:* import in their graph) and run in headless Chromium (Debian's
 * chromium, driven by playwright-core) against official-SDK servers on 127.0.0.1, served from the same origin as
 * the page: a legacy 1.x session and a modern 2.x endpoint.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listening, listen } from '../../test/client-harness.ts';
import { modernHandler, sdkStreamableHandler } from '../../test/official-servers.ts';

const CHROMIUM = process.env.PMCP_CHROMIUM_PATH ?? '/usr/bin/chromium';
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

// Runs in the page: connects to both endpoints the way an application would.
const pageScript = `
import { createClient } from '@pmcp/client';
import { httpClientTransport } from '@pmcp/transport-http';

async function run(path) {
  const transport = httpClientTransport(new URL(path, location.href));
  const client = createClient({ name: 'browser-app', version: '1.0.0' });
  await client.connect(transport);
  const tools = (await client.listAllTools()).map((tool) => tool.name).sort();
  const sum = await client.callTool('add', { a: 2, b: 40 });
  const progress = [];
  const counted = await client.callTool('count', { steps: 3 }, { onProgress: (update) => progress.push(update.progress) });
  const routed = tools.includes('route') ? (await client.callTool('route', { region: 'Zürich' })).content[0].text : undefined;
  const result = {
    era: client.era,
    transportEra: transport.era,
    session: transport.sessionId !== undefined,
    tools,
    sum: sum.content[0].text,
    counted: counted.content[0].text,
    progress,
    routed,
  };
  await client.close();
  return result;
}

window.__results = Promise.all([run('/legacy'), run('/modern')]).then(
  (results) => ({ ok: true, results }),
  (error) => ({ ok: false, error: String((error && error.stack) || error) }),
);
`;

let browser: Browser | undefined;
let site: Listening | undefined;
let closeModern: (() => Promise<void>) | undefined;
let bundle = '';
let bundledInputs: string[] = [];

beforeAll(async () => {
  const built = await build({
    stdin: { contents: pageScript, resolveDir: packageDir, loader: 'js', sourcefile: 'page.js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    conditions: ['@pmcp/source'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  bundle = built.outputFiles[0]?.text ?? '';
  bundledInputs = Object.keys(built.metafile.inputs);

  const legacy = sdkStreamableHandler({ stateful: true });
  const modern = modernHandler();
  closeModern = modern.close;
  site = await listen((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><script type="module" src="/page.js"></script>');
      return;
    }
    if (path === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      return;
    }
    if (path === '/legacy') return legacy.handle(req, res);
    if (path === '/modern') return modern.handle(req, res);
    res.writeHead(404).end();
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await closeModern?.();
  await site?.close();
});

describe('in headless Chromium', () => {
  it('bundles for the browser without anything from node:*', () => {
    expect(bundle.length).toBeGreaterThan(0);
    expect(
      bundledInputs.some((input) => input.includes('transport-http/src/client/http-client-transport.ts')),
    ).toBe(true);
    expect(bundledInputs.filter((input) => input.startsWith('node:') || input.includes('/node/'))).toEqual(
      [],
    );
  });

  it('connects to a legacy and a modern server over fetch and calls their tools', async () => {
    const page = await (browser as Browser).newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto((site as Listening).url('/'));
    await page.waitForFunction(() => (window as { __results?: unknown }).__results !== undefined);
    const outcome = await page.evaluate(
      () => (window as unknown as { __results: Promise<unknown> }).__results,
    );
    await page.close();
    expect(pageErrors).toEqual([]);
    expect(outcome).toEqual({
      ok: true,
      results: [
        {
          era: 'legacy',
          transportEra: 'legacy',
          session: true,
          tools: ['add', 'ask_ping', 'count'],
          sum: '42',
          counted: 'counted to 3',
          progress: [1, 2, 3],
        },
        {
          era: 'modern',
          transportEra: 'modern',
          session: false,
          tools: ['add', 'count', 'route'],
          sum: '42',
          counted: 'counted to 3',
          progress: [1, 2, 3],
          routed: 'region=Zürich header==?base64?WsO8cmljaA==?=',
        },
      ],
    });
  });
});
