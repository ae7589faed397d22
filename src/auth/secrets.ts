import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

// scrypt cost: ~50 ms per check on one core here, slow enough against guessing, fast enough for a token request.
const COST = { N: 16_384, r: 8, p: 1 };
const KEY_LENGTH = 32;

/** A salted scrypt hash of a secret, self-describing: `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(secret, salt, KEY_LENGTH, { ...COST, maxmem: 64 * 1024 * 1024 });
  return ["scrypt", COST.N, COST.r, COST.p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

/** Whether `secret` matches a hash from hashSecret; constant-time in the comparison. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await scrypt(secret, Buffer.from(salt, "base64url"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

// Verified against when the client id is unknown, so a wrong id costs as long as a wrong secret.
let decoyHash: Promise<string> | undefined;

/** Spends the same time as a real check, for callers whose account does not exist. */
export async function verifyAgainstDecoy(secret: string): Promise<false> {
  decoyHash ??= hashSecret(randomBytes(16).toString("hex"));
  await verifySecret(secret, await decoyHash);
  return false;
}

/** A random secret for a new credential: 32 bytes, base64url. */
export function generateSecret(): string {
  return randomBytes(32).toString("base64url");
}
