import { actorName, type Caller } from "../../auth/caller.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { TenantTx } from "../../db/transactions.js";
import { creditmemoCreatedEvent } from "../../events/payloads.js";
import { recordEvent } from "../../events/record.js";
import { refundToStoreCredit } from "../../ledger/refund.js";
import type { LedgerWrite } from "../../ledger/writes.js";
import { Decimal, formatAmount, toDecimal } from "../../money/index.js";
import { readAmountParameter } from "../../money/parameters.js";
import { cents, computeCreditmemo, type CreditmemoCalculation } from "./arithmetic.js";
import {
  CREDITMEMO_STATE,
  creditmemoHeaderFromOrder,
  type CreditmemoRecord,
  magentoIncrementId,
  MemoFaults,
  NULL_CREDITMEMO_COLUMNS,
} from "../../magento/index.js";
import { lockOrder } from "./order-lock.js";
import { moveOrderRefunds } from "./order-refunds.js";
import { readMagentoId, refuseInvalidData } from "./orders.js";
import type { NewCreditmemoInput } from "./inputs.js";
import { getCreditmemo } from "./reads.js";
import { queueCreditmemoEmail } from "./service.js";

// Magento takes no credit memo for these order states.
const CLOSED_STATES = new Set(["canceled", "closed", "holded"]);

const ORDER_INCLUDE = { items: { orderBy: { id: "asc" } }, store: true, website: true } as const satisfies Prisma.OrderInclude;
type LockedOrder = Prisma.OrderGetPayload<{ include: typeof ORDER_INCLUDE }>;

/** What the create reads back of the new memo: its ids and what creditmemo.created publishes. */
const CREATED_MEMO_SELECT = {
  creditmemo_id: true,
  increment_id: true,
  state: true,
  store_id: true,
  base_currency_code: true,
  base_grand_total: true,
  order_currency_code: true,
  grand_total: true,
} as const satisfies Prisma.CreditmemoSelect;

/** A create request read against the order: the lines to refund and the amounts, all checked. */
interface RefundRequest {
  lines: { orderItemId: number; qty: Decimal }[];
  shipping: Decimal;
  adjustmentPositive: Decimal | null;
  adjustmentNegative: Decimal | null;
  storeCredit: Decimal;
}

/**
 * Creates a refunded credit memo for an order inside the caller's transaction. The order row is locked
 * first, so concurrent creates for one order run one after another and each sees what the previous one refunded.
 * The memo, its lines and comment, the order's refunded quantities and totals, the refund to store credit (its ledger
 * row noted in `written`) and their events (creditmemo.created, then the refund's own credit events) commit together
 * or not at all.
 */
export async function createCreditmemo(
  tx: TenantTx,
  caller: Caller,
  orderIncrementId: string,
  input: NewCreditmemoInput,
  now: Date,
  written: LedgerWrite[],
): Promise<CreditmemoRecord> {
  const order = await lockedOrder(tx, orderIncrementId);
  if (!order) throw MemoFaults.orderNotFound(orderIncrementId);
  checkRefundable(order);
  const request = readRequest(order, input);
  if (request.storeCredit.gt(0) && order.customerId === null) throw MemoFaults.guestOrder(orderIncrementId);
  if (request.storeCredit.gt(0) && order.baseCurrencyCode !== order.website.baseCurrencyCode) {
    throw MemoFaults.cannotCreate(
      orderIncrementId,
      `its base currency ${order.baseCurrencyCode} differs from ${order.website.baseCurrencyCode}, the currency its website keeps store credit in, so nothing can be refunded to store credit.`,
    );
  }
  const calculation = computeCreditmemo(order.items, {
    items: request.lines,
    shippingAmount: request.shipping,
    adjustmentPositive: request.adjustmentPositive,
    adjustmentNegative: request.adjustmentNegative,
    baseToOrderRate: order.baseToOrderRate,
  });
  checkTotals(order, calculation);
  // Magento's "refund to store credit" may return at most what the memo refunds.
  const storeCredit = Decimal.min(request.storeCredit, calculation.totals.base_grand_total);
  const notify = input.notifyCustomer ?? false;
  const comment = input.comment?.trim() ? input.comment : null;

  const incrementId = await nextIncrementId(tx, order.store);
  const memo = await tx.creditmemo.create({
    data: {
      ...creditmemoHeaderFromOrder(order),
      ...NULL_CREDITMEMO_COLUMNS,
      increment_id: incrementId,
      // Refunded at once: an offline refund, as Magento's API makes.
      state: CREDITMEMO_STATE.refunded,
      email_sent: notify ? 1 : null,
      ...calculation.totals,
      bs_customer_bal_total_refunded: storeCredit.toFixed(),
      customer_bal_total_refunded: cents(storeCredit.mul(toDecimal(order.baseToOrderRate))).toFixed(),
      created_at: now,
      updated_at: now,
      items: { create: calculation.items },
      ...(comment === null ? {} : { comments: { create: { comment, is_customer_notified: notify, created_at: now } } }),
    },
    select: CREATED_MEMO_SELECT,
  });
  await recordEvent(
    tx,
    creditmemoCreatedEvent({ ...memo, orderIncrementId, customerId: order.customerId, refundedToStoreCredit: storeCredit }),
  );

  await moveOrderRefunds(tx, order.id, { ...calculation.totals, items: calculation.items }, "increment");
  if (storeCredit.gt(0) && order.customerId !== null) {
    await refundToStoreCredit(tx, {
      actor: actorName(caller),
      creditmemoId: memo.creditmemo_id,
      creditmemoIncrementId: incrementId,
      orderIncrementId,
      customerId: order.customerId,
      website: order.website,
      amount: storeCredit,
      notified: notify,
      now,
    }, written);
  }
  if (notify) {
    await queueCreditmemoEmail(tx, incrementId, "created", input.includeComment ? comment : null, now);
  }
  return getCreditmemo(tx, incrementId);
}

/** Locks the order row for the rest of the transaction and reads it. */
async function lockedOrder(tx: TenantTx, incrementId: string): Promise<LockedOrder | null> {
  const locked = await lockOrder(tx, { incrementId });
  return locked ? tx.order.findFirst({ where: { id: locked.id }, include: ORDER_INCLUDE }) : null;
}

/** Fault 106 when the order can take no credit memo at all: closed by its state, or nothing paid is left. */
function checkRefundable(order: LockedOrder): void {
  if (CLOSED_STATES.has(order.state)) throw MemoFaults.cannotCreate(order.incrementId, `the order is ${order.state}.`);
  const paid = toDecimal(order.baseTotalPaid);
  if (paid.lte(0)) throw MemoFaults.cannotCreate(order.incrementId, "nothing has been paid (invoiced) yet.");
  const available = paid.minus(toDecimal(order.baseTotalRefunded));
  if (available.lte(0)) {
    throw MemoFaults.cannotCreate(order.incrementId, `everything paid (${formatAmount(paid, order.baseCurrencyCode)} ${order.baseCurrencyCode}) has been refunded.`);
  }
}

/** Reads the request against the order: unknown, repeated or excessive lines and bad amounts are fault 102. */
function readRequest(order: LockedOrder, input: NewCreditmemoInput): RefundRequest {
  const remaining = (item: LockedOrder["items"][number]) => toDecimal(item.qtyInvoiced).minus(toDecimal(item.qtyRefunded));
  let lines: RefundRequest["lines"];
  if (input.qtys === undefined) {
    lines = order.items.filter((item) => remaining(item).gt(0)).map((item) => ({ orderItemId: item.itemId, qty: remaining(item) }));
  } else {
    const seen = new Set<number>();
    lines = [];
    input.qtys.forEach(({ order_item_id: sentItemId, qty: sent }, index) => {
      const parameter = `qtys[${index}]`;
      const orderItemId = readMagentoId(`${parameter}.order_item_id`, sentItemId, 1);
      const item = order.items.find((candidate) => candidate.itemId === orderItemId);
      if (!item) throw MemoFaults.invalidData(`Order ${order.incrementId} has no item ${orderItemId}.`, `${parameter}.order_item_id`);
      if (seen.has(orderItemId)) throw MemoFaults.invalidData(`Order item ${orderItemId} is listed twice in qtys.`, parameter);
      seen.add(orderItemId);
      const qty = readDecimal(`${parameter}.qty`, sent, 4);
      if (qty.gt(remaining(item))) {
        throw MemoFaults.invalidData(
          `Cannot refund ${qty.toFixed()} of order item ${orderItemId}: ${remaining(item).toFixed()} of it is invoiced and not yet refunded.`,
          `${parameter}.qty`,
        );
      }
      if (qty.gt(0)) lines.push({ orderItemId, qty });
    });
  }
  const shippingLeft = toDecimal(order.shippingAmount).minus(toDecimal(order.shippingRefunded));
  const shipping = optionalMoney("shipping_amount", input.shipping_amount) ?? shippingLeft;
  if (shipping.gt(shippingLeft)) {
    throw MemoFaults.invalidData(
      `Maximum shipping amount allowed to refund is: ${formatAmount(shippingLeft, order.orderCurrencyCode)} ${order.orderCurrencyCode}.`,
      "shipping_amount",
    );
  }
  return {
    lines,
    shipping,
    adjustmentPositive: optionalMoney("adjustment_positive", input.adjustment_positive),
    adjustmentNegative: optionalMoney("adjustment_negative", input.adjustment_negative),
    storeCredit: optionalMoney("refundToStoreCreditAmount", input.refundToStoreCreditAmount) ?? new Decimal(0),
  };
}

/** Fault 102 when the memo would refund nothing, or more than is left of what was paid. */
function checkTotals(order: LockedOrder, calculation: CreditmemoCalculation): void {
  const total = new Decimal(calculation.totals.base_grand_total);
  if (total.lte(0)) {
    throw MemoFaults.invalidData(
      `The credit memo's total must be positive; these lines, shipping and adjustments come to ${formatAmount(total, order.baseCurrencyCode)} ${order.baseCurrencyCode}.`,
    );
  }
  const available = toDecimal(order.baseTotalPaid).minus(toDecimal(order.baseTotalRefunded));
  if (total.gt(available)) {
    throw MemoFaults.invalidData(
      `Maximum amount available to refund is ${formatAmount(available, order.baseCurrencyCode)} ${order.baseCurrencyCode}; this credit memo comes to ${formatAmount(total, order.baseCurrencyCode)}.`,
    );
  }
}

/**
 * The next increment id of the store: its prefix and the 8-digit number nextval draws from the store's sequence
 * (prisma/migrations/20261202020000_creditmemo_sequences). A sequence is Magento 2's way (sequence_creditmemo_N):
 * nextval holds no lock to commit, so memos of one store never wait for each other's numbers. Taking the store's
 * counter row with UPDATE … RETURNING did, from the number to the memo's commit, and under load (the chaos run) the
 * memos of a store queued on it past statement_timeout even with the number drawn after every other lock; the price is
 * a gap where a memo is rolled back after its draw. Numbers already used (memos imported with their Magento numbers)
 * are skipped.
 */
async function nextIncrementId(tx: TenantTx, store: { id: number; incrementPrefix: string }): Promise<string> {
  for (;;) {
    // The store is the locked order's, so of the caller's tenant; the sequence holds no tenant's rows.
    const [drawn] = await tx.$queryRaw<{ number: bigint }[]>`
      SELECT nextval(format('%I', 'creditmemo_number_' || ${store.id}::int)::regclass) AS number`;
    const incrementId = magentoIncrementId(store.incrementPrefix, Number(drawn!.number));
    const taken = await tx.creditmemo.findFirst({ where: { increment_id: incrementId }, select: { creditmemo_id: true } });
    if (!taken) return incrementId;
  }
}

/** A non-negative amount of at most `scale` decimals; fault 102 naming the parameter otherwise. */
function readDecimal(parameter: string, value: number | string, scale: number): Decimal {
  const amount = readAmountParameter(parameter, value, refuseInvalidData);
  if (amount.isNegative()) throw MemoFaults.invalidData(`${parameter} must not be negative.`, parameter);
  if (amount.decimalPlaces() > scale) throw MemoFaults.invalidData(`${parameter} may have at most ${scale} decimals.`, parameter);
  return amount;
}

/** Memo amounts are in cents, as Magento rounds them; omitted and null are null. */
function optionalMoney(parameter: string, value: number | string | null | undefined): Decimal | null {
  return value === undefined || value === null ? null : readDecimal(parameter, value, 2);
}
