import { allowedOperators, columnOf, findField, isFilterable, type FieldSpec, type FieldSpecMap } from "../fields.js";
import type { ComparisonNode, FieldRef, FilterNode, InNode, Literal, Operator, ValueLiteral } from "./ast.js";
import { toBoolean, toDate, toDecimalString, toInteger } from "./coerce.js";
import { filterErrors } from "./errors.js";
import { maxAstDepth, resolveLimits, type FilterLimits } from "./limits.js";

/** A Prisma `where` object as plain data; the caller passes it as the model's WhereInput. */
export type PrismaWhere = { [key: string]: unknown };

type TypedValue = string | number | boolean | Date;

const RANGE_KEYS = { gt: "gt", ge: "gte", lt: "lt", le: "lte" } as const;

/** Compiles a filter AST into a Prisma `where`, checking each field against the allow-list and each value's type. */
export function compileFilter(
  node: FilterNode,
  fields: FieldSpecMap,
  limits?: Partial<FilterLimits>,
): PrismaWhere {
  return compileNode(node, fields, maxAstDepth(resolveLimits(limits)), 1);
}

/**
 * Escapes LIKE wildcards. Prisma turns startsWith/contains into LIKE without escaping the operand
 * (prisma/prisma#19506), so a client's `%` or `_` would otherwise match anything; backslash is PostgreSQL's default
 * LIKE escape character.
 */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, "\\$&");
}

function compileNode(node: FilterNode, fields: FieldSpecMap, maxDepth: number, depth: number): PrismaWhere {
  if (depth > maxDepth) throw filterErrors.treeTooDeep(maxDepth);
  switch (node.kind) {
    case "and":
    case "or": {
      const key = node.kind === "and" ? "AND" : "OR";
      const parts: PrismaWhere[] = [];
      for (const operand of node.operands) {
        const compiled = compileNode(operand, fields, maxDepth, depth + 1);
        parts.push(...(sameKindParts(compiled, key) ?? [compiled]));
      }
      return { [key]: parts };
    }
    case "comparison":
      return compileComparison(node, fields);
    case "in":
      return compileIn(node, fields);
  }
}

/** The operands of a compiled `{ AND: [...] }` / `{ OR: [...] }`, so same-kind groups flatten into their parent. */
function sameKindParts(compiled: PrismaWhere, key: "AND" | "OR"): PrismaWhere[] | undefined {
  const nested = compiled[key];
  return Object.keys(compiled).length === 1 && Array.isArray(nested) ? nested : undefined;
}

function compileComparison(node: ComparisonNode, fields: FieldSpecMap): PrismaWhere {
  const spec = resolveField(node.field, fields, node.operator, node.operatorPosition);
  const column = columnOf(spec);
  const { operator, value } = node;

  if (value.kind === "null") {
    if (!spec.nullable) throw filterErrors.notNullable(value, spec.name);
    return { [column]: operator === "eq" ? null : { not: null } };
  }
  switch (operator) {
    case "eq":
      return { [column]: coerce(spec, value) };
    case "ne": {
      const notEqual = { [column]: { not: coerce(spec, value) } };
      // SQL's `col <> v` is unknown for NULL rows, yet a client asking "not v" expects them too.
      return spec.nullable ? { OR: [notEqual, { [column]: null }] } : notEqual;
    }
    case "gt":
    case "ge":
    case "lt":
    case "le":
      return { [column]: { [RANGE_KEYS[operator]]: coerce(spec, value) } };
    case "sw":
      return { [column]: { startsWith: escapeLike(normalized(spec, value)) } };
    case "cont":
      return { [column]: { contains: escapeLike(normalized(spec, value)) } };
  }
}

function compileIn(node: InNode, fields: FieldSpecMap): PrismaWhere {
  const spec = resolveField(node.field, fields, "in", node.operatorPosition);
  return { [columnOf(spec)]: { in: node.values.map((value) => coerce(spec, value)) } };
}

/** Finds the filterable field and checks that it accepts the operator. */
function resolveField(field: FieldRef, fields: FieldSpecMap, operator: Operator, operatorPosition: number): FieldSpec {
  const spec = findField(fields, field.name, isFilterable);
  if (!spec) {
    throw filterErrors.unknownField(
      field,
      fields.filter(isFilterable).map((known) => known.name),
    );
  }
  const allowed = allowedOperators(spec);
  if (!allowed.includes(operator)) {
    throw filterErrors.operatorNotAllowed(operator, operatorPosition, spec.name, allowed);
  }
  return spec;
}

/**
 * Reads a literal as the field's type. The text is what the client wrote — inside the quotes for quoted strings — so
 * a quoted '10' is accepted for a number field and a bare 10 or true for a string field: quoting only matters for
 * telling the string 'null' from null.
 */
function coerce(spec: FieldSpec, literal: ValueLiteral): TypedValue {
  const text = textOf(literal);
  switch (spec.type) {
    case "string":
      return normalized(spec, literal);
    case "integer":
      return required(toInteger(text), literal, spec, "an integer");
    case "decimal":
      return required(toDecimalString(text), literal, spec, "a number");
    case "boolean":
      return required(toBoolean(text), literal, spec, "true or false");
    case "datetime":
      return required(toDate(text), literal, spec, "a date", "use ISO-8601 such as 2024-05-03 or 2024-05-03T12:00:00Z");
    case "enum": {
      const wanted = text.toLowerCase();
      const canonical = spec.enumValues?.find((allowed) => allowed.toLowerCase() === wanted);
      return required(canonical, literal, spec, "valid", `use one of ${spec.enumValues?.join(", ") ?? "(none)"}`);
    }
  }
}

function textOf(literal: ValueLiteral): string {
  return literal.kind === "string" ? literal.value : literal.raw;
}

/** A string field's value as its column stores it. */
function normalized(spec: FieldSpec, literal: ValueLiteral): string {
  const text = textOf(literal);
  return spec.normalize ? spec.normalize(text) : text;
}

function required<T>(value: T | undefined, literal: Literal, spec: FieldSpec, expected: string, hint?: string): T {
  if (value === undefined) throw filterErrors.invalidValue(literal, spec.name, expected, hint);
  return value;
}
