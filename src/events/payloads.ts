import type { Credit, CreditTransaction, Creditmemo } from "../generated/prisma/client.js";
import type { DecimalLike } from "../money/index.js";
import { type EventProperties, eventAmount, eventDate } from "./properties.js";
import { balanceEntityId, type EventTopic, EventTopics } from "./topics.js";

/** An event to record: what changed (topic), which entity, and what a consumer needs to know without reading it back. */
export interface NewEvent {
  topic: EventTopic;
  entityId: string;
  extendedProperties: EventProperties;
}

/** A credit as its events describe it: the properties of Kibo's CustomerCredit that can change. */
export type CreditFacts = Pick<
  Credit,
  | "code"
  | "creditType"
  | "customCreditType"
  | "currencyCode"
  | "initialBalance"
  | "currentBalance"
  | "customerId"
  | "activationDate"
  | "expirationDate"
>;

/** Every credit event ends with the credit as the change left it, so a consumer can replace its copy outright. */
function creditState(credit: CreditFacts): EventProperties {
  return {
    creditType: credit.creditType,
    customCreditType: credit.customCreditType,
    currencyCode: credit.currencyCode,
    initialBalance: eventAmount(credit.initialBalance),
    currentBalance: eventAmount(credit.currentBalance),
    customerId: credit.customerId,
    activationDate: eventDate(credit.activationDate),
    expirationDate: eventDate(credit.expirationDate),
  };
}

export function creditCreatedEvent(credit: CreditFacts): NewEvent {
  return { topic: EventTopics.creditCreated, entityId: credit.code, extendedProperties: creditState(credit) };
}

/** The ledger row a posting wrote, as its credit.updated event names it. */
export type PostedRow = Pick<CreditTransaction, "id" | "transactionType" | "action" | "impactAmount" | "orderId">;

/** credit.updated for a ledger row: the row (its id as the REST transaction's id, the signed amount) and the new state. */
export function creditPostedEvent(credit: CreditFacts, row: PostedRow): NewEvent {
  return {
    topic: EventTopics.creditUpdated,
    entityId: credit.code,
    extendedProperties: {
      changedProperties: "currentBalance",
      transactionId: Number(row.id),
      transactionType: row.transactionType,
      action: row.action,
      impactAmount: eventAmount(row.impactAmount),
      orderId: row.orderId,
      ...creditState(credit),
    },
  };
}

/** credit.updated for changed properties (Kibo's names, comma-separated in `changedProperties`) and the new state. */
export function creditChangedEvent(credit: CreditFacts, changed: readonly string[]): NewEvent {
  return {
    topic: EventTopics.creditUpdated,
    entityId: credit.code,
    extendedProperties: { changedProperties: changed.join(","), ...creditState(credit) },
  };
}

export function creditDeletedEvent(credit: CreditFacts): NewEvent {
  return { topic: EventTopics.creditDeleted, entityId: credit.code, extendedProperties: creditState(credit) };
}

/** One customer's store-credit balance in one website, after a change to one of the credits it is made of. */
export interface BalanceChange {
  customerId: number;
  /** Magento's website id. */
  websiteId: number;
  /** The website's base currency, which the balance is kept in. */
  currencyCode: string;
  /** The balance after the change, as the balance endpoint answers it. */
  balance: DecimalLike;
  /** How much the change moved this balance (signed). */
  delta: DecimalLike;
  /** The ledger row that moved it; null when the credit moved into or out of the balance without one (activation, expiry, customer). */
  transactionId: bigint | null;
  /** The credit that changed. */
  creditCode: string;
}

export function balanceUpdatedEvent(change: BalanceChange): NewEvent {
  return {
    topic: EventTopics.balanceUpdated,
    entityId: balanceEntityId(change.customerId, change.websiteId),
    extendedProperties: {
      customerId: change.customerId,
      websiteId: change.websiteId,
      currencyCode: change.currencyCode,
      balance: eventAmount(change.balance),
      delta: eventAmount(change.delta),
      transactionId: change.transactionId === null ? null : Number(change.transactionId),
      creditCode: change.creditCode,
    },
  };
}

/** A new credit memo as creditmemo.created describes it. */
export type CreatedMemoFacts = Pick<
  Creditmemo,
  "increment_id" | "state" | "store_id" | "base_currency_code" | "base_grand_total" | "order_currency_code" | "grand_total"
> & {
  orderIncrementId: string;
  customerId: number | null;
  /** What the memo refunded to store credit, in the base currency (the store-credit movement has its own events). */
  refundedToStoreCredit: DecimalLike;
};

export function creditmemoCreatedEvent(memo: CreatedMemoFacts): NewEvent {
  return {
    topic: EventTopics.creditmemoCreated,
    entityId: memo.increment_id,
    extendedProperties: {
      orderIncrementId: memo.orderIncrementId,
      customerId: memo.customerId,
      storeId: memo.store_id,
      state: memo.state,
      baseCurrencyCode: memo.base_currency_code,
      baseGrandTotal: eventAmount(memo.base_grand_total),
      orderCurrencyCode: memo.order_currency_code,
      grandTotal: eventAmount(memo.grand_total),
      refundedToStoreCredit: eventAmount(memo.refundedToStoreCredit),
    },
  };
}

/** What changed on an existing memo: a comment added, or the memo canceled. */
export type MemoChange = { change: "comment"; comment: string; isCustomerNotified: boolean } | { change: "cancel" };

export interface MemoFacts {
  incrementId: string;
  orderIncrementId: string;
  /** The state after the change (Magento's 1 open, 2 refunded, 3 canceled). */
  state: number;
}

export function creditmemoUpdatedEvent(memo: MemoFacts, change: MemoChange): NewEvent {
  return {
    topic: EventTopics.creditmemoUpdated,
    entityId: memo.incrementId,
    extendedProperties: { ...change, orderIncrementId: memo.orderIncrementId, state: memo.state },
  };
}
