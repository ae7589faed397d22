import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import type { Config } from "../config.js";
import { Errors } from "../errors.js";
import { Prisma } from "../generated/prisma/client.js";
import { currentRequestContext } from "../request-context.js";
import type { TenantDb } from "./tenant-scope.js";

type TransactionCallback = Extract<Parameters<TenantDb["$transaction"]>[0], (...args: never[]) => unknown>;

/** The client an interactive transaction of a TenantDb hands its callback: still limited to the tenant. */
export type TenantTx = Parameters<TransactionCallback>[0];

/**
 * Interactive transaction limits. maxWait covers waiting for a pooled connection under load; timeout bounds a
 * transaction that holds a credit's row lock, so one stuck request cannot block a card for long.
 */
export const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;

/** Whether Prisma reports a unique-constraint violation (P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/** PostgreSQL's own limits on every interactive transaction (DATABASE_*_TIMEOUT_MS). */
export interface TransactionLimits {
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}

type Adapter = Awaited<ReturnType<PrismaPg["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;
const statement = (sql: string) => ({ sql, args: [], argTypes: [] });

/**
 * The PostgreSQL adapter, with `limits` set as the first statement of every interactive transaction, and no
 * transaction begun for a caller that has hung up.
 *
 * The limits are `SET LOCAL` (set_config(…, true)), so they end with the transaction: through PgBouncer in transaction
 * mode the next transaction on that server connection belongs to someone else, and PgBouncer refuses the startup
 * parameters node-postgres would send for pool-wide `statement_timeout` and the like. idle_in_transaction_session_timeout
 * is what frees a row lock whose holder is cut off: the server, not the client, then ends the session; lock_timeout
 * turns a wait behind such a holder into an error instead of a hang. One round trip, in one statement.
 */
export class LimitedPrismaPg extends PrismaPg {
  private readonly setLimits;

  constructor(pool: pg.Pool, options: ConstructorParameters<typeof PrismaPg>[1], limits: TransactionLimits | undefined) {
    super(pool, options);
    this.setLimits = limits
      ? statement(
          `SELECT set_config('statement_timeout', '${limits.statementTimeoutMs}ms', true), ` +
            `set_config('lock_timeout', '${limits.lockTimeoutMs}ms', true), ` +
            `set_config('idle_in_transaction_session_timeout', '${limits.idleInTransactionTimeoutMs}ms', true)`,
        )
      : undefined;
  }

  override async connect(): Promise<Adapter> {
    const adapter = await super.connect();
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => {
      const request = currentRequestContext();
      if (request.callerGone()) throw callerGone();
      const tx = await start(isolationLevel);
      // The wait for a connection may have outlasted the caller: then nothing it asked for should be done.
      if (request.callerGone()) return abandon(tx, callerGone());
      if (this.setLimits) await tx.executeRaw(this.setLimits).catch((error: unknown) => abandon(tx, error));
      return tx;
    };
    return adapter;
  }
}

function callerGone() {
  return Errors.maintenance("The caller closed the connection before its transaction began; nothing was done.");
}

/** Ends a transaction Prisma will never see, so its connection goes back to the pool outside any transaction. */
async function abandon(tx: Transaction, error: unknown): Promise<never> {
  // A connection that cannot take the ROLLBACK is broken, and the pool discards it when released.
  await tx.executeRaw(statement("ROLLBACK")).catch(() => undefined);
  await tx.rollback();
  throw error;
}

/** The transaction limits configured for a server's PostgreSQL pool. */
export function transactionLimits(
  config: Pick<Config, "DATABASE_STATEMENT_TIMEOUT_MS" | "DATABASE_LOCK_TIMEOUT_MS" | "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS">,
): TransactionLimits {
  return {
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: config.DATABASE_LOCK_TIMEOUT_MS,
    idleInTransactionTimeoutMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  };
}
