import {
  encodeNdjson,
  type FrameDecoderFactory,
  type JsonRpcMessage,
  type Transport,
  TransportClosedError,
} from '@pmcp/jsonrpc';
import { createFrameDecoder } from './decoder-options.ts';
import { LineWriter } from './line-writer.ts';
import { MessageReader } from './message-reader.ts';
import type { NodeReadableLike, NodeWritableLike } from './stream-types.ts';

/**
 * Options of {@link stdioServerTransport}.
 *
 * @example
 * ```ts
 * import { PassThrough } from 'node:stream';
 * import { stdioServerTransport, type StdioServerTransportOptions } from '@pmcp/transport-stdio';
 *
 * const options: StdioServerTransportOptions = { stdin: new PassThrough(), stdout: new PassThrough() };
 * const transport = stdioServerTransport(options);
 * ```
 */
export interface StdioServerTransportOptions {
  /** Where messages come from; default `process.stdin`. */
  stdin?: NodeReadableLike;
  /** Where messages go, one JSON text per line; default `process.stdout`. */
  stdout?: NodeWritableLike;
  /** Splits the input into message texts; default `createNdjsonDecoder` from `@pmcp/jsonrpc`. */
  decoder?: FrameDecoderFactory;
  /** Longest accepted input line in bytes; longer lines are answered with an error and skipped. Default 8 MiB. */
  maxMessageBytes?: number;
}

type State = 'idle' | 'open' | 'closed';

const isBrokenPipe = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END';
};

function ignoreLateStreamError(): void {}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

class StdioServerTransport implements Transport {
  onmessage?: ((message: JsonRpcMessage) => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onclose?: (() => void) | undefined;

  readonly #stdin: NodeReadableLike;
  readonly #stdout: NodeWritableLike;
  readonly #reader: MessageReader;
  readonly #writer: LineWriter;
  #state: State = 'idle';

  constructor(options: StdioServerTransportOptions) {
    this.#stdin = options.stdin ?? process.stdin;
    this.#stdout = options.stdout ?? process.stdout;
    this.#writer = new LineWriter(this.#stdout);
    this.#reader = new MessageReader(createFrameDecoder(options.decoder, options.maxMessageBytes), {
      isOpen: () => this.#state === 'open',
      message: (message) => this.onmessage?.(message),
      error: (error) => this.onerror?.(error),
    });
  }

  async start(): Promise<void> {
    if (this.#state === 'closed') {
      throw new TransportClosedError('This stdio transport was closed before start(); create a new one.');
    }
    if (this.#state === 'open') {
      throw new Error(
        'stdioServerTransport: start() was already called. The endpoint that owns a transport starts it once.',
      );
    }
    this.#state = 'open';
    this.#stdin.on('data', this.#onData);
    this.#stdin.on('end', this.#onEnd);
    this.#stdin.on('close', this.#onEnd);
    this.#stdin.on('error', this.#onInputError);
    this.#stdout.on('error', this.#onOutputError);
    this.#stdout.on('close', this.#onOutputClosed);
    // An explicit resume: a 'data' listener alone does not restart a stream someone paused earlier.
    this.#stdin.resume();
  }

  send(message: JsonRpcMessage): Promise<void> {
    if (this.#state === 'idle') {
      return Promise.reject(new Error('stdioServerTransport: call start() before send().'));
    }
    if (this.#state === 'closed') return Promise.reject(new TransportClosedError());
    let line: string;
    try {
      line = encodeNdjson(message);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#writer.write(line);
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const wasOpen = this.#state === 'open';
    this.#state = 'closed';
    this.#writer.fail(
      new TransportClosedError('The stdio transport closed before this message was written.'),
    );
    if (wasOpen) {
      this.#stdin.off('data', this.#onData);
      this.#stdin.off('end', this.#onEnd);
      this.#stdin.off('close', this.#onEnd);
      this.#stdin.off('error', this.#onInputError);
      if ((this.#stdin.listenerCount?.('error') ?? 0) === 0) this.#stdin.on('error', ignoreLateStreamError);
      // A paused stdin releases its handle, so a server whose client went away can exit on its own.
      if ((this.#stdin.listenerCount?.('data') ?? 0) === 0) this.#stdin.pause();
      this.#stdout.off('close', this.#onOutputClosed);
      this.#stdout.off('error', this.#onOutputError);
      // A line accepted before close can still fail with EPIPE afterwards; with no 'error' listener left,
      // Node would turn that into an uncaught exception and crash the process.
      if ((this.#stdout.listenerCount?.('error') ?? 0) === 0) this.#stdout.on('error', ignoreLateStreamError);
    }
    this.onclose?.();
  }

  readonly #onData = (chunk: unknown): void => {
    this.#reader.push(chunk);
  };

  readonly #onEnd = (): void => {
    if (this.#state !== 'open') return;
    // A last line without a newline is still a message.
    this.#reader.end();
    void this.close();
  };

  readonly #onInputError = (error: unknown): void => {
    if (this.#state !== 'open') return;
    this.onerror?.(
      new Error(`stdin failed, closing the stdio transport: ${messageOf(error)}`, { cause: error }),
    );
    void this.close();
  };

  readonly #onOutputError = (error: unknown): void => {
    if (this.#state !== 'open') return;
    // EPIPE means the client stopped reading: the same as it going away, not a fault worth reporting.
    if (!isBrokenPipe(error)) {
      this.onerror?.(
        new Error(`stdout failed, closing the stdio transport: ${messageOf(error)}`, { cause: error }),
      );
    }
    void this.close();
  };

  readonly #onOutputClosed = (): void => {
    if (this.#state === 'open') void this.close();
  };
}

/**
 * A transport on this process's stdin and stdout, for an MCP server launched by its client.
 *
 * stdout carries protocol messages only, one JSON text per line: log with `console.error` (stderr), never
 * `console.log`. When stdin ends (the client went away) the transport closes and lets go of stdin, so the
 * process can exit. Writes respect stdout backpressure, and a broken pipe closes the transport instead of
 * crashing the process. An invalid input line is reported through `onerror` as an `InvalidMessageError`
 * (the engine answers it) and reading goes on.
 *
 * @example
 * ```ts
 * import { createServer } from '@pmcp/server';
 * import { stdioServerTransport } from '@pmcp/transport-stdio';
 *
 * const server = createServer({ name: 'weather', version: '1.0.0' });
 * await server.connect(stdioServerTransport());
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/stdio
 */
export function stdioServerTransport(options: StdioServerTransportOptions = {}): Transport {
  return new StdioServerTransport(options);
}
