import { columnOf, type FieldSpecMap } from "../fields.js";
import type { ComparisonNode, FilterNode, InNode } from "./ast.js";
import { escapeLike } from "./compile-prisma.js";
import { filterErrors } from "./errors.js";
import { maxAstDepth, resolveLimits, type FilterLimits } from "./limits.js";
import { coerce, normalized, resolveField, type TypedValue } from "./typed-values.js";

/**
 * The filter language's second compile target: the same AST and field allow-lists as compile-prisma, compiled to a
 * parameterised SQL condition. It mirrors what Prisma renders for the where compile-prisma builds, operator for
 * operator, so the two targets answer alike (the differential test holds them to it). Values only ever travel as
 * parameters; column names come from the resource's column map, never from the filter.
 */

/** A resource's SQL columns: the Prisma field a FieldSpec filters on → its column, unquoted. */
export type SqlColumns = Readonly<Record<string, string>>;

/** Numbers a statement's parameters as they are added; `first` is the number of the first one added. */
export class SqlParams {
  readonly values: unknown[] = [];

  constructor(private readonly first: number) {}

  /** The placeholder (`$n`) standing for `value`. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.first + this.values.length - 1}`;
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** A column as SQL: quoted, and only ever one the resource names (never the client's text). */
export function sqlColumn(columns: SqlColumns, column: string): string {
  const name = columns[column];
  if (name === undefined || !IDENTIFIER.test(name)) throw new Error(`no SQL column for ${column}`);
  return `"${name}"`;
}

const RANGE_SQL = { gt: ">", ge: ">=", lt: "<", le: "<=" } as const;

/** Compiles a filter AST into a SQL condition whose values are parameters of `params`. */
export function compileFilterSql(
  node: FilterNode,
  fields: FieldSpecMap,
  columns: SqlColumns,
  params: SqlParams,
  limits?: Partial<FilterLimits>,
): string {
  return compileNode(node, { fields, columns, params }, maxAstDepth(resolveLimits(limits)), 1);
}

interface Target {
  fields: FieldSpecMap;
  columns: SqlColumns;
  params: SqlParams;
}

function compileNode(node: FilterNode, target: Target, maxDepth: number, depth: number): string {
  if (depth > maxDepth) throw filterErrors.treeTooDeep(maxDepth);
  switch (node.kind) {
    case "and":
    case "or": {
      const parts = node.operands.map((operand) => compileNode(operand, target, maxDepth, depth + 1));
      return `(${parts.join(node.kind === "and" ? " AND " : " OR ")})`;
    }
    case "comparison":
      return compileComparison(node, target);
    case "in":
      return compileIn(node, target);
  }
}

function compileComparison(node: ComparisonNode, { fields, columns, params }: Target): string {
  const spec = resolveField(node.field, fields, node.operator, node.operatorPosition);
  const column = sqlColumn(columns, columnOf(spec));
  const { operator, value } = node;

  if (value.kind === "null") {
    if (!spec.nullable) throw filterErrors.notNullable(value, spec.name);
    return operator === "eq" ? `${column} IS NULL` : `${column} IS NOT NULL`;
  }
  switch (operator) {
    case "eq":
      return `${column} = ${params.add(sqlValue(coerce(spec, value)))}`;
    case "ne": {
      const notEqual = `${column} <> ${params.add(sqlValue(coerce(spec, value)))}`;
      // As the Prisma target: a client asking "not v" expects the NULL rows too, which `<>` leaves out.
      return spec.nullable ? `(${notEqual} OR ${column} IS NULL)` : notEqual;
    }
    case "gt":
    case "ge":
    case "lt":
    case "le":
      return `${column} ${RANGE_SQL[operator]} ${params.add(sqlValue(coerce(spec, value)))}`;
    case "sw":
      return like(column, `${escapeLike(normalized(spec, value))}%`, params);
    case "cont":
      return like(column, `%${escapeLike(normalized(spec, value))}%`, params);
  }
}

// As Prisma renders startsWith/contains; backslash, escapeLike's escape character, is PostgreSQL's default.
function like(column: string, pattern: string, params: SqlParams): string {
  return `${column}::text LIKE ${params.add(pattern)}`;
}

function compileIn(node: InNode, { fields, columns, params }: Target): string {
  const spec = resolveField(node.field, fields, "in", node.operatorPosition);
  const values = node.values.map((value) => params.add(sqlValue(coerce(spec, value))));
  return values.length === 0 ? "FALSE" : `${sqlColumn(columns, columnOf(spec))} IN (${values.join(", ")})`;
}

/**
 * A typed value as a parameter. Dates travel as ISO-8601 text, which PostgreSQL reads exactly whatever the session's
 * time zone and either driver's serializer; decimals stay text, never a float.
 */
function sqlValue(value: TypedValue): string | number | boolean {
  return value instanceof Date ? value.toISOString() : value;
}
