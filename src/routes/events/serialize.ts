import type { Prisma } from "../../generated/prisma/client.js";
import type { EventExtendedPropertyJson, EventJson } from "./schemas.js";

/** The columns an Event is made of; the table's own id (a bigint that only orders rows) is never shown. */
export const EVENT_VIEW = {
  eventId: true,
  tenantId: true,
  siteId: true,
  topic: true,
  entityId: true,
  correlationId: true,
  isTest: true,
  extendedProperties: true,
  createdAt: true,
} as const satisfies Prisma.EventSelect;

export type EventView = Prisma.EventGetPayload<{ select: typeof EVENT_VIEW }>;

/** An events row as Kibo's Event. Tally has no catalogs, and an event never changes once written. */
export function serializeEvent(event: EventView): EventJson {
  const created = event.createdAt.toISOString();
  return {
    id: event.eventId,
    topic: event.topic,
    entityId: event.entityId,
    correlationId: event.correlationId,
    tenantId: event.tenantId,
    siteId: event.siteId,
    catalogId: null,
    masterCatalogId: null,
    isTest: event.isTest,
    extendedProperties: readExtendedProperties(event.extendedProperties),
    auditInfo: { createBy: null, createDate: created, updateBy: null, updateDate: created },
  };
}

/** The column is JSON; only `{key, value}` entries with a string key are Kibo extended properties. */
export function readExtendedProperties(json: Prisma.JsonValue): EventExtendedPropertyJson[] {
  if (!Array.isArray(json)) return [];
  return json.flatMap((entry) =>
    entry !== null && typeof entry === "object" && !Array.isArray(entry) && typeof entry["key"] === "string"
      ? [{ key: entry["key"], value: entry["value"] ?? null }]
      : [],
  );
}
