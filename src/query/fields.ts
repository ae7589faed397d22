import type { Operator } from "./filter/ast.js";

export type FieldType = "string" | "integer" | "decimal" | "boolean" | "datetime" | "enum";

/** What a resource exposes to filter and sortBy: one entry per public field. */
export interface FieldSpec {
  /** public (API) name, as clients write it, e.g. "currentBalance" */
  name: string;
  /** Prisma field to filter/sort on; defaults to name */
  column?: string;
  type: FieldType;
  nullable?: boolean;
  /** values allowed for "enum" fields (matched case-insensitively, emitted in canonical case) */
  enumValues?: readonly string[];
  /** restricts operators; never widens them beyond what the type supports (see DEFAULT_OPERATORS) */
  operators?: readonly Operator[];
  /**
   * case-insensitive string matching done by comparing a normalized column: the compiler applies this to the value,
   * e.g. (s) => s.toUpperCase(), and filters `column` (which holds the normalized copy)
   */
  normalize?: (value: string) => string;
  filterable?: boolean;
  sortable?: boolean;
}

export type FieldSpecMap = readonly FieldSpec[];

const ORDERED: readonly Operator[] = ["eq", "ne", "gt", "ge", "lt", "le", "in"];
const UNORDERED: readonly Operator[] = ["eq", "ne", "in"];

/** Operators each type supports; ordering makes no sense for booleans and enums, LIKE only for strings. */
export const DEFAULT_OPERATORS: Readonly<Record<FieldType, readonly Operator[]>> = {
  string: ["eq", "ne", "sw", "cont", "in", "gt", "ge", "lt", "le"],
  integer: ORDERED,
  decimal: ORDERED,
  datetime: ORDERED,
  boolean: UNORDERED,
  enum: UNORDERED,
};

/** The operators a field accepts: its own list, intersected with what its type supports. */
export function allowedOperators(spec: FieldSpec): readonly Operator[] {
  const supported = DEFAULT_OPERATORS[spec.type];
  return spec.operators ? supported.filter((op) => spec.operators?.includes(op)) : supported;
}

/** The Prisma field behind a public field. */
export function columnOf(spec: FieldSpec): string {
  return spec.column ?? spec.name;
}

/** Whether clients may use the field in filter. */
export function isFilterable(spec: FieldSpec): boolean {
  return spec.filterable ?? true;
}

/** Whether clients may use the field in sortBy. */
export function isSortable(spec: FieldSpec): boolean {
  return spec.sortable ?? true;
}

/** Finds a field by its public name, case-insensitively, among those `usable` admits. */
export function findField(
  fields: FieldSpecMap,
  name: string,
  usable: (spec: FieldSpec) => boolean,
): FieldSpec | undefined {
  const wanted = name.toLowerCase();
  return fields.find((spec) => usable(spec) && spec.name.toLowerCase() === wanted);
}
