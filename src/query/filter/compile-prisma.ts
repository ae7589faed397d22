import { columnOf, type FieldSpecMap } from "../fields.js";
import type { ComparisonNode, FilterNode, InNode } from "./ast.js";
import { filterErrors } from "./errors.js";
import { maxAstDepth, resolveLimits, type FilterLimits } from "./limits.js";
import { coerce, normalized, resolveField } from "./typed-values.js";

/** A Prisma `where` object as plain data; the caller passes it as the model's WhereInput. */
export type PrismaWhere = { [key: string]: unknown };

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
