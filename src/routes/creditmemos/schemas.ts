import type { TSchema } from "typebox";
import {
  CreatedCreditmemo,
  CreditmemoCollection,
  CreditmemoCommentEntity,
  CreditmemoEntity,
  CreditmemoItemEntity,
  CreditmemoListEntry,
} from "./entity-schemas.js";
import { OrderItemSnapshot, OrderSnapshot } from "../../services/creditmemos/order-schemas.js";

/**
 * The credit memo routes' schemas: entity models (entity-schemas), the order snapshot and its import
 * (order-schemas), request parts (request-schemas) and the list's query string (list-query).
 */

export { CreditmemoListQuery } from "./list-query.js";
export { OrderImportBody, OrderParams, type OrderImportInput } from "../../services/creditmemos/order-schemas.js";
export { NewCommentBody, NewCreditmemoBody, type NewCommentInput, type NewCreditmemoInput } from "../../services/creditmemos/inputs.js";
export { CreditmemoParams, IdempotencyHeaders } from "./request-schemas.js";

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
