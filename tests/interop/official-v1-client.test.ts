/**
 * The official TypeScript SDK 1.x client (`Client` + `StdioClientTransport`) against the pmcp server, spawned as
 * a real child process. SDK 1.x only speaks the legacy era, so this is the `initialize` path end to end.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Transport as SdkTransport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { McpError as SdkMcpError } from '@modelcontextprotocol/sdk/types.js';
import { LATEST_LEGACY_PROTOCOL_VERSION } from '@pmcp/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  captureStderr,
  collectServerReports,
  createReportDir,
  expectCleanExit,
  expectSpecValid,
  fixtureCommand,
  receivedMessages,
  sentMessages,
  textOf,
} from './helpers.ts';

describe('official SDK 1.x client → pmcp stdio server (legacy era)', () => {
  let reportDir: Awaited<ReturnType<typeof createReportDir>>;
  let transport: StdioClientTransport;
  let client: Client;
  let stderr: { text: () => string };
  let negotiatedVersion: string | undefined;

  beforeAll(async () => {
    reportDir = await createReportDir();
    transport = new StdioClientTransport({
      ...fixtureCommand('pmcp-server.ts'),
      env: { PMCP_SPEC_REPORT_DIR: reportDir.path },
      stderr: 'pipe',
    });
    stderr = captureStderr(transport.stderr);
    // The 1.x client hands the negotiated version to transports that can use it (HTTP headers); stdio cannot,
    // so this hook is the one place the version the handshake settled becomes visible.
    (transport as SdkTransport).setProtocolVersion = (version) => {
      negotiatedVersion = version;
    };
    client = new Client({ name: 'official-v1-client', version: '9.9.9' });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    await reportDir?.dispose();
  });

  it('initializes at the newest legacy revision and learns who the server is', () => {
    expect(negotiatedVersion).toBe(LATEST_LEGACY_PROTOCOL_VERSION);
    expect(client.getServerVersion()).toEqual({
      name: 'pmcp-interop',
      version: '1.2.3',
      title: 'pmcp interop fixture',
    });
    expect(client.getServerCapabilities()?.tools).toBeDefined();
    expect(client.getInstructions()).toBe('Fixture for interop tests.');
  });

  it('gets an empty result for ping', async () => {
    await expect(client.ping()).resolves.toEqual({});
  });

  it('lists the tools with their input and output schemas', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual([
      'add',
      'convert_temperature',
      'refuse',
      'crash',
      'count_up',
      'release',
      'wait_for_cancel',
      'cancellations',
    ]);
    const add = tools.find((tool) => tool.name === 'add');
    expect(add?.inputSchema).toMatchObject({
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' } },
      required: ['a', 'b'],
    });
    expect(add?.outputSchema).toBeUndefined();
    const convert = tools.find((tool) => tool.name === 'convert_temperature');
    expect(convert?.outputSchema).toMatchObject({
      type: 'object',
      properties: { celsius: { type: 'number' }, fahrenheit: { type: 'number' } },
    });
  });

  it('calls a tool that answers with text', async () => {
    const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } });
    expect(result.isError).toBeFalsy();
    expect(result.content).toEqual([{ type: 'text', text: '2 + 40 = 42' }]);
  });

  it('gets structured output plus its text copy, which the SDK validates against the output schema', async () => {
    const result = await client.callTool({
      name: 'convert_temperature',
      arguments: { value: 100, from: 'celsius' },
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ celsius: 100, fahrenheit: 212 });
    expect(JSON.parse(textOf(result.content as { type: string; text?: string }[]))).toEqual({
      celsius: 100,
      fahrenheit: 212,
    });
  });

  it('gets an isError result that names the wrong argument', async () => {
    const result = await client.callTool({ name: 'add', arguments: { a: 'two', b: 40 } });
    expect(result.isError).toBe(true);
    const text = textOf(result.content as { type: string; text?: string }[]);
    expect(text).toContain('Invalid arguments for tool "add"');
    expect(text).toMatch(/\ba\b.*number/);
  });

  it('gets the message of a thrown ToolError as an isError result', async () => {
    const result = await client.callTool({ name: 'refuse', arguments: {} });
    expect(result).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: 'Atlantis has no weather station; try another city.' }],
    });
  });

  it('gets a generic isError result for an internal failure, without its details', async () => {
    const result = await client.callTool({ name: 'crash', arguments: {} });
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'Tool "crash" failed' }] });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('gets a JSON-RPC -32602 error for an unknown tool', async () => {
    const error = await client.callTool({ name: 'no_such_tool', arguments: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SdkMcpError);
    expect((error as SdkMcpError).code).toBe(-32602);
    expect((error as SdkMcpError).message).toContain('Unknown tool: no_such_tool');
  });

  it('receives progress notifications for a call that asked for them', async () => {
    const updates: unknown[] = [];
    // `hold` keeps the result back until the last update was handled: SDK 1.x handles notifications a microtask
    // late and silently drops those that arrive in the same read as their response.
    const result = await client.callTool(
      { name: 'count_up', arguments: { steps: 3, hold: true } },
      undefined,
      {
        onprogress: (progress) => {
          updates.push(progress);
          if (progress.progress === 3) void client.callTool({ name: 'release', arguments: {} });
        },
      },
    );
    expect(textOf(result.content as { type: string; text?: string }[])).toBe('counted to 3');
    expect(updates).toEqual([
      { progress: 1, total: 3, message: 'step 1' },
      { progress: 2, total: 3, message: 'step 2' },
      { progress: 3, total: 3, message: 'step 3' },
    ]);
  });

  it('cancels a running call: the handler sees the abort and the server never answers it', async () => {
    const controller = new AbortController();
    const call = client.callTool({ name: 'wait_for_cancel', arguments: {} }, undefined, {
      signal: controller.signal,
      // The first progress notification proves the handler is running, so the cancellation reaches it.
      onprogress: () => controller.abort(new Error('user pressed stop')),
    });
    await expect(call).rejects.toThrow('user pressed stop');
    // The cancellation notification was written before this request, on the same pipe.
    const count = await client.callTool({ name: 'cancellations', arguments: {} });
    expect(count.structuredContent).toEqual({ count: 1 });
  });

  it('after close: the server exited on stdin EOF, and every message it wrote matched the spec', async () => {
    await client.close();
    const reports = await collectServerReports(reportDir.path);
    expect(reports).toHaveLength(1);
    expectSpecValid(reports);
    const [report] = reports;
    if (!report) throw new Error('unreachable: one report was asserted above');
    expectCleanExit(report);

    const sent = sentMessages(report);
    expect(report.checked).toBe(sent.length);
    expect(sent[0]).toMatchObject({ result: { protocolVersion: LATEST_LEGACY_PROTOCOL_VERSION } });
    // Legacy results carry none of the modern-only fields.
    for (const message of sent) {
      expect(message.result ?? {}).not.toHaveProperty('resultType');
    }

    const waited = receivedMessages(report).find(
      (message) => (message.params as { name?: unknown } | undefined)?.name === 'wait_for_cancel',
    );
    expect(waited).toBeDefined();
    expect(receivedMessages(report)).toContainEqual(
      expect.objectContaining({
        method: 'notifications/cancelled',
        params: expect.objectContaining({ requestId: waited?.id }),
      }),
    );
    expect(sent.filter((message) => message.id === waited?.id && !('method' in message))).toEqual([]);

    // The internal error went to the server's onerror (stderr), never to the client.
    expect(stderr.text()).toContain('database password is hunter2');
  });
});
