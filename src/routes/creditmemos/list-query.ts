import { listQuery } from "../../http/list-schemas.js";
import { describeFields, summarizeFilterLanguage } from "../../query/index.js";
import { CREDITMEMO_LIST_FIELDS } from "../../services/creditmemos/fields.js";

/** The query string of order_creditmemo.list. */

const LIST_FILTER_EXAMPLES = [
  "state eq 2 and created_at ge 2026-01-01",
  "orderIncrementId eq 100000744",
  "customer_id eq 4 and grand_total gt 50",
  "increment_id sw 1000006",
];

export const CreditmemoListQuery = listQuery({
  sortBy: {
    description: "`field [asc|desc]`, comma-separated; ascending by default; ties are broken by creditmemo_id. Default: creditmemo_id.",
    fields: describeFields(CREDITMEMO_LIST_FIELDS),
    examples: ["created_at desc", "grand_total desc, increment_id"],
  },
  filter: {
    description: summarizeFilterLanguage(CREDITMEMO_LIST_FIELDS),
    fields: describeFields(CREDITMEMO_LIST_FIELDS),
    examples: LIST_FILTER_EXAMPLES,
  },
});
