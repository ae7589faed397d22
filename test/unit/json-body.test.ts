import fc from "fast-check";
import { jsonErrorPosition, malformedJson } from "../../src/http/json-body.js";

/** V8's verdict on `text`: valid, or the position its SyntaxError states (undefined when it states none). */
function v8Verdict(text: string): { valid: boolean; position?: number } {
  try {
    JSON.parse(text);
    return { valid: true };
  } catch (error) {
    const stated = / at position (\d+)/.exec((error as Error).message);
    return stated ? { valid: false, position: Number(stated[1]) } : { valid: false };
  }
}

// JSON text with one character inserted, replaced or removed: most mistakes a hand-written body has.
const damagedJson = fc
  .tuple(fc.json(), fc.nat(), fc.constantFrom("insert", "replace", "remove"), fc.constantFrom(..."{}[],:\"\\ 0-1e.tfnux\u0001"))
  .map(([text, at, how, c]) => {
    const i = at % (text.length + 1);
    if (how === "insert") return text.slice(0, i) + c + text.slice(i);
    if (how === "replace") return text.slice(0, i) + c + text.slice(i + 1);
    return text.slice(0, i) + text.slice(i + 1);
  });

test("the scanner agrees with V8 on what is JSON, and on the position wherever V8 states one", () => {
  fc.assert(
    fc.property(damagedJson, (text) => {
      const v8 = v8Verdict(text);
      const position = jsonErrorPosition(text);
      expect(position === undefined).toBe(v8.valid);
      if (v8.position !== undefined) expect(position).toBe(v8.position);
    }),
    { numRuns: 5_000 },
  );
});

test.each([
  ['{"a": nope}', 7, "Unexpected token 'o'"],
  ['{"a": tru}', 9, "Unexpected token '}'"],
  ['{"a": 1,}', 8, "Expected double-quoted property name"],
  ['{"a": [1, 2', 11, "Expected ',' or ']' after array element"],
  ['{"a": "b', 8, "Unterminated string"],
])("%j is refused at position %d, in V8's words without its excerpt of the body", (body, position, reason) => {
  const error = malformedJson(body);
  expect(error).toMatchObject({ statusCode: 400, message: `The body is not valid JSON at position ${position}: ${reason}.` });
  expect(error.additionalErrorData).toContainEqual({ name: "position", value: position });
});

test("nesting thousands of levels deep is scanned without overflowing the stack", () => {
  expect(jsonErrorPosition(`${"[".repeat(100_000)}x`)).toBe(100_000);
});
