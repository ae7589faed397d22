import { createHash } from "node:crypto";
import type { TenantDb } from "../db/tenant-scope.js";
import { isUniqueViolation, TRANSACTION_OPTIONS, type TenantTx } from "../db/transactions.js";
import { ApiError, Errors } from "../errors.js";
import { Prisma } from "../generated/prisma/client.js";

/** A response worth storing: its status and its JSON body exactly as sent. */
export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

export interface IdempotentResult extends StoredResponse {
  /** True when the response is the stored answer to an earlier request with the same key. */
  replayed: boolean;
}

export interface IdempotencyRequest {
  tenantId: number;
  /** Who sent the request (see actorName): keys of different callers never meet. */
  actor: string;
  /** The `Idempotency-Key` header; undefined runs the effect once, unprotected. */
  key: string | undefined;
  /** Method and route, e.g. `POST /api/commerce/customer/credits/:code/transactions`. */
  operation: string;
  /** Everything that makes the request what it is (params, query, body); a retry must send the same. */
  request: unknown;
  /** IDEMPOTENCY_KEY_TTL_HOURS: a stored key older than this is forgotten. */
  ttlHours: number;
}

/** Thrown inside the transaction when a concurrent twin already stored the key, so the transaction rolls back. */
class KeyTaken extends Error {}

/**
 * Runs `effect` in one database transaction and, when a key is given, stores its response in that same transaction.
 * A retry with the same key and request gets the stored response without running the effect again; the same key
 * with another request is a 409. The key row is inserted before the effect runs: a concurrent twin blocks on the
 * unique index (tenant, actor, key) until the first commits, then fails, rolls back and replays the stored answer —
 * so the effect applies once however many twins race.
 *
 * The first answer is the answer for the key, as with Stripe's keys: a refusal the operation itself gives (an ApiError
 * with a 4xx status, such as 409 for a debit larger than the balance, or 404 for a credit that does not exist) is
 * stored like a success, with the effect's writes rolled back to a savepoint, and a retry replays it, even after a
 * top-up would let the debit through. A caller told "declined" must never find the charge applied later by a retry
 * it did not see through; a new attempt takes a new key. Failures that are not answers are not stored, so a retry runs
 * again: 429 and 5xx (a lock or statement timeout, the database gone: nothing was applied), and errors of Prisma or
 * the database, which the error handler maps. A key older than `request.ttlHours` is forgotten, whether or not the
 * purge has removed its row yet: the request is new.
 */
export async function withIdempotency(
  db: TenantDb,
  request: IdempotencyRequest,
  effect: (tx: TenantTx) => Promise<StoredResponse>,
): Promise<IdempotentResult> {
  const { key } = request;
  if (key === undefined) {
    return { ...(await db.$transaction((tx) => effect(tx), TRANSACTION_OPTIONS)), replayed: false };
  }
  const requestHash = hashRequest(request.operation, request.request);
  const liveSince = idempotencyKeyCutoff(request.ttlHours);
  const earlier = await findStored(db, request.actor, key);
  if (earlier && earlier.createdAt >= liveSince) return replay(earlier, requestHash, key);

  const identity = { tenantId: request.tenantId, actor: request.actor, key };
  let outcome: { response: IdempotentResult } | { refusal: ApiError };
  try {
    outcome = await db.$transaction(async (tx) => {
      // The expired row still holds the key in the unique index; a twin doing the same waits here, finds it gone and
      // then meets this request's row.
      if (earlier) await tx.idempotencyKey.deleteMany({ where: { actor: request.actor, key, createdAt: { lt: liveSince } } });
      try {
        await tx.idempotencyKey.create({
          data: { ...identity, operation: request.operation, requestHash, statusCode: 0, responseBody: {} },
        });
      } catch (error) {
        throw isUniqueViolation(error) ? new KeyTaken() : error;
      }
      await tx.$executeRaw`SAVEPOINT idempotent_effect`;
      let result: { response: IdempotentResult } | { refusal: ApiError };
      let stored: StoredResponse;
      try {
        const response = await effect(tx);
        result = { response: { ...response, replayed: false } };
        stored = response;
      } catch (error) {
        if (!isRefusal(error)) throw error;
        await tx.$executeRaw`ROLLBACK TO SAVEPOINT idempotent_effect`;
        result = { refusal: error };
        stored = { statusCode: error.statusCode, body: error.toBody() };
      }
      await tx.idempotencyKey.update({
        where: { tenantId_actor_key: identity },
        data: { statusCode: stored.statusCode, responseBody: toJson(stored.body) },
      });
      return result;
    }, TRANSACTION_OPTIONS);
  } catch (error) {
    if (!(error instanceof KeyTaken)) throw error;
    const winner = await findStored(db, request.actor, key);
    if (!winner) throw Errors.conflict(`A request with Idempotency-Key '${key}' is still being processed; retry shortly.`);
    return replay(winner, requestHash, key);
  }
  // Thrown, not returned, so the first refusal is answered and logged by the error handler like any other.
  if ("refusal" in outcome) throw outcome.refusal;
  return outcome.response;
}

/** An answer the operation gave, which a retry with the key must get again (see withIdempotency). */
function isRefusal(error: unknown): error is ApiError {
  return error instanceof ApiError && error.statusCode >= 400 && error.statusCode < 500 && error.statusCode !== 429;
}

interface StoredKey {
  requestHash: string;
  operation: string;
  statusCode: number;
  responseBody: unknown;
  createdAt: Date;
}

function findStored(db: TenantDb, actor: string, key: string): Promise<StoredKey | null> {
  return db.idempotencyKey.findFirst({
    where: { actor, key },
    select: { requestHash: true, operation: true, statusCode: true, responseBody: true, createdAt: true },
  });
}

/** The creation time before which an idempotency key has expired. */
export function idempotencyKeyCutoff(ttlHours: number): Date {
  return new Date(Date.now() - ttlHours * 3_600_000);
}

function replay(stored: StoredKey, requestHash: string, key: string): IdempotentResult {
  if (stored.requestHash !== requestHash) {
    throw Errors.conflict(
      `Idempotency-Key '${key}' was already used for a different request (${stored.operation}); use a new key for a new request.`,
      { parameter: "Idempotency-Key" },
    );
  }
  return { statusCode: stored.statusCode, body: stored.responseBody, replayed: true };
}

/** SHA-256 of the operation and the request, with object keys sorted so that property order does not matter. */
export function hashRequest(operation: string, request: unknown): string {
  return createHash("sha256").update(canonicalJson({ operation, request })).digest("hex");
}

/** An item of canonicalJson's work list: a value still to write, or text to write as it is. */
type CanonicalPart = { value: unknown } | { text: string };

/**
 * JSON with object keys sorted and undefined properties left out. Iterative, with an explicit work list: a body
 * nested thousands of levels deep (a few KB of `[[[…]]]`) would overflow a recursive writer.
 */
function canonicalJson(root: unknown): string {
  const out: string[] = [];
  const work: CanonicalPart[] = [{ value: root }];
  for (let part = work.pop(); part !== undefined; part = work.pop()) {
    if ("text" in part) {
      out.push(part.text);
      continue;
    }
    const { value } = part;
    let opened: CanonicalPart[] | undefined;
    if (Array.isArray(value)) {
      opened = [{ text: "[" }, ...value.flatMap((child, index) => separated(index, { value: child })), { text: "]" }];
    } else if (value !== null && typeof value === "object") {
      const entries = Object.entries(value)
        .filter(([, child]) => child !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      opened = [
        { text: "{" },
        ...entries.flatMap(([name, child], index) => separated(index, { text: `${JSON.stringify(name)}:` }, { value: child })),
        { text: "}" },
      ];
    } else {
      out.push(JSON.stringify(value) ?? "null");
    }
    // Pushed in reverse, so they come off the list in writing order.
    if (opened) for (let index = opened.length - 1; index >= 0; index -= 1) work.push(opened[index] as CanonicalPart);
  }
  return out.join("");
}

function separated(index: number, ...parts: CanonicalPart[]): CanonicalPart[] {
  return index === 0 ? parts : [{ text: "," }, ...parts];
}

function toJson(body: unknown): Prisma.InputJsonValue | typeof Prisma.JsonNull {
  return body === undefined || body === null ? Prisma.JsonNull : (body as Prisma.InputJsonValue);
}
