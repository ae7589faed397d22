/**
 * What an API user signs in with: read by the parameters and checked by the authenticator. A leaf, so neither has to
 * import the other. How many failed sign-ins are tolerated is src/auth/sign-in-throttle.ts, shared with the SOAP login.
 */

/** What identifies the caller: the API user, its key and the loyalty account it signs in to. */
export interface ApiCredentials {
  accountCode: string;
  userId: string;
  key: string;
}
