import type { Caller } from "../../auth/caller.js";
import type { TenantDb } from "../../db/tenant-scope.js";
import type { TenantTx } from "../../db/transactions.js";
import type { Credit, CreditAuditEntry, CreditTransaction, Prisma } from "../../generated/prisma/client.js";
import { listQuery, readPage, type ListInput, type Page } from "../../query/index.js";
import { AUDIT_ENTRY_LIST, CREDIT_LIST, TRANSACTION_LIST } from "./fields.js";
import { CREDIT_VIEW, type CreditView } from "./serialize.js";
import { creditNotFound } from "./shared.js";

/** Lists the tenant's live credits; a shopper sees only their own, whatever the filter says. */
export async function listCredits(db: TenantDb, caller: Caller, input: ListInput): Promise<Page<CreditView>> {
  const query = listQuery(input, CREDIT_LIST);
  const where: Prisma.CreditWhereInput = { AND: [{ deletedAt: null, ...ownedBy(caller) }, ...query.filters] };
  return readPage(
    query,
    (args) => db.credit.findMany({ where, select: CREDIT_VIEW, ...args }),
    () => db.credit.count({ where }),
  );
}

/** The live credit with this code (case-insensitive), as the caller may see it; 404 otherwise. */
export async function getCredit(db: TenantDb | TenantTx, caller: Caller, code: string): Promise<Credit> {
  const credit = await db.credit.findFirst({ where: { codeKey: code.toUpperCase(), deletedAt: null, ...ownedBy(caller) } });
  if (!credit) throw creditNotFound(code);
  return credit;
}

/** Lists a credit's ledger rows (the opening balance is the first Credit row). */
export async function listTransactions(
  db: TenantDb,
  caller: Caller,
  code: string,
  input: ListInput,
): Promise<Page<CreditTransaction>> {
  const query = listQuery(input, TRANSACTION_LIST);
  const credit = await getCredit(db, caller, code);
  const where: Prisma.CreditTransactionWhereInput = { AND: [{ creditId: credit.id }, ...query.filters] };
  return readPage(query, (args) => db.creditTransaction.findMany({ where, ...args }), () => db.creditTransaction.count({ where }));
}

/** Lists a credit's audit trail. */
export async function listAuditEntries(
  db: TenantDb,
  caller: Caller,
  code: string,
  input: ListInput,
): Promise<Page<CreditAuditEntry>> {
  const query = listQuery(input, AUDIT_ENTRY_LIST);
  const credit = await getCredit(db, caller, code);
  const where: Prisma.CreditAuditEntryWhereInput = { AND: [{ creditId: credit.id }, ...query.filters] };
  return readPage(query, (args) => db.creditAuditEntry.findMany({ where, ...args }), () => db.creditAuditEntry.count({ where }));
}

/** Shoppers are confined to their own credits; this is ANDed with whatever filter they send. */
function ownedBy(caller: Caller): { customerId?: number } {
  return caller.kind === "shopper" ? { customerId: caller.customerId } : {};
}
