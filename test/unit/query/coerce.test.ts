import { toBoolean, toDate, toDecimalString, toInteger } from "../../../src/query/filter/coerce.js";

describe("toDate", () => {
  test.each<[string, string]>([
    ["2024-05-03", "2024-05-03T00:00:00.000Z"],
    ["2024-02-29", "2024-02-29T00:00:00.000Z"],
    ["2000-02-29", "2000-02-29T00:00:00.000Z"],
    ["0050-01-01", "0050-01-01T00:00:00.000Z"],
    ["2015-01-01T12:00:00z", "2015-01-01T12:00:00.000Z"],
    ["2015-01-01t12:00Z", "2015-01-01T12:00:00.000Z"],
    ["2024-05-03T12:00:00.5Z", "2024-05-03T12:00:00.500Z"],
    ["2024-05-03T12:00:00.123456789Z", "2024-05-03T12:00:00.123Z"],
    ["2024-05-03T12:00:00+02:00", "2024-05-03T10:00:00.000Z"],
    ["2024-05-03T01:00:00-0530", "2024-05-03T06:30:00.000Z"],
    ["2024-12-31T23:59:59-01:00", "2025-01-01T00:59:59.000Z"],
  ])("%j → %s", (text, iso) => {
    expect(toDate(text)?.toISOString()).toBe(iso);
  });

  test.each([
    "yesterday",
    "2024-02-30",
    "2023-02-29",
    "1900-02-29",
    "2024-04-31",
    "2024-13-01",
    "2024-00-10",
    "2024-5-3",
    "24-05-03",
    "2024-05-03T12:00:00",
    "2024-05-03 12:00:00Z",
    "2024-05-03T24:00:00Z",
    "2024-05-03T12:60:00Z",
    "2024-05-03T12:00:60Z",
    "2024-05-03T12:00:00+24:00",
    "2024-05-03T12:00:00+02:60",
    "2024-05-03T12:00:00.Z",
    "1714737600000",
    "",
  ])("refuses %j", (text) => {
    expect(toDate(text)).toBeUndefined();
  });
});

describe("toDecimalString", () => {
  test.each<[string, string | undefined]>([
    ["10", "10"],
    ["-3.5", "-3.5"],
    ["010.50", "10.5"],
    ["0.000", "0"],
    ["-0", "0"],
    ["-0.10", "-0.1"],
    ["123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789"],
    ["1e5", undefined],
    [".5", undefined],
    ["5.", undefined],
    ["+5", undefined],
    ["1,5", undefined],
    ["NaN", undefined],
    ["", undefined],
  ])("%j → %j", (text, expected) => {
    expect(toDecimalString(text)).toBe(expected);
  });
});

describe("toInteger", () => {
  test.each<[string, number | undefined]>([
    ["42", 42],
    ["-7", -7],
    ["007", 7],
    ["9007199254740991", 9007199254740991],
    ["9007199254740992", undefined],
    ["1.0", undefined],
    ["1e3", undefined],
    ["", undefined],
  ])("%j → %j", (text, expected) => {
    expect(toInteger(text)).toBe(expected);
  });
});

describe("toBoolean", () => {
  test.each<[string, boolean | undefined]>([
    ["true", true],
    ["TRUE", true],
    ["False", false],
    ["yes", undefined],
    ["1", undefined],
  ])("%j → %j", (text, expected) => {
    expect(toBoolean(text)).toBe(expected);
  });
});
