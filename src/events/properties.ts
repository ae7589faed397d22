import { type DecimalLike, Decimal, MONEY_SCALE, toDecimal } from "../money/index.js";

/** A value an event carries: ids are numbers, amounts and dates strings, what is unknown or unset null. */
export type PropertyValue = string | number | boolean | null;

/** An event's properties by name, in the order they are published. */
export type EventProperties = Readonly<Record<string, PropertyValue>>;

/** Kibo's extended property: the shape `extendedProperties` is stored and published in (a type, so it is JSON to Prisma). */
export type ExtendedProperty = { key: string; value: PropertyValue };

/** Kibo's `[{key, value}]` list, in the properties' own order. */
export function toExtendedProperties(properties: EventProperties): ExtendedProperty[] {
  return Object.entries(properties).map(([key, value]) => ({ key, value }));
}

/**
 * An amount as events carry it: a decimal string with exactly 4 decimals ("12.5000", "-3.0000"), the scale every
 * amount is stored with, whatever the currency. A string, so no consumer reads it through a binary float; 4 decimals,
 * so a balance from before amounts were limited to minor units is published with all its digits.
 */
export function eventAmount(value: DecimalLike): string {
  return toDecimal(value).toFixed(MONEY_SCALE, Decimal.ROUND_HALF_UP);
}

/** A date as events carry it: ISO-8601 UTC, or null. */
export function eventDate(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
