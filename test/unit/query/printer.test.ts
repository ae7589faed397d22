import fc from "fast-check";
import type { ComparisonOperator, FilterNode, ValueLiteral } from "../../../src/query/filter/ast.js";
import { parseFilter, printFilter } from "../../../src/query/filter/index.js";
import { strip } from "./filter-helpers.js";

describe("printFilter", () => {
  test.each<[string, string]>([
    ["CurrentBalance GT 10 AND creditType EQ GiftCard", "CurrentBalance gt 10 and creditType eq GiftCard"],
    ["(a eq 1 or b eq 2) and c eq 3", "(a eq 1 or b eq 2) and c eq 3"],
    ["a eq 1 or (b eq 2 and c eq 3)", "a eq 1 or b eq 2 and c eq 3"],
    ["a eq 1 and (b eq 2 and c eq 3)", "a eq 1 and (b eq 2 and c eq 3)"],
    ["a eq 1 or (b eq 2 or c eq 3)", "a eq 1 or (b eq 2 or c eq 3)"],
    ["((a   eq 1))", "a eq 1"],
    ['x eq "say ""hi"""', "x eq 'say \"hi\"'"],
    ["name eq 'O''Brien'", "name eq 'O''Brien'"],
    ["name eq O'Brien", "name eq O'Brien"],
    ["code IN [A,B,'C D']", "code in [A, B, 'C D']"],
    ["n eq NULL or b ne TRUE", "n eq null or b ne true"],
    ["n ge 010.50", "n ge 010.50"],
    ["d gt 2015-01-01T12:00:00z", "d gt 2015-01-01T12:00:00z"],
  ])("%j → %j", (input, expected) => {
    expect(printFilter(parseFilter(input))).toBe(expected);
  });

  test.each<[string, string]>([
    ["true", "'true'"],
    ["NULL", "'NULL'"],
    ["12", "'12'"],
    ["a b", "'a b'"],
    ["a)", "'a)'"],
    ["", "''"],
    ["'x", "'''x'"],
    ["x'", "x'"],
  ])("quotes the bare string %j when it would not read back as itself", (value, printed) => {
    const node: FilterNode = {
      kind: "comparison",
      field: { name: "x", position: 1, length: 1 },
      operator: "eq",
      operatorPosition: 3,
      value: { kind: "string", value, quoted: false, raw: value, position: 6, length: value.length },
    };
    expect(printFilter(node)).toBe(`x eq ${printed}`);
  });
});

/** Arbitraries for canonical ASTs: `raw` is exactly what the printer writes, so parse(print(ast)) can equal ast. */
const span = { position: 0, length: 0 };
const fieldName = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_.]{0,10}$/)
  .filter((name) => !["and", "or", "not"].includes(name.toLowerCase()));

const numberLiteral = fc
  .tuple(fc.boolean(), fc.stringMatching(/^\d{1,12}$/), fc.option(fc.stringMatching(/^\d{1,6}$/)))
  .map(([negative, whole, fraction]): ValueLiteral => {
    const raw = `${negative ? "-" : ""}${whole}${fraction === null ? "" : `.${fraction}`}`;
    return { kind: "number", value: Number(raw), raw, ...span };
  });
const booleanLiteral = fc.boolean().map((value): ValueLiteral => ({ kind: "boolean", value, raw: String(value), ...span }));
const quotedLiteral = fc
  .oneof(fc.string(), fc.string({ unit: "binary" }), fc.constantFrom("'", "''", "a'b", '"', "and", "null", " "))
  .map((value): ValueLiteral => ({ kind: "string", value, quoted: true, raw: `'${value.replaceAll("'", "''")}'`, ...span }));
const bareLiteral = fc
  .stringMatching(/^[A-Za-z0-9@.:+\-_/%'"]{1,15}$/)
  .filter((value) => !/^['"]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) && !/^(true|false|null)$/i.test(value))
  .map((value): ValueLiteral => ({ kind: "string", value, quoted: false, raw: value, ...span }));
const valueLiteral = fc.oneof(numberLiteral, booleanLiteral, quotedLiteral, bareLiteral);

const comparison = fc
  .tuple(fieldName, fc.constantFrom<ComparisonOperator>("eq", "ne", "gt", "ge", "lt", "le", "sw", "cont"), valueLiteral)
  .map(([name, operator, value]): FilterNode => ({
    kind: "comparison",
    field: { name, ...span },
    operator,
    operatorPosition: 0,
    value,
  }));
const nullComparison = fc
  .tuple(fieldName, fc.constantFrom<ComparisonOperator>("eq", "ne"))
  .map(([name, operator]): FilterNode => ({
    kind: "comparison",
    field: { name, ...span },
    operator,
    operatorPosition: 0,
    value: { kind: "null", value: null, raw: "null", ...span },
  }));
const inComparison = fc
  .tuple(fieldName, fc.array(valueLiteral, { minLength: 1, maxLength: 5 }))
  .map(([name, values]): FilterNode => ({ kind: "in", field: { name, ...span }, operatorPosition: 0, values }));

const { tree } = fc.letrec<{ tree: FilterNode }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    comparison,
    nullComparison,
    inComparison,
    fc
      .tuple(fc.constantFrom<"and" | "or">("and", "or"), fc.array(tie("tree"), { minLength: 2, maxLength: 4 }))
      .map(([kind, operands]): FilterNode => ({ kind, operands })),
  ),
}));

const roomy = { maxLength: 1_000_000, maxTokens: 1_000_000, maxInListValues: 1_000 };

describe("printFilter round trip", () => {
  test("parse(print(ast)) equals ast, positions aside", () => {
    fc.assert(
      fc.property(tree, (ast) => {
        expect(strip(parseFilter(printFilter(ast), roomy))).toEqual(strip(ast));
      }),
      { numRuns: 1000 },
    );
  });

  test("printing is canonical: print(parse(print(ast))) === print(ast)", () => {
    fc.assert(
      fc.property(tree, (ast) => {
        const printed = printFilter(ast);
        expect(printFilter(parseFilter(printed, roomy))).toBe(printed);
      }),
      { numRuns: 1000 },
    );
  });
});
