import fc from "fast-check";
import { pointsToCurrency } from "../../../src/money/index.js";
import { type BalanceRow, type Valuation, customerMapper, pointsEquivalent } from "../../../src/routes/loyalty/records.js";
import { CUSTOMER_FIELDS } from "../../../src/routes/loyalty/writers.js";

const row = (totals: Pick<BalanceRow, "earned" | "redeemed" | "balance">): BalanceRow => ({
  card_number: "12345678",
  code: null,
  first_name: "Jane",
  last_name: null,
  email: null,
  phone: null,
  address1: null,
  address2: null,
  city: null,
  state: null,
  zip: null,
  country: null,
  custom1: null,
  custom_date: "1970-07-14",
  customer_username: null,
  record_timestamp: "2011-05-07 14:38:59",
  ...totals,
});

const POINTS_1000: Valuation = { kind: "Points", pointsPerCurrencyUnit: 1000 };

test("every field, in the documented order; absent values are empty strings", () => {
  const customer = customerMapper(POINTS_1000)(row({ earned: "6021", redeemed: "-6001", balance: "20" }));
  expect(Object.keys(customer)).toEqual(CUSTOMER_FIELDS);
  expect(customer).toMatchObject({ card_number: "12345678", code: "", first_name: "Jane", custom_date: "1970-07-14" });
});

test.each([
  [
    "the documented example",
    POINTS_1000,
    ["6021", "-6001", "20"],
    {
      earned: "6021",
      redeemed: "-6001",
      balance: "20",
      earned_equivalent: "6.02",
      redeemed_equivalent: "-6",
      balance_equivalent: "0.02",
    },
  ],
  [
    "100 points per unit",
    { kind: "Points", pointsPerCurrencyUnit: 100 },
    ["150", "-5", "145"],
    {
      earned: "150",
      redeemed: "-5",
      balance: "145",
      earned_equivalent: "1.5",
      redeemed_equivalent: "-0.05",
      balance_equivalent: "1.45",
    },
  ],
  [
    "half a cent rounds away from zero",
    POINTS_1000,
    ["5", "-5", "0"],
    { earned_equivalent: "0.01", redeemed_equivalent: "-0.01", balance_equivalent: "0" },
  ],
  [
    "totals past 2^53",
    POINTS_1000,
    ["9007199254740993000", "0", "9007199254740993000"],
    { earned: "9007199254740993000", earned_equivalent: "9007199254740993" },
  ],
  [
    "a points campaign without a ratio has no equivalents",
    { kind: "Points", pointsPerCurrencyUnit: null },
    ["10", "0", "10"],
    { earned: "10", earned_equivalent: "", redeemed_equivalent: "", balance_equivalent: "" },
  ],
  [
    "stored value: exact money, trailing zeros dropped; equivalents to the cent",
    { kind: "StoredValue" },
    ["60.1250", "-20.5000", "39.6250"],
    {
      earned: "60.125",
      redeemed: "-20.5",
      balance: "39.625",
      earned_equivalent: "60.13",
      redeemed_equivalent: "-20.5",
      balance_equivalent: "39.63",
    },
  ],
  [
    "stored value: whole amounts and zero",
    { kind: "StoredValue" },
    ["25.0000", "-25.0000", "0.0000"],
    { earned: "25", redeemed: "-25", balance: "0", earned_equivalent: "25", redeemed_equivalent: "-25", balance_equivalent: "0" },
  ],
] as const)("%s", (_name, valuation, [earned, redeemed, balance], expected) => {
  expect(customerMapper(valuation)(row({ earned, redeemed, balance }))).toMatchObject(expected);
});

describe("pointsEquivalent is pointsToCurrency, faster", () => {
  test.each([
    ["6021", 1000],
    ["-6001", 1000],
    ["20", 1000],
    ["0", 1000],
    ["5", 1000],
    ["-5", 1000],
    ["-4", 1000],
    ["150", 100],
    ["1", 1],
    ["-15", 1],
    ["90071992547409", 7],
    ["90071992547410", 7],
    ["-9007199254740993", 3],
  ])("%s at %d per unit", (points, ratio) => {
    expect(pointsEquivalent(points, ratio)).toBe(pointsToCurrency(BigInt(points), ratio));
  });

  test("for any integer total and ratio", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }).map(Number)),
        fc.oneof(fc.constantFrom(1, 10, 100, 1000, 3, 7), fc.integer({ min: 1, max: 1_000_000_000 })),
        (points, ratio) => {
          const text = BigInt(points).toString();
          expect(pointsEquivalent(text, ratio)).toBe(pointsToCurrency(BigInt(text), ratio));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
