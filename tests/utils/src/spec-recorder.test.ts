import type { JsonRpcMessage } from '@pmcp/jsonrpc';
import { createInMemoryTransportPair, RpcEngine } from '@pmcp/jsonrpc';
import { describe, expect, it } from 'vitest';
import { createSpecRecorder, validateConversation, withSpecValidation } from './spec-recorder.ts';

const meta = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
};

describe('validateConversation', () => {
  it('checks a modern result against the revision of its request', () => {
    const report = validateConversation(
      [
        {
          direction: 'received',
          message: { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: meta } },
        },
        {
          direction: 'sent',
          message: { jsonrpc: '2.0', id: 1, result: { tools: [], ttlMs: 0, cacheScope: 'public' } },
        },
      ],
      { role: 'server' },
    );
    expect(report.checked).toBe(1);
    expect(report.violations).toHaveLength(1);
    expect(report.violations[0]).toMatch(/^sent #1 \(result of tools\/list id 1\) @2026-07-28: .*resultType/);
  });

  it('follows a legacy session at the version initialize settled', () => {
    const audioResult = { content: [{ type: 'audio', data: 'AA==', mimeType: 'audio/wav' }] };
    const conversation = (negotiated: string) => [
      {
        direction: 'received' as const,
        message: {
          jsonrpc: '2.0',
          id: 0,
          method: 'initialize',
          params: {
            protocolVersion: '2025-11-25',
            capabilities: {},
            clientInfo: { name: 'c', version: '1' },
          },
        },
      },
      {
        direction: 'sent' as const,
        message: {
          jsonrpc: '2.0',
          id: 0,
          result: {
            protocolVersion: negotiated,
            capabilities: { tools: {} },
            serverInfo: { name: 's', version: '1' },
          },
        },
      },
      { direction: 'received' as const, message: { jsonrpc: '2.0', method: 'notifications/initialized' } },
      {
        direction: 'received' as const,
        message: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'speak' } },
      },
      { direction: 'sent' as const, message: { jsonrpc: '2.0', id: 1, result: audioResult } },
    ];
    expect(validateConversation(conversation('2025-11-25'), { validate: 'all' })).toEqual({
      violations: [],
      checked: 5,
    });
    // Audio content did not exist in 2024-11-05, the version this server settled on.
    const report = validateConversation(conversation('2024-11-05'));
    expect(report.checked).toBe(2);
    expect(report.violations.join('\n')).toContain('sent #4 (result of tools/call id 1) @2024-11-05');
  });

  it('reads raw JSON lines, and reports what is not JSON', () => {
    const lines = [
      JSON.stringify({ jsonrpc: '2.0', id: 'a', method: 'server/discover', params: { _meta: meta } }),
      'Listening on stdio…',
    ];
    const report = validateConversation(lines.map((message) => ({ direction: 'sent' as const, message })));
    expect(report.checked).toBe(1);
    expect(report.violations).toEqual(['sent #1: not JSON: Listening on stdio…']);
  });

  it('reports a result whose request it never saw, and a message of unknown revision', () => {
    const report = validateConversation([
      { direction: 'sent', message: { jsonrpc: '2.0', id: 9, result: { resultType: 'complete' } } },
      { direction: 'sent', message: { jsonrpc: '2.0', id: 1, method: 'tools/list' } },
    ]);
    expect(report.violations).toEqual([
      'sent #0 (result of an unknown request id 9): answers no request recorded with that id, so its result cannot be checked',
      'sent #1 (request tools/list id 1): cannot tell its MCP revision (no _meta version, no initialize seen); pass options.revision',
    ]);
  });

  it('uses the fallback revision, and reports an unknown _meta version', () => {
    const toolsList = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    expect(
      validateConversation([{ direction: 'sent', message: toolsList }], { revision: '2025-06-18' }),
    ).toEqual({
      violations: [],
      checked: 1,
    });
    const odd = {
      ...toolsList,
      params: { _meta: { ...meta, 'io.modelcontextprotocol/protocolVersion': '1999-01-01' } },
    };
    const report = validateConversation([{ direction: 'sent', message: odd }]);
    expect(report.violations[0]).toContain('"1999-01-01", not a known MCP revision');
  });

  it('checks modern notifications at the revision of the requests around them', () => {
    const report = validateConversation(
      [
        {
          direction: 'received',
          message: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { _meta: meta, name: 'x' } },
        },
        {
          direction: 'sent',
          message: { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 } },
        },
      ],
      { role: 'server' },
    );
    expect(report.checked).toBe(1);
    expect(report.violations.join('\n')).toContain(
      'sent #1 (notification notifications/progress) @2026-07-28',
    );
    expect(report.violations.join('\n')).toContain('progressToken');
  });
});

describe('createSpecRecorder', () => {
  it('takes the session version from setProtocolVersion', () => {
    const recorder = createSpecRecorder();
    recorder.noteProtocolVersion('2025-03-26');
    recorder.record('sent', { jsonrpc: '2.0', id: 1, method: 'ping' });
    expect(recorder.messages[0]?.revision).toBe('2025-03-26');
    expect(recorder.violations).toEqual([]);
    recorder.noteProtocolVersion('draft');
    expect(recorder.violations).toEqual(['setProtocolVersion("draft"): not a known MCP revision']);
  });
});

describe('withSpecValidation', () => {
  async function connectedPair(toolResult: Record<string, unknown>) {
    const [clientSide, serverSide] = createInMemoryTransportPair();
    const checkedServer = withSpecValidation(serverSide, { role: 'server' });
    const checkedClient = withSpecValidation(clientSide, { role: 'client' });
    const server = new RpcEngine();
    server.setRequestHandler('tools/call', () => toolResult);
    const client = new RpcEngine();
    await server.connect(checkedServer);
    await client.connect(checkedClient);
    return { client, server, checkedServer, checkedClient };
  }

  it('passes a conforming exchange, checking both sides', async () => {
    const { client, server, checkedServer, checkedClient } = await connectedPair({
      resultType: 'complete',
      content: [{ type: 'text', text: 'hi' }],
    });
    const result = await client.request('tools/call', { _meta: meta, name: 'echo' });
    expect(result).toEqual({ resultType: 'complete', content: [{ type: 'text', text: 'hi' }] });
    expect(checkedClient.checked).toBe(1);
    expect(checkedServer.checked).toBe(1);
    expect(checkedClient.violations).toEqual([]);
    expect(checkedServer.violations).toEqual([]);
    await client.close();
    await server.close();
  });

  it('catches a server result without resultType, and a client request without capabilities', async () => {
    const { client, server, checkedServer, checkedClient } = await connectedPair({
      content: [{ type: 'text', text: 'hi' }],
    });
    const { 'io.modelcontextprotocol/clientCapabilities': _, ...partialMeta } = meta;
    await client.request('tools/call', { _meta: partialMeta, name: 'echo' });
    expect(checkedServer.violations.join('\n')).toContain("must have required property 'resultType'");
    expect(checkedClient.violations.join('\n')).toContain('io.modelcontextprotocol/clientCapabilities');
    await client.close();
    await server.close();
  });

  it('forwards everything to the wrapped transport', async () => {
    const [a, b] = createInMemoryTransportPair();
    const checked = withSpecValidation(a, { revision: '2025-11-25' });
    const received: JsonRpcMessage[] = [];
    let closed = false;
    checked.onmessage = (message) => received.push(message);
    checked.onclose = () => {
      closed = true;
    };
    const seenByPeer: JsonRpcMessage[] = [];
    b.onmessage = (message) => seenByPeer.push(message);
    await checked.start();
    await b.start();
    await checked.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    await b.send({ jsonrpc: '2.0', id: 1, result: {} });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seenByPeer).toEqual([{ jsonrpc: '2.0', id: 1, method: 'ping' }]);
    expect(received).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }]);
    expect(checked.messages.map((m) => [m.direction, m.method, m.revision])).toEqual([
      ['sent', 'ping', '2025-11-25'],
      ['received', 'ping', '2025-11-25'],
    ]);
    await checked.close();
    expect(closed).toBe(true);
    expect(checked.violations).toEqual([]);
  });
});
