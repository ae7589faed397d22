import { QueryError } from "../errors.js";
import { findField, type FieldSpec, type FieldSpecMap } from "../fields.js";
import type { FilterNode, ValueLiteral } from "./ast.js";
import { toDate, toInteger } from "./coerce.js";

const MAX_INT32 = 2_147_483_647;

/**
 * Refuses filter values the database cannot take — integers beyond a 32-bit column (any integer field not marked
 * `wide`), dates before year 1 — with a 400 pointing at the value, before they reach a query. It runs over the whole
 * filter before the compiler, so an out-of-range value is reported ahead of any other mistake; the compiler checks
 * everything else.
 */
export function checkFilterRanges(node: FilterNode, fields: FieldSpecMap): void {
  switch (node.kind) {
    case "and":
    case "or":
      for (const operand of node.operands) checkFilterRanges(operand, fields);
      return;
    case "comparison":
      if (node.value.kind !== "null") checkValue(node.field.name, node.value, fields);
      return;
    case "in":
      for (const value of node.values) checkValue(node.field.name, value, fields);
  }
}

const anyField = (): boolean => true;

function checkValue(fieldName: string, literal: ValueLiteral, fields: FieldSpecMap): void {
  const spec = findField(fields, fieldName, anyField);
  if (!spec) return;
  const text = literal.kind === "string" ? literal.value : literal.raw;
  if (!outOfRange(spec, text)) return;
  throw new QueryError({
    code: "INVALID_VALUE",
    message: `Value '${text}' at position ${literal.position} is out of range for field '${spec.name}'`,
    parameter: "filter",
    position: literal.position,
    length: literal.length,
  });
}

function outOfRange(spec: FieldSpec, text: string): boolean {
  if (spec.type === "integer" && !spec.wide) {
    const integer = toInteger(text);
    return integer !== undefined && Math.abs(integer) > MAX_INT32;
  }
  if (spec.type === "datetime") {
    const date = toDate(text);
    return date !== undefined && date.getUTCFullYear() < 1;
  }
  return false;
}
