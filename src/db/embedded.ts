import type { FastifyBaseLogger } from "fastify";
import type { Database } from "./database.js";
import { applyMigrations, readMigrations } from "./migrate.js";
import { seedDemoData } from "../demo/seed.js";

/**
 * The embedded database needs no operator: it migrates itself at start and, on its first start,
 * loads the demo data so a fresh checkout serves something useful.
 */
export async function prepareEmbeddedDatabase(
  database: Database,
  options: { seedDemo: boolean; log: FastifyBaseLogger },
): Promise<void> {
  const applied = await database.withSession((sql) => applyMigrations(sql, readMigrations()));
  if (applied.length > 0) options.log.info({ migrations: applied }, "embedded database migrated");
  if (!options.seedDemo) return;
  const tenants = await database.prisma.tenant.count();
  if (tenants > 0) return;
  options.log.info("embedded database is empty: loading the demo data set (first start only)");
  const started = Date.now();
  const summary = await seedDemoData(database.prisma);
  options.log.info({ ...summary, ms: Date.now() - started }, "demo data loaded");
}
