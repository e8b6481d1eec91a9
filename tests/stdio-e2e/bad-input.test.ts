/**
 * Bad input over real stdio to a pmcp server child process. Each bad line must get the right JSON-RPC error
 * (or, where the spec wants silence, nothing), and the same process must keep answering: after every case a
 * `ping` is sent and must be answered. Every line the server writes must be JSON-RPC, valid for its revision.
 *
 * Lines are matched by id, never by position, except that each case reads exactly the lines it expects: a
 * surplus reply (say, an answer to a notification) would be read by the next case, or be left over at the end,
 * and fail there.
 */
import { validateConversation } from '@pmcp/test-utils';
import { LATEST_LEGACY_PROTOCOL_VERSION, LATEST_PROTOCOL_VERSION, MetaKey } from '@pmcp/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, spawnServer, waitForExit } from './harness.ts';

const MODERN_META = {
  [MetaKey.ProtocolVersion]: LATEST_PROTOCOL_VERSION,
  [MetaKey.ClientCapabilities]: {},
  [MetaKey.ClientInfo]: { name: 'e2e', version: '1.0.0' },
};

/** What a bad input must produce besides the answer to the probe `ping` that follows it. */
type Expected = { code: number; id?: string | number } | 'nothing';

interface BadInput {
  name: string;
  write(server: ServerProcess): void;
  expected: Expected;
}

const line =
  (text: string) =>
  (server: ServerProcess): void =>
    server.writeLine(text);

const TEN_MEBIBYTES = 10 * 1024 * 1024;

const badInputs: BadInput[] = [
  // -32700: not JSON at all, so no id can be read.
  { name: 'a garbage line', write: line('this is not json'), expected: { code: -32700 } },
  {
    name: 'truncated JSON',
    write: line('{"jsonrpc":"2.0","id":1,"method":"tools/list"'),
    expected: { code: -32700 },
  },
  {
    name: 'a line that is not valid UTF-8',
    write: (server) =>
      server.writeRaw(
        Buffer.concat([
          Buffer.from('{"jsonrpc":"2.0","id":"utf8","method":"ping","params":{"x":"'),
          Buffer.from([0xff, 0xfe, 0xc3]),
          Buffer.from('"}}\n'),
        ]),
      ),
    expected: { code: -32700 },
  },
  // -32600: JSON, but not one JSON-RPC message.
  { name: 'a JSON number', write: line('42'), expected: { code: -32600 } },
  { name: 'a JSON string', write: line('"ping"'), expected: { code: -32600 } },
  { name: 'JSON null', write: line('null'), expected: { code: -32600 } },
  {
    name: 'a batch (array of requests)',
    write: line('[{"jsonrpc":"2.0","id":"in-batch","method":"ping"}]'),
    expected: { code: -32600 },
  },
  { name: 'an empty array', write: line('[]'), expected: { code: -32600 } },
  {
    name: 'a request whose id is null',
    write: line('{"jsonrpc":"2.0","id":null,"method":"ping"}'),
    expected: { code: -32600 },
  },
  {
    name: 'a request whose id is a boolean',
    write: line('{"jsonrpc":"2.0","id":true,"method":"ping"}'),
    expected: { code: -32600 },
  },
  {
    name: 'a request whose id is an object',
    write: line('{"jsonrpc":"2.0","id":{"n":1},"method":"ping"}'),
    expected: { code: -32600 },
  },
  {
    name: 'a request whose id is a fraction',
    write: line('{"jsonrpc":"2.0","id":1.5,"method":"ping"}'),
    expected: { code: -32600 },
  },
  {
    name: 'a wrong jsonrpc version (id echoed)',
    write: line('{"jsonrpc":"1.0","id":"v1","method":"ping"}'),
    expected: { code: -32600, id: 'v1' },
  },
  {
    name: 'a method that is not a string (id echoed)',
    write: line('{"jsonrpc":"2.0","id":"m","method":42}'),
    expected: { code: -32600, id: 'm' },
  },
  {
    name: 'an id with neither method nor result (id echoed)',
    write: line('{"jsonrpc":"2.0","id":77}'),
    expected: { code: -32600, id: 77 },
  },
  {
    name: 'both method and result (id echoed)',
    write: line('{"jsonrpc":"2.0","id":"both","method":"ping","result":{}}'),
    expected: { code: -32600, id: 'both' },
  },
  {
    name: 'a 10 MB line (over the 8 MiB limit)',
    write: (server) =>
      server.writeRaw(
        `{"jsonrpc":"2.0","id":"huge","method":"tools/call","params":{"name":"echo","arguments":{"text":"${'x'.repeat(TEN_MEBIBYTES)}"}}}\n`,
      ),
    expected: { code: -32600 },
  },
  // -32601: a well-formed request for a method the server does not have.
  {
    name: 'an unknown method',
    write: line('{"jsonrpc":"2.0","id":"unknown","method":"no/such/method"}'),
    expected: { code: -32601, id: 'unknown' },
  },
  {
    name: 'a method 2026-07-28 removed, sent as a modern request',
    write: (server) =>
      server.send({ jsonrpc: '2.0', id: 'modern-ping', method: 'ping', params: { _meta: MODERN_META } }),
    expected: { code: -32601, id: 'modern-ping' },
  },
  // -32602: the right method with the wrong params.
  {
    name: 'params that are a string',
    write: line('{"jsonrpc":"2.0","id":"p-string","method":"tools/list","params":"all"}'),
    expected: { code: -32602, id: 'p-string' },
  },
  {
    name: 'params that are an array',
    write: line('{"jsonrpc":"2.0","id":"p-array","method":"tools/list","params":[1,2]}'),
    expected: { code: -32602, id: 'p-array' },
  },
  {
    name: 'tools/call with name: 5',
    write: (server) =>
      server.send({ jsonrpc: '2.0', id: 'name-5', method: 'tools/call', params: { name: 5 } }),
    expected: { code: -32602, id: 'name-5' },
  },
  {
    name: 'tools/call without a name',
    write: (server) => server.send({ jsonrpc: '2.0', id: 'no-name', method: 'tools/call', params: {} }),
    expected: { code: -32602, id: 'no-name' },
  },
  {
    name: 'tools/call with arguments: []',
    write: (server) =>
      server.send({
        jsonrpc: '2.0',
        id: 'args-array',
        method: 'tools/call',
        params: { name: 'echo', arguments: [] },
      }),
    expected: { code: -32602, id: 'args-array' },
  },
  {
    name: 'tools/call for an unknown tool',
    write: (server) =>
      server.send({
        jsonrpc: '2.0',
        id: 'no-tool',
        method: 'tools/call',
        params: { name: 'nope', arguments: {} },
      }),
    expected: { code: -32602, id: 'no-tool' },
  },
  {
    name: 'a cursor that is a number',
    write: (server) =>
      server.send({ jsonrpc: '2.0', id: 'cursor', method: 'tools/list', params: { cursor: 3 } }),
    expected: { code: -32602, id: 'cursor' },
  },
  {
    name: 'a modern request without clientCapabilities',
    write: (server) =>
      server.send({
        jsonrpc: '2.0',
        id: 'no-caps',
        method: 'tools/list',
        params: { _meta: { [MetaKey.ProtocolVersion]: LATEST_PROTOCOL_VERSION } },
      }),
    expected: { code: -32602, id: 'no-caps' },
  },
  // -32022: a modern request for a revision the server does not speak.
  {
    name: 'a modern request for an unsupported protocol version',
    write: (server) =>
      server.send(
        {
          jsonrpc: '2.0',
          id: 'future',
          method: 'tools/list',
          params: { _meta: { ...MODERN_META, [MetaKey.ProtocolVersion]: '2099-01-01' } },
        },
        // Kept out of the transcript: the spec recorder rejects a revision it does not know, rightly.
        false,
      ),
    expected: { code: -32022, id: 'future' },
  },
  // Silence: the receiver of a notification or a response never answers it.
  {
    name: 'an unknown notification',
    write: line('{"jsonrpc":"2.0","method":"notifications/no_such_thing","params":{}}'),
    expected: 'nothing',
  },
  {
    name: 'a result for a request the server never sent',
    write: line('{"jsonrpc":"2.0","id":"nobody-asked","result":{}}'),
    expected: 'nothing',
  },
  {
    name: 'an error response with id null',
    write: line('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"your output is garbage"}}'),
    expected: 'nothing',
  },
  { name: 'blank lines', write: (server) => server.writeRaw('\n\r\n   \n'), expected: 'nothing' },
];

describe('pmcp stdio server child process: bad input', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = spawnServer('server.ts');
    server.send({
      jsonrpc: '2.0',
      id: 'init',
      method: 'initialize',
      params: {
        protocolVersion: LATEST_LEGACY_PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: 'e2e', version: '1.0.0' },
      },
    });
    const [initialized] = await server.read(1);
    expect(initialized).toMatchObject({
      id: 'init',
      result: { protocolVersion: LATEST_LEGACY_PROTOCOL_VERSION },
    });
    server.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  });

  afterAll(() => server?.kill());

  badInputs.forEach((bad, index) => {
    it(`${bad.name} → ${bad.expected === 'nothing' ? 'no answer' : bad.expected.code}, then still serves`, async () => {
      bad.write(server);
      const probeId = `probe-${index}`;
      server.send({ jsonrpc: '2.0', id: probeId, method: 'ping' });
      const replies = await server.read(bad.expected === 'nothing' ? 1 : 2);

      const probe = replies.find((reply) => reply.id === probeId);
      expect(probe, 'the answer to the ping sent after the bad input').toEqual({
        jsonrpc: '2.0',
        id: probeId,
        result: {},
      });
      const others = replies.filter((reply) => reply !== probe);
      if (bad.expected === 'nothing') {
        expect(others).toEqual([]);
        return;
      }
      expect(others).toHaveLength(1);
      const [reply] = others;
      expect(reply).toMatchObject({
        jsonrpc: '2.0',
        error: { code: bad.expected.code, message: expect.any(String) },
      });
      if (bad.expected.id === undefined) {
        // The id could not be read: the reply carries none (the schemas from 2025-11-25 on reject `id: null`).
        expect(reply).not.toHaveProperty('id');
      } else {
        expect(reply?.id).toBe(bad.expected.id);
      }
    });
  });

  it('names what is wrong in the error messages', async () => {
    server.send({ jsonrpc: '2.0', id: 'msg-name', method: 'tools/call', params: { name: 5 } });
    server.writeRaw(`${'{"x":"'.padEnd(TEN_MEBIBYTES, 'y')}"}\n`);
    server.send(
      {
        jsonrpc: '2.0',
        id: 'msg-version',
        method: 'tools/list',
        params: { _meta: { ...MODERN_META, [MetaKey.ProtocolVersion]: '2099-01-01' } },
      },
      false,
    );
    const replies = await server.read(3);
    const byId = (id: string | undefined) => replies.find((reply) => reply.id === id);
    expect(byId('msg-name')?.error).toMatchObject({ message: expect.stringMatching(/"name".*string/) });
    expect(byId(undefined)?.error).toMatchObject({
      code: -32600,
      message: expect.stringContaining('maxMessageBytes'),
    });
    expect(byId('msg-version')?.error).toMatchObject({
      code: -32022,
      data: { supported: expect.arrayContaining([LATEST_PROTOCOL_VERSION]), requested: '2099-01-01' },
    });
  });

  it('still serves real work afterwards: a request split into one-byte writes, CRLF, and a 1 MB argument', async () => {
    const split = {
      jsonrpc: '2.0',
      id: 'split',
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'héllo wörld ✓' } },
    };
    const bytes = Buffer.from(`${JSON.stringify(split)}\n`);
    // Byte by byte, so multi-byte characters arrive in pieces too.
    bytes.forEach((byte, index) => {
      server.writeRaw(Uint8Array.of(byte), index === 0 ? split : undefined);
    });
    const crlf = { jsonrpc: '2.0', id: 'crlf', method: 'ping' };
    server.writeRaw(`${JSON.stringify(crlf)}\r\n`, crlf);
    const big = 'z'.repeat(1024 * 1024);
    server.send({
      jsonrpc: '2.0',
      id: 'big',
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: big } },
    });
    const replies = await server.read(3);
    const byId = (id: string) => replies.find((reply) => reply.id === id);
    expect(byId('split')?.result).toEqual({ content: [{ type: 'text', text: 'héllo wörld ✓' }] });
    expect(byId('crlf')?.result).toEqual({});
    expect(byId('big')?.result).toEqual({ content: [{ type: 'text', text: big }] });
  });

  it('exits cleanly on stdin EOF, having written nothing but valid JSON-RPC lines to stdout', async () => {
    server.endInput();
    const exit = await waitForExit(server);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.unread(), 'lines no case asked for').toEqual([]);

    const stdout = server.stdoutBytes();
    expect(stdout.at(-1), 'stdout ends with a newline').toBe(0x0a);
    const lines = stdout.toString('utf8').split('\n').slice(0, -1);
    for (const text of lines) {
      const message = JSON.parse(text) as Record<string, unknown>;
      expect(message.jsonrpc).toBe('2.0');
      expect('result' in message || 'error' in message || 'method' in message).toBe(true);
    }

    const report = validateConversation(server.transcript, {
      role: 'server',
      revision: LATEST_LEGACY_PROTOCOL_VERSION,
    });
    expect(report.violations).toEqual([]);
    expect(report.checked).toBe(lines.length);
  });
});

describe('pmcp stdio server child process: shutdown', () => {
  it('exits cleanly on EOF before any input, writing nothing', async () => {
    const server = spawnServer('server.ts');
    try {
      server.endInput();
      expect(await waitForExit(server)).toEqual({ code: 0, signal: null });
      expect(server.stdoutBytes().length).toBe(0);
    } finally {
      server.kill();
    }
  });

  it('exits cleanly on EOF while a tool call is still running, and never answers it', async () => {
    const server = spawnServer('server.ts');
    try {
      server.send({
        jsonrpc: '2.0',
        id: 'hang',
        method: 'tools/call',
        params: { name: 'hang', arguments: {}, _meta: MODERN_META },
      });
      // The answer to this later request proves the hanging call was received and started before stdin ends.
      server.send({ jsonrpc: '2.0', id: 'alive', method: 'tools/list', params: { _meta: MODERN_META } });
      const [listed] = await server.read(1);
      expect(listed).toMatchObject({ id: 'alive', result: { resultType: 'complete' } });
      server.endInput();
      expect(await waitForExit(server)).toEqual({ code: 0, signal: null });
      expect(server.unread()).toEqual([]);
    } finally {
      server.kill();
    }
  });
});
