export { ApiFaults, GLOBAL_FAULTS, RESOURCE_FAULTS } from "./api-faults.js";
export {
  CREDITMEMO_COMMENT_FIELDS,
  CREDITMEMO_FIELDS,
  CREDITMEMO_ITEM_FIELDS,
  CREDITMEMO_STATE,
  formatCreditmemo,
  formatCreditmemoSummary,
  type CreditmemoEntity,
  type CreditmemoRecord,
} from "./creditmemo-entity.js";
export { INVALID_DATA, INVALID_FILTER, MemoFaults } from "./creditmemo-faults.js";
export {
  CREDITMEMO_COMMENT_WSDL_ORDER,
  CREDITMEMO_ITEM_WSDL_ORDER,
  CREDITMEMO_WSDL_ORDER,
  inWsdlOrder,
} from "./creditmemo-wsdl-order.js";
export {
  creditmemoHeaderFromOrder,
  FIXED_CREDITMEMO_ITEM_COLUMNS,
  NULL_CREDITMEMO_COLUMNS,
  type CreditmemoOrder,
} from "./creditmemo-header.js";
export type { MagentoField, MagentoRecord } from "./entity-fields.js";
export { fault, withFault, withQueryFault, type FaultKind } from "./faults.js";
export { mapColumnValues, nestRelations } from "./list-filters.js";
export { magentoFilter, type MagentoFilterField } from "./soap-filters.js";
export { formatOrder, ORDER_FIELDS, ORDER_ITEM_FIELDS, type OrderEntity, type OrderRecord } from "./order-entity.js";
export { BALANCE_INVALID_DATA, BalanceFaults } from "./storecredit-faults.js";
export { magentoDate, magentoIncrementId, magentoValue, type MagentoKind } from "./values.js";
