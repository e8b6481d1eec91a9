/**
 * A connected client and its scripted fake server, with every message the client sends checked against the
 * spec schema of its revision (responses to server requests included).
 */
import type { JsonRpcNotification, JsonRpcRequest, RequestHandler } from '@pmcp/jsonrpc';
import { type SpecValidatingTransport, withSpecValidation } from '@pmcp/test-utils';
import { expect } from 'vitest';
import { type Client, type ClientInfo, type ClientOptions, createClient } from '../src/index.ts';
import { createFakeServer, discoverResult, type FakeServer, initializeResult } from './fake-server.ts';

export type Era = 'modern' | 'legacy';
export const ERAS: readonly Era[] = ['modern', 'legacy'];
export const CLIENT_INFO = { name: 'test-client', version: '1.2.3' } as const;

export interface Connected {
  client: Client;
  server: FakeServer;
  /** Every message the client sent, validated; assert with {@link expectSpecClean}. */
  spec: SpecValidatingTransport;
}

export interface ConnectOptions {
  /** The server's capabilities (default: everything). */
  capabilities?: Record<string, unknown>;
  clientOptions?: ClientOptions;
  clientInfo?: ClientInfo;
  /** The legacy revision the fake server answers initialize with. */
  legacyVersion?: string;
}

export const ALL_SERVER_CAPABILITIES: Record<string, unknown> = {
  tools: { listChanged: true },
  prompts: { listChanged: true },
  resources: { listChanged: true, subscribe: true },
  completions: {},
  logging: {},
};

const opened: Client[] = [];

/** Closes every client the tests opened; call from afterEach. */
export async function closeAll(): Promise<void> {
  await Promise.all(opened.splice(0).map((client) => client.close()));
}

export async function connect(
  era: Era,
  handlers: Record<string, RequestHandler> = {},
  options: ConnectOptions = {},
): Promise<Connected> {
  const capabilities = options.capabilities ?? ALL_SERVER_CAPABILITIES;
  const server = await createFakeServer({
    ...(era === 'modern'
      ? { 'server/discover': () => discoverResult(capabilities) }
      : { initialize: () => initializeResult(options.legacyVersion ?? '2025-11-25', capabilities) }),
    // callTool lists the tools once to find output schemas; an empty list unless a test scripts its own.
    'tools/list': () => page(era, { tools: [] }),
    ...handlers,
  });
  const spec = withSpecValidation(server.transport, { role: 'client' });
  const client = createClient(options.clientInfo ?? CLIENT_INFO, options.clientOptions);
  opened.push(client);
  await client.connect(spec, { era });
  return { client, server, spec };
}

/** Every message the client sent conforms to the schema of its revision, and there was something to check. */
export function expectSpecClean(spec: SpecValidatingTransport): void {
  expect(spec.violations).toEqual([]);
  expect(spec.checked).toBeGreaterThan(0);
}

export function requestsOf(server: FakeServer, method: string): JsonRpcRequest[] {
  return server.sent.filter(
    (message): message is JsonRpcRequest =>
      'id' in message && 'method' in message && message.method === method,
  );
}

export function notificationsOf(server: FakeServer, method: string): JsonRpcNotification[] {
  return server.sent.filter(
    (message): message is JsonRpcNotification =>
      !('id' in message) && 'method' in message && message.method === method,
  );
}

/** Lets queued deliveries (the in-memory pair delivers in microtasks and timers) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A promise and the functions that settle it, for scripting when a fake server answers. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A list page in the shape of the era (modern results carry resultType and caching fields). */
export function page(
  era: Era,
  body: Record<string, unknown>,
  caching: Record<string, unknown> = { ttlMs: 0, cacheScope: 'public' },
): Record<string, unknown> {
  return era === 'modern' ? { resultType: 'complete', ...caching, ...body } : body;
}

/** A complete result in the shape of the era. */
export function complete(era: Era, body: Record<string, unknown>): Record<string, unknown> {
  return era === 'modern' ? { resultType: 'complete', ...body } : body;
}
