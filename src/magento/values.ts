import { type DecimalLike, toMagentoAmount } from "../money/index.js";

/**
 * Magento's way of writing values. Its SOAP API answers every scalar as a string — amounts with 4 decimals
 * ('90.0000'), quantities the same ('1.0000'), ids as digits ('684'), flags as '0'/'1', times as
 * 'YYYY-MM-DD HH:MM:SS' in UTC — and NULL as null.
 */

/** How a value is written: an amount or quantity, an integer, a 0/1 flag, text as it is, or a timestamp. */
export type MagentoKind = "amount" | "integer" | "flag" | "text" | "date";

/** A timestamp as Magento writes it: 'YYYY-MM-DD HH:MM:SS', UTC. */
export function magentoDate(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

/** One value as Magento writes it; null and undefined are null. */
export function magentoValue(kind: MagentoKind, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "amount":
      return toMagentoAmount(value as DecimalLike);
    case "integer":
    case "text":
      return String(value);
    case "flag":
      return value ? "1" : "0";
    case "date":
      return magentoDate(value instanceof Date ? value : new Date(String(value)));
  }
}

/** A document's increment id as Magento numbers it: the store's prefix and an 8-digit counter ('100000684'). */
export function magentoIncrementId(prefix: string, counter: number): string {
  return `${prefix}${String(counter).padStart(8, "0")}`;
}
