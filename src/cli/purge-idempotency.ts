import { ConfigError, loadConfig } from "../config.js";
import { purgeExpiredIdempotencyKeys } from "../http/idempotency-purge.js";
import { openCliDatabase } from "./database.js";

/**
 * `npm run db:purge-idempotency`: deletes idempotency keys older than IDEMPOTENCY_KEY_TTL_HOURS and exits, for
 * operators who run it from cron (with IDEMPOTENCY_PURGE_INTERVAL_MINUTES=0) instead of inside the server.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const database = await openCliDatabase(config, "db:purge-idempotency");
  try {
    const deleted = await purgeExpiredIdempotencyKeys(database.prisma, { ttlHours: config.IDEMPOTENCY_KEY_TTL_HOURS });
    process.stdout.write(`Deleted ${deleted} idempotency key(s) older than ${config.IDEMPOTENCY_KEY_TTL_HOURS} hours.\n`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
  process.exit(1);
});
