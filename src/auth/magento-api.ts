import { createHash, randomBytes } from "node:crypto";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { isUniqueViolation } from "../db/transactions.js";
import { ApiFaults } from "../magento/index.js";
import { generateSecret, hashSecret, verifyAgainstDecoy, verifySecret } from "./secrets.js";

/**
 * Magento's API ACL resources Tally serves, as its `api.xml` files name them. They form a tree on `/`: granting a
 * resource grants everything below it, and `all` grants everything.
 */
export const MAGENTO_API_RESOURCES = [
  "all",
  "storecredit",
  "storecredit/balance",
  "storecredit/history",
  "sales",
  "sales/order",
  "sales/order/creditmemo",
  "sales/order/creditmemo/list",
  "sales/order/creditmemo/info",
  "sales/order/creditmemo/create",
  "sales/order/creditmemo/comment",
  "sales/order/creditmemo/cancel",
] as const;

export type MagentoApiResource = (typeof MAGENTO_API_RESOURCES)[number];

/** Whether a user granted `granted` may use `resource`: it, one of its ancestors, or `all` is granted. */
export function isGranted(granted: readonly string[], resource: string): boolean {
  if (granted.includes("all")) return true;
  const segments = resource.split("/");
  return segments.some((_, index) => granted.includes(segments.slice(0, index + 1).join("/")));
}

/** The names in `names` that are not ACL resources, in their order. */
export function unknownResources(names: readonly string[]): string[] {
  return names.filter((name) => !(MAGENTO_API_RESOURCES as readonly string[]).includes(name));
}

/** The user name is already taken (by any tenant: login names no tenant). */
export class UsernameTakenError extends Error {
  constructor(username: string) {
    super(`The Magento API user name ${JSON.stringify(username)} is already taken.`);
    this.name = "UsernameTakenError";
  }
}

const MAX_USERNAME_LENGTH = 100;

/**
 * 1–100 characters (the column's limit, counted as PostgreSQL counts them) and no control characters, which an XML
 * envelope cannot carry and PostgreSQL refuses (NUL) in a query.
 */
export function isValidUsername(username: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  return /^[^\u0000-\u001f\u007f]+$/u.test(username) && [...username].length <= MAX_USERNAME_LENGTH;
}

export interface NewApiUser {
  tenantId: number;
  username: string;
  resources: readonly string[];
  /** Only for demo data and tests: real keys are always generated. */
  apiKey?: string;
}

/**
 * Creates an API user; returns its name and key, which is stored only as a scrypt hash. Throws RangeError for an
 * invalid name or an unknown resource, UsernameTakenError when the name is in use.
 */
export async function createApiUser(
  prisma: PrismaClient | Prisma.TransactionClient,
  user: NewApiUser,
): Promise<{ username: string; apiKey: string }> {
  if (!isValidUsername(user.username)) {
    throw new RangeError(`A Magento API user name has 1 to ${MAX_USERNAME_LENGTH} characters and no control characters.`);
  }
  const unknown = unknownResources(user.resources);
  if (unknown.length > 0) throw new RangeError(`Unknown Magento API resource(s): ${unknown.join(", ")}`);
  const apiKey = user.apiKey ?? generateSecret();
  try {
    await prisma.magentoApiUser.create({
      data: {
        tenantId: user.tenantId,
        username: user.username,
        keyHash: await hashSecret(apiKey),
        resources: [...new Set(user.resources)],
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new UsernameTakenError(user.username);
    throw error;
  }
  return { username: user.username, apiKey };
}

/** Who a session belongs to: what every SOAP call after `login` runs as. */
export interface ApiSession {
  tenantId: number;
  userId: number;
  username: string;
  resources: string[];
}

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

// Each login deletes up to this many expired sessions of anyone's: a client that logs in for every call and never
// ends its sessions (common with Magento integrations) cannot grow the table, and no background job is needed.
const PURGE_ON_LOGIN = 10;

/**
 * Opens a session for the user whose key matches. Looked up across tenants by name — the tenant is what the
 * credentials establish — with one scrypt check either way (against a decoy for an unknown name), so the time taken
 * does not tell a guesser which names exist. A wrong name or key and a revoked user are Magento's fault 2
 * (`ApiFaults.accessDenied`), alike.
 */
export async function login(
  prisma: PrismaClient,
  username: string,
  apiKey: string,
  now: Date,
  ttlSeconds: number,
): Promise<ApiSession & { sessionId: string; expiresAt: Date }> {
  const user = isValidUsername(username)
    ? await prisma.magentoApiUser.findUnique({ where: { username } })
    : null;
  const matches = user ? await verifySecret(apiKey, user.keyHash) : await verifyAgainstDecoy(apiKey);
  if (!user || !matches || user.revokedAt) throw ApiFaults.accessDenied();

  // 128 random bits in Magento's own shape (32 hex digits, a PHP session id): clients that keep the id in a
  // 32-character field still work, and 2^128 ids cannot be guessed one request at a time.
  const sessionId = randomBytes(16).toString("hex");
  const expiresAt = expiryFrom(now, ttlSeconds);
  await prisma.magentoApiSession.create({ data: { userId: user.id, sessionHash: sha256(sessionId), expiresAt } });
  await purgeExpiredSessions(prisma, now, PURGE_ON_LOGIN);
  return { sessionId, expiresAt, tenantId: user.tenantId, userId: user.id, username: user.username, resources: user.resources };
}

interface SessionRow {
  id: bigint;
  expires_at: Date;
  user_id: number;
  tenant_id: number;
  username: string;
  resources: string[] | null;
  revoked_at: Date | null;
}

// A session is used for many calls in a row; moving its expiry at most this often keeps most calls read-only, at the
// price of a session expiring up to this much earlier than `ttlSeconds` after its last call.
const REFRESH_INTERVAL_MS = 60_000;

/**
 * The session `sessionId` names, if it is live at `now` and its user is not revoked; undefined otherwise (the caller
 * answers Magento's fault 5, the same for an unknown, expired or ended id). Use moves its expiry to
 * `now + ttlSeconds` (sliding, as Magento's), written at most once a minute per session. The stored expiry is what
 * counts: a session keeps the TTL it was last extended with.
 */
export async function resolveSession(
  prisma: PrismaClient,
  sessionId: string,
  now: Date,
  ttlSeconds: number,
): Promise<ApiSession | undefined> {
  // One statement for the session and its user: every SOAP call starts here, and Prisma's nested select would be two
  // round trips. Only the hash is compared, so the raw query needs no tenant: the session establishes it.
  const [row] = await prisma.$queryRaw<SessionRow[]>`
    SELECT s.id, s.expires_at, u.id AS user_id, u.tenant_id, u.username, u.resources, u.revoked_at
    FROM magento_api_sessions s JOIN magento_api_users u ON u.id = s.user_id
    WHERE s.session_hash = ${sha256(sessionId)}`;
  if (!row || row.expires_at <= now || row.revoked_at) return undefined;
  const expiresAt = expiryFrom(now, ttlSeconds);
  if (expiresAt.getTime() - row.expires_at.getTime() >= REFRESH_INTERVAL_MS) {
    // updateMany: a session ended meanwhile is left ended (no row, no error) instead of failing this call.
    await prisma.magentoApiSession.updateMany({ where: { id: BigInt(row.id) }, data: { expiresAt } });
  }
  return { tenantId: row.tenant_id, userId: row.user_id, username: row.username, resources: row.resources ?? [] };
}

/** Ends a session (`endSession`); whether the id named one that was not yet ended or purged. */
export async function endSession(prisma: PrismaClient, sessionId: string): Promise<boolean> {
  const { count } = await prisma.magentoApiSession.deleteMany({ where: { sessionHash: sha256(sessionId) } });
  return count > 0;
}

/**
 * Deletes up to `batchSize` sessions expired at `now` (one statement) and returns how many. Rows another purge has
 * locked are skipped, not waited for, so replicas purging at once split the rows between them.
 */
export async function purgeExpiredSessions(prisma: PrismaClient, now: Date, batchSize: number): Promise<number> {
  // Raw SQL: Prisma can neither bound a delete nor skip locked rows.
  return prisma.$executeRaw`
    DELETE FROM "magento_api_sessions" WHERE "id" IN (
      SELECT "id" FROM "magento_api_sessions" WHERE "expires_at" <= ${now} LIMIT ${batchSize} FOR UPDATE SKIP LOCKED
    )`;
}

function expiryFrom(now: Date, ttlSeconds: number): Date {
  return new Date(now.getTime() + ttlSeconds * 1000);
}
