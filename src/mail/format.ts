import { formatAmount } from "../money/index.js";

/**
 * An amount as a shopper reads it: the currency's minor units (src/money's formatAmount, decimal all the way),
 * thousands grouped, then the ISO code — "1,234.50 USD", "1,200 JPY", "3.250 KWD". English only, as every message is.
 */
export function formatMoney(amount: string, currencyCode: string): string {
  const fixed = formatAmount(amount, currencyCode);
  const negative = fixed.startsWith("-");
  const [whole = "", fraction] = (negative ? fixed.slice(1) : fixed).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ",");
  return `${negative ? "-" : ""}${grouped}${fraction === undefined ? "" : `.${fraction}`} ${currencyCode}`;
}

const DATE_TIME = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "long",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});

/**
 * A moment as a shopper reads it, in UTC with the time: a credit stored as expiring on 2030-01-31 expires at the
 * start of that day, and "January 31, 2030" alone would suggest it is still usable on the 31st.
 */
export function formatMoment(iso: string): string {
  const parts = Object.fromEntries(DATE_TIME.formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
  return `${parts["month"]} ${parts["day"]}, ${parts["year"]}, ${parts["hour"]}:${parts["minute"]} UTC`;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

/** One line of a header (Subject): a value a client chose (a custom credit type, a name) cannot add a line to it. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
