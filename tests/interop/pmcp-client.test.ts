/**
 * The pmcp client against stdio servers built with the official TypeScript SDKs: 1.x (legacy only, so era
 * detection must fall back to `initialize`) and 2.x (`serveStdio`, which answers `server/discover`, so the
 * modern era). Every message the pmcp client writes is validated against the schema of its revision.
 */

import { type Client, createClient, type EraPreference } from '@pmcp/client';
import { McpError, RequestCancelledError } from '@pmcp/jsonrpc';
import { type SpecValidatingTransport, withSpecValidation } from '@pmcp/test-utils';
import { type StdioClientTransport, stdioClientTransport } from '@pmcp/transport-stdio';
import { LATEST_LEGACY_PROTOCOL_VERSION, LATEST_PROTOCOL_VERSION } from '@pmcp/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureStderr, fixtureCommand, textOf } from './helpers.ts';

const PROBE_TIMEOUT_MS = 20_000;

interface Connection {
  client: Client;
  /** What the client wrote and read, validated as the client side. */
  checked: SpecValidatingTransport;
  child: StdioClientTransport;
  stderr: { text: () => string };
}

async function connect(fixture: string, era: EraPreference = 'auto'): Promise<Connection> {
  const child = stdioClientTransport({ ...fixtureCommand(fixture), stderr: 'pipe' });
  const stderr = captureStderr(child.stderr);
  const checked = withSpecValidation(child, { role: 'client' });
  // The probe's timeout runs from the spawn, so it includes the server's boot, which on a busy CI machine can
  // outlast the 3 s default and turn a modern server into a "legacy" one. These tests are about what the
  // server answers, not how fast it boots; the 1.x servers answer the probe with an error at once anyway.
  const client = createClient(
    { name: 'pmcp-interop-client', version: '0.1.0' },
    { discoverTimeout: PROBE_TIMEOUT_MS },
  );
  await client.connect(checked, { era });
  return { client, checked, child, stderr };
}

/** Methods of the messages the client sent, in order. */
function sentMethods(checked: SpecValidatingTransport): unknown[] {
  return checked.messages
    .filter((entry) => entry.direction === 'sent')
    .map((entry) => (entry.message as { method?: unknown }).method);
}

/** Closes the client and checks that everything it sent was valid for its revision, and that it sent something. */
async function closeAndCheck(connection: Connection): Promise<void> {
  await connection.client.close();
  expect(connection.checked.violations).toEqual([]);
  expect(connection.checked.checked).toBeGreaterThan(0);
  expect(connection.child.exitCode, `server stderr:\n${connection.stderr.text()}`).toBe(0);
}

describe('pmcp client → official SDK 1.x server (McpServer + StdioServerTransport)', () => {
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    connection = await connect('official-v1-server.ts');
    client = connection.client;
  });
  afterAll(() => connection?.client.close());

  it('detects the legacy era: server/discover fails, so it falls back to initialize', () => {
    expect(client.era).toBe('legacy');
    expect(client.protocolVersion).toBe(LATEST_LEGACY_PROTOCOL_VERSION);
    expect(client.serverInfo).toMatchObject({ name: 'official-v1-server', version: '1.32.2' });
    expect(client.instructions).toBe('Built with @modelcontextprotocol/sdk 1.x');
    expect(sentMethods(connection.checked).slice(0, 3)).toEqual([
      'server/discover',
      'initialize',
      'notifications/initialized',
    ]);
  });

  it('lists every tool', async () => {
    const tools = await client.listAllTools();
    expect(tools.map((tool) => tool.name)).toEqual([
      'add',
      'divide',
      'count_up',
      'wait_for_cancel',
      'cancellations',
      'fails',
    ]);
    expect(tools.find((tool) => tool.name === 'divide')?.outputSchema).toMatchObject({
      type: 'object',
      properties: { quotient: { type: 'integer' }, remainder: { type: 'integer' } },
    });
  });

  it('calls a tool that answers with text', async () => {
    const result = await client.callTool('add', { a: 2, b: 40 });
    expect(result.isError).toBeFalsy();
    expect(result.content).toEqual([{ type: 'text', text: '2 + 40 = 42' }]);
  });

  it('gets structured output that passed validation against the output schema', async () => {
    const result = await client.callTool('divide', { dividend: 7, divisor: 2 });
    expect(result.structuredContent).toEqual({ quotient: 3, remainder: 1 });
  });

  it('returns isError results instead of throwing (and does not validate their missing output)', async () => {
    const byZero = await client.callTool('divide', { dividend: 1, divisor: 0 });
    expect(byZero).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: 'cannot divide by zero' }],
    });
    const failed = await client.callTool('fails', {});
    expect(failed.isError).toBe(true);
    expect(textOf(failed.content)).toContain('deliberate failure');
  });

  it('routes progress notifications to onProgress, in order', async () => {
    const updates: unknown[] = [];
    const result = await client.callTool(
      'count_up',
      { steps: 3 },
      { onProgress: (update) => updates.push(update) },
    );
    expect(textOf(result.content)).toBe('counted to 3');
    expect(updates).toEqual([
      { progress: 1, total: 3, message: 'step 1' },
      { progress: 2, total: 3, message: 'step 2' },
      { progress: 3, total: 3, message: 'step 3' },
    ]);
  });

  it('cancels a running call with notifications/cancelled, which the SDK server honours', async () => {
    const controller = new AbortController();
    const call = client.callTool(
      'wait_for_cancel',
      {},
      { signal: controller.signal, onProgress: () => controller.abort(new Error('user pressed stop')) },
    );
    await expect(call).rejects.toBeInstanceOf(RequestCancelledError);
    const count = await client.callTool('cancellations', {});
    expect(count.structuredContent).toEqual({ count: 1 });
    expect(sentMethods(connection.checked)).toContain('notifications/cancelled');
  });

  it('after close: every message the client sent matched the 2025-11-25 schema (and the probe the 2026 one)', async () => {
    await closeAndCheck(connection);
    const revisions = connection.checked.messages
      .filter((entry) => entry.direction === 'sent')
      .map((entry) => entry.revision);
    expect(revisions[0]).toBe(LATEST_PROTOCOL_VERSION);
    expect(new Set(revisions.slice(1))).toEqual(new Set([LATEST_LEGACY_PROTOCOL_VERSION]));
  });
});

describe('pmcp client → official SDK 1.x server whose tools break their output schema', () => {
  let connection: Connection;

  beforeAll(async () => {
    connection = await connect('official-v1-lying-server.ts');
  });
  afterAll(() => connection?.client.close());

  it('rejects structuredContent that does not match the output schema, naming the tool and the field', async () => {
    expect(connection.client.era).toBe('legacy');
    // No listTools first: the client fetches the schemas it needs on its own.
    const error = await connection.client.callTool('wrong_type', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32602);
    expect((error as McpError).message).toContain('wrong_type');
    expect((error as McpError).message).toContain('celsius');
  });

  it('rejects a result without structuredContent from a tool that declares an output schema', async () => {
    const error = await connection.client.callTool('no_structured', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32602);
    expect((error as McpError).message).toContain('no_structured');
  });

  it('accepts a conforming result from the same server', async () => {
    const result = await connection.client.callTool('honest', {});
    expect(result.structuredContent).toEqual({ celsius: 21 });
  });

  it('after close: every message the client sent matched the spec', async () => {
    await closeAndCheck(connection);
  });
});

describe('pmcp client → official SDK 2.x server (serveStdio)', () => {
  describe('era auto', () => {
    let connection: Connection;
    let client: Client;

    beforeAll(async () => {
      connection = await connect('official-v2-server.ts');
      client = connection.client;
    });
    afterAll(() => connection?.client.close());

    it('picks the modern era at 2026-07-28, because the server answers server/discover', () => {
      expect(client.era).toBe('modern');
      expect(client.protocolVersion).toBe(LATEST_PROTOCOL_VERSION);
      expect(client.serverInfo).toMatchObject({ name: 'official-v2-server', version: '2.4.0' });
      expect(client.serverCapabilities?.tools).toBeDefined();
      expect(sentMethods(connection.checked)).not.toContain('initialize');
    });

    it('lists the tools and calls them, with validated structured output', async () => {
      const tools = await client.listAllTools();
      expect(tools.map((tool) => tool.name)).toEqual(['add', 'divide']);
      const sum = await client.callTool('add', { a: 2, b: 40 });
      expect(sum.content).toEqual([{ type: 'text', text: '2 + 40 = 42' }]);
      const quotient = await client.callTool('divide', { dividend: 9, divisor: 4 });
      expect(quotient.structuredContent).toEqual({ quotient: 2, remainder: 1 });
      expect(quotient.resultType).toBe('complete');
    });

    it('gets an isError result for invalid arguments', async () => {
      const result = await client.callTool('add', { a: 'two', b: 40 });
      expect(result.isError).toBe(true);
    });

    it('after close: every message the client sent matched the 2026-07-28 schema', async () => {
      await closeAndCheck(connection);
      const revisions = connection.checked.messages
        .filter((entry) => entry.direction === 'sent')
        .map((entry) => entry.revision);
      expect(new Set(revisions)).toEqual(new Set([LATEST_PROTOCOL_VERSION]));
    });
  });

  describe('era legacy (forced)', () => {
    it('opens a legacy session with initialize, then lists and calls the tools', async () => {
      const connection = await connect('official-v2-server.ts', 'legacy');
      try {
        expect(connection.client.era).toBe('legacy');
        expect(connection.client.protocolVersion).toBe(LATEST_LEGACY_PROTOCOL_VERSION);
        expect(sentMethods(connection.checked)[0]).toBe('initialize');
        const tools = await connection.client.listAllTools();
        expect(tools.map((tool) => tool.name)).toEqual(['add', 'divide']);
        const quotient = await connection.client.callTool('divide', { dividend: 9, divisor: 4 });
        expect(quotient.structuredContent).toEqual({ quotient: 2, remainder: 1 });
      } finally {
        await closeAndCheck(connection);
      }
    });
  });
});
