import Type, { type TSchema } from "typebox";
import type { MagentoField } from "../../magento/index.js";

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

// Amounts are declared as strings: Magento clients send '15.0000', and a JSON number is turned into its shortest
// decimal text by the validator's type coercion (15 → "15", 10.1 → "10.1") before the service reads it exactly.
const AMOUNT_NOTE = "A decimal string ('15.0000') or a JSON number.";

/** A Magento amount in a request. */
export function amount(description: string) {
  return Type.Unsafe<number | string>({ type: ["string", "number"], description: `${description} ${AMOUNT_NOTE}` });
}

/** An optional amount; null is the same as leaving it out. */
export function optionalAmount(description: string) {
  return Type.Optional(
    Type.Unsafe<number | string | null>({ type: ["string", "number", "null"], description: `${description} ${AMOUNT_NOTE}` }),
  );
}

export const flag = (description: string) => Type.Optional(Type.Boolean({ description }));
