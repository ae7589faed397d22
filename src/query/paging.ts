import { QueryError, show } from "./errors.js";

/** The largest page a list serves (a larger pageSize is clamped to it); readAll reads in pages of this size. */
export const MAX_PAGE_SIZE = 200;

/** Paging parameters as they arrive: numbers, or numeric strings straight from the query string. */
export interface PagingInput {
  startIndex?: number | string | null;
  pageSize?: number | string | null;
}

export interface PagingOptions {
  defaultPageSize?: number;
  maxPageSize?: number;
}

export interface Paging {
  /** zero-based item offset, echoed in the response */
  startIndex: number;
  /** the effective page size, echoed in the response */
  pageSize: number;
  skip: number;
  take: number;
}

/** Kibo's collection envelope. */
export interface Collection<T> {
  startIndex: number;
  pageSize: number;
  pageCount: number;
  totalCount: number;
  items: T[];
}

const DIGITS = /^\d+$/;

/**
 * Validates startIndex/pageSize and turns them into Prisma skip/take. A pageSize of 0 (or none) means the default,
 * as Kibo does; a pageSize above the maximum is clamped, not refused, and the response echoes the effective size.
 */
export function resolvePaging(
  { startIndex, pageSize }: PagingInput,
  { defaultPageSize = 20, maxPageSize = MAX_PAGE_SIZE }: PagingOptions = {},
): Paging {
  const start = readCount("startIndex", startIndex) ?? 0;
  const requested = readCount("pageSize", pageSize) || defaultPageSize;
  const size = Math.min(requested, maxPageSize);
  return { startIndex: start, pageSize: size, skip: start, take: size };
}

/** Wraps one page of items in the collection envelope; pageCount = ceil(totalCount / pageSize). */
export function toCollection<T>({
  startIndex,
  pageSize,
  totalCount,
  items,
}: Omit<Collection<T>, "pageCount">): Collection<T> {
  const pageCount = pageSize > 0 ? Math.ceil(totalCount / pageSize) : 0;
  return { startIndex, pageSize, pageCount, totalCount, items };
}

/** A non-negative safe integer, or undefined when the parameter is absent or blank. */
function readCount(parameter: "startIndex" | "pageSize", raw: number | string | null | undefined): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const text = typeof raw === "string" ? raw.trim() : String(raw);
  if (text === "") return undefined;
  const value = typeof raw === "number" ? raw : DIGITS.test(text) ? Number(text) : Number.NaN;
  if (Number.isSafeInteger(value) && value >= 0) return value;
  throw new QueryError({
    code: "INVALID_PAGING",
    message: `${parameter} must be a non-negative integer, got ${show(text)}`,
    parameter,
    position: 1,
    length: text.length,
  });
}
