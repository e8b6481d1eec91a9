import type { NodeWritableLike } from './stream-types.ts';

const ignore = (): void => {};

interface DrainWaiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Writes whole lines to a Node.js writable in call order, honouring backpressure: once `write` returns
 * `false`, the next line waits for `drain`. Each line goes out in a single `write` call, so lines from
 * this writer never interleave, however the stream chunks them.
 */
export class LineWriter {
  readonly #stream: NodeWritableLike;
  #tail: Promise<void> = Promise.resolve();
  #queued = 0;
  #mustWaitForDrain = false;
  #failure: Error | undefined;
  readonly #drainWaiters = new Set<DrainWaiter>();

  constructor(stream: NodeWritableLike) {
    this.#stream = stream;
    // Listening all the time, not only while a line waits: a 'drain' emitted before the next line starts
    // waiting would otherwise be missed, and that line would wait forever.
    stream.on('drain', this.#onDrain);
  }

  /** Resolves once the stream has accepted the line; rejects with the failure once {@link fail} was called. */
  write(line: string): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#queued === 0 && !this.#mustWaitForDrain) {
      // Fast path: nothing ahead of this line, so writing synchronously keeps the order.
      try {
        this.#writeNow(line);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    }
    this.#queued++;
    const written = this.#tail
      .then(() => this.#writeInOrder(line))
      .finally(() => {
        this.#queued--;
      });
    this.#tail = written.then(ignore, ignore);
    return written;
  }

  /** Rejects every line still waiting and every later one with `error`. Idempotent. */
  fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#stream.off('drain', this.#onDrain);
    for (const waiter of this.#drainWaiters) waiter.reject(error);
    this.#drainWaiters.clear();
  }

  async #writeInOrder(line: string): Promise<void> {
    if (this.#mustWaitForDrain) await this.#drained();
    if (this.#failure) throw this.#failure;
    this.#writeNow(line);
  }

  #writeNow(line: string): void {
    this.#mustWaitForDrain = !this.#stream.write(line);
  }

  #drained(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (!this.#mustWaitForDrain) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#drainWaiters.add({ resolve, reject });
    });
  }

  readonly #onDrain = (): void => {
    this.#mustWaitForDrain = false;
    for (const waiter of this.#drainWaiters) waiter.resolve();
    this.#drainWaiters.clear();
  };
}
