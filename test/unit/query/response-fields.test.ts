import { parseResponseFields, projectResponse, type ResponseFieldTree } from "../../../src/query/response-fields.js";
import { expectQueryError } from "./filter-helpers.js";

type Plain = { [name: string]: Plain | true };

/** The tree as a plain object, for readable expectations. */
function plain(tree: ResponseFieldTree): Plain {
  return Object.fromEntries([...tree].map(([name, selection]) => [name, selection === true ? true : plain(selection)]));
}

describe("parseResponseFields", () => {
  test.each<[string | undefined, Plain | undefined]>([
    [undefined, undefined],
    ["", undefined],
    ["  ", undefined],
    ["code", { code: true }],
    ["items(code,currentBalance),totalCount", { items: { code: true, currentbalance: true }, totalcount: true }],
    ["items(auditInfo(createDate))", { items: { auditinfo: { createdate: true } } }],
    [" items ( code , currentBalance ) , totalCount ", { items: { code: true, currentbalance: true }, totalcount: true }],
    ["Items(CODE)", { items: { code: true } }],
    ["code,Code", { code: true }],
    ["items(code),items(currentBalance)", { items: { code: true, currentbalance: true } }],
    ["items(auditInfo(createBy)),items(auditInfo(createDate))", { items: { auditinfo: { createby: true, createdate: true } } }],
    ["items,items(code)", { items: true }],
    ["items(code),items", { items: true }],
  ])("%j", (input, expected) => {
    const tree = parseResponseFields(input);
    expect(tree && plain(tree)).toEqual(expected);
  });

  test.each<[string, string, number, string]>([
    ["items(code", "UNBALANCED_PARENTHESES", 6, "Missing ')' for '(' at position 6"],
    ["items)", "UNBALANCED_PARENTHESES", 6, "Unmatched ')' at position 6"],
    ["code,,x", "UNEXPECTED_TOKEN", 6, "Expected a field name at position 6, found ','"],
    ["code,", "UNEXPECTED_TOKEN", 6, "Expected a field name at position 6, found the end of responseFields"],
    [",code", "UNEXPECTED_TOKEN", 1, "Expected a field name at position 1"],
    ["items()", "UNEXPECTED_TOKEN", 7, "Expected a field name at position 7, found ')'"],
    ["a b", "UNEXPECTED_TOKEN", 3, "Unexpected 'b' at position 3; expected ','"],
    ["a.b", "UNEXPECTED_TOKEN", 2, "Unexpected '.' at position 2"],
    ["items(code x)", "UNEXPECTED_TOKEN", 12, "Expected ',' or ')' at position 12, found 'x'"],
    ["(code)", "UNEXPECTED_TOKEN", 1, "Expected a field name at position 1, found '('"],
  ])("%j → %s at %i", (input, code, position, message) => {
    const error = expectQueryError(() => parseResponseFields(input), code, position);
    expect(error.message).toContain(message);
    expect(error.parameter).toBe("responseFields");
  });

  test.each<[string, number, string, string]>([
    ["33 levels of nesting", 66, "nested more than 32 levels", `${"a(".repeat(33)}b${")".repeat(33)}`],
    ["10,000 levels of nesting", 2001, "longer than 2000 characters", `${"a(".repeat(10_000)}b${")".repeat(10_000)}`],
  ])("refuses %s with LIMIT_EXCEEDED at %i", (_name, position, message, input) => {
    expect(expectQueryError(() => parseResponseFields(input), "LIMIT_EXCEEDED", position).message).toContain(message);
  });

  test("accepts 32 levels of nesting", () => {
    expect(parseResponseFields(`${"a(".repeat(32)}b${")".repeat(32)}`)).toBeDefined();
  });
});

describe("projectResponse", () => {
  const createDate = new Date("2024-05-03T12:00:00Z");
  const credit = {
    code: "GC-1",
    currentBalance: 10,
    currencyCode: "USD",
    auditInfo: { createBy: "dave", createDate },
  };
  const collection = { startIndex: 0, pageSize: 20, pageCount: 1, totalCount: 2, items: [credit, { ...credit, code: "GC-2" }] };
  const project = (value: unknown, input: string | undefined) => projectResponse(value, parseResponseFields(input));

  test.each<[string, unknown, string | undefined, unknown]>([
    ["no selection", collection, undefined, collection],
    ["a blank selection", collection, " ", collection],
    [
      "items and an envelope key",
      collection,
      "items(code,currentBalance),totalCount",
      { totalCount: 2, items: [{ code: "GC-1", currentBalance: 10 }, { code: "GC-2", currentBalance: 10 }] },
    ],
    [
      "nested objects",
      collection,
      "items(auditInfo(createDate))",
      { items: [{ auditInfo: { createDate } }, { auditInfo: { createDate } }] },
    ],
    ["an object kept whole", credit, "auditInfo", { auditInfo: { createBy: "dave", createDate } }],
    ["keys matched case-insensitively, original case kept", credit, "CODE,currentbalance", { code: "GC-1", currentBalance: 10 }],
    ["unknown names ignored", credit, "code,nope(x)", { code: "GC-1" }],
    ["a sub-selection on a primitive keeps the primitive", credit, "code(x)", { code: "GC-1" }],
    ["a sub-selection on a Date keeps the Date", credit, "auditInfo(createDate(year))", { auditInfo: { createDate } }],
    ["a top-level array", [credit], "code", [{ code: "GC-1" }]],
    ["a primitive", 5, "code", 5],
    ["null", null, "code", null],
  ])("%s", (_name, value, input, expected) => {
    expect(project(value, input)).toEqual(expected);
  });

  test("does not modify its input", () => {
    const copy = structuredClone(collection);
    project(collection, "items(code)");
    expect(collection).toEqual(copy);
  });

  test("a __proto__ key stays an ordinary property", () => {
    const value: unknown = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const projected = project(value, "__proto__,a") as Record<string, unknown>;
    expect(Object.getPrototypeOf(projected)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(projected, "__proto__")?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
