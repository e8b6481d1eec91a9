/**
 * Plumbing of the end-to-end suite: one way to open a connection to the fixture server whichever the transport
 * (in-memory pair or a stdio child process) and era, with both sides' messages recorded and validated against
 * the JSON Schema of their revision.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  type Client,
  type ClientOptions,
  createClient,
  type ListenNotification,
  type Subscription,
} from '@pmcp/client';
import { createInMemoryTransportPair, RpcEngine, type Transport } from '@pmcp/jsonrpc';
import type { McpServer } from '@pmcp/server';
import { type RecordedMessage, type SpecValidatingTransport, withSpecValidation } from '@pmcp/test-utils';
import { stdioClientTransport } from '@pmcp/transport-stdio';
import { type ClientCapabilities, LATEST_PROTOCOL_VERSION, MetaKey } from '@pmcp/types';
import { buildEverythingServer } from './fixtures/everything-server.ts';

export type TransportKind = 'in-memory' | 'stdio';
export type Era = 'modern' | 'legacy';

/** What one side's spec recorder found. */
export interface SideReport {
  checked: number;
  violations: readonly string[];
}

/** What closing a connection leaves to assert on. */
export interface ConnectionReport {
  label: string;
  client: SideReport;
  server: SideReport;
  /** stdio only: how the child process ended. */
  exit?: { exitCode: number | null; signal: string | null };
}

/** Every message of the conversation as the client side saw it, in order. */
export interface Wire {
  readonly messages: readonly RecordedMessage[];
  /** A position in the conversation, to look only at what came after it. */
  mark(): number;
  /** Messages after `mark`, parsed, with the direction seen from the client ('sent' = by the client). */
  since(mark: number): WireMessage[];
}

export interface WireMessage {
  direction: 'sent' | 'received';
  // biome-ignore lint/suspicious/noExplicitAny: wire messages are inspected field by field in assertions
  message: Record<string, any>;
}

interface Endpoint {
  transport: Transport;
  /** Resolves with the server side's findings once that side has finished (stdio: the process exited). */
  serverReport(): Promise<Omit<ConnectionReport, 'label' | 'client'>>;
  /** The stdio child's stderr, for failure messages. */
  stderr(): string;
}

const fixturePath = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'stdio-server.ts');
/** A guard against a test that would otherwise hang; never a statement about speed. */
const WAIT_LIMIT_MS = 15_000;

let reportDir: string | undefined;

async function reportFile(): Promise<string> {
  reportDir ??= await mkdtemp(join(tmpdir(), 'pmcp-e2e-'));
  return join(reportDir, `${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
}

/** Removes the directory the stdio children wrote their reports to. */
export async function removeReports(): Promise<void> {
  if (reportDir !== undefined) await rm(reportDir, { recursive: true, force: true });
  reportDir = undefined;
}

/**
 * Where a connection goes: over `in-memory`, to `server` when given (several connections can then share one
 * server), else to a fresh one; over `stdio`, to a fresh child process.
 */
async function openEndpoint(kind: TransportKind, shared?: McpServer): Promise<Endpoint> {
  if (kind === 'in-memory') {
    const server = shared ?? buildEverythingServer();
    const [clientSide, serverSide] = createInMemoryTransportPair();
    const checked = withSpecValidation(serverSide, { role: 'server' });
    await server.connect(checked);
    return {
      transport: clientSide,
      serverReport: async () => ({
        server: { checked: checked.checked, violations: [...checked.violations] },
      }),
      stderr: () => '',
    };
  }
  const path = await reportFile();
  const transport = stdioClientTransport({
    command: process.execPath,
    args: ['--conditions=@pmcp/source', fixturePath],
    env: { PMCP_E2E_SPEC_REPORT: path },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer | string) => {
    stderr += chunk.toString();
  });
  return {
    transport,
    async serverReport() {
      const deadline = Date.now() + WAIT_LIMIT_MS;
      while (!existsSync(path)) {
        if (Date.now() > deadline) {
          throw new Error(`the stdio fixture never wrote its spec report (${path}); stderr:\n${stderr}`);
        }
        await sleep(20);
      }
      // The file is written in one synchronous call at exit; a partial read would fail to parse, so retry once.
      let text = await readFile(path, 'utf8');
      if (text === '') {
        await sleep(50);
        text = await readFile(path, 'utf8');
      }
      const report = JSON.parse(text) as {
        checked: number;
        violations: string[];
        exitCode: number | null;
        signal: string | null;
      };
      return {
        server: { checked: report.checked, violations: report.violations },
        exit: { exitCode: report.exitCode, signal: report.signal },
      };
    },
    stderr: () => stderr,
  };
}

function createWire(checked: SpecValidatingTransport): Wire {
  return {
    get messages() {
      return checked.messages;
    },
    mark: () => checked.messages.length,
    since: (mark) =>
      checked.messages.slice(mark).map((entry) => ({
        direction: entry.direction,
        message: entry.message as WireMessage['message'],
      })),
  };
}

/** A pmcp client connected to a fresh fixture server. */
export interface Connection {
  readonly label: string;
  readonly client: Client;
  readonly wire: Wire;
  /** The server's stderr (stdio), for failure messages. */
  stderr(): string;
  /** Closes the client (and so the server side) and collects both sides' spec findings. Idempotent. */
  close(): Promise<ConnectionReport>;
}

/** Opens a pmcp client in `era` to a fresh fixture server over `kind`. */
export async function openConnection(
  kind: TransportKind,
  era: Era,
  label: string,
  options: ClientOptions = {},
  sharedServer?: McpServer,
): Promise<Connection> {
  const endpoint = await openEndpoint(kind, sharedServer);
  const checked = withSpecValidation(endpoint.transport, { role: 'client' });
  // A child process on a loaded machine can take seconds to start; the probe must not give up on it.
  const client = createClient(
    { name: `e2e-${label}`, version: '1.0.0' },
    { discoverTimeout: 30_000, ...options },
  );
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  await client.connect(checked, { era });
  let closing: Promise<ConnectionReport> | undefined;
  return {
    label,
    client,
    wire: createWire(checked),
    stderr: endpoint.stderr,
    close() {
      closing ??= (async () => {
        await client.close();
        const server = await endpoint.serverReport();
        return {
          label,
          client: { checked: checked.checked, violations: [...checked.violations] },
          ...server,
        };
      })();
      return closing;
    },
  };
}

/** A bare request engine connected to a fresh fixture server, for messages the pmcp client would never send. */
export interface RawConnection {
  readonly engine: RpcEngine;
  readonly wire: Wire;
  close(): Promise<ConnectionReport>;
}

export async function openRawConnection(kind: TransportKind, label: string): Promise<RawConnection> {
  const endpoint = await openEndpoint(kind);
  const checked = withSpecValidation(endpoint.transport, { role: 'client' });
  const engine = new RpcEngine();
  await engine.connect(checked);
  let closing: Promise<ConnectionReport> | undefined;
  return {
    engine,
    wire: createWire(checked),
    close() {
      closing ??= (async () => {
        await engine.close();
        const server = await endpoint.serverReport();
        return {
          label,
          client: { checked: checked.checked, violations: [...checked.violations] },
          ...server,
        };
      })();
      return closing;
    },
  };
}

/** The `_meta` every modern request carries. */
export function modernMeta(capabilities: ClientCapabilities = {}): Record<string, unknown> {
  return {
    [MetaKey.ProtocolVersion]: LATEST_PROTOCOL_VERSION,
    [MetaKey.ClientCapabilities]: capabilities,
    [MetaKey.ClientInfo]: { name: 'e2e-raw', version: '1.0.0' },
  };
}

/**
 * Waits until `probe` returns something other than `undefined`/`false`. The limit only keeps a broken test from
 * hanging; the message says what never happened.
 */
export async function waitFor<T>(probe: () => T | undefined | false, what: string): Promise<T> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await sleep(5);
  }
}

/** Reads a subscription in the background into `notifications`, so tests can wait for what they expect. */
export interface Inbox {
  readonly notifications: ListenNotification[];
  /** Settles when the subscription's loop ended: `undefined` for a graceful end, else the error it threw. */
  readonly ended: Promise<unknown>;
  count(method: string, uri?: string): number;
}

export function readInBackground(subscription: Subscription): Inbox {
  const notifications: ListenNotification[] = [];
  const ended = (async () => {
    try {
      for await (const notification of subscription) notifications.push(notification);
      return undefined;
    } catch (error) {
      return error;
    }
  })();
  return {
    notifications,
    ended,
    count: (method, uri) =>
      notifications.filter(
        (notification) =>
          notification.method === method &&
          (uri === undefined || (notification.params as { uri?: string }).uri === uri),
      ).length,
  };
}

/** The text of a result's text blocks, joined. */
export function textOf(content: readonly { type: string; text?: string }[] | undefined): string {
  return (content ?? [])
    .filter((block) => block.type === 'text')
    .map((block) => block.text)
    .join('\n');
}
