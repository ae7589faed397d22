import Type, { type TSchema } from "typebox";
import type { MagentoField } from "../../magento/index.js";
import { AMOUNT_PATTERN } from "../../money/index.js";

/** Schema pieces the credit-memo request and response schemas share. */

// Nullable scalars as JSON Schema type arrays: fast-json-stringify serializes them with a typeof check.
export function nullableString(options: Record<string, unknown> = {}) {
  return Type.Unsafe<string | null>({ type: ["string", "null"], ...options });
}

export const NO_CONTROL = "^[^\\u0000-\\u001f\\u007f]+$";
// PostgreSQL text cannot hold NUL, so a NUL in a request is refused up front instead of failing in the database.
export const NO_NUL = "^[^\\u0000]*$";
export const MAX_INT32 = 2_147_483_647;

/** An entity whose properties are all Magento strings, in the fields' order (JSON keeps it). */
export function magentoObject(fields: readonly MagentoField<string>[], extra: Record<string, TSchema>, options: Record<string, unknown>) {
  const properties: Record<string, TSchema> = {};
  for (const { name, kind, description } of fields) {
    properties[name] = nullableString({ description: `${description}. ${KIND_NOTES[kind]}` });
  }
  return Type.Object({ ...properties, ...extra }, options);
}

const KIND_NOTES: Record<MagentoField<string>["kind"], string> = {
  amount: "A decimal string with 4 decimals ('90.0000'), or null.",
  integer: "Digits as a string, or null.",
  flag: "'1' or '0'.",
  text: "Text, or null.",
  date: "'YYYY-MM-DD HH:MM:SS', UTC.",
};

export const incrementId = (description: string, example: string) =>
  Type.String({ minLength: 1, maxLength: 50, pattern: NO_CONTROL, description, examples: [example] });

// Magento clients send amounts as strings ('15.0000'), others as JSON numbers; the service reads either exactly.
// Bodies are not type-coerced, so `true`, `[15]` or '1e2' are refused here rather than read as 1, 15 or 100.
const AMOUNT_NOTE = "A plain decimal string ('15.0000': digits, an optional sign and point; no exponent) or a JSON number.";

/** A Magento amount in a request. */
export function amount(description: string) {
  return Type.Unsafe<number | string>({ type: ["string", "number"], pattern: AMOUNT_PATTERN, description: `${description} ${AMOUNT_NOTE}` });
}

/** An optional amount; null is the same as leaving it out. */
export function optionalAmount(description: string) {
  return Type.Optional(
    Type.Unsafe<number | string | null>({
      type: ["string", "number", "null"],
      pattern: AMOUNT_PATTERN,
      description: `${description} ${AMOUNT_NOTE}`,
    }),
  );
}

/**
 * A Magento id in a request: a JSON integer, or its digits as a string ('775'), as Magento itself writes ids. Ids
 * are read, not coerced: `true`, `7.5` or `[775]` are refused. A string's range is checked when it is read.
 */
export function magentoId(description: string, minimum = 1) {
  return Type.Unsafe<number | string>({ type: ["integer", "string"], ...ID_BOUNDS(minimum), description: `${description} ${ID_NOTE}` });
}

/** An optional Magento id; null is the same as leaving it out. */
export function optionalMagentoId(description: string, minimum = 0) {
  return Type.Optional(
    Type.Unsafe<number | string | null>({ type: ["integer", "string", "null"], ...ID_BOUNDS(minimum), description: `${description} ${ID_NOTE}` }),
  );
}

const ID_NOTE = `A JSON integer or its digits as a string ('775'), at most ${MAX_INT32}.`;
const ID_BOUNDS = (minimum: number) => ({ minimum, maximum: MAX_INT32, pattern: "^[0-9]{1,10}$" });

export const flag = (description: string) => Type.Optional(Type.Boolean({ description }));
