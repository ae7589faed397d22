import type { Caller } from "../../auth/caller.js";
import type { TenantDb } from "../../db/tenant-scope.js";
import type { TenantTx } from "../../db/transactions.js";
import type { Credit, CreditAuditEntry, CreditTransaction, Prisma } from "../../generated/prisma/client.js";
import { listQuery, parseList, readPage, type ListInput, type Page, type SqlCondition, TenantSql } from "../../query/index.js";
import { AUDIT_ENTRY_LIST, CREDIT_LIST, TRANSACTION_LIST } from "./fields.js";
import { CREDIT_TABLE, type CreditRow, serializeCreditRow } from "./list-sql.js";
import type { CustomerCreditJson } from "./schemas.js";
import { creditNotFound } from "./shared.js";

/**
 * Lists the tenant's live credits; a shopper sees only their own, whatever the filter says. The hot list: read with
 * the filter's SQL target (list-sql.ts), which the differential test holds to what the Prisma target would answer.
 */
export async function listCredits(db: TenantDb, caller: Caller, input: ListInput): Promise<Page<CustomerCreditJson>> {
  const query = parseList(input, CREDIT_LIST);
  const scope: SqlCondition[] = [{ column: "deletedAt", isNull: true }];
  if (caller.kind === "shopper") scope.push({ column: "customerId", equals: caller.customerId });
  const { page, count } = TenantSql.list(CREDIT_TABLE, query, scope);
  return readPage(
    query,
    async () => (await db.$rows<CreditRow>(page)).map(serializeCreditRow),
    async () => (await db.$rows<{ count: number }>(count))[0]?.count ?? 0,
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
