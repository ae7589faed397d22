/** Settings of a FailureLimiter. */
export interface FailureLimiterOptions {
  /** Failures a key may have within one window; the next attempt is refused until the window ends. */
  max: number;
  windowMs: number;
  /** Keys tracked at most; past it the oldest windows are forgotten first, so memory stays bounded. */
  maxKeys?: number;
  now?: () => number;
}

interface Window {
  failures: number;
  endsAt: number;
}

/**
 * Counts failed attempts per key in fixed windows, to slow down guessing. Only failures count, so a caller with
 * the right credentials is never limited by its own successful requests. Counters live in this process (with
 * several replicas each counts on its own).
 */
export class FailureLimiter {
  // A Map iterates in insertion order and a window is (re)inserted when it starts, so the first entries are the
  // ones that end soonest: eviction from the front removes expired windows before live ones.
  private readonly windows = new Map<string, Window>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(private readonly options: FailureLimiterOptions) {
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Seconds until `key` may try again; 0 when it may try now. */
  retryAfterSeconds(key: string): number {
    const window = this.windows.get(key);
    const now = this.now();
    if (!window || window.endsAt <= now || window.failures < this.options.max) return 0;
    return Math.max(1, Math.ceil((window.endsAt - now) / 1000));
  }

  /** Records a failed attempt for `key`. */
  recordFailure(key: string): void {
    const now = this.now();
    const window = this.windows.get(key);
    if (window && window.endsAt > now) {
      window.failures += 1;
      return;
    }
    this.windows.delete(key);
    this.evict(now);
    this.windows.set(key, { failures: 1, endsAt: now + this.options.windowMs });
  }

  private evict(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.endsAt > now && this.windows.size < this.maxKeys) return;
      this.windows.delete(key);
    }
  }
}
