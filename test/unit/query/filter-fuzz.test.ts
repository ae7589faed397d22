import fc from "fast-check";
import { QueryError } from "../../../src/query/errors.js";
import { compileFilter, parseFilter, printFilter } from "../../../src/query/filter/index.js";
import { parseResponseFields } from "../../../src/query/response-fields.js";
import { parseSortBy } from "../../../src/query/sort.js";
import { CREDIT_FIELDS } from "../../../src/routes/credits/fields.js";

/** Runs `action`; anything it throws must be a QueryError. */
function onlyQueryErrors(action: () => unknown): void {
  try {
    action();
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
  }
}

const fragments = [
  "(", ")", "[", "]", ",", "'", '"', "''", "and", "AND", "or", "not", "eq", "EQ", "ne", "gt", "ge", "lt", "le", "sw",
  "cont", "in", "IN", "ew", "nin", "null", "NULL", "true", "false", "10", "-3.5", "1e5", "'x y'", '"q""q"',
  "code", "Code", "currentBalance", "creditType", "customerId", "expirationDate", "createDate", "id", "GiftCard",
  "2024-05-03", "2024-02-30", "2015-01-01T12:00:00z", "a@b.com", "%", "_", "\\", " ", "\t", "\u00a0", "😀", "\u0000",
];
const tokenSoup = fc
  .tuple(fc.array(fc.constantFrom(...fragments), { maxLength: 40 }), fc.constantFrom(" ", ""))
  .map(([parts, separator]) => parts.join(separator));
/** Filters that are mostly well-formed, in any keyword case, spacing and quote style. */
const spacing = fc.constantFrom(" ", "  ", "\t", " \n ");
const anyCase = (word: string) => fc.constantFrom(word, word.toUpperCase(), word.charAt(0).toUpperCase() + word.slice(1));
const fieldText = fc.constantFrom("code", "CurrentBalance", "creditType", "customerId", "expirationDate", "createDate", "foo");
const valueText = fc.oneof(
  fc.constantFrom("10", "-3.5", "010.50", "TRUE", "Null", "GiftCard", "a@b.com", "2024-05-03", "2015-01-01T12:00:00z"),
  fc.string().map((text) => `'${text.replaceAll("'", "''")}'`),
  fc.string().map((text) => `"${text.replaceAll('"', '""')}"`),
);
const operatorText = fc.constantFrom("eq", "ne", "gt", "ge", "lt", "le", "sw", "cont").chain(anyCase);
const comparisonText = fc.oneof(
  fc.tuple(fieldText, spacing, operatorText, spacing, valueText).map((parts) => parts.join("")),
  fc
    .tuple(fieldText, spacing, anyCase("in"), spacing, fc.array(valueText, { minLength: 1, maxLength: 4 }))
    .map(([field, s1, keyword, s2, values]) => `${field}${s1}${keyword}${s2}[${values.join(", ")}]`),
);
const { sentence } = fc.letrec<{ sentence: string }>((tie) => ({
  sentence: fc.oneof(
    { depthSize: "small" },
    comparisonText,
    fc
      .tuple(tie("sentence"), spacing, fc.constantFrom("and", "or").chain(anyCase), spacing, tie("sentence"))
      .map((parts) => parts.join("")),
    tie("sentence").map((inner) => `(${inner})`),
  ),
}));

const anyInput = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: fc.constantFrom(..."()[],'\" abc01-.") }),
  tokenSoup,
  sentence,
);

describe("random input", () => {
  test("parseFilter and compileFilter only ever return a result or throw QueryError", () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        onlyQueryErrors(() => compileFilter(parseFilter(input), CREDIT_FIELDS));
      }),
      { numRuns: 5000 },
    );
  });

  test("whatever parses prints canonically", () => {
    fc.assert(
      fc.property(sentence, (input) => {
        let printed: string;
        try {
          printed = printFilter(parseFilter(input));
        } catch (error) {
          if (error instanceof QueryError) return;
          throw error;
        }
        expect(printFilter(parseFilter(printed))).toBe(printed);
      }),
      { numRuns: 5000 },
    );
  });

  test("parseSortBy and parseResponseFields only ever return a result or throw QueryError", () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        onlyQueryErrors(() => parseSortBy(input, CREDIT_FIELDS, { column: "id" }));
        onlyQueryErrors(() => parseResponseFields(input));
      }),
      { numRuns: 5000 },
    );
  });
});
