import fc from "fast-check";
import {
  AmountError,
  checkMinorUnits,
  Decimal,
  formatAmount,
  minorUnits,
  parseAmount,
  pointsToCurrency,
  toKiboAmount,
  toMagentoAmount,
  trimZeros,
} from "../../src/money/index.js";

describe("parseAmount", () => {
  test.each([
    [10, "10"],
    [10.1, "10.1"],
    [0.1 + 0.2, null], // 0.30000000000000004 has more than 4 decimals: refused, not rounded silently
    ["12.3400", "12.34"],
    [-3.25, "-3.25"],
    ["999999999999999.9999", "999999999999999.9999"],
  ])("%p → %p", (input, expected) => {
    if (expected === null) expect(() => parseAmount(input)).toThrow(AmountError);
    else expect(parseAmount(input).toFixed()).toBe(expected);
  });

  test.each(["abc", "1e3", "", " 5.5 ", "+5", "1.23456", "1000000000000000", "NaN", "Infinity", "0x10", 1e21, 1e-7])("refuses %p", (input) => {
    expect(() => parseAmount(input)).toThrow(AmountError);
  });

  test("a JSON number with up to 4 decimals is read exactly", () => {
    fc.assert(
      fc.property(fc.integer({ min: -9_999_999_999, max: 9_999_999_999 }), fc.integer({ min: 0, max: 4 }), (units, scale) => {
        const text = new Decimal(units).dividedBy(10 ** scale).toFixed();
        expect(parseAmount(Number(text)).toFixed()).toBe(text);
      }),
    );
  });
});

describe("output formats", () => {
  test.each([
    ["90", 90, "90.0000"],
    ["0.1", 0.1, "0.1000"],
    ["1234.5678", 1234.5678, "1234.5678"],
    ["-6.001", -6.001, "-6.0010"],
  ])("%s → Kibo %p, Magento %p", (stored, kibo, magento) => {
    expect(toKiboAmount(new Decimal(stored))).toBe(kibo);
    expect(toMagentoAmount(stored)).toBe(magento);
  });

  test("Magento keeps NULL amounts null", () => {
    expect(toMagentoAmount(null)).toBeNull();
  });

  test("trimZeros drops only fractional zeros", () => {
    expect([trimZeros("6.00"), trimZeros("0.50"), trimZeros("100"), trimZeros("-0.00")]).toEqual(["6", "0.5", "100", "0"]);
  });
});

describe("pointsToCurrency (the loyalty report's equivalents)", () => {
  test.each([
    [6021, 1000, "6.02"],
    [-6001, 1000, "-6"],
    [20, 1000, "0.02"],
    [0, 1000, "0"],
    [5, 1000, "0.01"],
    [-5, 1000, "-0.01"],
    [150, 100, "1.5"],
  ])("%p points at %p per unit → %p", (points, ratio, expected) => {
    expect(pointsToCurrency(points, ratio)).toBe(expected);
  });

  test("refuses a ratio that is not a positive integer", () => {
    expect(() => pointsToCurrency(10, 0)).toThrow(AmountError);
  });
});

describe("currency minor units", () => {
  test.each([
    ["CAD", 2],
    ["usd", 2],
    ["JPY", 0],
    ["KRW", 0],
    ["BHD", 3],
    ["KWD", 3],
    ["TND", 3],
    ["QQQ", 2],
  ])("%s has %p", (code, digits) => {
    expect(minorUnits(code)).toBe(digits);
  });

  test.each([
    ["260.766", "CAD", "260.77"],
    ["1000.5", "CAD", "1000.50"],
    ["-12.345", "USD", "-12.35"],
    ["1200.5", "JPY", "1201"],
    ["3.25", "KWD", "3.250"],
    ["0", "CAD", "0.00"],
  ])("formatAmount(%s, %s) → %s: the currency's minor units, rounded half up", (value, currency, expected) => {
    expect(formatAmount(value, currency)).toBe(expected);
  });

  test("new money in whole minor units passes; finer amounts are refused, naming the currency's digits", () => {
    expect(checkMinorUnits(new Decimal("1.23"), "CAD").toFixed()).toBe("1.23");
    expect(checkMinorUnits(new Decimal("1.230"), "KWD").toFixed()).toBe("1.23");
    expect(() => checkMinorUnits(new Decimal("1.234"), "CAD")).toThrow(new AmountError("1.234 has more decimals than CAD's 2."));
    expect(() => checkMinorUnits(new Decimal("5.5"), "JPY")).toThrow(new AmountError("5.5 has more decimals than JPY's 0."));
  });
});
