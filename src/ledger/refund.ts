import type { TenantTx } from "../db/transactions.js";
import { Decimal, toDecimal } from "../money/index.js";
import { balanceCreditsWhere, type BalanceWebsite } from "./balance.js";
import { lockBalanceOwners } from "./events.js";
import { type LockedCredit, lockCredit } from "./lock.js";
import { openCredit, unusedCode } from "./open.js";
import { type Posting, postTransaction } from "./post.js";
import type { LedgerWrite } from "./writes.js";

/** Who moves the money and why: the credit memo behind a refund or its cancellation. */
export interface MemoMove {
  /** Recorded in createdBy/updatedBy (see actorName). */
  actor: string;
  creditmemoId: number;
  creditmemoIncrementId: string;
  orderIncrementId: string;
  now: Date;
}

export interface StoreCreditRefund extends MemoMove {
  customerId: number;
  website: BalanceWebsite;
  /** Positive, in the website's base currency. */
  amount: Decimal;
  /** Whether the customer is told about the refund (history's is_customer_notified). */
  notified: boolean;
}

/**
 * Credits a credit-memo refund to the customer's store credit for the website, inside the memo's transaction: into
 * their usable StoreCredit there (one restricted to the website before one valid everywhere, oldest first), or into a
 * new StoreCredit for that website opened at 0. Writes a Credit ledger row with action Refunded tied to the memo
 * (noted in `written`), the new balance and a Transaction audit entry together.
 */
export async function refundToStoreCredit(tx: TenantTx, refund: StoreCreditRefund, written: LedgerWrite[]): Promise<void> {
  const credit = (await lockedRefundTarget(tx, refund)) ?? (await openStoreCredit(tx, refund, written));
  await postTransaction(
    tx,
    credit,
    {
      ...memoPosting(refund),
      impact: refund.amount,
      action: "Refunded",
      comments: `Refund of credit memo #${refund.creditmemoIncrementId} (order #${refund.orderIncrementId})`,
      isCustomerNotified: refund.notified,
    },
    written,
  );
}

/** What cancelling a memo did to one credit its refund went into. */
export interface RefundReversal {
  code: string;
  currencyCode: string;
  /** What the memo put on the credit, net of earlier reversals. */
  refunded: Decimal;
  /** What was taken back now: the refund, or the credit's balance if less is left. */
  reverted: Decimal;
  /** The part of the refund already spent, which stays with the customer. */
  spent: Decimal;
}

/**
 * Takes back a canceled memo's store-credit refunds: on each credit it went to, a Debit ledger row with action
 * Reverted tied to the memo, as large as the refund but never more than the credit's current balance — what the
 * customer already spent cannot be taken back from the ledger and is reported as `spent`. Each row is noted in `written`.
 */
export async function revertStoreCreditRefunds(tx: TenantTx, memo: MemoMove, written: LedgerWrite[]): Promise<RefundReversal[]> {
  const moves = await tx.creditTransaction.groupBy({
    by: ["creditId"],
    where: { creditmemoId: memo.creditmemoId, action: { in: ["Refunded", "Reverted"] } },
    _sum: { impactAmount: true },
    orderBy: { creditId: "asc" },
  });
  // Ascending credit ids: two cancellations touching the same credits lock them in the same order. Every credit is
  // locked before any customer (the balance events lock those), so a posting to one of these credits waiting for
  // this transaction's customer lock never holds a credit this transaction still needs.
  const refunds: { credit: LockedCredit; refunded: Decimal }[] = [];
  for (const { creditId, _sum } of moves) {
    const refunded = toDecimal(_sum.impactAmount ?? 0);
    if (refunded.lte(0)) continue;
    const credit = await lockCredit(tx, { id: creditId });
    // The memo's own ledger rows point at it and credits are only ever soft-deleted.
    if (!credit) throw new Error(`credit ${creditId} refunded by credit memo ${memo.creditmemoIncrementId} is missing`);
    refunds.push({ credit, refunded });
  }
  await lockBalanceOwners(tx, refunds.flatMap(({ credit }) => credit.customerId ?? []));
  const reversals: RefundReversal[] = [];
  for (const { credit, refunded } of refunds) {
    const reverted = Decimal.min(refunded, toDecimal(credit.currentBalance));
    if (reverted.gt(0)) {
      const comments = `Cancellation of credit memo #${memo.creditmemoIncrementId} (order #${memo.orderIncrementId})`;
      await postTransaction(tx, credit, { ...memoPosting(memo), impact: reverted.negated(), action: "Reverted", comments }, written);
    }
    reversals.push({ code: credit.code, currencyCode: credit.currencyCode, refunded, reverted, spent: refunded.minus(reverted) });
  }
  return reversals;
}

/** The customer's StoreCredit a refund goes into, locked and re-read; null when they have no usable one. */
async function lockedRefundTarget(tx: TenantTx, refund: StoreCreditRefund): Promise<LockedCredit | null> {
  const where = { ...balanceCreditsWhere(refund.customerId, refund.website, refund.now), creditType: "StoreCredit" as const };
  const candidate = await tx.credit.findFirst({
    where,
    orderBy: [{ websiteRef: { sort: "asc", nulls: "last" } }, { id: "asc" }],
    select: { id: true },
  });
  // Between the search and the lock the credit may have been deleted or expired; then a new one is opened.
  return candidate ? lockCredit(tx, { id: candidate.id }, where) : null;
}

async function openStoreCredit(tx: TenantTx, refund: StoreCreditRefund, written: LedgerWrite[]): Promise<LockedCredit> {
  return openCredit(
    tx,
    {
      creditType: "StoreCredit",
      code: await unusedCode(tx, "StoreCredit"),
      currencyCode: refund.website.baseCurrencyCode,
      openingBalance: new Decimal(0),
      activationDate: refund.now,
      customerId: refund.customerId,
      // Magento keeps store credit per website, so a refund opens a credit for the order's website only.
      websiteRef: refund.website.id,
      actor: refund.actor,
      now: refund.now,
      reason: `for the refund of credit memo #${refund.creditmemoIncrementId}`,
    },
    written,
  );
}

/** The ledger row's ties to the memo: its order, the memo itself, and what the audit entry names. */
function memoPosting(memo: MemoMove): Pick<Posting, "actor" | "now" | "orderId" | "creditmemo"> {
  return {
    actor: memo.actor,
    now: memo.now,
    orderId: memo.orderIncrementId,
    creditmemo: { id: memo.creditmemoId, incrementId: memo.creditmemoIncrementId },
  };
}
