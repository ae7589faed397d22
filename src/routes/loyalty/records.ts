import { Decimal, pointsToCurrency, trimZeros } from "../../money/index.js";
import type { ReportCustomer } from "./writers.js";

/** How the report's balances become currency: points at the campaign's ratio, stored value as it is. */
export type Valuation =
  | { readonly kind: "Points"; readonly pointsPerCurrencyUnit: number | null }
  | { readonly kind: "StoredValue" };

/**
 * One customer as the batch query returns it: profile columns, dates already formatted by SQL, and the totals as
 * exact decimal text (sums of points can pass 2^31, sums of money need every digit).
 */
export type BalanceRow = {
  card_number: string | null;
  code: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  country: string | null;
  custom1: string | null;
  custom_date: string | null;
  customer_username: string | null;
  record_timestamp: string | null;
  earned: string;
  redeemed: string;
  balance: string;
};

/**
 * Turns query rows into report customers for one valuation. Points print as integers; stored value is money
 * already and prints exactly, trailing zeros dropped ("25.5000" → "25.5"). Equivalents are currency rounded to
 * cents, trailing zeros dropped ("6.02", "-6", "0.02"); a points campaign without a ratio has none to give, so
 * they stay empty.
 */
export function customerMapper(valuation: Valuation): (row: BalanceRow) => ReportCustomer {
  const amount = valuation.kind === "Points" ? (total: string) => total : trimZeros;
  const equivalent = currencyOf(valuation);
  return (row) => ({
    card_number: row.card_number ?? "",
    code: row.code ?? "",
    first_name: row.first_name ?? "",
    last_name: row.last_name ?? "",
    email: row.email ?? "",
    phone: row.phone ?? "",
    address1: row.address1 ?? "",
    address2: row.address2 ?? "",
    city: row.city ?? "",
    state: row.state ?? "",
    zip: row.zip ?? "",
    country: row.country ?? "",
    custom1: row.custom1 ?? "",
    custom_date: row.custom_date ?? "",
    customer_username: row.customer_username ?? "",
    record_timestamp: row.record_timestamp ?? "",
    earned: amount(row.earned),
    redeemed: amount(row.redeemed),
    balance: amount(row.balance),
    balance_equivalent: equivalent(row.balance),
    earned_equivalent: equivalent(row.earned),
    redeemed_equivalent: equivalent(row.redeemed),
  });
}

function currencyOf(valuation: Valuation): (total: string) => string {
  if (valuation.kind === "StoredValue") {
    return (total) => trimZeros(new Decimal(total).toDecimalPlaces(2, Decimal.ROUND_HALF_UP));
  }
  const ratio = valuation.pointsPerCurrencyUnit;
  return ratio === null ? () => "" : (total) => pointsEquivalent(total, ratio);
}

/**
 * pointsToCurrency for a points total given as integer text, digit for digit the same, in integer arithmetic:
 * a report converts three totals per customer, and decimal.js would be most of the report's CPU time. Totals too
 * large for exact double arithmetic (over 2^53 / 100) go through pointsToCurrency itself.
 */
export function pointsEquivalent(points: string, pointsPerCurrencyUnit: number): string {
  const value = Number(points);
  const scaled = Math.abs(value) * 100;
  if (!Number.isSafeInteger(scaled) || !Number.isSafeInteger(pointsPerCurrencyUnit) || pointsPerCurrencyUnit <= 0) {
    return pointsToCurrency(BigInt(points), pointsPerCurrencyUnit);
  }
  // Below 2^53 the floored quotient is exact, and so is the remainder.
  let cents = Math.floor(scaled / pointsPerCurrencyUnit);
  if ((scaled - cents * pointsPerCurrencyUnit) * 2 >= pointsPerCurrencyUnit) cents += 1;
  if (cents === 0) return "0";
  const units = Math.floor(cents / 100);
  const fraction = cents % 100;
  const decimals = fraction === 0 ? "" : fraction % 10 === 0 ? `.${fraction / 10}` : `.${String(fraction).padStart(2, "0")}`;
  return `${value < 0 ? "-" : ""}${units}${decimals}`;
}
