import { compileFilter, parseFilter, type FilterNode, type PrismaWhere } from "./filter/index.js";
import { checkFilterRanges } from "./filter/ranges.js";
import type { ModelFields } from "./fields.js";
import { MAX_PAGE_SIZE, resolvePaging, type PagingInput } from "./paging.js";
import { parseSortBy, type SortTiebreaker } from "./sort.js";

/**
 * The one pipeline every list endpoint runs: paging, sortBy and filter are validated and compiled before any query
 * (so a bad parameter costs no database work), then one page is read and counted only when the page cannot tell.
 */

/** The list parameters every collection endpoint takes. */
export interface ListInput extends PagingInput {
  sortBy?: string | undefined;
  filter?: string | undefined;
}

/** One page of rows plus what the collection envelope needs. */
export interface Page<T> {
  startIndex: number;
  pageSize: number;
  totalCount: number;
  items: T[];
}

/**
 * How one model is listed. `Where` and `OrderBy` are the model's Prisma where and orderBy inputs; `fields` may name
 * only the model's columns, which is why what they compile to is typed as those inputs.
 */
export interface ListSpec<Where, OrderBy> {
  fields: ModelFields<Where>;
  /** The unique column that ends every ordering, so that pages never repeat or skip rows. */
  tiebreaker: SortTiebreaker;
  /** The order when the client sends no sortBy (default: the tiebreaker alone). */
  defaultSort?: string;
  /** Applied to the compiled filter and to each sort entry, e.g. nesting related fields or mapping enum values. */
  rewrite?: (where: PrismaWhere) => PrismaWhere;
  /** Only carries the orderBy type; never set. */
  readonly orderBy?: OrderBy;
}

/** A list request validated and parsed, before it is compiled for a target (Prisma here, SQL in tenant-sql.ts). */
export interface ParsedList<OrderBy> {
  /** The client's filter, range-checked but not yet compiled (its fields and values are checked when it is). */
  filter: FilterNode | undefined;
  /** sortBy against the spec's sortable fields, ending on the tiebreaker. */
  orderBy: OrderBy[];
  skip: number;
  take: number;
  startIndex: number;
  pageSize: number;
}

/** A validated list request as Prisma arguments. */
export interface ListQuery<Where, OrderBy> extends Omit<ParsedList<OrderBy>, "filter"> {
  /** The client's filter, compiled: empty or one where, to AND with the endpoint's own scope. */
  filters: Where[];
}

const unchanged = (where: PrismaWhere): PrismaWhere => where;
const blank = (text: string | undefined): text is undefined => text === undefined || text.trim() === "";

/** Validates paging, sortBy and filter syntax and ranges, in that order; every client mistake is a QueryError. */
export function parseList<Where, OrderBy>(input: ListInput, spec: ListSpec<Where, OrderBy>): ParsedList<OrderBy> {
  const rewrite = spec.rewrite ?? unchanged;
  const paging = resolvePaging(input);
  const sortBy = spec.defaultSort !== undefined && blank(input.sortBy) ? spec.defaultSort : input.sortBy;
  const orderBy = parseSortBy(sortBy, spec.fields, spec.tiebreaker).map((entry) => rewrite(entry));
  const filter = blank(input.filter) ? undefined : parseFilter(input.filter);
  if (filter) checkFilterRanges(filter, spec.fields);
  // The specs name only the model's columns (ModelFields<Where>), so what sortBy compiles to is the model's input.
  return { ...paging, orderBy: orderBy as OrderBy[], filter };
}

/** Validates paging, sortBy and filter, in that order, and compiles them for Prisma; every client mistake is a QueryError. */
export function listQuery<Where, OrderBy>(input: ListInput, spec: ListSpec<Where, OrderBy>): ListQuery<Where, OrderBy> {
  const { filter, ...parsed } = parseList(input, spec);
  const filters = filter ? [(spec.rewrite ?? unchanged)(compileFilter(filter, spec.fields))] : [];
  return { ...parsed, filters: filters as Where[] };
}

/** What a page is read with: the query's order and window. */
export interface PageArgs<OrderBy> {
  orderBy: OrderBy[];
  skip: number;
  take: number;
}

/**
 * Reads one page, then counts only when the page cannot tell the total: a short page at a reachable offset already
 * says how many rows match, which saves the count query for most lookups. totalCount is exact either way.
 */
export async function readPage<T, OrderBy>(
  query: Pick<ParsedList<OrderBy>, "orderBy" | "skip" | "take" | "startIndex" | "pageSize">,
  find: (args: PageArgs<OrderBy>) => Promise<T[]>,
  count: () => Promise<number>,
): Promise<Page<T>> {
  const items = await find({ orderBy: query.orderBy, skip: query.skip, take: query.take });
  const complete = items.length < query.take && (items.length > 0 || query.skip === 0);
  const totalCount = complete ? query.skip + items.length : await count();
  return { startIndex: query.startIndex, pageSize: query.pageSize, totalCount, items };
}

/**
 * Every row of a list, page by page, for APIs that answer a list in one response (Magento's SOAP list and history).
 * More than `limit` matches is refused with `tooMany(totalCount)` after the first page, before the rest is read, so
 * one call cannot make the process hold an unbounded result.
 */
export async function readAll<T>(
  read: (page: { startIndex: number; pageSize: number }) => Promise<Page<T>>,
  limit: number,
  tooMany: (totalCount: number) => Error,
): Promise<T[]> {
  const rows: T[] = [];
  for (;;) {
    const page = await read({ startIndex: rows.length, pageSize: MAX_PAGE_SIZE });
    if (page.totalCount > limit) throw tooMany(page.totalCount);
    rows.push(...page.items);
    if (page.items.length < MAX_PAGE_SIZE || rows.length >= page.totalCount) return rows;
  }
}
