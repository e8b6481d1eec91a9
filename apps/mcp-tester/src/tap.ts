/**
 * A transport wrapper that lets the tester send its own requests on the client's connection (same process, same
 * legacy session) and see raw results before the client interprets them. The checks need exactly that: what the
 * server put on the wire, and answers to requests no well-behaved client would send.
 */
import {
  isJsonRpcErrorResponse,
  isJsonRpcRequest,
  isJsonRpcResponse,
  type JsonRpcMessage,
  McpError,
  type MessageExtra,
  type RequestId,
  type Transport,
  type TransportSendOptions,
} from '@pmcp/jsonrpc';

/** The server's answer to a raw request: a result, or a JSON-RPC error (also one an HTTP status carried). */
export type RawOutcome =
  | { kind: 'result'; result: Record<string, unknown> }
  | { kind: 'error'; code: number; message: string; data?: unknown; httpStatus?: number };

interface Pending {
  resolve(outcome: RawOutcome): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** The transport the client is given; also the tester's side door onto the same connection. */
export class TapTransport implements Transport {
  onmessage: Transport['onmessage'];
  onerror: Transport['onerror'];
  onclose: Transport['onclose'];

  readonly #inner: Transport;
  readonly #pending = new Map<RequestId, Pending>();
  /** Methods of the client's own requests, by id, until answered. */
  readonly #clientRequests = new Map<RequestId, string>();
  /** The last successful raw result of each watched client method (the handshake). */
  readonly handshakeResults: Map<string, Record<string, unknown>> = new Map();
  #nextId = 0;

  constructor(inner: Transport) {
    this.#inner = inner;
  }

  get sessionId(): string | undefined {
    return this.#inner.sessionId;
  }

  setProtocolVersion(version: string): void {
    this.#inner.setProtocolVersion?.(version);
  }

  start(): Promise<void> {
    this.#inner.onmessage = (message: JsonRpcMessage, extra?: MessageExtra) => this.#receive(message, extra);
    this.#inner.onerror = (error: Error) => this.onerror?.(error);
    this.#inner.onclose = () => {
      for (const [id, pending] of this.#pending) {
        clearTimeout(pending.timer);
        pending.reject(new Error('The connection closed before the server answered.'));
        this.#pending.delete(id);
      }
      this.onclose?.();
    };
    return this.#inner.start();
  }

  send(message: JsonRpcMessage, options?: TransportSendOptions): Promise<void> {
    if (
      isJsonRpcRequest(message) &&
      (message.method === 'initialize' || message.method === 'server/discover')
    ) {
      this.#clientRequests.set(message.id, message.method);
    }
    return this.#inner.send(message, options);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  /**
   * Sends a request of the tester's own and waits for its answer. Rejects only when no answer came (timeout,
   * closed connection, a transport failure that carries no JSON-RPC code).
   */
  request(method: string, params: Record<string, unknown>, timeoutMs: number): Promise<RawOutcome> {
    this.#nextId += 1;
    const id = `mcp-tester-${this.#nextId}`;
    return new Promise<RawOutcome>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`No answer to ${method} within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#inner.send({ jsonrpc: '2.0', id, method, params }).catch((error: unknown) => {
        const pending = this.#pending.get(id);
        if (pending === undefined) return;
        this.#pending.delete(id);
        clearTimeout(timer);
        // HTTP carries JSON-RPC errors with a status (404 + -32601); the transport rejects send with them.
        const served = serverErrorIn(error);
        if (served !== undefined) resolve(served);
        else reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  #receive(message: JsonRpcMessage, extra: MessageExtra | undefined): void {
    if (isJsonRpcResponse(message) && message.id !== null && message.id !== undefined) {
      const pending = this.#pending.get(message.id);
      if (pending !== undefined) {
        this.#pending.delete(message.id);
        clearTimeout(pending.timer);
        pending.resolve(
          isJsonRpcErrorResponse(message)
            ? { kind: 'error', ...message.error }
            : { kind: 'result', result: message.result },
        );
        return;
      }
      const method = this.#clientRequests.get(message.id);
      if (method !== undefined) {
        this.#clientRequests.delete(message.id);
        if (!isJsonRpcErrorResponse(message)) this.handshakeResults.set(method, message.result);
      }
    }
    this.onmessage?.(message, extra);
  }
}

/**
 * The JSON-RPC error a server sent in a non-2xx HTTP answer. The HTTP transport rejects `send` with an
 * `McpError` caused by its `HttpStatusError`; one without a parsed `rpcError` is the transport describing a
 * failure in its own words, which is no answer from the server.
 */
function serverErrorIn(error: unknown): RawOutcome | undefined {
  if (!(error instanceof McpError) || !(error.cause instanceof Error)) return undefined;
  const cause = error.cause as Error & { rpcError?: unknown; status?: unknown };
  if (cause.name !== 'HttpStatusError' || cause.rpcError === undefined) return undefined;
  const outcome: RawOutcome = { kind: 'error', code: error.code, message: error.message, data: error.data };
  if (typeof cause.status === 'number') outcome.httpStatus = cause.status;
  return outcome;
}
