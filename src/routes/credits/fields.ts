import type { Prisma } from "../../generated/prisma/client.js";
import type { ListSpec, ModelFields } from "../../query/index.js";

/** Kibo's credit types, in the order of their numeric twins (creditTypeId 1, 2, 3). */
export const CREDIT_TYPES = ["StoreCredit", "GiftCard", "Custom"] as const;
export type CreditTypeName = (typeof CREDIT_TYPES)[number];

export const TRANSACTION_TYPES = ["Credit", "Debit"] as const;

/** Audit activity types, in the order of their numeric twins (activityTypeId 1–6). */
export const ACTIVITY_TYPES = ["Created", "Updated", "Deleted", "Activated", "Deactivated", "Transaction"] as const;

const upper = (value: string): string => value.toUpperCase();

/** What `filter` and `sortBy` accept on credits. Codes and currencies compare case-insensitively. */
export const CREDIT_FIELDS: ModelFields<Prisma.CreditWhereInput> = [
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
export const TRANSACTION_FIELDS: ModelFields<Prisma.CreditTransactionWhereInput> = [
  { name: "id", type: "integer", wide: true },
  { name: "transactionType", type: "enum", enumValues: TRANSACTION_TYPES },
  { name: "impactAmount", type: "decimal" },
  { name: "orderId", type: "string", nullable: true },
  { name: "createDate", column: "createdAt", type: "datetime" },
];

/** What `filter` and `sortBy` accept on a credit's audit entries. */
export const AUDIT_ENTRY_FIELDS: ModelFields<Prisma.CreditAuditEntryWhereInput> = [
  { name: "activityType", type: "enum", enumValues: ACTIVITY_TYPES },
  { name: "createDate", column: "createdAt", type: "datetime" },
];

/** The credits list. Every list here breaks ties by id — creation order — so paging is stable. */
export const CREDIT_LIST: ListSpec<Prisma.CreditWhereInput, Prisma.CreditOrderByWithRelationInput> = {
  fields: CREDIT_FIELDS,
  tiebreaker: { column: "id" },
};

/** A credit's transactions. */
export const TRANSACTION_LIST: ListSpec<Prisma.CreditTransactionWhereInput, Prisma.CreditTransactionOrderByWithRelationInput> = {
  fields: TRANSACTION_FIELDS,
  tiebreaker: { column: "id" },
};

/** A credit's audit trail. */
export const AUDIT_ENTRY_LIST: ListSpec<Prisma.CreditAuditEntryWhereInput, Prisma.CreditAuditEntryOrderByWithRelationInput> = {
  fields: AUDIT_ENTRY_FIELDS,
  tiebreaker: { column: "id" },
};
