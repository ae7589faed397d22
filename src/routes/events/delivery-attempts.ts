import type { TenantDb } from "../../db/tenant-scope.js";
import type { TenantTx } from "../../db/transactions.js";
import { Errors } from "../../errors.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { listQuery, readPage, type ListInput, type Page } from "../../query/index.js";
import { DELIVERY_LIST } from "./push-fields.js";
import { DELIVERY_VIEW, type DeliveryView } from "./push-serialize.js";
import { ownSubscription } from "./subscriptions.js";

/**
 * The deliveries of an application's subscriptions, with their attempts (Kibo's delivery attempt summaries), and
 * redelivery. Like the subscriptions, limited to the caller's own: another application's processId is not found.
 */

/**
 * Lists the deliveries of one of the application's subscriptions, or of all its subscriptions when `subscriptionId`
 * is undefined. Like a filter on the subscription, an id the application has no subscription with lists nothing.
 */
export async function listDeliveries(
  db: TenantDb,
  clientId: string,
  subscriptionId: string | undefined,
  input: ListInput,
): Promise<Page<DeliveryView>> {
  const query = listQuery(input, DELIVERY_LIST);
  const scope: Prisma.EventDeliveryWhereInput = {
    subscription: subscriptionId === undefined ? { application: { clientId } } : ownSubscription(clientId, subscriptionId),
  };
  const where: Prisma.EventDeliveryWhereInput = { AND: [scope, ...query.filters] };
  return readPage(
    query,
    (args) => db.eventDelivery.findMany({ where, select: DELIVERY_VIEW, ...args }),
    () => db.eventDelivery.count({ where }),
  );
}

function ownDelivery(clientId: string, subscriptionId: string, processId: string): Prisma.EventDeliveryWhereInput {
  return { processId: processId.toLowerCase(), subscription: ownSubscription(clientId, subscriptionId) };
}

/** One delivery of one of the application's subscriptions; 404 for an unknown pair, or another application's. */
export async function getDelivery(
  db: TenantDb | TenantTx,
  clientId: string,
  subscriptionId: string,
  processId: string,
): Promise<DeliveryView> {
  const where = ownDelivery(clientId, subscriptionId, processId);
  const delivery = await db.eventDelivery.findFirst({ where, select: DELIVERY_VIEW });
  if (!delivery) {
    throw Errors.notFound(`Delivery ${processId} of subscription ${subscriptionId} was not found.`, { subscriptionId, processId });
  }
  return delivery;
}

/**
 * Queues a Succeeded or Failed delivery again: Pending, due now, with its attempt count reset (so it gets every
 * attempt again) and its attempt history kept. A Pending delivery is already queued: 409. The state test is part of
 * the UPDATE, so of two concurrent redeliveries one queues it and the other is told it is queued.
 */
export async function redeliver(
  tx: TenantTx,
  clientId: string,
  subscriptionId: string,
  processId: string,
  now: Date,
): Promise<DeliveryView> {
  const queued = await tx.eventDelivery.updateMany({
    where: { ...ownDelivery(clientId, subscriptionId, processId), status: { not: "Pending" } },
    data: { status: "Pending", attempts: 0, nextAttemptAt: now, leaseExpiresAt: null, updatedAt: now },
  });
  const delivery = await getDelivery(tx, clientId, subscriptionId, processId);
  if (queued.count === 0) {
    throw Errors.conflict(
      `Delivery ${processId} is Pending: it is already queued. Redeliver it once it has Succeeded or Failed.`,
      { processId, deliveryStatus: delivery.status },
    );
  }
  return delivery;
}
