import Type, { type Static, type TSchema } from "typebox";
import type { Credit } from "../generated/prisma/client.js";
import { AMOUNT_PATTERN, toDecimal, type DecimalLike } from "../money/index.js";

/**
 * The `notification_outbox` topics the mailer sends, and the payload each carries. The writers (src/routes/credits,
 * src/services/creditmemos) build payloads with the functions below and the templates read them against the same
 * schemas, so the two cannot drift apart. Fields added after a topic was first written are optional: rows queued
 * before them are still in the table, and the templates render them without the missing lines.
 */
export const MailTopics = {
  /** A credit (gift card, store credit, custom) was created for a customer. */
  creditCreated: "credit.created-email",
  /** Kibo's Resend-Email: the credit-created email again, with the credit as it stands now. */
  creditResent: "credit.resend-email",
  /** A credit memo refunded an order (or was commented on) and the customer is to be told. */
  creditmemo: "creditmemo.email",
} as const;

export type MailTopic = (typeof MailTopics)[keyof typeof MailTopics];

const Amount = Type.String({ pattern: AMOUNT_PATTERN });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** ISO-8601 as Date.toISOString writes it. */
const IsoDate = Type.String({ format: "date-time" });

/** The customer a message is addressed to, as the writer found them. */
const Recipient = {
  /** Null when the customer has none (or the credit has no customer): the message is Failed, not retried. */
  email: Nullable(Type.String()),
  firstName: Type.Optional(Nullable(Type.String())),
  lastName: Type.Optional(Nullable(Type.String())),
};

export const CreditMailPayload = Type.Object({
  code: Type.String({ minLength: 1 }),
  creditType: Type.String(),
  currencyCode: Type.String({ minLength: 3, maxLength: 3 }),
  /** Decimal string, never a JSON number: amounts are not read through binary floats. */
  currentBalance: Amount,
  customerId: Nullable(Type.Integer()),
  ...Recipient,
  requestedBy: Type.Optional(Type.String()),
  // Added with the mailer; absent from Resend-Email rows queued before it.
  customCreditType: Type.Optional(Nullable(Type.String())),
  /** Null: the credit never expires. Absent (older rows): not known, so the message does not say. */
  expirationDate: Type.Optional(Nullable(IsoDate)),
  /** Null: not activated yet. */
  activationDate: Type.Optional(Nullable(IsoDate)),
});
export type CreditMailPayload = Static<typeof CreditMailPayload>;

export const CreditmemoMailPayload = Type.Object({
  creditmemoIncrementId: Type.String({ minLength: 1 }),
  orderIncrementId: Type.String({ minLength: 1 }),
  ...Recipient,
  /** The comment the customer is to read (includeComment), or null. */
  comment: Nullable(Type.String()),
  // Added with the mailer; absent from rows queued before it.
  /** Why the customer is told: the memo was just created, or a notified comment was added to it. */
  reason: Type.Optional(Type.Union([Type.Literal("created"), Type.Literal("comment")])),
  /** Magento's state: 1 open, 2 refunded, 3 canceled. */
  state: Type.Optional(Type.Integer()),
  orderCurrencyCode: Type.Optional(Type.String({ minLength: 3, maxLength: 3 })),
  /** What the memo refunds, in the order's currency. */
  grandTotal: Type.Optional(Amount),
  /** The currency store credit is kept in: the website's, which is the order's base currency. */
  baseCurrencyCode: Type.Optional(Type.String({ minLength: 3, maxLength: 3 })),
  /** The part of the refund put on the customer's store credit, in baseCurrencyCode; "0" when none. */
  refundedToStoreCredit: Type.Optional(Amount),
});
export type CreditmemoMailPayload = Static<typeof CreditmemoMailPayload>;

export interface MailCustomer {
  email: string | null;
  firstName: string | null;
  lastName: string | null;
}

const amount = (value: DecimalLike): string => toDecimal(value).toFixed();

/** What the credit-created email (and its resend) needs: the credit as it is now, and whom to send it to. */
export function creditMailPayload(credit: Credit, customer: MailCustomer | null, requestedBy: string): CreditMailPayload {
  return {
    code: credit.code,
    creditType: credit.creditType,
    customCreditType: credit.customCreditType,
    currencyCode: credit.currencyCode,
    currentBalance: amount(credit.currentBalance),
    expirationDate: credit.expirationDate?.toISOString() ?? null,
    activationDate: credit.activationDate?.toISOString() ?? null,
    customerId: credit.customerId,
    email: customer?.email ?? null,
    firstName: customer?.firstName ?? null,
    lastName: customer?.lastName ?? null,
    requestedBy,
  };
}

/** The memo's columns the credit memo email reads. */
export interface MailedMemo {
  increment_id: string;
  state: number;
  order_currency_code: string;
  grand_total: DecimalLike;
  base_currency_code: string;
  bs_customer_bal_total_refunded: DecimalLike | null;
  order: { incrementId: string; customerEmail: string | null; customer: { firstName: string | null; lastName: string | null } | null };
}

export function creditmemoMailPayload(memo: MailedMemo, reason: "created" | "comment", comment: string | null): CreditmemoMailPayload {
  return {
    creditmemoIncrementId: memo.increment_id,
    orderIncrementId: memo.order.incrementId,
    email: memo.order.customerEmail,
    firstName: memo.order.customer?.firstName ?? null,
    lastName: memo.order.customer?.lastName ?? null,
    comment,
    reason,
    state: memo.state,
    orderCurrencyCode: memo.order_currency_code,
    grandTotal: amount(memo.grand_total),
    baseCurrencyCode: memo.base_currency_code,
    refundedToStoreCredit: amount(memo.bs_customer_bal_total_refunded ?? 0),
  };
}
