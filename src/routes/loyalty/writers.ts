/**
 * The customer-balances report as text: XML (the Client Toolbox default), JSON, condensed JSON and JSONP.
 * Pure string building, free of Fastify and Prisma, so a report can be written a batch at a time while rows
 * still stream from the database.
 */

/** The report's fields, in the order of the Client Toolbox documentation's example. */
export const CUSTOMER_FIELDS = [
  "card_number",
  "code",
  "first_name",
  "last_name",
  "email",
  "phone",
  "address1",
  "address2",
  "city",
  "state",
  "zip",
  "country",
  "custom1",
  "custom_date",
  "customer_username",
  "record_timestamp",
  "earned",
  "redeemed",
  "balance",
  "balance_equivalent",
  "earned_equivalent",
  "redeemed_equivalent",
] as const;

type CustomerField = (typeof CUSTOMER_FIELDS)[number];

/** One customer of the report: every value a string, absent ones empty. Keys must be in CUSTOMER_FIELDS order. */
export type ReportCustomer = Record<CustomerField, string>;

/** How the caller asked to be answered (`output`, `condensed`, `callback`). */
export type OutputFormat =
  | { readonly kind: "xml" }
  | { readonly kind: "json"; readonly condensed: boolean; readonly callback?: string | undefined };

/** Writes one report in pieces: open, then customers batch by batch, then close. */
export interface ReportWriter {
  readonly contentType: string;
  /** Everything before the first customer. */
  open(): string;
  /** A batch of customers; `first` is true for the report's first batch (JSON separates items with commas). */
  customers(customers: readonly ReportCustomer[], first: boolean): string;
  /** Everything after the last customer; `count` is how many were written (an empty JSON array prints as `[]`). */
  close(count: number): string;
  /** A complete error response. */
  error(message: string): string;
}

/** The writer for a format. */
export function reportWriter(format: OutputFormat): ReportWriter {
  return format.kind === "xml" ? XML_WRITER : jsonWriter(format.condensed, format.callback);
}

// ---------------------------------------------------------------------------------------------------------------
// XML

// Characters XML 1.0 cannot carry at all, even escaped: C0 controls but tab, LF and CR; lone surrogates (the `u`
// flag makes the class see code points, so a proper pair — an emoji — is one allowed code point); U+FFFE/U+FFFF.
const NOT_XML_CHAR = /[^\t\n\r\u{20}-\u{D7FF}\u{E000}-\u{FFFD}\u{10000}-\u{10FFFF}]/gu;
// A cheap test for "may need work"; surrogates (valid pairs included) take the careful path.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NEEDS_ESCAPING = /[&<>"'\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
// CR is written as a reference because parsers turn a literal CR (and CRLF) into LF.
const XML_ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\r": "&#13;",
};
const XML_SPECIAL = /[&<>"'\r]/g;

/** Text safe inside an XML element or attribute: markup characters escaped, characters XML forbids removed. */
export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPING.test(text)) return text;
  return text.replace(NOT_XML_CHAR, "").replace(XML_SPECIAL, (char) => XML_ENTITIES[char] ?? char);
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

// Written out rather than looped over CUSTOMER_FIELDS: one template per customer is the fastest way V8 builds the
// text, and a report runs it hundreds of thousands of times. The unit tests hold it to CUSTOMER_FIELDS' order.
// One element per line and no indentation, like the documented example: indenting would add an eighth to the bytes.
function xmlCustomer(c: ReportCustomer): string {
  const x = escapeXml;
  return `<customer>
<card_number>${x(c.card_number)}</card_number>
<code>${x(c.code)}</code>
<first_name>${x(c.first_name)}</first_name>
<last_name>${x(c.last_name)}</last_name>
<email>${x(c.email)}</email>
<phone>${x(c.phone)}</phone>
<address1>${x(c.address1)}</address1>
<address2>${x(c.address2)}</address2>
<city>${x(c.city)}</city>
<state>${x(c.state)}</state>
<zip>${x(c.zip)}</zip>
<country>${x(c.country)}</country>
<custom1>${x(c.custom1)}</custom1>
<custom_date>${x(c.custom_date)}</custom_date>
<customer_username>${x(c.customer_username)}</customer_username>
<record_timestamp>${x(c.record_timestamp)}</record_timestamp>
<earned>${x(c.earned)}</earned>
<redeemed>${x(c.redeemed)}</redeemed>
<balance>${x(c.balance)}</balance>
<balance_equivalent>${x(c.balance_equivalent)}</balance_equivalent>
<earned_equivalent>${x(c.earned_equivalent)}</earned_equivalent>
<redeemed_equivalent>${x(c.redeemed_equivalent)}</redeemed_equivalent>
</customer>
`;
}

const XML_WRITER: ReportWriter = {
  contentType: "application/xml; charset=utf-8",
  open: () => `${XML_DECLARATION}<response status="success">\n`,
  customers: (customers) => customers.map(xmlCustomer).join(""),
  close: () => "</response>\n",
  error: (message) => `${XML_DECLARATION}<response status="error">\n<error>${escapeXml(message)}</error>\n</response>\n`,
};

// ---------------------------------------------------------------------------------------------------------------
// JSON and JSONP

// JSON allows U+2028/U+2029 raw, but older JavaScript engines end a line there, which breaks a JSONP script.
const HAS_LINE_SEPARATOR = /[\u2028\u2029]/;
const LINE_SEPARATORS = /[\u2028\u2029]/g;

function scriptSafe(json: string): string {
  return HAS_LINE_SEPARATOR.test(json)
    ? json.replace(LINE_SEPARATORS, (char) => (char === "\u2028" ? "\\u2028" : "\\u2029"))
    : json;
}

// Items are cut out of JSON.stringify of a whole envelope, which already indents them as the report needs: one
// native call per batch is several times faster than building the text customer by customer.
const PRETTY_HEAD = '{\n  "status": "success",\n  "customer": [';
const PRETTY_TAIL = "\n  ]\n}";

function jsonItems(customers: readonly ReportCustomer[], condensed: boolean): string {
  return condensed
    ? JSON.stringify(customers).slice(1, -1)
    : JSON.stringify({ status: "success", customer: customers }, null, 2).slice(PRETTY_HEAD.length, -PRETTY_TAIL.length);
}

function jsonWriter(condensed: boolean, callback: string | undefined): ReportWriter {
  // `/**/` keeps a response that starts with attacker-influenced bytes from being read as another file type.
  const prefix = callback ? `/**/${callback}(` : "";
  const suffix = callback ? ");" : "";
  const safe = callback ? scriptSafe : (json: string) => json;
  const stringify = (value: unknown) => safe(condensed ? JSON.stringify(value) : JSON.stringify(value, null, 2));
  return {
    contentType: callback ? "application/javascript; charset=utf-8" : "application/json; charset=utf-8",
    open: () => prefix + (condensed ? '{"status":"success","customer":[' : PRETTY_HEAD),
    customers: (customers, first) =>
      customers.length === 0 ? "" : (first ? "" : ",") + safe(jsonItems(customers, condensed)),
    close: (count) => (condensed ? "]}" : count === 0 ? "]\n}" : PRETTY_TAIL) + suffix,
    error: (message) => prefix + stringify({ status: "error", error: message }) + suffix,
  };
}
