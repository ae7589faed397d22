import Type, { type Static } from "typebox";
import { amount, flag, magentoId, NO_NUL, nullableString, optionalAmount } from "./input-parts.js";

/**
 * What the credit memo services take, as schemas: every face that creates a memo or adds a comment (REST bodies,
 * SOAP arguments) validates against these, so a request means the same thing whichever way it arrives.
 */

export const NewCreditmemoBody = Type.Object(
  {
    qtys: Type.Optional(
      Type.Array(
        Type.Object(
          {
            order_item_id: magentoId("The order item's item_id."),
            qty: amount("Quantity to refund (up to 4 decimals); 0 leaves the line out."),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 1000,
          description:
            "Lines to refund. Omitted: every invoiced line with everything not yet refunded. Given: only these lines " +
            "(others are not refunded), each at most its invoiced quantity minus what was already refunded.",
        },
      ),
    ),
    shipping_amount: optionalAmount(
      "Shipping to refund, order currency, at most 2 decimals. Omitted: all shipping not yet refunded. At most the shipping not yet refunded.",
    ),
    adjustment_positive: optionalAmount("Adjustment refund (added to the total), order currency, at most 2 decimals."),
    adjustment_negative: optionalAmount("Adjustment fee (taken off the total), order currency, at most 2 decimals."),
    comment: Type.Optional(
      nullableString({ maxLength: 65_535, pattern: NO_NUL, description: "A comment stored on the memo (one comment row)." }),
    ),
    notifyCustomer: flag(
      "Tell the customer: the comment is marked is_customer_notified, email_sent is 1, and a `creditmemo.email` message is written to the notification outbox for the mailer.",
    ),
    includeComment: flag("Put the comment into the customer email (with notifyCustomer)."),
    refundToStoreCreditAmount: optionalAmount(
      "Amount to refund to the customer's store credit for the order's website, in its base currency (at most 2 " +
        "decimals). Clamped to the memo's base grand total; recorded as bs_customer_bal_total_refunded. A guest order answers 409 fault 105.",
    ),
  },
  {
    additionalProperties: false,
    description:
      "Magento's order_creditmemo.create arguments after the order: creditmemoData (qtys, shipping_amount, " +
      "adjustment_positive, adjustment_negative), comment, notifyCustomer, includeComment, refundToStoreCreditAmount. " +
      "Unknown properties are refused, so a misspelt amount never goes unnoticed.",
    examples: [
      {
        qtys: [
          { order_item_id: 775, qty: 1 },
          { order_item_id: 776, qty: 2 },
        ],
        shipping_amount: 15,
        comment: "Test CreditMemo successfully created",
        notifyCustomer: false,
        includeComment: false,
        refundToStoreCreditAmount: 0,
      },
    ],
  },
);

export const NewCommentBody = Type.Object(
  {
    comment: Type.String({ minLength: 1, maxLength: 65_535, pattern: NO_NUL, description: "The comment." }),
    notifyCustomer: flag("Tell the customer: the comment is marked is_customer_notified and a `creditmemo.email` outbox message is written."),
    includeComment: flag("Put the comment into the customer email (with notifyCustomer)."),
  },
  {
    additionalProperties: false,
    description: "Magento's order_creditmemo.addComment arguments after the increment id.",
    examples: [{ comment: "Test CreditMemo comment successfully added", notifyCustomer: false, includeComment: false }],
  },
);

export type NewCreditmemoInput = Static<typeof NewCreditmemoBody>;
export type NewCommentInput = Static<typeof NewCommentBody>;
