import type { Credit, Prisma } from "../../generated/prisma/client.js";
import { buildLedger, type LedgerMove, toDecimal } from "../ledger.js";
import { createTenant } from "./tenants.js";
import { type Db, random } from "./unique.js";

const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

/** A ledger row to write after the opening one: `{ type: "Debit", amount: "12.50" }`; the Debit sign is applied for you. */
export type CreditTransactionSpec = LedgerMove;

/**
 * Credit columns except the derived codeKey and currentBalance; `transactions` are applied in order after the
 * opening row. A new tenant is created unless `tenantId` is given; `customerId` must name an existing customer.
 */
export type CreditOverrides = Partial<Omit<Prisma.CreditCreateManyInput, "codeKey" | "currentBalance">> & {
  transactions?: readonly CreditTransactionSpec[];
};

const CODE_PREFIX = { GiftCard: "GC", StoreCredit: "SC", Custom: "CU" } as const;

/**
 * Creates an active USD gift card (50.00 by default) with its ledger and audit trail: the opening row when the
 * initial balance is positive, one row per `transactions` entry, currentBalance = the last balanceAfter, a
 * Created audit entry and a Transaction audit entry per extra row. Throws if a Debit would overdraw.
 */
export async function createCredit(db: Db, overrides: CreditOverrides = {}): Promise<Credit> {
  const { transactions = [], ...columns } = overrides;
  const tenantId = columns.tenantId ?? (await createTenant(db)).id;
  const creditType = columns.creditType ?? "GiftCard";
  const code = columns.code ?? `${CODE_PREFIX[creditType]}-${random.code(16)}`;
  const initialBalance = toDecimal(columns.initialBalance ?? "50.00");
  const createdAt = toDate(columns.createdAt ?? new Date());
  const createdBy = columns.createdBy ?? "test-factory";
  const ledger = buildLedger(initialBalance, transactions, { createdAt, createdBy });
  const currencyCode = columns.currencyCode ?? "USD";
  const audit: Prisma.CreditAuditEntryCreateManyCreditInput[] = [
    {
      tenantId,
      activityType: "Created",
      details: `Created ${creditType} ${code} with initial balance ${initialBalance.toFixed(2)} ${currencyCode}`,
      createdBy,
      createdAt,
    },
    ...ledger.moves.map((row) => ({
      tenantId,
      activityType: "Transaction" as const,
      details: `${row.transactionType} ${row.impactAmount}; balance ${row.balanceAfter}`,
      createdBy: row.createdBy,
      createdAt: row.createdAt,
    })),
  ];
  return db.credit.create({
    data: {
      customCreditType: creditType === "Custom" ? "Loyalty Reward" : null,
      activationDate: createdAt,
      createdBy,
      ...columns,
      tenantId,
      creditType,
      code,
      codeKey: code.toUpperCase(),
      currencyCode,
      initialBalance: initialBalance.toFixed(),
      currentBalance: ledger.currentBalance,
      createdAt,
      transactions: { create: ledger.rows.map((row) => ({ ...row, tenantId })) },
      auditEntries: { create: audit },
    },
  });
}
