import type { Prisma } from "../../generated/prisma/client.js";
import type { ListSpec, ModelFields } from "../../query/index.js";

// Event ids are random UUIDs, written in lower case; RFC 9562 reads them case-insensitively, so clients may send either.
const lower = (value: string): string => value.toLowerCase();

/**
 * What `filter` and `sortBy` accept on events. `id` is Kibo's name for the event id and `eventId` the name push
 * deliveries use; both are the UUID, which orders nothing, so neither sorts.
 */
export const EVENT_FIELDS: ModelFields<Prisma.EventWhereInput> = [
  { name: "id", column: "eventId", type: "string", normalize: lower, operators: ["eq", "ne", "in"], sortable: false },
  { name: "eventId", type: "string", normalize: lower, operators: ["eq", "ne", "in"], sortable: false },
  { name: "topic", type: "string" },
  { name: "entityId", type: "string" },
  { name: "correlationId", type: "string", nullable: true },
  { name: "siteId", type: "integer", nullable: true },
  { name: "isTest", type: "boolean" },
  { name: "createDate", column: "createdAt", type: "datetime" },
];

/**
 * The events list: oldest first unless sorted otherwise, ties broken by the table's id (the order the events were
 * written in), so a consumer paging forward reads each entity's changes in the order they happened.
 */
export const EVENT_LIST: ListSpec<Prisma.EventWhereInput, Prisma.EventOrderByWithRelationInput> = {
  fields: EVENT_FIELDS,
  tiebreaker: { column: "id" },
};
