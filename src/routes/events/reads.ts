import type { TenantDb } from "../../db/tenant-scope.js";
import { Errors } from "../../errors.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { listQuery, readPage, type ListInput, type Page } from "../../query/index.js";
import { EVENT_LIST } from "./fields.js";
import { EVENT_VIEW, type EventView } from "./serialize.js";

/** Lists the tenant's events (the tenant-scoped client confines every query to the caller's tenant). */
export async function listEvents(db: TenantDb, input: ListInput): Promise<Page<EventView>> {
  const query = listQuery(input, EVENT_LIST);
  const where: Prisma.EventWhereInput = { AND: query.filters };
  return readPage(
    query,
    (args) => db.event.findMany({ where, select: EVENT_VIEW, ...args }),
    () => db.event.count({ where }),
  );
}

/** The tenant's event with this id (case-insensitive); 404 for an unknown id or another tenant's event. */
export async function getEvent(db: TenantDb, eventId: string): Promise<EventView> {
  const event = await db.event.findFirst({ where: { eventId: eventId.toLowerCase() }, select: EVENT_VIEW });
  if (!event) throw Errors.notFound(`Event ${eventId} was not found.`, { eventId });
  return event;
}
