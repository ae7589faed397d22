import { parseFilter } from "../../../src/query/filter/index.js";
import { and, bare, bool, cmp, expectQueryError, inList, nil, num, or, quoted, strip } from "./filter-helpers.js";

const a1 = cmp("a", "eq", num("1"));
const b2 = cmp("b", "eq", num("2"));
const c3 = cmp("c", "eq", num("3"));

describe("parseFilter: valid input", () => {
  test.each<[string, unknown]>([
    ["code eq A", cmp("code", "eq", bare("A"))],
    ["a eq 1 or b eq 2 and c eq 3", or(a1, and(b2, c3))],
    ["a eq 1 and b eq 2 or c eq 3", or(and(a1, b2), c3)],
    ["(a eq 1 or b eq 2) and c eq 3", and(or(a1, b2), c3)],
    ["a eq 1 and (b eq 2 and c eq 3)", and(a1, and(b2, c3))],
    ["a eq 1 or b eq 2 or c eq 3", or(a1, b2, c3)],
    ["((a eq 1))", a1],
    ["(a eq 1)or(b eq 2)", or(a1, b2)],
    [
      "CurrentBalance GT 10 AND creditType EQ GiftCard",
      and(cmp("CurrentBalance", "gt", num("10")), cmp("creditType", "eq", bare("GiftCard"))),
    ],
    ["x Ne 1 oR y lE 2", or(cmp("x", "ne", num("1")), cmp("y", "le", num("2")))],
    ["createBy ne Dave", cmp("createBy", "ne", bare("Dave"))],
    ["email eq a@b.com", cmp("email", "eq", bare("a@b.com"))],
    ["name eq 'O''Brien'", cmp("name", "eq", quoted("'O''Brien'", "O'Brien"))],
    ['x eq "say ""hi"""', cmp("x", "eq", quoted('"say ""hi"""', 'say "hi"'))],
    ["x eq 'a, (b) [c]'", cmp("x", "eq", quoted("'a, (b) [c]'", "a, (b) [c]"))],
    ["x eq ''", cmp("x", "eq", quoted("''", ""))],
    ["createDate gt 2015-01-01T12:00:00z", cmp("createDate", "gt", bare("2015-01-01T12:00:00z"))],
    ["expirationDate lt 2024-05-03", cmp("expirationDate", "lt", bare("2024-05-03"))],
    ["n eq -3.5", cmp("n", "eq", num("-3.5"))],
    ["n ge 010.50", cmp("n", "ge", num("010.50"))],
    ["n eq 1e5", cmp("n", "eq", bare("1e5"))],
    ["n eq '10'", cmp("n", "eq", quoted("'10'", "10"))],
    ["b eq TRUE", cmp("b", "eq", bool("TRUE"))],
    ["b ne false", cmp("b", "ne", bool("false"))],
    ["customerId eq null", cmp("customerId", "eq", nil())],
    ["customerId NE NULL", cmp("customerId", "ne", nil("NULL"))],
    ["x eq 'null'", cmp("x", "eq", quoted("'null'", "null"))],
    ["code sw AB", cmp("code", "sw", bare("AB"))],
    ["code CONT b_c", cmp("code", "cont", bare("b_c"))],
    ["code in [A,B,'C D']", inList("code", bare("A"), bare("B"), quoted("'C D'", "C D"))],
    ["code IN [ A ]", inList("code", bare("A"))],
    ["n in [1, -2.5, true]", inList("n", num("1"), num("-2.5"), bool("true"))],
    ["contacts.email eq x", cmp("contacts.email", "eq", bare("x"))],
    // Keywords are contextual: in value position a word is a value.
    ["code eq or", cmp("code", "eq", bare("or"))],
    ["code eq in or x eq and", or(cmp("code", "eq", bare("in")), cmp("x", "eq", bare("and")))],
  ])("%j", (input, expected) => {
    expect(strip(parseFilter(input))).toEqual(expected);
  });

  test("records positions of fields, operators and values", () => {
    expect(parseFilter("code in [A, 'B']")).toEqual({
      kind: "in",
      field: { name: "code", position: 1, length: 4 },
      operatorPosition: 6,
      values: [
        { kind: "string", value: "A", quoted: false, raw: "A", position: 10, length: 1 },
        { kind: "string", value: "B", quoted: true, raw: "'B'", position: 13, length: 3 },
      ],
    });
    expect(parseFilter(" n  GE  -3.5")).toEqual({
      kind: "comparison",
      field: { name: "n", position: 2, length: 1 },
      operator: "ge",
      operatorPosition: 5,
      value: { kind: "number", value: -3.5, raw: "-3.5", position: 9, length: 4 },
    });
  });

  test("parses long and/or chains with loops, not recursion", () => {
    const terms = Array.from({ length: 400 }, (_, i) => `a eq ${i}`);
    const limits = { maxLength: 1_000_000, maxTokens: 1_000_000 };
    const chain = parseFilter(terms.join(" or "), limits);
    expect(chain).toMatchObject({ kind: "or" });
    expect(chain.kind === "or" && chain.operands).toHaveLength(400);

    const huge = Array.from({ length: 50_000 }, (_, i) => `a eq ${i}`).join(" and ");
    expect(parseFilter(huge, limits)).toMatchObject({ kind: "and" });
  });

  test("the longest chain within the default limits parses", () => {
    // 125 comparisons: 3 tokens each plus 124 connectives = 499 tokens.
    const input = Array.from({ length: 125 }, () => "a eq 1").join(" or ");
    expect(parseFilter(input)).toMatchObject({ kind: "or" });
  });

  test("accepts 32 levels of parentheses and 100 values in a list", () => {
    expect(strip(parseFilter(`${"(".repeat(32)}a eq 1${")".repeat(32)}`))).toEqual(a1);
    const values = Array.from({ length: 100 }, (_, i) => String(i));
    expect(parseFilter(`a in [${values.join(",")}]`)).toMatchObject({ kind: "in" });
  });
});

describe("parseFilter: invalid input", () => {
  test.each<[string, string, number, string]>([
    ["", "UNEXPECTED_TOKEN", 1, "Expected a field name at position 1, found the end of the filter"],
    ["   ", "UNEXPECTED_TOKEN", 4, "Expected a field name at position 4, found the end of the filter"],
    ["not code eq A", "UNSUPPORTED_OPERATOR", 1, "Operator 'not' at position 1 is not supported"],
    ["a eq 1 and NOT b eq 2", "UNSUPPORTED_OPERATOR", 12, "Operator 'not' at position 12 is not supported"],
    [
      "code ew A",
      "UNSUPPORTED_OPERATOR",
      6,
      "Unsupported operator 'ew' at position 6; use one of eq, ne, gt, ge, lt, le, sw, cont, in",
    ],
    ["code nin [A]", "UNSUPPORTED_OPERATOR", 6, "Unsupported operator 'nin' at position 6"],
    ["code not eq A", "UNSUPPORTED_OPERATOR", 6, "Unsupported operator 'not' at position 6"],
    ["code like A%", "UNSUPPORTED_OPERATOR", 6, "Unsupported operator 'like' at position 6"],
    ["code = A", "UNSUPPORTED_OPERATOR", 6, "Unsupported operator '=' at position 6"],
    ["code", "UNEXPECTED_TOKEN", 5, "Expected an operator at position 5, found the end of the filter"],
    ["code (", "UNEXPECTED_TOKEN", 6, "Expected an operator at position 6, found '('"],
    ["code eq", "UNEXPECTED_TOKEN", 8, "Expected a value at position 8, found the end of the filter"],
    ["(code eq )", "UNEXPECTED_TOKEN", 10, "Expected a value at position 10, found ')'"],
    ["code eq [A]", "UNEXPECTED_TOKEN", 9, "Expected a value at position 9, found '['"],
    ["(code eq A", "UNBALANCED_PARENTHESES", 1, "Missing ')' for '(' at position 1"],
    ["((code eq A)", "UNBALANCED_PARENTHESES", 1, "Missing ')' for '(' at position 1"],
    ["code eq A)", "UNBALANCED_PARENTHESES", 10, "Unmatched ')' at position 10"],
    ["(code eq A))", "UNBALANCED_PARENTHESES", 12, "Unmatched ')' at position 12"],
    ["()", "UNEXPECTED_TOKEN", 2, "Expected a field name at position 2, found ')'"],
    ["code eq A B", "TRAILING_INPUT", 11, "Unexpected 'B' at position 11; expected 'and', 'or' or the end of the filter"],
    ["code eq A, B", "TRAILING_INPUT", 10, "Unexpected ',' at position 10"],
    ["(code eq A B)", "UNEXPECTED_TOKEN", 12, "Unexpected 'B' at position 12; expected 'and', 'or' or ')'"],
    ["code eq 'abc", "UNTERMINATED_STRING", 9, "Unterminated string at position 9"],
    ["code in []", "EMPTY_IN_LIST", 9, "Empty 'in' list at position 9"],
    ["code IN [ ]", "EMPTY_IN_LIST", 9, "Empty 'in' list at position 9"],
    ["code in [A,]", "UNEXPECTED_TOKEN", 12, "Expected a value at position 12, found ']'"],
    ["code in [A B]", "UNEXPECTED_TOKEN", 12, "Expected ',' or ']' at position 12, found 'B'"],
    ["code in [A", "UNBALANCED_BRACKETS", 9, "Missing ']' for '[' at position 9"],
    ["code in A", "UNEXPECTED_TOKEN", 9, "Expected '[' after 'in' at position 9, found 'A'"],
    ["customerId gt null", "INVALID_VALUE", 15, "null at position 15 can only be compared with eq or ne"],
    ["customerId cont NULL", "INVALID_VALUE", 17, "null at position 17 can only be compared with eq or ne"],
    ["customerId in [1, null]", "INVALID_VALUE", 19, "null at position 19 is not allowed in an 'in' list"],
    ["code eq A or", "UNEXPECTED_TOKEN", 13, "Expected a field name at position 13, found the end of the filter"],
    ["and eq 1", "UNEXPECTED_TOKEN", 1, "Expected a field name at position 1, found 'and'"],
    ["code eq A and or b eq 1", "UNEXPECTED_TOKEN", 15, "Expected a field name at position 15, found 'or'"],
    ["'code' eq A", "UNEXPECTED_TOKEN", 1, "Expected a field name at position 1, found ''code''"],
    ["1abc eq 2", "UNEXPECTED_TOKEN", 1, "Expected a field name at position 1, found '1abc'"],
    ["code=A", "UNEXPECTED_TOKEN", 1, "Expected a field name at position 1, found 'code=A'"],
    ["]", "UNEXPECTED_TOKEN", 1, "Expected a field name at position 1, found ']'"],
  ])("%j → %s at %i", (input, code, position, message) => {
    const error = expectQueryError(() => parseFilter(input), code, position);
    expect(error.message).toContain(message);
    expect(error.parameter).toBe("filter");
  });

  test("quotes at most 40 characters of the offending text", () => {
    const error = expectQueryError(() => parseFilter(`code ${"x".repeat(100)} A`), "UNSUPPORTED_OPERATOR", 6);
    expect(error.message).toContain(`'${"x".repeat(40)}…'`);
    expect(error.length).toBe(100);
  });
});

describe("parseFilter: limits", () => {
  const deep = (levels: number) => `${"(".repeat(levels)}a eq 1${")".repeat(levels)}`;

  test.each<[string, string, number, object]>([
    ["2001 characters", "a eq " + "x".repeat(1996), 2001, {}],
    ["10,000 nested parentheses (too long)", deep(10_000), 2001, {}],
    ["10,000 nested parentheses (too deep)", deep(10_000), 33, { maxLength: 100_000, maxTokens: 100_000 }],
    ["33 nested parentheses", deep(33), 33, {}],
    ["501 tokens", Array.from({ length: 126 }, () => "a eq 1").join(" or "), 1251, {}],
    ["101 values in a list", `a in [${Array.from({ length: 101 }, () => "1").join(",")}]`, 207, {}],
    ["a lowered depth limit", deep(3), 3, { maxDepth: 2 }],
    ["a lowered length limit", "code eq A", 6, { maxLength: 5 }],
    ["a lowered token limit", "code eq A", 9, { maxTokens: 2 }],
    ["a lowered list limit", "a in [1,2,3]", 11, { maxInListValues: 2 }],
  ])("%s → LIMIT_EXCEEDED at %i", (_name, input, position, limits) => {
    expectQueryError(() => parseFilter(input, limits), "LIMIT_EXCEEDED", position);
  });
});
