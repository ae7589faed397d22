import { Counter, type Registry } from "prom-client";
import type { LedgerWrite } from "../ledger/writes.js";

/** Counts ledger rows by type and action, once the transaction that wrote them has committed. */
export class LedgerMetrics {
  readonly #transactions: Counter<"type" | "action">;

  constructor(registry: Registry) {
    this.#transactions = new Counter({
      name: "tally_ledger_transactions_total",
      help: "Ledger rows (credit_transactions) committed, by type (Credit, Debit) and action (Created, Updated, Used, Refunded, Reverted).",
      labelNames: ["type", "action"],
      registers: [registry],
    });
  }

  /**
   * Runs `write` with an empty list in which it notes the ledger rows it writes, and counts them once `write`
   * resolves. `write` must resolve only after its transaction has committed, so rows of a transaction that failed or
   * rolled back are never counted; an idempotent replay writes nothing and counts nothing.
   */
  async countCommitted<T>(write: (written: LedgerWrite[]) => Promise<T>): Promise<T> {
    const written: LedgerWrite[] = [];
    const result = await write(written);
    for (const row of written) this.#transactions.inc({ type: row.type, action: row.action });
    return result;
  }
}
