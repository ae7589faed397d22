import { tenantIdOf } from "../db/tenant-scope.js";
import type { TenantTx } from "../db/transactions.js";
import { type Credit, Prisma } from "../generated/prisma/client.js";

declare const locked: unique symbol;

/**
 * A credit read under its row lock, which the transaction holds until it ends: only lockCredit and openCredit make
 * one, so postTransaction cannot be handed a balance another transaction may still change.
 */
export type LockedCredit = Credit & { readonly [locked]: true };

/** Which credit to lock: by code (case-insensitive) or by row id. */
export type CreditKey = { code: string } | { id: bigint };

/**
 * Locks the credit row (deleted or not) for the rest of the transaction, so balance changes to it queue up, and
 * reads it; null when there is none, or when it no longer matches `where` once locked. Raw SQL bypasses the tenant
 * scope, so the statement takes its tenant from the scoped client.
 */
export async function lockCredit(tx: TenantTx, key: CreditKey, where: Prisma.CreditWhereInput = {}): Promise<LockedCredit | null> {
  const match = "code" in key ? Prisma.sql`code_key = ${key.code.toUpperCase()}` : Prisma.sql`id = ${key.id}`;
  const rows = await tx.$queryRaw<{ id: bigint }[]>`SELECT id FROM credits WHERE tenant_id = ${tenantIdOf(tx)} AND ${match} FOR UPDATE`;
  const id = rows[0]?.id;
  if (id === undefined) return null;
  return (await tx.credit.findFirst({ where: { ...where, id } })) as LockedCredit | null;
}
