/**
 * A hand-driven MCP client for the server's tests: it sends raw JSON-RPC messages over the in-memory pair,
 * awaits responses by id, records everything the server sends, and validates every such message against the
 * JSON Schema of the protocol revision in use.
 */
import {
  createInMemoryTransportPair,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  type RequestId,
  type Transport,
} from '@pmcp/jsonrpc';
import { afterEach, expect } from 'vitest';
import { validateServerMessage } from './validate.ts';

/**
 * Answers a request the server sent (legacy `elicitation/create`, `sampling/createMessage`, `roots/list`): return
 * the result, or throw to answer with an error (`code` of the thrown object, -32603 otherwise).
 */
export type ServerRequestAnswerer = (
  method: string,
  params: Record<string, unknown> | undefined,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** How the test client behaves. */
export interface TestClientOptions {
  /** Answers server→client requests; without it every such request is a violation. */
  onRequest?: ServerRequestAnswerer;
}

/** The smallest server surface the harness needs, so it can drive any `connect`able server. */
export interface Connectable {
  connect(transport: Transport): Promise<void>;
}

/** A schema violation found in a message the server sent. */
export interface Violation {
  revision: string;
  method: string | undefined;
  message: JsonRpcMessage;
  errors: string[];
}

/** A raw client connected to the server under test. */
export interface TestClient {
  /** Every message the server sent, in arrival order. */
  readonly received: JsonRpcMessage[];
  /** Messages that failed their schema; tests expect this to stay empty. */
  readonly violations: Violation[];
  /** How many server messages were validated (proves validation ran). */
  readonly validatedCount: number;
  /** The legacy session revision after {@link TestClient.initialize}. */
  sessionRevision: string | undefined;
  /** Sends a request with the next free integer id and resolves with its response. */
  request(method: string, params?: Record<string, unknown>): Promise<JsonRpcResponse>;
  /** Sends a request with a given id without waiting. */
  sendRequest(id: RequestId, method: string, params?: Record<string, unknown>): Promise<void>;
  /** Resolves with the response to `id`. */
  response(id: RequestId): Promise<JsonRpcResponse>;
  notify(method: string, params?: Record<string, unknown>): Promise<void>;
  /** Runs `initialize` (and `notifications/initialized` unless told not to) and records the negotiated revision. */
  initialize(
    protocolVersion?: string,
    options?: { sendInitialized?: boolean; capabilities?: Record<string, unknown> },
  ): Promise<Record<string, unknown>>;
  /** Notifications received so far, optionally of one method. */
  notifications(method?: string): JsonRpcNotification[];
  /** Requests the server sent so far, optionally of one method. */
  serverRequests(method?: string): JsonRpcRequest[];
  /** Resolves with the first received message matching `predicate` (already received or future). */
  waitFor(predicate: (message: JsonRpcMessage) => boolean): Promise<JsonRpcMessage>;
  close(): Promise<void>;
}

/** The `_meta` a modern (2026-07-28) request carries. */
export function modernMeta(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientCapabilities': {},
    'io.modelcontextprotocol/clientInfo': { name: 'harness', version: '0.0.0' },
    ...extra,
  };
}

/** Params for a modern request: `params` plus the modern `_meta` (merged with `meta`). */
export function modern(
  params: Record<string, unknown> = {},
  meta: Record<string, unknown> = {},
): Record<string, unknown> {
  return { ...params, _meta: modernMeta(meta) };
}

const KNOWN_REVISIONS = ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'];

function isResponse(message: JsonRpcMessage): message is JsonRpcResponse {
  return 'result' in message || 'error' in message;
}

function isNotification(message: JsonRpcMessage): message is JsonRpcNotification {
  return 'method' in message && !('id' in message);
}

function isRequest(message: JsonRpcMessage): message is JsonRpcRequest {
  return 'method' in message && 'id' in message;
}

/** Connects a raw client to `server` over a fresh in-memory pair. */
export async function connectTestClient(
  server: Connectable,
  options: TestClientOptions = {},
): Promise<TestClient> {
  const [clientSide, serverSide] = createInMemoryTransportPair();
  await server.connect(serverSide);

  const received: JsonRpcMessage[] = [];
  const violations: Violation[] = [];
  const sentRequests = new Map<RequestId, { method: string; revision: string }>();
  const progressRevisions = new Map<unknown, string>();
  const waiters: Array<{
    predicate: (message: JsonRpcMessage) => boolean;
    resolve: (m: JsonRpcMessage) => void;
  }> = [];
  let validatedCount = 0;
  let nextId = 1;

  const client: TestClient = {
    received,
    violations,
    get validatedCount() {
      return validatedCount;
    },
    sessionRevision: undefined,
    async request(method, params) {
      const id = nextId++;
      await client.sendRequest(id, method, params);
      return client.response(id);
    },
    async sendRequest(id, method, params) {
      const meta = params?._meta as Record<string, unknown> | undefined;
      const requested = meta?.['io.modelcontextprotocol/protocolVersion'];
      // Errors about an unknown version are still 2026-07-28 messages; legacy traffic uses the session revision.
      const revision =
        requested !== undefined
          ? KNOWN_REVISIONS.includes(String(requested))
            ? String(requested)
            : '2026-07-28'
          : (client.sessionRevision ?? '2025-11-25');
      sentRequests.set(id, { method, revision });
      if (meta?.progressToken !== undefined) progressRevisions.set(meta.progressToken, revision);
      const message: JsonRpcMessage =
        params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params };
      await clientSide.send(message);
    },
    async response(id) {
      return (await client.waitFor((message) => isResponse(message) && message.id === id)) as JsonRpcResponse;
    },
    async notify(method, params) {
      await clientSide.send(
        params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params },
      );
    },
    async initialize(protocolVersion = '2025-11-25', options = {}) {
      const response = await client.request('initialize', {
        protocolVersion,
        capabilities: options.capabilities ?? {},
        clientInfo: { name: 'harness', version: '0.0.0' },
      });
      if (!('result' in response)) throw new Error(`initialize failed: ${JSON.stringify(response)}`);
      client.sessionRevision = String(response.result.protocolVersion);
      if (options.sendInitialized !== false) await client.notify('notifications/initialized');
      return response.result;
    },
    notifications(method) {
      return received.filter(
        (message): message is JsonRpcNotification =>
          isNotification(message) && (method === undefined || message.method === method),
      );
    },
    serverRequests(method) {
      return received.filter(
        (message): message is JsonRpcRequest =>
          isRequest(message) && (method === undefined || message.method === method),
      );
    },
    waitFor(predicate) {
      const found = received.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    close: () => clientSide.close(),
  };

  clientSide.onmessage = (message) => {
    received.push(message);
    let revision: string;
    let method: string | undefined;
    if (isResponse(message)) {
      const sent = message.id === undefined || message.id === null ? undefined : sentRequests.get(message.id);
      revision = sent?.revision ?? '2026-07-28';
      method = sent?.method;
    } else if (isRequest(message)) {
      // Only legacy sessions carry server→client requests.
      revision = client.sessionRevision ?? '2025-11-25';
      method = message.method;
    } else {
      const params = message.params as Record<string, unknown> | undefined;
      const token = params?.progressToken;
      const meta = params?._meta as Record<string, unknown> | undefined;
      // Listen streams exist only in the modern era.
      const onListenStream = meta?.['io.modelcontextprotocol/subscriptionId'] !== undefined;
      revision = onListenStream
        ? '2026-07-28'
        : (progressRevisions.get(token) ?? client.sessionRevision ?? '2026-07-28');
      method = message.method;
    }
    const errors = validateServerMessage(message, revision, method, options.onRequest !== undefined);
    validatedCount++;
    if (errors.length > 0) violations.push({ revision, method, message, errors });
    for (const waiter of [...waiters]) {
      if (waiter.predicate(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
    const answer = options.onRequest;
    if (answer !== undefined && isRequest(message)) {
      void answerServerRequest(message, answer);
    }
  };

  async function answerServerRequest(request: JsonRpcRequest, answer: ServerRequestAnswerer): Promise<void> {
    let reply: JsonRpcMessage;
    try {
      reply = { jsonrpc: '2.0', id: request.id, result: await answer(request.method, request.params) };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      reply = {
        jsonrpc: '2.0',
        id: request.id,
        error: { code: typeof code === 'number' ? code : -32603, message: (error as Error).message },
      };
    }
    await clientSide.send(reply).catch(() => undefined);
  }
  await clientSide.start();
  return client;
}

/** Lets queued microtasks (in-memory deliveries, coalesced notifications) run: a ping round trip through the server. */
export async function roundTrip(client: TestClient): Promise<void> {
  await client.request('ping');
}

/**
 * Returns a `connect(server)` for a test file; after each test it asserts that every message the server sent
 * matched its revision's schema, then closes the clients.
 */
export function useTestClients(): (server: Connectable, options?: TestClientOptions) => Promise<TestClient> {
  const clients: TestClient[] = [];
  afterEach(async () => {
    const open = clients.splice(0);
    for (const client of open) expect(client.violations).toEqual([]);
    await Promise.all(open.map((client) => client.close()));
  });
  return async (server, options) => {
    const client = await connectTestClient(server, options);
    clients.push(client);
    return client;
  };
}

/** The result of a response; throws (failing the test) with the response when it is an error. */
export function resultOf(response: JsonRpcResponse): Record<string, unknown> {
  if (!('result' in response)) throw new Error(`expected a result, got ${JSON.stringify(response)}`);
  return response.result;
}

/** The error of a response; throws (failing the test) with the response when it is a result. */
export function errorOf(response: JsonRpcResponse): { code: number; message: string; data?: unknown } {
  if (!('error' in response)) throw new Error(`expected an error, got ${JSON.stringify(response)}`);
  return response.error;
}
