import { ApiError } from "../errors.js";
import type { Redis } from "ioredis";
import { type FailureCounter, FailureLimiter, SharedFailureLimiter } from "./failure-limiter.js";

/** Failed sign-ins allowed per window, per user and per client address. */
export interface SignInLimits {
  perUser: number;
  perAddress: number;
  windowMs: number;
}

/**
 * Enough for a client with a stale key to notice, too few for guessing a key. An address gets more than a user
 * because several users may sit behind one (an office, a proxy).
 */
export const SIGN_IN_LIMITS: SignInLimits = { perUser: 10, perAddress: 30, windowMs: 60_000 };

/** Refused because of earlier failures; the caller may try again after `retryAfterSeconds`. */
export class ThrottledError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super("TOO_MANY_REQUESTS", `Too many failed sign-ins; retry in ${retryAfterSeconds} seconds.`);
  }
}

/** Where a SignInThrottle counts: in Redis (shared by every replica) when there is a client, else in this process. */
export interface SignInCounting {
  redis: Redis | undefined;
  /** Names this throttle's keys in Redis, apart from other throttles' (the loyalty API's and the SOAP login's). */
  name: string;
}

/**
 * Slows down key guessing for the APIs that sign in with a user and key (the loyalty API, Magento's SOAP login):
 * after too many failures for one user, or from one address, attempts are refused before any key is checked.
 */
export class SignInThrottle {
  private readonly perUser: FailureCounter;
  private readonly perAddress: FailureCounter;

  constructor(limits: SignInLimits, { redis, name }: SignInCounting) {
    const counter = (scope: string, max: number): FailureCounter =>
      redis
        ? new SharedFailureLimiter(redis, `signin:${name}:${scope}:`, { max, windowMs: limits.windowMs })
        : new FailureLimiter({ max, windowMs: limits.windowMs });
    this.perUser = counter("user", limits.perUser);
    this.perAddress = counter("address", limits.perAddress);
  }

  /** Throws ThrottledError while the user or the address has used up its failures. */
  async refuseIfThrottled(user: string, address: string): Promise<void> {
    const [userWait, addressWait] = await Promise.all([
      this.perUser.retryAfterSeconds(user),
      this.perAddress.retryAfterSeconds(address),
    ]);
    const wait = Math.max(userWait, addressWait);
    if (wait > 0) throw new ThrottledError(wait);
  }

  async recordFailure(user: string, address: string): Promise<void> {
    await Promise.all([this.perUser.recordFailure(user), this.perAddress.recordFailure(address)]);
  }
}
