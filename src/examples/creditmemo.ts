import type { Prisma } from "../generated/prisma/client.js";
import { FIXED_CREDITMEMO_ITEM_COLUMNS, NULL_CREDITMEMO_COLUMNS } from "../magento/index.js";

/** Where the credit memo example's order lives in the demo set. */
export interface CreditmemoExampleRefs {
  tenantId: number;
  orderRef: number;
  websiteRef: number;
  storeRef: number;
  customerId: number;
  customerEmail: string;
  /** order_items.id of items 775 and 776. */
  orderItemRefs: readonly [number, number];
}

export interface CreditmemoExample {
  order: Prisma.OrderCreateManyInput;
  orderItems: Prisma.OrderItemCreateManyInput[];
  creditmemo: Prisma.CreditmemoCreateManyInput;
  creditmemoItems: Prisma.CreditmemoItemCreateManyInput[];
  creditmemoComments: Prisma.CreditmemoCommentCreateManyInput[];
}

/** The example memo's number in store 1's sequence (increment id 100000684). */
export const CREDITMEMO_EXAMPLE_NUMBER = 684;

/** Generated memos, memo items and comments are numbered above this, clear of the example's 684, 708/709, 118/119. */
export const CREDITMEMO_EXAMPLE_MAX_ID = 1000;

const MEMO_CREATED_AT = new Date("2011-05-27T10:53:03Z");

/**
 * Magento's order_creditmemo.info example: memo 100000684 (id 684) refunding all of order 100000744 (entity 744),
 * every column as the response shows it.
 */
export function creditmemoExample(refs: CreditmemoExampleRefs): CreditmemoExample {
  const order: Prisma.OrderCreateManyInput = {
    id: refs.orderRef,
    tenantId: refs.tenantId,
    websiteId: refs.websiteRef,
    storeRef: refs.storeRef,
    entityId: 744,
    incrementId: "100000744",
    customerId: refs.customerId,
    customerEmail: refs.customerEmail,
    state: "closed",
    globalCurrencyCode: "USD",
    baseCurrencyCode: "USD",
    orderCurrencyCode: "USD",
    storeCurrencyCode: "USD",
    baseToGlobalRate: "1",
    baseToOrderRate: "1",
    storeToBaseRate: "1",
    storeToOrderRate: "1",
    subtotal: "75",
    baseSubtotal: "75",
    shippingAmount: "15",
    baseShippingAmount: "15",
    taxAmount: "0",
    baseTaxAmount: "0",
    discountAmount: "0",
    baseDiscountAmount: "0",
    grandTotal: "90",
    baseGrandTotal: "90",
    totalPaid: "90",
    baseTotalPaid: "90",
    totalRefunded: "90",
    baseTotalRefunded: "90",
    shippingRefunded: "15",
    baseShippingRefunded: "15",
    billingAddressId: 1487,
    shippingAddressId: 1488,
    createdAt: new Date("2011-05-20T08:14:21Z"),
    updatedAt: MEMO_CREATED_AT,
  };
  const line = (id: number, itemId: number, productId: number, sku: string, name: string, price: string, qty: string) => ({
    id,
    orderRef: refs.orderRef,
    itemId,
    productId,
    sku,
    name,
    price,
    basePrice: price,
    priceInclTax: price,
    basePriceInclTax: price,
    taxAmount: "0",
    baseTaxAmount: "0",
    discountAmount: "0",
    baseDiscountAmount: "0",
    qtyOrdered: qty,
    qtyInvoiced: qty,
    qtyRefunded: qty,
  });
  const memoItem = (
    itemId: number,
    orderItemId: number,
    productId: number,
    sku: string,
    name: string,
    price: string,
    qty: string,
    rowTotal: string,
  ) => ({
    item_id: itemId,
    parent_id: 684,
    order_item_id: orderItemId,
    product_id: productId,
    sku,
    name,
    description: null,
    additional_data: null,
    qty,
    price,
    base_price: price,
    price_incl_tax: price,
    base_price_incl_tax: price,
    row_total: rowTotal,
    base_row_total: rowTotal,
    row_total_incl_tax: rowTotal,
    base_row_total_incl_tax: rowTotal,
    tax_amount: "0",
    base_tax_amount: "0",
    discount_amount: null,
    base_discount_amount: null,
    ...FIXED_CREDITMEMO_ITEM_COLUMNS,
  });
  const comment = (commentId: number, text: string) => ({
    comment_id: commentId,
    parent_id: 684,
    comment: text,
    is_customer_notified: false,
    is_visible_on_front: false,
    created_at: MEMO_CREATED_AT,
  });
  return {
    order,
    orderItems: [
      line(refs.orderItemRefs[0], 775, 20, "test_product_sku", "Test Product", "55", "1"),
      line(refs.orderItemRefs[1], 776, 21, "test_product_sku_2", "Test 2", "10", "2"),
    ],
    creditmemo: {
      // The example shows the columns of features its store does not use as null, as Tally always writes them.
      ...NULL_CREDITMEMO_COLUMNS,
      creditmemo_id: 684,
      tenant_id: refs.tenantId,
      order_ref: refs.orderRef,
      increment_id: "100000684",
      store_id: 1,
      order_id: 744,
      billing_address_id: 1487,
      shipping_address_id: 1488,
      state: 2,
      email_sent: null,
      global_currency_code: "USD",
      base_currency_code: "USD",
      order_currency_code: "USD",
      store_currency_code: "USD",
      base_to_global_rate: "1",
      base_to_order_rate: "1",
      store_to_base_rate: "1",
      store_to_order_rate: "1",
      subtotal: "75",
      base_subtotal: "75",
      subtotal_incl_tax: "75",
      base_subtotal_incl_tax: "75",
      tax_amount: "0",
      base_tax_amount: "0",
      shipping_amount: "15",
      base_shipping_amount: "15",
      shipping_tax_amount: "0",
      base_shipping_tax_amount: "0",
      shipping_incl_tax: "15",
      base_shipping_incl_tax: "15",
      discount_amount: "0",
      base_discount_amount: "0",
      adjustment: "0",
      base_adjustment: "0",
      adjustment_positive: null,
      base_adjustment_positive: null,
      adjustment_negative: null,
      base_adjustment_negative: null,
      grand_total: "90",
      base_grand_total: "90",
      hidden_tax_amount: "0",
      base_hidden_tax_amount: "0",
      customer_bal_total_refunded: "0",
      bs_customer_bal_total_refunded: "0",
      created_at: MEMO_CREATED_AT,
      updated_at: MEMO_CREATED_AT,
    },
    creditmemoItems: [
      memoItem(708, 775, 20, "test_product_sku", "Test Product", "55", "1", "55"),
      memoItem(709, 776, 21, "test_product_sku_2", "Test 2", "10", "2", "20"),
    ],
    creditmemoComments: [
      comment(118, "Test CreditMemo successfully created"),
      comment(119, "Test CreditMemo comment successfully added"),
    ],
  };
}
