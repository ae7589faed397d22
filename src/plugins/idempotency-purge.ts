import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { purgeExpiredIdempotencyKeys } from "../http/idempotency-purge.js";
import { schedulePurge } from "./periodic-purge.js";

export interface IdempotencyPurgePluginOptions {
  /** IDEMPOTENCY_KEY_TTL_HOURS. */
  ttlHours: number;
  /** Time between the end of one purge and the start of the next. */
  intervalMs: number;
}

/**
 * Purges expired idempotency keys in the background of this process, once the app is ready and then every
 * `intervalMs`, until the app closes. A failed purge is logged and tried again next time; it never stops the process.
 */
export default fp<IdempotencyPurgePluginOptions>(
  async function idempotencyPurgePlugin(app: FastifyInstance, { ttlHours, intervalMs }) {
    schedulePurge(app, intervalMs, {
      run: () => purgeExpiredIdempotencyKeys(app.db.prisma, { ttlHours }),
      done: "purged expired idempotency keys",
      failed: "purging expired idempotency keys failed",
      fields: { ttlHours },
    });
  },
  { name: "idempotency-purge", dependencies: ["database"] },
);
