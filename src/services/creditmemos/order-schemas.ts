import Type, { type Static } from "typebox";
import { ORDER_FIELDS, ORDER_ITEM_FIELDS } from "../../magento/index.js";
import {
  amount,
  incrementId,
  magentoId,
  magentoObject,
  NO_CONTROL,
  NO_NUL,
  nullableString,
  optionalAmount,
  optionalMagentoId,
} from "./input-parts.js";

/** The order snapshot credit memos are computed against: the import request and the stored snapshot. */

const orderItemExample = {
  item_id: "775",
  product_id: "20",
  sku: "test_product_sku",
  name: "Test Product",
  price: "55.0000",
  base_price: "55.0000",
  price_incl_tax: "55.0000",
  base_price_incl_tax: "55.0000",
  tax_amount: "0.0000",
  base_tax_amount: "0.0000",
  discount_amount: "0.0000",
  base_discount_amount: "0.0000",
  qty_ordered: "1.0000",
  qty_invoiced: "1.0000",
  qty_refunded: "0.0000",
};

const orderExample = {
  increment_id: "100000744",
  entity_id: "744",
  store_id: "1",
  customer_id: "4",
  customer_email: "customer@example.com",
  state: "complete",
  global_currency_code: "USD",
  base_currency_code: "USD",
  order_currency_code: "USD",
  store_currency_code: "USD",
  base_to_global_rate: "1.0000",
  base_to_order_rate: "1.0000",
  store_to_base_rate: "1.0000",
  store_to_order_rate: "1.0000",
  subtotal: "55.0000",
  base_subtotal: "55.0000",
  shipping_amount: "15.0000",
  base_shipping_amount: "15.0000",
  tax_amount: "0.0000",
  base_tax_amount: "0.0000",
  discount_amount: "0.0000",
  base_discount_amount: "0.0000",
  grand_total: "70.0000",
  base_grand_total: "70.0000",
  total_paid: "70.0000",
  base_total_paid: "70.0000",
  total_refunded: "0.0000",
  base_total_refunded: "0.0000",
  shipping_refunded: "0.0000",
  base_shipping_refunded: "0.0000",
  billing_address_id: "1487",
  shipping_address_id: "1488",
  created_at: "2011-05-20 08:14:21",
  updated_at: "2011-05-20 08:14:21",
  items: [orderItemExample],
};

export const OrderItemSnapshot = magentoObject(ORDER_ITEM_FIELDS, {}, {
  $id: "OrderItemSnapshot",
  description: "An order line as Tally holds it.",
  examples: [orderItemExample],
});

export const OrderSnapshot = magentoObject(
  ORDER_FIELDS,
  { items: Type.Array(Type.Ref("OrderItemSnapshot"), { description: "The order's lines." }) },
  {
    $id: "OrderSnapshot",
    description:
      "An order as Tally holds it for credit memos: what was ordered, invoiced, paid and refunded, in Magento's " +
      "salesOrderEntity names with Magento-style string values.",
    examples: [orderExample],
  },
);

export const OrderParams = Type.Object({
  orderIncrementId: incrementId("The order's increment id.", "100000744"),
});

const orderItemInput = Type.Object(
  {
    item_id: magentoId("Magento order item id, unique in the order."),
    product_id: optionalMagentoId("Magento product id."),
    sku: Type.String({ minLength: 1, maxLength: 64, pattern: NO_NUL }),
    name: Type.String({ minLength: 1, maxLength: 255, pattern: NO_NUL }),
    price: amount("Unit price, order currency."),
    base_price: optionalAmount("Unit price, base currency. Default: price ÷ base_to_order_rate."),
    price_incl_tax: optionalAmount("Default: price + tax_amount ÷ qty_ordered."),
    base_price_incl_tax: optionalAmount("Default: price_incl_tax ÷ base_to_order_rate."),
    tax_amount: optionalAmount("Tax for the whole row. Default 0."),
    base_tax_amount: optionalAmount("Default: tax_amount ÷ base_to_order_rate."),
    discount_amount: optionalAmount("Discount for the whole row; Magento's negative order discounts are taken as their size. Default 0."),
    base_discount_amount: optionalAmount("Default: discount_amount ÷ base_to_order_rate."),
    qty_ordered: amount("Quantity ordered (positive, up to 4 decimals)."),
    qty_invoiced: optionalAmount("Quantity invoiced, at most qty_ordered. Default 0."),
    qty_refunded: optionalAmount("Quantity refunded elsewhere; Tally keeps the larger of this and what its own memos refunded."),
  },
  { additionalProperties: false },
);

export const OrderImportBody = Type.Object(
  {
    entity_id: magentoId("Magento order entity id; fixed once imported."),
    store_id: magentoId("Magento store id of one of the tenant's stores.", 0),
    customer_id: optionalMagentoId("A customer of the tenant; null or omitted: a guest order."),
    customer_email: Type.Optional(nullableString({ maxLength: 254, pattern: NO_NUL })),
    state: Type.String({ minLength: 1, maxLength: 32, pattern: NO_CONTROL, description: "Order state; canceled, closed and holded orders take no credit memos." }),
    created_at: Type.Optional(
      nullableString({ maxLength: 40, description: "'YYYY-MM-DD HH:MM:SS' (UTC, as Magento writes it) or ISO-8601. Default: now, on first import." }),
    ),
    base_currency_code: Type.String({ pattern: "^[A-Za-z]{3}$" }),
    global_currency_code: Type.Optional(Type.String({ pattern: "^[A-Za-z]{3}$", description: "Default: base_currency_code." })),
    order_currency_code: Type.Optional(Type.String({ pattern: "^[A-Za-z]{3}$", description: "Default: base_currency_code." })),
    store_currency_code: Type.Optional(Type.String({ pattern: "^[A-Za-z]{3}$", description: "Default: base_currency_code." })),
    base_to_global_rate: optionalAmount("Default 1."),
    base_to_order_rate: optionalAmount("Default 1. Base amounts not sent are the order amounts ÷ this rate."),
    store_to_base_rate: optionalAmount("Default 1."),
    store_to_order_rate: optionalAmount("Default 1."),
    subtotal: amount("Subtotal, order currency."),
    base_subtotal: optionalAmount("Default: subtotal ÷ base_to_order_rate."),
    shipping_amount: optionalAmount("Default 0."),
    base_shipping_amount: optionalAmount("Default: shipping_amount ÷ base_to_order_rate."),
    tax_amount: optionalAmount("Default 0."),
    base_tax_amount: optionalAmount("Default: tax_amount ÷ base_to_order_rate."),
    discount_amount: optionalAmount("Default 0; a negative value (Magento's sign) is taken as its size."),
    base_discount_amount: optionalAmount("Default: discount_amount ÷ base_to_order_rate."),
    grand_total: amount("Grand total, order currency."),
    base_grand_total: optionalAmount("Default: grand_total ÷ base_to_order_rate."),
    total_paid: optionalAmount("What was paid (invoiced). Default 0: nothing can be refunded yet."),
    base_total_paid: optionalAmount("Default: total_paid ÷ base_to_order_rate."),
    total_refunded: optionalAmount("Refunded elsewhere; Tally keeps the larger of this and what its own memos refunded."),
    base_total_refunded: optionalAmount("As total_refunded, base currency."),
    shipping_refunded: optionalAmount("As total_refunded, for shipping."),
    base_shipping_refunded: optionalAmount("As total_refunded, for base shipping."),
    billing_address_id: optionalMagentoId("Magento address id."),
    shipping_address_id: optionalMagentoId("Magento address id."),
    items: Type.Array(orderItemInput, { minItems: 1, maxItems: 1000, description: "Every line of the order." }),
  },
  {
    additionalProperties: false,
    description:
      "The order as the order system has it, in Magento's salesOrderEntity names (snake_case): amounts as JSON numbers " +
      "or Magento's decimal strings. The snapshot is replaced, except that refunded quantities and totals never drop " +
      "below what Tally's own credit memos refunded.",
    examples: [
      {
        entity_id: 744,
        store_id: 1,
        customer_id: 4,
        customer_email: "customer@example.com",
        state: "complete",
        created_at: "2011-05-20 08:14:21",
        base_currency_code: "USD",
        subtotal: "75.0000",
        shipping_amount: "15.0000",
        grand_total: "90.0000",
        total_paid: "90.0000",
        billing_address_id: 1487,
        shipping_address_id: 1488,
        items: [
          { item_id: 775, product_id: 20, sku: "test_product_sku", name: "Test Product", price: "55.0000", qty_ordered: 1, qty_invoiced: 1 },
          { item_id: 776, product_id: 21, sku: "test_product_sku_2", name: "Test 2", price: "10.0000", qty_ordered: 2, qty_invoiced: 2 },
        ],
      },
    ],
  },
);

export type OrderImportInput = Static<typeof OrderImportBody>;
