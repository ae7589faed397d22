import type { Database } from "../../src/db/database.js";
import { applyMigrations, readMigrations } from "../../src/db/migrate.js";
import { openEmptyTestDatabase, openTestDatabase } from "../helpers/database.js";
import { findSchemaDrift, loadDatamodel } from "../helpers/schema-drift.js";

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

/** Runs `run` on an empty database of the kind under test, dropped afterwards. */
async function withEmptyDatabase(run: (database: Database) => Promise<void>): Promise<void> {
  const empty = await openEmptyTestDatabase(2);
  try {
    await run(empty.database);
  } finally {
    await empty.drop();
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
