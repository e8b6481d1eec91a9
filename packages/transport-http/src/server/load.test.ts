/**
 * Bounded load on loopback: many sessions at once and many calls in a row must all succeed. This proves the
 * absence of errors and leaks under load, not speed (speed lives in the benchmarks).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type ListeningServer, listen } from '../node/listen.ts';
import { fixtureServer, META, modernHeaders } from './__fixtures__/harness.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(): Promise<ListeningServer> {
  const running = await listen(fixtureServer().server);
  cleanups.push(() => running.close());
  return running;
}

function textOf(result: unknown): string {
  return ((result as { content: { text: string }[] }).content[0] ?? { text: '' }).text;
}

describe('bounded load', () => {
  it('serves 100 concurrent legacy sessions without an error', async () => {
    const running = await serve();
    const errors: Error[] = [];
    const results = await Promise.all(
      Array.from({ length: 100 }, async (_, index) => {
        const client = new Client({ name: `load-${index}`, version: '1.0.0' });
        const transport = new StreamableHTTPClientTransport(new URL(running.url));
        client.onerror = (error) => errors.push(error);
        await client.connect(transport);
        const result = await client.callTool({ name: 'echo', arguments: { text: `client ${index}` } });
        await transport.terminateSession();
        await client.close();
        return textOf(result);
      }),
    );
    expect(results).toEqual(Array.from({ length: 100 }, (_, index) => `client ${index}`));
    // Aborting each client's own GET stream on close is reported as an error by the SDK; nothing else may be.
    expect(errors.filter((error) => !/abort/i.test(error.message))).toEqual([]);
  }, 60_000);

  it('completes 1,000 sequential calls in one legacy session and 1,000 modern ones', async () => {
    const running = await serve();
    const client = new Client({ name: 'sequential', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(running.url));
    await client.connect(transport);
    cleanups.push(() => client.close());
    for (let call = 0; call < 1_000; call++) {
      const result = await client.callTool({ name: 'echo', arguments: { text: String(call) } });
      expect(textOf(result)).toBe(String(call));
    }
    for (let call = 0; call < 1_000; call++) {
      const response = await fetch(running.url, {
        method: 'POST',
        headers: modernHeaders('tools/call', { 'mcp-name': 'echo' }),
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: call,
          method: 'tools/call',
          params: { name: 'echo', arguments: { text: `m${call}` }, _meta: META },
        }),
      });
      const body = (await response.json()) as { result: { content: { text: string }[] } };
      expect(body.result.content[0]?.text).toBe(`m${call}`);
    }
  }, 120_000);
});
