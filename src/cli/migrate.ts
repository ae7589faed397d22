import { ConfigError, loadConfig } from "../config.js";
import { openCliDatabase } from "./database.js";
import { applyMigrations, readMigrations } from "../db/migrate.js";

/**
 * `npm run db:migrate`: applies pending migrations to DATABASE_MIGRATE_URL, else DATABASE_URL (or the embedded
 * database), and exits. The migration lock is session-level, so behind PgBouncer in transaction mode it must reach
 * PostgreSQL directly.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const target = config.DATABASE_MIGRATE_URL ? { ...config, DATABASE_URL: config.DATABASE_MIGRATE_URL } : config;
  const database = await openCliDatabase(target, "db:migrate");
  try {
    const migrations = readMigrations();
    const applied = await database.withSession((sql) => applyMigrations(sql, migrations));
    process.stdout.write(
      applied.length === 0
        ? `Database is up to date (${migrations.length} migrations).\n`
        : `Applied ${applied.length} migration(s):\n${applied.map((name) => `  ${name}\n`).join("")}`,
    );
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
  process.exit(1);
});
