import { verifyAgainstDecoy, verifySecret } from "../../auth/secrets.js";
import type { SignInThrottle } from "../../auth/sign-in-throttle.js";
import { Errors } from "../../errors.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { ApiCredentials } from "./sign-in.js";

/** The loyalty account an API user signed in to. */
export interface ApiAccount {
  id: number;
  tenantId: number;
}

// One message for a wrong user, key or account: the answer must not tell a guesser which part was right.
const INVALID_CREDENTIALS = "The user, API key or account is not valid.";

/**
 * Signs API users in to their loyalty account with a key compared against its scrypt hash, and throttles
 * guessing: after too many failures for one account and user, or from one address, attempts are refused with
 * 429 before any key is checked.
 */
export class ApiUserAuthenticator {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly throttle: SignInThrottle,
  ) {}

  /** The account the credentials open; throws ThrottledError (429) or UNAUTHORIZED (401). */
  async authenticate(credentials: ApiCredentials, address: string): Promise<ApiAccount> {
    const userKey = `${credentials.accountCode}\u0000${credentials.userId}`;
    await this.throttle.refuseIfThrottled(userKey, address);
    const account = await verifyApiUser(this.prisma, credentials);
    if (!account) {
      await this.throttle.recordFailure(userKey, address);
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
  // PostgreSQL text cannot hold NUL, which the database would refuse with an error: no stored user has one.
  if (credentials.userId.includes("\u0000") || credentials.accountCode.includes("\u0000")) {
    await verifyAgainstDecoy(credentials.key);
    return undefined;
  }
  const user = await prisma.loyaltyApiUser.findFirst({
    where: { userId: credentials.userId, account: { accountCode: credentials.accountCode } },
    select: { keyHash: true, revokedAt: true, account: { select: { id: true, tenantId: true } } },
  });
  const matches = user ? await verifySecret(credentials.key, user.keyHash) : await verifyAgainstDecoy(credentials.key);
  return user && matches && !user.revokedAt ? user.account : undefined;
}
