import type { FieldSpecMap } from "../../../src/query/fields.js";
import type { FilterNode } from "../../../src/query/filter/ast.js";
import {
  compileFilter,
  escapeLike,
  filterToWhere,
  parseFilter,
  type PrismaWhere,
} from "../../../src/query/filter/index.js";
import { CREDIT_FIELDS } from "../../../src/routes/credits/fields.js";
import { expectQueryError } from "./filter-helpers.js";

/** How many AND/OR groups nest along the last operand of each. */
function groupDepth(where: PrismaWhere): number {
  const parts = where.AND ?? where.OR;
  return Array.isArray(parts) ? 1 + groupDepth(parts[parts.length - 1]) : 0;
}

const where = (input: string, fields: FieldSpecMap = CREDIT_FIELDS) => compileFilter(parseFilter(input), fields);

describe("compileFilter: credit fields", () => {
  test.each<[string, unknown]>([
    ["code eq abc", { codeKey: "ABC" }],
    ["CODE Eq abc", { codeKey: "ABC" }],
    ["code ne 'a b'", { codeKey: { not: "A B" } }],
    ["code sw ab", { codeKey: { startsWith: "AB" } }],
    ["code cont '50%_off\\x'", { codeKey: { contains: "50\\%\\_OFF\\\\X" } }],
    ["code gt M", { codeKey: { gt: "M" } }],
    ["code IN [a,b,'c d']", { codeKey: { in: ["A", "B", "C D"] } }],
    ["currencyCode eq USD", { currencyCode: "USD" }],
    ["currencyCode eq usd", { currencyCode: "USD" }],
    ["currencyCode eq 10.50", { currencyCode: "10.50" }],
    ["currencyCode eq TRUE", { currencyCode: "TRUE" }],
    ["customCreditType ne Promo", { OR: [{ customCreditType: { not: "Promo" } }, { customCreditType: null }] }],
    ["customCreditType eq null", { customCreditType: null }],
    ["customCreditType ne NULL", { customCreditType: { not: null } }],
    ["customCreditType eq 'null'", { customCreditType: "null" }],
    ["currentBalance gt 10", { currentBalance: { gt: "10" } }],
    ["currentBalance ge 010.50", { currentBalance: { gte: "10.5" } }],
    ["currentBalance lt -3.5", { currentBalance: { lt: "-3.5" } }],
    ["currentBalance le '10'", { currentBalance: { lte: "10" } }],
    ["initialBalance in [1, 2.50, '3']", { initialBalance: { in: ["1", "2.5", "3"] } }],
    ["customerId eq 42", { customerId: 42 }],
    ["customerId eq '42'", { customerId: 42 }],
    ["customerId ne 42", { OR: [{ customerId: { not: 42 } }, { customerId: null }] }],
    ["customerId eq NULL", { customerId: null }],
    ["creditType EQ giftcard", { creditType: "GiftCard" }],
    ["creditType ne 'Custom'", { creditType: { not: "Custom" } }],
    ["creditType in [storecredit, GIFTCARD]", { creditType: { in: ["StoreCredit", "GiftCard"] } }],
    ["expirationDate lt 2024-05-03", { expirationDate: { lt: new Date("2024-05-03T00:00:00.000Z") } }],
    ["createDate ge 2015-01-01T12:00:00z", { createdAt: { gte: new Date("2015-01-01T12:00:00.000Z") } }],
    ["createDate gt '2024-05-03T12:00:00+02:00'", { createdAt: { gt: new Date("2024-05-03T10:00:00.000Z") } }],
    ["activationDate eq null", { activationDate: null }],
    [
      "currencyCode eq USD and currentBalance gt 0",
      { AND: [{ currencyCode: "USD" }, { currentBalance: { gt: "0" } }] },
    ],
    [
      "currencyCode eq USD or currencyCode eq EUR and currentBalance gt 0",
      { OR: [{ currencyCode: "USD" }, { AND: [{ currencyCode: "EUR" }, { currentBalance: { gt: "0" } }] }] },
    ],
    [
      "CurrentBalance GT 10 AND creditType EQ GiftCard",
      { AND: [{ currentBalance: { gt: "10" } }, { creditType: "GiftCard" }] },
    ],
    [
      "currentBalance gt 10 and (creditType eq GiftCard or creditType eq Custom)",
      { AND: [{ currentBalance: { gt: "10" } }, { OR: [{ creditType: "GiftCard" }, { creditType: "Custom" }] }] },
    ],
    ["(code eq A and code eq B) and code eq C", { AND: [{ codeKey: "A" }, { codeKey: "B" }, { codeKey: "C" }] }],
    ["code eq A or (code eq B or code eq C)", { OR: [{ codeKey: "A" }, { codeKey: "B" }, { codeKey: "C" }] }],
    [
      "customCreditType ne X or code eq A",
      { OR: [{ customCreditType: { not: "X" } }, { customCreditType: null }, { codeKey: "A" }] },
    ],
    [
      "customCreditType ne X and code eq A",
      { AND: [{ OR: [{ customCreditType: { not: "X" } }, { customCreditType: null }] }, { codeKey: "A" }] },
    ],
  ])("%j", (input, expected) => {
    expect(where(input)).toEqual(expected);
  });
});

describe("compileFilter: field options", () => {
  const fields: FieldSpecMap = [
    { name: "isActive", type: "boolean" },
    { name: "note", type: "string", operators: ["eq"] },
    { name: "qty", type: "integer", operators: ["eq", "sw", "gt"] },
    { name: "kind", type: "enum" },
  ];

  test.each<[string, unknown]>([
    ["isActive eq TRUE", { isActive: true }],
    ["isActive ne 'false'", { isActive: { not: false } }],
    ["isActive in [true, FALSE]", { isActive: { in: [true, false] } }],
    ["note eq x", { note: "x" }],
    ["qty gt 5", { qty: { gt: 5 } }],
  ])("%j", (input, expected) => {
    expect(where(input, fields)).toEqual(expected);
  });

  test.each<[string, string, number, string]>([
    ["isActive eq yes", "INVALID_VALUE", 13, "Value 'yes' at position 13 is not true or false for field 'isActive'"],
    ["isActive gt true", "OPERATOR_NOT_ALLOWED", 10, "Operator 'gt' at position 10 is not allowed for field 'isActive'; use one of eq, ne, in"],
    ["note sw a", "OPERATOR_NOT_ALLOWED", 6, "use one of eq"],
    ["qty sw 1", "OPERATOR_NOT_ALLOWED", 5, "use one of eq, gt"],
    ["kind eq a", "INVALID_VALUE", 9, "use one of (none)"],
  ])("%j → %s at %i", (input, code, position, message) => {
    expect(expectQueryError(() => where(input, fields), code, position).message).toContain(message);
  });
});

describe("compileFilter: invalid input", () => {
  test.each<[string, string, number, string]>([
    ["foo eq 1", "UNKNOWN_FIELD", 1, "Unknown field 'foo' at position 1; filterable fields are code, creditType,"],
    ["code eq A and Foo.bar eq 1", "UNKNOWN_FIELD", 15, "Unknown field 'Foo.bar' at position 15"],
    ["id eq 5", "UNKNOWN_FIELD", 1, "Unknown field 'id' at position 1"],
    ["currentBalance gt abc", "INVALID_VALUE", 19, "Value 'abc' at position 19 is not a number for field 'currentBalance'"],
    ["currentBalance gt 1e5", "INVALID_VALUE", 19, "is not a number"],
    ["currentBalance gt '1,5'", "INVALID_VALUE", 19, "Value '1,5' at position 19 is not a number"],
    [
      "expirationDate lt yesterday",
      "INVALID_VALUE",
      19,
      "Value 'yesterday' at position 19 is not a date for field 'expirationDate'; use ISO-8601 such as 2024-05-03 or 2024-05-03T12:00:00Z",
    ],
    ["expirationDate lt 2024-02-30", "INVALID_VALUE", 19, "is not a date"],
    ["expirationDate lt 2024-05-03T12:00:00", "INVALID_VALUE", 19, "is not a date"],
    ["expirationDate in [2024-05-03, 03/05/2024]", "INVALID_VALUE", 32, "Value '03/05/2024' at position 32"],
    ["customerId eq 1.5", "INVALID_VALUE", 15, "Value '1.5' at position 15 is not an integer for field 'customerId'"],
    ["customerId eq 9007199254740993", "INVALID_VALUE", 15, "is not an integer"],
    ["customerId eq true", "INVALID_VALUE", 15, "Value 'true' at position 15 is not an integer"],
    ["creditType gt GiftCard", "OPERATOR_NOT_ALLOWED", 12, "Operator 'gt' at position 12 is not allowed for field 'creditType'"],
    ["creditType cont Gift", "OPERATOR_NOT_ALLOWED", 12, "use one of eq, ne, in"],
    [
      "creditType eq Voucher",
      "INVALID_VALUE",
      15,
      "Value 'Voucher' at position 15 is not valid for field 'creditType'; use one of StoreCredit, GiftCard, Custom",
    ],
    ["currentBalance sw 1", "OPERATOR_NOT_ALLOWED", 16, "Operator 'sw' at position 16"],
    ["code eq null", "INVALID_VALUE", 9, "Value null at position 9 is not allowed for field 'code', which is never null"],
    ["createDate ne null", "INVALID_VALUE", 15, "field 'createDate'"],
    ["currentBalance in [1, x]", "INVALID_VALUE", 23, "Value 'x' at position 23"],
  ])("%j → %s at %i", (input, code, position, message) => {
    const error = expectQueryError(() => where(input), code, position);
    expect(error.message).toContain(message);
    expect(error.parameter).toBe("filter");
  });

  test("refuses a hand-built tree deeper than the parser could produce, instead of overflowing the stack", () => {
    let node: FilterNode = parseFilter("code eq A");
    for (let i = 0; i < 20_000; i += 1) node = { kind: i % 2 ? "and" : "or", operands: [node] };
    expectQueryError(() => compileFilter(node, CREDIT_FIELDS), "LIMIT_EXCEEDED", 1);
  });

  test("compiles the deepest tree the parser accepts", () => {
    // Every level adds an `or` and an `and` node: the deepest AST 32 parentheses allow.
    const level = "code eq A or code eq B and ";
    const input = `${`${level}(`.repeat(32)}${level}code eq C${")".repeat(32)}`;
    expect(groupDepth(compileFilter(parseFilter(input), CREDIT_FIELDS))).toBe(66);
  });
});

describe("filterToWhere", () => {
  test.each([undefined, "", "   "])("no filter for %j", (input) => {
    expect(filterToWhere(input, CREDIT_FIELDS)).toBeUndefined();
  });

  test("parses and compiles in one call", () => {
    expect(filterToWhere("code eq a", CREDIT_FIELDS)).toEqual({ codeKey: "A" });
  });
});

describe("escapeLike", () => {
  test.each([
    ["plain", "plain"],
    ["100%", "100\\%"],
    ["a_b", "a\\_b"],
    ["back\\slash", "back\\\\slash"],
    ["%_\\", "\\%\\_\\\\"],
  ])("%j → %j", (input, expected) => {
    expect(escapeLike(input)).toBe(expected);
  });
});
