import { tenantIdOf } from "../../db/tenant-scope.js";
import type { TenantTx } from "../../db/transactions.js";
import { Prisma } from "../../generated/prisma/client.js";

/** An order row as its lock reads it. */
export interface LockedOrderRow {
  id: number;
  entity_id: number;
}

/**
 * Locks an order row for the rest of the transaction, so imports, creates and cancels touching one order run one
 * after the other; null when there is none. Raw SQL bypasses the tenant scope, so the statement takes its tenant from
 * the scoped client.
 */
export async function lockOrder(tx: TenantTx, key: { incrementId: string } | { id: number }): Promise<LockedOrderRow | null> {
  const match = "id" in key ? Prisma.sql`id = ${key.id}` : Prisma.sql`increment_id = ${key.incrementId}`;
  const rows = await tx.$queryRaw<LockedOrderRow[]>`SELECT id, entity_id FROM orders WHERE tenant_id = ${tenantIdOf(tx)} AND ${match} FOR UPDATE`;
  return rows[0] ?? null;
}
