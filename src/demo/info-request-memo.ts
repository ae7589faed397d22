import { Decimal } from "decimal.js";
import { INFO_REQUEST_CREDITMEMO_INCREMENT_ID } from "../examples/index.js";
import { computeCreditmemo } from "../services/creditmemos/arithmetic.js";
import type { DemoWebsite } from "./demo-tenants.js";
import { type CreditmemoIds, creditmemoRows, type DraftMemo, moveDraftOrderRefunds } from "./generate-creditmemos.js";
import type { CustomerRow } from "./generate-customers.js";
import { type DraftOrder, type OrderIds, type OrderRows, orderRows, refundableItem } from "./generate-orders.js";

const ORDER_CREATED_AT = new Date("2011-05-24T15:02:11Z");
const MEMO_CREATED_AT = new Date("2011-05-30T09:41:27Z");

/** The memo Magento's info request examples ask for, with its order, and the memo's number in its store. */
export interface InfoRequestMemo {
  order: OrderRows;
  memo: ReturnType<typeof creditmemoRows>;
  number: number;
}

/**
 * Memo 200000001, the first of `website`'s store (prefix "2"): a full refund, offline, of order 200000001 (entity
 * 745, Magento item 777) placed by `customer`, dated before every generated memo. Fixed values, no randomness, ids
 * taken after the generated rows', so adding it moves no other row of the demo set. Refunded offline because the
 * customer's store credit on that website backs the balance example.
 */
export function infoRequestMemo(
  website: DemoWebsite,
  customer: CustomerRow,
  orderIds: OrderIds,
  memoIds: CreditmemoIds,
): InfoRequestMemo {
  const number = Number(INFO_REQUEST_CREDITMEMO_INCREMENT_ID.slice(website.store.incrementPrefix.length));
  const order: DraftOrder = {
    id: orderIds.order.take(),
    tenantId: customer.tenantId,
    website,
    entityId: 745,
    incrementId: INFO_REQUEST_CREDITMEMO_INCREMENT_ID,
    customer,
    customerEmail: customer.email,
    createdAt: ORDER_CREATED_AT,
    shippingAmount: "10.00",
    items: [
      {
        id: orderIds.orderItem.take(),
        itemId: 777,
        productId: 22,
        sku: "test_product_sku_3",
        name: "Test 3",
        price: "40.00",
        priceInclTax: "45.20",
        taxAmount: "5.20",
        discountAmount: "0.00",
        qtyOrdered: 1,
        qtyInvoiced: 1,
        qtyRefunded: 0,
      },
    ],
    refunded: { grandTotal: new Decimal(0), shipping: new Decimal(0), lastAt: null },
  };
  const lines = [{ orderItemId: 777, qty: 1 }];
  const calculation = computeCreditmemo(order.items.map(refundableItem), {
    items: lines,
    shippingAmount: order.shippingAmount,
    adjustmentNegative: null,
    baseToOrderRate: "1",
  });
  const draft: DraftMemo = {
    order,
    state: 2,
    createdAt: MEMO_CREATED_AT,
    calculation,
    comments: ["Refunded offline"],
    storeCreditRefund: null,
  };
  moveDraftOrderRefunds(order, lines, calculation, draft.state, draft.createdAt);
  const flags = { emailSent: true, comments: [{ notified: true, visible: false }] };
  return { order: orderRows(order), memo: creditmemoRows(draft, INFO_REQUEST_CREDITMEMO_INCREMENT_ID, flags, memoIds), number };
}
