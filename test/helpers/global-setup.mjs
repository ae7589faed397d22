// Jest loads global setup outside its ESM pipeline, so this file is plain JavaScript and migrates through Tally's
// own TypeScript (the `db:migrate` command, or pglite-template.ts) in a child process rather than importing it.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

/**
 * Database names carry this run's id, so two test runs on one PostgreSQL server (a developer's and CI's, or two
 * terminals) never drop each other's databases. Workers inherit it through the environment.
 */
export function runPrefix() {
  process.env.TALLY_TEST_RUN ??= `r${process.pid}`;
  return `tally_test_${process.env.TALLY_TEST_RUN}`;
}

export function withDatabaseName(url, name) {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * Where databases are created and migrated: TEST_DATABASE_ADMIN_URL when the tests reach PostgreSQL through PgBouncer
 * (TEST_DATABASE_URL then names the pooler). CREATE DATABASE … TEMPLATE refuses a template with any session open, and
 * a pooler keeps its server connections open after the migration; the migration's advisory lock is session-level.
 */
export function adminServerUrl(server) {
  return process.env.TEST_DATABASE_ADMIN_URL || server;
}

/** Where this run's PGlite tarballs live; set by global setup, inherited by workers (see test/helpers/database.ts). */
export const PGLITE_TEMPLATE_ENV = "TALLY_TEST_PGLITE_TEMPLATE";

/**
 * Prepares the database once per run, so no test file pays for initdb or migrations. On PostgreSQL: migrate a
 * template database, then give every Jest worker its own clone, so workers never share rows. On PGlite: migrate one
 * in-memory cluster and dump it to a temporary directory that every file's database is loaded from.
 * Each Jest project that needs a database names this file, so it runs once per project: the second call finds the
 * work done.
 */
export default async function globalSetup(globalConfig) {
  if (process.env.TALLY_TEST_DATABASE_READY) return;
  process.env.TALLY_TEST_DATABASE_READY = "1";
  const server = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!server) {
    const directory = mkdtempSync(path.join(tmpdir(), "tally-test-pglite-"));
    execFileSync("node", ["--import", "tsx", "test/helpers/pglite-template.ts", directory], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    process.env[PGLITE_TEMPLATE_ENV] = directory;
    return;
  }
  const prefix = runPrefix();
  const template = `${prefix}_template`;
  const direct = adminServerUrl(server);
  const admin = new pg.Client({ connectionString: withDatabaseName(direct, "postgres") });
  await admin.connect();
  try {
    await recreate(admin, template);
    execFileSync("node", ["--import", "tsx", "src/cli/migrate.ts"], {
      env: migrateEnv(withDatabaseName(direct, template)),
      stdio: ["ignore", "ignore", "inherit"],
    });
    for (let worker = 1; worker <= Math.max(1, globalConfig.maxWorkers); worker += 1) {
      await recreate(admin, `${prefix}_w${worker}`, template);
    }
  } finally {
    await admin.end();
  }
}

/** The migrate command's environment for `url`: a DATABASE_MIGRATE_URL the developer exported would win over it. */
function migrateEnv(url) {
  const env = { ...process.env, DATABASE_URL: url };
  delete env.DATABASE_MIGRATE_URL;
  return env;
}

async function recreate(admin, name, template) {
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
}
