import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/app.js";
import { type Config, loadConfig } from "../../src/config.js";
import type { Database } from "../../src/db/database.js";
import { loggerOptions } from "../../src/logger.js";
import { TEST_KEYS } from "./auth.js";
import { checkResponsesAgainstOpenApi } from "./openapi-conformance.js";

/**
 * Configuration for tests: defaults plus whatever a test overrides; never the developer's environment. No background
 * idempotency purge or delivery loop unless a test asks for one: they would run queries of their own in the middle
 * of other tests.
 */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    EMBEDDED_DATA_DIR: "memory://",
    IDEMPOTENCY_PURGE_INTERVAL_MINUTES: "0",
    // Likewise no delivery loop: a test of deliveries starts one itself (EVENT_DELIVERY_CONCURRENCY) or drives the job.
    EVENT_DELIVERY_CONCURRENCY: "0",
    ...TEST_KEYS,
    ...env,
    // Production requires a database; buildTestApp hands the app its own, so this one is never connected.
    ...(env["NODE_ENV"] === "production" && !env["DATABASE_URL"] ? { DATABASE_URL: "postgresql://unused@127.0.0.1/unused" } : {}),
    // And a mail server: a test that sends mail names its own.
    ...(env["NODE_ENV"] === "production" && !env["SMTP_URL"] && !env["MAIL_DISABLED"] ? { MAIL_DISABLED: "true" } : {}),
  });
}

/** Builds the app on a test-owned database with logging off; every response is checked against the OpenAPI document. */
export async function buildTestApp(database: Database, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const app = await buildApp(testConfig(env), { database, logger: false });
  checkResponsesAgainstOpenApi(app);
  return app;
}

/** Builds the app with Tally's real logger options writing JSON lines into `lines`. */
export async function buildLoggedApp(
  database: Database,
  lines: Record<string, unknown>[],
  env: Record<string, string> = {},
): Promise<FastifyInstance> {
  const config = testConfig({ LOG_LEVEL: "info", ...env });
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  const options = loggerOptions(config) as Record<string, unknown>;
  const app = await buildApp(config, { database, logger: { ...options, stream } });
  checkResponsesAgainstOpenApi(app);
  return app;
}
