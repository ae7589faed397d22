import { QueryError } from "../../../src/query/errors.js";
import { lex } from "../../../src/query/filter/lexer.js";
import { DEFAULT_FILTER_LIMITS } from "../../../src/query/filter/limits.js";
import { expectQueryError } from "./filter-helpers.js";

/** [kind, value, position, length] per token — compact enough for a table. */
const compact = (input: string) => lex(input).map((t) => [t.kind, t.value, t.position, t.length]);

describe("lex", () => {
  test.each<[string, string, unknown[][]]>([
    ["empty input", "", [["eof", "", 1, 0]]],
    [
      "a comparison",
      "code eq A",
      [
        ["word", "code", 1, 4],
        ["word", "eq", 6, 2],
        ["word", "A", 9, 1],
        ["eof", "", 10, 0],
      ],
    ],
    [
      "parentheses",
      "(a eq 1)",
      [
        ["lparen", "(", 1, 1],
        ["word", "a", 2, 1],
        ["word", "eq", 4, 2],
        ["word", "1", 7, 1],
        ["rparen", ")", 8, 1],
        ["eof", "", 9, 0],
      ],
    ],
    [
      "an in list with a quoted value",
      "code in [A,B,'C D']",
      [
        ["word", "code", 1, 4],
        ["word", "in", 6, 2],
        ["lbracket", "[", 9, 1],
        ["word", "A", 10, 1],
        ["comma", ",", 11, 1],
        ["word", "B", 12, 1],
        ["comma", ",", 13, 1],
        ["string", "C D", 14, 5],
        ["rbracket", "]", 19, 1],
        ["eof", "", 20, 0],
      ],
    ],
    [
      "a doubled single quote",
      "name eq 'O''Brien'",
      [
        ["word", "name", 1, 4],
        ["word", "eq", 6, 2],
        ["string", "O'Brien", 9, 10],
        ["eof", "", 19, 0],
      ],
    ],
    [
      "doubled double quotes",
      'x eq "say ""hi"""',
      [
        ["word", "x", 1, 1],
        ["word", "eq", 3, 2],
        ["string", 'say "hi"', 6, 12],
        ["eof", "", 18, 0],
      ],
    ],
    [
      "the other quote inside a quoted string",
      `x eq "it's"`,
      [
        ["word", "x", 1, 1],
        ["word", "eq", 3, 2],
        ["string", "it's", 6, 6],
        ["eof", "", 12, 0],
      ],
    ],
    [
      "an empty quoted string",
      "x eq ''",
      [
        ["word", "x", 1, 1],
        ["word", "eq", 3, 2],
        ["string", "", 6, 2],
        ["eof", "", 8, 0],
      ],
    ],
    [
      "a bare email",
      "email eq a@b.com",
      [
        ["word", "email", 1, 5],
        ["word", "eq", 7, 2],
        ["word", "a@b.com", 10, 7],
        ["eof", "", 17, 0],
      ],
    ],
    [
      "a bare date-time",
      "d gt 2015-01-01T12:00:00z",
      [
        ["word", "d", 1, 1],
        ["word", "gt", 3, 2],
        ["word", "2015-01-01T12:00:00z", 6, 20],
        ["eof", "", 26, 0],
      ],
    ],
    [
      "a quote inside a bare word is literal",
      "n eq O'Brien",
      [
        ["word", "n", 1, 1],
        ["word", "eq", 3, 2],
        ["word", "O'Brien", 6, 7],
        ["eof", "", 13, 0],
      ],
    ],
    [
      "punctuation ends bare words",
      "a eq x)or(b",
      [
        ["word", "a", 1, 1],
        ["word", "eq", 3, 2],
        ["word", "x", 6, 1],
        ["rparen", ")", 7, 1],
        ["word", "or", 8, 2],
        ["lparen", "(", 10, 1],
        ["word", "b", 11, 1],
        ["eof", "", 12, 0],
      ],
    ],
    [
      "tabs, newlines and non-breaking spaces separate tokens",
      "\ta\n eq\u00a0-3.5 ",
      [
        ["word", "a", 2, 1],
        ["word", "eq", 5, 2],
        ["word", "-3.5", 8, 4],
        ["eof", "", 13, 0],
      ],
    ],
  ])("%s: %j", (_name, input, expected) => {
    expect(compact(input)).toEqual(expected);
  });

  test("keeps the source text of a quoted string beside its value", () => {
    expect(lex("'O''Brien'")[0]).toEqual({ kind: "string", text: "'O''Brien'", value: "O'Brien", position: 1, length: 10 });
  });

  test.each<[string, string, number, number, string]>([
    ["an unterminated single quote", "UNTERMINATED_STRING", 9, 4, "code eq 'abc"],
    ["an unterminated double quote", "UNTERMINATED_STRING", 9, 4, 'code eq "a\'\''],
    ["a doubled quote at the very end", "UNTERMINATED_STRING", 9, 5, "code eq 'it''"],
    ["2001 characters", "LIMIT_EXCEEDED", 2001, 1, "a".repeat(2001)],
    ["501 tokens", "LIMIT_EXCEEDED", 1001, 1, "a ".repeat(501)],
  ])("refuses %s with %s at %i", (_name, code, position, length, input) => {
    const error = expectQueryError(() => lex(input), code, position);
    expect(error.length).toBe(length);
    expect(error.message).toContain(`at position ${position}`);
  });

  test("accepts input exactly at the limits", () => {
    expect(lex("a".repeat(DEFAULT_FILTER_LIMITS.maxLength))).toHaveLength(2);
    expect(lex("a ".repeat(DEFAULT_FILTER_LIMITS.maxTokens))).toHaveLength(DEFAULT_FILTER_LIMITS.maxTokens + 1);
  });

  test("names the parameter and tells how to close an unterminated string", () => {
    const error = expectQueryError(() => lex("x eq 'abc"), "UNTERMINATED_STRING", 6);
    expect(error).toBeInstanceOf(QueryError);
    expect(error.parameter).toBe("filter");
    expect(error.message).toBe("Unterminated string at position 6; close it with ' (write '' for a quote inside it)");
  });
});
