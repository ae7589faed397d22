import { STATUS_CODES } from "node:http";
import type { Prisma } from "../../generated/prisma/client.js";
import type { EventDeliverySummaryJson, EventSubscriptionJson } from "./push-schemas.js";
import { readExtendedProperties } from "./serialize.js";

/** The version of the delivery body (src/events/push), shown as Kibo's apiVersion. */
const API_VERSION = "1.0";

/** The columns an EventSubscription is made of. */
export const SUBSCRIPTION_VIEW = {
  subscriptionId: true,
  tenantId: true,
  endpoint: true,
  topics: true,
  isActive: true,
  createdBy: true,
  createdAt: true,
  updatedBy: true,
  updatedAt: true,
  application: { select: { clientId: true } },
} as const satisfies Prisma.EventSubscriptionSelect;

export type SubscriptionView = Prisma.EventSubscriptionGetPayload<{ select: typeof SUBSCRIPTION_VIEW }>;

/**
 * A subscription as Kibo's EventSubscription. The constant properties say how Tally delivers: a JSON POST
 * (`Webhook`), to an endpoint checked when it was set (`confirmed`), including the changes the application made
 * itself (`noCallback` false), for every site of its tenant.
 */
export function serializeSubscription(subscription: SubscriptionView): EventSubscriptionJson {
  return {
    id: subscription.subscriptionId,
    appId: subscription.application.clientId,
    endpoint: subscription.endpoint,
    topics: subscription.topics,
    isActive: subscription.isActive,
    contentType: "application/json",
    notificationDeliveryType: "Webhook",
    confirmed: true,
    noCallback: false,
    apiVersion: API_VERSION,
    subscribingTenants: [{ tenantId: subscription.tenantId, subscribingContextLevelType: "Tenant" }],
    createBy: subscription.createdBy,
    createDate: subscription.createdAt.toISOString(),
    updateBy: subscription.updatedBy,
    updateDate: subscription.updatedAt.toISOString(),
  };
}

/** The columns an EventDeliverySummary is made of: the delivery, its event, its subscription's id, its attempts. */
export const DELIVERY_VIEW = {
  processId: true,
  status: true,
  attempts: true,
  nextAttemptAt: true,
  leaseExpiresAt: true,
  lastAttemptAt: true,
  createdAt: true,
  updatedAt: true,
  subscription: { select: { subscriptionId: true } },
  event: {
    select: {
      eventId: true,
      topic: true,
      entityId: true,
      correlationId: true,
      createdAt: true,
      tenantId: true,
      siteId: true,
      extendedProperties: true,
    },
  },
  deliveryAttempts: {
    select: { executionDate: true, deliveryStatus: true, httpStatus: true, errorType: true, message: true },
    orderBy: { id: "asc" },
  },
} as const satisfies Prisma.EventDeliverySelect;

export type DeliveryView = Prisma.EventDeliveryGetPayload<{ select: typeof DELIVERY_VIEW }>;

/** What a summary's derived properties are judged against. */
export interface DeliveryClock {
  now: Date;
  /** EVENT_DELIVERY_MAX_ATTEMPTS: a Pending delivery has this many minus those made left. */
  maxAttempts: number;
}

/**
 * A delivery as Kibo's EventDeliverySummary. Running means a worker holds its lease now; retries remain, and a next
 * execution is due, only while it is Pending (a redelivery starts its count again).
 */
export function serializeDelivery(delivery: DeliveryView, { now, maxAttempts }: DeliveryClock): EventDeliverySummaryJson {
  const pending = delivery.status === "Pending";
  const { event } = delivery;
  return {
    id: delivery.processId,
    subscriptionId: delivery.subscription.subscriptionId,
    eventSummary: {
      eventId: event.eventId,
      topic: event.topic,
      entityId: event.entityId,
      correlationId: event.correlationId,
      createDate: event.createdAt.toISOString(),
      tenantId: event.tenantId,
      siteId: event.siteId,
      catalogId: null,
      masterCatalogId: null,
      extendedProperties: readExtendedProperties(event.extendedProperties),
    },
    deliveryStatus: delivery.status,
    isRunning: pending && delivery.leaseExpiresAt !== null && delivery.leaseExpiresAt > now,
    retriesRemaining: pending ? Math.max(0, maxAttempts - delivery.attempts) : 0,
    lastExecutionDate: delivery.lastAttemptAt?.toISOString() ?? null,
    nextExecutionDate: pending ? delivery.nextAttemptAt.toISOString() : null,
    createDate: delivery.createdAt.toISOString(),
    updateDate: delivery.updatedAt.toISOString(),
    deliveryAttempts: delivery.deliveryAttempts.map((attempt) => ({
      executionDate: attempt.executionDate.toISOString(),
      deliveryStatus: attempt.deliveryStatus,
      errorType: attempt.errorType,
      message: attempt.message,
      httpStatus: attempt.httpStatus === null ? null : { code: attempt.httpStatus, name: STATUS_CODES[attempt.httpStatus] ?? null },
    })),
  };
}
