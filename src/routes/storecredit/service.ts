import type { Caller } from "../../auth/caller.js";
import type { TenantDb } from "../../db/tenant-scope.js";
import { Prisma, type Website } from "../../generated/prisma/client.js";
import { toApiError } from "../../http/error-mapping.js";
import { balanceCreditsWhere } from "../../ledger/balance.js";
import { Decimal, toDecimal } from "../../money/index.js";
import { QueryError } from "../../query/index.js";
import { fault, withFault } from "../creditmemos/faults.js";
import { listArgs, type ListArgs, type ListInput } from "../creditmemos/listing.js";
import { actionNames, HISTORY_FIELDS, WIDE_HISTORY_FIELDS } from "./fields.js";
import type { HistoryContext, HistoryRow } from "./serialize.js";

/** Magento's fault 100 message, which every 400 of the store-credit routes carries. */
export const INVALID_DATA_MESSAGE = "Provided data is invalid.";

/** storecredit faults (API-NOTES §2), each with Magento's message. */
export const BalanceFaults = {
  invalidData: (detail: string, details: Record<string, string | number | undefined> = {}) =>
    fault("MISSING_OR_INVALID_PARAMETER", 100, INVALID_DATA_MESSAGE, details, `${INVALID_DATA_MESSAGE} ${detail}`),
  noBalance: () => fault("ITEM_NOT_FOUND", 101, "No balance found with requested parameters."),
  noHistory: () => fault("ITEM_NOT_FOUND", 102, "No history found with requested parameters."),
} as const;

/** A customer's balance in one website. */
export interface Balance extends HistoryContext {
  amount: Decimal;
}

/**
 * The customer's store-credit balance in the website: the sum of the current balances of the credits that count
 * (see balanceCreditsWhere). Fault 100 for a website the tenant does not have; fault 101 when no credit counts — also
 * when a shopper asks about another customer, so a shopper learns nothing about other customers.
 */
export async function getBalance(db: TenantDb, caller: Caller, customerId: number, websiteId: number, now: Date): Promise<Balance> {
  const website = await findWebsite(db, websiteId);
  if (!mayRead(caller, customerId)) throw BalanceFaults.noBalance();
  const result = await db.credit.aggregate({
    where: balanceCreditsWhere(customerId, website, now),
    _sum: { currentBalance: true },
    _count: { _all: true },
  });
  if (result._count._all === 0) throw BalanceFaults.noBalance();
  return {
    customerId,
    websiteId,
    currencyCode: website.baseCurrencyCode,
    amount: toDecimal(result._sum.currentBalance ?? 0),
  };
}

/** One page of history plus what the collection envelope needs. */
export interface HistoryPage extends HistoryContext {
  startIndex: number;
  pageSize: number;
  totalCount: number;
  items: HistoryRow[];
}

/**
 * Pages through the ledger rows of the credits that make up the customer's balance in the website, newest first
 * unless sorted otherwise. Each row carries the customer's balance in the website right after it: the running total
 * of those credits' rows in (created_at, id) order, so the newest row's balance_amount is the balance. Fault 102 when
 * the customer has no history there (or a shopper asks about another customer); a filter that matches nothing on
 * existing history is an empty page.
 */
export async function getHistory(
  db: TenantDb,
  caller: Caller,
  customerId: number,
  input: ListInput & { websiteId: number },
  now: Date,
): Promise<HistoryPage> {
  const args = historyArgs(input);
  const website = await findWebsite(db, input.websiteId);
  if (!mayRead(caller, customerId)) throw BalanceFaults.noHistory();
  const credits = await db.credit.findMany({ where: balanceCreditsWhere(customerId, website, now), select: { id: true } });
  if (credits.length === 0) throw BalanceFaults.noHistory();
  const creditIds = credits.map((credit) => credit.id);
  const ofCredits: Prisma.CreditTransactionWhereInput = { creditId: { in: creditIds } };
  const where = args.where ? { AND: [ofCredits, args.where as Prisma.CreditTransactionWhereInput] } : ofCredits;
  const [rows, totalCount] = await Promise.all([
    db.creditTransaction.findMany({
      where,
      orderBy: args.orderBy as Prisma.CreditTransactionOrderByWithRelationInput[],
      skip: args.skip,
      take: args.take,
    }),
    db.creditTransaction.count({ where }),
  ]);
  if (totalCount === 0 && (!args.where || !(await db.creditTransaction.findFirst({ where: ofCredits, select: { id: true } })))) {
    throw BalanceFaults.noHistory();
  }
  const running = await runningBalances(db, caller.tenantId, creditIds, rows.map((row) => row.id));
  return {
    startIndex: args.startIndex,
    pageSize: args.pageSize,
    totalCount,
    customerId,
    websiteId: input.websiteId,
    currencyCode: website.baseCurrencyCode,
    items: rows.map((row) => ({ ...row, balanceAmount: running.get(row.id) ?? new Decimal(0) })),
  };
}

/** Validates paging, sortBy and filter before any query runs; a mistake is a 400 with its position and fault 100. */
function historyArgs(input: ListInput): ListArgs {
  try {
    return listArgs(input, HISTORY_FIELDS, {
      tiebreaker: input.sortBy?.trim() ? { column: "id" } : { column: "id", direction: "desc" },
      defaultSort: "updated_at desc",
      wideIntegers: WIDE_HISTORY_FIELDS,
      rewrite: actionNames,
    });
  } catch (error) {
    if (error instanceof QueryError) throw withFault(toApiError(error), 100, INVALID_DATA_MESSAGE, true);
    throw error;
  }
}

/**
 * The customer's running balance after each of the given rows, computed over all rows of the counted credits so it
 * does not depend on the page or the filter. Raw SQL bypasses the tenant scope, so the tenant is part of it.
 */
async function runningBalances(db: TenantDb, tenantId: number, creditIds: bigint[], rowIds: bigint[]): Promise<Map<bigint, Decimal>> {
  if (rowIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ id: bigint; balance_amount: Prisma.Decimal }[]>(Prisma.sql`
    SELECT id, balance_amount FROM (
      SELECT id, SUM(impact_amount) OVER (ORDER BY created_at, id) AS balance_amount
      FROM credit_transactions
      WHERE tenant_id = ${tenantId} AND credit_id IN (${Prisma.join(creditIds)})
    ) running
    WHERE id IN (${Prisma.join(rowIds)})`);
  return new Map(rows.map((row) => [BigInt(row.id), toDecimal(row.balance_amount)]));
}

async function findWebsite(db: TenantDb, websiteId: number): Promise<Pick<Website, "id" | "baseCurrencyCode">> {
  const website = await db.website.findFirst({ where: { websiteId }, select: { id: true, baseCurrencyCode: true } });
  if (!website) throw BalanceFaults.invalidData(`Website ${websiteId} does not exist.`, { parameter: "websiteId" });
  return website;
}

/** Shoppers read only their own balance and history. */
function mayRead(caller: Caller, customerId: number): boolean {
  return caller.kind !== "shopper" || caller.customerId === customerId;
}
