import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SqlClient } from "./database.js";

/** prisma/migrations, found relative to this file both in src/ (tsx, Jest) and in dist/ (production). */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations/", import.meta.url));

/**
 * The advisory lock key `prisma migrate deploy` takes, so Tally's runner and Prisma's never run at once.
 * Replicas starting together queue on it and each migration is applied once.
 */
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

export interface Migration {
  /** The folder name, `<timestamp>_<name>`, which also orders migrations. */
  name: string;
  script: string;
  /** SHA-256 of the script, as Prisma records it, so either tool recognises the other's work. */
  checksum: string;
}

/** Reads `<dir>/<timestamp>_<name>/migration.sql` files in name order. */
export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const script = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, script, checksum: createHash("sha256").update(script).digest("hex") };
    });
}

/** Thrown when the recorded history and the migration files disagree; needs a human, never retried. */
export class MigrationError extends Error {
  override name = "MigrationError";
}

interface AppliedRow extends Record<string, unknown> {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

// Prisma's own table, column for column, so `prisma migrate deploy` and `prisma migrate status` read our history.
const CREATE_HISTORY_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Applies the migrations not yet recorded, in order, each in its own transaction, under Prisma's advisory lock.
 * Returns the names applied by this call.
 */
export async function applyMigrations(sql: SqlClient, migrations: readonly Migration[]): Promise<string[]> {
  await sql.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
  try {
    await sql.exec(CREATE_HISTORY_TABLE);
    const rows = await sql.query<AppliedRow>(
      'SELECT "migration_name", "checksum", "finished_at", "rolled_back_at" FROM "_prisma_migrations"',
    );
    const recorded = new Map(rows.filter((row) => row.rolled_back_at === null).map((row) => [row.migration_name, row]));
    const applied: string[] = [];
    for (const migration of migrations) {
      const row = recorded.get(migration.name);
      if (row) {
        assertUnchanged(migration, row);
        continue;
      }
      await applyOne(sql, migration);
      applied.push(migration.name);
    }
    return applied;
  } finally {
    await sql.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
  }
}

function assertUnchanged(migration: Migration, row: AppliedRow): void {
  if (row.finished_at === null) {
    throw new MigrationError(
      `Migration ${migration.name} started but did not finish; inspect the database, then mark it rolled back.`,
    );
  }
  if (row.checksum !== migration.checksum) {
    throw new MigrationError(
      `Migration ${migration.name} was edited after it was applied; add a new migration instead of changing it.`,
    );
  }
}

async function applyOne(sql: SqlClient, migration: Migration): Promise<void> {
  await sql.exec("BEGIN");
  try {
    await sql.exec(migration.script);
    await sql.query(
      `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "finished_at", "applied_steps_count")
       VALUES ($1, $2, $3, now(), now(), 1)`,
      [randomUUID(), migration.checksum, migration.name],
    );
    await sql.exec("COMMIT");
  } catch (error) {
    await sql.exec("ROLLBACK");
    throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * The shipped migrations a database has not applied, in order; empty when it is up to date. Reads the history
 * without creating it or taking the migration lock, so a server can check at start and refuse to serve a schema it
 * was not built for.
 */
export async function pendingMigrations(sql: SqlClient, migrations: readonly Migration[]): Promise<string[]> {
  const exists = await sql.query<{ present: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
  if (!exists[0]?.present) return migrations.map((migration) => migration.name);
  const rows = await sql.query<AppliedRow>(
    'SELECT "migration_name", "checksum", "finished_at", "rolled_back_at" FROM "_prisma_migrations"',
  );
  const done = new Set(rows.filter((row) => row.rolled_back_at === null && row.finished_at !== null).map((row) => row.migration_name));
  return migrations.filter((migration) => !done.has(migration.name)).map((migration) => migration.name);
}
