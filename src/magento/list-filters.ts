import type { PrismaWhere } from "../query/index.js";

/**
 * What Magento's lists need of a compiled filter or sort entry beyond flat columns: fields on a related model
 * (`order.incrementId`) and enum columns that clients filter by number. Both rewrite the list pipeline's output
 * (ListSpec.rewrite).
 */

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
