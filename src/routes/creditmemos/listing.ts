import { toDate, toInteger } from "../../query/filter/coerce.js";
import {
  compileFilter,
  parseFilter,
  parseSortBy,
  QueryError,
  resolvePaging,
  type FieldSpecMap,
  type FilterNode,
  type PagingInput,
  type PrismaWhere,
  type SortTiebreaker,
  type ValueLiteral,
} from "../../query/index.js";

/**
 * The list parameters of the Magento-style collections (credit memos, store-credit history) turned into Prisma
 * arguments with the shared query machinery, plus what those resources need beyond flat columns: fields on a
 * related model (`order.incrementId`) and enum columns that clients filter by number.
 */

/** The list parameters every collection endpoint takes. */
export interface ListInput extends PagingInput {
  sortBy?: string | undefined;
  filter?: string | undefined;
}

export interface ListArgs {
  where: PrismaWhere | undefined;
  orderBy: PrismaWhere[];
  skip: number;
  take: number;
  startIndex: number;
  pageSize: number;
}

export interface ListOptions {
  tiebreaker: SortTiebreaker;
  /** The order when the client sends no sortBy. */
  defaultSort?: string;
  /** Integer fields backed by bigint columns; every other integer field is a 32-bit column. */
  wideIntegers?: readonly string[];
  /** Applied to the compiled filter and to each sort entry (e.g. nesting related fields). */
  rewrite?: (where: PrismaWhere) => PrismaWhere;
}

/** Validates paging, sortBy and filter before any query runs; every client mistake is a QueryError. */
export function listArgs(input: ListInput, fields: FieldSpecMap, options: ListOptions): ListArgs {
  const rewrite = options.rewrite ?? ((where: PrismaWhere) => where);
  const paging = resolvePaging(input);
  const sortBy = input.sortBy === undefined || input.sortBy.trim() === "" ? options.defaultSort : input.sortBy;
  const orderBy = parseSortBy(sortBy, fields, options.tiebreaker).map((entry) => rewrite(entry));
  const ast = input.filter === undefined || input.filter.trim() === "" ? undefined : parseFilter(input.filter);
  if (ast) checkRanges(ast, fields, new Set((options.wideIntegers ?? []).map((name) => name.toLowerCase())));
  return { ...paging, orderBy, where: ast ? rewrite(compileFilter(ast, fields)) : undefined };
}

/**
 * Turns dotted keys of a compiled filter or sort entry into nested relation objects:
 * `{ "order.incrementId": { in: [...] } }` → `{ order: { incrementId: { in: [...] } } }`.
 */
export function nestRelations(where: PrismaWhere): PrismaWhere {
  const nested: PrismaWhere = {};
  for (const [key, value] of Object.entries(where)) {
    if ((key === "AND" || key === "OR") && Array.isArray(value)) {
      nested[key] = value.map((operand: PrismaWhere) => nestRelations(operand));
      continue;
    }
    const [relation, ...rest] = key.split(".");
    nested[relation ?? key] = rest.length === 0 ? value : nestRelations({ [rest.join(".")]: value });
  }
  return nested;
}

/**
 * Replaces the values a compiled filter compares `column` with (`eq`, `ne`, `in`), e.g. the numbers clients use
 * for an enum column's names.
 */
export function mapColumnValues(where: PrismaWhere, column: string, map: (value: unknown) => unknown): PrismaWhere {
  const mapped: PrismaWhere = {};
  for (const [key, value] of Object.entries(where)) {
    if ((key === "AND" || key === "OR") && Array.isArray(value)) {
      mapped[key] = value.map((operand: PrismaWhere) => mapColumnValues(operand, column, map));
    } else if (key !== column || value === null) {
      mapped[key] = value;
    } else if (typeof value === "object" && "not" in value) {
      mapped[key] = { not: value.not === null ? null : map(value.not) };
    } else if (typeof value === "object" && "in" in value && Array.isArray(value.in)) {
      mapped[key] = { in: value.in.map(map) };
    } else {
      mapped[key] = map(value);
    }
  }
  return mapped;
}

const MAX_INT32 = 2_147_483_647;

/**
 * Refuses filter values the columns cannot take — integers beyond a 32-bit column, dates before year 1 — with a
 * 400 pointing at the value, before they reach a query. The compiler checks everything else.
 */
function checkRanges(node: FilterNode, fields: FieldSpecMap, wide: ReadonlySet<string>): void {
  switch (node.kind) {
    case "and":
    case "or":
      for (const operand of node.operands) checkRanges(operand, fields, wide);
      return;
    case "comparison":
      if (node.value.kind !== "null") checkValue(node.field.name, node.value, fields, wide);
      return;
    case "in":
      for (const value of node.values) checkValue(node.field.name, value, fields, wide);
  }
}

function checkValue(fieldName: string, literal: ValueLiteral, fields: FieldSpecMap, wide: ReadonlySet<string>): void {
  const spec = fields.find((candidate) => candidate.name.toLowerCase() === fieldName.toLowerCase());
  if (!spec) return;
  const text = literal.kind === "string" ? literal.value : literal.raw;
  const integer = spec.type === "integer" && !wide.has(spec.name.toLowerCase()) ? toInteger(text) : undefined;
  const date = spec.type === "datetime" ? toDate(text) : undefined;
  if ((integer !== undefined && Math.abs(integer) > MAX_INT32) || (date !== undefined && date.getUTCFullYear() < 1)) {
    throw new QueryError({
      code: "INVALID_VALUE",
      message: `Value '${text}' at position ${literal.position} is out of range for field '${spec.name}'`,
      parameter: "filter",
      position: literal.position,
      length: literal.length,
    });
  }
}
