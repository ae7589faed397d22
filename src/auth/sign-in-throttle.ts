import { ApiError } from "../errors.js";
import { FailureLimiter } from "./failure-limiter.js";

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

/**
 * Slows down key guessing for the APIs that sign in with a user and key (the loyalty API, Magento's SOAP login):
 * after too many failures for one user, or from one address, attempts are refused before any key is checked.
 */
export class SignInThrottle {
  private readonly perUser: FailureLimiter;
  private readonly perAddress: FailureLimiter;

  constructor(limits: SignInLimits) {
    this.perUser = new FailureLimiter({ max: limits.perUser, windowMs: limits.windowMs });
    this.perAddress = new FailureLimiter({ max: limits.perAddress, windowMs: limits.windowMs });
  }

  /** Throws ThrottledError while the user or the address has used up its failures. */
  refuseIfThrottled(user: string, address: string): void {
    const wait = Math.max(this.perUser.retryAfterSeconds(user), this.perAddress.retryAfterSeconds(address));
    if (wait > 0) throw new ThrottledError(wait);
  }

  recordFailure(user: string, address: string): void {
    this.perUser.recordFailure(user);
    this.perAddress.recordFailure(address);
  }
}
