import { tenantIdOf } from "../db/tenant-scope.js";
import type { TenantTx } from "../db/transactions.js";
import { Errors } from "../errors.js";
import { creditPostedEvent } from "../events/payloads.js";
import { recordEvents } from "../events/record.js";
import type { CreditTransaction, Prisma } from "../generated/prisma/client.js";
import type { BalanceAction } from "../generated/prisma/enums.js";
import { type Decimal, formatAmount, toDecimal } from "../money/index.js";
import { balanceEvents } from "./events.js";
import type { LockedCredit } from "./lock.js";
import { creditName } from "./names.js";
import type { LedgerWrite } from "./writes.js";

/** One move of a credit's balance, as the ledger row records it. */
export interface Posting {
  /** Signed: positive is a Credit, negative a Debit. */
  impact: Decimal;
  action: BalanceAction;
  /** Recorded in createdBy/updatedBy (see actorName). */
  actor: string;
  now: Date;
  comments?: string | null;
  orderId?: string | null;
  /** The credit memo a refund or its reversal belongs to. */
  creditmemo?: { id: number; incrementId: string };
  isCustomerNotified?: boolean;
  data?: Prisma.InputJsonValue;
}

/**
 * Moves a locked credit's balance: refuses a Debit larger than the balance (409), then writes the new balance, the
 * ledger row with its balance_after, the Transaction audit entry, and the events announcing it (credit.updated, and
 * storecredit.balance.updated for each balance of the customer it moved), and notes the row in `written` for the
 * metrics, which count it only once the caller's transaction has committed.
 */
export async function postTransaction(
  tx: TenantTx,
  credit: LockedCredit,
  posting: Posting,
  written: LedgerWrite[],
): Promise<CreditTransaction> {
  const { impact, actor, now } = posting;
  const balance = toDecimal(credit.currentBalance);
  const currency = credit.currencyCode;
  if (balance.plus(impact).isNegative()) {
    const left = formatAmount(balance, currency);
    const requested = formatAmount(impact.abs(), currency);
    throw Errors.conflict(`${creditName(credit)} has ${left} ${currency} left; cannot debit ${requested}.`, {
      code: credit.code,
      currentBalance: left,
      requested,
    });
  }
  const balanceAfter = balance.plus(impact);
  const transactionType = impact.isNegative() ? "Debit" : "Credit";
  const tenantId = tenantIdOf(tx);
  const updated = await tx.credit.update({
    where: { id: credit.id },
    data: { currentBalance: balanceAfter.toFixed(), updatedBy: actor, updatedAt: now },
  });
  const row = await tx.creditTransaction.create({
    data: {
      tenantId,
      creditId: credit.id,
      transactionType,
      impactAmount: impact.toFixed(),
      balanceAfter: balanceAfter.toFixed(),
      action: posting.action,
      comments: posting.comments ?? null,
      orderId: posting.orderId ?? null,
      creditmemoId: posting.creditmemo?.id ?? null,
      isCustomerNotified: posting.isCustomerNotified ?? false,
      ...(posting.data === undefined ? {} : { data: posting.data }),
      createdBy: actor,
      createdAt: now,
    },
  });
  written.push({ type: row.transactionType, action: row.action });
  const order = posting.orderId ? `; order ${posting.orderId}` : "";
  const memo = posting.creditmemo ? `; credit memo ${posting.creditmemo.incrementId}` : "";
  await tx.creditAuditEntry.create({
    data: {
      tenantId,
      creditId: credit.id,
      activityType: "Transaction",
      details: `${transactionType} ${formatAmount(impact.abs(), currency)} ${currency}; balance ${formatAmount(balanceAfter, currency)} ${currency}${order}${memo}`,
      createdBy: actor,
      createdAt: now,
    },
  });
  await recordEvents(tx, [creditPostedEvent(updated, row), ...(await balanceEvents(tx, credit, updated, { now, transactionId: row.id }))]);
  return row;
}
