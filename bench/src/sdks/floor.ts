/**
 * The floor: a hand-written JSON-RPC client and server with no validation, no protocol handshake and no
 * schema handling — only framing, id correlation and a table lookup. Whatever an SDK costs above this is
 * the SDK's own cost; what this costs is the transport's.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ADD_DESCRIPTION,
  ADD_INPUT_JSON_SCHEMA,
  ADD_TOOL,
  addText,
  FILLER_INPUT_JSON_SCHEMA,
  fillerDescription,
  fillerText,
  fillerToolNames,
  MEMORY_PROBE_TOOL,
  readMemory,
} from '../workload.ts';
import type { ChildCommand, Decoder, McpConnection, SdkAdapter, ServerSpec } from './types.ts';

type Message = {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: Record<string, unknown>;
  result?: unknown;
  error?: unknown;
};
type ToolHandler = (args: Record<string, unknown>) => string;

/** The floor server: a tool table and a switch on the method name. */
export function createFloorServer(spec: ServerSpec): (message: Message) => Message | undefined {
  const handlers = new Map<string, ToolHandler>();
  const tools: Record<string, unknown>[] = [];
  handlers.set(ADD_TOOL, (args) => addText(args.a as number, args.b as number));
  tools.push({ name: ADD_TOOL, description: ADD_DESCRIPTION, inputSchema: ADD_INPUT_JSON_SCHEMA });
  for (const name of fillerToolNames(spec.toolCount)) {
    handlers.set(name, (args) => fillerText(name, String(args.query)));
    tools.push({ name, description: fillerDescription(name), inputSchema: FILLER_INPUT_JSON_SCHEMA });
  }
  if (spec.memoryProbe) {
    handlers.set(MEMORY_PROBE_TOOL, () => JSON.stringify(readMemory()));
    tools.push({ name: MEMORY_PROBE_TOOL, inputSchema: { type: 'object' } });
  }
  return (message) => {
    if (message.id === undefined) return undefined;
    if (message.method === 'tools/call') {
      const params = message.params as { name: string; arguments?: Record<string, unknown> };
      const handler = handlers.get(params.name);
      if (!handler)
        return { jsonrpc: '2.0', id: message.id, error: { code: -32602, message: 'Unknown tool' } };
      return {
        jsonrpc: '2.0',
        id: message.id,
        result: { content: [{ type: 'text', text: handler(params.arguments ?? {}) }] },
      };
    }
    if (message.method === 'tools/list') return { jsonrpc: '2.0', id: message.id, result: { tools } };
    return { jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'Method not found' } };
  };
}

/** The floor client over any channel that carries message objects. */
function createFloorClient(send: (message: Message) => void, close: () => Promise<void>) {
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const request = (method: string, params: Record<string, unknown>): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve, reject });
      send({ jsonrpc: '2.0', id, method, params });
    });
  const receive = (message: Message): void => {
    const waiter = pending.get(message.id as number);
    if (!waiter) return;
    pending.delete(message.id as number);
    if (message.error) waiter.reject(new Error(`JSON-RPC error ${JSON.stringify(message.error)}`));
    else waiter.resolve(message.result);
  };
  const fail = (error: Error): void => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  const connection: McpConnection = {
    callTool: (name, args) => request('tools/call', { name, arguments: args }),
    listToolNames: async () => {
      const result = (await request('tools/list', {})) as { tools: { name: string }[] };
      return result.tools.map((tool) => tool.name);
    },
    close: async () => {
      fail(new Error('connection closed'));
      await close();
    },
  };
  return { connection, receive, fail };
}

/** Splits a byte stream into lines and hands each complete line to `onLine`. */
function lineSplitter(onLine: (line: string) => void): (chunk: Buffer) => void {
  let buffered = '';
  return (chunk) => {
    buffered += chunk.toString('utf8');
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.length > 0) onLine(line);
      newline = buffered.indexOf('\n');
    }
  };
}

/** Node's request body as text. */
async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The floor's node:http request handler (no web-standard Request/Response in between). */
export function createFloorNodeHandler(
  spec: ServerSpec,
): (request: IncomingMessage, response: ServerResponse) => void {
  const dispatch = createFloorServer(spec);
  return (request, response) => {
    readBody(request).then(
      (body) => {
        const reply = dispatch(JSON.parse(body) as Message);
        if (!reply) {
          response.writeHead(202).end();
          return;
        }
        const text = JSON.stringify(reply);
        response
          .writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
          .end(text);
      },
      () => response.writeHead(400).end(),
    );
  };
}

/** A floor client posting each request to `url` with fetch. */
export function createFloorHttpClient(url: string): McpConnection {
  let nextId = 0;
  const post = async (method: string, params: Record<string, unknown>): Promise<unknown> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++nextId, method, params }),
    });
    const message = (await response.json()) as Message;
    if (message.error) throw new Error(`JSON-RPC error ${JSON.stringify(message.error)}`);
    return message.result;
  };
  return {
    callTool: (name, args) => post('tools/call', { name, arguments: args }),
    listToolNames: async () =>
      ((await post('tools/list', {})) as { tools: { name: string }[] }).tools.map((t) => t.name),
    close: async () => {},
  };
}

/** The floor as an SDK adapter. */
export const floorAdapter: SdkAdapter = {
  id: 'floor',

  async inMemory(spec) {
    const dispatch = createFloorServer(spec);
    // Same delivery discipline as the SDKs' in-memory pairs: objects, no cloning, one microtask per hop.
    const client = createFloorClient(
      (message) =>
        queueMicrotask(() => {
          const reply = dispatch(message);
          if (reply) queueMicrotask(() => client.receive(reply));
        }),
      async () => {},
    );
    return client.connection;
  },

  async serveStdio(spec) {
    const dispatch = createFloorServer(spec);
    process.stdin.on(
      'data',
      lineSplitter((line) => {
        const reply = dispatch(JSON.parse(line) as Message);
        if (reply) process.stdout.write(`${JSON.stringify(reply)}\n`);
      }),
    );
    process.stdin.on('end', () => process.exit(0));
    return undefined;
  },

  async stdioClient(child: ChildCommand) {
    const proc = spawn(child.command, child.args, { stdio: ['pipe', 'pipe', 'inherit'] });
    const client = createFloorClient(
      (message) => proc.stdin.write(`${JSON.stringify(message)}\n`),
      async () => {
        proc.stdin.end();
        if (proc.exitCode === null) await new Promise((resolve) => proc.once('exit', resolve));
      },
    );
    proc.stdout.on(
      'data',
      lineSplitter((line) => client.receive(JSON.parse(line) as Message)),
    );
    proc.once('exit', () => client.fail(new Error('floor server exited')));
    return client.connection;
  },

  async httpHandler() {
    return { unavailable: 'the floor serves node:http directly (see children/http-server.ts)' };
  },

  async httpClient(url, mode) {
    if (mode === 'session') return { unavailable: 'the floor has no sessions' };
    return createFloorHttpClient(url);
  },

  async serverAvailable() {
    return undefined;
  },

  async decoder(): Promise<Decoder> {
    return (text) => JSON.parse(text);
  },
};
