import type { Caller } from "../../auth/caller.js";
import type { TenantTx } from "../../db/transactions.js";
import { Errors } from "../../errors.js";
import type { Credit } from "../../generated/prisma/client.js";
import { type LockedCredit, lockCredit } from "../../ledger/lock.js";
import type { MailCustomer } from "../../mail/payloads.js";
import { toDate } from "../../query/filter/coerce.js";

/** Locks a live credit the caller may see; 404 for a deleted or another shopper's credit. */
export async function lockLiveCredit(tx: TenantTx, caller: Caller, code: string): Promise<LockedCredit> {
  const credit = await lockCredit(tx, { code });
  const visible = credit && credit.deletedAt === null && (caller.kind !== "shopper" || credit.customerId === caller.customerId);
  if (!credit || !visible) throw creditNotFound(code);
  return credit;
}

export function isExpired(credit: Credit, now: Date): boolean {
  return credit.expirationDate !== null && credit.expirationDate <= now;
}

export function readDate(field: string, value: string | null | undefined): Date | null {
  if (value === undefined || value === null) return null;
  const date = toDate(value.trim());
  if (!date || date.getUTCFullYear() < 1) {
    throw invalid(field, `${field} '${value}' is not a date: use ISO-8601 such as 2026-01-05 or 2026-01-05T14:30:00Z.`);
  }
  return date;
}

export function checkCustomType(creditType: string, customCreditType: string | null): string | null {
  const name = customCreditType?.trim() || null;
  if (creditType === "Custom" && name === null) {
    throw invalid("customCreditType", "customCreditType is required when creditType is Custom.");
  }
  if (creditType !== "Custom" && name !== null) {
    throw invalid("customCreditType", `customCreditType applies only to Custom credits, not ${creditType}.`);
  }
  return name;
}

export async function requireCustomer(tx: TenantTx, customerId: number): Promise<void> {
  const customer = await tx.customer.findFirst({ where: { customerId }, select: { id: true } });
  if (!customer) throw invalid("customerId", `customerId ${customerId} is not a customer of this tenant.`);
}

/** Whom a credit's email goes to: its customer's address and name, or null for a credit without a customer. */
export async function mailCustomer(tx: TenantTx, customerId: number | null): Promise<MailCustomer | null> {
  if (customerId === null) return null;
  return tx.customer.findFirst({ where: { customerId }, select: { email: true, firstName: true, lastName: true } });
}

export function invalid(parameter: string, message: string) {
  return Errors.invalidParameter(message, { parameter });
}

export function creditNotFound(code: string) {
  return Errors.notFound(`Credit ${code} was not found.`, { code });
}
