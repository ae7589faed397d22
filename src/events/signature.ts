import { createHash } from "node:crypto";

/**
 * Kibo's push signature (`x-vol-hmac-sha256`): base64(sha256(signingKey + date + body)), where signingKey is
 * base64(sha256(secret + secret)) (src/auth/secret-box.ts pushSigningKey) and date is the `Date` header as sent.
 * `mozu-node-sdk/security/is-request-valid` recomputes exactly this from the shared secret.
 */
export function pushSignature(signingKey: string, date: string, body: string): string {
  return createHash("sha256").update(signingKey, "utf8").update(date, "utf8").update(body, "utf8").digest("base64");
}
