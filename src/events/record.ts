import { randomUUID } from "node:crypto";
import { Prisma } from "../generated/prisma/client.js";
import { tenantIdOf } from "../db/tenant-scope.js";
import type { TenantTx } from "../db/transactions.js";
import { currentRequestContext } from "../request-context.js";
import type { NewEvent } from "./payloads.js";
import { toExtendedProperties } from "./properties.js";

/**
 * Writes events inside the transaction of the change they announce (a transactional outbox): they commit with it or
 * not at all, and so does one delivery per event for each of the tenant's active push subscriptions to its topic.
 * The tenant is the transaction's; the correlation id and site come from the request being served
 * (currentRequestContext). One statement for all of them, so a change made with no subscriptions pays no extra round
 * trip; their ids follow the list's order.
 */
export async function recordEvents(tx: TenantTx, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const tenantId = tenantIdOf(tx);
  const context = currentRequestContext();
  const eventIds = events.map(() => randomUUID());
  const topics = events.map((event) => event.topic);
  const entityIds = events.map((event) => event.entityId);
  const properties = events.map((event) => JSON.stringify(toExtendedProperties(event.extendedProperties)));
  const [row] = await tx.$queryRaw<{ queued: number }[]>(Prisma.sql`
    WITH new_events AS (
      INSERT INTO events (event_id, tenant_id, site_id, topic, entity_id, correlation_id, extended_properties)
      SELECT e.event_id, ${tenantId}, ${context.siteId}::int, e.topic, e.entity_id, ${context.correlationId}::varchar, e.properties
      FROM unnest(${eventIds}::varchar[], ${topics}::varchar[], ${entityIds}::varchar[], ${properties}::jsonb[])
        WITH ORDINALITY AS e(event_id, topic, entity_id, properties, position)
      ORDER BY e.position
      RETURNING id, topic, entity_id
    ), queued AS (
      INSERT INTO event_deliveries (process_id, tenant_id, subscription_ref, event_ref, entity_id)
      SELECT gen_random_uuid()::varchar, ${tenantId}, s.id, new_events.id, new_events.entity_id
      FROM new_events
      JOIN event_subscriptions s ON s.tenant_id = ${tenantId} AND s.is_active AND new_events.topic = ANY (s.topics)
      RETURNING 1
    )
    SELECT count(*)::int AS queued FROM queued`);
  if (row && row.queued > 0) context.deliveriesQueued = true;
}

/** Writes one event inside the transaction of its change (see recordEvents). */
export function recordEvent(tx: TenantTx, event: NewEvent): Promise<void> {
  return recordEvents(tx, [event]);
}
