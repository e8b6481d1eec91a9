/**
 * Keeps the end of what a child wrote to stderr, so an unexpected exit can be explained with the server's
 * own last words without holding all of its logs in memory.
 */
export class StderrTail {
  readonly #maxChars: number;
  readonly #maxLines: number;
  readonly #decoder = new TextDecoder();
  #text = '';

  constructor(maxLines = 20, maxChars = 4096) {
    this.#maxLines = maxLines;
    this.#maxChars = maxChars;
  }

  push(chunk: Uint8Array | string): void {
    this.#text += typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
    // Twice the limit, so trimming happens once per several chunks instead of on every one.
    if (this.#text.length > this.#maxChars * 2) this.#text = this.#text.slice(-this.#maxChars);
  }

  /** The last lines, without blank ones and without the trailing newline; `''` when nothing was written. */
  lines(): string {
    const lines = this.#text
      .slice(-this.#maxChars)
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '');
    return lines.slice(-this.#maxLines).join('\n');
  }
}
