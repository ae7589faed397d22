import Fastify, { type FastifyInstance, LogController } from "fastify";
import type { Config } from "../config.js";
import errorHandler from "../plugins/error-handler.js";
import { metricsRoute } from "./endpoint.js";

/**
 * The listener of its own that serves `app`'s /metrics when METRICS_PORT is set: a port the load balancer does not
 * publish, for Prometheus only. Serves nothing else. The caller listens on it and closes it.
 */
export async function buildMetricsServer(app: FastifyInstance, config: Pick<Config, "METRICS_TOKEN">): Promise<FastifyInstance> {
  // The app's logger (redaction included) and its request id label, so both listeners' lines read alike.
  const server = Fastify({ loggerInstance: app.log, logController: new LogController({ requestIdLogLabel: "requestId" }) });
  await server.register(errorHandler);
  server.route(metricsRoute(app.metricsRegistry, config.METRICS_TOKEN));
  return server;
}
