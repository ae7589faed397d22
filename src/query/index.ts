export * from "./filter/index.js";
export { checkFilterRanges } from "./filter/ranges.js";
export { queryErrorToApiError } from "./api-error.js";
export { describeFields, FILTER_GRAMMAR, summarizeFilterLanguage } from "./describe.js";
export { QueryError, type QueryErrorCode, type QueryParameter } from "./errors.js";
export {
  DEFAULT_OPERATORS,
  type FieldSpec,
  type FieldSpecMap,
  type FieldType,
  type ModelFields,
  type WhereColumn,
} from "./fields.js";
export {
  listQuery,
  parseList,
  readAll,
  readPage,
  type ListInput,
  type ListQuery,
  type ListSpec,
  type Page,
  type PageArgs,
  type ParsedList,
} from "./list.js";
export {
  MAX_PAGE_SIZE,
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
export { compileFilterSql, SqlParams, type SqlColumns } from "./filter/compile-sql.js";
export { TenantSql, type ListStatements, type SqlCondition, type SqlTable } from "./tenant-sql.js";
