import type { PrismaClient } from "../generated/prisma/client.js";

/** Rows per DELETE: each statement stays short, holding few row locks and no long transaction. */
export const EVENT_PURGE_BATCH_SIZE = 1_000;

const DAY_MS = 86_400_000;

export interface EventPurgeOptions {
  /** EVENT_RETENTION_DAYS: events written longer ago than this are deleted. */
  retentionDays: number;
  batchSize?: number;
}

/** The creation time before which an event is past its retention. */
export function eventRetentionCutoff(retentionDays: number, now = Date.now()): Date {
  return new Date(now - retentionDays * DAY_MS);
}

/**
 * Deletes every tenant's events older than the retention, `batchSize` rows per statement until one deletes fewer, and
 * returns how many it deleted. Rows another purge has locked are skipped rather than waited for, so replicas purging
 * at once split the rows between them (as purgeExpiredIdempotencyKeys does).
 */
export async function purgeOldEvents(prisma: PrismaClient, options: EventPurgeOptions): Promise<number> {
  const cutoff = eventRetentionCutoff(options.retentionDays);
  const batchSize = options.batchSize ?? EVENT_PURGE_BATCH_SIZE;
  let deleted = 0;
  for (;;) {
    // Raw SQL: Prisma can neither bound a delete nor skip locked rows. events_created_at_idx finds the old rows.
    const batch = await prisma.$executeRaw`
      DELETE FROM "events" WHERE "id" IN (
        SELECT "id" FROM "events" WHERE "created_at" < ${cutoff} LIMIT ${batchSize} FOR UPDATE SKIP LOCKED
      )`;
    deleted += batch;
    if (batch < batchSize) return deleted;
  }
}
