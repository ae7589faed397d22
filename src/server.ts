import closeWithGrace from "close-with-grace";
import { buildApp } from "./app.js";
import { withDevelopmentKeys } from "./auth/keys.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import type { DatabaseSeeder } from "./db/embedded.js";
import { developmentBanner } from "./dev-banner.js";
import { buildMetricsServer } from "./metrics/server.js";

/** Entry point: the only place that reads process.env and listens. */
async function main(): Promise<void> {
  const config = withDevelopmentKeys(loadConfig(process.env));
  const app = await buildApp(config, { seedEmbedded: demoSeeder(config) });
  const metricsServer = config.METRICS_PORT ? await buildMetricsServer(app, config) : undefined;
  closeWithGrace({ delay: config.SHUTDOWN_TIMEOUT_MS }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, "shutting down after an unhandled error");
    else app.log.info({ signal }, "shutting down: finishing in-flight requests");
    await app.close();
    await metricsServer?.close();
  });
  // The metrics listener first, so a taken METRICS_PORT stops the process before the API takes any traffic.
  await metricsServer?.listen({ port: config.METRICS_PORT, host: config.METRICS_HOST ?? config.HOST });
  await app.listen({ port: config.PORT, host: config.HOST });
  const banner = await developmentBanner(app, config);
  if (banner) process.stdout.write(`${banner}\n`);
}

/**
 * The demo data set for a first start on the embedded database, unless EMBEDDED_SEED_DEMO is off. The demo code (and
 * faker) is imported only when a seed actually runs, so no other start loads it.
 */
function demoSeeder(config: Config): DatabaseSeeder | undefined {
  if (!config.EMBEDDED_SEED_DEMO) return undefined;
  return async (prisma) => (await import("./demo/seed.js")).seedDemoData(prisma);
}

main().catch((error: unknown) => {
  // A bad configuration is an operator's mistake: say what to fix, without a stack trace.
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `Tally failed to start: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
