import { Decimal } from "decimal.js";
import type { BalanceAction, CreditTransactionType } from "../generated/prisma/client.js";

/** A money amount as factories and generators accept it: "12.50", 12.5, or a Decimal (decimal.js or Prisma's). */
export type MoneyInput = string | number | { toFixed(): string };

/** One balance movement after the opening row. `amount` is its size; a Debit's sign is applied here. */
export interface LedgerMove {
  type: CreditTransactionType;
  amount: MoneyInput;
  /** Defaults: Credit → Updated, Debit → Used. */
  action?: BalanceAction;
  comments?: string | null;
  orderId?: string | null;
  creditmemoId?: number | null;
  createdBy?: string | null;
  createdAt?: Date;
}

/** A credit_transactions row without its credit and tenant ids. */
export interface LedgerRow {
  transactionType: CreditTransactionType;
  impactAmount: string;
  balanceAfter: string;
  action: BalanceAction;
  comments: string | null;
  orderId: string | null;
  creditmemoId: number | null;
  createdBy: string | null;
  createdAt: Date;
}

export interface Ledger {
  /** Every row: the opening one (if any), then one per move. */
  rows: LedgerRow[];
  /** The rows written for the moves, without the opening one. */
  moves: LedgerRow[];
  /** The last row's balanceAfter (the initial balance when there are no rows). */
  currentBalance: string;
}

/** Reads a MoneyInput as an exact decimal. */
export function toDecimal(value: MoneyInput): Decimal {
  return new Decimal(typeof value === "object" ? value.toFixed() : value);
}

/**
 * Builds a credit's ledger: the opening row (when the initial balance is positive), then each move in order,
 * every row carrying the balance after it. Throws when a Credit is negative or a Debit overdraws.
 */
export function buildLedger(
  initialBalance: MoneyInput,
  moves: readonly LedgerMove[],
  opening: { createdAt: Date; createdBy?: string | null },
): Ledger {
  let balance = toDecimal(initialBalance);
  if (balance.isNegative()) throw new RangeError(`initial balance ${balance.toFixed()} is negative`);
  const rows: LedgerRow[] = [];
  if (balance.gt(0)) {
    rows.push({
      transactionType: "Credit",
      impactAmount: balance.toFixed(),
      balanceAfter: balance.toFixed(),
      action: "Created",
      comments: "Initial balance",
      orderId: null,
      creditmemoId: null,
      createdBy: opening.createdBy ?? null,
      createdAt: opening.createdAt,
    });
  }
  moves.forEach((move, index) => {
    const size = toDecimal(move.amount);
    if (move.type === "Credit" && size.isNegative()) throw new RangeError(`a Credit of ${size.toFixed()} is negative`);
    // A Debit may be written signed (Kibo's admin does) or unsigned; either way it lowers the balance.
    const impact = move.type === "Debit" ? size.abs().negated() : size;
    balance = balance.plus(impact);
    if (balance.isNegative()) {
      throw new RangeError(`move ${index + 1} (${move.type} ${size.abs().toFixed()}) would overdraw the credit`);
    }
    rows.push({
      transactionType: move.type,
      impactAmount: impact.toFixed(),
      balanceAfter: balance.toFixed(),
      action: move.action ?? (move.type === "Debit" ? "Used" : "Updated"),
      comments: move.comments ?? null,
      orderId: move.orderId ?? null,
      creditmemoId: move.creditmemoId ?? null,
      createdBy: move.createdBy ?? opening.createdBy ?? null,
      // Without explicit times, rows are a millisecond apart so ordering by time agrees with ordering by id.
      createdAt: move.createdAt ?? new Date(opening.createdAt.getTime() + index + 1),
    });
  });
  return { rows, moves: rows.slice(rows.length - moves.length), currentBalance: balance.toFixed() };
}
