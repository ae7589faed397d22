import type { Order, OrderItem } from "../generated/prisma/client.js";
import { alias, field, formatFields, type MagentoField, type MagentoRecord, type Row } from "./entity-fields.js";

/** The order snapshot credit memos are computed against, in Magento's salesOrderEntity names. */

type OrderColumn = keyof Order | "store_id";
type OrderItemColumn = keyof OrderItem;

/** The order snapshot in Magento's salesOrderEntity names. */
export const ORDER_FIELDS: readonly MagentoField<OrderColumn>[] = [
  alias("increment_id", "text", "incrementId", "The order's increment id"),
  alias("entity_id", "integer", "entityId", "Magento's order entity id (order_id on credit memos)"),
  field("store_id", "integer", "Magento store id"),
  alias("customer_id", "integer", "customerId", "The customer; null for a guest order"),
  alias("customer_email", "text", "customerEmail", "The customer's email"),
  field("state", "text", "Order state (new, processing, complete, closed, canceled, holded)"),
  alias("global_currency_code", "text", "globalCurrencyCode", "Global currency"),
  alias("base_currency_code", "text", "baseCurrencyCode", "Base currency"),
  alias("order_currency_code", "text", "orderCurrencyCode", "Order currency"),
  alias("store_currency_code", "text", "storeCurrencyCode", "Store currency"),
  alias("base_to_global_rate", "amount", "baseToGlobalRate", "Base to global rate"),
  alias("base_to_order_rate", "amount", "baseToOrderRate", "Base to order rate"),
  alias("store_to_base_rate", "amount", "storeToBaseRate", "Store to base rate"),
  alias("store_to_order_rate", "amount", "storeToOrderRate", "Store to order rate"),
  field("subtotal", "amount", "Subtotal"),
  alias("base_subtotal", "amount", "baseSubtotal", "Base subtotal"),
  alias("shipping_amount", "amount", "shippingAmount", "Shipping amount"),
  alias("base_shipping_amount", "amount", "baseShippingAmount", "Base shipping amount"),
  alias("tax_amount", "amount", "taxAmount", "Tax amount"),
  alias("base_tax_amount", "amount", "baseTaxAmount", "Base tax amount"),
  alias("discount_amount", "amount", "discountAmount", "Discount amount, positive"),
  alias("base_discount_amount", "amount", "baseDiscountAmount", "Base discount amount, positive"),
  alias("grand_total", "amount", "grandTotal", "Grand total"),
  alias("base_grand_total", "amount", "baseGrandTotal", "Base grand total"),
  alias("total_paid", "amount", "totalPaid", "Total paid (invoiced)"),
  alias("base_total_paid", "amount", "baseTotalPaid", "Base total paid"),
  alias("total_refunded", "amount", "totalRefunded", "Total refunded, Tally's credit memos included"),
  alias("base_total_refunded", "amount", "baseTotalRefunded", "Base total refunded"),
  alias("shipping_refunded", "amount", "shippingRefunded", "Shipping refunded"),
  alias("base_shipping_refunded", "amount", "baseShippingRefunded", "Base shipping refunded"),
  alias("billing_address_id", "integer", "billingAddressId", "Billing address id"),
  alias("shipping_address_id", "integer", "shippingAddressId", "Shipping address id"),
  alias("created_at", "date", "createdAt", "When the order was placed"),
  alias("updated_at", "date", "updatedAt", "When Tally last changed the snapshot"),
];

/** An order line of the snapshot in Magento's names. */
export const ORDER_ITEM_FIELDS: readonly MagentoField<OrderItemColumn>[] = [
  alias("item_id", "integer", "itemId", "Magento order item id (order_item_id in credit memos)"),
  alias("product_id", "integer", "productId", "Product id"),
  field("sku", "text", "SKU"),
  field("name", "text", "Product name"),
  field("price", "amount", "Unit price"),
  alias("base_price", "amount", "basePrice", "Unit price, base currency"),
  alias("price_incl_tax", "amount", "priceInclTax", "Unit price including tax"),
  alias("base_price_incl_tax", "amount", "basePriceInclTax", "Unit price including tax, base currency"),
  alias("tax_amount", "amount", "taxAmount", "Tax for the whole row"),
  alias("base_tax_amount", "amount", "baseTaxAmount", "Tax for the whole row, base currency"),
  alias("discount_amount", "amount", "discountAmount", "Discount for the whole row, positive"),
  alias("base_discount_amount", "amount", "baseDiscountAmount", "Discount for the whole row, base currency"),
  alias("qty_ordered", "amount", "qtyOrdered", "Quantity ordered"),
  alias("qty_invoiced", "amount", "qtyInvoiced", "Quantity invoiced"),
  alias("qty_refunded", "amount", "qtyRefunded", "Quantity refunded, Tally's credit memos included"),
];

/** The order snapshot: the order's properties plus its lines. */
export interface OrderEntity {
  [name: string]: string | null | MagentoRecord[];
  items: MagentoRecord[];
}

/** An order with what its snapshot needs beyond its own columns. */
export interface OrderRecord extends Row<OrderColumn> {
  items: readonly Row<OrderItemColumn>[];
}

/** The order snapshot: the order in salesOrderEntity names, with its lines. */
export function formatOrder(order: OrderRecord): OrderEntity {
  return { ...formatFields(ORDER_FIELDS, order), items: order.items.map((item) => formatFields(ORDER_ITEM_FIELDS, item)) };
}
