import { Prisma, type PrismaClient } from "../generated/prisma/client.js";

/** Rows per DELETE: each statement stays short, holding few row locks and no long transaction. */
export const PURGE_BATCH_SIZE = 1_000;

/** The tables purged by age: each has an `id` key and an index on `created_at`. */
export type PurgedTable = "idempotency_keys" | "events";

/**
 * Deletes every tenant's rows of `table` created before `cutoff`, `batchSize` rows per statement until one deletes
 * fewer, and returns how many it deleted. Rows another purge has locked are skipped rather than waited for, so purges
 * started at once by several replicas split the rows between them instead of queuing or failing.
 */
export async function deleteCreatedBefore(
  prisma: PrismaClient,
  table: PurgedTable,
  cutoff: Date,
  batchSize = PURGE_BATCH_SIZE,
): Promise<number> {
  // The name is one of PurgedTable's constants, never input: it is the only part written into the SQL text.
  const name = Prisma.raw(`"${table}"`);
  let deleted = 0;
  for (;;) {
    // Raw SQL: Prisma can neither bound a delete nor skip locked rows. No ORDER BY: the planner reaches old rows through
    // the created_at index when they are few and through the table when most are (faster then).
    const batch = await prisma.$executeRaw`
      DELETE FROM ${name} WHERE "id" IN (
        SELECT "id" FROM ${name} WHERE "created_at" < ${cutoff} LIMIT ${batchSize} FOR UPDATE SKIP LOCKED
      )`;
    deleted += batch;
    if (batch < batchSize) return deleted;
  }
}
