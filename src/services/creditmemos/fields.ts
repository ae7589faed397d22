import type { Prisma } from "../../generated/prisma/client.js";
import { nestRelations } from "../../magento/index.js";
import type { ListSpec, ModelFields } from "../../query/index.js";

/**
 * What `filter` and `sortBy` accept on credit memos: Magento's names. The order's increment id and customer come
 * from the memo's order (dotted columns, nested by nestRelations); orderIncrementId is accepted as Kibo-style
 * spelling of order_increment_id. Every integer column is 32-bit.
 */
export const CREDITMEMO_LIST_FIELDS: ModelFields<Prisma.CreditmemoWhereInput> = [
  { name: "creditmemo_id", type: "integer" },
  { name: "increment_id", type: "string" },
  { name: "state", type: "integer" },
  { name: "order_id", type: "integer" },
  { name: "order_increment_id", column: "order.incrementId", type: "string" },
  { name: "orderIncrementId", column: "order.incrementId", type: "string" },
  { name: "customer_id", column: "order.customerId", type: "integer", nullable: true },
  { name: "store_id", type: "integer" },
  { name: "grand_total", type: "decimal" },
  { name: "base_grand_total", type: "decimal" },
  { name: "created_at", type: "datetime" },
  { name: "updated_at", type: "datetime" },
];

/** The credit memo list: oldest first (creditmemo_id) unless sorted otherwise. */
export const CREDITMEMO_LIST: ListSpec<Prisma.CreditmemoWhereInput, Prisma.CreditmemoOrderByWithRelationInput> = {
  fields: CREDITMEMO_LIST_FIELDS,
  tiebreaker: { column: "creditmemo_id" },
  rewrite: nestRelations,
};
