import type { Database } from "../../db/database.js";
import { forTenant } from "../../db/tenant-scope.js";
import { Errors } from "../../errors.js";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import type { ApiAccount } from "./credentials.js";
import type { CoalitionKind } from "./params.js";
import { customerMapper, type Valuation } from "./records.js";
import { type BatchRow, balancesBatchQuery, type LedgerScope } from "./sql.js";
import type { ReportCustomer } from "./writers.js";

/** What a report reads (campaigns, tenant) and how it values what it reads. */
export interface ReportScope extends LedgerScope {
  valuation: Valuation;
}

const KIND_NAMES: Record<CoalitionKind, string> = { Points: "points", StoredValue: "stored-value" };

/**
 * The scope of a report on `campaignId` for the signed-in account: that campaign alone, or with a coalition kind
 * every campaign of the account of that kind and currency that has not opted out. The campaign must be the
 * account's (404 otherwise); for a coalition it must be of the pooled kind and take part, since its ratio values
 * the pooled points.
 */
export async function reportScope(
  prisma: PrismaClient,
  account: ApiAccount,
  campaignId: bigint,
  coalition: CoalitionKind | undefined,
): Promise<ReportScope> {
  const db = forTenant(prisma, account.tenantId);
  const campaign = await db.loyaltyCampaign.findFirst({ where: { id: campaignId, accountId: account.id } });
  if (!campaign) throw Errors.notFound(`Campaign ${campaignId} was not found in this account.`, { campaign_id: String(campaignId) });
  const valuation: Valuation =
    campaign.kind === "Points" ? { kind: "Points", pointsPerCurrencyUnit: campaign.pointsPerCurrencyUnit } : { kind: "StoredValue" };
  const scope = { tenantId: account.tenantId, kind: campaign.kind, valuation };
  if (!coalition) return { ...scope, campaignIds: [campaign.id] };
  if (campaign.kind !== coalition) {
    throw Errors.invalidParameter(
      `A ${KIND_NAMES[coalition]} coalition needs a ${KIND_NAMES[coalition]} campaign; campaign ${campaignId} is ${KIND_NAMES[campaign.kind]}.`,
    );
  }
  if (campaign.coalitionOptOut) {
    throw Errors.invalidParameter(`Campaign ${campaignId} has opted out of the coalition; ask for it without coalition_balance.`);
  }
  const pooled = await db.loyaltyCampaign.findMany({
    where: { accountId: account.id, kind: coalition, currencyCode: campaign.currencyCode, coalitionOptOut: false },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  return { ...scope, campaignIds: pooled.map((pooledCampaign) => pooledCampaign.id) };
}

/** Which customers of the report to return, in customer order. */
export interface Paging {
  offset: number;
  /** Undefined: all of them. */
  limit: number | undefined;
}

export interface BatchOptions<T> {
  /** Customers per query. */
  batchSize: number;
  /** Aborted when the client goes away: no further batch is queried. */
  signal: AbortSignal;
  /**
   * Turns each batch's customers into what is yielded (the response text), as soon as the batch arrives. Rows and
   * customers then never wait for a slow client: they die young instead of being promoted to V8's old generation,
   * which would otherwise grow by a few hundred megabytes of garbage over a large report before it is collected.
   */
  render: (customers: ReportCustomer[]) => T;
}

/**
 * The report, a batch per query in customer order, each rendered by `options.render`. Only one rendered batch and
 * the query for the next are alive at a time, so memory stays flat whatever the campaign's size; a database error
 * surfaces from the batch it happened in.
 */
export async function* customerBalanceBatches<T>(
  database: Pick<Database, "withSession">,
  scope: ReportScope,
  paging: Paging,
  options: BatchOptions<T>,
): AsyncGenerator<T> {
  const toCustomer = customerMapper(scope.valuation);
  let remaining = paging.limit ?? Number.POSITIVE_INFINITY;
  const query = async (after: number, offset: number) => {
    const size = Math.min(options.batchSize, remaining);
    const rows = await queryBatch(database, balancesBatchQuery(scope, { after, offset, size }));
    const batch = {
      rendered: options.render(rows.filter((row) => row.in_tenant).map(toCustomer)),
      count: rows.length,
      next: rows.length === size ? rows.at(-1)?.ref : undefined,
    };
    // node-postgres keeps a finished query's result reachable from its pooled connection for a while, long enough
    // for V8 to promote the rows to the old generation (about 160 MB per 200,000 customers, measured with pg
    // 8.23); emptying the array lets them die young.
    rows.length = 0;
    return batch;
  };
  let pending = remaining > 0 ? query(0, paging.offset) : undefined;
  try {
    while (pending && !options.signal.aborted) {
      const batch = await pending;
      pending = undefined;
      remaining -= batch.count;
      // The next batch is queried while this one is written out, so the database and the socket work together.
      if (batch.next !== undefined && remaining > 0) pending = query(batch.next, 0);
      yield batch.rendered;
    }
  } finally {
    // A batch queried for a client that has gone away is dropped; its failure must not go unhandled.
    pending?.catch(() => undefined);
  }
}

/**
 * Runs a batch query on a raw session rather than through Prisma's $queryRaw. Through Prisma the driver's rows
 * cannot be released (see above), so the process grew by 100+ MB of promoted garbage during a 200,000-customer
 * report; on the session they can, and the query costs a third less CPU. The statement is still built with
 * Prisma.sql, so every value is a parameter.
 */
async function queryBatch(database: Pick<Database, "withSession">, sql: Prisma.Sql): Promise<BatchRow[]> {
  return database.withSession(async (session) => {
    // PostgreSQL decides on JIT compilation from cost estimates that grow with the ledger, not with the batch, and
    // compiling costs tens of milliseconds, several times what a batch takes.
    await session.exec("SET jit = off");
    try {
      return await session.query<BatchRow>(sql.text, sql.values);
    } finally {
      await session.exec("RESET jit");
    }
  });
}
