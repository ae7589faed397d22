import type { TenantDb } from "../../db/tenant-scope.js";
import type { TenantTx } from "../../db/transactions.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { Errors } from "../../errors.js";
import { INVALID_FILTER, MemoFaults, withFault, withQueryFault, type CreditmemoRecord } from "../../magento/index.js";
import { listQuery, readAll, readPage, type ListInput, type Page } from "../../query/index.js";
import { CREDITMEMO_LIST } from "./fields.js";

/** What a credit memo entity is read with: its order's increment id, its lines and comments in creation order. */
export const MEMO_INCLUDE = {
  order: { select: { incrementId: true } },
  items: { orderBy: { item_id: "asc" } },
  comments: { orderBy: { comment_id: "asc" } },
} as const satisfies Prisma.CreditmemoInclude;

type MemoWithOrder = Prisma.CreditmemoGetPayload<{ include: { order: { select: { incrementId: true } } } }>;

/** The credit memo with this increment id, with its lines and comments; fault 100 when there is none. */
export async function getCreditmemo(db: TenantDb | TenantTx, incrementId: string): Promise<CreditmemoRecord> {
  const memo = await db.creditmemo.findFirst({ where: { increment_id: incrementId }, include: MEMO_INCLUDE });
  if (!memo) throw MemoFaults.notFound(incrementId);
  return withOrderIncrementId(memo);
}

/** A credit memo as the list shows it: its own columns and its order's increment id. */
export type MemoSummary = Omit<MemoWithOrder, "order"> & { order_increment_id: string };

/**
 * Lists the tenant's credit memos, filtered and sorted as asked (default: creditmemo_id ascending). A paging, sortBy
 * or filter mistake is a 400 with its position and fault 101, before any query runs.
 */
export async function listCreditmemos(db: TenantDb, input: ListInput): Promise<Page<MemoSummary>> {
  const query = withQueryFault(INVALID_FILTER, () => listQuery(input, CREDITMEMO_LIST));
  const where: Prisma.CreditmemoWhereInput = { AND: query.filters };
  const page = await readPage(
    query,
    (args) => db.creditmemo.findMany({ where, include: { order: { select: { incrementId: true } } }, ...args }),
    () => db.creditmemo.count({ where }),
  );
  return { ...page, items: page.items.map(withOrderIncrementId) };
}

function withOrderIncrementId<Memo extends MemoWithOrder>({ order, ...memo }: Memo): Omit<Memo, "order"> & { order_increment_id: string } {
  return { ...memo, order_increment_id: order.incrementId };
}

/**
 * Every credit memo the filter matches, oldest first, for Magento's SOAP list, which answers in one response: more
 * than `limit` matches is fault 101, asking for a narrower filter rather than building an unbounded answer.
 */
export async function listAllCreditmemos(db: TenantDb, filter: string | undefined, limit: number): Promise<MemoSummary[]> {
  return readAll(
    (page) => listCreditmemos(db, { filter, ...page }),
    limit,
    (totalCount) =>
      withFault(
        Errors.invalidParameter(`${totalCount} credit memos match; narrow the filter to at most ${limit} (or page through the REST list).`, {
          parameter: "filters",
        }),
        INVALID_FILTER,
      ),
  );
}
