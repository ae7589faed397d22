import { checkFilterRanges, parseFilter, QueryError, type FieldSpecMap } from "../../../src/query/index.js";

const FIELDS: FieldSpecMap = [
  { name: "customerId", type: "integer", nullable: true },
  { name: "id", type: "integer", wide: true },
  { name: "createDate", type: "datetime" },
  { name: "code", type: "string" },
];

const check = (filter: string) => () => checkFilterRanges(parseFilter(filter), FIELDS);

describe("checkFilterRanges", () => {
  test.each([
    "customerId eq 2147483647",
    "customerId eq -2147483647",
    "id eq 9007199254740991",
    "createDate ge 0001-01-01",
    "code eq 99999999999",
    "customerId eq null",
    "customerId eq abc",
    "unknown eq 99999999999",
  ])("%s passes (the compiler judges anything else)", (filter) => {
    expect(check(filter)).not.toThrow();
  });

  test.each([
    ["customerId eq 2147483648", 15, 10, "customerId"],
    ["customerid in [1, -3000000000]", 19, 11, "customerId"],
    ["code eq a or (createDate lt '0000-12-31')", 29, 12, "createDate"],
  ])("%s is out of range at its value", (filter, position, length, field) => {
    expect(check(filter)).toThrow(QueryError);
    expect(check(filter)).toThrow(
      expect.objectContaining({ code: "INVALID_VALUE", parameter: "filter", position, length }) as unknown as Error,
    );
    expect(check(filter)).toThrow(`out of range for field '${field}'`);
  });
});
