import { randomUUID } from "node:crypto";
import { tenantIdOf } from "../db/tenant-scope.js";
import type { TenantTx } from "../db/transactions.js";
import { currentEventContext } from "./context.js";
import type { NewEvent } from "./payloads.js";
import { toExtendedProperties } from "./properties.js";

/**
 * Writes events inside the transaction of the change they announce (a transactional outbox): they commit with it or
 * not at all. The tenant is the transaction's; the correlation id and site come from the request being served
 * (currentEventContext). One statement for all of them; their ids follow the list's order.
 */
export async function recordEvents(tx: TenantTx, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const tenantId = tenantIdOf(tx);
  const { correlationId, siteId } = currentEventContext();
  await tx.event.createMany({
    data: events.map((event) => ({
      eventId: randomUUID(),
      tenantId,
      siteId,
      topic: event.topic,
      entityId: event.entityId,
      correlationId,
      extendedProperties: toExtendedProperties(event.extendedProperties),
    })),
  });
}

/** Writes one event inside the transaction of its change (see recordEvents). */
export function recordEvent(tx: TenantTx, event: NewEvent): Promise<void> {
  return recordEvents(tx, [event]);
}
