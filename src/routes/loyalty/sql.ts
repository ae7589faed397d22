import { Prisma } from "../../generated/prisma/client.js";
import type { BalanceRow } from "./records.js";

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

/**
 * The next batch of a report: each customer with entries in the scope's campaigns, after `after` in id order,
 * with their earned (Earn entries), redeemed (Redeem entries, negative) and balance totals, and profile.
 *
 * Keyset pagination on the customer id keeps every batch as cheap as the first, and the query is shaped so that
 * no plan reads more than the batch needs: the batch's customer ids come in order from each campaign's
 * (campaign_id, customer_ref) index, stopping once there are enough; the totals from one index range scan between
 * the first and the last of them (every member in that range is in the batch); the profiles by primary key, one
 * lookup each (LATERAL with LIMIT 1, so the planner cannot swap it for a scan of the whole customers table).
 *
 * Raw SQL bypasses the tenant-scope extension: the campaigns were checked to be the account's, and customers are
 * looked up in the account's tenant only. A customer outside it (which only inconsistent data could produce)
 * comes back with `in_tenant` false and no profile, so it is left out yet still advances the cursor.
 */
export function balancesBatchQuery(scope: LedgerScope, window: BatchWindow): Prisma.Sql {
  const value = scope.kind === "Points" ? Prisma.sql`e.points` : Prisma.sql`e.amount`;
  // Every campaign's first (offset + size) members after the cursor include the batch, whichever campaign they are in.
  const candidates = scope.campaignIds.map(
    (campaignId) => Prisma.sql`(
      SELECT DISTINCT e.customer_ref
      FROM loyalty_ledger_entries e
      WHERE e.campaign_id = ${campaignId} AND e.customer_ref > ${window.after}
      ORDER BY e.customer_ref
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
      SELECT e.customer_ref,
             COALESCE(sum(${value}) FILTER (WHERE e.kind = 'Earn'), 0) AS earned,
             COALESCE(sum(${value}) FILTER (WHERE e.kind = 'Redeem'), 0) AS redeemed,
             COALESCE(sum(${value}), 0) AS balance
      FROM loyalty_ledger_entries e
      WHERE e.campaign_id IN (${Prisma.join(scope.campaignIds)})
        AND e.customer_ref BETWEEN (SELECT min(customer_ref) FROM batch) AND (SELECT max(customer_ref) FROM batch)
      GROUP BY e.customer_ref
    )
    SELECT t.customer_ref AS ref,
           c.id IS NOT NULL AS in_tenant,
           c.card_number, c.code, c.first_name, c.last_name, c.email, c.phone, c.address1, c.address2,
           c.city, c.state, c.zip, c.country, c.custom1, c.custom_date, c.customer_username, c.record_timestamp,
           t.earned::text AS earned,
           t.redeemed::text AS redeemed,
           t.balance::text AS balance
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
