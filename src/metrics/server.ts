import Fastify, { type FastifyInstance } from "fastify";
import type { Config } from "../config.js";
import { listenerOptions } from "../http/listener-options.js";
import errorHandler from "../plugins/error-handler.js";
import { metricsRoute } from "./endpoint.js";

/**
 * The listener of its own that serves `app`'s /metrics when METRICS_PORT is set: a port the load balancer does not
 * publish, for Prometheus only. Serves nothing else. The caller listens on it and closes it.
 */
export async function buildMetricsServer(app: FastifyInstance, config: Pick<Config, "METRICS_TOKEN">): Promise<FastifyInstance> {
  // The app's logger (redaction included) and the app's listener options, so both listeners' lines read alike and
  // both answer what their parser or router refuses in Kibo's body with a correlation id.
  const server = Fastify({ loggerInstance: app.log, ...listenerOptions() });
  await server.register(errorHandler);
  server.route(metricsRoute(app.metricsRegistry, config.METRICS_TOKEN));
  return server;
}
