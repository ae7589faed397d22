import fc from "fast-check";
import { AmountError, Decimal, parseAmount, pointsToCurrency, toKiboAmount, toMagentoAmount, trimZeros } from "../../src/money/index.js";

describe("parseAmount", () => {
  test.each([
    [10, "10"],
    [10.1, "10.1"],
    [0.1 + 0.2, null], // 0.30000000000000004 has more than 4 decimals: refused, not rounded silently
    ["12.3400", "12.34"],
    [" 5.5 ", "5.5"],
    [-3.25, "-3.25"],
    ["999999999999999.9999", "999999999999999.9999"],
  ])("%p → %p", (input, expected) => {
    if (expected === null) expect(() => parseAmount(input)).toThrow(AmountError);
    else expect(parseAmount(input).toFixed()).toBe(expected);
  });

  test.each(["abc", "1e3", "", "1.23456", "1000000000000000", "NaN", "Infinity", "0x10"])("refuses %p", (input) => {
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
