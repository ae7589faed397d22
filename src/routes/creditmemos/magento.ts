import type { Creditmemo, CreditmemoComment, CreditmemoItem, Order, OrderItem } from "../../generated/prisma/client.js";
import { type DecimalLike, toMagentoAmount } from "../../money/index.js";

/**
 * Magento's way of writing values, and the credit memo entities in it. Pure: no Fastify, no Prisma runtime.
 * Magento's SOAP API answers every scalar as a string — amounts with 4 decimals ('90.0000'), quantities the same
 * ('1.0000'), ids as digits ('684'), flags as '0'/'1', times as 'YYYY-MM-DD HH:MM:SS' in UTC — and NULL as null.
 */

/** Credit memo states (`state`). */
export const CREDITMEMO_STATE = { open: 1, refunded: 2, canceled: 3 } as const;

/** How a value is written: an amount or quantity, an integer, a 0/1 flag, text as it is, or a timestamp. */
type MagentoKind = "amount" | "integer" | "flag" | "text" | "date";

/** A timestamp as Magento writes it: 'YYYY-MM-DD HH:MM:SS', UTC. */
export function magentoDate(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

/** One value as Magento writes it; null and undefined are null. */
export function magentoValue(kind: MagentoKind, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "amount":
      return toMagentoAmount(value as DecimalLike);
    case "integer":
    case "text":
      return String(value);
    case "flag":
      return value ? "1" : "0";
    case "date":
      return magentoDate(value instanceof Date ? value : new Date(String(value)));
  }
}

/** One property of an entity: its name, how it is written, the column it comes from, and what it means. */
export interface MagentoField<Column extends string> {
  name: string;
  kind: MagentoKind;
  column: Column;
  description: string;
}

type MemoColumn = Exclude<keyof Creditmemo, "tenant_id" | "order_ref"> | "order_increment_id";
type ItemColumn = keyof CreditmemoItem;
type CommentColumn = keyof CreditmemoComment;
type OrderColumn = keyof Order | "store_id";
type OrderItemColumn = keyof OrderItem;

const field = <Column extends string>(name: Column, kind: MagentoKind, description: string): MagentoField<Column> => ({
  name,
  kind,
  column: name,
  description,
});

/** A property Magento names differently from the column it shows (the response example's extra names). */
const alias = <Column extends string>(
  name: string,
  kind: MagentoKind,
  column: Column,
  description: string,
): MagentoField<Column> => ({ name, kind, column, description });

/**
 * salesOrderCreditmemoEntity, in the order of the seed's response example (the entity table's names plus the
 * example's extra ones). JSON keeps this order, so a response reads like the example.
 */
export const CREDITMEMO_FIELDS: readonly MagentoField<MemoColumn>[] = [
  field("store_id", "integer", "Store ID"),
  field("adjustment_positive", "amount", "Adjustment refund amount"),
  field("base_shipping_tax_amount", "amount", "Base shipping tax amount"),
  field("store_to_order_rate", "amount", "Store to order rate"),
  field("base_discount_amount", "amount", "Base discount amount"),
  field("base_to_order_rate", "amount", "Base to order rate"),
  field("grand_total", "amount", "Grand total"),
  field("base_adjustment_negative", "amount", "Adjustment fee amount (using base currency)"),
  field("base_subtotal_incl_tax", "amount", "Base subtotal including tax"),
  field("shipping_amount", "amount", "Shipping amount"),
  field("subtotal_incl_tax", "amount", "Subtotal including tax"),
  field("adjustment_negative", "amount", "Adjustment fee amount"),
  field("base_shipping_amount", "amount", "Base shipping amount"),
  field("store_to_base_rate", "amount", "Store to base rate"),
  field("base_to_global_rate", "amount", "Base to global rate"),
  field("base_adjustment", "amount", "Base adjustment"),
  field("base_subtotal", "amount", "Base subtotal"),
  field("discount_amount", "amount", "Discount amount"),
  field("subtotal", "amount", "Subtotal"),
  field("adjustment", "amount", "Adjustment"),
  field("base_grand_total", "amount", "Base grand total"),
  field("base_adjustment_positive", "amount", "Adjustment refund amount (using base currency)"),
  field("base_tax_amount", "amount", "Base tax amount"),
  field("shipping_tax_amount", "amount", "Shipping tax amount"),
  field("tax_amount", "amount", "Tax amount"),
  field("order_id", "integer", "ID of the order for which the credit memo was created"),
  field("email_sent", "integer", "Defines whether the email is sent"),
  field("creditmemo_status", "integer", "Credit memo status"),
  field("state", "integer", "State: 1 open, 2 refunded, 3 canceled"),
  field("shipping_address_id", "integer", "Shipping address ID"),
  field("billing_address_id", "integer", "Billing address ID"),
  field("invoice_id", "integer", "ID of the invoice for which the credit memo was created"),
  field("cybersource_token", "text", "Cybersource token"),
  field("store_currency_code", "text", "Store currency code"),
  field("order_currency_code", "text", "Order currency code"),
  field("base_currency_code", "text", "Base currency code"),
  field("global_currency_code", "text", "Global currency code"),
  field("transaction_id", "text", "Transaction ID"),
  field("increment_id", "text", "Increment ID"),
  field("created_at", "date", "Date of creation"),
  field("updated_at", "date", "Date of updating"),
  field("hidden_tax_amount", "amount", "Hidden tax amount"),
  field("base_hidden_tax_amount", "amount", "Base hidden tax amount"),
  field("shipping_hidden_tax_amount", "amount", "Shipping hidden tax amount"),
  field("base_shipping_hidden_tax_amnt", "amount", "Base shipping hidden tax amount"),
  field("shipping_incl_tax", "amount", "Shipping including tax"),
  field("base_shipping_incl_tax", "amount", "Base shipping including tax"),
  field("base_customer_balance_amount", "amount", "Base customer balance amount"),
  field("customer_balance_amount", "amount", "Customer balance amount"),
  field("bs_customer_bal_total_refunded", "amount", "Refunded base customer balance amount (refund to store credit)"),
  field("customer_bal_total_refunded", "amount", "Customer balance total refunded (refund to store credit, order currency)"),
  field("base_gift_cards_amount", "amount", "Base gift cards amount"),
  field("gift_cards_amount", "amount", "Gift cards amount"),
  field("gw_base_price", "amount", "Gift wrapping price refunded amount (using base currency)"),
  field("gw_price", "amount", "Gift wrapping price refunded amount"),
  field("gw_items_base_price", "amount", "Gift wrapping items base price"),
  field("gw_items_price", "amount", "Gift wrapping items price"),
  field("gw_card_base_price", "amount", "Gift wrapping card base price"),
  field("gw_card_price", "amount", "Gift wrapping card price"),
  field("gw_base_tax_amount", "amount", "Gift wrapping tax amount refunded (using base currency)"),
  field("gw_tax_amount", "amount", "Gift wrapping tax amount refunded"),
  field("gw_items_base_tax_amount", "amount", "Gift wrapping items base tax amount"),
  field("gw_items_tax_amount", "amount", "Gift wrapping items tax amount"),
  field("gw_card_base_tax_amount", "amount", "Gift wrapping card base tax amount"),
  field("gw_card_tax_amount", "amount", "Gift wrapping card tax amount"),
  field("base_reward_currency_amount", "amount", "Base reward currency amount"),
  field("reward_currency_amount", "amount", "Reward currency amount"),
  field("reward_points_balance", "integer", "Reward points balance"),
  field("reward_points_balance_refund", "integer", "Reward points balance refund"),
  alias("base_customer_balance_total_refunded", "amount", "bs_customer_bal_total_refunded", "Same as bs_customer_bal_total_refunded"),
  alias("customer_balance_total_refunded", "amount", "customer_bal_total_refunded", "Same as customer_bal_total_refunded"),
  field("gw_printed_card_base_price", "amount", "Gift wrapping printed card base price"),
  field("gw_printed_card_price", "amount", "Gift wrapping printed card price"),
  field("gw_printed_card_base_tax_amount", "amount", "Gift wrapping printed card base tax amount"),
  field("gw_printed_card_tax_amount", "amount", "Gift wrapping printed card tax amount"),
  field("reward_points_balance_to_refund", "integer", "Reward points balance to refund"),
  field("creditmemo_id", "integer", "Credit memo ID"),
  field("order_increment_id", "text", "Increment ID of the order"),
];

/**
 * salesOrderCreditmemoItemEntity in the example's order. The entity table calls one property
 * base_weee_tax_applied_row_amount and the example base_weee_tax_applied_row_amnt: both are written, side by side.
 */
export const CREDITMEMO_ITEM_FIELDS: readonly MagentoField<ItemColumn>[] = [
  field("parent_id", "integer", "Parent ID (the credit memo's creditmemo_id)"),
  field("weee_tax_applied_row_amount", "amount", "Applied fixed product tax row amount"),
  field("base_price", "amount", "Base price"),
  field("base_weee_tax_row_disposition", "amount", "Fixed product tax row disposition (in base currency)"),
  field("tax_amount", "amount", "Tax amount"),
  field("base_weee_tax_applied_amount", "amount", "Applied fixed product tax amount (in base currency)"),
  field("weee_tax_row_disposition", "amount", "Fixed product tax row disposition"),
  field("base_row_total", "amount", "Base row total"),
  field("discount_amount", "amount", "Discount amount"),
  field("row_total", "amount", "Row total"),
  field("weee_tax_applied_amount", "amount", "Applied fixed product tax amount"),
  field("base_discount_amount", "amount", "Base discount amount"),
  field("base_weee_tax_disposition", "amount", "Fixed product tax disposition (in base currency)"),
  field("price_incl_tax", "amount", "Price including tax"),
  field("base_tax_amount", "amount", "Base tax amount"),
  field("weee_tax_disposition", "amount", "Fixed product tax disposition"),
  field("base_price_incl_tax", "amount", "Base price including tax"),
  field("qty", "amount", "Quantity"),
  field("base_cost", "amount", "Base cost"),
  field("base_weee_tax_applied_row_amount", "amount", "Applied fixed product tax row amount (in base currency)"),
  alias("base_weee_tax_applied_row_amnt", "amount", "base_weee_tax_applied_row_amount", "Same as base_weee_tax_applied_row_amount"),
  field("price", "amount", "Price"),
  field("base_row_total_incl_tax", "amount", "Base row total including tax"),
  field("row_total_incl_tax", "amount", "Row total including tax"),
  field("product_id", "integer", "Product ID"),
  field("order_item_id", "integer", "Order item ID"),
  field("additional_data", "text", "Additional data"),
  field("description", "text", "Description"),
  field("weee_tax_applied", "text", "Applied fixed product tax"),
  field("sku", "text", "Item SKU"),
  field("name", "text", "Name"),
  field("hidden_tax_amount", "amount", "Hidden tax amount"),
  field("base_hidden_tax_amount", "amount", "Base hidden tax amount"),
  field("item_id", "integer", "Credit memo item ID"),
];

/** salesOrderCreditmemoCommentEntity in the example's order. */
export const CREDITMEMO_COMMENT_FIELDS: readonly MagentoField<CommentColumn>[] = [
  field("parent_id", "integer", "Parent ID (the credit memo's creditmemo_id)"),
  field("is_customer_notified", "flag", "Defines whether the customer is notified"),
  field("is_visible_on_front", "flag", "Defines whether the comment is visible on the frontend"),
  field("comment", "text", "Comment data"),
  field("created_at", "date", "Date of creation"),
  field("comment_id", "integer", "Comment ID"),
];

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

/** An entity as Magento answers it: every property a string or null. */
export type MagentoRecord = Record<string, string | null>;

/** salesOrderCreditmemoEntity: the memo's properties plus its lines and comments. */
export interface CreditmemoEntity {
  [name: string]: string | null | MagentoRecord[];
  items: MagentoRecord[];
  comments: MagentoRecord[];
}

/** The order snapshot: the order's properties plus its lines. */
export interface OrderEntity {
  [name: string]: string | null | MagentoRecord[];
  items: MagentoRecord[];
}

/** The values of a row, whatever their stored types (Prisma rows, or the demo's create inputs). */
type Row<Column extends string> = { readonly [K in Column]?: unknown };

/** A credit memo with what its entity needs beyond its own columns. */
export interface CreditmemoRecord extends Row<MemoColumn> {
  order_increment_id: string;
  items: readonly Row<ItemColumn>[];
  comments: readonly Row<CommentColumn>[];
}

/** A row's properties, in the fields' order. */
function formatFields<Column extends string>(fields: readonly MagentoField<Column>[], row: Row<Column>): MagentoRecord {
  const record: MagentoRecord = {};
  for (const { name, kind, column } of fields) record[name] = magentoValue(kind, row[column]);
  return record;
}

/** salesOrderCreditmemoEntity as order_creditmemo.info answers it, items and comments included. */
export function formatCreditmemo(memo: CreditmemoRecord): CreditmemoEntity {
  return {
    ...formatFields(CREDITMEMO_FIELDS, memo),
    items: memo.items.map((item) => formatFields(CREDITMEMO_ITEM_FIELDS, item)),
    comments: memo.comments.map((comment) => formatFields(CREDITMEMO_COMMENT_FIELDS, comment)),
  };
}

/** An order with what its snapshot needs beyond its own columns. */
export interface OrderRecord extends Row<OrderColumn> {
  items: readonly Row<OrderItemColumn>[];
}

/** The order snapshot: the order in salesOrderEntity names, with its lines. */
export function formatOrder(order: OrderRecord): OrderEntity {
  return { ...formatFields(ORDER_FIELDS, order), items: order.items.map((item) => formatFields(ORDER_ITEM_FIELDS, item)) };
}

/** A credit memo as order_creditmemo.list answers it: the entity without items and comments. */
export function formatCreditmemoSummary(memo: Row<MemoColumn>): MagentoRecord {
  return formatFields(CREDITMEMO_FIELDS, memo);
}
