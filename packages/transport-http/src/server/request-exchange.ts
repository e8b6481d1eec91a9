/**
 * One POSTed request served on a connection of its own: the modern era (2026-07-28, stateless) and the
 * stateless legacy mode. The connection lives exactly as long as the HTTP exchange.
 *
 * The response starts undecided. If the result comes first it is a single JSON object; if the server sends a
 * notification related to the request first (progress, a log line, a subscription acknowledgement), the
 * response becomes an SSE stream that carries the notifications and then the result. Closing that stream, or the client going away
 * before anything was sent, cancels the request: the handler's signal aborts and the connection closes.
 */
import {
  isJsonRpcErrorResponse,
  type JsonRpcErrorObject,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  McpError,
  type MessageExtra,
  type RequestId,
  type Transport,
  TransportClosedError,
} from '@pmcp/jsonrpc';
import { ErrorCode, Notification } from '@pmcp/types';
import type { ConnectableServer } from './options.ts';
import { errorResponse, messageResponse } from './responses.ts';
import { SseStream, sseHeaders } from './sse-stream.ts';

export interface ExchangeSettings {
  readonly keepAliveMs: number;
  readonly maxBufferedBytes: number;
  /** The HTTP status of a JSON error response. */
  readonly statusFor: (error: JsonRpcErrorObject) => number;
  /** Why server→client requests cannot travel on this exchange (the error the server's request fails with). */
  readonly serverRequestRefusal: string;
  readonly onerror: (error: Error) => void;
  /** Params of an `initialize` the connection runs, unseen by the client, before the request (stateless legacy). */
  readonly implicitInitialize?: Record<string, unknown> | undefined;
  /** Who authenticated the HTTP request: the `authInfo` of every message this exchange hands the server. */
  readonly authInfo?: unknown;
}

/** The extra of a message that arrived in `request`: its headers and, when there is one, who authenticated it. */
export function extraFor(request: Request, authInfo: unknown, more?: MessageExtra): MessageExtra {
  const extra: MessageExtra = { ...more, headers: request.headers };
  if (authInfo !== undefined) extra.authInfo = authInfo;
  return extra;
}

function isRequestMessage(message: JsonRpcMessage): message is JsonRpcRequest {
  return 'method' in message && 'id' in message && message.id !== undefined;
}

function implicitIdFor(id: RequestId): string {
  let candidate = 'pmcp-http-implicit-initialize';
  while (candidate === id) candidate += '-';
  return candidate;
}

/**
 * Serves one request and resolves with its HTTP response as soon as the shape of that response is known
 * (the result, or the first notification).
 */
export function serveRequest(
  server: ConnectableServer,
  message: JsonRpcRequest,
  request: Request,
  settings: ExchangeSettings,
): Promise<Response> {
  return new Promise<Response>((resolve) => {
    const cancel = new AbortController();
    const extra: MessageExtra = extraFor(request, settings.authInfo, { signal: cancel.signal });
    const implicit = settings.implicitInitialize;
    const implicitId = implicitIdFor(message.id);
    let state: 'waiting' | 'streaming' | 'done' = 'waiting';
    let initializing = implicit !== undefined;
    let stream: SseStream | undefined;

    const onRequestAbort = (): void =>
      clientGone(new Error('The client closed the HTTP request before the response was complete'));

    const transport: Transport = {
      onmessage: undefined,
      onerror: undefined,
      onclose: undefined,
      async start() {
        queueMicrotask(begin);
      },
      async send(outgoing, options) {
        if (state === 'done') {
          throw new TransportClosedError(
            'This HTTP exchange is over (answered, or closed by the client); the message was not sent.',
          );
        }
        if (isRequestMessage(outgoing)) {
          throw new McpError(ErrorCode.InvalidRequest, settings.serverRequestRefusal, {
            data: { method: outgoing.method },
          });
        }
        if ('method' in outgoing) {
          // What the server says while the hidden initialize runs is not about the client's request, and
          // neither is anything not sent on behalf of it (a session-wide broadcast): the stream carries only
          // notifications related to its request.
          if (initializing || options?.relatedRequestId !== message.id) return;
          notify(outgoing);
          return;
        }
        if (outgoing.id === implicitId && initializing) {
          afterImplicitInitialize(outgoing);
          return;
        }
        if (outgoing.id !== message.id) {
          settings.onerror(
            new Error(
              `The server answered request id ${JSON.stringify(outgoing.id)} on the HTTP exchange of request ${JSON.stringify(message.id)}; dropped it.`,
            ),
          );
          return;
        }
        respond(outgoing);
      },
      async close() {
        shutDown();
      },
    };

    function begin(): void {
      if (state === 'done') return;
      if (implicit !== undefined) {
        transport.onmessage?.(
          { jsonrpc: '2.0', id: implicitId, method: 'initialize', params: implicit },
          extra,
        );
      } else {
        transport.onmessage?.(message, extra);
      }
    }

    function afterImplicitInitialize(response: JsonRpcMessage): void {
      initializing = false;
      if (isJsonRpcErrorResponse(response)) {
        respond({
          jsonrpc: '2.0',
          id: message.id,
          error: {
            code: response.error.code,
            message: `The server refused the session this stateless endpoint opens for each request: ${response.error.message}`,
          },
        });
        return;
      }
      const initialized: JsonRpcNotification = { jsonrpc: '2.0', method: Notification.Initialized };
      transport.onmessage?.(initialized, extra);
      transport.onmessage?.(message, extra);
    }

    function notify(notification: JsonRpcMessage): void {
      if (state === 'waiting') {
        stream = new SseStream({
          keepAliveMs: settings.keepAliveMs,
          maxBufferedBytes: settings.maxBufferedBytes,
          onDisconnect: clientGone,
        });
        state = 'streaming';
        resolve(new Response(stream.body, { status: 200, headers: sseHeaders() }));
      }
      stream?.send({ data: JSON.stringify(notification) });
    }

    function respond(response: JsonRpcMessage): void {
      if (state === 'waiting') {
        const status = isJsonRpcErrorResponse(response) ? settings.statusFor(response.error) : 200;
        resolve(messageResponse(response, status));
      } else {
        stream?.send({ data: JSON.stringify(response) });
        stream?.close();
      }
      state = 'done';
      // After the engine's send has returned: closing inside it would pull the connection from under it.
      queueMicrotask(shutDown);
    }

    function clientGone(reason: Error): void {
      if (state === 'done') return;
      // The handler sees why it was stopped; then the connection closes.
      cancel.abort(reason);
      // Nobody reads this response; it only settles the pending handler call.
      if (state === 'waiting') resolve(new Response(null, { status: 499 }));
      if (state === 'streaming') stream?.close();
      state = 'done';
      shutDown();
    }

    let closed = false;
    function shutDown(): void {
      if (closed) return;
      closed = true;
      request.signal.removeEventListener('abort', onRequestAbort);
      if (state === 'waiting') {
        resolve(
          errorResponse(
            503,
            ErrorCode.InternalError,
            'The server closed the connection before answering this request.',
            {
              id: message.id,
            },
          ),
        );
      }
      if (state === 'streaming') stream?.close();
      state = 'done';
      try {
        transport.onclose?.();
      } catch (error) {
        settings.onerror(error instanceof Error ? error : new Error(String(error)));
      }
    }

    if (request.signal.aborted) {
      resolve(new Response(null, { status: 499 }));
      return;
    }
    request.signal.addEventListener('abort', onRequestAbort, { once: true });
    server.connect(transport).catch((error: unknown) => {
      settings.onerror(error instanceof Error ? error : new Error(String(error)));
      if (state === 'waiting') {
        resolve(
          errorResponse(
            500,
            ErrorCode.InternalError,
            'Internal error: the server could not take the request.',
            {
              id: message.id,
            },
          ),
        );
      }
      state = 'done';
      shutDown();
    });
  });
}

/**
 * Hands a notification to the server on a connection of its own, closed once the server has taken it; `authInfo`
 * is who authenticated the HTTP request.
 */
export async function deliverNotification(
  server: ConnectableServer,
  message: JsonRpcNotification,
  request: Request,
  onerror: (error: Error) => void,
  authInfo?: unknown,
): Promise<void> {
  let closed = false;
  const transport: Transport = {
    onmessage: undefined,
    onerror: undefined,
    onclose: undefined,
    async start() {},
    async send() {
      throw new TransportClosedError(
        'A notification POST has no response stream: the server cannot send anything on this exchange.',
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      transport.onclose?.();
    },
  };
  try {
    await server.connect(transport);
    transport.onmessage?.(message, extraFor(request, authInfo));
  } catch (error) {
    onerror(error instanceof Error ? error : new Error(String(error)));
  } finally {
    await transport.close();
  }
}
