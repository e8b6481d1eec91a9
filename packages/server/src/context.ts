/**
 * The context every handler receives. It is built in one place for both eras, so a handler behaves the same
 * whether the request came from a legacy session or a modern stateless client; era-specific behaviour (and the
 * later `elicit`, `sample`, `roots`, `log`) hides behind these members.
 */
import type { RequestContext, RequestId } from '@pmcp/jsonrpc';
import type { ClientCapabilities, Implementation, ProgressToken, ProtocolEra } from '@pmcp/types';

/**
 * Who is calling: what the client said about itself and what it can do (per request in the modern era, from
 * `initialize` in a legacy session).
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 *
 * const server = createServer({ name: 'demo', version: '1.0.0' });
 * server.tool('whoami', { description: 'Name the client' }, (_args, { client }) =>
 *   `${client.info?.name ?? 'unknown'} (elicitation: ${client.capabilities.elicitation ? 'yes' : 'no'})`,
 * );
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic#request-metadata
 */
export interface ClientDescription {
  /** Absent when a modern request omitted `io.modelcontextprotocol/clientInfo` (it is optional). */
  readonly info?: Implementation;
  readonly capabilities: ClientCapabilities;
}

/**
 * What a handler gets besides its arguments. The same shape in both eras.
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 * import { z } from 'zod';
 *
 * const server = createServer({ name: 'demo', version: '1.0.0' });
 * server.tool('count', { description: 'Count to n', input: z.object({ n: z.number().int() }) }, async ({ n }, ctx) => {
 *   for (let i = 1; i <= n && !ctx.signal.aborted; i++) await ctx.progress(i, n);
 *   return `counted to ${n} for ${ctx.client.info?.name ?? 'an anonymous client'}`;
 * });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/progress
 */
export interface HandlerContext {
  /** Aborted when the client cancels the request or the connection closes; stop work and return. */
  readonly signal: AbortSignal;
  /** The JSON-RPC id of the request being handled. */
  readonly requestId: RequestId;
  /** `'modern'` for a stateless 2026-07-28 request, `'legacy'` inside an `initialize` session. */
  readonly era: ProtocolEra;
  /** The revision this request speaks: from its `_meta` (modern) or from the session's negotiation (legacy). */
  readonly protocolVersion: string;
  readonly client: ClientDescription;
  /**
   * Reports progress to the client if it asked for it (a `progressToken` in the request's `_meta`), otherwise
   * does nothing. `progress` must grow with every call (a `RangeError` says so otherwise); `total` and `message`
   * are optional.
   */
  progress(progress: number, total?: number, message?: string): Promise<void>;
}

/** Everything the dispatcher learned about one request; the input of {@link createHandlerContext}. */
export interface RequestScope {
  readonly era: ProtocolEra;
  readonly protocolVersion: string;
  readonly client: ClientDescription;
  readonly rpc: RequestContext;
  readonly progressToken: ProgressToken | undefined;
  readonly reportError: (error: Error) => void;
}

/** A handler context plus the switch that silences it once the response is on its way. */
export interface HandlerContextControl {
  readonly context: HandlerContext;
  /** Called when the handler has produced its result: later progress calls do nothing. */
  finish(): void;
}

function describeValue(value: unknown): string {
  return typeof value === 'number' ? String(value) : `a ${typeof value}`;
}

/** Builds the context for one request. */
export function createHandlerContext(scope: RequestScope): HandlerContextControl {
  let lastProgress = Number.NEGATIVE_INFINITY;
  let finished = false;

  const progress = async (value: number, total?: number, message?: string): Promise<void> => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new TypeError(
        `ctx.progress(progress): progress must be a finite number, got ${describeValue(value)}`,
      );
    }
    if (total !== undefined && (typeof total !== 'number' || !Number.isFinite(total))) {
      throw new TypeError(
        `ctx.progress(progress, total): total must be a finite number, got ${describeValue(total)}`,
      );
    }
    if (message !== undefined && typeof message !== 'string') {
      throw new TypeError(
        `ctx.progress(progress, total, message): message must be a string, got a ${typeof message}`,
      );
    }
    // Checked even when nobody listens, so the bug shows up with every client, not only with those that ask.
    if (value <= lastProgress) {
      throw new RangeError(
        `ctx.progress(${value}) must be greater than the previous progress (${lastProgress}): progress has to increase with every call`,
      );
    }
    lastProgress = value;
    const token = scope.progressToken;
    if (token === undefined || finished || scope.rpc.signal.aborted) return;
    const params: Record<string, unknown> = { progressToken: token, progress: value };
    if (total !== undefined) params.total = total;
    // `message` arrived with 2025-03-26; the first revision's schema does not know it.
    if (message !== undefined && scope.protocolVersion !== '2024-11-05') params.message = message;
    try {
      await scope.rpc.notify('notifications/progress', params);
    } catch (error) {
      // A lost progress update must not fail the tool; the closed connection aborts `signal` anyway.
      scope.reportError(error instanceof Error ? error : new Error(String(error)));
    }
  };

  const context: HandlerContext = {
    signal: scope.rpc.signal,
    requestId: scope.rpc.requestId,
    era: scope.era,
    protocolVersion: scope.protocolVersion,
    client: scope.client,
    progress,
  };
  return {
    context,
    finish() {
      finished = true;
    },
  };
}
