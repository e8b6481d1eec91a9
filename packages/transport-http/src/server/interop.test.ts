/**
 * Interop over real HTTP on 127.0.0.1: the official TypeScript SDK's clients against the handler. 1.x speaks the
 * legacy era (stateful and stateless Streamable HTTP, and the 2024-11-05 SSE transport); 2.x speaks 2026-07-28.
 * Every message the server sent them is validated against the schema of the revision in use.
 */
import {
  Client as ModernClient,
  StreamableHTTPClientTransport as ModernHttpTransport,
} from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ListRootsRequestSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type ListeningServer, listen } from '../node/listen.ts';
import {
  deferred,
  expectAllSpecValid,
  fixtureServer,
  LEGACY,
  MODERN,
  recordingFetch,
  scriptedServer,
} from './__fixtures__/harness.ts';
import type { ConnectableServer, HttpHandlerOptions } from './options.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(server: ConnectableServer, options: HttpHandlerOptions = {}): Promise<ListeningServer> {
  const running = await listen(server, options);
  cleanups.push(() => running.close());
  return running;
}

function legacyClient(capabilities: Record<string, unknown> = {}): Client {
  const client = new Client({ name: 'official-1x', version: '1.0.0' }, { capabilities });
  cleanups.push(() => client.close());
  return client;
}

function textOf(result: unknown): string {
  return ((result as { content: { text: string }[] }).content[0] ?? { text: '' }).text;
}

describe('@modelcontextprotocol/sdk 1.x client (legacy era)', () => {
  it('runs a stateful Streamable HTTP session: tools, progress, the GET stream, termination', async () => {
    const { server } = fixtureServer();
    const running = await serve(server);
    const recorder = recordingFetch();
    const client = legacyClient();
    const transport = new StreamableHTTPClientTransport(new URL(running.url), { fetch: recorder.fetch });
    await client.connect(transport);
    expect(transport.sessionId).toMatch(/^[0-9a-f]{32}$/);

    const tools = await client.listTools();
    expect(tools.tools.map((tool) => tool.name)).toContain('echo');
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'hello' } }))).toBe('hello');

    const progress: number[] = [];
    const result = await client.callTool({ name: 'progress', arguments: {} }, undefined, {
      onprogress: (update) => progress.push(update.progress),
    });
    expect(textOf(result)).toBe('done');
    expect(progress).toEqual([1, 2, 3]);

    // The client opens the standalone GET stream after initialization; list changes arrive there.
    const changed = deferred();
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => changed.resolve());
    await expect
      .poll(() => {
        server.tool(
          `late_${Math.random().toString(36).slice(2)}`,
          { description: 'Added late' },
          () => 'late',
        );
        return Promise.race([
          changed.promise.then(() => true),
          new Promise((resolve) => setTimeout(resolve, 50, false)),
        ]);
      })
      .toBe(true);

    await transport.terminateSession();
    await client.close();
    expectAllSpecValid(recorder.received, LEGACY);
  });

  it('answers server→client requests on the request stream', async () => {
    const running = await serve(scriptedServer());
    const recorder = recordingFetch();
    const client = legacyClient({ roots: {} });
    client.setRequestHandler(ListRootsRequestSchema, () => ({
      roots: [{ uri: 'file:///work', name: 'work' }],
    }));
    await client.connect(new StreamableHTTPClientTransport(new URL(running.url), { fetch: recorder.fetch }));
    const result = await client.callTool({ name: 'ask', arguments: {} });
    expect(JSON.parse(textOf(result))).toEqual({ roots: [{ uri: 'file:///work', name: 'work' }] });
    await client.close();
    expect(
      recorder.received.some(({ message }) => 'method' in message && message.method === 'roots/list'),
    ).toBe(true);
  });

  it('follows a request stream the server closed early, resuming it with Last-Event-ID', async () => {
    const running = await serve(scriptedServer(), { legacy: { retryMs: 10 } });
    const recorder = recordingFetch();
    const client = legacyClient();
    await client.connect(new StreamableHTTPClientTransport(new URL(running.url), { fetch: recorder.fetch }));
    const result = await client.callTool({ name: 'reconnect', arguments: {} });
    expect(textOf(result)).toBe('reconnected');
    await client.close();
    expectAllSpecValid(recorder.received, LEGACY);
  });

  it('works against the stateless legacy mode', async () => {
    const running = await serve(fixtureServer().server, { legacy: { sessions: 'stateless' } });
    const recorder = recordingFetch();
    const client = legacyClient();
    const transport = new StreamableHTTPClientTransport(new URL(running.url), { fetch: recorder.fetch });
    await client.connect(transport);
    expect(transport.sessionId).toBeUndefined();
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'no session' } }))).toBe(
      'no session',
    );
    const progress: number[] = [];
    await client.callTool({ name: 'progress', arguments: {} }, undefined, {
      onprogress: (update) => progress.push(update.progress),
    });
    expect(progress).toEqual([1, 2, 3]);
    await client.close();
    expectAllSpecValid(recorder.received, LEGACY);
  });

  it('reads gzip-compressed answers from a handler with compression on', async () => {
    const running = await serve(fixtureServer().server, { compression: { threshold: 0 } });
    const recorder = recordingFetch();
    const codings: (string | null)[] = [];
    const fetchWithCodings = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await recorder.fetch(input, init);
      codings.push(response.headers.get('content-encoding'));
      return response;
    }) as typeof fetch;
    const client = legacyClient();
    await client.connect(
      new StreamableHTTPClientTransport(new URL(running.url), { fetch: fetchWithCodings }),
    );
    expect((await client.listTools()).tools.length).toBe(5);
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'squeezed' } }))).toBe('squeezed');
    await client.close();
    expect(codings).toContain('gzip');
    expectAllSpecValid(recorder.received, LEGACY);
  });

  it('talks the 2024-11-05 HTTP+SSE transport', async () => {
    const running = await serve(fixtureServer().server, { enableLegacySse: true });
    const recorder = recordingFetch();
    const client = legacyClient();
    const sseUrl = new URL('/sse', running.url);
    await client.connect(new SSEClientTransport(sseUrl, { fetch: recorder.fetch }));
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'old transport' } }))).toBe(
      'old transport',
    );
    expect(client.getServerVersion()?.name).toBe('http-fixture');
    await client.close();
    expectAllSpecValid(recorder.received, LEGACY);
  });

  it('can also reach the modern endpoint of the same handler: both eras side by side', async () => {
    const running = await serve(fixtureServer().server);
    const legacy = legacyClient();
    await legacy.connect(new StreamableHTTPClientTransport(new URL(running.url)));
    const modern = new ModernClient(
      { name: 'official-2x', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: MODERN } } },
    );
    cleanups.push(() => modern.close());
    await modern.connect(new ModernHttpTransport(new URL(running.url)));
    const [a, b] = await Promise.all([
      legacy.callTool({ name: 'echo', arguments: { text: 'legacy' } }),
      modern.callTool({ name: 'echo', arguments: { text: 'modern' } }),
    ]);
    expect(textOf(a)).toBe('legacy');
    expect(textOf(b)).toBe('modern');
  });
});

describe('@modelcontextprotocol/client 2.x (modern era)', () => {
  async function modernClient(
    url: string,
    fetchImpl?: typeof fetch,
    mode: 'auto' | 'pin' = 'pin',
  ): Promise<ModernClient> {
    const client = new ModernClient(
      { name: 'official-2x', version: '1.0.0' },
      { versionNegotiation: { mode: mode === 'pin' ? { pin: MODERN } : 'auto' } },
    );
    cleanups.push(() => client.close());
    await client.connect(
      new ModernHttpTransport(new URL(url), fetchImpl === undefined ? {} : { fetch: fetchImpl }),
    );
    return client;
  }

  it('calls tools statelessly, with progress and mirrored Mcp-Param headers', async () => {
    const running = await serve(fixtureServer().server, { modernOnly: true });
    const recorder = recordingFetch();
    const client = await modernClient(running.url, recorder.fetch);
    const tools = await client.listTools();
    expect(tools.tools.map((tool) => tool.name)).toEqual(['echo', 'route', 'progress', 'wait', 'stepper']);
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'modern' } }))).toBe('modern');
    const routed = await client.callTool({
      name: 'route',
      arguments: { region: 'eu-west 1', shard: 7, dryRun: true },
    });
    expect(JSON.parse(textOf(routed))).toEqual({ region: 'eu-west 1', shard: 7, dryRun: true });
    const progress: number[] = [];
    await client.callTool(
      { name: 'progress', arguments: {} },
      { onprogress: (update) => progress.push(update.progress) },
    );
    expect(progress).toEqual([1, 2, 3]);
    await client.close();
    expectAllSpecValid(recorder.received, MODERN);
  });

  it('reads gzip-compressed answers from a handler with compression on', async () => {
    const running = await serve(fixtureServer().server, { modernOnly: true, compression: { threshold: 0 } });
    const recorder = recordingFetch();
    const codings: (string | null)[] = [];
    const client = await modernClient(running.url, (async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await recorder.fetch(input, init);
      codings.push(response.headers.get('content-encoding'));
      return response;
    }) as typeof fetch);
    expect((await client.listTools()).tools.length).toBe(5);
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'modern' } }))).toBe('modern');
    await client.close();
    expect(codings).toContain('gzip');
    expectAllSpecValid(recorder.received, MODERN);
  });

  it('detects the modern era on a dual-era endpoint in auto mode', async () => {
    const running = await serve(fixtureServer().server);
    const recorder = recordingFetch();
    const client = await modernClient(running.url, recorder.fetch, 'auto');
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'auto' } }))).toBe('auto');
    await client.close();
    expect(recorder.received.some(({ method }) => method === 'server/discover')).toBe(true);
    expectAllSpecValid(recorder.received, MODERN);
  });
});
