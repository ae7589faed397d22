import type { Prisma } from "../../generated/prisma/client.js";
import { nestRelations } from "../../magento/index.js";
import type { ListSpec, ModelFields } from "../../query/index.js";

/** A delivery's state, as the delivery worker writes it and Kibo's EventDeliverySummary names it. */
export const DELIVERY_STATUSES = ["Pending", "Succeeded", "Failed"] as const;

// Subscription, event and process ids are random UUIDs written in lower case; clients may send either case.
const lower = (value: string): string => value.toLowerCase();

/**
 * What `filter` and `sortBy` accept on subscriptions. `id` is the subscription's UUID, which orders nothing. Topics
 * are a list, which the filter language has no operator for: a caller reads its few subscriptions and picks.
 */
export const SUBSCRIPTION_FIELDS: ModelFields<Prisma.EventSubscriptionWhereInput> = [
  { name: "id", column: "subscriptionId", type: "string", normalize: lower, operators: ["eq", "ne", "in"], sortable: false },
  { name: "endpoint", type: "string" },
  { name: "isActive", type: "boolean" },
  { name: "createDate", column: "createdAt", type: "datetime" },
  { name: "updateDate", column: "updatedAt", type: "datetime" },
];

/** Subscriptions, oldest first unless sorted otherwise; ties broken by the table's id (creation order). */
export const SUBSCRIPTION_LIST: ListSpec<Prisma.EventSubscriptionWhereInput, Prisma.EventSubscriptionOrderByWithRelationInput> = {
  fields: SUBSCRIPTION_FIELDS,
  tiebreaker: { column: "id" },
};

/**
 * What `filter` and `sortBy` accept on delivery summaries: the delivery's own columns, and its event's and
 * subscription's ids and topic (dotted columns, nested by nestRelations). `nextExecutionDate` and `isRunning` are
 * derived from the state when read, so neither filters.
 */
export const DELIVERY_FIELDS: ModelFields<Prisma.EventDeliveryWhereInput> = [
  { name: "id", column: "processId", type: "string", normalize: lower, operators: ["eq", "ne", "in"], sortable: false },
  { name: "deliveryStatus", column: "status", type: "enum", enumValues: DELIVERY_STATUSES },
  {
    name: "subscriptionId",
    column: "subscription.subscriptionId",
    type: "string",
    normalize: lower,
    operators: ["eq", "ne", "in"],
    sortable: false,
  },
  { name: "eventId", column: "event.eventId", type: "string", normalize: lower, operators: ["eq", "ne", "in"], sortable: false },
  { name: "topic", column: "event.topic", type: "string" },
  { name: "entityId", type: "string" },
  { name: "createDate", column: "createdAt", type: "datetime" },
  { name: "updateDate", column: "updatedAt", type: "datetime" },
  { name: "lastExecutionDate", column: "lastAttemptAt", type: "datetime", nullable: true },
];

/**
 * Delivery summaries, oldest first unless sorted otherwise, ties broken by the table's id (the order the events were
 * written in), so paging forward while new deliveries are queued neither repeats nor skips one.
 */
export const DELIVERY_LIST: ListSpec<Prisma.EventDeliveryWhereInput, Prisma.EventDeliveryOrderByWithRelationInput> = {
  fields: DELIVERY_FIELDS,
  tiebreaker: { column: "id" },
  rewrite: nestRelations,
};
