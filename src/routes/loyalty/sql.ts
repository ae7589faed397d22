import { Prisma } from "../../generated/prisma/client.js";
import type { BalanceRow, Valuation } from "./records.js";

/** Which ledger a report reads: the campaigns it pools, their value column, and the tenant its customers are in. */
export interface LedgerScope {
  tenantId: number;
  campaignIds: readonly bigint[];
  kind: "Points" | "StoredValue";
}

/** One batch: customers after `after` (a customers.id), skipping `offset` of them, at most `size`. */
export interface BatchWindow {
  after: number;
  offset: number;
  size: number;
}

/** A batch row: the customer's totals and profile; `in_tenant` is false for a customer outside the scope's tenant. */
export type BatchRow = BalanceRow & {
  ref: number;
  in_tenant: boolean;
};

/** A batch row of the framed query: the customer's report fields as one frame, null outside the scope's tenant. */
export type FrameRow = {
  ref: number;
  frame: string | null;
};

/**
 * The next batch of a report: each customer with entries in the scope's campaigns, after `after` in id order,
 * with their earned (Earn entries), redeemed (Redeem entries, negative) and balance totals, and profile.
 *
 * The totals are read from loyalty_balances, which triggers keep in step with the ledger: a sum over the
 * campaigns of a coalition, not over every entry.
 *
 * Keyset pagination on the customer id keeps every batch as cheap as the first, and the query is shaped so that
 * no plan reads more than the batch needs: the batch's customer ids come in order from each campaign's primary key
 * range, stopping once there are enough; the totals from one index range scan between the first and the last of
 * them (every member in that range is in the batch); the profiles by primary key, one lookup each (LATERAL with
 * LIMIT 1, so the planner cannot swap it for a scan of the whole customers table).
 *
 * Raw SQL bypasses the tenant-scope extension: the campaigns were checked to be the account's, and customers are
 * looked up in the account's tenant only. A customer outside it (which only inconsistent data could produce)
 * comes back with `in_tenant` false (`frame` null) and no profile, so it is left out yet still advances the cursor.
 */
export function balancesBatchQuery(scope: LedgerScope, window: BatchWindow): Prisma.Sql {
  const columns = valueColumns(scope);
  return batchQuery(
    scope,
    window,
    Prisma.sql`sum(b.${columns.earned})::text AS earned, sum(b.${columns.redeemed})::text AS redeemed,
               sum(b.${columns.balance})::text AS balance`,
    Prisma.sql`t.customer_ref AS ref,
           c.id IS NOT NULL AS in_tenant,
           ${Prisma.join(PROFILE_COLUMNS.map((column) => Prisma.raw(`c.${column}`)))},
           t.earned, t.redeemed, t.balance`,
  );
}

/** What a report reads (campaigns, tenant) and how it values what it reads: its totals become currency. */
export interface ReportScope extends LedgerScope {
  valuation: Valuation;
}

/** The ratio a FrameEncoder needs for framedBatchQuery's frames: a points campaign's, when it has one. */
export function encoderRatio(valuation: Valuation): number | undefined {
  return valuation.kind === "Points" ? (valuation.pointsPerCurrencyUnit ?? undefined) : undefined;
}

/**
 * The batch of balancesBatchQuery with each customer as one frame (see frames.ts) of the report's fields, the
 * values formatted as customerMapper formats them: node-postgres then makes one string per customer instead of one
 * per column, which was half of the report's CPU time. A points campaign with a ratio gets no equivalents in its
 * frames: FrameEncoder works them out from the totals, for less than numeric arithmetic costs here.
 *
 * The arithmetic is exact: money trims its trailing zeros (trim_scale); a stored-value equivalent rounds half
 * away from zero to cents (round, as Decimal's ROUND_HALF_UP). The totals are formatted in the grouping subquery,
 * so each is computed once however often the frame names it.
 */
export function framedBatchQuery(scope: ReportScope, window: BatchWindow): Prisma.Sql {
  const { valuation } = scope;
  const columns = valueColumns(scope);
  const sums = [Prisma.sql`sum(b.${columns.earned})`, Prisma.sql`sum(b.${columns.redeemed})`, Prisma.sql`sum(b.${columns.balance})`];
  const totals = ["earned", "redeemed", "balance"];
  const formatted =
    valuation.kind === "Points"
      ? sums.map((sum, index) => Prisma.sql`${sum}::text AS ${Prisma.raw(totals[index]!)}`)
      : sums.map((sum, index) => Prisma.sql`trim_scale(${sum})::text AS ${Prisma.raw(totals[index]!)}`);
  if (valuation.kind === "StoredValue") {
    // In the order of CUSTOMER_FIELDS: the balance's, the earned's, the redeemed's.
    for (const [name, sum] of [["balance", sums[2]!], ["earned", sums[0]!], ["redeemed", sums[1]!]] as const) {
      formatted.push(Prisma.sql`trim_scale(round(${sum}, 2))::text AS ${Prisma.raw(`${name}_equivalent`)}`);
      totals.push(`${name}_equivalent`);
    }
  } else if (encoderRatio(valuation) === undefined) {
    for (const name of ["balance", "earned", "redeemed"]) {
      formatted.push(Prisma.sql`NULL::text AS ${Prisma.raw(`${name}_equivalent`)}`);
      totals.push(`${name}_equivalent`);
    }
  }
  const fields = [...PROFILE_COLUMNS.map((column) => `c.${column}`), ...totals.map((name) => `t.${name}`)];
  // concat() writes NULL as nothing, so a NULL value is an empty field, as customerMapper makes it "".
  const frame = fields.map((field) => `octet_length(${field}), ':', ${field}`).join(", ");
  return batchQuery(
    scope,
    window,
    Prisma.join(formatted),
    Prisma.sql`t.customer_ref AS ref, CASE WHEN c.id IS NOT NULL THEN concat(${Prisma.raw(frame)}) END AS frame`,
  );
}

/** loyalty_balances' columns for the scope's kind of value. */
function valueColumns(scope: LedgerScope): { earned: Prisma.Sql; redeemed: Prisma.Sql; balance: Prisma.Sql } {
  return scope.kind === "Points"
    ? { earned: Prisma.raw("earned_points"), redeemed: Prisma.raw("redeemed_points"), balance: Prisma.raw("points") }
    : { earned: Prisma.raw("earned_amount"), redeemed: Prisma.raw("redeemed_amount"), balance: Prisma.raw("amount") };
}

/** The profile columns of the LATERAL below, in CUSTOMER_FIELDS order. */
const PROFILE_COLUMNS = [
  "card_number", "code", "first_name", "last_name", "email", "phone", "address1", "address2", "city", "state", "zip",
  "country", "custom1", "custom_date", "customer_username", "record_timestamp",
] as const;

function batchQuery(scope: LedgerScope, window: BatchWindow, totals: Prisma.Sql, output: Prisma.Sql): Prisma.Sql {
  // Every campaign's first (offset + size) members after the cursor include the batch, whichever campaign they are in.
  const candidates = scope.campaignIds.map(
    (campaignId) => Prisma.sql`(
      SELECT b.customer_ref
      FROM loyalty_balances b
      WHERE b.campaign_id = ${campaignId} AND b.customer_ref > ${window.after}
      ORDER BY b.customer_ref
      LIMIT ${window.offset + window.size})`,
  );
  return Prisma.sql`
    WITH batch AS (
      SELECT DISTINCT candidates.customer_ref
      FROM (${Prisma.join(candidates, " UNION ALL ")}) AS candidates
      ORDER BY candidates.customer_ref
      LIMIT ${window.size} OFFSET ${window.offset}
    ),
    totals AS (
      SELECT b.customer_ref, ${totals}
      FROM loyalty_balances b
      WHERE b.campaign_id IN (${Prisma.join(scope.campaignIds)})
        AND b.customer_ref BETWEEN (SELECT min(customer_ref) FROM batch) AND (SELECT max(customer_ref) FROM batch)
      GROUP BY b.customer_ref
    )
    SELECT ${output}
    FROM totals t
    LEFT JOIN LATERAL (
      SELECT c.id, c.card_number, c.code, c.first_name, c.last_name, c.email, c.phone, c.address1, c.address2,
             c.city, c.state, c.zip, c.country, c.custom1,
             to_char(c.custom_date, 'YYYY-MM-DD') AS custom_date,
             c.username AS customer_username,
             to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS record_timestamp
      FROM customers c
      WHERE c.id = t.customer_ref AND c.tenant_id = ${scope.tenantId}
      LIMIT 1
    ) c ON true
    ORDER BY t.customer_ref`;
}
