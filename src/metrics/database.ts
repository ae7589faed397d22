import { Gauge, type Registry } from "prom-client";
import type { Database, PoolStats } from "../db/database.js";

const POOL_GAUGES: readonly { name: string; help: string; stat: keyof PoolStats }[] = [
  { name: "tally_db_pool_connections", help: "Open database connections, in use or idle.", stat: "total" },
  { name: "tally_db_pool_idle_connections", help: "Open database connections not in use.", stat: "idle" },
  { name: "tally_db_pool_waiting_requests", help: "Requests waiting for a database connection because all are in use.", stat: "waiting" },
  { name: "tally_db_pool_max_connections", help: "The most connections the pool may open (DATABASE_POOL_SIZE).", stat: "max" },
];

/** Registers the database pool gauges, read from `database.poolStats()` at each scrape so they are never stale. */
export function registerPoolGauges(registry: Registry, database: Pick<Database, "poolStats">): void {
  for (const { name, help, stat } of POOL_GAUGES) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(database.poolStats()[stat]);
      },
    });
  }
}
