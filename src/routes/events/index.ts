import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import Type from "typebox";
import type { RouteAuth } from "../../auth/caller.js";
import type { Config } from "../../config.js";
import { deliveryQueued } from "../../delivery/signal.js";
import { Errors } from "../../errors.js";
import { endpointPolicy } from "../../events/push/endpoint-policy.js";
import { requireCaller } from "../../http/caller.js";
import { idempotencyHeaders, NO_IDEMPOTENCY_KEY } from "../../http/idempotent-route.js";
import { ErrorResponses } from "../../http/schemas.js";
import { runWrite } from "../../http/write-route.js";
import { parseResponseFields, projectResponse, toCollection } from "../../query/index.js";
import { getDelivery, listDeliveries, redeliver } from "./delivery-attempts.js";
import {
  DeliveryListQuery,
  DeliveryParams,
  DeliveryResponseFieldsQuery,
  NewSubscriptionBody,
  NoContent,
  PUSH_MODEL_SCHEMAS,
  SubscriptionIdParams,
  SubscriptionListQuery,
  SubscriptionReplaceBody,
} from "./push-schemas.js";
import { serializeDelivery, serializeSubscription, type DeliveryView } from "./push-serialize.js";
import { getEvent, listEvents } from "./reads.js";
import { EventIdParams, EventListQuery, MODEL_SCHEMAS, ResponseFieldsQuery } from "./schemas.js";
import { serializeEvent } from "./serialize.js";
import {
  checkSubscriptionInput,
  createSubscription,
  deleteSubscription,
  listSubscriptions,
  replaceSubscription,
} from "./subscriptions.js";

export interface EventRoutesOptions {
  config: Pick<Config, "EVENT_ALLOW_HTTP" | "EVENT_ALLOWED_HOSTS" | "EVENT_DELIVERY_MAX_ATTEMPTS">;
}

const BASE = "/api/event/pull";
const SUBSCRIPTIONS = "/api/event/push/subscriptions";
const TAGS = ["Events"];
const PUSH_TAGS = ["Push subscriptions"];

const READ: RouteAuth = { behaviors: ["EventRead"] };
const MANAGE: RouteAuth = { behaviors: ["EventSubscriptionManage"] };

const CreateIdempotencyHeaders = idempotencyHeaders(
  "Makes a retry safe: the first response to a key is stored, and a retry with the same key and body " +
    "returns it (with `Idempotent-Replayed: true`) instead of creating a second subscription. The same key with a " +
    "different body is a 409.",
);

/** The calling application's client id: subscriptions belong to an application (the routes refuse shopper tokens). */
function subscriberOf(request: FastifyRequest): string {
  const caller = requireCaller(request);
  if (caller.kind !== "application") throw Errors.forbidden("Shopper tokens cannot call this operation.");
  return caller.clientId;
}

/**
 * Kibo's event pull API (EventApi): the changes of the caller's tenant, as they were committed; and push
 * subscriptions with their deliveries (EventSubscriptionApi's reads, and Tally's own writes and redelivery).
 */
const eventRoutes: FastifyPluginAsyncTypebox<EventRoutesOptions> = async (app, { config }) => {
  for (const schema of [...MODEL_SCHEMAS, ...PUSH_MODEL_SCHEMAS]) app.addSchema(schema);
  const policy = endpointPolicy(config);
  const clock = () => ({ now: new Date(), maxAttempts: config.EVENT_DELIVERY_MAX_ATTEMPTS });
  const summaries = (page: { items: DeliveryView[] }) => {
    const at = clock();
    return page.items.map((delivery) => serializeDelivery(delivery, at));
  };

  app.get(
    BASE,
    {
      config: { auth: READ },
      schema: {
        operationId: "getEvents",
        summary: "List events",
        description:
          "Pages through the tenant's events — every change, written in the same transaction as the change itself, so " +
          "a rolled-back request leaves none — oldest first unless sorted otherwise, the way a consumer catching up " +
          "reads them. To follow along, ask each time for `createDate ge` a minute before the newest createDate " +
          "handled and skip the ids already handled: createDate is taken when the change's transaction begins, so a " +
          "slow one can commit after events with a later createDate were read, and events of one millisecond share " +
          "it. Events are kept for `EVENT_RETENTION_DAYS` (default 30).",
        tags: TAGS,
        querystring: EventListQuery,
        response: { 200: Type.Ref("EventCollection"), ...ErrorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const fields = parseResponseFields(request.query.responseFields);
      const page = await listEvents(request.tenantDb, request.query);
      return projectResponse(toCollection({ ...page, items: page.items.map(serializeEvent) }), fields);
    },
  );

  app.get(
    `${BASE}/:eventId`,
    {
      config: { auth: READ },
      schema: {
        operationId: "getEvent",
        summary: "Get an event",
        description: "The tenant's event with this id. An unknown id, or another tenant's event, answers 404.",
        tags: TAGS,
        params: EventIdParams,
        querystring: ResponseFieldsQuery,
        response: { 200: Type.Ref("Event"), ...ErrorResponses(400, 401, 403, 404, 414) },
      },
    },
    async (request) => {
      const fields = parseResponseFields(request.query.responseFields);
      return projectResponse(serializeEvent(await getEvent(request.tenantDb, request.params.eventId)), fields);
    },
  );

  app.get(
    SUBSCRIPTIONS,
    {
      config: { auth: MANAGE },
      schema: {
        operationId: "getSubscriptions",
        summary: "List push subscriptions",
        description:
          "Pages through the calling application's push subscriptions, oldest first unless sorted otherwise. Other " +
          "applications of the tenant have their own and never see these.",
        tags: PUSH_TAGS,
        querystring: SubscriptionListQuery,
        response: { 200: Type.Ref("EventSubscriptionCollection"), ...ErrorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const fields = parseResponseFields(request.query.responseFields);
      const page = await listSubscriptions(request.tenantDb, subscriberOf(request), request.query);
      return projectResponse(toCollection({ ...page, items: page.items.map(serializeSubscription) }), fields);
    },
  );

  app.post(
    SUBSCRIPTIONS,
    {
      config: { auth: MANAGE },
      schema: {
        operationId: "createSubscription",
        summary: "Subscribe to push deliveries",
        description:
          "Tally's addition (Kibo configures subscriptions in its Dev Center): from now on each event of these topics " +
          "in the tenant is POSTed to `endpoint`, signed as Kibo signs (`x-vol-hmac-sha256`, keyed with the " +
          "application's shared secret), at least once and in order per entity; receivers deduplicate by `eventId`. " +
          "The endpoint must be `https://` in production and name a public address (400 naming the problem " +
          "otherwise). An application registered before push subscriptions existed must first request a token with " +
          "its client secret once, which stores the key its deliveries are signed with (409 until then). Answers 201.",
        tags: PUSH_TAGS,
        headers: CreateIdempotencyHeaders,
        body: NewSubscriptionBody,
        response: { 201: Type.Ref("EventSubscription"), ...ErrorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const clientId = subscriberOf(request);
      const input = { ...request.body, isActive: request.body.isActive ?? true };
      await checkSubscriptionInput(input, policy);
      return runWrite(request, reply, { query: false }, async (tx) => ({
        statusCode: 201,
        body: serializeSubscription(await createSubscription(tx, clientId, input, new Date())),
      }));
    },
  );

  app.put(
    `${SUBSCRIPTIONS}/:subscriptionId`,
    {
      config: { auth: MANAGE },
      schema: {
        operationId: "updateSubscription",
        summary: "Replace a push subscription",
        description:
          "Replaces the endpoint, topics and isActive of one of the application's subscriptions, checked as on " +
          "create. Deliveries already queued keep their place and go to the new endpoint. An inactive subscription " +
          "has nothing new queued for it, and what was queued waits until it is active again. Another application's " +
          "subscription answers 404.",
        tags: PUSH_TAGS,
        params: SubscriptionIdParams,
        body: SubscriptionReplaceBody,
        response: { 200: Type.Ref("EventSubscription"), ...ErrorResponses(400, 401, 403, 404, 414) },
      },
    },
    async (request, reply) => {
      const clientId = subscriberOf(request);
      await checkSubscriptionInput(request.body, policy);
      return runWrite(request, reply, NO_IDEMPOTENCY_KEY, async (tx) => {
        const subscription = await replaceSubscription(tx, clientId, request.params.subscriptionId, request.body, new Date());
        return { statusCode: 200, body: serializeSubscription(subscription) };
      });
    },
  );

  app.delete(
    `${SUBSCRIPTIONS}/:subscriptionId`,
    {
      config: { auth: MANAGE },
      schema: {
        operationId: "deleteSubscription",
        summary: "Delete a push subscription",
        description:
          "Deletes one of the application's subscriptions with its deliveries, pending ones included: nothing more is " +
          "sent to its endpoint. Another application's subscription answers 404. Answers 204.",
        tags: PUSH_TAGS,
        params: SubscriptionIdParams,
        response: { 204: NoContent("Deleted; no body."), ...ErrorResponses(400, 401, 403, 404, 413, 414, 415) },
      },
    },
    async (request, reply) => {
      await deleteSubscription(request.tenantDb, subscriberOf(request), request.params.subscriptionId);
      return reply.status(204).send();
    },
  );

  // A static segment outranks a parameter in Fastify's router, so `deliveryattempts` is never read as a subscriptionId.
  app.get(
    `${SUBSCRIPTIONS}/deliveryattempts`,
    {
      config: { auth: MANAGE },
      schema: {
        operationId: "getDeliveryAttemptSummariesAllSubscriptions",
        summary: "List the deliveries of all subscriptions",
        description:
          "Pages through the deliveries of every subscription of the calling application, each with all its attempts, " +
          "oldest first unless sorted otherwise. `filter=deliveryStatus eq Failed` lists what needs attention.",
        tags: PUSH_TAGS,
        querystring: DeliveryListQuery,
        response: { 200: Type.Ref("EventDeliverySummaryCollection"), ...ErrorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const fields = parseResponseFields(request.query.responseFields);
      const page = await listDeliveries(request.tenantDb, subscriberOf(request), undefined, request.query);
      return projectResponse(toCollection({ ...page, items: summaries(page) }), fields);
    },
  );

  app.get(
    `${SUBSCRIPTIONS}/:subscriptionId/deliveryattempts`,
    {
      config: { auth: MANAGE },
      schema: {
        operationId: "getDeliveryAttemptSummaries",
        summary: "List a subscription's deliveries",
        description:
          "Pages through the deliveries of one of the application's subscriptions, each with all its attempts, oldest " +
          "first unless sorted otherwise. An id the application has no subscription with (another application's " +
          "included) lists nothing, as the same filter on the all-subscriptions list would.",
        tags: PUSH_TAGS,
        params: SubscriptionIdParams,
        querystring: DeliveryListQuery,
        response: { 200: Type.Ref("EventDeliverySummaryCollection"), ...ErrorResponses(400, 401, 403, 414) },
      },
    },
    async (request) => {
      const fields = parseResponseFields(request.query.responseFields);
      const page = await listDeliveries(request.tenantDb, subscriberOf(request), request.params.subscriptionId, request.query);
      return projectResponse(toCollection({ ...page, items: summaries(page) }), fields);
    },
  );

  app.get(
    `${SUBSCRIPTIONS}/:subscriptionId/deliveryattempts/:processId`,
    {
      config: { auth: MANAGE },
      schema: {
        operationId: "getDeliveryAttemptSummary",
        summary: "Get a delivery",
        description:
          "One delivery of one of the application's subscriptions, with all its attempts. An unknown pair of ids, or " +
          "another application's, answers 404.",
        tags: PUSH_TAGS,
        params: DeliveryParams,
        querystring: DeliveryResponseFieldsQuery,
        response: { 200: Type.Ref("EventDeliverySummary"), ...ErrorResponses(400, 401, 403, 404, 414) },
      },
    },
    async (request) => {
      const fields = parseResponseFields(request.query.responseFields);
      const { subscriptionId, processId } = request.params;
      const delivery = await getDelivery(request.tenantDb, subscriberOf(request), subscriptionId, processId);
      return projectResponse(serializeDelivery(delivery, clock()), fields);
    },
  );

  app.post(
    `${SUBSCRIPTIONS}/:subscriptionId/deliveryattempts/:processId/retry`,
    {
      config: { auth: MANAGE },
      schema: {
        operationId: "retryDeliveryAttempt",
        summary: "Redeliver a delivery",
        description:
          "Tally's addition: queues a Failed (or Succeeded) delivery again, due now and with every attempt available " +
          "again; its attempt history is kept. A Pending delivery is already queued: 409. Answers 202 with the " +
          "summary; the delivery happens in the background (read it back to follow it), once the subscription is active.",
        tags: PUSH_TAGS,
        params: DeliveryParams,
        response: { 202: Type.Ref("EventDeliverySummary"), ...ErrorResponses(400, 401, 403, 404, 409, 413, 414, 415) },
      },
    },
    async (request, reply) => {
      const clientId = subscriberOf(request);
      const { subscriptionId, processId } = request.params;
      await runWrite(request, reply, NO_IDEMPOTENCY_KEY, async (tx) => {
        const delivery = await redeliver(tx, clientId, subscriptionId, processId, new Date());
        return { statusCode: 202, body: serializeDelivery(delivery, clock()) };
      });
      // Committed: this process's delivery loop can claim it now rather than at its next poll.
      deliveryQueued();
      return reply;
    },
  );
};

export default eventRoutes;
