import type { CreditTransaction } from "../../generated/prisma/client.js";
import { magentoDate } from "../../magento/index.js";
import { type DecimalLike, MONEY_SCALE, toDecimal } from "../../money/index.js";
import { actionNumber } from "./fields.js";

/** A ledger row with the customer's running balance in the website after it. */
export type HistoryRow = Pick<
  CreditTransaction,
  "id" | "creditId" | "createdAt" | "action" | "impactAmount" | "comments" | "orderId" | "isCustomerNotified"
> & { balanceAmount: DecimalLike };

/** Who and where a history page is about. */
export interface HistoryContext {
  customerId: number;
  websiteId: number;
  currencyCode: string;
}

/** Magento's storecredit.history entry, keys in Magento's order: every value a string, additional_info may be null. */
export interface HistoryEntry {
  history_id: string;
  balance_id: string;
  updated_at: string;
  action: string;
  balance_amount: string;
  balance_delta: string;
  additional_info: string | null;
  is_customer_notified: string;
  customer_id: string;
  website_id: string;
  base_currency_code: string;
}

/** A ledger row as Magento's storecredit.history entry: every value a string, amounts with 4 decimals. */
export function serializeHistoryEntry(row: HistoryRow, context: HistoryContext): HistoryEntry {
  return {
    history_id: String(row.id),
    balance_id: String(row.creditId),
    updated_at: magentoDate(row.createdAt),
    action: String(actionNumber(row.action)),
    balance_amount: amount(row.balanceAmount),
    balance_delta: amount(row.impactAmount),
    additional_info: row.comments ?? (row.orderId ? `Order #${row.orderId}` : null),
    is_customer_notified: row.isCustomerNotified ? "1" : "0",
    customer_id: String(context.customerId),
    website_id: String(context.websiteId),
    base_currency_code: context.currencyCode,
  };
}

/** Magento's '300.0000': stored amounts already have 4 decimals, so nothing is rounded. */
const amount = (value: DecimalLike): string => toDecimal(value).toFixed(MONEY_SCALE);
