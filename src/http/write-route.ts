import type { FastifyReply, FastifyRequest } from "fastify";
import type { TenantTx } from "../db/transactions.js";
import type { LedgerWrite } from "../ledger/writes.js";
import { type StoredResponse, withIdempotency } from "./idempotency.js";
import { idempotencyRequest, type IdempotencyScope } from "./idempotent-route.js";

/**
 * Runs a write route's effect the one way every write runs: in one transaction of the caller's tenant, under the
 * request's Idempotency-Key when the route takes one, noting the ledger rows it writes in `written`, which the ledger
 * metrics count only once the transaction has committed (a rollback or a replay counts nothing). Sends the answer,
 * a replayed one marked with `Idempotent-Replayed: true`.
 */
export async function runWrite(
  request: FastifyRequest,
  reply: FastifyReply,
  idempotency: IdempotencyScope,
  effect: (tx: TenantTx, written: LedgerWrite[]) => Promise<StoredResponse>,
): Promise<FastifyReply> {
  const result = await request.server.ledgerMetrics.countCommitted((written) =>
    withIdempotency(request.tenantDb, idempotencyRequest(request, idempotency), (tx) => effect(tx, written)),
  );
  if (result.replayed) reply.header("idempotent-replayed", "true");
  return reply.status(result.statusCode).send(result.body);
}
