import { actorName, type Caller } from "../../auth/caller.js";
import type { TenantTx } from "../../db/transactions.js";
import { Errors } from "../../errors.js";
import type { CreditTransaction, Prisma } from "../../generated/prisma/client.js";
import { lockCredit } from "../../ledger/lock.js";
import { creditName } from "../../ledger/names.js";
import { postTransaction } from "../../ledger/post.js";
import type { LedgerWrite } from "../../ledger/writes.js";
import { toDecimal } from "../../money/index.js";
import { minorUnitAmount, readAmountParameter, reportableAmount } from "../../money/parameters.js";
import { freeJsonProblem, jsonPathText } from "../../validation/json-limits.js";
import type { NewTransactionInput } from "./schemas.js";
import { creditNotFound, invalid, isExpired } from "./shared.js";

/**
 * Applies a Credit or Debit inside the caller's transaction. The credit row is locked first, so concurrent debits
 * queue on it: each sees the balance the previous one left, none overdraws, none is lost. The ledger posts the new
 * balance, the ledger row (noted in `written`) and the audit entry together.
 */
export async function addTransaction(
  tx: TenantTx,
  caller: Caller,
  code: string,
  input: NewTransactionInput,
  now: Date,
  written: LedgerWrite[],
): Promise<CreditTransaction> {
  const size = reportableAmount("impactAmount", readAmountParameter("impactAmount", input.impactAmount));
  const dataProblem = input.data === undefined ? undefined : freeJsonProblem(input.data);
  if (dataProblem) {
    const field = jsonPathText(dataProblem.path, "data");
    throw invalid(field, `${field} ${dataProblem.message}.`);
  }
  if (size.isZero()) throw invalid("impactAmount", "impactAmount must not be zero.");
  if (input.transactionType === "Credit" && size.isNegative()) {
    throw invalid("impactAmount", "A Credit must have a positive impactAmount; send a Debit to lower the balance.");
  }
  // Kibo's admin sends Debits signed, other clients unsigned: either way a Debit lowers the balance.
  const impact = input.transactionType === "Debit" ? size.abs().negated() : size;

  const credit = await lockCredit(tx, { code });
  if (!credit) throw creditNotFound(code);
  const name = creditName(credit);
  if (credit.deletedAt !== null) throw Errors.conflict(`${name} was deleted; no transactions can be added.`, { code: credit.code });
  const sentCurrency = input.currencyCode?.toUpperCase();
  if (sentCurrency !== undefined && sentCurrency !== credit.currencyCode) {
    throw Errors.conflict(`${name} is in ${credit.currencyCode}; a transaction in ${sentCurrency} cannot be applied to it.`, {
      code: credit.code,
    });
  }
  if (isExpired(credit, now)) {
    throw Errors.conflict(`${name} expired on ${credit.expirationDate?.toISOString()}; it can no longer be used.`, { code: credit.code });
  }
  if (impact.isNegative() && (credit.activationDate === null || credit.activationDate > now)) {
    const when = credit.activationDate ? ` until ${credit.activationDate.toISOString()}` : " yet";
    throw Errors.conflict(`${name} is not active${when}; it cannot be debited.`, { code: credit.code });
  }
  minorUnitAmount("impactAmount", size, credit.currencyCode);
  // An overdraft is the ledger's to refuse; a balance too large to answer as a JSON number is this face's.
  reportableAmount("impactAmount", toDecimal(credit.currentBalance).plus(impact));

  return postTransaction(
    tx,
    credit,
    {
      impact,
      action: input.transactionType === "Debit" ? "Used" : "Updated",
      actor: actorName(caller),
      now,
      comments: input.comments ?? null,
      orderId: input.orderId ?? null,
      ...(input.data === undefined || input.data === null ? {} : { data: input.data as Prisma.InputJsonValue }),
    },
    written,
  );
}
