import type pg from "pg";
import type { Exchange } from "./client.js";
import type { FaultWindow } from "./faults.js";
import type { Outcome } from "./load.js";

/** One invariant the run checked, and what broke it (empty when it held). */
export interface Check {
  name: string;
  violations: string[];
  /** What held only by an allowance the check states, each with its proof; printed, not counted. */
  notes?: string[];
}

/** After a fault ends, how long 503s may still come while pools reconnect. */
const RECOVERY_GRACE_MS = 5_000;

/**
 * Every credit of the tenant: balance = opening amount + the ledger's other rows, = the last row's balance_after, ≥ 0.
 * The opening row (action Created) is the initial balance when there is one.
 */
export async function ledgerChecks(sql: pg.Client, tenantId: number): Promise<Check[]> {
  const { rows } = await sql.query<{ code: string; current: string; initial: string; moves: string; last: string | null; total: string }>(
    `WITH sums AS (
       SELECT c.id, c.code, c.current_balance, c.initial_balance,
              COALESCE(SUM(t.impact_amount) FILTER (WHERE t.action = 'Created'), c.initial_balance) AS opening,
              COALESCE(SUM(t.impact_amount) FILTER (WHERE t.action <> 'Created'), 0) AS moves,
              (SELECT l.balance_after FROM credit_transactions l WHERE l.credit_id = c.id ORDER BY l.id DESC LIMIT 1) AS last
         FROM credits c LEFT JOIN credit_transactions t ON t.credit_id = c.id
        WHERE c.tenant_id = $1
        GROUP BY c.id)
     SELECT code, current_balance::text AS current, initial_balance::text AS initial, moves::text AS moves, last::text AS last,
            count(*) OVER ()::text AS total
       FROM sums
      WHERE current_balance <> initial_balance + moves OR opening <> initial_balance OR (last IS NOT NULL AND last <> current_balance)
         OR current_balance < 0`,
    [tenantId],
  );
  const [{ n: credits } = { n: "0" }] = (await sql.query<{ n: string }>("SELECT count(*)::text AS n FROM credits WHERE tenant_id = $1", [tenantId])).rows;
  const balance = rows
    .filter((row) => !row.current.startsWith("-"))
    .map((row) => `${row.code}: balance ${row.current}, opening ${row.initial} + ledger ${row.moves}, last row ${row.last}`);
  const negative = rows.filter((row) => row.current.startsWith("-")).map((row) => `${row.code}: ${row.current}`);
  return [
    { name: `every credit's balance = opening amount + ledger (${credits} credits)`, violations: balance },
    { name: "no balance is negative", violations: negative },
  ];
}

/**
 * Each operation's effect is there once: a ledger row carrying its key as comment, a credit with its code, a memo on
 * its order. An acknowledged one exactly once; one whose retries ran out at most once.
 */
export async function exactlyOnce(sql: pg.Client, tenantId: number, outcomes: Outcome[]): Promise<Check> {
  const count = async (query: string, values: unknown[]) => Number((await sql.query<{ n: string }>(query, values)).rows[0]!.n);
  const violations: string[] = [];
  for (const { op, acknowledged } of outcomes) {
    let applied: number;
    if (op.kind === "debit" || op.kind === "credit") {
      applied = await count("SELECT count(*) AS n FROM credit_transactions WHERE tenant_id = $1 AND comments = $2", [tenantId, op.id]);
    } else if (op.kind === "create") {
      applied = await count("SELECT count(*) AS n FROM credits WHERE tenant_id = $1 AND code_key = $2", [tenantId, op.code.toUpperCase()]);
    } else if (op.kind === "memo-rest" || op.kind === "memo-soap") {
      applied = await count(
        "SELECT count(*) AS n FROM creditmemos m JOIN orders o ON o.id = m.order_ref WHERE o.tenant_id = $1 AND o.increment_id = $2",
        [tenantId, op.order],
      );
    } else continue;
    if (applied > 1 || (acknowledged && applied !== 1)) violations.push(`${op.kind} ${op.id}: applied ${applied} times (acknowledged: ${acknowledged})`);
  }
  return { name: `each Idempotency-Key applied exactly once (${outcomes.filter((o) => o.op.kind !== "balance-soap").length} writes)`, violations };
}

/**
 * 5xx answers: none but 503 (a SOAP fault counts as its faultcode says), and 503 only while PostgreSQL restarted or
 * from the partitioned replica while it was cut off (plus a grace for pools to reconnect). Two checks, so a run tells
 * a failure of Tally's (500) from a refusal under load (503).
 */
export function statusChecks(
  exchanges: Exchange[],
  windows: FaultWindow[],
  soapStatus: (exchange: Exchange) => number | undefined,
  origin: number,
): Check[] {
  const failures: string[] = [];
  const unexcused: string[] = [];
  let excusedCount = 0;
  for (const exchange of exchanges) {
    const status = soapStatus(exchange);
    if (status === undefined || status < 500) continue;
    const line = `replica ${exchange.replica} answered ${status} at +${((exchange.startedAt - origin) / 1000).toFixed(1)} s: ${exchange.body.slice(0, 160)}`;
    if (status !== 503) {
      failures.push(line);
      continue;
    }
    const excused = windows.some(
      (window) =>
        window.kind !== "replica SIGKILL" &&
        (window.replica === undefined || window.replica === exchange.replica) &&
        exchange.startedAt + exchange.ms >= window.start &&
        exchange.startedAt <= window.end + RECOVERY_GRACE_MS,
    );
    if (excused) excusedCount += 1;
    else unexcused.push(line);
  }
  return [
    { name: "no 5xx other than 503", violations: failures },
    { name: `503 only during the database restart or the partition (${excusedCount} then)`, violations: unexcused },
  ];
}

/**
 * Requests to the partitioned replica while it was cut off were all answered (503) before the client's timeout: none
 * hung on a connection that could not hear PostgreSQL. `expectedMs` is what the server's limits promise (a pool wait,
 * then one statement and the client's margin over it), printed beside the longest seen.
 */
export function partitionCheck(exchanges: Exchange[], windows: FaultWindow[], timeoutMs: number, expectedMs: number): Check {
  const window = windows.find((candidate) => candidate.kind === "blackhole partition");
  const during = window ? exchanges.filter((e) => e.replica === window.replica && e.startedAt >= window.start && e.startedAt <= window.end) : [];
  const maxMs = Math.max(0, ...during.map((exchange) => exchange.ms));
  const violations = during
    .filter((exchange) => exchange.timedOut || exchange.ms >= timeoutMs)
    .map((exchange) => `a request took ${exchange.ms} ms${exchange.timedOut ? " (the client gave up)" : ""}`);
  return {
    name: `no request outlived the ${timeoutMs / 1000} s timeout during the partition (${during.length} requests, longest ${maxMs} ms; the server's limits allow ${expectedMs} ms)`,
    violations,
  };
}
