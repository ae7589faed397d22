import Type, { type Static, type TSchema } from "typebox";
import { collection, listQuery } from "../../http/list-schemas.js";
import { describeFields, summarizeFilterLanguage } from "../../query/index.js";
import { HISTORY_FIELDS } from "../../services/storecredit/fields.js";

const MAX_INT32 = 2_147_483_647;

const magentoString = (description: string) => Type.String({ description });

export const StoreCreditBalance = Type.Object(
  {
    customerId: Type.Integer({ description: "The customer." }),
    websiteId: Type.Integer({ description: "The Magento website id." }),
    currencyCode: Type.String({ description: "The website's base currency (ISO 4217): the currency of `amount`." }),
    amount: Type.Number({ description: "The balance: a JSON number with at most 4 decimals." }),
  },
  {
    $id: "StoreCreditBalance",
    description: "A customer's store-credit balance in one website, in the website's base currency.",
    examples: [{ customerId: 4, websiteId: 2, currencyCode: "CAD", amount: 341.45 }],
  },
);

// Examples are the demo data set's (seeded on 2026-12-01), checked by test/integration/openapi-examples.test.ts:
// customer 4 of Great Widgets on the Canadian website, as in Magento's storecredit.balance example.
const historyExample = {
  history_id: "3",
  balance_id: "1",
  updated_at: "2026-09-02 00:00:00",
  action: "1",
  balance_amount: "367.1600",
  balance_delta: "20.0000",
  additional_info: "Goodwill for a late delivery",
  is_customer_notified: "0",
  customer_id: "4",
  website_id: "2",
  base_currency_code: "CAD",
};

export const StoreCreditHistoryEntry = Type.Object(
  {
    history_id: magentoString("The ledger row's id."),
    balance_id: magentoString("Tally's id of the credit the row moved (several credits can make up one website balance)."),
    updated_at: magentoString("When the balance moved: 'YYYY-MM-DD HH:MM:SS', UTC."),
    action: magentoString("1 updated, 2 created, 3 used, 4 refunded (credit memo), 5 reverted (credit memo canceled)."),
    balance_amount: magentoString(
      "The customer's balance in the website right after this row: the running total of every counted credit's " +
        "rows, in (updated_at, history_id) order, whatever the filter, sort or page. 4 decimals.",
    ),
    balance_delta: magentoString("The change, signed ('-12.5000' for a debit). 4 decimals."),
    additional_info: Type.Unsafe<string | null>({
      type: ["string", "null"],
      description: "The ledger row's comment (e.g. which credit memo refunded it), or `Order #…` when it only names an order.",
    }),
    is_customer_notified: magentoString("'1' if the customer was told, else '0'."),
    customer_id: magentoString("The customer."),
    website_id: magentoString("The Magento website id."),
    base_currency_code: magentoString("The website's base currency."),
  },
  {
    $id: "StoreCreditHistoryEntry",
    description: "One movement of a customer's store-credit balance in a website, as Magento's storecredit.history writes it.",
    examples: [historyExample],
  },
);

export const StoreCreditHistoryCollection = collection({
  $id: "StoreCreditHistoryCollection",
  itemRef: "StoreCreditHistoryEntry",
  description: "A page of store-credit history.",
  example: historyExample,
  counted: "Entries",
  optional: false,
});

/** Shared model schemas, registered by the route plugin so responses reference them as named components. */
export const MODEL_SCHEMAS: readonly TSchema[] = [StoreCreditBalance, StoreCreditHistoryEntry, StoreCreditHistoryCollection];

export type HistoryEntryJson = Static<typeof StoreCreditHistoryEntry>;

// ---- request parts --------------------------------------------------------------------------------------------

const positiveId = (description: string, example: number) =>
  Type.Integer({ minimum: 1, maximum: MAX_INT32, description, examples: [example] });

export const CustomerParams = Type.Object({
  customerId: positiveId("The customer (Kibo customer account id, Magento customer id).", 4),
});

const websiteId = positiveId("The Magento website id; the balance is in this website's base currency.", 2);

export const BalanceQuery = Type.Object({ websiteId });

const HISTORY_FILTER_EXAMPLES = ["action eq 4", "updated_at ge 2026-01-01 and balance_delta lt 0", "action in [4, 5]"];

export const HistoryQuery = listQuery(
  {
    sortBy: {
      description:
        "`field [asc|desc]`, comma-separated; ascending by default, ties broken by history_id. Default: newest first " +
        "(`updated_at desc`, then history_id descending).",
      fields: describeFields(HISTORY_FIELDS),
      examples: ["updated_at asc", "balance_delta desc"],
    },
    filter: {
      description: summarizeFilterLanguage(HISTORY_FIELDS),
      fields: `${describeFields(HISTORY_FIELDS)}; \`action\` by number`,
      examples: HISTORY_FILTER_EXAMPLES,
    },
  },
  { leading: { websiteId } },
);
