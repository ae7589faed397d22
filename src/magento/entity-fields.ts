import { magentoValue, type MagentoKind } from "./values.js";

/** How an entity table maps a row's columns to Magento's property names and value formats. */

/** One property of an entity: its name, how it is written, the column it comes from, and what it means. */
export interface MagentoField<Column extends string> {
  name: string;
  kind: MagentoKind;
  column: Column;
  description: string;
}

export const field = <Column extends string>(name: Column, kind: MagentoKind, description: string): MagentoField<Column> => ({
  name,
  kind,
  column: name,
  description,
});

/** A property Magento names differently from the column it shows (the response example's extra names). */
export const alias = <Column extends string>(
  name: string,
  kind: MagentoKind,
  column: Column,
  description: string,
): MagentoField<Column> => ({ name, kind, column, description });

/** An entity as Magento answers it: every property a string or null. */
export type MagentoRecord = Record<string, string | null>;

/** The values of a row, whatever their stored types (Prisma rows, or the demo's create inputs). */
export type Row<Column extends string> = { readonly [K in Column]?: unknown };

/** A row's properties, in the fields' order. */
export function formatFields<Column extends string>(fields: readonly MagentoField<Column>[], row: Row<Column>): MagentoRecord {
  const record: MagentoRecord = {};
  for (const { name, kind, column } of fields) record[name] = magentoValue(kind, row[column]);
  return record;
}
