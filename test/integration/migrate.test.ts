import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { MigrationError, type Migration, applyMigrations, readMigrations } from "../../src/db/migrate.js";
import { type EmptyTestDatabase, openEmptyTestDatabase } from "../helpers/database.js";
import { postgresOnly } from "../helpers/postgres-only.js";

const run = promisify(execFile);
const onPostgres = postgresOnly("two processes cannot open one in-memory PGlite, so migrations cannot race on it");

function migration(name: string, script: string): Migration {
  return { name, script, checksum: `checksum-of-${name}-${script.length}` };
}

let target: EmptyTestDatabase;
beforeEach(async () => {
  target = await openEmptyTestDatabase();
});
afterEach(async () => {
  await target.drop();
});

test("applies pending migrations in order, records them as Prisma does, and applies nothing the second time", async () => {
  const migrations = readMigrations();
  const first = await target.database.withSession((sql) => applyMigrations(sql, migrations));
  expect(first).toEqual(migrations.map((m) => m.name));
  const second = await target.database.withSession((sql) => applyMigrations(sql, migrations));
  expect(second).toEqual([]);
  const rows = await target.database.withSession((sql) =>
    sql.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    ),
  );
  expect(rows.map((row) => row.migration_name)).toEqual(migrations.map((m) => m.name));
  for (const [index, row] of rows.entries()) {
    expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(row.checksum).toBe(migrations[index]?.checksum);
    expect(row.finished_at).not.toBeNull();
    expect(row.applied_steps_count).toBe(1);
  }
});

test("a failing migration leaves nothing half-written and is not recorded", async () => {
  const ok = migration("20260101000000_ok", 'CREATE TABLE "kept" ("id" INTEGER PRIMARY KEY);');
  const bad = migration("20260102000000_bad", 'CREATE TABLE "half" ("id" INTEGER PRIMARY KEY); SELECT 1 / 0;');
  await expect(target.database.withSession((sql) => applyMigrations(sql, [ok, bad]))).rejects.toThrow(
    /Migration 20260102000000_bad failed and was rolled back/,
  );
  const tables = await target.database.withSession((sql) =>
    sql.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"),
  );
  expect(tables.map((row) => row.tablename)).toEqual(["_prisma_migrations", "kept"]);
  const recorded = await target.database.withSession((sql) =>
    sql.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations"'),
  );
  expect(recorded.map((row) => row.migration_name)).toEqual(["20260101000000_ok"]);
});

test("a migration edited after it was applied stops the run instead of being skipped silently", async () => {
  const original = migration("20260101000000_one", 'CREATE TABLE "one" ("id" INTEGER PRIMARY KEY);');
  await target.database.withSession((sql) => applyMigrations(sql, [original]));
  const edited = { ...original, checksum: "different" };
  const applying = target.database.withSession((sql) => applyMigrations(sql, [edited]));
  await expect(applying).rejects.toBeInstanceOf(MigrationError);
  await expect(target.database.withSession((sql) => applyMigrations(sql, [edited]))).rejects.toThrow(/was edited after it was applied/);
});

onPostgres.describe("two `npm run db:migrate` processes racing on one database", () => {
  test("two `npm run db:migrate` processes started together apply each migration exactly once", async () => {
    const env = { ...process.env, DATABASE_URL: target.url ?? "", LOG_LEVEL: "silent" };
    const migrate = () => run("node", ["--import", "tsx", "src/cli/migrate.ts"], { env });
    const results = await Promise.all([migrate(), migrate()]);
    const outputs = results.map((result) => result.stdout);
    expect(outputs.filter((out) => out.startsWith("Applied")).length).toBe(1);
    expect(outputs.filter((out) => out.startsWith("Database is up to date")).length).toBe(1);
    const rows = await target.database.withSession((sql) =>
      sql.query<{ migration_name: string; times: string }>(
        'SELECT migration_name, count(*)::text AS times FROM "_prisma_migrations" GROUP BY migration_name',
      ),
    );
    expect(rows).toHaveLength(readMigrations().length);
    expect(rows.every((row) => row.times === "1")).toBe(true);
  });
});
