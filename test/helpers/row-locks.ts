import pg from "pg";
import { testServerUrl, withDatabaseName, workerDatabaseName } from "./database.js";

/** A session of the test's own on this worker's database, to hold row locks with (BEGIN … FOR UPDATE). */
export async function lockHolder(): Promise<pg.Client> {
  const holder = new pg.Client({ connectionString: withDatabaseName(testServerUrl() ?? "", workerDatabaseName()) });
  await holder.connect();
  return holder;
}

/**
 * How many sessions wait on a lock `holder` holds. Read from pg_locks, which PostgreSQL reads afresh on every call:
 * pg_stat_activity's list of sessions is frozen within a transaction at its first read, so a holder asking it from
 * inside its own transaction never sees a session that connected after that (a pool's new connection).
 */
export async function sessionsBlockedBy(holder: pg.Client): Promise<number> {
  const { rows } = await holder.query<{ n: number }>(
    "SELECT count(DISTINCT pid)::int AS n FROM pg_locks WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid))",
  );
  return rows[0]?.n ?? 0;
}
