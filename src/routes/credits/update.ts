import { actorName, type Caller, type ShopperCaller } from "../../auth/caller.js";
import type { TenantTx } from "../../db/transactions.js";
import { Errors } from "../../errors.js";
import type { Credit, Prisma } from "../../generated/prisma/client.js";
import { recordCreditChange, recordCreditDeletion } from "../../ledger/events.js";
import { lockCredit } from "../../ledger/lock.js";
import { creditName } from "../../ledger/names.js";
import { creditMailPayload, MailTopics } from "../../mail/payloads.js";
import { queueMail } from "../../mail/queue.js";
import { formatAmount, toDecimal } from "../../money/index.js";
import { readAmountParameter } from "../../money/parameters.js";
import { getCredit } from "./reads.js";
import type { CreditUpdateInput } from "./schemas.js";
import { creditTypeId } from "./serialize.js";
import { checkCustomType, creditNotFound, isExpired, lockLiveCredit, mailCustomer, readDate, requireCustomer } from "./shared.js";

/**
 * Applies the mutable properties of a Kibo CustomerCredit (expirationDate, customerId, customCreditType, and
 * activationDate while unset). Read-only properties may be sent back unchanged; a different value is a 400 naming it.
 * A change is announced by credit.updated naming the changed properties (see recordCreditChange).
 */
export async function updateCredit(tx: TenantTx, caller: Caller, code: string, input: CreditUpdateInput, now: Date): Promise<Credit> {
  const credit = await lockLiveCredit(tx, caller, code);
  checkReadOnly(credit, input);
  const changes: Prisma.CreditUncheckedUpdateInput = {};
  const described: string[] = [];
  const audit: { activityType: "Activated" | "Deactivated"; details: string }[] = [];

  if (input.activationDate !== undefined && credit.activationDate === null) {
    const activationDate = readDate("activationDate", input.activationDate);
    if (activationDate !== null) {
      changes.activationDate = activationDate;
      described.push(`activationDate: null → ${activationDate.toISOString()}`);
      audit.push({ activityType: "Activated", details: `Activated as of ${activationDate.toISOString()}` });
    }
  }
  if (input.expirationDate !== undefined) {
    const expirationDate = readDate("expirationDate", input.expirationDate);
    if (expirationDate?.getTime() !== credit.expirationDate?.getTime()) {
      changes.expirationDate = expirationDate;
      described.push(`expirationDate: ${isoOrNull(credit.expirationDate)} → ${isoOrNull(expirationDate)}`);
      if (expirationDate !== null && expirationDate <= now && !isExpired(credit, now)) {
        audit.push({ activityType: "Deactivated", details: `Expired as of ${expirationDate.toISOString()}` });
      }
    }
  }
  if (input.customerId !== undefined && input.customerId !== credit.customerId) {
    if (input.customerId !== null) await requireCustomer(tx, input.customerId);
    changes.customerId = input.customerId;
    described.push(`customerId: ${credit.customerId ?? "null"} → ${input.customerId ?? "null"}`);
  }
  if (input.customCreditType !== undefined) {
    const customCreditType = checkCustomType(credit.creditType, input.customCreditType);
    if (customCreditType !== credit.customCreditType) {
      changes.customCreditType = customCreditType;
      described.push(`customCreditType: ${credit.customCreditType ?? "null"} → ${customCreditType ?? "null"}`);
    }
  }
  if (described.length === 0) return credit;

  const actor = actorName(caller);
  const entries = [{ activityType: "Updated" as const, details: described.join("; ") }, ...audit];
  const updated = await tx.credit.update({
    where: { id: credit.id },
    data: {
      ...changes,
      updatedBy: actor,
      updatedAt: now,
      auditEntries: {
        create: entries.map((entry) => ({ ...entry, tenantId: caller.tenantId, createdBy: actor, createdAt: now })),
      },
    },
  });
  await recordCreditChange(tx, credit, updated, Object.keys(changes), now);
  return updated;
}

/** Properties the update may carry only with their stored value. */
function checkReadOnly(credit: Credit, input: CreditUpdateInput): void {
  const given = <T>(value: T | null | undefined): value is T => value !== undefined && value !== null;
  if (given(input.code) && input.code.toUpperCase() !== credit.codeKey) throw readOnly("code", credit.code);
  if (given(input.creditType) && input.creditType !== credit.creditType) throw readOnly("creditType", credit.creditType);
  if (given(input.creditTypeId) && input.creditTypeId !== creditTypeId(credit.creditType)) {
    throw readOnly("creditTypeId", String(creditTypeId(credit.creditType)));
  }
  if (given(input.currencyCode) && input.currencyCode.toUpperCase() !== credit.currencyCode) {
    throw readOnly("currencyCode", credit.currencyCode);
  }
  if (given(input.initialBalance) && !readAmountParameter("initialBalance", input.initialBalance).equals(toDecimal(credit.initialBalance))) {
    throw readOnly("initialBalance", formatAmount(credit.initialBalance, credit.currencyCode));
  }
  if (given(input.currentBalance) && !readAmountParameter("currentBalance", input.currentBalance).equals(toDecimal(credit.currentBalance))) {
    throw Errors.invalidParameter(
      `currentBalance is read-only: it is ${formatAmount(credit.currentBalance, credit.currencyCode)} and changes only through transactions.`,
      { parameter: "currentBalance" },
    );
  }
  if (credit.activationDate !== null && input.activationDate !== undefined) {
    const sent = readDate("activationDate", input.activationDate);
    if (sent?.getTime() !== credit.activationDate.getTime()) {
      throw Errors.invalidParameter(
        `activationDate is read-only once set: the credit was activated on ${credit.activationDate.toISOString()}.`,
        { parameter: "activationDate" },
      );
    }
  }
}

/** Soft-deletes a credit whose balance is zero; its code stays reserved and its ledger and audit trail remain. */
export async function deleteCredit(tx: TenantTx, caller: Caller, code: string, now: Date): Promise<void> {
  const credit = await lockLiveCredit(tx, caller, code);
  const balance = toDecimal(credit.currentBalance);
  if (!balance.isZero()) {
    throw Errors.conflict(
      `${creditName(credit)} still has ${formatAmount(balance, credit.currencyCode)} ${credit.currencyCode}; debit it to zero before deleting it.`,
      { code: credit.code },
    );
  }
  const actor = actorName(caller);
  const deleted = await tx.credit.update({
    where: { id: credit.id },
    data: {
      deletedAt: now,
      updatedBy: actor,
      updatedAt: now,
      auditEntries: {
        create: { tenantId: caller.tenantId, activityType: "Deleted", details: `Deleted ${credit.code}`, createdBy: actor, createdAt: now },
      },
    },
  });
  await recordCreditDeletion(tx, deleted);
}

/**
 * Binds an unowned credit to the calling shopper (the shopper redeems a gift card code). Already theirs: unchanged.
 * Another customer's: 409.
 */
export async function associateCreditToShopper(tx: TenantTx, caller: ShopperCaller, code: string, now: Date): Promise<Credit> {
  const credit = await lockCredit(tx, { code });
  if (!credit || credit.deletedAt !== null) throw creditNotFound(code);
  if (credit.customerId === caller.customerId) return credit;
  if (credit.customerId !== null) {
    throw Errors.conflict(`${creditName(credit)} is already associated with another customer.`, { code: credit.code });
  }
  const customer = await tx.customer.findFirst({ where: { customerId: caller.customerId }, select: { id: true } });
  if (!customer) {
    throw Errors.conflict(`Customer ${caller.customerId} is not known to this tenant, so no credit can be associated with it.`);
  }
  const actor = actorName(caller);
  const associated = await tx.credit.update({
    where: { id: credit.id },
    data: {
      customerId: caller.customerId,
      updatedBy: actor,
      updatedAt: now,
      auditEntries: {
        create: {
          tenantId: caller.tenantId,
          activityType: "Updated",
          details: `customerId: null → ${caller.customerId} (associated to shopper)`,
          createdBy: actor,
          createdAt: now,
        },
      },
    },
  });
  await recordCreditChange(tx, credit, associated, ["customerId"], now);
  return associated;
}

/**
 * Queues the credit-created email again for the credit's customer, with the credit as it stands now (balance, expiry).
 * A credit without a customer, or a customer without an email address, is still queued: the mailer records why it
 * cannot be sent (Failed, last_error), where an operator sees it.
 */
export async function resendCreditCreatedEmail(tx: TenantTx, caller: Caller, code: string, now: Date): Promise<void> {
  const credit = await getCredit(tx, caller, code);
  await queueMail(tx, {
    topic: MailTopics.creditResent,
    entityId: credit.code,
    payload: creditMailPayload(credit, await mailCustomer(tx, credit.customerId), actorName(caller)),
    now,
  });
}

const isoOrNull = (date: Date | null): string => (date ? date.toISOString() : "null");

function readOnly(parameter: string, stored: string) {
  return Errors.invalidParameter(`${parameter} is read-only: it is ${stored}; send the same value or leave it out.`, { parameter });
}
