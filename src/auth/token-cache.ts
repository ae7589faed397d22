/** Verified tokens one verifier keeps at most (each a few hundred bytes with its caller). */
export const VERIFIED_TOKENS_KEPT = 10_000;

interface Entry<T> {
  value: T;
  expiresAtMs: number;
}

/**
 * What verifying a token yielded, kept under the token itself until the token's `exp`, so a client that sends the
 * same bearer token with every request costs one signature check per token rather than one per request.
 *
 * Only a token that verified is ever stored, and only with an `exp`: the entry is dropped at that instant (checked
 * against the clock on every hit), so a cached token is refused from the same moment jose would refuse it. A
 * tampered token is another string and misses. Each verifier owns its cache, so a configuration that removes a key
 * starts with none of the tokens that key signed.
 *
 * A Map iterates in insertion order: past `capacity` the oldest entry goes, which for tokens of one lifetime is the
 * one expiring first, and a flood of distinct valid tokens cannot grow memory.
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly capacity = VERIFIED_TOKENS_KEPT,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Whether `token` verified before (expired or not): enough to know which verifier it belongs to. */
  has(token: string): boolean {
    return this.entries.has(token);
  }

  /** The value `token` verified to, while the token has not expired. */
  get(token: string): T | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= this.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.value;
  }

  /** Keeps what `token` verified to until `exp` (seconds since the epoch); a token without one is not kept. */
  set(token: string, value: T, exp: number | undefined): void {
    if (exp === undefined) return;
    const expiresAtMs = exp * 1000;
    if (!(expiresAtMs > this.now())) return;
    this.entries.delete(token);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { value, expiresAtMs });
  }
}
