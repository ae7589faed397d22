import type { Redis } from "ioredis";

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

/** Failed attempts per key in fixed windows: an in-process FailureLimiter, or a SharedFailureLimiter. */
export interface FailureCounter {
  /** Seconds until `key` may try again; 0 when it may try now. */
  retryAfterSeconds(key: string): number | Promise<number>;
  /** Records a failed attempt for `key`. */
  recordFailure(key: string): void | Promise<void>;
}

/**
 * Counts failed attempts per key in fixed windows, to slow down guessing. Only failures count, so a caller with
 * the right credentials is never limited by its own successful requests. Counters live in this process (with
 * several replicas each counts on its own).
 */
export class FailureLimiter implements FailureCounter {
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

// One round trip, atomic: the first failure of a window starts its expiry, later ones only count. Redis expires the
// key, so the window is the same for every replica whatever their clocks say.
const RECORD_FAILURE = `
local failures = redis.call('INCR', KEYS[1])
if failures == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return failures`;

const READ_WINDOW = `
local failures = redis.call('GET', KEYS[1])
if not failures then return {0, 0} end
return {tonumber(failures), redis.call('PTTL', KEYS[1])}`;

/**
 * A FailureLimiter whose counts are kept in Redis, so a guesser spreading attempts over replicas meets one limit.
 *
 * While Redis cannot be reached it counts in this process instead (as without Redis) rather than not at all: this is
 * a guard against guessing, and stopping it for the length of an outage would hand a guesser that time; refusing
 * every sign-in instead would lock every client out. Counts made meanwhile keep applying, until their window ends,
 * after Redis is back. The client's commands fail at once while it is disconnected, or after a short timeout (see
 * src/plugins/redis.ts, which also logs the outage), so a sign-in never waits long for Redis.
 */
export class SharedFailureLimiter implements FailureCounter {
  private readonly fallback: FailureLimiter;

  constructor(
    private readonly redis: Redis,
    /** Prefix of this limiter's keys, distinct from every other limiter's. */
    private readonly namespace: string,
    private readonly options: FailureLimiterOptions,
  ) {
    this.fallback = new FailureLimiter(options);
  }

  async retryAfterSeconds(key: string): Promise<number> {
    const local = this.fallback.retryAfterSeconds(key);
    let shared = 0;
    try {
      const [failures, ttlMs] = (await this.redis.eval(READ_WINDOW, 1, this.namespace + key)) as [number, number];
      if (failures >= this.options.max && ttlMs > 0) shared = Math.max(1, Math.ceil(ttlMs / 1000));
    } catch {
      // Unreachable: the fallback's count alone decides.
    }
    return Math.max(local, shared);
  }

  async recordFailure(key: string): Promise<void> {
    try {
      await this.redis.eval(RECORD_FAILURE, 1, this.namespace + key, this.options.windowMs);
    } catch {
      this.fallback.recordFailure(key);
    }
  }
}
