/**
 * The official TypeScript SDK 2.x client against the pmcp server over stdio. With version negotiation on, the
 * 2.x client probes with `server/discover`; the pmcp server answers it, so they settle on the modern era.
 */
import { Client, ProtocolError } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { LATEST_LEGACY_PROTOCOL_VERSION, LATEST_PROTOCOL_VERSION, MetaKey } from '@pmcp/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectServerReports,
  createReportDir,
  expectCleanExit,
  expectSpecValid,
  fixtureCommand,
  receivedMessages,
  sentMessages,
  textOf,
} from './helpers.ts';

describe('official SDK 2.x client → pmcp stdio server (modern era)', () => {
  let reportDir: Awaited<ReturnType<typeof createReportDir>>;
  let client: Client;

  beforeAll(async () => {
    reportDir = await createReportDir();
    const transport = new StdioClientTransport({
      ...fixtureCommand('pmcp-server.ts'),
      env: { PMCP_SPEC_REPORT_DIR: reportDir.path },
      stderr: 'pipe',
    });
    client = new Client(
      { name: 'official-v2-client', version: '2.0.0' },
      { versionNegotiation: { mode: 'auto' } },
    );
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    await reportDir?.dispose();
  });

  it('negotiates the modern era at 2026-07-28 through server/discover', () => {
    expect(client.getProtocolEra()).toBe('modern');
    expect(client.getNegotiatedProtocolVersion()).toBe(LATEST_PROTOCOL_VERSION);
    const discovered = client.getDiscoverResult();
    expect(discovered?.supportedVersions).toContain(LATEST_PROTOCOL_VERSION);
    expect(discovered?.capabilities.tools).toBeDefined();
    expect(client.getServerVersion()).toMatchObject({ name: 'pmcp-interop', version: '1.2.3' });
    expect(client.getInstructions()).toBe('Fixture for interop tests.');
  });

  it('lists the tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('convert_temperature');
    expect(tools.find((tool) => tool.name === 'convert_temperature')?.outputSchema).toMatchObject({
      type: 'object',
      properties: { celsius: { type: 'number' }, fahrenheit: { type: 'number' } },
    });
  });

  it('calls a tool that answers with text', async () => {
    const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } });
    expect(result.isError).toBeFalsy();
    expect(result.content).toEqual([{ type: 'text', text: '2 + 40 = 42' }]);
  });

  it('gets structured output that the SDK validated against the output schema', async () => {
    const result = await client.callTool({
      name: 'convert_temperature',
      arguments: { value: 212, from: 'fahrenheit' },
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ celsius: 100, fahrenheit: 212 });
    expect(JSON.parse(textOf(result.content))).toEqual({ celsius: 100, fahrenheit: 212 });
  });

  it('gets isError results for invalid arguments and a thrown ToolError', async () => {
    const invalid = await client.callTool({ name: 'add', arguments: { a: 1 } });
    expect(invalid.isError).toBe(true);
    expect(textOf(invalid.content)).toContain('Invalid arguments for tool "add"');
    const refused = await client.callTool({ name: 'refuse', arguments: {} });
    expect(refused).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: 'Atlantis has no weather station; try another city.' }],
    });
  });

  it('gets a JSON-RPC -32602 error for an unknown tool', async () => {
    const error = await client.callTool({ name: 'no_such_tool', arguments: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe(-32602);
  });

  it('receives progress notifications', async () => {
    const updates: unknown[] = [];
    const result = await client.callTool(
      { name: 'count_up', arguments: { steps: 2, hold: true } },
      {
        onprogress: (progress) => {
          updates.push(progress);
          if (progress.progress === 2) void client.callTool({ name: 'release', arguments: {} });
        },
      },
    );
    expect(textOf(result.content)).toBe('counted to 2');
    expect(updates).toEqual([
      { progress: 1, total: 2, message: 'step 1' },
      { progress: 2, total: 2, message: 'step 2' },
    ]);
  });

  it('after close: the session process exited on stdin EOF, and every message each process wrote matched the spec', async () => {
    await client.close();
    const reports = await collectServerReports(reportDir.path);
    expectSpecValid(reports);
    const session = reports.find((report) =>
      receivedMessages(report).some((message) => message.method === 'tools/call'),
    );
    expect(session, 'the process that served the tool calls').toBeDefined();
    if (!session) return;
    expectCleanExit(session);
    const discovered = reports.some((report) =>
      sentMessages(report).some(
        (message) =>
          (message.result as { supportedVersions?: unknown } | undefined)?.supportedVersions !== undefined,
      ),
    );
    expect(discovered, 'some process answered the server/discover probe').toBe(true);
    // Modern: no initialize, every request carries its version, every result its resultType and serverInfo.
    expect(receivedMessages(session).map((message) => message.method)).not.toContain('initialize');
    const results = sentMessages(session).filter((message) => 'result' in message);
    expect(results.length).toBeGreaterThan(5);
    for (const message of results) {
      expect(message.result).toMatchObject({
        resultType: 'complete',
        _meta: { [MetaKey.ServerInfo]: { name: 'pmcp-interop' } },
      });
    }
  });
});

describe('official SDK 2.x client → pmcp stdio server, other negotiation modes', () => {
  const cases = [
    { mode: { pin: LATEST_PROTOCOL_VERSION }, era: 'modern', version: LATEST_PROTOCOL_VERSION },
    { mode: 'legacy', era: 'legacy', version: LATEST_LEGACY_PROTOCOL_VERSION },
  ] as const;

  for (const { mode, era, version } of cases) {
    it(`mode ${JSON.stringify(mode)}: ${era} era at ${version}, tools work, messages match the spec`, async () => {
      const reportDir = await createReportDir();
      const client = new Client(
        { name: 'official-v2-client', version: '2.0.0' },
        { versionNegotiation: { mode } },
      );
      try {
        await client.connect(
          new StdioClientTransport({
            ...fixtureCommand('pmcp-server.ts'),
            env: { PMCP_SPEC_REPORT_DIR: reportDir.path },
            stderr: 'pipe',
          }),
        );
        expect(client.getProtocolEra()).toBe(era);
        expect(client.getNegotiatedProtocolVersion()).toBe(version);
        const result = await client.callTool({
          name: 'convert_temperature',
          arguments: { value: -40, from: 'celsius' },
        });
        expect(result.structuredContent).toEqual({ celsius: -40, fahrenheit: -40 });
        await client.close();
        const reports = await collectServerReports(reportDir.path);
        expectSpecValid(reports);
      } finally {
        await client.close();
        await reportDir.dispose();
      }
    });
  }
});
