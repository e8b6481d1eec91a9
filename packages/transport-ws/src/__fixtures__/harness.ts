/**
 * Shared plumbing of the tests: a pmcp server with a few tools, served over the WebSocket server on 127.0.0.1,
 * and a pmcp client over the WebSocket client, both sides validated against the JSON Schema of their revision.
 */
import { type Client, type ClientOptions, createClient } from '@pmcp/client';
import { createServer, type McpServer } from '@pmcp/server';
import { type SpecValidatingTransport, withSpecValidation } from '@pmcp/test-utils';
import { z } from 'zod';
import {
  type WebSocketClientTransport,
  type WebSocketClientTransportOptions,
  webSocketClientTransport,
} from '../index.ts';
import { type WebSocketServerHandle, type WebSocketServerOptions, webSocketServer } from '../node/index.ts';

export type Era = 'modern' | 'legacy';

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** What the demo server's `wait` tool saw: its start, and the abort reason once cancelled. */
export interface DemoProbe {
  waitStarted: Deferred;
  waitAborted: Deferred<unknown>;
  /** `stepper` sends progress step n, then waits for gate n-1 before going on. */
  gates: Deferred[];
}

export function demoServer(): { server: McpServer; probe: DemoProbe; serverViolations: () => string[] } {
  const probe: DemoProbe = {
    waitStarted: deferred(),
    waitAborted: deferred<unknown>(),
    gates: [deferred(), deferred()],
  };
  const server = createServer({ name: 'ws-demo', version: '1.0.0' });
  const checked: SpecValidatingTransport[] = [];
  const connect = server.connect.bind(server);
  // Every connection's messages are validated on the server side as well.
  server.connect = (transport) => {
    const validating = withSpecValidation(transport, { role: 'server' });
    checked.push(validating);
    return connect(validating);
  };
  server.tool(
    'add',
    { description: 'Adds two numbers', input: z.object({ a: z.number(), b: z.number() }) },
    ({ a, b }) => String(a + b),
  );
  server.tool(
    'count',
    { description: 'Counts to steps, reporting progress', input: z.object({ steps: z.number().int() }) },
    async ({ steps }, ctx) => {
      for (let step = 1; step <= steps; step++) await ctx.progress(step, steps, `step ${step}`);
      return `counted to ${steps}`;
    },
  );
  server.tool(
    'stepper',
    { description: 'Reports two progress steps, each after a gate' },
    async (_args, ctx) => {
      for (const [index, gate] of probe.gates.entries()) {
        await ctx.progress(index + 1, probe.gates.length);
        await gate.promise;
      }
      return 'stepped';
    },
  );
  server.tool('wait', { description: 'Waits until cancelled' }, async (_args, ctx) => {
    probe.waitStarted.resolve();
    await new Promise<void>((resolve) => {
      ctx.signal.addEventListener(
        'abort',
        () => {
          probe.waitAborted.resolve(ctx.signal.reason);
          resolve();
        },
        { once: true },
      );
    });
    return 'aborted';
  });
  return { server, probe, serverViolations: () => checked.flatMap((transport) => [...transport.violations]) };
}

const cleanups: (() => Promise<void>)[] = [];

/** Runs (and empties) the registered cleanups, last first; call from afterEach. */
export async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

export async function serve(
  server: Parameters<typeof webSocketServer>[0],
  options: WebSocketServerOptions = {},
): Promise<WebSocketServerHandle> {
  const running = await webSocketServer(server, options);
  cleanups.push(() => running.close());
  return running;
}

export interface Connected {
  client: Client;
  transport: WebSocketClientTransport;
  violations: () => readonly string[];
  errors: Error[];
}

export async function connectClient(
  url: string,
  era: Era | 'auto',
  transportOptions: WebSocketClientTransportOptions = {},
  clientOptions: ClientOptions = {},
): Promise<Connected> {
  const transport = webSocketClientTransport(url, transportOptions);
  const checked = withSpecValidation(transport, { role: 'client' });
  const client = createClient({ name: 'ws-test', version: '1.0.0' }, clientOptions);
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  await client.connect(checked, { era });
  cleanups.push(() => client.close());
  return { client, transport, violations: () => checked.violations, errors };
}

export function textOf(result: { content: unknown[] }): string {
  const first = result.content[0] as { type?: string; text?: string } | undefined;
  return first?.type === 'text' ? (first.text ?? '') : JSON.stringify(result.content);
}
