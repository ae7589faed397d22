import type { Database, SqlClient } from "../../db/database.js";
import { type TenantDb, tenantIdOf } from "../../db/tenant-scope.js";
import { Errors } from "../../errors.js";
import type { Prisma } from "../../generated/prisma/client.js";
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
  db: TenantDb,
  account: ApiAccount,
  campaignId: bigint,
  coalition: CoalitionKind | undefined,
): Promise<ReportScope> {
  const campaign = await db.loyaltyCampaign.findFirst({ where: { id: campaignId, accountId: account.id } });
  if (!campaign) {
    throw Errors.notFound(`Campaign ${campaignId} was not found in this account.`, { campaign_id: String(campaignId) });
  }
  const valuation: Valuation =
    campaign.kind === "Points"
      ? { kind: "Points", pointsPerCurrencyUnit: campaign.pointsPerCurrencyUnit }
      : { kind: "StoredValue" };
  const scope = { tenantId: tenantIdOf(db), kind: campaign.kind, valuation };
  if (!coalition) return { ...scope, campaignIds: [campaign.id] };
  if (campaign.kind !== coalition) {
    const wanted = KIND_NAMES[coalition];
    throw Errors.invalidParameter(
      `A ${wanted} coalition needs a ${wanted} campaign; campaign ${campaignId} is ${KIND_NAMES[campaign.kind]}.`,
    );
  }
  if (campaign.coalitionOptOut) {
    throw Errors.invalidParameter(
      `Campaign ${campaignId} has opted out of the coalition; ask for it without coalition_balance.`,
    );
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
  /** Customers per call of `render`. */
  chunkSize: number;
  /** Aborted when the client goes away: no further batch is queried. */
  signal: AbortSignal;
  /** Turns a few customers into what is yielded (the response text for them). */
  render: (customers: ReportCustomer[]) => T;
}

/**
 * The report, a batch per query in customer order, each batch yielded as the `render`ings of its chunks. Only one
 * rendered batch and the query for the next are alive at a time, so memory stays flat whatever the campaign's
 * size; a database error surfaces from the batch it happened in.
 *
 * A batch is rendered as soon as it arrives, a chunk at a time, each chunk's rows dropped once rendered: rows
 * and customers then die young. Kept for the whole batch, or until a slow client has read them, they would be
 * promoted to V8's old generation, and a 200,000-customer report grew the process by 100+ MB of garbage waiting
 * for a full collection (measured). Emptying the array also matters because node-postgres keeps a finished
 * query's result reachable from its pooled connection for a while (pg 8.23).
 */
export async function* customerBalanceBatches<T>(
  database: Pick<Database, "kind" | "withSession">,
  scope: ReportScope,
  paging: Paging,
  options: BatchOptions<T>,
): AsyncGenerator<T[]> {
  const toCustomer = customerMapper(scope.valuation);
  let remaining = paging.limit ?? Number.POSITIVE_INFINITY;
  const query = async (after: number, offset: number) => {
    const size = Math.min(options.batchSize, remaining);
    const rows = await queryBatch(database, balancesBatchQuery(scope, { after, offset, size }));
    const count = rows.length;
    const next = count === size ? rows.at(-1)?.ref : undefined;
    const rendered: T[] = [];
    while (rows.length > 0) {
      const chunk = rows.splice(0, options.chunkSize).filter((row) => row.in_tenant);
      if (chunk.length > 0) rendered.push(options.render(chunk.map(toCustomer)));
    }
    return { rendered, count, next };
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
 * cannot be released early (see above): the process grew by about 160 MB of promoted garbage during a
 * 200,000-customer report. On the session they can, and the query costs a third less CPU. The statement is still
 * built with Prisma.sql, so every value is a parameter.
 */
async function queryBatch(database: Pick<Database, "kind" | "withSession">, sql: Prisma.Sql): Promise<BatchRow[]> {
  const run = (session: SqlClient) => session.query<BatchRow>(sql.text, sql.values);
  // PGlite is built without LLVM, so it has no JIT to turn off; and its one session is every request's, so a
  // transaction begun there would take in other requests' statements.
  return database.withSession((session) => (database.kind === "embedded" ? run(session) : withoutJit(session, run)));
}

/**
 * Runs `work` in a read-only transaction with JIT off. PostgreSQL decides on JIT compilation from cost estimates
 * that grow with the ledger, not with the batch, and compiling costs tens of milliseconds, several times what a
 * batch takes. SET LOCAL ends with the transaction, so no setting outlives the batch on a pooled connection (or on a
 * PgBouncer server connection, which the next transaction may be another client's). The same three round trips as
 * SET, the query and RESET.
 */
async function withoutJit<T>(session: SqlClient, work: (session: SqlClient) => Promise<T>): Promise<T> {
  await session.exec("BEGIN READ ONLY; SET LOCAL jit = off");
  try {
    const result = await work(session);
    await session.exec("COMMIT");
    return result;
  } catch (error) {
    // The connection goes back to the pool, where it must not be in a failed transaction.
    await session.exec("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
