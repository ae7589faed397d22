import { actorName, type Caller } from "../../auth/caller.js";
import { tenantIdOf } from "../../db/tenant-scope.js";
import type { TenantTx } from "../../db/transactions.js";
import { creditmemoUpdatedEvent } from "../../events/payloads.js";
import { recordEvent } from "../../events/record.js";
import { revertStoreCreditRefunds, type RefundReversal } from "../../ledger/refund.js";
import type { LedgerWrite } from "../../ledger/writes.js";
import { creditmemoMailPayload, MailTopics } from "../../mail/payloads.js";
import { queueMail } from "../../mail/queue.js";
import { formatAmount } from "../../money/index.js";
import { CREDITMEMO_STATE, MemoFaults, type CreditmemoRecord } from "../../magento/index.js";
import { lockOrder } from "./order-lock.js";
import { moveOrderRefunds } from "./order-refunds.js";
import { getCreditmemo, MEMO_INCLUDE } from "./reads.js";
import type { NewCommentInput } from "./inputs.js";

/**
 * Queues the customer's email about a memo (notifyCustomer): what it refunds, what of it went to store credit and in
 * which currency, and the comment when the caller included it. Read from the memo as the transaction has it now, so
 * a memo just created carries its totals. An order without a customer email is still queued; the mailer records why
 * it cannot be sent.
 */
export async function queueCreditmemoEmail(
  tx: TenantTx,
  incrementId: string,
  reason: "created" | "comment",
  comment: string | null,
  now: Date,
): Promise<void> {
  const memo = await tx.creditmemo.findFirstOrThrow({
    where: { increment_id: incrementId },
    select: {
      increment_id: true,
      state: true,
      order_currency_code: true,
      grand_total: true,
      base_currency_code: true,
      bs_customer_bal_total_refunded: true,
      order: { select: { incrementId: true, customerEmail: true, customer: { select: { firstName: true, lastName: true } } } },
    },
  });
  await queueMail(tx, { topic: MailTopics.creditmemo, entityId: incrementId, payload: creditmemoMailPayload(memo, reason, comment), now });
}

/**
 * Adds a comment to a credit memo inside the caller's transaction; with notifyCustomer the comment is
 * marked notified and an email is queued, carrying the comment when includeComment is set. Announced by
 * creditmemo.updated with the memo's state as the update left it: the update locks the memo row, so a concurrent
 * cancellation's event and this one are written in the order the two commit.
 */
export async function addCreditmemoComment(
  tx: TenantTx,
  caller: Caller,
  incrementId: string,
  input: NewCommentInput,
  now: Date,
): Promise<CreditmemoRecord> {
  const memo = await tx.creditmemo.findFirst({ where: { increment_id: incrementId }, select: { creditmemo_id: true } });
  if (!memo) throw MemoFaults.notFound(incrementId);
  if (input.comment.trim() === "") throw MemoFaults.invalidData("comment must not be blank.", "comment");
  const notify = input.notifyCustomer ?? false;
  const updated = await tx.creditmemo.update({
    where: { creditmemo_id: memo.creditmemo_id },
    data: { updated_at: now, comments: { create: { comment: input.comment, is_customer_notified: notify, created_at: now } } },
    select: { state: true, order: { select: { incrementId: true } } },
  });
  await recordEvent(
    tx,
    creditmemoUpdatedEvent(
      { incrementId, orderIncrementId: updated.order.incrementId, state: updated.state },
      { change: "comment", comment: input.comment, isCustomerNotified: notify },
    ),
  );
  if (notify) {
    await queueCreditmemoEmail(tx, incrementId, "comment", input.includeComment ? input.comment : null, now);
  }
  return getCreditmemo(tx, incrementId);
}

/**
 * Cancels an open credit memo (state 1 → 3): the order's refunded quantities and totals go back down, and a refund to
 * store credit is taken back from the credit it went to, as far as its balance allows. What the customer already spent
 * stays spent; a comment on the memo records what was taken back and what was not. Anything but an open memo is
 * fault 104. Runs in the caller's transaction; the reversals' ledger rows are noted in `written`. Announced by
 * creditmemo.updated, after the reversals' own credit events.
 */
export async function cancelCreditmemo(
  tx: TenantTx,
  caller: Caller,
  incrementId: string,
  now: Date,
  written: LedgerWrite[],
): Promise<CreditmemoRecord> {
  // Raw SQL bypasses the tenant scope, so it takes the tenant from the scoped client. The memo is locked before its order.
  const locked = await tx.$queryRaw<{ creditmemo_id: number; order_ref: number }[]>`
    SELECT creditmemo_id, order_ref FROM creditmemos
    WHERE tenant_id = ${tenantIdOf(tx)} AND increment_id = ${incrementId} FOR UPDATE`;
  const target = locked[0];
  if (!target) throw MemoFaults.notFound(incrementId);
  await lockOrder(tx, { id: target.order_ref });
  const memo = await tx.creditmemo.findFirstOrThrow({ where: { creditmemo_id: target.creditmemo_id }, include: MEMO_INCLUDE });
  if (memo.state !== CREDITMEMO_STATE.open) throw MemoFaults.statusNotChanged(incrementId, memo.state);

  await moveOrderRefunds(tx, memo.order_ref, memo, "decrement");
  const reversals = await revertStoreCreditRefunds(tx, {
    actor: actorName(caller),
    creditmemoId: memo.creditmemo_id,
    creditmemoIncrementId: incrementId,
    orderIncrementId: memo.order.incrementId,
    now,
  }, written);
  await tx.creditmemo.update({
    where: { creditmemo_id: memo.creditmemo_id },
    data: {
      state: CREDITMEMO_STATE.canceled,
      updated_at: now,
      ...(reversals.length > 0 ? { comments: { create: { comment: describeReversals(reversals), created_at: now } } } : {}),
    },
  });
  await recordEvent(
    tx,
    creditmemoUpdatedEvent({ incrementId, orderIncrementId: memo.order.incrementId, state: CREDITMEMO_STATE.canceled }, { change: "cancel" }),
  );
  return getCreditmemo(tx, incrementId);
}

/** The comment a cancellation leaves when the memo had refunded to store credit. */
function describeReversals(reversals: readonly RefundReversal[]): string {
  const parts = reversals.map(({ code, currencyCode, refunded, reverted, spent }) => {
    const taken = `${formatAmount(reverted, currencyCode)} of the ${formatAmount(refunded, currencyCode)} ${currencyCode} refunded to store credit ${code} was taken back`;
    return spent.isZero() ? taken : `${taken}; ${formatAmount(spent, currencyCode)} ${currencyCode} had already been spent and stays with the customer`;
  });
  return `Credit memo canceled: ${parts.join("; ")}.`;
}

