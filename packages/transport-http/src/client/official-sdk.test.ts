/**
 * Interop: the pmcp client over this HTTP transport against servers built with the official TypeScript SDKs
 * (1.x Streamable HTTP stateful and stateless, 1.x HTTP+SSE of 2024-11-05, 2.x modern), plus the fault cases
 * of legacy sessions: a dropped SSE stream resumes without losing or repeating an event, and a restarted
 * server gets a transparent re-initialization.
 */
import { type Client, createClient } from '@pmcp/client';
import { withSpecValidation } from '@pmcp/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startModernServer, startSdkSse, startSdkStreamable } from '../../test/official-servers.ts';
import { type HttpClientTransport, httpClientTransport } from '../index.ts';
import type { FetchLike, HttpClientTransportOptions } from './options.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function track<T extends { close(): Promise<void> }>(resource: T): T {
  cleanups.push(() => resource.close());
  return resource;
}

interface Connected {
  client: Client;
  transport: HttpClientTransport;
  errors: Error[];
  violations: () => readonly string[];
}

async function connect(url: string, options: HttpClientTransportOptions = {}): Promise<Connected> {
  const transport = httpClientTransport(url, options);
  const checked = withSpecValidation(transport, { role: 'client' });
  const client = createClient({ name: 'pmcp-interop', version: '1.0.0' }, { discoverTimeout: 5000 });
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  await client.connect(checked);
  cleanups.push(() => client.close());
  return { client, transport, errors, violations: () => checked.violations };
}

function text(result: { content: unknown[] }): string {
  const first = result.content[0] as { type?: string; text?: string } | undefined;
  return first?.type === 'text' ? (first.text ?? '') : JSON.stringify(result.content);
}

describe('against @modelcontextprotocol/sdk 1.x Streamable HTTP', () => {
  it('falls back from server/discover to a legacy session and calls tools (stateful)', async () => {
    const server = track(await startSdkStreamable({ stateful: true }));
    const { client, transport, violations } = await connect(server.url());
    expect(client.era).toBe('legacy');
    expect(transport.era).toBe('legacy');
    expect(transport.sessionId).toBe(server.sessions[0]);
    const tools = await client.listAllTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['add', 'ask_ping', 'count']);
    expect(text(await client.callTool('add', { a: 2, b: 40 }))).toBe('42');
    expect(violations()).toEqual([]);
  });

  it('works with a stateless 1.x server answering JSON', async () => {
    const server = track(await startSdkStreamable({ stateful: false, json: true }));
    const { client, transport } = await connect(server.url());
    expect(client.era).toBe('legacy');
    expect(transport.sessionId).toBeUndefined();
    expect(text(await client.callTool('add', { a: 1, b: 1 }))).toBe('2');
  });
});

describe('against @modelcontextprotocol/sdk 1.x HTTP+SSE (2024-11-05)', () => {
  it('falls back from Streamable HTTP to the endpoint event when the POST is refused (era auto)', async () => {
    const server = track(await startSdkSse());
    const { client, transport, violations } = await connect(server.url('/sse'));
    expect(client.era).toBe('legacy');
    expect(transport.era).toBe('legacy-sse');
    expect(text(await client.callTool('add', { a: 20, b: 22 }))).toBe('42');
    const progress: number[] = [];
    const counted = await client.callTool(
      'count',
      { steps: 3 },
      { onProgress: (update) => progress.push(update.progress) },
    );
    expect(text(counted)).toBe('counted to 3');
    expect(progress).toEqual([1, 2, 3]);
    expect(violations()).toEqual([]);
  });

  it("goes straight to HTTP+SSE with era 'legacy-sse'", async () => {
    const server = track(await startSdkSse());
    const { client, transport } = await connect(server.url('/sse'), { era: 'legacy-sse' });
    expect(transport.era).toBe('legacy-sse');
    expect(text(await client.callTool('add', { a: 1, b: 2 }))).toBe('3');
  });
});

describe('against @modelcontextprotocol/server 2.x (modern)', () => {
  it('speaks 2026-07-28 with the standard and Mcp-Param headers, and drops tools with invalid annotations', async () => {
    const server = track(await startModernServer());
    const { client, transport, errors, violations } = await connect(server.url());
    expect(client.era).toBe('modern');
    expect(client.protocolVersion).toBe('2026-07-28');
    expect(transport.era).toBe('modern');
    const names = (await client.listAllTools()).map((tool) => tool.name).sort();
    expect(names).toEqual(['add', 'count', 'route']);
    expect(errors.map((error) => error.message).join('\n')).toContain('Dropped tool "broken_header"');
    expect(text(await client.callTool('route', { region: 'us-west1', note: 'n' }))).toBe(
      'region=us-west1 header=us-west1',
    );
    expect(text(await client.callTool('route', { region: 'Zürich' }))).toBe(
      'region=Zürich header==?base64?WsO8cmljaA==?=',
    );
    const progress: number[] = [];
    const counted = await client.callTool(
      'count',
      { steps: 3 },
      { onProgress: (update) => progress.push(update.progress) },
    );
    expect(text(counted)).toBe('counted to 3');
    expect(progress).toEqual([1, 2, 3]);
    expect(violations()).toEqual([]);
  });

  it('keeps a subscriptions/listen stream open for notifications, and closes it to end the subscription', async () => {
    const server = track(await startModernServer());
    const { client } = await connect(server.url());
    const subscription = await client.listen({ toolsListChanged: true });
    expect(subscription.acknowledged).toEqual({ toolsListChanged: true });
    await vi.waitFor(() => expect(server.openStreams()).toBe(1));
    server.toolsChanged();
    const iterator = subscription[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toMatchObject({ method: 'notifications/tools/list_changed' });
    await subscription.close();
    await vi.waitFor(() => expect(server.openStreams()).toBe(0));
    expect(text(await client.callTool('add', { a: 1, b: 1 }))).toBe('2');
  });

  it("reaches the 2.x server's stateless legacy leg when the client forces the legacy era", async () => {
    const server = track(await startModernServer());
    const transport = httpClientTransport(server.url());
    const client = createClient({ name: 'pmcp-interop', version: '1.0.0' });
    await client.connect(transport, { era: 'legacy' });
    cleanups.push(() => client.close());
    expect(client.era).toBe('legacy');
    expect(text(await client.callTool('add', { a: 3, b: 4 }))).toBe('7');
  });
});

interface Cutter {
  fetch: FetchLike;
  /** Every request as `METHOD Last-Event-ID`. */
  log: string[];
  /** Set once a stream was cut. */
  cut: boolean;
}

/**
 * A fetch that lets the first response matching `target` through until `events` complete SSE events (and a few
 * bytes of the next one) have passed, then breaks it the way a dropped connection does.
 */
function cuttingFetch(target: (init: RequestInit) => boolean, events: number): Cutter {
  const cutter: Cutter = {
    log: [],
    cut: false,
    fetch: async (input, init) => {
      const headers = new Headers(init.headers);
      cutter.log.push(`${init.method} ${headers.get('last-event-id') ?? '-'}`);
      const response = await fetch(input, init);
      if (cutter.cut || !target(init) || response.body === null) return response;
      cutter.cut = true;
      const upstream = response.body.getReader();
      const decoder = new TextDecoder();
      let seen = '';
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await upstream.read();
          if (done) {
            controller.close();
            return;
          }
          const before = seen.length;
          seen += decoder.decode(value, { stream: true });
          let boundary = -1;
          for (let index = 0, found = 0; index < seen.length; index++) {
            if (seen[index] === '\n' && seen[index + 1] === '\n' && ++found === events) {
              boundary = index + 2;
              break;
            }
          }
          if (boundary === -1 || boundary + 3 > seen.length) {
            controller.enqueue(value);
            return;
          }
          // Everything up to the boundary plus the first bytes of the next event, then the connection "drops".
          controller.enqueue(new TextEncoder().encode(seen.slice(before, boundary + 3)));
          await upstream.cancel();
          controller.error(new TypeError('terminated: the connection was reset'));
        },
        cancel: () => upstream.cancel(),
      });
      return new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    },
  };
  return cutter;
}

describe('legacy session faults', () => {
  it('resumes a dropped SSE response with Last-Event-ID: no event lost or duplicated', async () => {
    const server = track(await startSdkStreamable({ stateful: true, eventStore: true, retryInterval: 20 }));
    const isCountCall = (init: RequestInit): boolean =>
      init.method === 'POST' && typeof init.body === 'string' && init.body.includes('"name":"count"');
    // Priming event + 3 progress events pass; the 4th progress event is cut in the middle.
    const cutter = cuttingFetch(isCountCall, 4);
    const { client, errors } = await connect(server.url(), { fetch: cutter.fetch });
    const progress: number[] = [];
    const result = await client.callTool(
      'count',
      { steps: 8 },
      { onProgress: (update) => progress.push(update.progress) },
    );
    expect(cutter.cut).toBe(true);
    expect(text(result)).toBe('counted to 8');
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const resumptions = cutter.log.filter((entry) => entry.startsWith('GET ') && entry !== 'GET -');
    expect(resumptions.length).toBeGreaterThan(0);
    expect(errors.filter((error) => !error.message.includes('standalone'))).toEqual([]);
  });

  it('re-initializes transparently after the server restarts and carries on', async () => {
    const first = await startSdkStreamable({ stateful: true, closeConnections: true });
    const port = first.port;
    const { client, transport, errors } = await connect(first.url());
    expect(text(await client.callTool('add', { a: 1, b: 2 }))).toBe('3');
    const oldSession = transport.sessionId;
    expect(oldSession).toBe(first.sessions[0]);
    await first.close();
    const second = track(await startSdkStreamable({ stateful: true, port, closeConnections: true }));
    expect(text(await client.callTool('add', { a: 40, b: 2 }))).toBe('42');
    expect(second.sessions).toHaveLength(1);
    expect(transport.sessionId).toBe(second.sessions[0]);
    expect(transport.sessionId).not.toBe(oldSession);
    expect(errors.some((error) => error.message.includes('re-initialized transparently'))).toBe(true);
    expect(text(await client.callTool('add', { a: 5, b: 5 }))).toBe('10');
  });

  it('answers a server-to-client ping that arrives on the request stream, and ends the session with DELETE', async () => {
    const server = track(await startSdkStreamable({ stateful: true }));
    const { client } = await connect(server.url());
    expect(text(await client.callTool('ask_ping', {}))).toBe('client answered ping');
    const session = server.sessions[0];
    await client.close();
    expect(server.requests).toContain(`DELETE ${session}`);
  });
});
