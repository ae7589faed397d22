import { Decimal } from "decimal.js";
import type { Prisma } from "../generated/prisma/client.js";
import { creditmemoHeaderFromOrder, magentoIncrementId, NULL_CREDITMEMO_COLUMNS } from "../magento/index.js";
import { computeCreditmemo, type CreditmemoCalculation } from "../services/creditmemos/arithmetic.js";
import type { IdSequence } from "./bulk.js";
import { type DatedMove, type DraftCredit, lastActivity, MAX_MOVES } from "./generate-credits.js";
import { type DraftOrder, orderHeader, refundableItem } from "./generate-orders.js";
import { addDays, type Random } from "./random.js";

export interface CreditmemoRows {
  creditmemos: Prisma.CreditmemoCreateManyInput[];
  items: Prisma.CreditmemoItemCreateManyInput[];
  comments: Prisma.CreditmemoCommentCreateManyInput[];
  /** Per store (stores.id): the highest credit memo number used, for stores.last_creditmemo_number. */
  lastNumbers: Map<number, number>;
}

/** Ids for generated memos, their items and comments (all above the documented example's). */
export interface CreditmemoIds {
  creditmemo: IdSequence;
  item: IdSequence;
  comment: IdSequence;
}

/** A credit memo being generated, before it is numbered. */
export interface DraftMemo {
  order: DraftOrder;
  state: 1 | 2 | 3;
  createdAt: Date;
  calculation: CreditmemoCalculation;
  comments: string[];
  /** The refund to store credit this memo wrote, when it wrote one. */
  storeCreditRefund: DatedMove | null;
}

const FIRST_MEMO_NUMBER = 1001;

const REASONS = [
  "Customer returned the item unopened",
  "Damaged in transit",
  "Wrong size ordered",
  "Goodwill for a late delivery",
];

/**
 * Generates credit memos for about 40% of invoiced orders (some get a second one): 70% refunded, 15% open,
 * 15% canceled. Memos that are not canceled add to their order's refunded quantities and totals; a third of the
 * refunded memos of registered customers go to store credit, appending a Refunded row to one of the customer's
 * store credits on that website. Memos are numbered per store in date order.
 */
export function generateCreditmemos(
  random: Random,
  orders: readonly DraftOrder[],
  storeCredits: ReadonlyMap<string, readonly DraftCredit[]>,
  anchor: Date,
  ids: CreditmemoIds,
): CreditmemoRows {
  const drafts: DraftMemo[] = [];
  for (const order of orders) {
    if (!order.items.some((item) => item.qtyInvoiced > 0) || !random.chance(0.4)) continue;
    const memoCount = random.chance(0.25) ? 2 : 1;
    let after = order.createdAt;
    for (let n = 0; n < memoCount; n += 1) {
      const earliest = addDays(after, 0.5);
      const latest = minDate(addDays(after, 30), addDays(anchor, -1));
      if (latest <= earliest) break;
      const memo = draftMemo(random, order, random.dateBetween(earliest, latest), storeCredits);
      if (!memo) break;
      drafts.push(memo);
      after = memo.createdAt;
    }
  }
  return numberMemos(random, drafts, ids);
}

function draftMemo(
  random: Random,
  order: DraftOrder,
  createdAt: Date,
  storeCredits: ReadonlyMap<string, readonly DraftCredit[]>,
): DraftMemo | null {
  const refundable = order.items.filter((item) => item.qtyRefunded < item.qtyInvoiced);
  if (refundable.length === 0) return null;
  const chosen = refundable.filter(() => random.chance(0.7));
  const lines = (chosen.length > 0 ? chosen : [random.pick(refundable)]).map((item) => ({
    orderItemId: item.itemId,
    qty: random.int(1, item.qtyInvoiced - item.qtyRefunded),
  }));
  const refundShipping = order.refunded.shipping.isZero() && random.chance(0.5);
  const calculate = (fee: string | null) =>
    computeCreditmemo(order.items.map(refundableItem), {
      items: lines,
      shippingAmount: refundShipping ? order.shippingAmount : "0",
      adjustmentNegative: fee,
      baseToOrderRate: "1",
    });
  const withFee = random.chance(0.1) ? calculate("5.00") : null;
  // A restocking fee larger than a small refund would make it negative; such memos go without the fee.
  const calculation = withFee && new Decimal(withFee.totals.grand_total).gt(0) ? withFee : calculate(null);
  const state = random.weighted<1 | 2 | 3>([
    [2, 70],
    [1, 15],
    [3, 15],
  ]);
  const storeCredit =
    state === 2 && order.customer && random.chance(0.35)
      ? refundableStoreCredit(storeCredits, order, createdAt)
      : undefined;
  const storeCreditRefund: DatedMove | null = storeCredit
    ? {
        type: "Credit",
        amount: calculation.totals.grand_total,
        action: "Refunded",
        orderId: order.incrementId,
        comments: `Refund to store credit for order ${order.incrementId}`,
        createdBy: "magento-refunds",
        createdAt: new Date(createdAt.getTime() + 60_000),
      }
    : null;
  if (storeCredit && storeCreditRefund) storeCredit.moves.push(storeCreditRefund);
  moveDraftOrderRefunds(order, lines, calculation, state, createdAt);
  const comments =
    state === 3
      ? ["Credit memo created", "Canceled: the customer kept the item"]
      : state === 1
        ? ["Awaiting the returned goods"]
        : [
            storeCreditRefund ? "Refunded to store credit" : "Refunded offline",
            ...(random.chance(0.4) ? [random.pick(REASONS)] : []),
          ];
  return { order, state, createdAt, calculation, comments, storeCreditRefund };
}

/** A memo's refunded lines and totals added to its order, unless it is canceled (state 3). */
export function moveDraftOrderRefunds(
  order: DraftOrder,
  lines: readonly { orderItemId: number; qty: number }[],
  calculation: CreditmemoCalculation,
  state: DraftMemo["state"],
  createdAt: Date,
): void {
  if (state !== 3) {
    for (const line of lines) {
      const item = order.items.find((candidate) => candidate.itemId === line.orderItemId);
      if (item) item.qtyRefunded += line.qty;
    }
    order.refunded.grandTotal = order.refunded.grandTotal.plus(calculation.totals.grand_total);
    order.refunded.shipping = order.refunded.shipping.plus(calculation.totals.shipping_amount);
  }
  order.refunded.lastAt = createdAt;
}

/** The key of storeCredits: a customer's store credits on one website. */
export function storeCreditKey(tenantId: number, customerId: number, websiteRef: number): string {
  return `${tenantId}/${customerId}/${websiteRef}`;
}

/** A store credit of the order's customer on its website that is usable at `at` and has no later movements. */
function refundableStoreCredit(
  storeCredits: ReadonlyMap<string, readonly DraftCredit[]>,
  order: DraftOrder,
  at: Date,
): DraftCredit | undefined {
  if (!order.customer) return undefined;
  const candidates = storeCredits.get(storeCreditKey(order.tenantId, order.customer.customerId, order.website.id)) ?? [];
  return candidates.find(
    (credit) =>
      !credit.deleted &&
      credit.moves.length < MAX_MOVES &&
      credit.activationDate !== null &&
      credit.activationDate <= at &&
      (credit.expirationDate === null || credit.expirationDate > at) &&
      lastActivity(credit) < at,
  );
}

function numberMemos(random: Random, drafts: DraftMemo[], ids: CreditmemoIds): CreditmemoRows {
  const rows: CreditmemoRows = { creditmemos: [], items: [], comments: [], lastNumbers: new Map() };
  const byDate = [...drafts].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  for (const memo of byDate) {
    const store = memo.order.website.store;
    const number = (rows.lastNumbers.get(store.id) ?? FIRST_MEMO_NUMBER - 1) + 1;
    rows.lastNumbers.set(store.id, number);
    const flags: MemoFlags = {
      emailSent: random.chance(0.6),
      comments: memo.comments.map(() => ({ notified: random.chance(0.5), visible: random.chance(0.3) })),
    };
    const memoRows = creditmemoRows(memo, magentoIncrementId(store.incrementPrefix, number), flags, ids);
    rows.creditmemos.push(memoRows.creditmemo);
    rows.items.push(...memoRows.items);
    rows.comments.push(...memoRows.comments);
  }
  return rows;
}

/** What Magento recorded about a memo's mail and, per comment, its notification and visibility. */
export interface MemoFlags {
  emailSent: boolean;
  comments: readonly { notified: boolean; visible: boolean }[];
}

/** One memo's rows, with the next ids; a refund to store credit it wrote is pointed at the memo. */
export function creditmemoRows(
  memo: DraftMemo,
  incrementId: string,
  flags: MemoFlags,
  ids: CreditmemoIds,
): {
  creditmemo: Prisma.CreditmemoCreateManyInput;
  items: Prisma.CreditmemoItemCreateManyInput[];
  comments: Prisma.CreditmemoCommentCreateManyInput[];
} {
  const { order, calculation } = memo;
  const id = ids.creditmemo.take();
  if (memo.storeCreditRefund) memo.storeCreditRefund.creditmemoId = id;
  const toStoreCredit = memo.storeCreditRefund ? calculation.totals.grand_total : "0";
  return {
    creditmemo: {
      ...NULL_CREDITMEMO_COLUMNS,
      ...creditmemoHeaderFromOrder(orderHeader(order)),
      creditmemo_id: id,
      increment_id: incrementId,
      invoice_id: order.entityId,
      state: memo.state,
      email_sent: flags.emailSent ? 1 : null,
      ...calculation.totals,
      customer_bal_total_refunded: toStoreCredit,
      bs_customer_bal_total_refunded: toStoreCredit,
      created_at: memo.createdAt,
      updated_at: memo.createdAt,
    },
    items: calculation.items.map((item) => ({ item_id: ids.item.take(), parent_id: id, ...item })),
    comments: memo.comments.map((comment, index) => ({
      comment_id: ids.comment.take(),
      parent_id: id,
      comment,
      is_customer_notified: flags.comments[index]?.notified ?? false,
      is_visible_on_front: flags.comments[index]?.visible ?? false,
      created_at: new Date(memo.createdAt.getTime() + index * 60_000),
    })),
  };
}

const minDate = (a: Date, b: Date): Date => (a < b ? a : b);
