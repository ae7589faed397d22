// Jest loads global setup outside its ESM pipeline, so this file is plain JavaScript and migrates
// through the real `db:migrate` command rather than importing TypeScript.
import { execFileSync } from "node:child_process";
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
 * On PostgreSQL: migrate a template database once, then give every Jest worker its own clone,
 * so workers never share rows and no test file pays for migrations.
 */
export default async function globalSetup(globalConfig) {
  const server = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!server) return;
  const prefix = runPrefix();
  const template = `${prefix}_template`;
  const admin = new pg.Client({ connectionString: withDatabaseName(server, "postgres") });
  await admin.connect();
  try {
    await recreate(admin, template);
    execFileSync("node", ["--import", "tsx", "src/cli/migrate.ts"], {
      env: { ...process.env, DATABASE_URL: withDatabaseName(server, template) },
      stdio: ["ignore", "ignore", "inherit"],
    });
    for (let worker = 1; worker <= Math.max(1, globalConfig.maxWorkers); worker += 1) {
      await recreate(admin, `${prefix}_w${worker}`, template);
    }
  } finally {
    await admin.end();
  }
}

async function recreate(admin, name, template) {
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
}
