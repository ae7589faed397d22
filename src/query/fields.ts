import type { Operator } from "./filter/ast.js";

export type FieldType = "string" | "integer" | "decimal" | "boolean" | "datetime" | "enum";

interface FieldSpecBase {
  /** public (API) name, as clients write it, e.g. "currentBalance" */
  name: string;
  type: FieldType;
  nullable?: boolean;
  /**
   * for "integer" fields: the column is a bigint. Every other integer column is 32-bit, and a filter value beyond
   * that range is refused before it reaches the database (which would fail instead of matching nothing).
   */
  wide?: boolean;
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

/**
 * What a resource exposes to filter and sortBy: one entry per public field. `Column` is what the model lets a
 * `where` name (see WhereColumn): the Prisma field to filter and sort on, which is the public name unless `column`
 * says otherwise.
 */
export type FieldSpec<Column extends string = string> = FieldSpecBase &
  ({ name: Column; column?: undefined } | { column: Column });

export type FieldSpecMap<Column extends string = string> = readonly FieldSpec<Column>[];

/** A where-input's own fields, without its boolean combinators. */
type OwnColumn<Where> = Exclude<keyof Where, "AND" | "OR" | "NOT"> & string;

/**
 * What a field spec may filter and sort on for a model whose Prisma where-input is `Where`: its own fields and,
 * written with a dot, the fields of a related model (`order.incrementId`; nestRelations turns the dot into nesting).
 * Scalar filters have no keys in common with their values, so only relations contribute dotted names.
 */
export type WhereColumn<Where> =
  | OwnColumn<Where>
  | { [Key in OwnColumn<Where>]: `${Key}.${OwnColumn<NonNullable<Where[Key]>>}` }[OwnColumn<Where>];

/** The field specs of a model: a column that is not the model's does not compile. */
export type ModelFields<Where> = FieldSpecMap<WhereColumn<Where>>;

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
export function columnOf<Column extends string>(spec: FieldSpec<Column>): Column {
  return renamed(spec) ? spec.column : spec.name;
}

function renamed<Column extends string>(spec: FieldSpec<Column>): spec is FieldSpecBase & { column: Column } {
  return spec.column !== undefined;
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
