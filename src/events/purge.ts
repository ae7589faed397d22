import { deleteCreatedBefore } from "../db/purge.js";
import type { PrismaClient } from "../generated/prisma/client.js";

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

/** Deletes every tenant's events older than the retention, in batches (deleteCreatedBefore); how many it deleted. */
export async function purgeOldEvents(prisma: PrismaClient, options: EventPurgeOptions): Promise<number> {
  return deleteCreatedBefore(prisma, "events", eventRetentionCutoff(options.retentionDays), options.batchSize);
}
