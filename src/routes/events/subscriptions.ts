import { randomUUID } from "node:crypto";
import { tenantIdOf, type TenantDb } from "../../db/tenant-scope.js";
import type { TenantTx } from "../../db/transactions.js";
import { Errors } from "../../errors.js";
import { endpointProblem, type EndpointPolicy } from "../../events/push/endpoint-policy.js";
import { EVENT_TOPICS } from "../../events/topics.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { listQuery, readPage, type ListInput, type Page } from "../../query/index.js";
import { SUBSCRIPTION_LIST } from "./push-fields.js";
import { SUBSCRIPTION_VIEW, type SubscriptionView } from "./push-serialize.js";

/**
 * An application's push subscriptions. Like Kibo's, a subscription belongs to the application that made it: every
 * read and change here is limited to the caller's own (found by its client id in the caller's tenant), so another
 * application of the same tenant sees none of them and gets 404 for their ids.
 */

export interface SubscriptionInput {
  endpoint: string;
  topics: readonly string[];
  isActive: boolean;
}

const KNOWN_TOPICS: ReadonlySet<string> = new Set(EVENT_TOPICS);
const TOPIC_LIST = EVENT_TOPICS.join(", ");

/**
 * Refuses a subscription Tally could not or must not deliver to, with a 400 naming the problem: topics it does not
 * publish (or none, or one twice), and an endpoint the delivery rules refuse (see endpoint-policy: https, and no
 * loopback, link-local or private address, its name resolved). Runs before any transaction: resolving a name may take
 * a while, and no connection should wait on it.
 */
export async function checkSubscriptionInput(input: SubscriptionInput, policy: EndpointPolicy): Promise<void> {
  if (input.topics.length === 0) {
    throw Errors.invalidParameter(`topics: name at least one topic, of ${TOPIC_LIST}.`, { parameter: "topics" });
  }
  const seen = new Set<string>();
  for (const topic of input.topics) {
    if (!KNOWN_TOPICS.has(topic)) {
      throw Errors.invalidParameter(`topics: ${JSON.stringify(topic)} is not a topic Tally publishes; it publishes ${TOPIC_LIST}.`, {
        parameter: "topics",
        value: topic,
      });
    }
    if (seen.has(topic)) throw Errors.invalidParameter(`topics: ${topic} is listed twice.`, { parameter: "topics", value: topic });
    seen.add(topic);
  }
  // The URL parser would quietly drop surrounding spaces; what is stored should be exactly what is delivered to.
  if (/\s/.test(input.endpoint)) {
    throw Errors.invalidParameter("endpoint: must not contain spaces.", { parameter: "endpoint" });
  }
  const problem = await endpointProblem(input.endpoint, policy);
  if (problem) throw Errors.invalidParameter(`${problem}.`, { parameter: "endpoint" });
}

/**
 * The subscribing application, which must be able to sign deliveries: its sealed signing key is stored when Tally
 * learns its secret (at registration, or its next token request), so an application registered before push
 * subscriptions existed has none until it asks for a token once.
 */
async function signingApplication(tx: TenantTx, clientId: string): Promise<{ id: number }> {
  const application = await tx.application.findUnique({
    where: { clientId },
    select: { id: true, signingKey: true, revokedAt: true },
  });
  if (!application || application.revokedAt) {
    throw Errors.forbidden(`Application ${clientId} is not registered in this tenant, or was revoked.`);
  }
  if (application.signingKey === null) {
    throw Errors.conflict(
      `Application ${clientId} has no key to sign deliveries with yet: Tally derives it from the client secret, which ` +
        "it keeps only as a hash. Request a token with the client secret once (POST " +
        "/api/platform/applications/authtickets/oauth), then subscribe again.",
      { clientId },
    );
  }
  return { id: application.id };
}

/** Subscribes the application `clientId` of the transaction's tenant (input checked by checkSubscriptionInput). */
export async function createSubscription(
  tx: TenantTx,
  clientId: string,
  input: SubscriptionInput,
  now: Date,
): Promise<SubscriptionView> {
  const application = await signingApplication(tx, clientId);
  return tx.eventSubscription.create({
    data: {
      subscriptionId: randomUUID(),
      tenantId: tenantIdOf(tx),
      applicationId: application.id,
      endpoint: input.endpoint,
      topics: [...input.topics],
      isActive: input.isActive,
      createdBy: clientId,
      createdAt: now,
      updatedBy: clientId,
      updatedAt: now,
    },
    select: SUBSCRIPTION_VIEW,
  });
}

/** The application's own subscription with this id (case-insensitive); another application's or tenant's does not match. */
export function ownSubscription(clientId: string, subscriptionId: string): Prisma.EventSubscriptionWhereInput {
  return { subscriptionId: subscriptionId.toLowerCase(), application: { clientId } };
}

function subscriptionNotFound(subscriptionId: string) {
  return Errors.notFound(`Subscription ${subscriptionId} was not found.`, { subscriptionId });
}

/**
 * Replaces the endpoint, topics and state of one of the application's subscriptions. Deliveries already queued keep
 * their place and go to the new endpoint (while inactive, the delivery worker holds them); events written from now on
 * are queued by the new topics.
 */
export async function replaceSubscription(
  tx: TenantTx,
  clientId: string,
  subscriptionId: string,
  input: SubscriptionInput,
  now: Date,
): Promise<SubscriptionView> {
  const existing = await tx.eventSubscription.findFirst({ where: ownSubscription(clientId, subscriptionId), select: { id: true } });
  if (!existing) throw subscriptionNotFound(subscriptionId);
  return tx.eventSubscription.update({
    where: { id: existing.id },
    data: { endpoint: input.endpoint, topics: [...input.topics], isActive: input.isActive, updatedBy: clientId, updatedAt: now },
    select: SUBSCRIPTION_VIEW,
  });
}

/** Deletes one of the application's subscriptions; its deliveries and their attempts go with it (foreign-key cascade). */
export async function deleteSubscription(db: TenantDb | TenantTx, clientId: string, subscriptionId: string): Promise<void> {
  const deleted = await db.eventSubscription.deleteMany({ where: ownSubscription(clientId, subscriptionId) });
  if (deleted.count === 0) throw subscriptionNotFound(subscriptionId);
}

/** Lists the application's subscriptions through the list pipeline (filter, sortBy, paging). */
export async function listSubscriptions(db: TenantDb, clientId: string, input: ListInput): Promise<Page<SubscriptionView>> {
  const query = listQuery(input, SUBSCRIPTION_LIST);
  const where: Prisma.EventSubscriptionWhereInput = { AND: [{ application: { clientId } }, ...query.filters] };
  return readPage(
    query,
    (args) => db.eventSubscription.findMany({ where, select: SUBSCRIPTION_VIEW, ...args }),
    () => db.eventSubscription.count({ where }),
  );
}
