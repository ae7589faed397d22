import type { Caller } from "../../auth/caller.js";
import { ApiError } from "../../errors.js";
import { tenantIdOf, type TenantDb } from "../../db/tenant-scope.js";
import { Prisma, type Website } from "../../generated/prisma/client.js";
import { balanceCreditsWhere, balanceIn } from "../../ledger/balance.js";
import { BALANCE_INVALID_DATA, BalanceFaults, withQueryFault } from "../../magento/index.js";
import { Decimal, toDecimal } from "../../money/index.js";
import { listQuery, readAll, readPage, type ListInput, type Page } from "../../query/index.js";
import { HISTORY_LIST } from "./fields.js";
import { serializeHistoryEntry, type HistoryContext, type HistoryEntry, type HistoryRow } from "./serialize.js";

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
  const { amount, credits } = await balanceIn(db, customerId, website, now);
  if (credits === 0) throw BalanceFaults.noBalance();
  return { customerId, websiteId, currencyCode: website.baseCurrencyCode, amount };
}

/** One page of history, and whose it is. */
export type HistoryPage = Page<HistoryRow> & HistoryContext;

/**
 * Pages through the ledger rows of the credits that make up the customer's balance in the website, newest first
 * unless sorted otherwise. Each row carries the customer's balance in the website right after it: the running total
 * of those credits' rows in (created_at, id) order, so the newest row's balance_amount is the balance. Fault 102 when
 * the customer has no history there (or a shopper asks about another customer); a filter that matches nothing on
 * existing history is an empty page. A paging, sortBy or filter mistake is a 400 with its position and fault 100,
 * before any query runs.
 */
export async function getHistory(
  db: TenantDb,
  caller: Caller,
  customerId: number,
  input: ListInput & { websiteId: number },
  now: Date,
): Promise<HistoryPage> {
  const query = withQueryFault(BALANCE_INVALID_DATA, () => listQuery(input, HISTORY_LIST));
  const website = await findWebsite(db, input.websiteId);
  if (!mayRead(caller, customerId)) throw BalanceFaults.noHistory();
  const credits = await db.credit.findMany({ where: balanceCreditsWhere(customerId, website, now), select: { id: true } });
  if (credits.length === 0) throw BalanceFaults.noHistory();
  const creditIds = credits.map((credit) => credit.id);
  const ofCredits: Prisma.CreditTransactionWhereInput = { creditId: { in: creditIds } };
  const where: Prisma.CreditTransactionWhereInput = { AND: [ofCredits, ...query.filters] };
  const page = await readPage(
    query,
    (args) => db.creditTransaction.findMany({ where, ...args }),
    () => db.creditTransaction.count({ where }),
  );
  const filtered = query.filters.length > 0;
  if (page.totalCount === 0 && (!filtered || !(await db.creditTransaction.findFirst({ where: ofCredits, select: { id: true } })))) {
    throw BalanceFaults.noHistory();
  }
  const running = await runningBalances(db, creditIds, page.items.map((row) => row.id));
  return {
    ...page,
    customerId,
    websiteId: input.websiteId,
    currencyCode: website.baseCurrencyCode,
    items: page.items.map((row) => ({ ...row, balanceAmount: running.get(row.id) ?? new Decimal(0) })),
  };
}

/**
 * Magento's storecredit.history as its SOAP API answers it, in one response: every entry of the customer in the
 * website, newest first, or — without a website, as Magento allows — in every website of the tenant where the
 * customer has history, each entry with its own website's running balance. Fault 102 when there is none anywhere;
 * more than `limit` entries is fault 100, pointing to the paged REST history instead of building an unbounded answer.
 */
export async function getAllHistory(
  db: TenantDb,
  caller: Caller,
  customerId: number,
  websiteId: number | undefined,
  now: Date,
  limit: number,
): Promise<HistoryEntry[]> {
  const websiteIds =
    websiteId !== undefined
      ? [websiteId]
      : (await db.website.findMany({ select: { websiteId: true }, orderBy: { websiteId: "asc" } })).map((website) => website.websiteId);
  const entries: { row: HistoryRow; entry: HistoryEntry }[] = [];
  for (const id of websiteIds) {
    let context: HistoryContext | undefined;
    const rows = await readAll(
      async (page) => {
        const read = await getHistory(db, caller, customerId, { websiteId: id, ...page }, now).catch((error: unknown) => {
          // Without a website, one where the customer has no history is simply not part of the answer.
          if (websiteId === undefined && isNoHistory(error)) return undefined;
          throw error;
        });
        context = read;
        return read ?? { startIndex: 0, pageSize: page.pageSize, totalCount: 0, items: [] };
      },
      limit - entries.length,
      (totalCount) => BalanceFaults.invalidData(`The history has more than ${limit} entries (${totalCount} in website ${id}); read it page by page from the REST history.`),
    );
    for (const row of rows) entries.push({ row, entry: serializeHistoryEntry(row, context!) });
  }
  if (entries.length === 0) throw BalanceFaults.noHistory();
  if (websiteIds.length > 1) entries.sort((a, b) => b.row.createdAt.getTime() - a.row.createdAt.getTime() || Number(b.row.id - a.row.id));
  return entries.map(({ entry }) => entry);
}

const isNoHistory = (error: unknown): boolean =>
  error instanceof ApiError && error.additionalErrorData.some((datum) => datum.name === "faultCode" && datum.value === 102);

/**
 * The customer's running balance after each of the given rows, computed over all rows of the counted credits so it
 * does not depend on the page or the filter. Raw SQL bypasses the tenant scope, so the tenant is part of it.
 */
async function runningBalances(db: TenantDb, creditIds: bigint[], rowIds: bigint[]): Promise<Map<bigint, Decimal>> {
  if (rowIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ id: bigint; balance_amount: Prisma.Decimal }[]>(Prisma.sql`
    SELECT id, balance_amount FROM (
      SELECT id, SUM(impact_amount) OVER (ORDER BY created_at, id) AS balance_amount
      FROM credit_transactions
      WHERE tenant_id = ${tenantIdOf(db)} AND credit_id IN (${Prisma.join(creditIds)})
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
