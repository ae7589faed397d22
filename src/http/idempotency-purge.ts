import { deleteCreatedBefore } from "../db/purge.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { idempotencyKeyCutoff } from "./idempotency.js";

export interface PurgeOptions {
  /** IDEMPOTENCY_KEY_TTL_HOURS: keys older than this are deleted. */
  ttlHours: number;
  batchSize?: number;
}

/** Deletes every tenant's expired idempotency keys, in batches (deleteCreatedBefore); how many it deleted. */
export async function purgeExpiredIdempotencyKeys(prisma: PrismaClient, options: PurgeOptions): Promise<number> {
  return deleteCreatedBefore(prisma, "idempotency_keys", idempotencyKeyCutoff(options.ttlHours), options.batchSize);
}
