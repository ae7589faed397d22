import type { FastifyInstance } from "fastify";
import fastifyMetrics from "fastify-metrics";
import fp from "fastify-plugin";
import promClient, { type Registry } from "prom-client";
import type { Config } from "../config.js";
import { registerPoolGauges } from "../metrics/database.js";
import { metricsRoute } from "../metrics/endpoint.js";
import { LedgerMetrics } from "../metrics/ledger.js";

declare module "fastify" {
  interface FastifyInstance {
    /** This app's own Prometheus registry (never prom-client's global one: tests build many apps in one process). */
    metricsRegistry: Registry;
    /** Counts committed ledger rows; routes that write the ledger go through its countCommitted. */
    ledgerMetrics: LedgerMetrics;
  }
}

export interface MetricsPluginOptions {
  config: Pick<Config, "NODE_ENV" | "METRICS_TOKEN" | "METRICS_PORT">;
}

// Tally's requests take milliseconds; the loyalty report of a large campaign takes seconds.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Prometheus metrics: request durations per route pattern, method and status, Node process metrics, database pool
 * gauges and committed ledger rows. Register before the routes: only routes added after it are measured.
 */
export default fp<MetricsPluginOptions>(
  async function metricsPlugin(app: FastifyInstance, { config }) {
    const registry = new promClient.Registry();
    await app.register(fastifyMetrics.default, {
      promClient,
      // Served by metricsRoute instead, which reads this registry alone and can require a token.
      endpoint: null,
      defaultMetrics: { enabled: true, register: registry },
      routeMetrics: {
        enabled: { histogram: true, summary: false },
        overrides: {
          histogram: {
            help: "HTTP request duration in seconds, by method, route pattern and status code.",
            buckets: DURATION_BUCKETS,
            registers: [registry],
          },
          // fastify-metrics creates the summary even when it is off; registered nowhere, not in the global registry.
          summary: { registers: [] },
        },
      },
    });
    registerPoolGauges(registry, app.db);
    app.decorate("metricsRegistry", registry);
    app.decorate("ledgerMetrics", new LedgerMetrics(registry));
    if (servesMetricsOnMainPort(config)) app.route(metricsRoute(registry, config.METRICS_TOKEN));
  },
  { name: "metrics", dependencies: ["database"] },
);

/** The main port serves /metrics unless METRICS_PORT gives it a listener of its own; in production only behind a token. */
function servesMetricsOnMainPort(config: MetricsPluginOptions["config"]): boolean {
  if (config.METRICS_PORT !== 0) return false;
  return config.METRICS_TOKEN !== undefined || config.NODE_ENV !== "production";
}
