import { type Frame, type FrameDecoder, type JsonRpcMessage, parseJsonRpcMessage } from '@pmcp/jsonrpc';

/** Where a {@link MessageReader} delivers what it decoded. */
export interface MessageSink {
  /** Checked before every message: a handler may close the transport halfway through a chunk. */
  isOpen(): boolean;
  message(message: JsonRpcMessage): void;
  error(error: Error): void;
}

/**
 * Turns the chunks of a byte stream into JSON-RPC messages through a {@link FrameDecoder}: valid lines go to
 * `sink.message`, invalid ones to `sink.error` (an `InvalidMessageError` the endpoint can answer).
 */
export class MessageReader {
  readonly #decoder: FrameDecoder;
  readonly #sink: MessageSink;

  constructor(decoder: FrameDecoder, sink: MessageSink) {
    this.#decoder = decoder;
    this.#sink = sink;
  }

  push(chunk: unknown): void {
    let bytes: Uint8Array;
    if (chunk instanceof Uint8Array) bytes = chunk;
    else if (typeof chunk === 'string') {
      // The stream had an encoding set (stdin.setEncoding): go back to bytes so the decoder's limits hold.
      bytes = Buffer.from(chunk, 'utf8');
    } else {
      this.#sink.error(
        new TypeError(
          `stdio input delivered a ${typeof chunk} chunk; expected bytes or a string (is the stream in object mode?)`,
        ),
      );
      return;
    }
    this.#deliver(() => this.#decoder.push(bytes));
  }

  end(): void {
    this.#deliver(() => this.#decoder.end());
  }

  #deliver(decode: () => Frame[]): void {
    let frames: Frame[];
    try {
      frames = decode();
    } catch (error) {
      this.#sink.error(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    for (const frame of frames) {
      if (!this.#sink.isOpen()) return;
      if (!frame.ok) {
        this.#sink.error(frame.error);
        continue;
      }
      const parsed = parseJsonRpcMessage(frame.text);
      if (parsed.ok) this.#deliverMessage(parsed.message);
      else this.#sink.error(parsed.error);
    }
  }

  #deliverMessage(message: JsonRpcMessage): void {
    try {
      this.#sink.message(message);
    } catch (error) {
      // A throwing handler must not tear down the stream that feeds every later message.
      this.#sink.error(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
