import type { Creditmemo, CreditmemoComment, CreditmemoItem } from "../generated/prisma/client.js";
import { alias, field, formatFields, type MagentoField, type MagentoRecord, type Row } from "./entity-fields.js";

/** salesOrderCreditmemoEntity and its lines and comments, as order_creditmemo.info and .list answer them. */

/** Credit memo states (`state`). */
export const CREDITMEMO_STATE = { open: 1, refunded: 2, canceled: 3 } as const;

type MemoColumn = Exclude<keyof Creditmemo, "tenant_id" | "order_ref"> | "order_increment_id";
type ItemColumn = keyof CreditmemoItem;
type CommentColumn = keyof CreditmemoComment;

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

/** salesOrderCreditmemoEntity: the memo's properties plus its lines and comments. */
export interface CreditmemoEntity {
  [name: string]: string | null | MagentoRecord[];
  items: MagentoRecord[];
  comments: MagentoRecord[];
}

/** A credit memo with what its entity needs beyond its own columns. */
export interface CreditmemoRecord extends Row<MemoColumn> {
  order_increment_id: string;
  items: readonly Row<ItemColumn>[];
  comments: readonly Row<CommentColumn>[];
}

/** salesOrderCreditmemoEntity as order_creditmemo.info answers it, items and comments included. */
export function formatCreditmemo(memo: CreditmemoRecord): CreditmemoEntity {
  return {
    ...formatFields(CREDITMEMO_FIELDS, memo),
    items: memo.items.map((item) => formatFields(CREDITMEMO_ITEM_FIELDS, item)),
    comments: memo.comments.map((comment) => formatFields(CREDITMEMO_COMMENT_FIELDS, comment)),
  };
}

/** A credit memo as order_creditmemo.list answers it: the entity without items and comments. */
export function formatCreditmemoSummary(memo: Row<MemoColumn>): MagentoRecord {
  return formatFields(CREDITMEMO_FIELDS, memo);
}
