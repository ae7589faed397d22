import type { PrismaClient } from "../generated/prisma/client.js";
import type { Database } from "./database.js";
import { applyMigrations, readMigrations } from "./migrate.js";

/** Loads a data set into an empty database and counts what it wrote (the demo seeder, handed in by the server entry). */
export type DatabaseSeeder = (prisma: PrismaClient) => Promise<Record<string, number>>;

/** Where the preparation reports its progress: the app's logger, or anything with pino's `info`. */
export interface PreparationLog {
  info(details: object, message: string): void;
  info(message: string): void;
}

/**
 * The embedded database needs no operator: it migrates itself at start and, on its first start, loads what `seed`
 * writes (the demo data, so a fresh checkout serves something useful). The seeder is handed in rather than imported,
 * so demo code and its faker stay out of the application's module graph.
 */
export async function prepareEmbeddedDatabase(
  database: Database,
  options: { seed?: DatabaseSeeder | undefined; log: PreparationLog },
): Promise<void> {
  const applied = await database.withSession((sql) => applyMigrations(sql, readMigrations()));
  if (applied.length > 0) options.log.info({ migrations: applied }, "embedded database migrated");
  if (!options.seed) return;
  const tenants = await database.prisma.tenant.count();
  if (tenants > 0) return;
  options.log.info("embedded database is empty: loading the demo data set (first start only)");
  const started = Date.now();
  const summary = await options.seed(database.prisma);
  options.log.info({ ...summary, ms: Date.now() - started }, "demo data loaded");
}
