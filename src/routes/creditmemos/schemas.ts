import Type, { type Static, type TSchema } from "typebox";
import { creditmemoExample } from "../../demo/examples.js";
import { idempotencyHeaders } from "../../http/idempotent-route.js";
import { collection, listQuery } from "../../http/list-schemas.js";
import { describeFields } from "../credits/fields.js";
import { CREDITMEMO_FIELDS as FILTER_FIELDS } from "./fields.js";
import {
  CREDITMEMO_COMMENT_FIELDS,
  CREDITMEMO_FIELDS,
  CREDITMEMO_ITEM_FIELDS,
  formatCreditmemo,
  ORDER_FIELDS,
  ORDER_ITEM_FIELDS,
  type MagentoField,
} from "./magento.js";

// Nullable scalars as JSON Schema type arrays: fast-json-stringify serializes them with a typeof check.
function nullableString(options: Record<string, unknown> = {}) {
  return Type.Unsafe<string | null>({ type: ["string", "null"], ...options });
}

const NO_CONTROL = "^[^\\u0000-\\u001f\\u007f]+$";
// PostgreSQL text cannot hold NUL, so a NUL in a request is refused up front instead of failing in the database.
const NO_NUL = "^[^\\u0000]*$";
const MAX_INT32 = 2_147_483_647;

/** An entity whose properties are all Magento strings, in the fields' order (JSON keeps it). */
function magentoObject(fields: readonly MagentoField<string>[], extra: Record<string, TSchema>, options: Record<string, unknown>) {
  const properties: Record<string, TSchema> = {};
  for (const { name, kind, description } of fields) {
    properties[name] = nullableString({ description: `${description}. ${KIND_NOTES[kind]}` });
  }
  return Type.Object({ ...properties, ...extra }, options);
}

const KIND_NOTES: Record<MagentoField<string>["kind"], string> = {
  amount: "A decimal string with 4 decimals ('90.0000'), or null.",
  integer: "Digits as a string, or null.",
  flag: "'1' or '0'.",
  text: "Text, or null.",
  date: "'YYYY-MM-DD HH:MM:SS', UTC.",
};

// Magento's own example (memo 100000684 of order 100000744) as this API writes it.
const seedExample = (() => {
  const example = creditmemoExample({
    tenantId: 1,
    orderRef: 744,
    websiteRef: 1,
    storeRef: 1,
    customerId: 4,
    customerEmail: "customer@example.com",
    orderItemRefs: [775, 776],
  });
  return formatCreditmemo({
    ...example.creditmemo,
    order_increment_id: example.order.incrementId,
    items: example.creditmemoItems,
    comments: example.creditmemoComments,
  });
})();
const { items: exampleItems, comments: exampleComments, ...exampleSummary } = seedExample;

export const CreditmemoItemEntity = magentoObject(CREDITMEMO_ITEM_FIELDS, {}, {
  $id: "salesOrderCreditmemoItemEntity",
  description: "A refunded order line.",
  examples: [exampleItems[0]],
});

export const CreditmemoCommentEntity = magentoObject(CREDITMEMO_COMMENT_FIELDS, {}, {
  $id: "salesOrderCreditmemoCommentEntity",
  description: "A comment on a credit memo.",
  examples: [exampleComments[0]],
});

export const CreditmemoEntity = magentoObject(
  CREDITMEMO_FIELDS,
  {
    items: Type.Array(Type.Ref("salesOrderCreditmemoItemEntity"), { description: "The refunded lines, in creation order." }),
    comments: Type.Array(Type.Ref("salesOrderCreditmemoCommentEntity"), { description: "The comments, oldest first." }),
  },
  {
    $id: "salesOrderCreditmemoEntity",
    description:
      "A credit memo exactly as Magento's order_creditmemo.info writes it: the entity table's properties plus the extra " +
      "names of Magento's response example, in the example's order; every value a string or null.",
    examples: [seedExample],
  },
);

export const CreditmemoListEntry = magentoObject(CREDITMEMO_FIELDS, {}, {
  $id: "salesOrderCreditmemoListEntity",
  description: "A credit memo as order_creditmemo.list writes it: the entity without items and comments.",
  examples: [exampleSummary],
});

export const CreditmemoCollection = collection({
  $id: "CreditmemoCollection",
  itemRef: "salesOrderCreditmemoListEntity",
  description: "A page of credit memos.",
  example: exampleSummary,
  counted: "Credit memos",
  optional: false,
});

export const CreatedCreditmemo = Type.Object(
  {
    increment_id: Type.String({ description: "The new credit memo's increment id (what Magento's create returns)." }),
    creditmemo: Type.Ref("salesOrderCreditmemoEntity"),
  },
  {
    $id: "CreatedCreditmemo",
    description: "The new credit memo's increment id, and the memo as order_creditmemo.info would answer it.",
    examples: [{ increment_id: seedExample["increment_id"], creditmemo: seedExample }],
  },
);

// ---- the order snapshot --------------------------------------------------------------------------------------

const orderItemExample = {
  item_id: "775",
  product_id: "20",
  sku: "test_product_sku",
  name: "Test Product",
  price: "55.0000",
  base_price: "55.0000",
  price_incl_tax: "55.0000",
  base_price_incl_tax: "55.0000",
  tax_amount: "0.0000",
  base_tax_amount: "0.0000",
  discount_amount: "0.0000",
  base_discount_amount: "0.0000",
  qty_ordered: "1.0000",
  qty_invoiced: "1.0000",
  qty_refunded: "0.0000",
};

const orderExample = {
  increment_id: "100000744",
  entity_id: "744",
  store_id: "1",
  customer_id: "4",
  customer_email: "customer@example.com",
  state: "complete",
  global_currency_code: "USD",
  base_currency_code: "USD",
  order_currency_code: "USD",
  store_currency_code: "USD",
  base_to_global_rate: "1.0000",
  base_to_order_rate: "1.0000",
  store_to_base_rate: "1.0000",
  store_to_order_rate: "1.0000",
  subtotal: "55.0000",
  base_subtotal: "55.0000",
  shipping_amount: "15.0000",
  base_shipping_amount: "15.0000",
  tax_amount: "0.0000",
  base_tax_amount: "0.0000",
  discount_amount: "0.0000",
  base_discount_amount: "0.0000",
  grand_total: "70.0000",
  base_grand_total: "70.0000",
  total_paid: "70.0000",
  base_total_paid: "70.0000",
  total_refunded: "0.0000",
  base_total_refunded: "0.0000",
  shipping_refunded: "0.0000",
  base_shipping_refunded: "0.0000",
  billing_address_id: "1487",
  shipping_address_id: "1488",
  created_at: "2011-05-20 08:14:21",
  updated_at: "2011-05-20 08:14:21",
  items: [orderItemExample],
};

export const OrderItemSnapshot = magentoObject(ORDER_ITEM_FIELDS, {}, {
  $id: "OrderItemSnapshot",
  description: "An order line as Tally holds it.",
  examples: [orderItemExample],
});

export const OrderSnapshot = magentoObject(
  ORDER_FIELDS,
  { items: Type.Array(Type.Ref("OrderItemSnapshot"), { description: "The order's lines." }) },
  {
    $id: "OrderSnapshot",
    description:
      "An order as Tally holds it for credit memos: what was ordered, invoiced, paid and refunded, in Magento's " +
      "salesOrderEntity names with Magento-style string values.",
    examples: [orderExample],
  },
);

/** Shared model schemas, registered by the route plugin so responses reference them as named components. */
export const MODEL_SCHEMAS: readonly TSchema[] = [
  CreditmemoItemEntity,
  CreditmemoCommentEntity,
  CreditmemoEntity,
  CreditmemoListEntry,
  CreditmemoCollection,
  CreatedCreditmemo,
  OrderItemSnapshot,
  OrderSnapshot,
];

// ---- request parts --------------------------------------------------------------------------------------------

const incrementId = (description: string, example: string) =>
  Type.String({ minLength: 1, maxLength: 50, pattern: NO_CONTROL, description, examples: [example] });

export const CreditmemoParams = Type.Object({
  creditmemoIncrementId: incrementId("The credit memo's increment id.", "100000684"),
});

export const OrderParams = Type.Object({
  orderIncrementId: incrementId("The order's increment id.", "100000744"),
});

const LIST_FILTER_EXAMPLES = [
  "state eq 2 and created_at ge 2026-01-01",
  "orderIncrementId eq 100000744",
  "customer_id eq 4 and grand_total gt 50",
  "increment_id sw 1000006",
];

export const CreditmemoListQuery = listQuery({
  sortBy: {
    description: "`field [asc|desc]`, comma-separated; ascending by default; ties are broken by creditmemo_id. Default: creditmemo_id.",
    fields: describeFields(FILTER_FIELDS),
    examples: ["created_at desc", "grand_total desc, increment_id"],
  },
  filter: {
    description:
      "The filter language of the Kibo credits list (`field op value` with `and`, `or`, parentheses; `eq ne gt ge lt le " +
      "sw cont in`; dates ISO-8601).",
    fields: describeFields(FILTER_FIELDS),
    examples: LIST_FILTER_EXAMPLES,
  },
});

// Amounts are declared as strings: Magento clients send '15.0000', and a JSON number is turned into its shortest
// decimal text by the validator's type coercion (15 → "15", 10.1 → "10.1") before the service reads it exactly.
const AMOUNT_NOTE = "A decimal string ('15.0000') or a JSON number.";

/** A Magento amount in a request. */
function amount(description: string) {
  return Type.Unsafe<number | string>({ type: ["string", "number"], description: `${description} ${AMOUNT_NOTE}` });
}

/** An optional amount; null is the same as leaving it out. */
function optionalAmount(description: string) {
  return Type.Optional(
    Type.Unsafe<number | string | null>({ type: ["string", "number", "null"], description: `${description} ${AMOUNT_NOTE}` }),
  );
}

const flag = (description: string) => Type.Optional(Type.Boolean({ description }));

export const NewCreditmemoBody = Type.Object(
  {
    qtys: Type.Optional(
      Type.Array(
        Type.Object(
          {
            order_item_id: Type.Integer({ minimum: 1, maximum: MAX_INT32, description: "The order item's item_id." }),
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

const orderItemInput = Type.Object(
  {
    item_id: Type.Integer({ minimum: 1, maximum: MAX_INT32, description: "Magento order item id, unique in the order." }),
    product_id: Type.Optional(Type.Unsafe<number | null>({ type: ["integer", "null"], minimum: 0, maximum: MAX_INT32 })),
    sku: Type.String({ minLength: 1, maxLength: 64, pattern: NO_NUL }),
    name: Type.String({ minLength: 1, maxLength: 255, pattern: NO_NUL }),
    price: amount("Unit price, order currency."),
    base_price: optionalAmount("Unit price, base currency. Default: price ÷ base_to_order_rate."),
    price_incl_tax: optionalAmount("Default: price + tax_amount ÷ qty_ordered."),
    base_price_incl_tax: optionalAmount("Default: price_incl_tax ÷ base_to_order_rate."),
    tax_amount: optionalAmount("Tax for the whole row. Default 0."),
    base_tax_amount: optionalAmount("Default: tax_amount ÷ base_to_order_rate."),
    discount_amount: optionalAmount("Discount for the whole row; Magento's negative order discounts are taken as their size. Default 0."),
    base_discount_amount: optionalAmount("Default: discount_amount ÷ base_to_order_rate."),
    qty_ordered: amount("Quantity ordered (positive, up to 4 decimals)."),
    qty_invoiced: optionalAmount("Quantity invoiced, at most qty_ordered. Default 0."),
    qty_refunded: optionalAmount("Quantity refunded elsewhere; Tally keeps the larger of this and what its own memos refunded."),
  },
  { additionalProperties: false },
);

export const OrderImportBody = Type.Object(
  {
    entity_id: Type.Integer({ minimum: 1, maximum: MAX_INT32, description: "Magento order entity id; fixed once imported." }),
    store_id: Type.Integer({ minimum: 0, maximum: MAX_INT32, description: "Magento store id of one of the tenant's stores." }),
    customer_id: Type.Optional(
      Type.Unsafe<number | null>({ type: ["integer", "null"], minimum: 0, maximum: MAX_INT32, description: "A customer of the tenant; null or omitted: a guest order." }),
    ),
    customer_email: Type.Optional(nullableString({ maxLength: 254, pattern: NO_NUL })),
    state: Type.String({ minLength: 1, maxLength: 32, pattern: NO_CONTROL, description: "Order state; canceled, closed and holded orders take no credit memos." }),
    created_at: Type.Optional(
      nullableString({ maxLength: 40, description: "'YYYY-MM-DD HH:MM:SS' (UTC, as Magento writes it) or ISO-8601. Default: now, on first import." }),
    ),
    base_currency_code: Type.String({ pattern: "^[A-Za-z]{3}$" }),
    global_currency_code: Type.Optional(Type.String({ pattern: "^[A-Za-z]{3}$", description: "Default: base_currency_code." })),
    order_currency_code: Type.Optional(Type.String({ pattern: "^[A-Za-z]{3}$", description: "Default: base_currency_code." })),
    store_currency_code: Type.Optional(Type.String({ pattern: "^[A-Za-z]{3}$", description: "Default: base_currency_code." })),
    base_to_global_rate: optionalAmount("Default 1."),
    base_to_order_rate: optionalAmount("Default 1. Base amounts not sent are the order amounts ÷ this rate."),
    store_to_base_rate: optionalAmount("Default 1."),
    store_to_order_rate: optionalAmount("Default 1."),
    subtotal: amount("Subtotal, order currency."),
    base_subtotal: optionalAmount("Default: subtotal ÷ base_to_order_rate."),
    shipping_amount: optionalAmount("Default 0."),
    base_shipping_amount: optionalAmount("Default: shipping_amount ÷ base_to_order_rate."),
    tax_amount: optionalAmount("Default 0."),
    base_tax_amount: optionalAmount("Default: tax_amount ÷ base_to_order_rate."),
    discount_amount: optionalAmount("Default 0; a negative value (Magento's sign) is taken as its size."),
    base_discount_amount: optionalAmount("Default: discount_amount ÷ base_to_order_rate."),
    grand_total: amount("Grand total, order currency."),
    base_grand_total: optionalAmount("Default: grand_total ÷ base_to_order_rate."),
    total_paid: optionalAmount("What was paid (invoiced). Default 0: nothing can be refunded yet."),
    base_total_paid: optionalAmount("Default: total_paid ÷ base_to_order_rate."),
    total_refunded: optionalAmount("Refunded elsewhere; Tally keeps the larger of this and what its own memos refunded."),
    base_total_refunded: optionalAmount("As total_refunded, base currency."),
    shipping_refunded: optionalAmount("As total_refunded, for shipping."),
    base_shipping_refunded: optionalAmount("As total_refunded, for base shipping."),
    billing_address_id: Type.Optional(Type.Unsafe<number | null>({ type: ["integer", "null"], minimum: 0, maximum: MAX_INT32 })),
    shipping_address_id: Type.Optional(Type.Unsafe<number | null>({ type: ["integer", "null"], minimum: 0, maximum: MAX_INT32 })),
    items: Type.Array(orderItemInput, { minItems: 1, maxItems: 1000, description: "Every line of the order." }),
  },
  {
    additionalProperties: false,
    description:
      "The order as the order system has it, in Magento's salesOrderEntity names (snake_case): amounts as JSON numbers " +
      "or Magento's decimal strings. The snapshot is replaced, except that refunded quantities and totals never drop " +
      "below what Tally's own credit memos refunded.",
    examples: [
      {
        entity_id: 744,
        store_id: 1,
        customer_id: 4,
        customer_email: "customer@example.com",
        state: "complete",
        created_at: "2011-05-20 08:14:21",
        base_currency_code: "USD",
        subtotal: "75.0000",
        shipping_amount: "15.0000",
        grand_total: "90.0000",
        total_paid: "90.0000",
        billing_address_id: 1487,
        shipping_address_id: 1488,
        items: [
          { item_id: 775, product_id: 20, sku: "test_product_sku", name: "Test Product", price: "55.0000", qty_ordered: 1, qty_invoiced: 1 },
          { item_id: 776, product_id: 21, sku: "test_product_sku_2", name: "Test 2", price: "10.0000", qty_ordered: 2, qty_invoiced: 2 },
        ],
      },
    ],
  },
);

export const IdempotencyHeaders = idempotencyHeaders(
  "Makes a retry safe: the first successful response to a key is stored, and a retry with the same key and request " +
    "returns it (with `Idempotent-Replayed: true`) instead of refunding again. The same key with a different request " +
    "is a 409. Failed requests are not stored and may be retried.",
);

export type NewCreditmemoInput = Static<typeof NewCreditmemoBody>;
export type NewCommentInput = Static<typeof NewCommentBody>;
export type OrderImportInput = Static<typeof OrderImportBody>;
