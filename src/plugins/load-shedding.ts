import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Config } from "../config.js";
import { callerPresence } from "../db/transactions.js";
import { Errors } from "../errors.js";
import { METRICS_PATH } from "../metrics/endpoint.js";

/** Routes never shed: probes and scrapes, which must keep answering while the instance is overloaded. */
const EXEMPT = new Set(["/health", "/ready", METRICS_PATH]);

/**
 * Sheds load before it queues: while more requests wait for a pooled connection than DATABASE_QUEUE_LIMIT, a new
 * request is answered 503 with Retry-After (in its API's error format) before doing anything. Queueing without
 * bound only makes every request late, each past its caller's own timeout, and then the work is wasted.
 *
 * It also tells the database layer whether the request's caller is still there (callerPresence), so a request
 * whose caller hung up while it waited does not begin its transaction.
 */
export default fp<{ config: Pick<Config, "DATABASE_POOL_SIZE" | "DATABASE_QUEUE_LIMIT"> }>(
  async function loadShedding(app: FastifyInstance, { config }) {
    // Ten waiting per connection: a burst (50 debits of one credit at once, say) queues; a backlog that cannot clear
    // within the connect timeout is shed.
    const queueLimit = config.DATABASE_QUEUE_LIMIT ?? 10 * config.DATABASE_POOL_SIZE;
    app.addHook("onRequest", (request, reply, done) => {
      const route = request.routeOptions.url;
      if (route !== undefined && !EXEMPT.has(route) && !route.startsWith("/docs") && app.db.poolStats().waiting >= queueLimit) {
        done(Errors.maintenance("The service is busy; try again shortly."));
        return;
      }
      // The response closes before it is finished only when the connection under it went away.
      const presence = { gone: () => reply.raw.destroyed && !reply.raw.writableFinished };
      callerPresence.run(presence, done);
    });
  },
  { name: "load-shedding", dependencies: ["database"] },
);
