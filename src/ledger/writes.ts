import type { BalanceAction, CreditTransactionType } from "../generated/prisma/enums.js";

/**
 * A ledger row as metrics count it: what kind of move, never how much. Services that write `credit_transactions`
 * rows push one per row into the list their caller hands them; the caller counts the list only after the
 * transaction commits (see LedgerMetrics.countCommitted).
 */
export interface LedgerWrite {
  type: CreditTransactionType;
  action: BalanceAction;
}
