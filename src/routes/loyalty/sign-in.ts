/**
 * What an API user signs in with and how many failed sign-ins are tolerated: read by the parameters, enforced by the
 * authenticator and stated in the OpenAPI description. A leaf, so none of those three has to import another.
 */

/** What identifies the caller: the API user, its key and the loyalty account it signs in to. */
export interface ApiCredentials {
  accountCode: string;
  userId: string;
  key: string;
}

/** Failed sign-ins allowed per window, per account and user and per client address. */
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
