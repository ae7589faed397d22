import type { Prisma } from "../../generated/prisma/client.js";
import type { TenantTx } from "../../db/transactions.js";

type Amount = Prisma.Decimal | string;

/** What of a credit memo the order keeps count of: the refunded quantity per line, the refunded totals and shipping. */
export interface MemoRefund {
  items: readonly { order_item_id: number; qty: Amount }[];
  grand_total: Amount;
  base_grand_total: Amount;
  shipping_amount: Amount;
  base_shipping_amount: Amount;
}

/**
 * Moves an order's refunded quantities and totals by a memo: up when it refunds, back down when it is canceled. The
 * routes run it in a tenant's transaction; the test factories, which write across tenants, in the plain client's.
 */
export async function moveOrderRefunds(
  tx: TenantTx | Prisma.TransactionClient,
  orderRef: number,
  memo: MemoRefund,
  direction: "increment" | "decrement",
): Promise<void> {
  const by = (amount: Amount) => (direction === "increment" ? { increment: amount } : { decrement: amount });
  for (const item of memo.items) {
    await tx.orderItem.updateMany({ where: { orderRef, itemId: item.order_item_id }, data: { qtyRefunded: by(item.qty) } });
  }
  await tx.order.update({
    where: { id: orderRef },
    data: {
      totalRefunded: by(memo.grand_total),
      baseTotalRefunded: by(memo.base_grand_total),
      shippingRefunded: by(memo.shipping_amount),
      baseShippingRefunded: by(memo.base_shipping_amount),
    },
  });
}
