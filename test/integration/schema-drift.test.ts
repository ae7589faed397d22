import { randomUUID } from "node:crypto";
import type { Database } from "../../src/db/database.js";
import { openDatabase } from "../../src/db/database.js";
import { applyMigrations, readMigrations } from "../../src/db/migrate.js";
import { openTestDatabase, testServerUrl, withDatabaseName } from "../helpers/database.js";
import { findSchemaDrift, loadDatamodel } from "../helpers/schema-drift.js";
import pg from "pg";

test("the migrated database has every model, column, type, default, index and foreign key of schema.prisma", async () => {
  const database = await openTestDatabase();
  try {
    const datamodel = await loadDatamodel();
    const problems = await database.withSession((sql) => findSchemaDrift(sql, datamodel));
    expect(problems).toEqual([]);
  } finally {
    await database.close();
  }
});

/** Opens an empty database of the kind under test; on PostgreSQL a throwaway one dropped afterwards. */
async function withEmptyDatabase(run: (database: Database) => Promise<void>): Promise<void> {
  const server = testServerUrl();
  if (!server) {
    const database = await openDatabase({ dataDir: "memory://", poolSize: 1, connectTimeoutMs: 5_000 });
    try {
      await run(database);
    } finally {
      await database.close();
    }
    return;
  }
  const name = `tally_drift_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: withDatabaseName(server, "postgres") });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const database = await openDatabase({ url: withDatabaseName(server, name), poolSize: 2, connectTimeoutMs: 5_000, dataDir: "" });
  try {
    await run(database);
  } finally {
    await database.close();
    await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

test("the drift check notices a column that a migration forgot", async () => {
  const [first, ...rest] = readMigrations();
  if (!first) throw new Error("no migrations found");
  const broken = { ...first, script: first.script.replace(/^\s*"expiration_date" TIMESTAMPTZ\(3\),\n/m, "") };
  expect(broken.script).not.toBe(first.script);
  await withEmptyDatabase(async (database) => {
    await database.withSession((sql) => applyMigrations(sql, [broken, ...rest]));
    const problems = await database.withSession(async (sql) => findSchemaDrift(sql, await loadDatamodel()));
    expect(problems).toEqual(["credits.expiration_date: column is missing"]);
  });
});
