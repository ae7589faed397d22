// What the end-to-end test asks of a Tally client, in hand-written types that compile without the generated ones
// (so `npm run typecheck` works on a fresh clone). tally-client.ts implements it on the types generated from
// openapi/openapi.json; the test type-checks that module, so a document whose types stop fitting these shapes
// fails there, while the test's assertions check the running server against the same shapes.

export type CreditType = "StoreCredit" | "GiftCard" | "Custom";

export interface Credit {
  code: string;
  creditType: CreditType;
  currencyCode: string;
  initialBalance: number;
  currentBalance: number;
  customerId: number | null;
}

export interface CreditPage {
  totalCount: number;
  items: Credit[];
}

export interface BalanceChange {
  transactionType: "Credit" | "Debit";
  impactAmount: number;
  orderId?: string;
  comments?: string;
}

export interface Transaction {
  id: number;
  transactionType: "Credit" | "Debit";
  impactAmount: number;
  orderId: string | null;
  comments: string | null;
}

export interface StoreCreditBalance {
  customerId: number;
  websiteId: number;
  currencyCode: string;
  amount: number;
}

// Magento sends every credit memo value as a nullable string ("65.0000", "2").
export interface CreditmemoItem {
  sku: string | null;
  qty: string | null;
  row_total: string | null;
}

export interface Creditmemo {
  increment_id: string | null;
  order_increment_id: string | null;
  state: string | null;
  order_currency_code: string | null;
  subtotal: string | null;
  shipping_amount: string | null;
  grand_total: string | null;
  items: CreditmemoItem[];
  comments: { comment: string | null }[];
}

export interface TallyClient {
  listCredits(query: { filter: string; sortBy?: string; pageSize?: number }): Promise<CreditPage>;
  getCredit(code: string): Promise<Credit>;
  addTransaction(code: string, change: BalanceChange, idempotencyKey?: string): Promise<Transaction>;
  getStoreCreditBalance(customerId: number, websiteId: number): Promise<StoreCreditBalance>;
  getCreditmemo(incrementId: string): Promise<Creditmemo>;
}

/** Exchanges application credentials for a token and returns a client that sends it. */
export type ConnectTally = (baseUrl: string, credentials: { clientId: string; clientSecret: string }) => Promise<TallyClient>;

/** A non-2xx answer from Tally, carrying the status and the error body's code. */
export class TallyApiError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(`${operation} answered ${status} ${errorCode}: ${message}`);
    this.name = "TallyApiError";
  }
}
