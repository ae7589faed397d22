import type { Database, SqlClient } from "../../db/database.js";
import { type TenantDb, tenantIdOf } from "../../db/tenant-scope.js";
import { Errors } from "../../errors.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { ApiAccount } from "./credentials.js";
import type { CoalitionKind } from "./params.js";
import { FrameEncoder } from "./frames.js";
import { customerMapper, type Valuation } from "./records.js";
import { type BatchRow, type BatchWindow, balancesBatchQuery, encoderRatio, type FrameRow, framedBatchQuery, type ReportScope } from "./sql.js";
import { type OutputFormat, reportWriter } from "./writers.js";

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

/** Where customers become report text. */
export type Rendering =
  /** In SQL, a frame per customer (framedBatchQuery), then bytes by a FrameEncoder: one string per customer. */
  | "frames"
  /** From the driver's rows (balancesBatchQuery) by customerMapper and the writer: a string per column. */
  | "rows";

export interface BatchOptions {
  /** Customers per query. */
  batchSize: number;
  /** Aborted when the client goes away: no further batch is queried. */
  signal: AbortSignal;
  format: OutputFormat;
  rendering: Rendering;
}

/** A batch of the report as bytes, and how many customers they hold. */
export interface RenderedBatch {
  bytes: Buffer;
  customers: number;
}

// Customers per piece of text on the "rows" rendering: at most about 90 KB even in UTF-16, under V8's large-object
// size, so the text of a chunk is collected young; text for a whole batch (megabytes) would wait in large-object
// space for a full collection.
const CUSTOMERS_PER_CHUNK = 50;

/**
 * The report's customers, a batch per query in customer order, each batch rendered to one Buffer as soon as it
 * arrives (a Buffer lives outside V8's heap while it waits for the client). Only the batch being rendered or
 * written and the query for the next are alive at a time, so memory stays flat whatever the campaign's size; a
 * database error surfaces from the batch it happened in.
 *
 * Rows are dropped as they are rendered, so they die young. Kept for the whole batch, or until a slow client has
 * read them, they would be promoted to V8's old generation, and a 200,000-customer report grew the process by
 * 100+ MB of garbage waiting for a full collection (measured). Emptying the array also matters because
 * node-postgres keeps a finished query's result reachable from its pooled connection for a while (pg 8.23).
 */
export async function* customerBalanceBatches(
  database: Pick<Database, "kind" | "withSession">,
  scope: ReportScope,
  paging: Paging,
  options: BatchOptions,
): AsyncGenerator<RenderedBatch> {
  if (options.rendering === "frames") yield* streamBatches(framedBatches(database, scope, options.format), paging, options);
  else yield* streamBatches(rowBatches(database, scope, options.format), paging, options);
}

async function* streamBatches<Row extends { ref: number }>(
  batches: Batcher<Row>,
  paging: Paging,
  options: BatchOptions,
): AsyncGenerator<RenderedBatch> {
  let remaining = paging.limit ?? Number.POSITIVE_INFINITY;
  const query = (after: number, offset: number) => {
    const size = Math.min(options.batchSize, remaining);
    return batches.fetch({ after, offset, size }).then((rows) => ({ rows, size }));
  };
  let pending = remaining > 0 ? query(0, paging.offset) : undefined;
  try {
    while (pending && !options.signal.aborted) {
      const { rows, size } = await pending;
      pending = undefined;
      const count = rows.length;
      const last = rows.at(-1)?.ref;
      remaining -= count;
      // The next batch is queried before this one is rendered: PostgreSQL reads and frames it while this process
      // turns the rows it has into bytes (render yields to the event loop, so the query's round trips go on).
      if (count === size && last !== undefined && remaining > 0) pending = query(last, 0);
      yield await batches.render(rows);
    }
  } finally {
    // A batch queried for a client that has gone away is dropped; its failure must not go unhandled.
    pending?.catch(() => undefined);
  }
}

/** How one rendering reads a batch (rows carrying the customer id, the cursor) and turns it into bytes. */
interface Batcher<Row extends { ref: number }> {
  fetch(window: BatchWindow): Promise<Row[]>;
  /** Renders and drops the rows; a customer outside the tenant is left out. */
  render(rows: Row[]): Promise<RenderedBatch>;
}

/** Customers rendered between two turns of the event loop: a few milliseconds of work. */
const CUSTOMERS_PER_TURN = 500;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Batches framed by SQL; a customer outside the tenant (frame null) is left out. */
function framedBatches(database: Pick<Database, "kind" | "withSession">, scope: ReportScope, format: OutputFormat): Batcher<FrameRow> {
  const encoder = new FrameEncoder(format, encoderRatio(scope.valuation));
  return {
    fetch: (window) => queryBatch<FrameRow>(database, framedBatchQuery(scope, window)),
    async render(rows) {
      const before = encoder.written;
      for (let index = 0; index < rows.length; index += 1) {
        const frame = rows[index]!.frame;
        if (frame !== null) encoder.customer(frame);
        if (index % CUSTOMERS_PER_TURN === CUSTOMERS_PER_TURN - 1) await nextTurn();
      }
      rows.length = 0;
      return { bytes: encoder.take(), customers: encoder.written - before };
    },
  };
}

/** Batches of driver rows, rendered a chunk at a time, each chunk's rows dropped once rendered. */
function rowBatches(database: Pick<Database, "kind" | "withSession">, scope: ReportScope, format: OutputFormat): Batcher<BatchRow> {
  const toCustomer = customerMapper(scope.valuation);
  const writer = reportWriter(format);
  let written = 0;
  return {
    fetch: (window) => queryBatch<BatchRow>(database, balancesBatchQuery(scope, window)),
    async render(rows) {
      const before = written;
      const chunks: Buffer[] = [];
      while (rows.length > 0) {
        const chunk = rows.splice(0, CUSTOMERS_PER_CHUNK).filter((row) => row.in_tenant);
        if (chunk.length === 0) continue;
        chunks.push(Buffer.from(writer.customers(chunk.map(toCustomer), written === 0)));
        written += chunk.length;
      }
      return { bytes: Buffer.concat(chunks), customers: written - before };
    },
  };
}

/**
 * Runs a batch query on a raw session rather than through Prisma's $queryRaw. Through Prisma the driver's rows
 * cannot be released early (see above): the process grew by about 160 MB of promoted garbage during a
 * 200,000-customer report. On the session they can, and the query costs a third less CPU. The statement is still
 * built with Prisma.sql, so every value is a parameter.
 */
async function queryBatch<Row extends Record<string, unknown>>(
  database: Pick<Database, "kind" | "withSession">,
  sql: Prisma.Sql,
): Promise<Row[]> {
  const run = (session: SqlClient) => session.query<Row>(sql.text, sql.values);
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
