import type { CreditFacts } from "../../events/payloads.js";
import type { Credit, CreditAuditEntry, CreditTransaction } from "../../generated/prisma/client.js";
import { toKiboAmount } from "../../money/index.js";
import { ACTIVITY_TYPES, CREDIT_TYPES } from "./fields.js";
import type { CreditAuditEntryJson, CreditTransactionJson, CustomerCreditJson } from "./schemas.js";

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** Kibo's creditTypeId for a credit type (1 StoreCredit, 2 GiftCard, 3 Custom). */
export function creditTypeId(creditType: Credit["creditType"]): number {
  return CREDIT_TYPES.indexOf(creditType) + 1;
}

/** The columns a CustomerCredit is made of: what its events describe, and who made and changed it when. */
export type CreditView = CreditFacts & Pick<Credit, "createdBy" | "createdAt" | "updatedBy" | "updatedAt">;

/** A credits row as Kibo's CustomerCredit. */
export function serializeCredit(credit: CreditView): CustomerCreditJson {
  return {
    code: credit.code,
    creditType: credit.creditType,
    creditTypeId: creditTypeId(credit.creditType),
    customCreditType: credit.customCreditType,
    currencyCode: credit.currencyCode,
    initialBalance: toKiboAmount(credit.initialBalance),
    currentBalance: toKiboAmount(credit.currentBalance),
    activationDate: iso(credit.activationDate),
    expirationDate: iso(credit.expirationDate),
    customerId: credit.customerId,
    auditInfo: {
      createBy: credit.createdBy,
      createDate: iso(credit.createdAt),
      updateBy: credit.updatedBy ?? credit.createdBy,
      updateDate: iso(credit.updatedAt),
    },
  };
}

/** A ledger row as Kibo's CreditTransaction; ledger rows never change, so update equals create. */
export function serializeTransaction(row: CreditTransaction): CreditTransactionJson {
  return {
    id: Number(row.id),
    transactionType: row.transactionType,
    impactAmount: toKiboAmount(row.impactAmount),
    comments: row.comments,
    orderId: row.orderId,
    data: row.data,
    auditInfo: { createBy: row.createdBy, createDate: iso(row.createdAt), updateBy: row.createdBy, updateDate: iso(row.createdAt) },
  };
}

/** An audit row as Kibo's CreditAuditEntry. */
export function serializeAuditEntry(row: CreditAuditEntry): CreditAuditEntryJson {
  return {
    activityType: row.activityType,
    activityTypeId: ACTIVITY_TYPES.indexOf(row.activityType) + 1,
    details: row.details,
    auditInfo: { createBy: row.createdBy, createDate: iso(row.createdAt), updateBy: row.createdBy, updateDate: iso(row.createdAt) },
  };
}
