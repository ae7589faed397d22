import { Prisma } from "../generated/prisma/client.js";
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
