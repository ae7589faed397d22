import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { type Database, type SqlClient, openDatabase } from "../../src/db/database.js";
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

const templates = new Map<string, Blob | undefined>();

/**
 * A tarball global-setup dumped for this run (see pglite-template.ts), read once per test file; undefined when the
 * file runs without global setup, and then the database is built from scratch.
 */
function pgliteTemplate(name: "empty" | "migrated"): Blob | undefined {
  if (!templates.has(name)) {
    const directory = process.env["TALLY_TEST_PGLITE_TEMPLATE"];
    templates.set(name, directory ? new Blob([readFileSync(path.join(directory, `${name}.tar`))]) : undefined);
  }
  return templates.get(name);
}

/**
 * Opens this worker's own database: on PostgreSQL the worker's clone of the migrated template, otherwise an
 * in-memory PGlite loaded from the run's migrated dump.
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
  const migrated = pgliteTemplate("migrated");
  const database = await openDatabase({ dataDir: "memory://", poolSize: 1, connectTimeoutMs: 5_000, loadDataDir: migrated });
  if (!migrated) await database.withSession((sql) => applyMigrations(sql, readMigrations()));
  return database;
}

/** A database with nothing in it, for tests of migrations themselves. */
export interface EmptyTestDatabase {
  database: Database;
  /** On PostgreSQL, the URL of the throwaway database (for a child process to connect to). */
  url?: string;
  /** Closes the database and, on PostgreSQL, drops it. */
  drop(): Promise<void>;
}

/**
 * Where databases are created, dropped and migrated: PostgreSQL itself (TEST_DATABASE_ADMIN_URL) when the tests reach
 * it through PgBouncer; see adminServerUrl in global-setup.mjs.
 */
export function adminServerUrl(server: string): string {
  return process.env["TEST_DATABASE_ADMIN_URL"] || server;
}

/**
 * Opens an empty database of the kind under test: a throwaway PostgreSQL database, or a fresh in-memory PGlite. On
 * PostgreSQL it is reached directly, never through a pooler: migration tests hold session-level advisory locks.
 */
export async function openEmptyTestDatabase(poolSize = 4): Promise<EmptyTestDatabase> {
  const pooled = testServerUrl();
  const server = pooled && adminServerUrl(pooled);
  if (!server) {
    const loadDataDir = pgliteTemplate("empty");
    const database = await openDatabase({ dataDir: "memory://", poolSize: 1, connectTimeoutMs: 5_000, loadDataDir });
    return { database, drop: () => database.close() };
  }
  const name = `tally_empty_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: withDatabaseName(server, "postgres") });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = withDatabaseName(server, name);
  const database = await openDatabase({ url, poolSize, connectTimeoutMs: 5_000, dataDir: "" });
  return {
    database,
    url,
    drop: async () => {
      await database.close();
      await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

const resetScripts = new WeakMap<Database, string>();

/**
 * Empties every table so the next test starts from nothing, and restarts every sequence; keeps the migration history.
 * DELETE in foreign-key order rather than TRUNCATE: on tables of a few rows it is an order of magnitude faster
 * (TRUNCATE gives every table new files; on PGlite that alone cost ~40 ms per test).
 */
export async function resetDatabase(database: Database): Promise<void> {
  let script = resetScripts.get(database);
  if (!script) {
    script = await database.withSession(buildResetScript);
    resetScripts.set(database, script);
  }
  const ready = script;
  await database.withSession((sql) => sql.exec(ready));
}

async function buildResetScript(sql: SqlClient): Promise<string> {
  const tables = await sql.query<{ name: string; guarded: boolean }>(
    `SELECT c.relname AS name,
            EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal AND t.tgtype & 8 <> 0) AS guarded
       FROM pg_class c
      WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace AND c.relname <> '_prisma_migrations'`,
  );
  const references = await sql.query<{ child: string; parent: string }>(
    `SELECT DISTINCT child.relname AS child, parent.relname AS parent
       FROM pg_constraint c
       JOIN pg_class child ON child.oid = c.conrelid
       JOIN pg_class parent ON parent.oid = c.confrelid
      WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace AND c.conrelid <> c.confrelid`,
  );
  const [role] = await sql.query<{ superuser: boolean }>(
    `SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`,
  );
  // A superuser (always so on PGlite) switches triggers off for the script, so DELETE empties even the append-only
  // ledger; anyone else truncates the tables whose triggers refuse DELETE. The script runs as one implicit
  // transaction: if it fails, the SET is rolled back with it.
  const replica = role?.superuser ?? false;
  const truncated = replica ? [] : tables.filter((table) => table.guarded).map((table) => `"${table.name}"`);
  const deleted = tables.filter((table) => replica || !table.guarded).map((table) => table.name);
  return [
    ...(replica ? ["SET session_replication_role = replica;"] : []),
    ...(truncated.length > 0 ? [`TRUNCATE ${truncated.join(", ")} CASCADE;`] : []),
    ...childrenFirst(deleted, references).map((table) => `DELETE FROM "${table}";`),
    ...(replica ? ["RESET session_replication_role;"] : []),
    // setval rather than ALTER SEQUENCE … RESTART, which gives the sequence new files as TRUNCATE does; only
    // sequences a test has drawn from need it.
    `SELECT setval(format('%I', sequencename)::regclass, start_value, false) FROM pg_sequences
      WHERE schemaname = 'public' AND last_value IS NOT NULL;`,
  ].join("\n");
}

/** Orders tables so that every table comes before the tables it references. */
function childrenFirst(tables: readonly string[], references: readonly { child: string; parent: string }[]): string[] {
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (table: string): void => {
    if (ordered.includes(table)) return;
    if (visiting.has(table)) throw new Error(`foreign keys form a cycle through ${table}: resetDatabase cannot order it`);
    visiting.add(table);
    for (const { child, parent } of references) if (parent === table) visit(child);
    visiting.delete(table);
    ordered.push(table);
  };
  for (const table of tables) visit(table);
  return ordered;
}
