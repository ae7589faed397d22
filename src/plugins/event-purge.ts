import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { purgeOldEvents } from "../events/purge.js";
import { schedulePurge } from "./periodic-purge.js";

export interface EventPurgePluginOptions {
  /** EVENT_RETENTION_DAYS. */
  retentionDays: number;
  /** Time between the end of one purge and the start of the next. */
  intervalMs: number;
}

/**
 * Deletes events past their retention in the background of this process, once the app is ready and then every
 * `intervalMs`, until the app closes. A failed purge is logged and tried again next time; it never stops the process.
 */
export default fp<EventPurgePluginOptions>(
  async function eventPurgePlugin(app: FastifyInstance, { retentionDays, intervalMs }) {
    schedulePurge(app, intervalMs, {
      run: () => purgeOldEvents(app.db.prisma, { retentionDays }),
      done: "purged old events",
      failed: "purging old events failed",
      fields: { retentionDays },
    });
  },
  { name: "event-purge", dependencies: ["database"] },
);
