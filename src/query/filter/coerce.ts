const INTEGER = /^-?\d+$/;
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/** Reads a safe integer written in plain digits; undefined for anything else (1.0, 1e3, 2^53). */
export function toInteger(text: string): number | undefined {
  if (!INTEGER.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Canonical decimal string ("010.50" → "10.5", "-0" → "0") or undefined. Kept as text, never a float, so no digit is
 * lost on the way to a Decimal column; Prisma accepts strings for Decimal filters.
 */
export function toDecimalString(text: string): string | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const sign = match[1] ?? "";
  const integerPart = (match[2] ?? "0").replace(/^0+(?=\d)/, "");
  const fraction = (match[3] ?? "").replace(/0+$/, "");
  const digits = fraction ? `${integerPart}.${fraction}` : integerPart;
  return digits === "0" ? "0" : sign + digits;
}

/** Reads true/false in any case. */
export function toBoolean(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  return lower === "true" ? true : lower === "false" ? false : undefined;
}

/**
 * Reads YYYY-MM-DD (midnight UTC) or an ISO-8601 date-time with Z or an offset. Zone-less date-times are refused
 * because the server's zone would silently decide their meaning; impossible dates (2024-02-30) are refused rather than
 * rolled over as Date would.
 */
export function toDate(text: string): Date | undefined {
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) return utcDate(numbers(dateOnly, 1, 3), [0, 0, 0, 0], 0);

  const dateTime = DATE_TIME.exec(text);
  if (!dateTime) return undefined;
  const [hour = 0, minute = 0, second = 0] = numbers(dateTime, 4, 6);
  const millisecond = Number((dateTime[7] ?? "").padEnd(3, "0").slice(0, 3));
  const [offsetHours = 0, offsetMinutes = 0] = numbers(dateTime, 10, 11);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offset = (dateTime[9] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  return utcDate(numbers(dateTime, 1, 3), [hour, minute, second, millisecond], offset);
}

function numbers(match: RegExpExecArray, from: number, to: number): number[] {
  const result: number[] = [];
  for (let group = from; group <= to; group += 1) result.push(Number(match[group] ?? 0));
  return result;
}

function utcDate(
  [year = 0, month = 0, day = 0]: number[],
  [hour = 0, minute = 0, second = 0, millisecond = 0]: number[],
  offsetMinutes: number,
): Date | undefined {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  // setUTCFullYear rather than Date.UTC, which maps years 0-99 to 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millisecond);
  return new Date(date.getTime() - offsetMinutes * 60_000);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
