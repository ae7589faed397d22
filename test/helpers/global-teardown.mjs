// Removes what global-setup made for this run (plain JavaScript for the same reason as global-setup). Runs once per
// Jest project that names it; the second call finds nothing left.
import { rmSync } from "node:fs";
import pg from "pg";
import { PGLITE_TEMPLATE_ENV, runPrefix, withDatabaseName } from "./global-setup.mjs";

/** Deletes this run's PGlite tarballs, or drops its template and worker databases from the PostgreSQL server. */
export default async function globalTeardown() {
  const templates = process.env[PGLITE_TEMPLATE_ENV];
  if (templates) rmSync(templates, { recursive: true, force: true });
  const server = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!server) return;
  const admin = new pg.Client({ connectionString: withDatabaseName(server, "postgres") });
  await admin.connect();
  try {
    const { rows } = await admin.query("SELECT datname FROM pg_database WHERE datname LIKE $1", [`${runPrefix()}\\_%`]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
