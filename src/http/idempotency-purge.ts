import type { PrismaClient } from "../generated/prisma/client.js";
import { idempotencyKeyCutoff } from "./idempotency.js";

/** Rows per DELETE: each statement stays short, holding few row locks and no long transaction. */
export const PURGE_BATCH_SIZE = 1_000;

export interface PurgeOptions {
  /** IDEMPOTENCY_KEY_TTL_HOURS: keys older than this are deleted. */
  ttlHours: number;
  batchSize?: number;
}

/**
 * Deletes every tenant's expired idempotency keys, `batchSize` rows per statement until one deletes fewer, and returns
 * how many it deleted. Rows another purge has locked are skipped rather than waited for, so purges started at once by
 * several replicas split the rows between them instead of queuing or failing.
 */
export async function purgeExpiredIdempotencyKeys(prisma: PrismaClient, options: PurgeOptions): Promise<number> {
  const cutoff = idempotencyKeyCutoff(options.ttlHours);
  const batchSize = options.batchSize ?? PURGE_BATCH_SIZE;
  let deleted = 0;
  for (;;) {
    // Raw SQL: Prisma can neither bound a delete nor skip locked rows. No ORDER BY: the planner reaches expired rows
    // through idempotency_keys_created_at_idx when they are few and through the table when most are (faster then).
    const batch = await prisma.$executeRaw`
      DELETE FROM "idempotency_keys" WHERE "id" IN (
        SELECT "id" FROM "idempotency_keys" WHERE "created_at" < ${cutoff} LIMIT ${batchSize} FOR UPDATE SKIP LOCKED
      )`;
    deleted += batch;
    if (batch < batchSize) return deleted;
  }
}
