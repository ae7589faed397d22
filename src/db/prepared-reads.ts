import { hash } from "node:crypto";
import type pg from "pg";
import type { SqlRead } from "./database.js";
import { withClient } from "./pg-checkout.js";

/**
 * Statements one connection prepares, at most; further ones run unnamed on it (as every statement did before) until
 * the pool replaces it. The statements are the lists' SQL, one per filter shape, so a hot list is among the first a
 * connection meets; the bound keeps a client sending ever-new shapes from growing a server session's memory.
 * asyncpg's and Prisma's own statement caches default to the same size.
 */
export const PREPARED_PER_CONNECTION = 100;

/** SQLSTATEs of a named statement the server does not hold, or holds already: a transaction pooler's doing. */
const POOLER_REFUSALS = new Set(["26000", "42P05"]);

export interface PreparedReadsOptions {
  /** False: every read runs unnamed. */
  enabled: boolean;
  perConnection?: number;
  /** Told once, when the database refuses a prepared statement and reads go unnamed from then on. */
  onRefused: (error: Error) => void;
}

/**
 * Raw reads on `pool` as named statements: PostgreSQL parses and plans each once per connection instead of once per
 * read, and after five executions may keep a generic plan (its default `plan_cache_mode = auto` does so only when
 * that plan is estimated no dearer than the custom ones; `ALTER ROLE … SET plan_cache_mode = force_custom_plan`
 * keeps the parse saving and plans every read). For the credits list that is most of PostgreSQL's work per request:
 * 0.6–0.75 ms of backend CPU a request for its page and count unnamed, 0.2–0.27 ms prepared.
 *
 * A statement's name is a hash of its text, so a name never stands for two statements, even where a pooler hands a
 * connection's statements to another client. A transaction pooler that cannot track them (PgBouncer before 1.21, or
 * with `max_prepared_statements = 0`) answers "does not exist" or "already exists": the read is run again unnamed
 * and every later one is too.
 */
export function preparedReads(pool: pg.Pool, { enabled, perConnection = PREPARED_PER_CONNECTION, onRefused }: PreparedReadsOptions): SqlRead {
  const preparedOn = new WeakMap<pg.PoolClient, Set<string>>();
  let preparing = enabled;

  function statementFor(client: pg.PoolClient, text: string, values: unknown[]): pg.QueryConfig {
    if (!preparing) return { text, values };
    const name = `tally_${hash("sha1", text, "base64url")}`;
    let names = preparedOn.get(client);
    if (!names) preparedOn.set(client, (names = new Set()));
    if (!names.has(name)) {
      if (names.size >= perConnection) return { text, values };
      names.add(name);
    }
    return { name, text, values };
  }

  return async function read(text, params) {
    const values = [...params];
    let name: string | undefined;
    try {
      return await withClient(pool, async (client) => {
        const config = statementFor(client, text, values);
        name = config.name;
        return (await client.query<Record<string, unknown>>(config)).rows;
      });
    } catch (error) {
      if (name === undefined || !POOLER_REFUSALS.has((error as { code?: string }).code ?? "")) throw error;
      if (preparing) {
        preparing = false;
        onRefused(error as Error);
      }
      return (await pool.query<Record<string, unknown>>(text, values)).rows;
    }
  };
}
