/**
 * The 2024-11-05 HTTP+SSE transport, for clients that predate Streamable HTTP: a GET opens an event stream
 * whose first event (`endpoint`) names the URL to POST messages to; everything the server sends arrives as
 * `message` events on that stream. The session lives as long as the stream.
 *
 * @see https://modelcontextprotocol.io/specification/2024-11-05/basic/transports#http-with-sse
 */
import { type JsonRpcMessage, type Transport, TransportClosedError } from '@pmcp/jsonrpc';
import { ErrorCode } from '@pmcp/types';
import { accepts, checkContentType, readMessage } from './body.ts';
import { newSessionId } from './ids.ts';
import {
  foreignSession,
  type RequestAuth,
  type SessionBudget,
  type SessionSettings,
} from './legacy-sessions.ts';
import { extraFor } from './request-exchange.ts';
import { errorResponse } from './responses.ts';
import { SseStream, sseHeaders } from './sse-stream.ts';

interface SseSession {
  readonly transport: Transport;
  /** The owner key of the GET that opened the stream; every POST must have the same. */
  readonly owner: string | undefined;
  close(): void;
}

export class LegacySseEndpoint {
  readonly #settings: SessionSettings;
  readonly #budget: SessionBudget;
  readonly #messagesPath: string;
  readonly #maxBodyBytes: number;
  readonly #sessions = new Map<string, SseSession>();

  constructor(settings: SessionSettings, budget: SessionBudget, messagesPath: string, maxBodyBytes: number) {
    this.#settings = settings;
    this.#budget = budget;
    this.#messagesPath = messagesPath;
    this.#maxBodyBytes = maxBodyBytes;
  }

  /** GET on the SSE path: opens a session owned by `auth.owner` and announces where to POST. */
  async open(request: Request, auth: RequestAuth): Promise<Response> {
    const accept = request.headers.get('accept');
    if (accept !== null && !accepts(accept, 'text/event-stream')) {
      return errorResponse(
        406,
        ErrorCode.InvalidRequest,
        `Not Acceptable: this endpoint answers with an event stream; send Accept: text/event-stream (got ${JSON.stringify(accept)}).`,
      );
    }
    if (!this.#budget.reserve()) return tooManySessions();
    const id = newSessionId();
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      this.#sessions.delete(id);
      this.#budget.release();
      stream.close();
      try {
        transport.onclose?.();
      } catch (error) {
        this.#settings.onerror(error instanceof Error ? error : new Error(String(error)));
      }
    };
    const stream = new SseStream({
      keepAliveMs: this.#settings.keepAliveMs,
      maxBufferedBytes: this.#settings.maxBufferedBytes,
      onDisconnect: end,
    });
    const transport: Transport = {
      sessionId: id,
      onmessage: undefined,
      onerror: undefined,
      onclose: undefined,
      async start() {},
      async send(message: JsonRpcMessage) {
        if (ended || !stream.send({ event: 'message', data: JSON.stringify(message) })) {
          throw new TransportClosedError('The client closed its SSE stream; the message was not sent.');
        }
      },
      async close() {
        end();
      },
    };
    this.#sessions.set(id, { transport, owner: auth.owner, close: end });
    try {
      await this.#settings.server.connect(transport);
    } catch (error) {
      end();
      throw error;
    }
    stream.send({ event: 'endpoint', data: `${this.#messagesPath}?sessionId=${encodeURIComponent(id)}` });
    return new Response(stream.body, { status: 200, headers: sseHeaders() });
  }

  /** POST on the messages path: one message of the session named in the query, authenticated as `auth`. */
  async post(request: Request, url: URL, auth: RequestAuth): Promise<Response> {
    const id = url.searchParams.get('sessionId');
    if (id === null || id === '') {
      return errorResponse(
        400,
        ErrorCode.InvalidRequest,
        'Bad Request: the sessionId query parameter is missing; POST to the URL announced by the endpoint event of the SSE stream.',
      );
    }
    const session = this.#sessions.get(id);
    if (session === undefined) {
      return errorResponse(
        404,
        ErrorCode.InvalidRequest,
        'Session not found: its SSE stream has closed. Open a new one with GET to start over.',
      );
    }
    if (session.owner !== auth.owner) {
      return foreignSession(
        'Open an event stream of your own with GET and POST to the endpoint it announces.',
      );
    }
    const unsupported = checkContentType(request);
    if (unsupported !== undefined) return unsupported;
    const body = await readMessage(request, this.#maxBodyBytes);
    if (!body.ok) return body.response;
    session.transport.onmessage?.(body.message, extraFor(request, auth.authInfo));
    return new Response(null, { status: 202 });
  }

  closeAll(): void {
    for (const session of [...this.#sessions.values()]) session.close();
  }
}

export function tooManySessions(): Response {
  return errorResponse(
    503,
    ErrorCode.InternalError,
    'Service Unavailable: this server has as many open sessions as it allows. Close unused sessions (DELETE) or retry later.',
    { headers: { 'Retry-After': '5' } },
  );
}
