/**
 * What each SDK adapter offers. Adapters load their SDK lazily (dynamic import), so a child process
 * serving one SDK loads nothing of the others, and an SDK that does not exist yet is reported, not fatal.
 */
import type { SdkId, Unavailable } from '../types.ts';

/** A connected client, whatever the SDK. */
export interface McpConnection {
  callTool(name: string, args: Record<string, unknown>): Promise<unknown>;
  listToolNames(): Promise<string[]>;
  close(): Promise<void>;
  /** What the table should say about how this connection runs (era, mode). */
  note?: string;
}

/** The two Streamable HTTP serving modes of the issue. */
export type HttpMode = 'stateless' | 'session';

/** How a server is built: how many tools, and whether the memory probe tool is added. */
export interface ServerSpec {
  toolCount: number;
  memoryProbe: boolean;
}

/** A web-standard HTTP handler plus how to stop it. */
export interface WebHandler {
  fetch(request: Request): Promise<Response>;
  close(): Promise<void>;
}

/** A child process command line, for stdio clients. */
export interface ChildCommand {
  command: string;
  args: string[];
}

/** Decodes and validates one JSON-RPC message text the way the SDK's transports do. */
export type Decoder = (text: string) => unknown;

/** One SDK under measurement. Every member is optional: a missing one means "cannot run this". */
export interface SdkAdapter {
  id: SdkId;
  /** Client and server in this process over the SDK's in-memory transport. */
  inMemory(spec: ServerSpec): Promise<McpConnection | Unavailable>;
  /** Serves on this process's stdin/stdout (runs inside a child process). */
  serveStdio(spec: ServerSpec): Promise<Unavailable | undefined>;
  /** A client that spawns `child` and talks to it over stdio. */
  stdioClient(child: ChildCommand): Promise<McpConnection | Unavailable>;
  /** A web-standard Streamable HTTP handler (runs inside a child process). */
  httpHandler(spec: ServerSpec, mode: HttpMode): Promise<WebHandler | Unavailable>;
  /** A client of the Streamable HTTP endpoint at `url`. */
  httpClient(url: string, mode: HttpMode): Promise<McpConnection | Unavailable>;
  /** The SDK's own decode + validation of one incoming message. */
  decoder(): Promise<Decoder | Unavailable>;
  /**
   * Checked in this process before a child is spawned, so a server that cannot exist yet is reported as
   * such rather than as a child that died.
   */
  serverAvailable(transport: 'stdio' | 'http'): Promise<Unavailable | undefined>;
}

/** Narrows a union with Unavailable. */
export function isUnavailable(value: unknown): value is Unavailable {
  return (
    typeof value === 'object' && value !== null && typeof (value as Unavailable).unavailable === 'string'
  );
}

/**
 * Imports a pmcp package that may not exist yet (or may lack an export yet). `load` is a thunk around a
 * literal `import('…')`, so bundlers can still see and inline the import.
 */
export async function importOptional(
  specifier: string,
  load: () => Promise<unknown> = () => import(/* @vite-ignore */ specifier),
): Promise<Record<string, unknown> | Unavailable> {
  try {
    return (await load()) as Record<string, unknown>;
  } catch (error) {
    const message = (error as Error).message;
    const code = (error as { code?: unknown }).code;
    if (
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') &&
      message.includes(specifier)
    ) {
      return { unavailable: `not available yet: ${specifier} cannot be imported from bench/ (${code})` };
    }
    return { unavailable: `not available yet: importing ${specifier} failed: ${message}` };
  }
}
