import { tenantIdOf } from "../db/tenant-scope.js";
import type { TenantTx } from "../db/transactions.js";
import { creditCreatedEvent } from "../events/payloads.js";
import { recordEvents } from "../events/record.js";
import type { CreditType } from "../generated/prisma/enums.js";
import { type Decimal, formatAmount } from "../money/index.js";
import { generateCreditCode } from "./codes.js";
import { balanceEvents } from "./events.js";
import type { LockedCredit } from "./lock.js";
import type { LedgerWrite } from "./writes.js";

/** A credit to open, every value already checked by the face that asks for it. */
export interface NewCredit {
  creditType: CreditType;
  /** Not yet used in the tenant: a checked client-chosen code, or one from unusedCode. */
  code: string;
  customCreditType?: string | null;
  currencyCode: string;
  /** Not negative; a positive one is the opening Credit row. */
  openingBalance: Decimal;
  activationDate: Date | null;
  expirationDate?: Date | null;
  customerId: number | null;
  /** The website the credit is restricted to; omitted, it is usable in all of the tenant's websites. */
  websiteRef?: number;
  /** Recorded in createdBy/updatedBy (see actorName). */
  actor: string;
  now: Date;
  /** Ends the Created audit entry: why the credit was opened, e.g. for a credit memo's refund. */
  reason?: string;
}

/**
 * Creates a credit with its opening balance: the credit row, the opening ledger row (Credit, action Created) when
 * the balance is positive, noted in `written`, a Created audit entry, and the events announcing it (credit.created,
 * and storecredit.balance.updated when the opening balance already counts toward the customer's balance). The row
 * is new in this transaction, so no other transaction can change it before it commits: it is as good as locked.
 */
export async function openCredit(tx: TenantTx, credit: NewCredit, written: LedgerWrite[]): Promise<LockedCredit> {
  const { code, creditType, currencyCode, actor, now } = credit;
  const tenantId = tenantIdOf(tx);
  const amount = credit.openingBalance.toFixed();
  const reason = credit.reason === undefined ? "" : ` ${credit.reason}`;
  const { transactions, ...created } = await tx.credit.create({
    data: {
      tenantId,
      code,
      codeKey: code.toUpperCase(),
      creditType,
      customCreditType: credit.customCreditType ?? null,
      currencyCode,
      initialBalance: amount,
      currentBalance: amount,
      activationDate: credit.activationDate,
      expirationDate: credit.expirationDate ?? null,
      customerId: credit.customerId,
      websiteRef: credit.websiteRef ?? null,
      createdBy: actor,
      createdAt: now,
      updatedBy: actor,
      updatedAt: now,
      transactions: credit.openingBalance.isZero()
        ? {}
        : {
            create: {
              tenantId,
              transactionType: "Credit",
              impactAmount: amount,
              balanceAfter: amount,
              action: "Created",
              comments: "Initial balance",
              createdBy: actor,
              createdAt: now,
            },
          },
      auditEntries: {
        create: {
          tenantId,
          activityType: "Created",
          details: `Created ${creditType} ${code} with initial balance ${formatAmount(credit.openingBalance, currencyCode)} ${currencyCode}${reason}`,
          createdBy: actor,
          createdAt: now,
        },
      },
    },
    include: { transactions: { select: { id: true } } },
  });
  if (!credit.openingBalance.isZero()) written.push({ type: "Credit", action: "Created" });
  const opening = transactions[0]?.id ?? null;
  await recordEvents(tx, [creditCreatedEvent(created), ...(await balanceEvents(tx, null, created, { now, transactionId: opening }))]);
  return created as LockedCredit;
}

/** A generated code (see generateCreditCode) that no credit of the tenant has, deleted or not. */
export async function unusedCode(tx: TenantTx, creditType: CreditType): Promise<string> {
  // A collision among 2^79 codes is not expected; the loop only makes it harmless.
  for (;;) {
    const code = generateCreditCode(creditType);
    if (!(await tx.credit.findFirst({ where: { codeKey: code }, select: { id: true } }))) return code;
  }
}
