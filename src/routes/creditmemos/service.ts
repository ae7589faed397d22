import { actorName, type Caller } from "../../auth/caller.js";
import type { TenantDb } from "../../db/tenant-scope.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { toApiError } from "../../http/error-mapping.js";
import { TRANSACTION_OPTIONS, type TenantTx } from "../../db/transactions.js";
import { revertStoreCreditRefunds, type RefundReversal } from "../../ledger/refund.js";
import type { LedgerWrite } from "../../ledger/writes.js";
import type { Decimal } from "../../money/index.js";
import { QueryError } from "../../query/index.js";
import { INVALID_FILTER, MemoFaults, withFault } from "./faults.js";
import { CREDITMEMO_FIELDS } from "./fields.js";
import { listArgs, nestRelations, type ListArgs, type ListInput } from "./listing.js";
import { CREDITMEMO_STATE, type CreditmemoRecord } from "./magento.js";
import { moveOrderRefunds } from "./order-refunds.js";
import type { NewCommentInput } from "./schemas.js";

/** What a credit memo entity is read with: its order's increment id, its lines and comments in creation order. */
const MEMO_INCLUDE = {
  order: { select: { incrementId: true } },
  items: { orderBy: { item_id: "asc" } },
  comments: { orderBy: { comment_id: "asc" } },
} as const satisfies Prisma.CreditmemoInclude;

type MemoWithChildren = Prisma.CreditmemoGetPayload<{ include: typeof MEMO_INCLUDE }>;
type MemoWithOrder = Prisma.CreditmemoGetPayload<{ include: { order: { select: { incrementId: true } } } }>;

function toRecord({ order, ...memo }: MemoWithChildren): CreditmemoRecord {
  return { ...memo, order_increment_id: order.incrementId };
}

/** One page of rows plus what the collection envelope needs. */
interface Page<T> {
  startIndex: number;
  pageSize: number;
  totalCount: number;
  items: T[];
}

/** The credit memo with this increment id, with its lines and comments; fault 100 when there is none. */
export async function getCreditmemo(db: TenantDb | TenantTx, incrementId: string): Promise<CreditmemoRecord> {
  const memo = await db.creditmemo.findFirst({ where: { increment_id: incrementId }, include: MEMO_INCLUDE });
  if (!memo) throw MemoFaults.notFound(incrementId);
  return toRecord(memo);
}

/** A credit memo as the list shows it: its own columns and its order's increment id. */
type MemoSummary = Omit<MemoWithOrder, "order"> & { order_increment_id: string };

/** Lists the tenant's credit memos, filtered and sorted as asked (default: creditmemo_id ascending). */
export async function listCreditmemos(db: TenantDb, input: ListInput): Promise<Page<MemoSummary>> {
  const args = memoListArgs(input);
  const where = (args.where ?? {}) as Prisma.CreditmemoWhereInput;
  const [rows, totalCount] = await Promise.all([
    db.creditmemo.findMany({
      where,
      include: { order: { select: { incrementId: true } } },
      orderBy: args.orderBy as Prisma.CreditmemoOrderByWithRelationInput[],
      skip: args.skip,
      take: args.take,
    }),
    db.creditmemo.count({ where }),
  ]);
  return {
    startIndex: args.startIndex,
    pageSize: args.pageSize,
    totalCount,
    items: rows.map(({ order, ...memo }) => ({ ...memo, order_increment_id: order.incrementId })),
  };
}

/** Validates paging, sortBy and filter before any query runs; a mistake is a 400 with its position and fault 101. */
function memoListArgs(input: ListInput): ListArgs {
  try {
    return listArgs(input, CREDITMEMO_FIELDS, { tiebreaker: { column: "creditmemo_id" }, rewrite: nestRelations });
  } catch (error) {
    if (error instanceof QueryError) throw withFault(toApiError(error), INVALID_FILTER.faultCode, INVALID_FILTER.faultMessage);
    throw error;
  }
}

/** Topic of the outbox message a mailer consumes to email the customer about a credit memo. */
const CREDITMEMO_EMAIL_TOPIC = "creditmemo.email";

/** What the mailer needs to tell the customer about a memo; Tally itself sends nothing. */
export async function queueCreditmemoEmail(
  tx: TenantTx,
  tenantId: number,
  memo: { increment_id: string; order_ref: number },
  comment: string | null,
  now: Date,
): Promise<void> {
  const order = await tx.order.findFirstOrThrow({ where: { id: memo.order_ref }, select: { incrementId: true, customerEmail: true } });
  await tx.notificationOutbox.create({
    data: {
      tenantId,
      topic: CREDITMEMO_EMAIL_TOPIC,
      entityId: memo.increment_id,
      payload: { creditmemoIncrementId: memo.increment_id, orderIncrementId: order.incrementId, email: order.customerEmail, comment },
      createdAt: now,
    },
  });
}

/**
 * Adds a comment to a credit memo inside `tx` (the idempotency transaction); with notifyCustomer the comment is
 * marked notified and an email is queued, carrying the comment when includeComment is set.
 */
export async function addCreditmemoComment(
  tx: TenantTx,
  caller: Caller,
  incrementId: string,
  input: NewCommentInput,
  now: Date,
): Promise<CreditmemoRecord> {
  const memo = await tx.creditmemo.findFirst({ where: { increment_id: incrementId }, select: { creditmemo_id: true, order_ref: true } });
  if (!memo) throw MemoFaults.notFound(incrementId);
  if (input.comment.trim() === "") throw MemoFaults.invalidData("comment must not be blank.", "comment");
  const notify = input.notifyCustomer ?? false;
  await tx.creditmemo.update({
    where: { creditmemo_id: memo.creditmemo_id },
    data: { updated_at: now, comments: { create: { comment: input.comment, is_customer_notified: notify, created_at: now } } },
  });
  if (notify) {
    await queueCreditmemoEmail(tx, caller.tenantId, { increment_id: incrementId, order_ref: memo.order_ref }, input.includeComment ? input.comment : null, now);
  }
  return getCreditmemo(tx, incrementId);
}

/**
 * Cancels an open credit memo (state 1 → 3): the order's refunded quantities and totals go back down, and a refund to
 * store credit is taken back from the credit it went to, as far as its balance allows. What the customer already spent
 * stays spent; a comment on the memo records what was taken back and what was not. Anything but an open memo is
 * fault 104. The reversals' ledger rows are noted in `written`.
 */
export function cancelCreditmemo(
  db: TenantDb,
  caller: Caller,
  incrementId: string,
  now: Date,
  written: LedgerWrite[],
): Promise<CreditmemoRecord> {
  return db.$transaction(async (tx) => {
    // Raw SQL bypasses the tenant scope, so the tenant is part of the statement. The memo is locked before its order.
    const locked = await tx.$queryRaw<{ creditmemo_id: number; order_ref: number }[]>`
      SELECT creditmemo_id, order_ref FROM creditmemos
      WHERE tenant_id = ${caller.tenantId} AND increment_id = ${incrementId} FOR UPDATE`;
    const target = locked[0];
    if (!target) throw MemoFaults.notFound(incrementId);
    await tx.$queryRaw`SELECT id FROM orders WHERE tenant_id = ${caller.tenantId} AND id = ${target.order_ref} FOR UPDATE`;
    const memo = await tx.creditmemo.findFirstOrThrow({ where: { creditmemo_id: target.creditmemo_id }, include: MEMO_INCLUDE });
    if (memo.state !== CREDITMEMO_STATE.open) throw MemoFaults.statusNotChanged(incrementId, memo.state);

    await moveOrderRefunds(tx, memo.order_ref, memo, "decrement");
    const reversals = await revertStoreCreditRefunds(tx, {
      tenantId: caller.tenantId,
      actor: actorName(caller),
      creditmemoId: memo.creditmemo_id,
      creditmemoIncrementId: incrementId,
      orderIncrementId: memo.order.incrementId,
      now,
    }, written);
    await tx.creditmemo.update({
      where: { creditmemo_id: memo.creditmemo_id },
      data: {
        state: CREDITMEMO_STATE.canceled,
        updated_at: now,
        ...(reversals.length > 0 ? { comments: { create: { comment: describeReversals(reversals), created_at: now } } } : {}),
      },
    });
    return getCreditmemo(tx, incrementId);
  }, TRANSACTION_OPTIONS);
}

/** The comment a cancellation leaves when the memo had refunded to store credit. */
function describeReversals(reversals: readonly RefundReversal[]): string {
  const parts = reversals.map(({ code, currencyCode, refunded, reverted, spent }) => {
    const taken = `${amount(reverted)} of the ${amount(refunded)} ${currencyCode} refunded to store credit ${code} was taken back`;
    return spent.isZero() ? taken : `${taken}; ${amount(spent)} ${currencyCode} had already been spent and stays with the customer`;
  });
  return `Credit memo canceled: ${parts.join("; ")}.`;
}

/** At least two decimals (12.50), all four when they matter (0.1234). */
const amount = (value: Decimal): string => (value.decimalPlaces() <= 2 ? value.toFixed(2) : value.toFixed());
