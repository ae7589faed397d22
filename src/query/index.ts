export * from "./filter/index.js";
export { QueryError, type QueryErrorCode, type QueryParameter } from "./errors.js";
export {
  DEFAULT_OPERATORS,
  type FieldSpec,
  type FieldSpecMap,
  type FieldType,
} from "./fields.js";
export {
  resolvePaging,
  toCollection,
  type Collection,
  type Paging,
  type PagingInput,
  type PagingOptions,
} from "./paging.js";
export {
  parseResponseFields,
  projectResponse,
  type ResponseFieldLimits,
  type ResponseFieldTree,
} from "./response-fields.js";
export { parseSortBy, type OrderByEntry, type SortDirection, type SortTiebreaker } from "./sort.js";
