import { Errors } from "../../../src/errors.js";
import { describeFields, queryErrorToApiError, QueryError, summarizeFilterLanguage, type FieldSpecMap } from "../../../src/query/index.js";

describe("describeFields", () => {
  test("names each field with its type, enum values and nullability", () => {
    const fields: FieldSpecMap = [
      { name: "code", type: "string" },
      { name: "kind", type: "enum", enumValues: ["A", "B"] },
      { name: "expires", type: "datetime", nullable: true },
    ];
    expect(describeFields(fields)).toBe("`code` (string), `kind` (A | B), `expires` (datetime, nullable)");
  });
});

describe("summarizeFilterLanguage", () => {
  test("lists the operators the filterable fields accept, in the language's order", () => {
    const numbers: FieldSpecMap = [
      { name: "flag", type: "boolean" },
      { name: "size", type: "integer" },
      { name: "code", type: "string", filterable: false },
    ];
    expect(summarizeFilterLanguage(numbers)).toBe(
      "The filter language of the Kibo credits list (`field op value` with `and`, `or`, parentheses; `eq ne gt ge lt le in`; dates ISO-8601).",
    );
    expect(summarizeFilterLanguage([{ name: "code", type: "string" }])).toContain("`eq ne gt ge lt le sw cont in`");
  });
});

describe("queryErrorToApiError", () => {
  test("a 400 naming the parameter, position, length and reason", () => {
    const error = new QueryError({ code: "UNKNOWN_FIELD", message: "Unknown field 'x'", parameter: "filter", position: 3, length: 1 });
    expect(queryErrorToApiError(error)).toEqual(
      Errors.invalidParameter("Unknown field 'x'", { parameter: "filter", position: 3, length: 1, reason: "UNKNOWN_FIELD" }),
    );
    expect(queryErrorToApiError(error).statusCode).toBe(400);
  });
});
