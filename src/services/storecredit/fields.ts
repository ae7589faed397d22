import type { BalanceAction, Prisma } from "../../generated/prisma/client.js";
import { mapColumnValues } from "../../magento/index.js";
import type { ListSpec, ModelFields, PrismaWhere } from "../../query/index.js";

/** Magento's history actions in the order of their numbers: 1 updated, 2 created, 3 used, 4 refunded, 5 reverted. */
export const HISTORY_ACTIONS: readonly BalanceAction[] = ["Updated", "Created", "Used", "Refunded", "Reverted"];

/** Magento's number for a ledger row's action. */
export function actionNumber(action: BalanceAction): number {
  return HISTORY_ACTIONS.indexOf(action) + 1;
}

/**
 * What `filter` and `sortBy` accept on store-credit history, in Magento's names. `action` is filtered by number
 * (`action eq 4`); balance_amount is computed per page and can be neither filtered nor sorted on. history_id and
 * balance_id are bigint columns.
 */
export const HISTORY_FIELDS: ModelFields<Prisma.CreditTransactionWhereInput> = [
  { name: "history_id", column: "id", type: "integer", wide: true },
  { name: "balance_id", column: "creditId", type: "integer", wide: true },
  { name: "updated_at", column: "createdAt", type: "datetime" },
  { name: "action", type: "enum", enumValues: HISTORY_ACTIONS.map((_, index) => String(index + 1)) },
  { name: "balance_delta", column: "impactAmount", type: "decimal" },
  { name: "is_customer_notified", column: "isCustomerNotified", type: "boolean" },
];

/** The compiled filter with action numbers turned into the enum names the column holds. */
export function actionNames(where: PrismaWhere): PrismaWhere {
  return mapColumnValues(where, "action", (value) => HISTORY_ACTIONS[Number(value) - 1]);
}

/** Store-credit history: newest first (then history_id descending) unless sorted otherwise. */
export const HISTORY_LIST: ListSpec<Prisma.CreditTransactionWhereInput, Prisma.CreditTransactionOrderByWithRelationInput> = {
  fields: HISTORY_FIELDS,
  tiebreaker: { column: "id" },
  defaultSort: "updated_at desc, history_id desc",
  rewrite: actionNames,
};
