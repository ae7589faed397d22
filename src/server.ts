// First: V8 settings that must hold before any other module allocates.
import "./gc-settings.js";
import closeWithGrace from "close-with-grace";
import { pino } from "pino";
import { buildApp } from "./app.js";
import { withDevelopmentKeys } from "./auth/keys.js";
import { signingKeySealer } from "./auth/secret-box.js";
import type { FastifyInstance } from "fastify";
import { type Config, ConfigError, StartupError, loadConfig, portInUse } from "./config.js";
import { DataDirLockedError } from "./db/data-dir-lock.js";
import type { DatabaseSeeder } from "./db/embedded.js";
import { developmentBanner } from "./dev-banner.js";
import { loggerOptions } from "./logger.js";
import { buildMetricsServer } from "./metrics/server.js";

/** Entry point: the only place that reads process.env and listens. */
async function main(): Promise<void> {
  const config = withDevelopmentKeys(loadConfig(process.env));
  const app = await buildApp(config, { seedEmbedded: demoSeeder(config), logger: { ...loggerOptions(config), stream: logDestination() } });
  const metricsServer = config.METRICS_PORT ? await buildMetricsServer(app, config) : undefined;
  closeWithGrace({ delay: config.SHUTDOWN_TIMEOUT_MS }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, "shutting down after an unhandled error");
    else app.log.info({ signal }, "shutting down: finishing in-flight requests");
    await app.close();
    await metricsServer?.close();
  });
  try {
    // The metrics listener first, so a taken METRICS_PORT stops the process before the API takes any traffic.
    if (metricsServer) await listen(metricsServer, "METRICS_PORT", config.METRICS_HOST ?? config.HOST, config.METRICS_PORT);
    await listen(app, "PORT", config.HOST, config.PORT);
  } catch (error) {
    // Closing releases the embedded data directory and its socket before the process reports and exits.
    await app.close();
    await metricsServer?.close();
    throw error;
  }
  const banner = await developmentBanner(app, config);
  if (banner) process.stdout.write(`${banner}\n`);
}

async function listen(server: FastifyInstance, variable: "PORT" | "METRICS_PORT", host: string, port: number): Promise<void> {
  try {
    await server.listen({ port, host });
  } catch (error) {
    throw (error as NodeJS.ErrnoException).code === "EADDRINUSE" ? portInUse(variable, host, port, error) : error;
  }
}

/**
 * Standard output, written asynchronously in blocks of up to 8 KB, and at least every half second: a write per log
 * line was the largest share of a fast request's CPU after its sockets (measured with npm run bench, one system call
 * a line). pino flushes what is left when the process exits; a SIGKILL can lose the last half second.
 */
function logDestination() {
  const destination = pino.destination({ dest: 1, sync: false, minLength: LOG_BLOCK_BYTES });
  // With a callback, a flush after the exit handler closed the stream reports instead of throwing.
  setInterval(() => destination.flush(() => {}), LOG_FLUSH_MS).unref();
  return destination;
}

const LOG_BLOCK_BYTES = 8_192;
const LOG_FLUSH_MS = 500;

/**
 * The demo data set for a first start on the embedded database, unless EMBEDDED_SEED_DEMO is off. The demo code (and
 * faker) is imported only when a seed actually runs, so no other start loads it.
 */
function demoSeeder(config: Config): DatabaseSeeder | undefined {
  if (!config.EMBEDDED_SEED_DEMO) return undefined;
  // Sealed with the server's own EVENT_SECRET_KEYS, so the demo applications can subscribe before any token request.
  return async (prisma) => (await import("./demo/seed.js")).seedDemoData(prisma, { sealer: signingKeySealer(config) });
}

main().catch((error: unknown) => {
  // A bad configuration, a taken port or a held data directory is an operator's to fix: say what, without a stack.
  const operators = error instanceof ConfigError || error instanceof StartupError || error instanceof DataDirLockedError;
  process.stderr.write(operators ? `${error.message}\n` : `Tally failed to start: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
