import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { purgeExpiredIdempotencyKeys } from "../http/idempotency-purge.js";

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
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | undefined;
    let closed = false;

    async function purge(): Promise<void> {
      try {
        const deleted = await purgeExpiredIdempotencyKeys(app.db.prisma, { ttlHours });
        if (deleted > 0) app.log.info({ deleted, ttlHours }, "purged expired idempotency keys");
      } catch (error) {
        app.log.error({ err: error }, "purging expired idempotency keys failed");
      }
    }

    function schedule(delayMs: number): void {
      timer = setTimeout(() => {
        running = purge().finally(() => {
          running = undefined;
          if (!closed) schedule(intervalMs);
        });
      }, delayMs);
      // A pending purge is no reason to keep the process alive.
      timer.unref();
    }

    app.addHook("onReady", async () => {
      // The first purge at a random point of the first interval: replicas started together do not all purge at
      // once, and a process restarted more often than the interval still purges now and then.
      schedule(Math.random() * intervalMs);
    });
    // onClose hooks run in reverse order of registration, so this one finishes before the database closes.
    app.addHook("onClose", async () => {
      closed = true;
      clearTimeout(timer);
      await running;
    });
  },
  { name: "idempotency-purge", dependencies: ["database"] },
);
