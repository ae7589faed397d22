import type { ExtendedProperty } from "../properties.js";
import { pushSignature } from "../signature.js";

/** The event a delivery carries, as read with it. */
export interface DeliveredEvent {
  eventId: string;
  tenantId: number;
  siteId: number | null;
  topic: string;
  entityId: string;
  correlationId: string | null;
  isTest: boolean;
  extendedProperties: ExtendedProperty[];
  createdAt: Date;
}

/**
 * Kibo's push body and headers for one event, signed with the subscribing application's key. The body is
 * JSON.stringify's output, as is what a receiver on Kibo's Node SDK checks (it re-serializes the parsed body), so
 * the two agree byte for byte. `sentAt` is the attempt's time: the `Date` header is signed, and receivers refuse old ones.
 */
export function pushMessage(event: DeliveredEvent, signingKey: string, sentAt: Date): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify({
    eventId: event.eventId,
    topic: event.topic,
    entityId: event.entityId,
    timestamp: event.createdAt.toISOString(),
    correlationId: event.correlationId,
    isTest: event.isTest,
    extendedProperties: event.extendedProperties,
  });
  const date = sentAt.toUTCString();
  const headers: Record<string, string> = {
    "content-type": "application/json; charset=utf-8",
    date,
    "x-vol-hmac-sha256": pushSignature(signingKey, date, body),
    "x-vol-tenant": String(event.tenantId),
    "user-agent": "Tally-Events/1",
  };
  if (event.siteId !== null) headers["x-vol-site"] = String(event.siteId);
  if (event.correlationId !== null) headers["x-vol-correlation"] = event.correlationId;
  return { headers, body };
}
