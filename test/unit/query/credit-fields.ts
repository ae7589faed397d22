import type { FieldSpecMap } from "../../../src/query/fields.js";

/** The credit resource's field map as the tests assume it; the route's real map lives with the route. */
export const creditFields: FieldSpecMap = [
  { name: "code", column: "codeKey", type: "string", normalize: (value) => value.toUpperCase() },
  { name: "creditType", type: "enum", enumValues: ["StoreCredit", "GiftCard", "Custom"] },
  { name: "customCreditType", type: "string", nullable: true },
  { name: "currencyCode", type: "string" },
  { name: "initialBalance", type: "decimal" },
  { name: "currentBalance", type: "decimal" },
  { name: "activationDate", type: "datetime", nullable: true },
  { name: "expirationDate", type: "datetime", nullable: true },
  { name: "customerId", type: "integer", nullable: true },
  { name: "createDate", column: "createdAt", type: "datetime" },
  { name: "id", type: "integer", filterable: false },
];
