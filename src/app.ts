import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { Config } from "./config.js";
import { type Database, openDatabase } from "./db/database.js";
import { transactionLimits } from "./db/transactions.js";
import { type DatabaseSeeder, prepareEmbeddedDatabase } from "./db/embedded.js";
import { parseJsonBodiesOnly } from "./http/json-body.js";
import { listenerOptions } from "./http/listener-options.js";
import { requestValidation } from "./http/validators.js";
import { loggerOptions } from "./logger.js";
import databasePlugin from "./plugins/database.js";
import deliveryWorker from "./plugins/delivery-worker.js";
import authPlugin from "./plugins/auth.js";
import docsPlugin from "./plugins/docs.js";
import errorHandler from "./plugins/error-handler.js";
import requestContextPlugin from "./plugins/request-context.js";
import eventPurgePlugin from "./plugins/event-purge.js";
import idempotencyPurgePlugin from "./plugins/idempotency-purge.js";
import loadShedding from "./plugins/load-shedding.js";
import metricsPlugin from "./plugins/metrics.js";
import openApiPlugin from "./plugins/openapi.js";
import rateLimitPlugin from "./plugins/rate-limit.js";
import redisPlugin from "./plugins/redis.js";
import creditmemoRoutes from "./routes/creditmemos/index.js";
import creditRoutes from "./routes/credits/index.js";
import eventRoutes from "./routes/events/index.js";
import healthRoutes from "./routes/health/index.js";
import loyaltyRoutes from "./routes/loyalty/index.js";
import platformRoutes from "./routes/platform/index.js";
import soapRoutes from "./routes/soap/index.js";
import storeCreditRoutes from "./routes/storecredit/index.js";

export interface AppOverrides {
  /** An already open database; the caller keeps ownership and closes it. */
  database?: Database;
  /**
   * Fills an embedded database this app opens itself on its first start (the server entry hands in the demo seeder
   * when EMBEDDED_SEED_DEMO is on). Without it the embedded database is only migrated.
   */
  seedEmbedded?: DatabaseSeeder | undefined;
  /** Replaces the pino logger configuration (tests pass `false` or a stream-backed logger). */
  logger?: FastifyServerOptions["logger"];
  loggerInstance?: FastifyServerOptions["loggerInstance"];
}

/** Builds the Tally application from its configuration. Does not listen and never reads process.env. */
export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(overrides.loggerInstance
      ? { loggerInstance: overrides.loggerInstance }
      : { logger: overrides.logger ?? loggerOptions(config) }),
    trustProxy: config.TRUST_PROXY,
    bodyLimit: config.BODY_LIMIT_BYTES,
    ...listenerOptions(),
    schemaController: requestValidation,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  }).withTypeProvider<TypeBoxTypeProvider>();
  parseJsonBodiesOnly(app);

  const ownsDatabase = overrides.database === undefined;
  const database =
    overrides.database ??
    (await openDatabase({
      url: config.DATABASE_URL,
      poolSize: config.DATABASE_POOL_SIZE,
      connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
      dataDir: config.EMBEDDED_DATA_DIR,
      socketPort: config.EMBEDDED_SOCKET_PORT || undefined,
      onConnectionError: (error) => app.log.warn({ err: error }, "database connection lost"),
      preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
      onPreparedStatementsRefused: (error) =>
        app.log.warn(
          { err: error },
          "the database refused a prepared statement (a transaction pooler that cannot track them?): reads run unprepared from now on; set DATABASE_PREPARED_STATEMENTS=false to say so at start",
        ),
      limits: transactionLimits(config),
    }));
  if (ownsDatabase && database.kind === "embedded") {
    await prepareEmbeddedDatabase(database, { seed: overrides.seedEmbedded, log: app.log });
  }

  await app.register(openApiPlugin);
  await app.register(databasePlugin, { database, closeOnShutdown: ownsDatabase });
  // Shared counters: the rate limiter's, and the loyalty and SOAP sign-in throttles' (app.redis).
  await app.register(redisPlugin, { config });
  await app.register(import("./plugins/schema-gate.js"));
  app.decorate("idempotencyKeyTtlHours", config.IDEMPOTENCY_KEY_TTL_HOURS);
  if (config.IDEMPOTENCY_PURGE_INTERVAL_MINUTES > 0) {
    await app.register(idempotencyPurgePlugin, {
      ttlHours: config.IDEMPOTENCY_KEY_TTL_HOURS,
      intervalMs: config.IDEMPOTENCY_PURGE_INTERVAL_MINUTES * 60_000,
    });
    await app.register(eventPurgePlugin, {
      retentionDays: config.EVENT_RETENTION_DAYS,
      intervalMs: config.IDEMPOTENCY_PURGE_INTERVAL_MINUTES * 60_000,
    });
  }
  if (config.EVENT_DELIVERY_CONCURRENCY > 0) await app.register(deliveryWorker, { config });
  await app.register(errorHandler);
  // After the error handler, which /metrics answers its 401 with; before every route, since only later ones are measured.
  await app.register(metricsPlugin, { config });
  await app.register(loadShedding, { config });
  await app.register(requestContextPlugin);
  await app.register(authPlugin, { config });
  // Before the rate limiter, which only limits routes added after it: reading the docs spends no caller's budget.
  if (config.DOCS_ENABLED) await app.register(docsPlugin);
  await app.register(rateLimitPlugin, { config });
  await app.register(healthRoutes);
  await app.register(platformRoutes, { config });
  await app.register(creditRoutes);
  await app.register(loyaltyRoutes);
  await app.register(storeCreditRoutes);
  await app.register(creditmemoRoutes);
  await app.register(eventRoutes, { config });
  await app.register(soapRoutes, { config });
  return app;
}
