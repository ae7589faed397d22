import { OPERATORS } from "./filter/ast.js";
import { allowedOperators, isFilterable, type FieldSpec, type FieldSpecMap } from "./fields.js";

/** The text OpenAPI descriptions use for the list parameters, written from the same specs the compiler reads. */

/** One entry per field for the description of `filter` and `sortBy`: `` `name` (type[, nullable]) ``. */
export function describeFields(fields: FieldSpecMap): string {
  return fields.map((field) => `\`${field.name}\` (${describeType(field)})`).join(", ");
}

function describeType(field: FieldSpec): string {
  const type = field.type === "enum" ? (field.enumValues ?? []).join(" | ") : field.type;
  return field.nullable ? `${type}, nullable` : type;
}

/** The filter language in full, for the lists that document it (the credits lists). */
export const FILTER_GRAMMAR =
  "A filter expression: `field op value`, combined with `and`, `or` and parentheses (`and` binds tighter than `or`). " +
  "Operators: `eq ne gt ge lt le` (equality and ranges), `sw` (starts with), `cont` (contains), `in [a,b]`; " +
  "`eq null` / `ne null` test for missing values. Values: bare numbers, `true`/`false`, bare words, or single- or " +
  "double-quoted strings (double a quote inside: `'O''Brien'`); dates as ISO-8601 (`2026-01-05` or " +
  "`2026-01-05T14:30:00Z`). Field names are case-insensitive. Spaces may be sent as `%20` or `+` (so a literal " +
  "`+`, as in a time-zone offset, must be sent as `%2B`). " +
  "`%` and `_` in `sw`/`cont` values are literal characters.";

/** The filter language in one sentence, naming the operators these fields accept (for lists that refer to it). */
export function summarizeFilterLanguage(fields: FieldSpecMap): string {
  const usable = new Set(fields.filter(isFilterable).flatMap((field) => allowedOperators(field)));
  const operators = OPERATORS.filter((operator) => usable.has(operator)).join(" ");
  return (
    "The filter language of the Kibo credits list (`field op value` with `and`, `or`, parentheses; " +
    `\`${operators}\`; dates ISO-8601).`
  );
}
