import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { Configuration } from "@kibocommerce/rest-sdk";
// The package has no "exports" map, so NodeNext resolution needs the file itself, not the directory.
import {
  EventApi,
  EventSubscriptionApi,
  type EventCollection,
  type EventDeliverySummary,
  type EventDeliverySummaryCollection,
  type EventEvent,
  type EventSubscriptionCollection,
} from "@kibocommerce/rest-sdk/clients/Event/index.js";
import { BEHAVIORS } from "../../../src/auth/caller.js";
import { secretBox } from "../../../src/auth/secret-box.js";
import { createTenant, createWebsite } from "../../../src/demo/factories.js";
import { registerApplication } from "../../../src/routes/platform/service.js";
import { appAuth, TEST_KEYS } from "../../helpers/auth.js";
import { api, CREDITS, useTestApp } from "../../helpers/harness.js";

// Kibo's own SDK, pointed at Tally by its apiHost and an access token: nothing else about it changes.
const harness = useTestApp({ env: { EVENT_ALLOWED_HOSTS: "127.0.0.1" } });
let apiHost: string;

beforeAll(async () => {
  await harness.app.listen({ port: 0, host: "127.0.0.1" });
  apiHost = `http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`;
});

/** An EventApi for a fresh tenant with one site, and the URLs it called. */
async function kiboEvents(behaviors?: Parameters<typeof appAuth>[2]) {
  const tenant = await createTenant(harness.database.prisma);
  const website = await createWebsite(harness.database.prisma, { tenantId: tenant.id });
  const sent: string[] = [];
  const configuration = new Configuration({
    tenantId: String(tenant.id),
    siteId: String(website.siteId),
    apiHost,
    accessToken: (await appAuth(harness.app, tenant.id, behaviors)).authorization.replace(/^Bearer /, ""),
    fetchApi: (url: string, init: RequestInit) => {
      sent.push(`${init.method ?? "GET"} ${url}`);
      return fetch(url, init);
    },
  });
  return { tenantId: tenant.id, siteId: website.siteId, events: new EventApi(configuration), sent };
}

test("Kibo's EventApi lists a credit's updates with a filter and reads one event by id", async () => {
  const { tenantId, siteId, events, sent } = await kiboEvents();
  const write = (topic: string, entityId: string, extendedProperties: { key: string; value: string | number }[]) =>
    harness.database.prisma.event.create({
      data: { tenantId, siteId, eventId: randomUUID(), topic, entityId, correlationId: "sdk-1", extendedProperties },
    });
  await write("credit.created", "GC-SDK", [{ key: "currentBalance", value: 50 }]);
  const first = await write("credit.updated", "GC-SDK", [{ key: "currentBalance", value: 37.5 }]);
  await write("credit.updated", "GC-OTHER", [{ key: "currentBalance", value: 1 }]);
  const second = await write("credit.updated", "GC-SDK", [
    { key: "currentBalance", value: 25 },
    { key: "currencyCode", value: "USD" },
  ]);

  const page: EventCollection = await events.getEvents({ filter: "topic eq credit.updated and entityId eq GC-SDK", pageSize: 1 });
  expect(page).toMatchObject({ startIndex: 0, pageSize: 1, pageCount: 2, totalCount: 2 });
  const decoded: EventEvent | undefined = page.items?.[0];
  expect(decoded).toEqual({
    id: first.eventId,
    topic: "credit.updated",
    entityId: "GC-SDK",
    correlationId: "sdk-1",
    tenantId,
    siteId,
    catalogId: null,
    masterCatalogId: null,
    isTest: false,
    extendedProperties: [{ key: "currentBalance", value: 37.5 }],
    auditInfo: {
      createBy: null,
      createDate: first.createdAt.toISOString(),
      updateBy: null,
      updateDate: first.createdAt.toISOString(),
    },
  });
  expect(sent[0]).toBe(
    `GET ${apiHost}/api/event/pull?pageSize=1&filter=${encodeURIComponent("topic eq credit.updated and entityId eq GC-SDK")}`,
  );

  const next = await events.getEvents({
    filter: "topic eq credit.updated and entityId eq GC-SDK",
    startIndex: 1,
    pageSize: 1,
    responseFields: "items(id,extendedProperties)",
  });
  expect(next).toEqual({
    items: [{ id: second.eventId, extendedProperties: [{ key: "currentBalance", value: 25 }, { key: "currencyCode", value: "USD" }] }],
  });

  const one: EventEvent = await events.getEvent({ eventId: second.eventId });
  expect(one).toMatchObject({ id: second.eventId, topic: "credit.updated", entityId: "GC-SDK", tenantId, siteId });
  expect(sent.at(-1)).toBe(`GET ${apiHost}/api/event/pull/${second.eventId}`);
});

test("Tally's refusals reach the SDK as Kibo error bodies", async () => {
  const { events } = await kiboEvents();
  const missing = randomUUID();
  await expect(events.getEvent({ eventId: missing })).rejects.toMatchObject({
    response: { status: 404 },
    apiError: { errorCode: "ITEM_NOT_FOUND", message: `Event ${missing} was not found.` },
  });
  await expect(events.getEvents({ filter: "topic eq" })).rejects.toMatchObject({
    response: { status: 400 },
    apiError: { errorCode: "MISSING_OR_INVALID_PARAMETER" },
  });
  const { events: withoutBehavior } = await kiboEvents(["CreditRead"]);
  await expect(withoutBehavior.getEvents()).rejects.toMatchObject({
    response: { status: 403 },
    apiError: { errorCode: "FORBIDDEN", message: "The token lacks the required behavior EventRead." },
  });
});

/** An EventSubscriptionApi for a registered application of a fresh tenant (subscriptions are an application's). */
async function kiboSubscriptions() {
  const prisma = harness.database.prisma;
  const tenant = await createTenant(prisma);
  const website = await createWebsite(prisma, { tenantId: tenant.id, baseCurrencyCode: "USD" });
  const { clientId } = await registerApplication(prisma, {
    tenantId: tenant.id,
    name: "ERP",
    behaviors: BEHAVIORS,
    sealer: secretBox(TEST_KEYS.EVENT_SECRET_KEYS),
  });
  const auth = await appAuth(harness.app, tenant.id, BEHAVIORS, clientId);
  const sent: string[] = [];
  const configuration = new Configuration({
    tenantId: String(tenant.id),
    siteId: String(website.siteId),
    apiHost,
    accessToken: auth.authorization.replace(/^Bearer /, ""),
    fetchApi: (url: string, init: RequestInit) => {
      sent.push(`${init.method ?? "GET"} ${url}`);
      return fetch(url, init);
    },
  });
  return { tenantId: tenant.id, clientId, auth, subscriptions: new EventSubscriptionApi(configuration), sent };
}

test("Kibo's EventSubscriptionApi reads the application's subscriptions and their delivery attempts", async () => {
  const { tenantId, clientId, auth, subscriptions, sent } = await kiboSubscriptions();
  const subscribe = (topics: string[]) =>
    api(harness).post("/api/event/push/subscriptions").set(auth).send({ endpoint: "http://127.0.0.1:4100/erp", topics }).expect(201);
  const created = (await subscribe(["credit.created"])).body as { id: string };
  await subscribe(["credit.deleted"]);
  const card = await api(harness).post(CREDITS).set(auth).send({ creditType: "GiftCard", currencyCode: "USD", initialBalance: 20 }).expect(200);
  const prisma = harness.database.prisma;
  const delivery = await prisma.eventDelivery.findFirstOrThrow({ where: { entityId: card.body.code as string }, include: { event: true } });
  // What the delivery worker leaves after one failed attempt, out of attempts.
  await prisma.eventDeliveryAttempt.create({
    data: {
      tenantId,
      deliveryRef: delivery.id,
      executionDate: new Date("2026-12-01T09:30:00.031Z"),
      deliveryStatus: "Failed",
      httpStatus: 500,
      errorType: "HttpStatus",
      message: "500 from the endpoint",
    },
  });
  await prisma.eventDelivery.update({ where: { id: delivery.id }, data: { status: "Failed", attempts: 1, lastAttemptAt: new Date("2026-12-01T09:30:00.031Z") } });

  const page: EventSubscriptionCollection = await subscriptions.getSubscriptions({ filter: "endpoint sw 'http://127.0.0.1'", pageSize: 1 });
  expect(page).toMatchObject({ startIndex: 0, pageSize: 1, pageCount: 2, totalCount: 2 });
  expect(page.items?.[0]).toMatchObject({
    id: created.id,
    appId: clientId,
    endpoint: "http://127.0.0.1:4100/erp",
    topics: ["credit.created"],
    isActive: true,
    notificationDeliveryType: "Webhook",
    subscribingTenants: [{ tenantId }],
  });
  expect(sent.at(-1)).toBe(`GET ${apiHost}/api/event/push/subscriptions?pageSize=1&filter=${encodeURIComponent("endpoint sw 'http://127.0.0.1'")}`);

  const summaries: EventDeliverySummaryCollection = await subscriptions.getDeliveryAttemptSummaries({ subscriptionId: created.id });
  expect(summaries.totalCount).toBe(1);
  const summary: EventDeliverySummary | undefined = summaries.items?.[0];
  expect(summary).toMatchObject({
    id: delivery.processId,
    eventSummary: { eventId: delivery.event.eventId, topic: "credit.created", entityId: card.body.code, tenantId },
    deliveryStatus: "Failed",
    isRunning: false,
    retriesRemaining: 0,
    lastExecutionDate: "2026-12-01T09:30:00.031Z",
    deliveryAttempts: [
      {
        executionDate: "2026-12-01T09:30:00.031Z",
        deliveryStatus: "Failed",
        errorType: "HttpStatus",
        message: "500 from the endpoint",
        httpStatus: { code: 500, name: "Internal Server Error" },
      },
    ],
  });
  expect(sent.at(-1)).toBe(`GET ${apiHost}/api/event/push/subscriptions/${created.id}/deliveryattempts`);

  const failed = await subscriptions.getDeliveryAttemptSummariesAllSubscriptions({ filter: "deliveryStatus eq Failed", responseFields: "items(id),totalCount" });
  expect(failed).toEqual({ totalCount: 1, items: [{ id: delivery.processId }] });
  expect(sent.at(-1)).toBe(
    `GET ${apiHost}/api/event/push/subscriptions/deliveryattempts?filter=${encodeURIComponent("deliveryStatus eq Failed")}&responseFields=${encodeURIComponent("items(id),totalCount")}`,
  );

  // The SDK declares processId a number; Tally's are UUIDs, which it puts in the path as given.
  const one = await subscriptions.getDeliveryAttemptSummary({ subscriptionId: created.id, processId: delivery.processId as unknown as number });
  expect(one).toEqual(summary);
  expect(sent.at(-1)).toBe(`GET ${apiHost}/api/event/push/subscriptions/${created.id}/deliveryattempts/${delivery.processId}`);

  const missing = randomUUID();
  await expect(subscriptions.getDeliveryAttemptSummary({ subscriptionId: created.id, processId: missing as unknown as number })).rejects.toMatchObject({
    response: { status: 404 },
    apiError: { errorCode: "ITEM_NOT_FOUND", message: `Delivery ${missing} of subscription ${created.id} was not found.` },
  });
});
