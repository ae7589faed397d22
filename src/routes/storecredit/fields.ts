import type { BalanceAction } from "../../generated/prisma/client.js";
import type { FieldSpecMap, PrismaWhere } from "../../query/index.js";
import { mapColumnValues } from "../creditmemos/listing.js";

/** Magento's history actions in the order of their numbers: 1 updated, 2 created, 3 used, 4 refunded, 5 reverted. */
export const HISTORY_ACTIONS: readonly BalanceAction[] = ["Updated", "Created", "Used", "Refunded", "Reverted"];

/** Magento's number for a ledger row's action. */
export function actionNumber(action: BalanceAction): number {
  return HISTORY_ACTIONS.indexOf(action) + 1;
}

/**
 * What `filter` and `sortBy` accept on store-credit history, in Magento's names. `action` is filtered by number
 * (`action eq 4`); balance_amount is computed per page and can be neither filtered nor sorted on.
 */
export const HISTORY_FIELDS: FieldSpecMap = [
  { name: "history_id", column: "id", type: "integer" },
  { name: "balance_id", column: "creditId", type: "integer" },
  { name: "updated_at", column: "createdAt", type: "datetime" },
  { name: "action", type: "enum", enumValues: HISTORY_ACTIONS.map((_, index) => String(index + 1)) },
  { name: "balance_delta", column: "impactAmount", type: "decimal" },
  { name: "is_customer_notified", column: "isCustomerNotified", type: "boolean" },
];

/** history_id and balance_id are bigint columns: no 32-bit range check for them. */
export const WIDE_HISTORY_FIELDS = ["history_id", "balance_id"] as const;

/** The compiled filter with action numbers turned into the enum names the column holds. */
export function actionNames(where: PrismaWhere): PrismaWhere {
  return mapColumnValues(where, "action", (value) => HISTORY_ACTIONS[Number(value) - 1]);
}
