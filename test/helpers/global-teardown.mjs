// Drops the databases global-setup made for this run (plain JavaScript for the same reason as global-setup).
import pg from "pg";
import { runPrefix, withDatabaseName } from "./global-setup.mjs";

/** Removes this run's template and worker databases from the PostgreSQL server. */
export default async function globalTeardown() {
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
