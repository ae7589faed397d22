import fc from "fast-check";
import { FrameEncoder, FrameError } from "../../../src/routes/loyalty/frames.js";
import { pointsEquivalent } from "../../../src/routes/loyalty/records.js";
import { CUSTOMER_FIELDS, type OutputFormat, type ReportCustomer, reportWriter } from "../../../src/routes/loyalty/writers.js";

const FORMATS: [string, OutputFormat][] = [
  ["XML", { kind: "xml" }],
  ["JSON", { kind: "json", condensed: false }],
  ["condensed JSON", { kind: "json", condensed: true }],
  ["JSONP", { kind: "json", condensed: false, callback: "show" }],
  ["condensed JSONP", { kind: "json", condensed: true, callback: "show" }],
];

const customer = (values: Partial<ReportCustomer> = {}): ReportCustomer => ({
  ...(Object.fromEntries(CUSTOMER_FIELDS.map((field) => [field, ""])) as ReportCustomer),
  ...values,
});

/** A customer framed as framedBatchQuery frames it: each value as its length in UTF-8 bytes, a colon and itself. */
const frameOf = (values: ReportCustomer): string =>
  CUSTOMER_FIELDS.map((field) => `${Buffer.byteLength(values[field])}:${values[field]}`).join("");

/** Batches through the encoder, each batch's bytes as the route writes them. */
function encoded(format: OutputFormat, batches: ReportCustomer[][]): string {
  const encoder = new FrameEncoder(format);
  return batches
    .map((batch) => {
      for (const values of batch) encoder.customer(frameOf(values));
      return encoder.take().toString("utf8");
    })
    .join("");
}

/** The same batches through the writer of the row rendering, the reference. */
function written(format: OutputFormat, batches: ReportCustomer[][]): string {
  const writer = reportWriter(format);
  let count = 0;
  return batches
    .map((batch) => {
      const text = writer.customers(batch, count === 0);
      count += batch.length;
      return text;
    })
    .join("");
}

// PostgreSQL text has no lone surrogates (its UTF-8 cannot hold them) and no NUL; anything else may be a value.
const SPECIALS = ["&", "<", ">", '"', "'", "\\", ":", "0", "9", "\r", "\n", "\t", "\u0001", "\u001f", "\u007f", "\ufffe", "\uffff", "\ufffd", "\u2028", "\u2029", "é", "🍷", "\ud83d\ude00"];
const value = fc.string({
  unit: fc.oneof(fc.constantFrom(...SPECIALS), fc.string({ unit: "binary", minLength: 1, maxLength: 1 })),
  maxLength: 40,
}).filter((text) => !/[\ud800-\udfff]/u.test(text) && !text.includes("\u0000"));
const customers = fc.array(
  fc.record(Object.fromEntries(CUSTOMER_FIELDS.map((field) => [field, value])) as Record<keyof ReportCustomer, fc.Arbitrary<string>>),
  { maxLength: 6 },
);

describe.each(FORMATS)("%s", (_name, format) => {
  test.each([
    ["an empty customer", [[customer()]]],
    ["plain values", [[customer({ card_number: "12345678", first_name: "Jane", earned: "6021", balance_equivalent: "6.02" })]]],
    ["markup", [[customer({ custom1: `Likes <cheese> & "wine" 'n' stuff` })]]],
    ["control characters, CR and tab", [[customer({ address1: "a\u0001b\rc\td\ne\u001f\u007f" })]]],
    ["characters XML cannot carry", [[customer({ city: "x\ufffey\uffffz\ufffd" })]]],
    ["line and paragraph separators", [[customer({ custom1: "one\u2028two\u2029three" })]]],
    ["emoji and accents", [[customer({ first_name: "Zoë 🍷", last_name: "名前" })]]],
    ["digits and colons in values", [[customer({ code: "12:34", phone: "3:abc" })]]],
    ["several customers in several batches", [[customer({ code: "1" }), customer({ code: "2" })], [customer({ code: "3" })], [], [customer({ code: "4" })]]],
  ])("%s: the bytes the row rendering writes", (_case, batches) => {
    expect(encoded(format, batches)).toBe(written(format, batches));
  });

  test("any values, in any batches: the bytes the row rendering writes", () => {
    fc.assert(fc.property(fc.array(customers, { maxLength: 4 }), (batches) => encoded(format, batches) === written(format, batches)));
  });
});

test("a batch that grows past the first buffer keeps every byte", () => {
  const big = customer({ custom1: "&".repeat(50_000), address1: "🍷".repeat(20_000) });
  const batch = Array.from({ length: 20 }, () => big);
  expect(encoded({ kind: "xml" }, [batch])).toBe(written({ kind: "xml" }, [batch]));
});

describe("a frame that is not what the batch query writes is refused", () => {
  const whole = frameOf(customer({ card_number: "abc" }));
  test.each([
    ["no length", `x${whole}`],
    ["a length past the end", whole.replace(/0:$/, "5:ab")],
    ["too few fields", whole.slice(0, whole.length - 4)],
    ["too many fields", `${whole}0:`],
    ["an overlong length", `12345678901:${whole}`],
    ["a length that ends inside a character (a database not in UTF8)", frameOf(customer({ first_name: "é" })).replace("2:é", "1:é")],
  ])("%s", (_case, frame) => {
    expect(() => new FrameEncoder({ kind: "xml" }).customer(frame)).toThrow(FrameError);
  });
});

describe("equivalents worked out from the totals, for a points campaign with a ratio", () => {
  const TOTALS = ["earned", "redeemed", "balance"] as const;
  /** What framedBatchQuery frames for such a campaign: every field up to the totals, no equivalents. */
  const frameWithoutEquivalents = (values: ReportCustomer): string =>
    CUSTOMER_FIELDS.slice(0, CUSTOMER_FIELDS.indexOf("balance_equivalent"))
      .map((field) => `${Buffer.byteLength(values[field])}:${values[field]}`)
      .join("");
  const withEquivalents = (values: ReportCustomer, ratio: number): ReportCustomer => ({
    ...values,
    balance_equivalent: pointsEquivalent(values.balance, ratio),
    earned_equivalent: pointsEquivalent(values.earned, ratio),
    redeemed_equivalent: pointsEquivalent(values.redeemed, ratio),
  });
  const check = (format: OutputFormat, ratio: number, totals: readonly [string, string, string]) => {
    const values = customer({ card_number: "1", ...Object.fromEntries(TOTALS.map((name, index) => [name, totals[index]])) });
    const encoder = new FrameEncoder(format, ratio);
    encoder.customer(frameWithoutEquivalents(values));
    return encoder.take().toString("utf8") === reportWriter(format).customers([withEquivalents(values, ratio)], true);
  };

  test.each([
    [1000, ["6021", "-5", "0"]],
    [1000, ["5", "4", "-4"]],
    [8, ["1", "3", "-1"]],
    [1, ["123456789", "-99", "100"]],
    [3, ["9007199254740993", "-12345678901234567890", "4503599627370496"]],
    [2_147_483_647, ["2147483647", "-1073741824", "1073741823"]],
  ] as const)("ratio %d, totals %p", (ratio, totals) => {
    for (const [, format] of FORMATS) expect(check(format, ratio, totals)).toBe(true);
  });

  test("any integer totals and ratio: pointsEquivalent's digits", () => {
    const total = fc.oneof(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.bigInt({ min: -100_000n, max: 100_000n })).map(String);
    const ratio = fc.oneof(fc.integer({ min: 1, max: 2_147_483_647 }), fc.integer({ min: 1, max: 1_000 }));
    fc.assert(
      fc.property(fc.constantFrom(...FORMATS.map(([, format]) => format)), ratio, fc.tuple(total, total, total), check),
      { numRuns: 500 },
    );
  });

  test("a total that is not an integer is refused", () => {
    const values = customer({ earned: "1.5", redeemed: "0", balance: "0" });
    expect(() => new FrameEncoder({ kind: "xml" }, 1000).customer(frameWithoutEquivalents(values))).toThrow(FrameError);
  });

  test("a ratio that is not a positive integer is refused, as pointsToCurrency refuses it", () => {
    for (const ratio of [0, -5, 1.5]) expect(() => new FrameEncoder({ kind: "xml" }, ratio)).toThrow(RangeError);
  });
});
