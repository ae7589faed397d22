import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { testServerUrl, withDatabaseName } from "../helpers/database.js";
import { postgresOnly } from "../helpers/postgres-only.js";

const run = promisify(execFile);
const onPostgres = postgresOnly("a missing database exists only on a PostgreSQL server");

onPostgres.test("db:migrate against a database that does not exist says to create it, naming it", async () => {
  const name = `tally_missing_${randomUUID().slice(0, 8)}`;
  const env = { ...process.env, DATABASE_URL: withDatabaseName(testServerUrl() ?? "", name), LOG_LEVEL: "silent" };
  const result = await run("node", ["--import", "tsx", "src/cli/migrate.ts"], { env }).then(
    () => ({ code: 0, stderr: "" }),
    (error: { code: number; stderr: string }) => error,
  );
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`database "${name}" does not exist on `);
  expect(result.stderr).toContain(`: create it with createdb ${name} or CREATE DATABASE "${name}", then run npm run db:migrate.`);
  expect(result.stderr.trim().split("\n")).toHaveLength(1);
});
