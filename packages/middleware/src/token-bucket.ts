/**
 * A token bucket on an injected clock: `burst` tokens at most, refilled continuously at `ratePerSecond`.
 */

/** @internal */
export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #burst: number;
  #tokens: number;
  #refilledAt: number;

  constructor(ratePerSecond: number, burst: number, now: number) {
    this.#ratePerMs = ratePerSecond / 1000;
    this.#burst = burst;
    this.#tokens = burst;
    this.#refilledAt = now;
  }

  /** Takes one token if there is one; otherwise returns how many ms until there will be. */
  take(now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    // A clock that steps back (an injected one, or wall time adjusted) must not mint or remove tokens.
    if (now > this.#refilledAt) {
      this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#refilledAt) * this.#ratePerMs);
      this.#refilledAt = now;
    }
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil((1 - this.#tokens) / this.#ratePerMs) };
  }

  /** Whether the bucket is full at `now`, so forgetting it changes nothing. */
  isFull(now: number): boolean {
    return this.#tokens + Math.max(0, now - this.#refilledAt) * this.#ratePerMs >= this.#burst;
  }
}
