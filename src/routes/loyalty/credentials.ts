import { verifyAgainstDecoy, verifySecret } from "../../auth/secrets.js";
import { ApiError, Errors } from "../../errors.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { FailureLimiter } from "./failure-limiter.js";
import type { ApiCredentials, SignInLimits } from "./sign-in.js";

/** The loyalty account an API user signed in to. */
export interface ApiAccount {
  id: number;
  tenantId: number;
}

/** Refused because of earlier failures; the caller may try again after `retryAfterSeconds`. */
export class ThrottledError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super("TOO_MANY_REQUESTS", `Too many failed sign-ins; retry in ${retryAfterSeconds} seconds.`);
  }
}

// One message for a wrong user, key or account: the answer must not tell a guesser which part was right.
const INVALID_CREDENTIALS = "The user, API key or account is not valid.";

/**
 * Signs API users in to their loyalty account with a key compared against its scrypt hash, and throttles
 * guessing: after too many failures for one account and user, or from one address, attempts are refused with
 * 429 before any key is checked.
 */
export class ApiUserAuthenticator {
  private readonly perUser: FailureLimiter;
  private readonly perAddress: FailureLimiter;

  constructor(
    private readonly prisma: PrismaClient,
    limits: SignInLimits,
  ) {
    this.perUser = new FailureLimiter({ max: limits.perUser, windowMs: limits.windowMs });
    this.perAddress = new FailureLimiter({ max: limits.perAddress, windowMs: limits.windowMs });
  }

  /** The account the credentials open; throws ThrottledError (429) or UNAUTHORIZED (401). */
  async authenticate(credentials: ApiCredentials, address: string): Promise<ApiAccount> {
    const userKey = `${credentials.accountCode}\u0000${credentials.userId}`;
    const wait = Math.max(this.perUser.retryAfterSeconds(userKey), this.perAddress.retryAfterSeconds(address));
    if (wait > 0) throw new ThrottledError(wait);
    const account = await verifyApiUser(this.prisma, credentials);
    if (!account) {
      this.perUser.recordFailure(userKey);
      this.perAddress.recordFailure(address);
      throw Errors.unauthorized(INVALID_CREDENTIALS);
    }
    return account;
  }
}

/**
 * Looks the user up by account code and user id in one query, so an unknown account and an unknown user take
 * the same path, then spends one scrypt check either way (against a decoy when there is no user). Unscoped by
 * tenant on purpose: the tenant is what these credentials establish.
 */
async function verifyApiUser(prisma: PrismaClient, credentials: ApiCredentials): Promise<ApiAccount | undefined> {
  const user = await prisma.loyaltyApiUser.findFirst({
    where: { userId: credentials.userId, account: { accountCode: credentials.accountCode } },
    select: { keyHash: true, revokedAt: true, account: { select: { id: true, tenantId: true } } },
  });
  const matches = user ? await verifySecret(credentials.key, user.keyHash) : await verifyAgainstDecoy(credentials.key);
  return user && matches && !user.revokedAt ? user.account : undefined;
}
