import { type Database, openDatabase } from "../../src/db/database.js";
import { applyMigrations, readMigrations } from "../../src/db/migrate.js";

/** The PostgreSQL server tests run against, or undefined for the embedded PGlite database. */
export function testServerUrl(): string | undefined {
  return process.env["TEST_DATABASE_URL"] || process.env["DATABASE_URL"] || undefined;
}

/** Replaces the database name in a PostgreSQL URL. */
export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** The database of this Jest worker in this test run, cloned by global-setup from a migrated template. */
export function workerDatabaseName(): string {
  return `tally_test_${process.env["TALLY_TEST_RUN"] ?? "local"}_w${process.env["JEST_WORKER_ID"] ?? "1"}`;
}

/**
 * Opens this worker's own database: on PostgreSQL the worker's clone of the migrated template,
 * otherwise a fresh in-memory PGlite migrated from scratch.
 */
export async function openTestDatabase(options: { poolSize?: number } = {}): Promise<Database> {
  const server = testServerUrl();
  if (server) {
    return openDatabase({
      url: withDatabaseName(server, workerDatabaseName()),
      poolSize: options.poolSize ?? 10,
      connectTimeoutMs: 5_000,
      dataDir: "memory://",
    });
  }
  const database = await openDatabase({ dataDir: "memory://", poolSize: 1, connectTimeoutMs: 5_000 });
  await database.withSession((sql) => applyMigrations(sql, readMigrations()));
  return database;
}

/** Empties every table so the next test starts from nothing; keeps the migration history. */
export async function resetDatabase(database: Database): Promise<void> {
  await database.withSession(async (sql) => {
    const tables = await sql.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
    );
    if (tables.length === 0) return;
    await sql.exec(`TRUNCATE ${tables.map((table) => `"${table.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`);
  });
}
