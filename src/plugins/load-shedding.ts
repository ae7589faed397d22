import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Config } from "../config.js";
import { Errors } from "../errors.js";
import { METRICS_PATH } from "../metrics/endpoint.js";

/** Routes never shed: probes and scrapes, which must keep answering while the instance is overloaded. */
const EXEMPT = new Set(["/health", "/ready", METRICS_PATH]);

/**
 * Sheds load before it queues: while more requests wait for a pooled connection than DATABASE_QUEUE_LIMIT, a new
 * request is answered 503 with Retry-After (in its API's error format) before doing anything. Queueing without
 * bound only makes every request late, each past its caller's own timeout, and then the work is wasted.
 */
export default fp<{ config: Pick<Config, "DATABASE_POOL_SIZE" | "DATABASE_QUEUE_LIMIT"> }>(
  async function loadShedding(app: FastifyInstance, { config }) {
    // Ten waiting per connection: a burst (50 debits of one credit at once, say) queues; a backlog that cannot clear
    // within the connect timeout is shed.
    const queueLimit = config.DATABASE_QUEUE_LIMIT ?? 10 * config.DATABASE_POOL_SIZE;
    app.addHook("onRequest", (request, _reply, done) => {
      // The queue first: it is a number, where request.routeOptions builds an object on every read.
      if (app.db.poolStats().waiting >= queueLimit) {
        const route = request.routeOptions.url;
        if (route !== undefined && !EXEMPT.has(route) && !route.startsWith("/docs")) {
          done(Errors.maintenance("The service is busy; try again shortly."));
          return;
        }
      }
      done();
    });
  },
  { name: "load-shedding", dependencies: ["database"] },
);
