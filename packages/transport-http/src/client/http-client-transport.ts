/**
 * The MCP client side of HTTP, on `fetch`: modern Streamable HTTP (2026-07-28), legacy Streamable HTTP
 * (2025-03-26 … 2025-11-25) and the 2024-11-05 HTTP+SSE transport, chosen by what the client sends.
 *
 * Era detection is the client's job (it probes with `server/discover` and falls back to `initialize`); the
 * transport makes every step of it work over HTTP: a probe the endpoint refuses becomes an error for that
 * request, an `initialize` switches to legacy Streamable HTTP, and a refused `initialize` POST falls back to the
 * HTTP+SSE transport (GET for the `endpoint` event). The package README describes the design.
 */
import {
  isJsonRpcNotification,
  isJsonRpcRequest,
  isJsonRpcResponse,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  type JsonRpcSuccessResponse,
  McpError,
  McpErrorCode,
  ProtocolError,
  parseJsonRpcMessage,
  type RequestId,
  type SseDecoderFactory,
  type SseEvent,
  serializeMessage,
  type Transport,
  TransportClosedError,
  type TransportSendOptions,
} from '@pmcp/jsonrpc';
import { LATEST_PROTOCOL_VERSION, MetaKey, MODERN_PROTOCOL_VERSIONS } from '@pmcp/types';
import { compressBytes } from '../shared/content-coding.ts';
import { mcpHeadersFor } from '../shared/mcp-headers.ts';
import { createEventSourceParserDecoder } from '../shared/sse-decoder.ts';
import { HttpStatusError, httpStatusError, toMcpError, unreachable } from './http-errors.ts';
import type {
  FetchLike,
  HttpAuthHook,
  HttpAuthProvider,
  HttpClientEra,
  HttpClientTransportOptions,
  HttpFetchOptions,
} from './options.ts';
import {
  type Backoff,
  isEventStream,
  isJson,
  readEventStream,
  reconnectDelay,
  resolveBackoff,
  sleep,
} from './sse-stream.ts';
import { ToolHeaderCatalog } from './tool-catalog.ts';

type Mode = 'undecided' | 'modern' | 'legacy' | 'legacy-sse';

/** A request whose response has not been delivered yet. */
interface Outgoing {
  method: string;
  /** Aborted to stop its fetch and stream early (modern cancellation). */
  controller: AbortController;
  /** Aborts with the controller, the caller's signal or the transport's close. */
  signal: AbortSignal;
}

/** A request the transport sends on its own behalf (re-initialization); its response never reaches the client. */
interface InternalWaiter {
  resolve(result: Record<string, unknown>): void;
  reject(error: Error): void;
}

/** The 2024-11-05 HTTP+SSE connection: one GET stream, and the endpoint it named for POSTs. */
interface SseChannel {
  endpoint: Promise<URL>;
  controller: AbortController;
}

const ACCEPT_BOTH = 'application/json, text/event-stream';
const JSON_TYPE = 'application/json';
const EVENT_STREAM = 'text/event-stream';
const DEFAULT_CLOSE_TIMEOUT = 2000;
// A server that answers the re-initialization neither way must not block later attempts forever.
const REINITIALIZE_TIMEOUT = 30_000;

/**
 * An MCP client transport over HTTP. Create it with {@link httpClientTransport}.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * import { httpClientTransport } from '@pmcp/transport-http';
 *
 * const transport = httpClientTransport('http://127.0.0.1:3000/mcp');
 * const client = createClient({ name: 'my-app', version: '1.0.0' });
 * await client.connect(transport);
 * console.log(transport.era, transport.sessionId);
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http
 */
export class HttpClientTransport implements Transport {
  /** Every message from the server, and the error responses the transport makes for requests it lost. */
  onmessage: Transport['onmessage'];
  /** Problems that belong to no request: dropped tools, unreadable events, re-initializations, stream give-ups. */
  onerror: Transport['onerror'];
  /** Fires once, after `close()` or when an HTTP+SSE stream ended. */
  onclose: Transport['onclose'];

  readonly #url: URL;
  readonly #fetchFn: FetchLike;
  readonly #fetchOptions: HttpFetchOptions;
  readonly #headers: HttpClientTransportOptions['headers'];
  readonly #auth: HttpAuthHook | HttpAuthProvider | undefined;
  readonly #configuredEra: HttpClientEra;
  readonly #backoff: Backoff;
  readonly #newDecoder: SseDecoderFactory;
  readonly #closeTimeout: number;
  readonly #lifetime = new AbortController();
  readonly #awaiting = new Map<RequestId, Outgoing>();
  readonly #internal = new Map<RequestId, InternalWaiter>();
  readonly #tools = new ToolHeaderCatalog();
  #mode: Mode;
  #started = false;
  #closed = false;
  #sessionId: string | undefined;
  #protocolVersion: string | undefined;
  #legacyVersion: string | undefined;
  #initialize: JsonRpcRequest | undefined;
  #reinitializing: Promise<void> | undefined;
  #reinitializations = 0;
  #standalone: AbortController | undefined;
  #sseChannel: SseChannel | undefined;
  // POST bodies of at least this many bytes are gzipped; undefined when off (or after a server refused one).
  #compressAbove: number | undefined;

  constructor(url: string | URL, options: HttpClientTransportOptions = {}) {
    this.#url = endpointUrl(url);
    const era = options.era ?? 'auto';
    if (era !== 'auto' && era !== 'modern' && era !== 'legacy' && era !== 'legacy-sse') {
      throw new TypeError(
        `httpClientTransport(): era must be 'auto', 'modern', 'legacy' or 'legacy-sse', got ${JSON.stringify(era)}.`,
      );
    }
    this.#configuredEra = era;
    this.#mode = era === 'auto' ? 'undecided' : era;
    const injected = options.fetch;
    if (injected !== undefined && typeof injected !== 'function') {
      throw new TypeError(
        'httpClientTransport(): fetch must be a function with the shape of the global fetch.',
      );
    }
    // Looked up per call, so a fetch installed (or mocked) after the transport was made is the one used.
    this.#fetchFn = injected ?? ((input, init) => globalThis.fetch(input, init));
    this.#fetchOptions = options.fetchOptions ?? {};
    this.#compressAbove = compressionThreshold(options.compressRequests);
    this.#headers = options.headers;
    this.#auth = options.auth;
    this.#backoff = resolveBackoff(options.reconnect);
    this.#newDecoder = options.sseDecoder ?? createEventSourceParserDecoder;
    const closeTimeout = options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT;
    if (typeof closeTimeout !== 'number' || !(closeTimeout > 0) || !Number.isFinite(closeTimeout)) {
      throw new RangeError(
        `httpClientTransport(): closeTimeout must be a positive number of milliseconds, got ${String(closeTimeout)}.`,
      );
    }
    this.#closeTimeout = closeTimeout;
  }

  /** The legacy session id the server assigned (`Mcp-Session-Id`), if any. */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** The era in use: decided by the first `initialize` or modern request; `undefined` before. */
  get era(): 'modern' | 'legacy' | 'legacy-sse' | undefined {
    return this.#mode === 'undecided' ? undefined : this.#mode;
  }

  /** Records the negotiated protocol version (sent as `MCP-Protocol-Version`). */
  setProtocolVersion(version: string): void {
    this.#protocolVersion = version;
    const legacyVersion = !(MODERN_PROTOCOL_VERSIONS as readonly string[]).includes(version);
    if (legacyVersion && (this.#mode === 'legacy' || this.#mode === 'legacy-sse'))
      this.#legacyVersion = version;
  }

  /** Marks the transport started; nothing is fetched until the first message is sent. */
  async start(): Promise<void> {
    if (this.#started) {
      throw new Error(
        'This HTTP transport was already started; a transport serves one connection, so create a new one.',
      );
    }
    this.#started = true;
  }

  /**
   * Sends one message; resolves once the server accepted it (the response to a request arrives through
   * `onmessage`). Rejects with the server's error, or one describing the HTTP failure, when it did not.
   */
  async send(message: JsonRpcMessage, options?: TransportSendOptions): Promise<void> {
    if (this.#closed) {
      throw new TransportClosedError(`Cannot send: the HTTP transport to ${this.#url.href} is closed.`);
    }
    if (isJsonRpcRequest(message)) return this.#sendRequest(message, options?.signal);
    if (isJsonRpcNotification(message)) return this.#sendNotification(message);
    return this.#sendResponse(message);
  }

  /** Stops every request and stream, ends a legacy session with `DELETE`, then fires `onclose`. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const session = this.#sessionId;
    this.#lifetime.abort(new TransportClosedError(`The HTTP transport to ${this.#url.href} was closed.`));
    if (session !== undefined && this.#mode === 'legacy') await this.#endSession(session);
    this.#sessionId = undefined;
    try {
      this.onclose?.();
    } catch (error) {
      this.#warn(asError(error));
    }
  }

  // ------------------------------------------------------------------ requests

  async #sendRequest(request: JsonRpcRequest, callerSignal: AbortSignal | undefined): Promise<void> {
    const era = this.#configuredEra;
    if (request.method === 'server/discover' && (era === 'legacy' || era === 'legacy-sse')) {
      throw new McpError(
        McpErrorCode.MethodNotFound,
        `server/discover was not sent: this HTTP transport is configured with era '${era}', which has no ` +
          'server/discover (a client falls back to initialize).',
        { data: { era } },
      );
    }
    if (request.method === 'initialize') {
      if (era === 'modern') {
        throw new McpError(
          McpErrorCode.InvalidRequest,
          "initialize was not sent: this HTTP transport is configured with era 'modern' (2026-07-28 has no " +
            "initialize). Use era 'auto' or 'legacy' to reach a legacy server.",
          { data: { era } },
        );
      }
      this.#initialize = request;
      if (this.#mode !== 'legacy-sse') this.#mode = 'legacy';
    } else if (this.#mode === 'undecided' && request.method !== 'server/discover') {
      this.#mode = 'modern';
    }
    const outgoing = this.#track(request, callerSignal);
    try {
      if (this.#mode === 'legacy-sse') await this.#postToSseEndpoint(request, outgoing.signal);
      else if (request.method === 'initialize') await this.#sendInitialize(request, outgoing);
      else if (this.#mode === 'legacy')
        await this.#receive(request, await this.#postLegacy(request, outgoing.signal), outgoing, 'legacy');
      else await this.#receive(request, await this.#postModern(request, outgoing.signal), outgoing, 'modern');
    } catch (error) {
      this.#untrack(request.id, outgoing);
      throw this.#failure(error, request.method);
    }
  }

  #track(request: JsonRpcRequest, callerSignal: AbortSignal | undefined): Outgoing {
    const controller = new AbortController();
    const signals = [controller.signal, this.#lifetime.signal];
    if (callerSignal !== undefined) signals.push(callerSignal);
    const outgoing: Outgoing = { method: request.method, controller, signal: AbortSignal.any(signals) };
    this.#awaiting.set(request.id, outgoing);
    // The caller gave up (cancelled or timed out): nothing will wait for the response any more.
    callerSignal?.addEventListener('abort', () => this.#untrack(request.id, outgoing), { once: true });
    return outgoing;
  }

  #untrack(id: RequestId, outgoing: Outgoing): void {
    if (this.#awaiting.get(id) === outgoing) this.#awaiting.delete(id);
  }

  #isSettled(id: RequestId, outgoing: Outgoing): boolean {
    return outgoing.signal.aborted || this.#awaiting.get(id) !== outgoing;
  }

  /** The error a failed `send` rejects with: the server's JSON-RPC error when there is one. */
  #failure(error: unknown, mcpMethod: string): unknown {
    if (error instanceof HttpStatusError) return toMcpError(error, mcpMethod);
    if (this.#closed && !(error instanceof McpError)) {
      return new TransportClosedError(`"${mcpMethod}" was not completed: the HTTP transport was closed.`, {
        cause: error,
      });
    }
    return error;
  }

  /**
   * Handles the answer to a request POST: a JSON body or an SSE stream (read in the background, so `send`
   * resolves once the server accepted the request). A non-2xx answer throws {@link HttpStatusError}.
   */
  async #receive(
    request: JsonRpcRequest,
    response: Response,
    outgoing: Outgoing,
    era: 'modern' | 'legacy',
  ): Promise<void> {
    if (!response.ok) throw await httpStatusError(response, this.#url, 'POST');
    if (response.status === 202) {
      await discardBody(response);
      if (era === 'legacy') return; // The response may come on the standalone stream.
      throw new McpError(
        McpErrorCode.InternalError,
        `The server accepted "${request.method}" (HTTP 202) without answering it; a modern server must answer ` +
          'a request with JSON or an SSE stream.',
        { data: { httpStatus: 202, method: request.method } },
      );
    }
    if (isEventStream(response)) {
      this.#pumpRequestStream(request, response, outgoing, era).catch((error: unknown) => {
        this.#lose(request, outgoing, `reading its SSE stream failed (${describe(error)})`);
      });
      return;
    }
    if (!isJson(response)) {
      await discardBody(response);
      throw new McpError(
        McpErrorCode.InternalError,
        `The server answered "${request.method}" with Content-Type ${JSON.stringify(response.headers.get('content-type'))}; ` +
          `an MCP server answers a request with ${JSON_TYPE} or ${EVENT_STREAM}.`,
        { data: { httpStatus: response.status, contentType: response.headers.get('content-type') } },
      );
    }
    const text = await response.text();
    const parsed = parseJsonRpcMessage(text);
    if (!parsed.ok) {
      throw new McpError(
        McpErrorCode.ParseError,
        `The server's answer to "${request.method}" is not a JSON-RPC message: ${parsed.error.message}`,
        { data: { body: text.length > 300 ? `${text.slice(0, 300)}…` : text }, cause: parsed.error },
      );
    }
    this.#deliver(parsed.message);
    if (!this.#isSettled(request.id, outgoing)) {
      throw new McpError(
        McpErrorCode.InternalError,
        `The server's JSON answer to "${request.method}" (id ${JSON.stringify(request.id)}) is not its response.`,
        { data: { method: request.method } },
      );
    }
  }

  /**
   * Reads a request's SSE stream until its response arrives. A legacy stream that breaks (or that the server
   * closes early, "polling") is resumed with GET and `Last-Event-ID`, after the server's `retry:` delay. A
   * modern stream cannot be resumed: its request is lost, and gets an error response so it does not hang.
   */
  async #pumpRequestStream(
    request: JsonRpcRequest,
    first: Response,
    outgoing: Outgoing,
    era: 'modern' | 'legacy',
  ): Promise<void> {
    const decoder = this.#newDecoder();
    let response: Response | undefined = first;
    let failures = 0;
    let reason = '';
    for (;;) {
      if (response !== undefined) {
        const before = decoder.lastEventId;
        const outcome = await readEventStream(response, decoder, (event) =>
          this.#onStreamEvent(event, request.id),
        );
        if (this.#isSettled(request.id, outgoing)) return;
        if (decoder.lastEventId !== before) failures = 0;
        reason =
          outcome.kind === 'failed'
            ? `its SSE stream broke (${describe(outcome.error)})`
            : 'its SSE stream ended before the response';
        if (era === 'modern') {
          this.#lose(request, outgoing, `${reason}; modern streams cannot be resumed`);
          return;
        }
        if (decoder.lastEventId === '') {
          this.#lose(request, outgoing, `${reason}, and the server sent no event id to resume from`);
          return;
        }
        response = undefined;
      }
      if (failures >= this.#backoff.maxAttempts) {
        this.#lose(request, outgoing, `${reason}; resuming it failed ${failures} times`);
        return;
      }
      if (!(await sleep(reconnectDelay(this.#backoff, decoder.retry, failures), outgoing.signal))) return;
      try {
        const resumed = await this.#fetch(
          'GET',
          this.#url,
          { ...this.#legacyHeaders(), Accept: EVENT_STREAM, 'Last-Event-ID': decoder.lastEventId },
          undefined,
          outgoing.signal,
          request.method,
        );
        if (resumed.ok && isEventStream(resumed)) {
          response = resumed;
          continue;
        }
        const refused = await httpStatusError(resumed, this.#url, 'GET');
        reason = `resuming its SSE stream was answered with HTTP ${refused.status}`;
        if (refused.status === 404 || refused.status === 405) {
          this.#lose(request, outgoing, `${reason}, so it cannot be resumed`);
          return;
        }
      } catch (error) {
        if (this.#isSettled(request.id, outgoing)) return;
        reason = `resuming its SSE stream failed (${describe(error)})`;
      }
      failures += 1;
    }
  }

  /** Hands one SSE event to the client; `'stop'` once the awaited response has arrived. */
  #onStreamEvent(event: SseEvent, awaited: RequestId | undefined): 'stop' | undefined {
    if (event.event !== 'message') return undefined;
    const parsed = parseJsonRpcMessage(event.data);
    if (!parsed.ok) {
      this.#warn(
        new ProtocolError(
          `The server sent an SSE event that is not a JSON-RPC message, so it was ignored: ${parsed.error.message}`,
          { data: { data: event.data.length > 300 ? `${event.data.slice(0, 300)}…` : event.data } },
        ),
      );
      return undefined;
    }
    const message = parsed.message;
    this.#deliver(message);
    return awaited !== undefined && isJsonRpcResponse(message) && message.id === awaited ? 'stop' : undefined;
  }

  /** Gives up on a request whose response can no longer arrive, so the client rejects it instead of hanging. */
  #lose(request: JsonRpcRequest, outgoing: Outgoing, reason: string): void {
    if (this.#isSettled(request.id, outgoing)) return;
    this.#awaiting.delete(request.id);
    this.#deliver({
      jsonrpc: '2.0',
      id: request.id,
      error: {
        code: McpErrorCode.ConnectionClosed,
        message:
          `The response to "${request.method}" (id ${JSON.stringify(request.id)}) was lost: ${reason}. ` +
          'Send the request again (a new request gets a new id).',
        data: { method: request.method, lost: true },
      },
    });
  }

  /** Every incoming message goes through here. */
  #deliver(message: JsonRpcMessage): void {
    let delivered = message;
    if (isJsonRpcResponse(message) && message.id !== undefined && message.id !== null) {
      const outgoing = this.#awaiting.get(message.id);
      if (outgoing !== undefined) {
        this.#awaiting.delete(message.id);
        if ('result' in message) delivered = this.#observeResult(outgoing.method, message);
      }
      const waiter = this.#internal.get(message.id);
      if (waiter !== undefined) {
        this.#internal.delete(message.id);
        if ('result' in delivered) waiter.resolve(delivered.result);
        else if ('error' in delivered) waiter.reject(McpError.fromJsonRpcError(delivered.error));
        return;
      }
    }
    try {
      this.onmessage?.(delivered);
    } catch (error) {
      this.#warn(asError(error));
    }
  }

  /** Results the transport learns from: the negotiated legacy version, and tool header annotations. */
  #observeResult(method: string, response: JsonRpcSuccessResponse): JsonRpcSuccessResponse {
    if (method === 'initialize' && typeof response.result.protocolVersion === 'string') {
      this.#legacyVersion = response.result.protocolVersion;
      return response;
    }
    if (method === 'server/discover') {
      if (this.#mode === 'undecided' && Array.isArray(response.result.supportedVersions))
        this.#mode = 'modern';
      return response;
    }
    if (method !== 'tools/list' || this.#mode === 'legacy' || this.#mode === 'legacy-sse') return response;
    const result = this.#tools.learn(response.result, (warning) => this.#warn(warning));
    return result === response.result ? response : { ...response, result };
  }

  // ------------------------------------------------------------------ notifications and responses

  async #sendNotification(notification: JsonRpcNotification): Promise<void> {
    try {
      if (this.#mode === 'legacy-sse')
        return await this.#postToSseEndpoint(notification, this.#lifetime.signal);
      if (this.#mode === 'legacy') {
        const response = await this.#postLegacy(notification, this.#lifetime.signal);
        if (!response.ok) throw await httpStatusError(response, this.#url, 'POST');
        await discardBody(response);
        if (notification.method === 'notifications/initialized') this.#openStandaloneStream();
        return;
      }
      if (notification.method === 'notifications/cancelled') {
        // On modern HTTP, closing the request's stream is the cancellation; the notification is not sent.
        const id = notification.params?.requestId;
        if (typeof id === 'string' || typeof id === 'number') {
          this.#awaiting.get(id)?.controller.abort(new Error(`Request ${JSON.stringify(id)} was cancelled.`));
        }
        return;
      }
      const response = await this.#postModern(notification, this.#lifetime.signal);
      if (!response.ok) throw await httpStatusError(response, this.#url, 'POST');
      await discardBody(response);
    } catch (error) {
      throw this.#failure(error, notification.method);
    }
  }

  async #sendResponse(response: JsonRpcResponse): Promise<void> {
    if (this.#mode !== 'legacy' && this.#mode !== 'legacy-sse') {
      throw new McpError(
        McpErrorCode.InvalidRequest,
        'A response was not sent: modern (2026-07-28) clients never POST responses, because modern servers ' +
          'send no requests. The server broke the protocol by sending one.',
        { data: { id: response.id } },
      );
    }
    try {
      if (this.#mode === 'legacy-sse') return await this.#postToSseEndpoint(response, this.#lifetime.signal);
      const answer = await this.#postLegacy(response, this.#lifetime.signal);
      if (!answer.ok) throw await httpStatusError(answer, this.#url, 'POST');
      await discardBody(answer);
    } catch (error) {
      throw this.#failure(error, `the response to request ${JSON.stringify(response.id)}`);
    }
  }

  // ------------------------------------------------------------------ modern era

  async #postModern(message: JsonRpcRequest | JsonRpcNotification, signal: AbortSignal): Promise<Response> {
    const mirrored = mcpHeadersFor(message, this.#tools.params);
    if (!mirrored.ok) {
      throw new McpError(
        McpErrorCode.InvalidParams,
        `"${message.method}" was not sent: ${mirrored.reason}.`,
        {
          data: { method: message.method },
        },
      );
    }
    const version = metaProtocolVersion(message) ?? this.#protocolVersion ?? LATEST_PROTOCOL_VERSION;
    return this.#fetch(
      'POST',
      this.#url,
      {
        ...mirrored.headers,
        Accept: ACCEPT_BOTH,
        'Content-Type': JSON_TYPE,
        'MCP-Protocol-Version': version,
      },
      serializeMessage(message),
      signal,
      message.method,
    );
  }

  // ------------------------------------------------------------------ legacy Streamable HTTP

  async #sendInitialize(request: JsonRpcRequest, outgoing: Outgoing): Promise<void> {
    this.#stopStandaloneStream();
    this.#sessionId = undefined;
    let response: Response;
    try {
      response = await this.#postLegacy(request, outgoing.signal);
      if (!response.ok) throw await httpStatusError(response, this.#url, 'POST');
    } catch (error) {
      if (!this.#looksLikeHttpSseEndpoint(error, request.id)) throw error;
      // Not a Streamable HTTP endpoint: it may serve the 2024-11-05 HTTP+SSE transport (GET → endpoint event).
      this.#mode = 'legacy-sse';
      try {
        await this.#sseEndpoint(outgoing.signal);
      } catch (sseError) {
        this.#mode = 'legacy';
        const refused = toMcpError(error, request.method);
        throw new McpError(
          refused.code,
          `${refused.message} Falling back to the 2024-11-05 HTTP+SSE transport failed too: ${describe(sseError)}`,
          { data: refused.data, cause: error },
        );
      }
      await this.#postToSseEndpoint(request, outgoing.signal);
      return;
    }
    await this.#receive(request, response, outgoing, 'legacy');
  }

  /** The spec's test: 400, 404 or 405 without a recognised modern JSON-RPC error means "try HTTP+SSE". */
  #looksLikeHttpSseEndpoint(error: unknown, id: RequestId): error is HttpStatusError {
    if (!(error instanceof HttpStatusError)) return false;
    if (error.status !== 400 && error.status !== 404 && error.status !== 405) return false;
    if (error.isModernRejection(id)) return false;
    // A JSON-RPC error naming our request came from an MCP server that read it: a real answer, not a fallback cue.
    return !(error.rpcError !== undefined && error.rpcId === id);
  }

  /**
   * POSTs one message in the legacy era, with the session id and negotiated version. A 404 on a live session
   * means the server ended it (for example after a restart): the transport re-runs the `initialize` it saw,
   * then sends the message again in the new session.
   */
  async #postLegacy(message: JsonRpcMessage, signal: AbortSignal, mayReinitialize = true): Promise<Response> {
    const initializing = isJsonRpcRequest(message) && message.method === 'initialize';
    const body = serializeMessage(message);
    const mcpMethod = 'method' in message ? message.method : 'a response';
    for (let attempt = 0; ; attempt++) {
      // Messages sent while the session is being replaced wait for the new one instead of going out without it.
      if (!initializing && mayReinitialize && this.#reinitializing !== undefined) {
        await raceAbort(this.#reinitializing, signal);
      }
      const session = initializing ? undefined : this.#sessionId;
      const headers: Record<string, string> = { Accept: ACCEPT_BOTH, 'Content-Type': JSON_TYPE };
      if (session !== undefined) headers['Mcp-Session-Id'] = session;
      if (!initializing && this.#legacyVersion !== undefined)
        headers['MCP-Protocol-Version'] = this.#legacyVersion;
      const response = await this.#fetch('POST', this.#url, headers, body, signal, mcpMethod);
      if (
        response.status === 404 &&
        session !== undefined &&
        attempt === 0 &&
        mayReinitialize &&
        this.#initialize !== undefined
      ) {
        await discardBody(response);
        await raceAbort(this.#reinitialize(session), signal);
        continue;
      }
      if (initializing && response.ok) this.#sessionId = response.headers.get('mcp-session-id') ?? undefined;
      return response;
    }
  }

  #reinitialize(expired: string): Promise<void> {
    if (this.#reinitializing !== undefined) return this.#reinitializing;
    if (this.#sessionId !== expired) return Promise.resolve();
    this.#reinitializing = this.#runReinitialize(expired).finally(() => {
      this.#reinitializing = undefined;
    });
    return this.#reinitializing;
  }

  async #runReinitialize(expired: string): Promise<void> {
    const initialize = this.#initialize as JsonRpcRequest;
    const negotiated = this.#legacyVersion;
    this.#stopStandaloneStream();
    this.#sessionId = undefined;
    this.#reinitializations += 1;
    const request: JsonRpcRequest = { ...initialize, id: `pmcp-reinitialize-${this.#reinitializations}` };
    try {
      const result = await this.#internalRequest(request, REINITIALIZE_TIMEOUT);
      if (result.protocolVersion !== negotiated) {
        throw new McpError(
          McpErrorCode.UnsupportedProtocolVersion,
          `the new session speaks protocol version ${JSON.stringify(result.protocolVersion)} instead of ${JSON.stringify(negotiated)}`,
        );
      }
      const initialized = await this.#postLegacy(
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        this.#lifetime.signal,
        false,
      );
      if (!initialized.ok) throw await httpStatusError(initialized, this.#url, 'POST');
      await discardBody(initialized);
    } catch (error) {
      const cause = error instanceof HttpStatusError ? toMcpError(error, 'initialize') : error;
      throw new McpError(
        McpErrorCode.ConnectionClosed,
        `The server ended MCP session ${expired} (HTTP 404) and re-initializing failed: ${describe(cause)}. ` +
          'Reconnect the client.',
        { data: { expiredSessionId: expired }, cause },
      );
    }
    this.#openStandaloneStream();
    this.#warn(
      new McpError(
        McpErrorCode.ConnectionClosed,
        `The server ended MCP session ${expired} (HTTP 404, for example after a restart); the transport ` +
          `re-initialized transparently${this.#sessionId === undefined ? '' : ` (new session ${this.#sessionId})`}. ` +
          'Session state kept by the server, such as resource subscriptions and the log level, was not restored.',
        { data: { expiredSessionId: expired, sessionId: this.#sessionId, reinitialized: true } },
      ),
    );
  }

  /** Sends a request of the transport's own; its response resolves here and never reaches the client. */
  #internalRequest(request: JsonRpcRequest, timeout: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      this.#internal.set(request.id, { resolve, reject });
      const outgoing = this.#track(request, AbortSignal.timeout(timeout));
      const fail = (error: unknown): void => {
        this.#internal.delete(request.id);
        this.#untrack(request.id, outgoing);
        reject(this.#failure(error, request.method));
      };
      outgoing.signal.addEventListener('abort', () => fail(outgoing.signal.reason), { once: true });
      this.#postLegacy(request, outgoing.signal, false)
        .then((response) => this.#receive(request, response, outgoing, 'legacy'))
        .catch(fail);
    });
  }

  #legacyHeaders(): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.#sessionId !== undefined) headers['Mcp-Session-Id'] = this.#sessionId;
    if (this.#legacyVersion !== undefined) headers['MCP-Protocol-Version'] = this.#legacyVersion;
    return headers;
  }

  #openStandaloneStream(): void {
    if (this.#mode !== 'legacy' || this.#closed) return;
    this.#standalone?.abort();
    const controller = new AbortController();
    this.#standalone = controller;
    this.#runStandaloneStream(AbortSignal.any([controller.signal, this.#lifetime.signal])).catch(
      (error: unknown) =>
        this.#warn(
          new McpError(McpErrorCode.InternalError, `The standalone SSE stream failed: ${describe(error)}`, {
            cause: error,
          }),
        ),
    );
  }

  #stopStandaloneStream(): void {
    this.#standalone?.abort();
    this.#standalone = undefined;
  }

  /**
   * The legacy GET stream for server-initiated messages: re-opened with `Last-Event-ID` whenever it ends,
   * after the server's `retry:` delay. 405 means the server offers none; 404 means the session is over (the
   * next POST re-initializes and re-opens it).
   */
  async #runStandaloneStream(signal: AbortSignal): Promise<void> {
    const decoder = this.#newDecoder();
    let failures = 0;
    let reconnecting = false;
    while (!signal.aborted) {
      if (reconnecting && !(await sleep(reconnectDelay(this.#backoff, decoder.retry, failures), signal)))
        return;
      reconnecting = true;
      let problem: string;
      try {
        const headers: Record<string, string> = { ...this.#legacyHeaders(), Accept: EVENT_STREAM };
        if (decoder.lastEventId !== '') headers['Last-Event-ID'] = decoder.lastEventId;
        const response = await this.#fetch(
          'GET',
          this.#url,
          headers,
          undefined,
          signal,
          'the standalone SSE stream',
        );
        if (response.status === 405 || response.status === 404) {
          await discardBody(response);
          return;
        }
        if (response.ok && isEventStream(response)) {
          failures = 0;
          await readEventStream(response, decoder, (event) => this.#onStreamEvent(event, undefined));
          continue;
        }
        const refused = await httpStatusError(response, this.#url, 'GET');
        problem = `HTTP ${refused.status}${refused.bodySnippet === '' ? '' : ` (${refused.bodySnippet})`}`;
      } catch (error) {
        if (signal.aborted) return;
        problem = describe(error);
      }
      failures += 1;
      if (failures >= this.#backoff.maxAttempts) {
        this.#warn(
          new McpError(
            McpErrorCode.ConnectionClosed,
            `Gave up opening the standalone SSE stream (GET ${this.#url.href}) after ${failures} attempts; the last ` +
              `failed with ${problem}. Server-initiated messages outside requests will not arrive.`,
          ),
        );
        return;
      }
    }
  }

  async #endSession(session: string): Promise<void> {
    try {
      const response = await this.#fetchOnce(
        'DELETE',
        this.#url,
        {
          'Mcp-Session-Id': session,
          ...(this.#legacyVersion === undefined ? {} : { 'MCP-Protocol-Version': this.#legacyVersion }),
        },
        undefined,
        AbortSignal.timeout(this.#closeTimeout),
      );
      // 405: the server does not let clients end sessions; nothing else to do.
      await discardBody(response);
    } catch {
      // Best effort: the session expires on the server anyway.
    }
  }

  // ------------------------------------------------------------------ 2024-11-05 HTTP+SSE

  #sseEndpoint(signal: AbortSignal): Promise<URL> {
    this.#sseChannel ??= this.#openSseChannel();
    return raceAbort(this.#sseChannel.endpoint, signal);
  }

  #openSseChannel(): SseChannel {
    const controller = new AbortController();
    const signal = AbortSignal.any([controller.signal, this.#lifetime.signal]);
    let resolveEndpoint: (url: URL) => void = () => undefined;
    let rejectEndpoint: (error: unknown) => void = () => undefined;
    const endpoint = new Promise<URL>((resolve, reject) => {
      resolveEndpoint = resolve;
      rejectEndpoint = reject;
    });
    endpoint.catch(() => undefined);
    const channel: SseChannel = { endpoint, controller };
    let announced = false;
    const fail = (error: unknown): void => {
      rejectEndpoint(
        error instanceof HttpStatusError
          ? toMcpError(error, 'initialize')
          : error instanceof McpError
            ? error
            : new McpError(
                McpErrorCode.ConnectionClosed,
                `The 2024-11-05 HTTP+SSE endpoint ${this.#url.href} could not be used: ${describe(error)}.`,
                { cause: error },
              ),
      );
      if (this.#sseChannel === channel) this.#sseChannel = undefined;
      controller.abort();
    };

    const run = async (): Promise<void> => {
      const response = await this.#fetch(
        'GET',
        this.#url,
        { Accept: EVENT_STREAM },
        undefined,
        signal,
        'initialize',
      );
      if (!response.ok) throw await httpStatusError(response, this.#url, 'GET');
      if (!isEventStream(response)) {
        await discardBody(response);
        throw new Error(
          `GET ${this.#url.href} answered with Content-Type ${JSON.stringify(response.headers.get('content-type'))}, not an SSE stream`,
        );
      }
      const outcome = await readEventStream(response, this.#newDecoder(), (event) => {
        if (announced) {
          this.#onStreamEvent(event, undefined);
          return undefined;
        }
        if (event.event !== 'endpoint') {
          fail(new Error(`the first event of GET ${this.#url.href} was "${event.event}", not "endpoint"`));
          return 'stop';
        }
        let target: URL;
        try {
          target = new URL(event.data.trim(), this.#url);
        } catch {
          fail(new Error(`the endpoint event named ${JSON.stringify(event.data)}, which is not a URL`));
          return 'stop';
        }
        if (target.origin !== this.#url.origin) {
          fail(
            new Error(
              `the endpoint event named ${target.origin}, another origin than ${this.#url.origin}; it was not trusted`,
            ),
          );
          return 'stop';
        }
        announced = true;
        resolveEndpoint(target);
        return undefined;
      });
      if (!announced) {
        fail(new Error(`GET ${this.#url.href} ended without sending the endpoint event`));
        return;
      }
      if (this.#closed || this.#sseChannel !== channel) return;
      this.#warn(
        new McpError(
          McpErrorCode.ConnectionClosed,
          `The HTTP+SSE stream from ${this.#url.href} ${outcome.kind === 'failed' ? `broke (${describe(outcome.error)})` : 'ended'}; ` +
            'the 2024-11-05 transport cannot resume a session, so the transport closed. Connect again.',
        ),
      );
      await this.close();
    };
    run().catch((error: unknown) => {
      if (!announced) fail(error);
    });
    return channel;
  }

  async #postToSseEndpoint(message: JsonRpcMessage, signal: AbortSignal): Promise<void> {
    const endpoint = await this.#sseEndpoint(signal);
    const headers: Record<string, string> = { Accept: ACCEPT_BOTH, 'Content-Type': JSON_TYPE };
    const initializing = isJsonRpcRequest(message) && message.method === 'initialize';
    if (!initializing && this.#legacyVersion !== undefined)
      headers['MCP-Protocol-Version'] = this.#legacyVersion;
    const mcpMethod = 'method' in message ? message.method : 'a response';
    const response = await this.#fetch(
      'POST',
      endpoint,
      headers,
      serializeMessage(message),
      signal,
      mcpMethod,
    );
    if (!response.ok) throw await httpStatusError(response, endpoint, 'POST');
    if (!isJson(response)) {
      await discardBody(response);
      return;
    }
    // HTTP+SSE servers answer on the stream, but one that answers in the POST body is understood too.
    const parsed = parseJsonRpcMessage(await response.text());
    if (parsed.ok) this.#deliver(parsed.message);
  }

  // ------------------------------------------------------------------ HTTP

  /** One request, with the auth provider's single retry after a 401 (or a 403 asking for more scope). */
  async #fetch(
    method: string,
    url: URL,
    protocolHeaders: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal,
    mcpMethod: string,
  ): Promise<Response> {
    let payload = await this.#encodeBody(method, body);
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.#fetchOnce(method, url, protocolHeaders, payload, signal);
      } catch (error) {
        if (signal.aborted) throw signal.reason ?? error;
        throw unreachable(error, url, method, mcpMethod);
      }
      if (response.status === 415 && payload !== body && body !== undefined) {
        // The server does not decode compressed bodies: say it once (concurrent requests may meet the same 415),
        // then send this one and the rest as they are.
        if (this.#compressAbove !== undefined) {
          this.#compressAbove = undefined;
          this.#warn(
            new Error(
              `${url.href} refused a gzip-compressed request body (HTTP 415); sending uncompressed from now on. Drop compressRequests for this server.`,
            ),
          );
        }
        await discardBody(response);
        payload = body;
        attempt--;
        continue;
      }
      const provider = this.#auth;
      if (
        attempt > 0 ||
        provider === undefined ||
        typeof provider === 'function' ||
        !isAuthChallenge(response)
      ) {
        return response;
      }
      let retry: boolean;
      try {
        retry = await provider.onUnauthorized({ url, method, response });
      } catch (error) {
        await discardBody(response);
        throw new McpError(
          McpErrorCode.InternalError,
          `The auth provider failed while handling HTTP ${response.status} for "${mcpMethod}": ${describe(error)}`,
          { data: { httpStatus: response.status, url: url.href }, cause: error },
        );
      }
      if (!retry) return response;
      await discardBody(response);
    }
  }

  /** The body as sent: gzipped when compression is on and it is large enough. */
  async #encodeBody(method: string, body: string | undefined): Promise<string | CompressedBody | undefined> {
    const threshold = this.#compressAbove;
    if (body === undefined || method !== 'POST' || threshold === undefined) return body;
    const bytes = new TextEncoder().encode(body);
    if (bytes.byteLength < threshold) return body;
    return { compressed: await compressBytes(bytes, 'gzip') };
  }

  async #fetchOnce(
    method: string,
    url: URL,
    protocolHeaders: Record<string, string>,
    payload: string | CompressedBody | undefined,
    signal: AbortSignal,
  ): Promise<Response> {
    const headers = new Headers(typeof this.#headers === 'function' ? await this.#headers() : this.#headers);
    for (const [name, value] of await this.#authHeaders(url, method)) headers.set(name, value);
    for (const [name, value] of Object.entries(protocolHeaders)) headers.set(name, value);
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (typeof payload === 'object') {
      headers.set('Content-Encoding', 'gzip');
      body = payload.compressed;
    } else {
      body = payload;
    }
    const init: RequestInit = { ...this.#fetchOptions, method, headers, signal };
    if (body !== undefined) init.body = body;
    return this.#fetchFn(url, init);
  }

  async #authHeaders(url: URL, method: string): Promise<Headers> {
    const auth = this.#auth;
    if (auth === undefined) return new Headers();
    if (typeof auth === 'function') return new Headers((await auth({ url, method })) ?? undefined);
    const tokens = await auth.tokens();
    if (tokens === undefined) return new Headers();
    const scheme =
      tokens.token_type === undefined || tokens.token_type.toLowerCase() === 'bearer'
        ? 'Bearer'
        : tokens.token_type;
    return new Headers({ Authorization: `${scheme} ${tokens.access_token}` });
  }

  #warn(error: Error): void {
    try {
      this.onerror?.(error);
    } catch {
      // onerror is the last resort; an error thrown from it has nowhere left to go.
    }
  }
}

/**
 * Creates an MCP client transport over HTTP on `fetch`, for every era: modern Streamable HTTP (2026-07-28),
 * legacy Streamable HTTP (2025-03-26 … 2025-11-25, with sessions, the standalone GET stream, resumption with
 * `Last-Event-ID` honouring `retry:`, and transparent re-initialization when the server ends the session) and
 * the 2024-11-05 HTTP+SSE transport. With `era: 'auto'` (the default) it follows the client's era detection:
 * `server/discover` goes out modern, `initialize` switches to legacy, and a refused `initialize` POST falls back
 * to HTTP+SSE. It imports nothing from Node, so it runs in browsers, workers, Deno and Bun.
 *
 * @example
 * ```ts
 * import { createClient } from '@pmcp/client';
 * import { httpClientTransport } from '@pmcp/transport-http';
 *
 * const client = createClient({ name: 'my-app', version: '1.0.0' });
 * await client.connect(
 *   httpClientTransport('https://mcp.example.com/mcp', {
 *     auth: async () => ({ Authorization: `Bearer ${await getToken()}` }),
 *   }),
 * );
 * const tools = await client.listAllTools();
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#streamable-http
 */
export function httpClientTransport(
  url: string | URL,
  options?: HttpClientTransportOptions,
): HttpClientTransport {
  return new HttpClientTransport(url, options);
}

function endpointUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(
      `httpClientTransport(): ${JSON.stringify(String(url))} is not an absolute URL; pass the MCP endpoint, e.g. "http://127.0.0.1:3000/mcp".`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`httpClientTransport(): the URL must use http: or https:, got ${parsed.protocol}`);
  }
  return parsed;
}

function metaProtocolVersion(message: JsonRpcRequest | JsonRpcNotification): string | undefined {
  const meta = message.params?._meta;
  if (typeof meta !== 'object' || meta === null) return undefined;
  const version = (meta as Record<string, unknown>)[MetaKey.ProtocolVersion];
  return typeof version === 'string' ? version : undefined;
}

function isAuthChallenge(response: Response): boolean {
  if (response.status === 401) return true;
  return (
    response.status === 403 && (response.headers.get('www-authenticate') ?? '').includes('insufficient_scope')
  );
}

async function discardBody(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Already consumed or broken: either way nothing is left to release.
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error && cause.message !== '' && !error.message.includes(cause.message)
      ? `${error.message} (${cause.message})`
      : error.message;
  }
  return String(error);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** A gzipped POST body. */
interface CompressedBody {
  compressed: Uint8Array<ArrayBuffer>;
}

function compressionThreshold(option: HttpClientTransportOptions['compressRequests']): number | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return DEFAULT_COMPRESSION_THRESHOLD;
  const threshold = typeof option === 'object' && option !== null ? option.threshold : Number.NaN;
  if (threshold === undefined) return DEFAULT_COMPRESSION_THRESHOLD;
  if (typeof threshold !== 'number' || !Number.isSafeInteger(threshold) || threshold < 0) {
    throw new TypeError(
      `httpClientTransport(): compressRequests must be true, false or { threshold } with a whole number of bytes ≥ 0, got ${String(threshold)}.`,
    );
  }
  return threshold;
}

const DEFAULT_COMPRESSION_THRESHOLD = 1024;
