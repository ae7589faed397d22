import { Decimal } from "decimal.js";
import { minorUnits } from "./currencies.js";

/**
 * Money in Tally is decimal, never binary floating point: amounts live in numeric(19,4) columns and in
 * decimal.js values; JavaScript numbers appear only at the edges (a JSON request body, a JSON response).
 */

export { Decimal };
export { isActiveCurrency, minorUnits } from "./currencies.js";

/** Digits after the point that every stored amount has. */
export const MONEY_SCALE = 4;
/** numeric(19,4) holds up to 15 digits before the point. */
const MAX_ABS_AMOUNT = new Decimal("999999999999999.9999");
// Below 2^53 / 10^4 a 4-decimal amount survives the trip through a JS number digit for digit.
const MAX_EXACT_JSON_AMOUNT = new Decimal("900719925474.0991");

export type DecimalLike = Decimal | { toString(): string } | string | number;

/** Why an amount was refused, phrased for the caller. */
export class AmountError extends Error {
  override name = "AmountError";
}

/**
 * A decimal string as a request may carry an amount: digits with an optional sign and point ("-12.50"); no
 * exponent, no hexadecimal, no spaces. Request schemas use it as their `pattern`.
 */
export const AMOUNT_PATTERN = "^-?\\d+(\\.\\d+)?$";
const AMOUNT_TEXT = new RegExp(AMOUNT_PATTERN);

/**
 * Reads an amount from a request: a JSON number or a decimal string (AMOUNT_PATTERN) with at most 4 decimals.
 * A JSON number is read through its shortest decimal form (10.1 → "10.1"), never through its binary value.
 */
export function parseAmount(value: number | string): Decimal {
  const text = String(value);
  if (!AMOUNT_TEXT.test(text)) throw new AmountError(`'${text}' is not a decimal amount.`);
  const amount = new Decimal(text);
  if (amount.decimalPlaces() > MONEY_SCALE) throw new AmountError(`${text} has more than ${MONEY_SCALE} decimal places.`);
  if (amount.abs().greaterThan(MAX_ABS_AMOUNT)) throw new AmountError(`${text} is too large.`);
  return amount;
}

/** Converts a stored decimal (Prisma.Decimal, decimal.js, string) to decimal.js. */
export function toDecimal(value: DecimalLike): Decimal {
  return value instanceof Decimal ? value : new Decimal(value.toString());
}

/** Kibo's JSON money: a number with at most 4 decimals. */
export function toKiboAmount(value: DecimalLike): number {
  const amount = toDecimal(value).toDecimalPlaces(MONEY_SCALE, Decimal.ROUND_HALF_UP);
  if (amount.abs().greaterThan(MAX_EXACT_JSON_AMOUNT)) {
    throw new AmountError(`${amount.toFixed()} cannot be written as an exact JSON number.`);
  }
  return amount.toNumber();
}

// A stored amount's text with at most 11 integer digits is below MAX_EXACT_JSON_AMOUNT whatever its 4 decimals.
const SHORT_STORED_AMOUNT = /^-?\d{1,11}(\.\d{1,4})?$/;

/**
 * toKiboAmount of a stored amount read as text ("12.3400", as PostgreSQL prints numeric(19,4)): the same number,
 * without a Decimal for the amounts a list serializes by the page. Reading the text is exact here: a number
 * with at most 15 significant digits parses to the double nearest to it, which is what Decimal's toNumber gives.
 */
export function kiboAmountFromText(text: string): number {
  return SHORT_STORED_AMOUNT.test(text) ? Number(text) : toKiboAmount(text);
}

/** Magento's money: a string with exactly 4 decimals ('90.0000'); null stays null. */
export function toMagentoAmount(value: DecimalLike | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return toDecimal(value).toFixed(MONEY_SCALE, Decimal.ROUND_HALF_UP);
}

/**
 * The loyalty report's currency equivalent of a points amount: points ÷ points-per-unit, rounded to cents
 * (half away from zero), trailing zeros dropped — 6021 → "6.02", −6001 → "-6", 20 → "0.02" at 1000 per unit.
 */
export function pointsToCurrency(points: number | bigint, pointsPerCurrencyUnit: number): string {
  if (!Number.isInteger(pointsPerCurrencyUnit) || pointsPerCurrencyUnit <= 0) {
    throw new AmountError(`points per currency unit must be a positive integer, got ${pointsPerCurrencyUnit}`);
  }
  const value = new Decimal(points.toString()).dividedBy(pointsPerCurrencyUnit).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  return trimZeros(value);
}

/** A decimal without trailing fractional zeros ("6.00" → "6", "0.50" → "0.5"); negative zero prints as "0". */
export function trimZeros(value: DecimalLike): string {
  const decimal = toDecimal(value);
  return decimal.isZero() ? "0" : decimal.toFixed();
}

/**
 * Refuses an amount finer than the currency's smallest unit (1.234 CAD, 5.5 JPY): new money is moved in whole
 * minor units, although a stored amount keeps 4 decimals.
 */
export function checkMinorUnits(amount: Decimal, currencyCode: string): Decimal {
  const digits = minorUnits(currencyCode);
  if (amount.decimalPlaces() > digits) {
    throw new AmountError(`${amount.toFixed()} has more decimals than ${currencyCode}'s ${digits}.`);
  }
  return amount;
}

/**
 * An amount as a person reads it in a message or an audit entry: in the currency's minor units, rounded half up
 * (12.50 CAD, 1200 JPY, 3.250 KWD), whatever precision it is stored with.
 */
export function formatAmount(value: DecimalLike, currencyCode: string): string {
  return toDecimal(value).toFixed(minorUnits(currencyCode), Decimal.ROUND_HALF_UP);
}
