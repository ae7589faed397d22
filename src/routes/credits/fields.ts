import { toDate, toInteger } from "../../query/filter/coerce.js";
import { QueryError, type FieldSpec, type FieldSpecMap, type FilterNode, type ValueLiteral } from "../../query/index.js";

/** Kibo's credit types, in the order of their numeric twins (creditTypeId 1, 2, 3). */
export const CREDIT_TYPES = ["StoreCredit", "GiftCard", "Custom"] as const;
export type CreditTypeName = (typeof CREDIT_TYPES)[number];

export const TRANSACTION_TYPES = ["Credit", "Debit"] as const;

/** Audit activity types, in the order of their numeric twins (activityTypeId 1–6). */
export const ACTIVITY_TYPES = ["Created", "Updated", "Deleted", "Activated", "Deactivated", "Transaction"] as const;

const upper = (value: string): string => value.toUpperCase();

/** What `filter` and `sortBy` accept on credits. Codes and currencies compare case-insensitively. */
export const CREDIT_FIELDS: FieldSpecMap = [
  // codeKey holds upper(code): eq, sw and cont on a code ignore case and can use an index.
  { name: "code", column: "codeKey", type: "string", normalize: upper },
  { name: "creditType", type: "enum", enumValues: CREDIT_TYPES },
  { name: "customCreditType", type: "string", nullable: true },
  { name: "currencyCode", type: "string", normalize: upper },
  { name: "initialBalance", type: "decimal" },
  { name: "currentBalance", type: "decimal" },
  { name: "activationDate", type: "datetime", nullable: true },
  { name: "expirationDate", type: "datetime", nullable: true },
  { name: "customerId", type: "integer", nullable: true },
  { name: "createDate", column: "createdAt", type: "datetime" },
  { name: "updateDate", column: "updatedAt", type: "datetime" },
];

/** What `filter` and `sortBy` accept on a credit's transactions. `impactAmount` is signed (Debits negative). */
export const TRANSACTION_FIELDS: FieldSpecMap = [
  { name: "id", type: "integer" },
  { name: "transactionType", type: "enum", enumValues: TRANSACTION_TYPES },
  { name: "impactAmount", type: "decimal" },
  { name: "orderId", type: "string", nullable: true },
  { name: "createDate", column: "createdAt", type: "datetime" },
];

/** What `filter` and `sortBy` accept on a credit's audit entries. */
export const AUDIT_ENTRY_FIELDS: FieldSpecMap = [
  { name: "activityType", type: "enum", enumValues: ACTIVITY_TYPES },
  { name: "createDate", column: "createdAt", type: "datetime" },
];

// Integer fields stored in 32-bit columns: a larger value would fail inside Prisma instead of matching nothing.
const INT32_FIELDS = new Set(["customerid"]);
const MAX_INT32 = 2_147_483_647;

/**
 * Refuses filter values the database cannot take — integers beyond a 32-bit column, dates before year 1 — with a
 * 400 pointing at the value, before they reach a query. The compiler checks everything else.
 */
export function checkFilterRanges(node: FilterNode, fields: FieldSpecMap): void {
  switch (node.kind) {
    case "and":
    case "or":
      for (const operand of node.operands) checkFilterRanges(operand, fields);
      return;
    case "comparison":
      if (node.value.kind !== "null") checkValue(node.field.name, node.value, fields);
      return;
    case "in":
      for (const value of node.values) checkValue(node.field.name, value, fields);
  }
}

function checkValue(fieldName: string, literal: ValueLiteral, fields: FieldSpecMap): void {
  const spec = fields.find((field) => field.name.toLowerCase() === fieldName.toLowerCase());
  const text = literal.kind === "string" ? literal.value : literal.raw;
  const integer = spec?.type === "integer" && INT32_FIELDS.has(spec.name.toLowerCase()) ? toInteger(text) : undefined;
  const date = spec?.type === "datetime" ? toDate(text) : undefined;
  if ((integer !== undefined && Math.abs(integer) > MAX_INT32) || (date !== undefined && date.getUTCFullYear() < 1)) {
    throw new QueryError({
      code: "INVALID_VALUE",
      message: `Value '${text}' at position ${literal.position} is out of range for field '${spec?.name ?? fieldName}'`,
      parameter: "filter",
      position: literal.position,
      length: literal.length,
    });
  }
}

/** One line per field for the OpenAPI description of `filter` and `sortBy`. */
export function describeFields(fields: FieldSpecMap): string {
  return fields.map((field: FieldSpec) => `\`${field.name}\` (${describeType(field)})`).join(", ");
}

function describeType(field: FieldSpec): string {
  const type = field.type === "enum" ? (field.enumValues ?? []).join(" | ") : field.type;
  return field.nullable ? `${type}, nullable` : type;
}
