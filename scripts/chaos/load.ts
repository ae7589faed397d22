import { randomUUID } from "node:crypto";
import { type Call, type Exchange, send, soapCall } from "./client.js";
import type { Fixture } from "./fixture.js";
import type { Random } from "./random.js";

/** What one operation of the load asks for; `id` is its Idempotency-Key and, on the ledger, its comment. */
export type Operation =
  | { kind: "debit" | "credit"; id: string; app: number; code: string; amount: string }
  | { kind: "create"; id: string; app: number; code: string; amount: string }
  | { kind: "memo-rest" | "memo-soap"; id: string; app: number; order: string; amount: string }
  | { kind: "balance-soap"; id: string; app: number; customerId: number };

export interface Outcome {
  op: Operation;
  /** The answer that ended it: a 2xx, a refusal (4xx), or the last retryable one when the retries ran out. */
  status: number | undefined;
  /** Answered 2xx (for a SOAP call, a result rather than a fault). */
  acknowledged: boolean;
  attempts: number;
}

/** The mix, in per mille: ledger moves dominate, as in production; memos refund to store credit. */
const MIX: [Operation["kind"], number][] = [
  ["debit", 520],
  ["credit", 250],
  ["create", 80],
  ["memo-rest", 60],
  ["memo-soap", 40],
  ["balance-soap", 50],
];

const MAX_ATTEMPTS = 30;

export function planOperations(count: number, fixture: Fixture, random: Random): Operation[] {
  const orders = [...fixture.orders];
  const ops: Operation[] = [];
  const amount = () => (random.int(1, 300) / 100).toFixed(2);
  for (let index = 0; index < count; index += 1) {
    const id = `chaos-${index}-${randomUUID().slice(0, 8)}`;
    const app = random.int(0, fixture.loadApps.length - 1);
    let roll = random.int(0, 999);
    let kind: Operation["kind"] = "debit";
    for (const [candidate, weight] of MIX) {
      if (roll < weight) {
        kind = candidate;
        break;
      }
      roll -= weight;
    }
    if ((kind === "memo-rest" || kind === "memo-soap") && orders.length === 0) kind = "credit";
    if (kind === "debit" || kind === "credit") ops.push({ kind, id, app, code: random.pick(fixture.codes), amount: amount() });
    else if (kind === "create") ops.push({ kind, id, app, code: `CHAOS-NEW-${index}`, amount: amount() });
    else if (kind === "memo-rest" || kind === "memo-soap") ops.push({ kind, id, app, order: orders.pop()!, amount: "10.00" });
    else ops.push({ kind, id, app, customerId: random.pick(fixture.customerIds) });
  }
  return ops;
}

export interface LoadContext {
  bases: string[];
  tokens: string[];
  soapSession: string;
  websiteId: number;
  /** Every answer the load got, for the checks of statuses and timeouts. */
  exchanges: Exchange[];
  /** Called after each operation ends, with how many have. */
  onProgress(done: number): Promise<void> | void;
}

function callFor(op: Operation, context: LoadContext): Call {
  const rest = (path: string, body: unknown): Call => ({
    method: "POST",
    path,
    headers: { authorization: `Bearer ${context.tokens[op.app]}`, "content-type": "application/json", "idempotency-key": op.id },
    body: JSON.stringify(body),
  });
  switch (op.kind) {
    case "debit":
    case "credit":
      return rest(`/api/commerce/customer/credits/${op.code}/transactions`, {
        transactionType: op.kind === "debit" ? "Debit" : "Credit",
        impactAmount: Number(op.kind === "debit" ? `-${op.amount}` : op.amount),
        comments: op.id,
      });
    case "create":
      return rest("/api/commerce/customer/credits", { code: op.code, creditType: "GiftCard", currencyCode: "USD", initialBalance: Number(op.amount) });
    case "memo-rest":
      return rest(`/api/commerce/orders/${op.order}/creditmemos`, { refundToStoreCreditAmount: Number(op.amount) });
    case "memo-soap":
      return soapCall("salesOrderCreditmemoCreate", { sessionId: context.soapSession, orderIncrementId: op.order, refundToStoreCreditAmount: op.amount });
    case "balance-soap":
      return soapCall("enterpriseCustomerbalanceBalance", { sessionId: context.soapSession, customerId: String(op.customerId), websiteId: String(context.websiteId) });
  }
}

/**
 * The status a SOAP answer stands for: Tally sends every fault as HTTP 500, with faultcode `Server` for an
 * unavailable database (retry) and `1` for a failure of its own; any other fault is a refusal of the request.
 */
export function effectiveStatus(exchange: Exchange, soap: boolean): number | undefined {
  if (!soap || exchange.status !== 500) return exchange.status;
  const code = /<faultcode>([^<]*)<\/faultcode>/.exec(exchange.body)?.[1];
  if (code === "Server") return 503;
  if (code === "1") return 500;
  return 422;
}

function retryable(status: number | undefined, exchange: Exchange): boolean {
  if (status === undefined || status === 503 || status === 429 || status === 502 || status === 504) return true;
  // Another attempt with the same key is still running (its replica may have been killed mid-request).
  return status === 409 && exchange.body.includes("still being processed");
}

/**
 * Runs the operations with `concurrency` callers. Each goes to a replica chosen round-robin; on no answer, a timeout,
 * 503 or 429 it is retried with the same Idempotency-Key on the next replica after a short backoff.
 */
export async function runLoad(ops: Operation[], context: LoadContext, concurrency: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      const op = ops[index];
      if (!op) return;
      const call = callFor(op, context);
      const soap = op.kind === "memo-soap" || op.kind === "balance-soap";
      let attempts = 0;
      let status: number | undefined;
      for (;;) {
        const replica = (index + attempts) % context.bases.length;
        attempts += 1;
        const exchange = await send(replica, context.bases[replica]!, call);
        context.exchanges.push(exchange);
        status = effectiveStatus(exchange, soap);
        if (!retryable(status, exchange) || attempts >= MAX_ATTEMPTS) break;
        await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * attempts)));
      }
      outcomes.push({ op, status, acknowledged: status !== undefined && status >= 200 && status < 300, attempts });
      done += 1;
      await context.onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes;
}
