import type { FieldSpecMap } from "../../../src/query/fields.js";
import { parseSortBy } from "../../../src/query/sort.js";
import { CREDIT_FIELDS } from "../../../src/routes/credits/fields.js";
import { expectQueryError } from "./filter-helpers.js";

const byId = { column: "id" };
// Credits do not offer `id` to sortBy; a sortable tie-breaker column shows what happens when a client names it.
const withId: FieldSpecMap = [...CREDIT_FIELDS, { name: "id", type: "integer", filterable: false }];

describe("parseSortBy", () => {
  test.each<[string | undefined, unknown[]]>([
    [undefined, [{ id: "asc" }]],
    ["", [{ id: "asc" }]],
    ["   ", [{ id: "asc" }]],
    ["currentBalance desc, code", [{ currentBalance: "desc" }, { codeKey: "asc" }, { id: "asc" }]],
    ["CURRENTBALANCE DESC", [{ currentBalance: "desc" }, { id: "asc" }]],
    ["  code   Desc  ", [{ codeKey: "desc" }, { id: "asc" }]],
    ["code asc,creditType", [{ codeKey: "asc" }, { creditType: "asc" }, { id: "asc" }]],
    ["createDate", [{ createdAt: "asc" }, { id: "asc" }]],
    ["expirationDate", [{ expirationDate: { sort: "asc", nulls: "last" } }, { id: "asc" }]],
    ["customerId desc", [{ customerId: { sort: "desc", nulls: "last" } }, { id: "asc" }]],
    ["createDate asc, id desc", [{ createdAt: "asc" }, { id: "desc" }]],
    // The tiebreaker is unique, so once it appears the order is total; nothing is appended.
    ["id, code", [{ id: "asc" }, { codeKey: "asc" }]],
  ])("%j", (input, expected) => {
    expect(parseSortBy(input, withId, byId)).toEqual(expected);
  });

  test("uses the tiebreaker's direction", () => {
    expect(parseSortBy("code", CREDIT_FIELDS, { column: "id", direction: "desc" })).toEqual([
      { codeKey: "asc" },
      { id: "desc" },
    ]);
  });

  const withHidden: FieldSpecMap = [...CREDIT_FIELDS, { name: "secret", type: "string", sortable: false }];

  test.each<[string, string, number, string]>([
    ["foo", "UNKNOWN_FIELD", 1, "Unknown sort field 'foo' at position 1; sortable fields are code, creditType,"],
    ["code, secret", "UNKNOWN_FIELD", 7, "Unknown sort field 'secret' at position 7"],
    ["code up", "INVALID_SORT", 6, "Sort direction 'up' at position 6 must be asc or desc"],
    ["code desc asc", "INVALID_SORT", 11, "Unexpected 'asc' at position 11; expected ','"],
    ["code,", "INVALID_SORT", 6, "Expected a field name at position 6"],
    [",code", "INVALID_SORT", 1, "Expected a field name at position 1"],
    ["code,,creditType", "INVALID_SORT", 6, "Expected a field name at position 6"],
    ["code, code desc", "INVALID_SORT", 7, "Field 'code' at position 7 is sorted twice"],
    ["code,CODE", "INVALID_SORT", 6, "Field 'CODE' at position 6 is sorted twice"],
    ["c".repeat(2001), "LIMIT_EXCEEDED", 2001, "longer than 2000 characters"],
  ])("%j → %s at %i", (input, code, position, message) => {
    const error = expectQueryError(() => parseSortBy(input, withHidden, byId), code, position);
    expect(error.message).toContain(message);
    expect(error.parameter).toBe("sortBy");
  });

  test("does not list unsortable fields", () => {
    const error = expectQueryError(() => parseSortBy("foo", withHidden, byId), "UNKNOWN_FIELD", 1);
    expect(error.message).not.toContain("secret");
  });
});
