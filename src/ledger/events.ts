import { tenantIdOf } from "../db/tenant-scope.js";
import type { TenantTx } from "../db/transactions.js";
import { balanceUpdatedEvent, creditChangedEvent, creditDeletedEvent, type NewEvent } from "../events/payloads.js";
import { recordEvents } from "../events/record.js";
import { type Credit, Prisma } from "../generated/prisma/client.js";
import { balanceDeltas, balanceIn, type BalanceShare } from "./balance.js";

/**
 * credit.updated for properties set without a ledger row (Kibo's names in `changed`), and storecredit.balance.updated
 * where that moved the credit into or out of a customer's balance: activated, expired, given to another customer.
 * `before` is the credit as locked, `after` as updated.
 */
export async function recordCreditChange(tx: TenantTx, before: Credit, after: Credit, changed: readonly string[], now: Date): Promise<void> {
  await recordEvents(tx, [creditChangedEvent(after, changed), ...(await balanceEvents(tx, before, after, { now, transactionId: null }))]);
}

/** credit.deleted; only an empty credit is deleted, so no balance moves. */
export async function recordCreditDeletion(tx: TenantTx, deleted: Credit): Promise<void> {
  await recordEvents(tx, [creditDeletedEvent(deleted)]);
}

/** A credit before or after a change, as far as the balances it counts toward are concerned. */
export type BalanceCredit = BalanceShare & Pick<Credit, "code" | "currencyCode" | "websiteRef">;

/**
 * The storecredit.balance.updated events of one change to a credit, written by the caller with the change: one per
 * customer whose balance it moved and website that balance is kept in (the credit's own website, or every website of
 * the tenant whose base currency is the credit's), with the new balance as the balance endpoint computes it.
 * Nothing is read or locked when the change moves no balance (a gift card without a customer, an expired credit).
 *
 * The customers are locked first (lockBalanceOwners), so changes to two credits of one customer compute their
 * balances one after the other, each seeing the other's committed: without it, each would miss the other's
 * uncommitted move and both events would publish a balance that never existed.
 */
export async function balanceEvents(
  tx: TenantTx,
  before: BalanceCredit | null,
  after: BalanceCredit,
  move: { now: Date; transactionId: bigint | null },
): Promise<NewEvent[]> {
  const deltas = balanceDeltas(before, after, move.now);
  if (deltas.size === 0) return [];
  await lockBalanceOwners(tx, [...deltas.keys()]);
  const websites = await tx.website.findMany({
    where: { baseCurrencyCode: after.currencyCode, ...(after.websiteRef === null ? {} : { id: after.websiteRef }) },
    select: { id: true, websiteId: true, baseCurrencyCode: true },
    orderBy: { websiteId: "asc" },
  });
  const events: NewEvent[] = [];
  for (const [customerId, delta] of deltas) {
    for (const website of websites) {
      const { amount } = await balanceIn(tx, customerId, website, move.now);
      events.push(
        balanceUpdatedEvent({
          customerId,
          websiteId: website.websiteId,
          currencyCode: website.baseCurrencyCode,
          balance: amount,
          delta,
          transactionId: move.transactionId,
          creditCode: after.code,
        }),
      );
    }
  }
  return events;
}

/**
 * Locks the customers' rows for the rest of the transaction, in ascending customer id (the ORDER BY below the lock),
 * so balance events of one customer are computed and written one transaction at a time. Taken only after every credit the transaction locks
 * (credit rows first, then customers), and FOR NO KEY UPDATE, which does not block a credit being created for the
 * customer. Raw SQL bypasses the tenant scope, so the statement takes its tenant from the scoped client.
 */
export async function lockBalanceOwners(tx: TenantTx, customerIds: readonly number[]): Promise<void> {
  if (customerIds.length === 0) return;
  await tx.$queryRaw`
    SELECT id FROM customers WHERE tenant_id = ${tenantIdOf(tx)} AND customer_id IN (${Prisma.join([...customerIds])})
    ORDER BY customer_id FOR NO KEY UPDATE`;
}
