import { actorName, type Caller } from "../../auth/caller.js";
import { isUniqueViolation, type TenantTx } from "../../db/transactions.js";
import { Errors } from "../../errors.js";
import type { Credit } from "../../generated/prisma/client.js";
import { openCredit, unusedCode } from "../../ledger/open.js";
import type { LedgerWrite } from "../../ledger/writes.js";
import { creditMailPayload, MailTopics } from "../../mail/payloads.js";
import { queueMail } from "../../mail/queue.js";
import { isActiveCurrency } from "../../money/index.js";
import { minorUnitAmount, readAmountParameter, reportableAmount } from "../../money/parameters.js";
import type { NewCreditInput } from "./schemas.js";
import { creditTypeId } from "./serialize.js";
import { checkCustomType, invalid, mailCustomer, readDate, requireCustomer } from "./shared.js";

/**
 * Creates a credit inside the caller's transaction, opened by the ledger (see openCredit) with the initial balance;
 * an opening ledger row is noted in `written`. A credit created for a customer queues the credit-created email to
 * them in the same transaction.
 */
export async function addCredit(
  tx: TenantTx,
  caller: Caller,
  input: NewCreditInput,
  now: Date,
  written: LedgerWrite[],
): Promise<Credit> {
  const creditType = input.creditType;
  if (input.creditTypeId !== undefined && input.creditTypeId !== null && input.creditTypeId !== creditTypeId(creditType)) {
    throw invalid("creditTypeId", `creditTypeId ${input.creditTypeId} does not match creditType ${creditType} (${creditTypeId(creditType)}).`);
  }
  const customCreditType = checkCustomType(creditType, input.customCreditType ?? null);
  const initialBalance = reportableAmount("initialBalance", readAmountParameter("initialBalance", input.initialBalance ?? 0));
  if (initialBalance.isNegative()) throw invalid("initialBalance", "initialBalance must not be negative.");
  if (input.currentBalance !== undefined && input.currentBalance !== null) {
    if (!readAmountParameter("currentBalance", input.currentBalance).equals(initialBalance)) {
      throw invalid("currentBalance", "currentBalance is read-only: a new credit's balance is its initialBalance.");
    }
  }
  // Omitted: usable at once, as credits issued by a clerk are. An explicit null creates the credit inactive.
  const activationDate = input.activationDate === undefined ? now : readDate("activationDate", input.activationDate);
  const expirationDate = readDate("expirationDate", input.expirationDate);
  const currencyCode = await resolveCurrency(tx, caller, input.currencyCode ?? null);
  minorUnitAmount("initialBalance", initialBalance, currencyCode);
  const customerId = input.customerId ?? null;
  if (customerId !== null) await requireCustomer(tx, customerId);
  const code = input.code === undefined || input.code === null ? await unusedCode(tx, creditType) : await freeCode(tx, input.code);

  let credit: Credit;
  try {
    credit = await openCredit(
      tx,
      {
        creditType,
        code,
        customCreditType,
        currencyCode,
        openingBalance: initialBalance,
        activationDate,
        expirationDate,
        customerId,
        actor: actorName(caller),
        now,
      },
      written,
    );
  } catch (error) {
    // Two creates of one code raced past the check above; the unique index decided.
    if (isUniqueViolation(error)) throw duplicateCode(code);
    throw error;
  }
  if (customerId !== null) {
    await queueMail(tx, {
      topic: MailTopics.creditCreated,
      entityId: credit.code,
      payload: creditMailPayload(credit, await mailCustomer(tx, customerId), actorName(caller)),
      now,
    });
  }
  return credit;
}

/**
 * A client-chosen code, checked and not yet used in the tenant (deleted credits' codes stay taken). Codes are
 * printable ASCII: they travel in URLs and on printed cards, and codeKey must equal PostgreSQL's upper(code), which
 * only ASCII guarantees matches JavaScript's toUpperCase.
 */
async function freeCode(tx: TenantTx, code: string): Promise<string> {
  if (!/^[\x20-\x7E]+$/.test(code) || code.trim() !== code) {
    throw invalid("code", "code may contain only printable ASCII characters and must not start or end with a space.");
  }
  if (await tx.credit.findFirst({ where: { codeKey: code.toUpperCase() }, select: { id: true } })) throw duplicateCode(code);
  return code;
}

async function resolveCurrency(tx: TenantTx, caller: Caller, requested: string | null): Promise<string> {
  if (requested !== null) {
    const code = requested.toUpperCase();
    if (!isActiveCurrency(code)) throw invalid("currencyCode", `currencyCode '${requested}' is not an active ISO 4217 currency code.`);
    return code;
  }
  const website =
    caller.websiteRef === undefined
      ? null
      : await tx.website.findFirst({ where: { id: caller.websiteRef }, select: { baseCurrencyCode: true } });
  if (!website) throw invalid("currencyCode", "currencyCode is required unless the request selects a site with x-vol-site.");
  return website.baseCurrencyCode;
}

function duplicateCode(code: string) {
  return Errors.alreadyExists(`A credit with code ${code} already exists (codes are compared case-insensitively).`, { code });
}
