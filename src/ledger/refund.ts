import type { Credit } from "../generated/prisma/client.js";
import type { TenantTx } from "../db/transactions.js";
import { Decimal, toDecimal } from "../money/index.js";
import { generateCreditCode } from "./codes.js";
import { balanceCreditsWhere, type BalanceWebsite } from "./balance.js";
import type { LedgerWrite } from "./writes.js";

/** Who moves the money and why: the credit memo behind a refund or its cancellation. */
export interface MemoMove {
  tenantId: number;
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
  const credit = (await lockedRefundTarget(tx, refund)) ?? (await openStoreCredit(tx, refund));
  const balanceAfter = toDecimal(credit.currentBalance).plus(refund.amount);
  const comments = `Refund of credit memo #${refund.creditmemoIncrementId} (order #${refund.orderIncrementId})`;
  await move(tx, refund, credit, refund.amount, balanceAfter, { action: "Refunded", comments, notified: refund.notified }, written);
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
  const reversals: RefundReversal[] = [];
  // Ascending credit ids: two cancellations touching the same credits lock them in the same order.
  for (const { creditId, _sum } of moves) {
    const refunded = toDecimal(_sum.impactAmount ?? 0);
    if (refunded.lte(0)) continue;
    const credit = await lockCredit(tx, memo.tenantId, creditId);
    const balance = toDecimal(credit.currentBalance);
    const reverted = Decimal.min(refunded, balance);
    if (reverted.gt(0)) {
      const comments = `Cancellation of credit memo #${memo.creditmemoIncrementId} (order #${memo.orderIncrementId})`;
      await move(tx, memo, credit, reverted.negated(), balance.minus(reverted), { action: "Reverted", comments, notified: false }, written);
    }
    reversals.push({ code: credit.code, currencyCode: credit.currencyCode, refunded, reverted, spent: refunded.minus(reverted) });
  }
  return reversals;
}

/** The customer's StoreCredit a refund goes into, locked and re-read; null when they have no usable one. */
async function lockedRefundTarget(tx: TenantTx, refund: StoreCreditRefund): Promise<Credit | null> {
  const where = { ...balanceCreditsWhere(refund.customerId, refund.website, refund.now), creditType: "StoreCredit" as const };
  const candidate = await tx.credit.findFirst({
    where,
    orderBy: [{ websiteRef: { sort: "asc", nulls: "last" } }, { id: "asc" }],
    select: { id: true },
  });
  if (!candidate) return null;
  await lockCredit(tx, refund.tenantId, candidate.id);
  // Between the search and the lock the credit may have been deleted or expired; then a new one is opened.
  return tx.credit.findFirst({ where: { ...where, id: candidate.id } });
}

async function openStoreCredit(tx: TenantTx, refund: StoreCreditRefund): Promise<Credit> {
  const code = await unusedCode(tx);
  const currencyCode = refund.website.baseCurrencyCode;
  return tx.credit.create({
    data: {
      tenantId: refund.tenantId,
      code,
      codeKey: code,
      creditType: "StoreCredit",
      currencyCode,
      initialBalance: "0",
      currentBalance: "0",
      activationDate: refund.now,
      customerId: refund.customerId,
      // Magento keeps store credit per website, so a refund opens a credit for the order's website only.
      websiteRef: refund.website.id,
      createdBy: refund.actor,
      createdAt: refund.now,
      updatedBy: refund.actor,
      updatedAt: refund.now,
      auditEntries: {
        create: {
          tenantId: refund.tenantId,
          activityType: "Created",
          details: `Created StoreCredit ${code} with initial balance 0.00 ${currencyCode} for the refund of credit memo #${refund.creditmemoIncrementId}`,
          createdBy: refund.actor,
          createdAt: refund.now,
        },
      },
    },
  });
}

async function unusedCode(tx: TenantTx): Promise<string> {
  // A collision among 2^79 codes is not expected; the loop only makes it harmless.
  for (;;) {
    const code = generateCreditCode("StoreCredit");
    if (!(await tx.credit.findFirst({ where: { codeKey: code }, select: { id: true } }))) return code;
  }
}

/**
 * Locks a credit row for the rest of the transaction, so balance changes to it queue up, and reads it. Raw SQL
 * bypasses the tenant scope, so the tenant is part of the statement.
 */
async function lockCredit(tx: TenantTx, tenantId: number, creditId: bigint): Promise<Credit> {
  await tx.$queryRaw`SELECT id FROM credits WHERE tenant_id = ${tenantId} AND id = ${creditId} FOR UPDATE`;
  return tx.credit.findFirstOrThrow({ where: { id: creditId } });
}

interface MoveDetails {
  action: "Refunded" | "Reverted";
  comments: string;
  notified: boolean;
}

async function move(
  tx: TenantTx,
  memo: MemoMove,
  credit: Credit,
  impact: Decimal,
  balanceAfter: Decimal,
  details: MoveDetails,
  written: LedgerWrite[],
): Promise<void> {
  const transactionType = impact.isNegative() ? "Debit" : "Credit";
  await tx.credit.update({
    where: { id: credit.id },
    data: { currentBalance: balanceAfter.toFixed(), updatedBy: memo.actor, updatedAt: memo.now },
  });
  await tx.creditTransaction.create({
    data: {
      tenantId: memo.tenantId,
      creditId: credit.id,
      transactionType,
      impactAmount: impact.toFixed(),
      balanceAfter: balanceAfter.toFixed(),
      action: details.action,
      comments: details.comments,
      orderId: memo.orderIncrementId,
      creditmemoId: memo.creditmemoId,
      isCustomerNotified: details.notified,
      createdBy: memo.actor,
      createdAt: memo.now,
    },
  });
  written.push({ type: transactionType, action: details.action });
  const currency = credit.currencyCode;
  await tx.creditAuditEntry.create({
    data: {
      tenantId: memo.tenantId,
      creditId: credit.id,
      activityType: "Transaction",
      details: `${transactionType} ${money(impact.abs())} ${currency}; balance ${money(balanceAfter)} ${currency}; order ${memo.orderIncrementId}; credit memo ${memo.creditmemoIncrementId}`,
      createdBy: memo.actor,
      createdAt: memo.now,
    },
  });
}

/** An amount as a clerk reads it: at least two decimals (12.50), all four when they matter (0.1234). */
function money(amount: Decimal): string {
  return amount.decimalPlaces() <= 2 ? amount.toFixed(2) : amount.toFixed();
}
