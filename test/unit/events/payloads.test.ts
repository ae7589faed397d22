import {
  balanceUpdatedEvent,
  type CreditFacts,
  creditChangedEvent,
  creditCreatedEvent,
  creditDeletedEvent,
  creditmemoCreatedEvent,
  creditmemoUpdatedEvent,
  creditPostedEvent,
  type NewEvent,
} from "../../../src/events/payloads.js";
import { EVENT_TOPICS } from "../../../src/events/topics.js";
import { Decimal } from "../../../src/money/index.js";

const card = {
  code: "GC-ABC",
  creditType: "GiftCard",
  customCreditType: null,
  currencyCode: "KWD",
  initialBalance: new Decimal("10.125"),
  currentBalance: new Decimal("8.5"),
  customerId: null,
  activationDate: new Date("2026-01-02T03:04:05Z"),
  expirationDate: null,
} as unknown as CreditFacts;

const STATE = [
  "creditType",
  "customCreditType",
  "currencyCode",
  "initialBalance",
  "currentBalance",
  "customerId",
  "activationDate",
  "expirationDate",
];

const keys = (event: NewEvent) => Object.keys(event.extendedProperties);

test.each<[string, NewEvent, string, string, string[]]>([
  ["credit.created", creditCreatedEvent(card), "credit.created", "GC-ABC", STATE],
  [
    "a posting",
    creditPostedEvent(card, { id: 91n, transactionType: "Debit", action: "Used", impactAmount: new Decimal("-1.625"), orderId: null }),
    "credit.updated",
    "GC-ABC",
    ["changedProperties", "transactionId", "transactionType", "action", "impactAmount", "orderId", ...STATE],
  ],
  ["changed properties", creditChangedEvent(card, ["expirationDate"]), "credit.updated", "GC-ABC", ["changedProperties", ...STATE]],
  ["credit.deleted", creditDeletedEvent(card), "credit.deleted", "GC-ABC", STATE],
  [
    "a balance",
    balanceUpdatedEvent({ customerId: 4, websiteId: 2, currencyCode: "CAD", balance: "1", delta: "-1", transactionId: null, creditCode: "SC-1" }),
    "storecredit.balance.updated",
    "4:2",
    ["customerId", "websiteId", "currencyCode", "balance", "delta", "transactionId", "creditCode"],
  ],
  [
    "creditmemo.created",
    creditmemoCreatedEvent({
      increment_id: "100000684",
      state: 2,
      store_id: 1,
      base_currency_code: "USD",
      base_grand_total: new Decimal("65") as never,
      order_currency_code: "EUR",
      grand_total: new Decimal("58.5") as never,
      orderIncrementId: "100000744",
      customerId: 4,
      refundedToStoreCredit: "0",
    }),
    "creditmemo.created",
    "100000684",
    ["orderIncrementId", "customerId", "storeId", "state", "baseCurrencyCode", "baseGrandTotal", "orderCurrencyCode", "grandTotal", "refundedToStoreCredit"],
  ],
  [
    "a comment",
    creditmemoUpdatedEvent({ incrementId: "100000684", orderIncrementId: "100000744", state: 2 }, { change: "comment", comment: "Hi", isCustomerNotified: false }),
    "creditmemo.updated",
    "100000684",
    ["change", "comment", "isCustomerNotified", "orderIncrementId", "state"],
  ],
  [
    "a cancellation",
    creditmemoUpdatedEvent({ incrementId: "100000684", orderIncrementId: "100000744", state: 3 }, { change: "cancel" }),
    "creditmemo.updated",
    "100000684",
    ["change", "orderIncrementId", "state"],
  ],
])("%s: topic %s, entityId and properties", (_name, event, topic, entityId, properties) => {
  expect(event.topic).toBe(topic);
  expect(EVENT_TOPICS).toContain(event.topic);
  expect(event.entityId).toBe(entityId);
  expect(keys(event)).toEqual(properties);
});

test("credit events carry amounts with 4 decimals, dates in ISO-8601 and the transaction id as the REST id (a number)", () => {
  const posted = creditPostedEvent(card, { id: 91n, transactionType: "Debit", action: "Used", impactAmount: new Decimal("-1.625"), orderId: "O-1" });
  expect(posted.extendedProperties).toMatchObject({
    changedProperties: "currentBalance",
    transactionId: 91,
    impactAmount: "-1.6250",
    initialBalance: "10.1250",
    currentBalance: "8.5000",
    activationDate: "2026-01-02T03:04:05.000Z",
    expirationDate: null,
    orderId: "O-1",
  });
  expect(creditChangedEvent(card, ["customerId", "expirationDate"]).extendedProperties["changedProperties"]).toBe("customerId,expirationDate");
  expect(balanceUpdatedEvent({ customerId: 4, websiteId: 2, currencyCode: "CAD", balance: "5", delta: "5", transactionId: 7n, creditCode: "SC-1" }).extendedProperties).toEqual({
    customerId: 4,
    websiteId: 2,
    currencyCode: "CAD",
    balance: "5.0000",
    delta: "5.0000",
    transactionId: 7,
    creditCode: "SC-1",
  });
});
