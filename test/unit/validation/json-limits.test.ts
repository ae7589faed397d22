import { findJsonProblem, freeJsonProblem, jsonPathText, jsonPointer, MAX_FREE_JSON_BYTES } from "../../../src/validation/json-limits.js";

const nested = (levels: number): unknown => {
  let value: unknown = 1;
  for (let level = 0; level < levels; level += 1) value = [value];
  return value;
};

describe("findJsonProblem", () => {
  test("valid JSON, including paired surrogates (an emoji), has no problem", () => {
    expect(findJsonProblem({ a: ["😀", 1.5, null, true, { b: "é" }], "😀": 0 }, { maxDepth: 32 })).toBeUndefined();
  });

  test("a lone surrogate in a value names its path and position", () => {
    expect(findJsonProblem({ a: [1, "x\ud800y"] }, { maxDepth: 32 })).toEqual({
      path: ["a", 1],
      message: "contains an unpaired UTF-16 surrogate (\\ud800 at character 2), which is not Unicode text",
    });
    expect(findJsonProblem("\udc00", { maxDepth: 32 })?.path).toEqual([]);
  });

  test("a lone surrogate in a property name is reported on that name, escaped where it is printed", () => {
    const problem = findJsonProblem({ ok: { "k\ud83d": 1 } }, { maxDepth: 32 });
    expect(problem?.message).toMatch(/^has a property name that contains an unpaired UTF-16 surrogate/);
    expect(jsonPathText(problem?.path ?? [], "data")).toBe("data.ok.k\\ud83d");
    expect(jsonPointer(problem?.path ?? [])).toBe("/ok/k\\ud83d");
  });

  test("an infinite number (JSON.parse reads 1e309 as Infinity) is refused", () => {
    expect(findJsonProblem(JSON.parse('{"n":[1e309]}'), { maxDepth: 32 })).toEqual({
      path: ["n", 0],
      message: "is a number too large to store (it reads as infinity)",
    });
  });

  test("nesting is counted from 1 for the outermost object or array and reported at the root", () => {
    expect(findJsonProblem(nested(32), { maxDepth: 32 })).toBeUndefined();
    expect(findJsonProblem(nested(33), { maxDepth: 32 })).toEqual({ path: [], message: "is nested more than 32 levels deep" });
    expect(findJsonProblem(nested(200_000), { maxDepth: 32 })?.message).toBe("is nested more than 32 levels deep");
  });

  test("NUL is refused only when asked", () => {
    expect(findJsonProblem({ a: "x\u0000" }, { maxDepth: 32 })).toBeUndefined();
    expect(findJsonProblem({ a: "x\u0000" }, { maxDepth: 32, refuseNul: true })?.path).toEqual(["a"]);
  });

  test("reports the first problem in document order", () => {
    expect(findJsonProblem({ a: { b: "\ud800" }, c: "\ud800" }, { maxDepth: 32 })?.path).toEqual(["a", "b"]);
  });
});

describe("freeJsonProblem", () => {
  test("refuses free JSON larger than the byte limit, counting UTF-8 bytes", () => {
    expect(freeJsonProblem({ s: "x".repeat(MAX_FREE_JSON_BYTES - 8) })).toBeUndefined();
    expect(freeJsonProblem({ s: "é".repeat(MAX_FREE_JSON_BYTES / 2) })?.message).toMatch(/^is \d+ bytes of JSON; at most 16384 are stored$/);
  });

  test("refuses NUL", () => {
    expect(freeJsonProblem({ s: "\u0000" })?.message).toBe("contains a NUL character (\\u0000), which cannot be stored");
  });
});
