import type { Creditmemo } from "../generated/prisma/client.js";

/**
 * What a credit memo takes from its order: a stored order (rates as Decimals) or an order about to be written (the
 * demo's rows, rates as strings).
 */
export interface CreditmemoOrder<Rate> {
  id: number;
  tenantId: number;
  entityId: number;
  billingAddressId?: number | null;
  shippingAddressId?: number | null;
  globalCurrencyCode: string;
  baseCurrencyCode: string;
  orderCurrencyCode: string;
  storeCurrencyCode: string;
  baseToGlobalRate: Rate;
  baseToOrderRate: Rate;
  storeToBaseRate: Rate;
  storeToOrderRate: Rate;
  store: { storeId: number };
}

/**
 * The memo columns Magento copies from the order: its ids and addresses, currencies and rates. Every memo — the API's
 * and the demo's — starts from these.
 */
export function creditmemoHeaderFromOrder<Rate>(order: CreditmemoOrder<Rate>) {
  return {
    tenant_id: order.tenantId,
    order_ref: order.id,
    store_id: order.store.storeId,
    order_id: order.entityId,
    billing_address_id: order.billingAddressId ?? null,
    shipping_address_id: order.shippingAddressId ?? null,
    global_currency_code: order.globalCurrencyCode,
    base_currency_code: order.baseCurrencyCode,
    order_currency_code: order.orderCurrencyCode,
    store_currency_code: order.storeCurrencyCode,
    base_to_global_rate: order.baseToGlobalRate,
    base_to_order_rate: order.baseToOrderRate,
    store_to_base_rate: order.storeToBaseRate,
    store_to_order_rate: order.storeToOrderRate,
  };
}

/**
 * Columns of Magento's memo table that Tally never fills — invoices, payment transactions, gift cards, gift wrapping,
 * reward points, and tax Tally does not compute — so the entity shows them as null, as Magento does for a store
 * without those features.
 */
export const NULL_CREDITMEMO_COLUMNS = {
  invoice_id: null,
  creditmemo_status: null,
  transaction_id: null,
  cybersource_token: null,
  shipping_hidden_tax_amount: null,
  base_shipping_hidden_tax_amnt: null,
  customer_balance_amount: null,
  base_customer_balance_amount: null,
  gift_cards_amount: null,
  base_gift_cards_amount: null,
  gw_price: null,
  gw_base_price: null,
  gw_items_price: null,
  gw_items_base_price: null,
  gw_card_price: null,
  gw_card_base_price: null,
  gw_tax_amount: null,
  gw_base_tax_amount: null,
  gw_items_tax_amount: null,
  gw_items_base_tax_amount: null,
  gw_card_tax_amount: null,
  gw_card_base_tax_amount: null,
  gw_printed_card_price: null,
  gw_printed_card_base_price: null,
  gw_printed_card_tax_amount: null,
  gw_printed_card_base_tax_amount: null,
  reward_currency_amount: null,
  base_reward_currency_amount: null,
  reward_points_balance: null,
  reward_points_balance_refund: null,
  reward_points_balance_to_refund: null,
} as const satisfies Partial<Record<keyof Creditmemo, null>>;

/**
 * The memo item columns Tally never computes, as Magento writes them when hidden tax and WEEE (fixed product taxes)
 * are not in use. Every memo item — the API's and the demo's — carries these.
 */
export const FIXED_CREDITMEMO_ITEM_COLUMNS = {
  hidden_tax_amount: "0",
  base_hidden_tax_amount: "0",
  base_cost: null,
  weee_tax_applied: "a:0:{}",
  weee_tax_applied_amount: "0",
  base_weee_tax_applied_amount: "0",
  weee_tax_applied_row_amount: "0",
  // The seed's example spells this one base_weee_tax_applied_row_amnt and shows NULL.
  base_weee_tax_applied_row_amount: null,
  weee_tax_disposition: "0",
  base_weee_tax_disposition: "0",
  weee_tax_row_disposition: "0",
  base_weee_tax_row_disposition: "0",
} as const;
