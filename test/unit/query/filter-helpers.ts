import { QueryError } from "../../../src/query/errors.js";

/** The AST without positions, so expectations stay readable. */
export function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "position" && key !== "length" && key !== "operatorPosition")
      .map(([key, child]) => [key, strip(child)]),
  );
}

export const bare = (raw: string) => ({ kind: "string", value: raw, quoted: false, raw });
export const quoted = (raw: string, value: string) => ({ kind: "string", value, quoted: true, raw });
export const num = (raw: string) => ({ kind: "number", value: Number(raw), raw });
export const bool = (raw: string) => ({ kind: "boolean", value: raw.toLowerCase() === "true", raw });
export const nil = (raw = "null") => ({ kind: "null", value: null, raw });

type Stripped = ReturnType<typeof bare | typeof num | typeof bool | typeof nil | typeof quoted>;

export const cmp = (field: string, operator: string, value: Stripped) => ({
  kind: "comparison",
  field: { name: field },
  operator,
  value,
});
export const inList = (field: string, ...values: Stripped[]) => ({ kind: "in", field: { name: field }, values });
export const and = (...operands: unknown[]) => ({ kind: "and", operands });
export const or = (...operands: unknown[]) => ({ kind: "or", operands });

/** Runs `action`, which must throw, and returns what it threw. */
export function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected a QueryError, nothing was thrown");
}

/** Asserts that `action` throws a QueryError with the given code and position; returns it for further checks. */
export function expectQueryError(action: () => unknown, code: string, position: number): QueryError {
  const error = thrown(action);
  expect(error).toBeInstanceOf(QueryError);
  expect(error).toMatchObject({ code, position });
  return error as QueryError;
}
