import { allowedOperators, findField, isFilterable, type FieldSpec, type FieldSpecMap } from "../fields.js";
import type { FieldRef, Literal, Operator, ValueLiteral } from "./ast.js";
import { toBoolean, toDate, toDecimalString, toInteger } from "./coerce.js";
import { filterErrors } from "./errors.js";

/**
 * What both compile targets (Prisma's where, parameterised SQL) share: which field a name means, whether it takes the
 * operator, and what a literal is as the field's type. Sharing it is what makes the targets refuse the same filters
 * with the same messages.
 */

/** A literal read as its field's type: text for strings, decimals (never a float) and enums. */
export type TypedValue = string | number | boolean | Date;

/** Finds the filterable field and checks that it accepts the operator. */
export function resolveField(field: FieldRef, fields: FieldSpecMap, operator: Operator, operatorPosition: number): FieldSpec {
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
export function coerce(spec: FieldSpec, literal: ValueLiteral): TypedValue {
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
export function normalized(spec: FieldSpec, literal: ValueLiteral): string {
  const text = textOf(literal);
  return spec.normalize ? spec.normalize(text) : text;
}

function required<T>(value: T | undefined, literal: Literal, spec: FieldSpec, expected: string, hint?: string): T {
  if (value === undefined) throw filterErrors.invalidValue(literal, spec.name, expected, hint);
  return value;
}
