import type { Creditmemo, CreditmemoComment, CreditmemoItem, Prisma } from "../../generated/prisma/client.js";
import { creditmemoHeaderFromOrder, magentoIncrementId } from "../../magento/index.js";
import { computeCreditmemo } from "../../services/creditmemos/arithmetic.js";
import { moveOrderRefunds } from "../../services/creditmemos/order-refunds.js";
import type { MoneyInput } from "../ledger.js";
import { createOrder } from "./orders.js";
import type { Db } from "./unique.js";

// A transaction client also answers to $transaction at runtime (nested transactions, which the PGlite adapter
// lacks), so a full client is recognised by $connect, which transaction clients do not have.
async function inTransaction<T>(db: Db, fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return "$connect" in db ? db.$transaction(fn) : fn(db);
}

/** Refund `qty` (default: everything invoiced and not yet refunded) of the order item with Magento id `orderItemId`. */
export interface CreditmemoItemSpec {
  orderItemId: number;
  qty?: MoneyInput;
}

export type CreditmemoCommentSpec =
  | string
  | (Partial<Prisma.CreditmemoCommentCreateManyCreditmemoInput> & { comment: string });

/**
 * Credit memo columns plus `items` (default: all refundable items) and `comments` (default: one). Without
 * `order_ref` an order is created. Amount columns given here replace the computed ones.
 */
export type CreditmemoOverrides = Partial<Prisma.CreditmemoCreateManyInput> & {
  items?: readonly CreditmemoItemSpec[];
  comments?: readonly CreditmemoCommentSpec[];
};

export type CreditmemoWithChildren = Creditmemo & { items: CreditmemoItem[]; comments: CreditmemoComment[] };

/**
 * Creates a credit memo (state 2, refunded, by default) computed from its order like Magento does, numbered from
 * the store's counter. Unless it is canceled (state 3), the order's refunded quantities and totals grow with it.
 */
export function createCreditmemo(db: Db, overrides: CreditmemoOverrides = {}): Promise<CreditmemoWithChildren> {
  return inTransaction(db, async (tx) => {
    const { items: itemSpecs, comments = ["Credit memo created"], ...columns } = overrides;
    const order =
      columns.order_ref === undefined
        ? await createOrder(tx)
        : await tx.order.findUniqueOrThrow({ where: { id: columns.order_ref }, include: { items: true } });
    const requested: readonly CreditmemoItemSpec[] =
      itemSpecs ??
      order.items
        .filter((item) => item.qtyInvoiced.gt(item.qtyRefunded))
        .map((item) => ({ orderItemId: item.itemId }));
    if (requested.length === 0) throw new RangeError(`order ${order.incrementId} has nothing left to refund`);
    const calculation = computeCreditmemo(order.items, {
      items: requested.map(({ orderItemId, qty }) => {
        const item = order.items.find((candidate) => candidate.itemId === orderItemId);
        return { orderItemId, qty: qty ?? (item ? item.qtyInvoiced.minus(item.qtyRefunded) : 0) };
      }),
      shippingAmount: columns.shipping_amount ?? order.shippingAmount.minus(order.shippingRefunded),
      adjustmentPositive: columns.adjustment_positive ?? null,
      adjustmentNegative: columns.adjustment_negative ?? null,
      baseToOrderRate: order.baseToOrderRate,
    });
    const incrementId = columns.increment_id ?? (await nextCreditmemoIncrementId(tx, order.storeRef));
    const store = await tx.store.findUniqueOrThrow({ where: { id: order.storeRef } });
    const createdAt = columns.created_at ?? new Date();
    const memo = await tx.creditmemo.create({
      data: {
        ...creditmemoHeaderFromOrder({ ...order, store }),
        state: 2,
        ...calculation.totals,
        customer_bal_total_refunded: 0,
        bs_customer_bal_total_refunded: 0,
        created_at: createdAt,
        updated_at: createdAt,
        ...columns,
        increment_id: incrementId,
        items: { create: calculation.items },
        comments: {
          create: comments.map((spec) => (typeof spec === "string" ? { comment: spec, created_at: createdAt } : spec)),
        },
      },
      include: { items: { orderBy: { item_id: "asc" } }, comments: { orderBy: { comment_id: "asc" } } },
    });
    if (memo.state !== 3) await moveOrderRefunds(tx, order.id, memo, "increment");
    return memo;
  });
}

async function nextCreditmemoIncrementId(tx: Prisma.TransactionClient, storeRef: number): Promise<string> {
  const store = await tx.store.update({
    where: { id: storeRef },
    data: { lastCreditmemoNumber: { increment: 1 } },
  });
  return magentoIncrementId(store.incrementPrefix, store.lastCreditmemoNumber);
}
