import { createHash } from "node:crypto";
import fc from "fast-check";
import { hashRequest } from "../../../src/http/idempotency.js";

// The canonical form keys stored before the walk became iterative were hashed with: a retry of a request stored
// then must still match it.
function recursiveCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(recursiveCanonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, child]) => `${JSON.stringify(name)}:${recursiveCanonicalJson(child)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("hashRequest", () => {
  test("hashes the canonical JSON of the operation and request, as keys already stored were hashed", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (request) => {
        expect(hashRequest("POST /x", request)).toBe(sha256(recursiveCanonicalJson({ operation: "POST /x", request })));
      }),
      { numRuns: 2000 },
    );
  });

  test("property order and undefined properties do not change the hash", () => {
    expect(hashRequest("op", { b: [1, { d: 2, c: undefined }], a: "x" })).toBe(hashRequest("op", { a: "x", b: [1, { d: 2 }] }));
    expect(hashRequest("op", { a: 1 })).toBe(sha256('{"operation":"op","request":{"a":1}}'));
  });

  test("a request nested 100,000 levels deep is hashed without overflowing the stack", () => {
    let deep: unknown = 1;
    for (let level = 0; level < 100_000; level += 1) deep = level % 2 === 0 ? [deep] : { x: deep };
    expect(() => recursiveCanonicalJson(deep)).toThrow(RangeError);
    expect(hashRequest("op", deep)).toMatch(/^[0-9a-f]{64}$/);
  });
});
