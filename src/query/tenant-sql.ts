import type { FieldSpecMap } from "./fields.js";
import { compileFilterSql, SqlParams, sqlColumn, type SqlColumns } from "./filter/compile-sql.js";
import type { ParsedList } from "./list.js";
import type { OrderByEntry } from "./sort.js";

/**
 * SQL statements that can only be written for one tenant. A `TenantSql` is made only here, and every one this module
 * makes has `<tenant column> = $1` in its WHERE; `$1` is not among its parameters, because the scoped client that
 * runs it (`TenantDb.$rows`) supplies its own tenant there. So SQL without the tenant predicate cannot be produced as
 * a TenantSql, and a TenantSql cannot be pointed at another tenant. Values are always parameters; table and column
 * names come from the code's own `SqlTable`, never from a request.
 */
export class TenantSql {
  private constructor(
    /** The statement; `$1` is the tenant. */
    readonly text: string,
    /** `$2` onwards. */
    readonly params: readonly unknown[],
  ) {}

  /** The page and the count of a parsed list request over `table`, within `scope` (fixed conditions of the endpoint). */
  static list(table: SqlTable, query: ParsedList<unknown>, scope: readonly SqlCondition[] = []): ListStatements {
    const params = new SqlParams(2);
    const conditions = [`${sqlColumn(table.columns, table.tenantColumn)} = $1`];
    for (const condition of scope) conditions.push(fixedCondition(table, condition, params));
    if (query.filter) conditions.push(compileFilterSql(query.filter, table.fields, table.columns, params));
    const from = `FROM "${table.name}" WHERE ${conditions.join(" AND ")}`;
    const counted = [...params.values];
    // parseList built them with parseSortBy; they are typed as the model's Prisma orderBy only for the Prisma target.
    const order = (query.orderBy as OrderByEntry[]).map((entry) => orderTerm(table.columns, entry)).join(", ");
    const window = `LIMIT ${params.add(query.take)} OFFSET ${params.add(query.skip)}`;
    // The select list formats only the page's rows: a Sort under a Limit evaluates its input's expressions for every
    // row it sorts (326 to_char sets for a 20-row page of `code sw GC-0001`, three times the query's cost).
    const page = `SELECT * ${from} ORDER BY ${order} ${window}`;
    return {
      page: new TenantSql(`SELECT ${table.select} FROM (${page}) AS "page" ORDER BY ${order}`, params.values),
      count: new TenantSql(`SELECT count(*)::int AS "count" ${from}`, counted),
    };
  }
}

/** What a list reads: its table, how its rows are read, and the columns its filters and sorts may name. */
export interface SqlTable {
  /** The table, unquoted. */
  name: string;
  /** The Prisma field holding the tenant (a key of `columns`). */
  tenantColumn: string;
  /** The select list: what each row is read as (columns, casts and formatting done by the database). */
  select: string;
  /** The resource's filterable and sortable fields: the same allow-list its Prisma list uses. */
  fields: FieldSpecMap;
  /** Every Prisma field the fields, the tenant and the endpoint's conditions name → its column. */
  columns: SqlColumns;
}

/** A fixed condition of an endpoint (not the client's): a Prisma field equal to a value, or null. */
export type SqlCondition = { column: string; equals: string | number } | { column: string; isNull: true };

export interface ListStatements {
  page: TenantSql;
  /** How many rows match, as `count` (an integer). */
  count: TenantSql;
}

function fixedCondition(table: SqlTable, condition: SqlCondition, params: SqlParams): string {
  const column = sqlColumn(table.columns, condition.column);
  return "isNull" in condition ? `${column} IS NULL` : `${column} = ${params.add(condition.equals)}`;
}

/** One sortBy entry as Prisma renders it: nullable columns sort their NULLs last either way. */
function orderTerm(columns: SqlColumns, entry: OrderByEntry): string {
  const [column, direction] = Object.entries(entry)[0] ?? [];
  if (column === undefined || direction === undefined) throw new Error("empty orderBy entry");
  const sort = typeof direction === "string" ? direction : direction.sort;
  const nulls = typeof direction === "string" ? "" : " NULLS LAST";
  return `${sqlColumn(columns, column)} ${sort === "desc" ? "DESC" : "ASC"}${nulls}`;
}
