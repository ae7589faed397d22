import { randomUUID } from "node:crypto";
import { BEHAVIORS, type Behavior } from "../../../src/auth/caller.js";
import { secretBox } from "../../../src/auth/secret-box.js";
import { onDeliveryQueued } from "../../../src/delivery/signal.js";
import { createTenant, createWebsite } from "../../../src/demo/factories.js";
import { registerApplication } from "../../../src/routes/platform/service.js";
import { appAuth, TEST_KEYS } from "../../helpers/auth.js";
import { api, CREDITS, useTestApp } from "../../helpers/harness.js";

const MAX_ATTEMPTS = 5;
const harness = useTestApp({ env: { EVENT_ALLOWED_HOSTS: "127.0.0.1", EVENT_DELIVERY_MAX_ATTEMPTS: String(MAX_ATTEMPTS) } });
const SUBSCRIPTIONS = "/api/event/push/subscriptions";
const RECEIVER = "http://127.0.0.1:4100/tally";

interface Subscriber {
  tenantId: number;
  clientId: string;
  auth: { authorization: string };
}

/** An application of `tenantId` (a new tenant with a USD site by default) that can subscribe, and its token. */
async function subscriber(options: { tenantId?: number; behaviors?: readonly Behavior[] } = {}): Promise<Subscriber> {
  const prisma = harness.database.prisma;
  let { tenantId } = options;
  if (tenantId === undefined) {
    tenantId = (await createTenant(prisma)).id;
    await createWebsite(prisma, { tenantId, baseCurrencyCode: "USD" });
  }
  const { clientId } = await registerApplication(prisma, {
    tenantId,
    name: "ERP",
    behaviors: options.behaviors ?? BEHAVIORS,
    sealer: secretBox(TEST_KEYS.EVENT_SECRET_KEYS),
  });
  return { tenantId, clientId, auth: await appAuth(harness.app, tenantId, options.behaviors, clientId) };
}

async function subscribe(who: Subscriber, topics = ["credit.created", "credit.updated"]): Promise<string> {
  const response = await api(harness).post(SUBSCRIPTIONS).set(who.auth).send({ endpoint: RECEIVER, topics }).expect(201);
  return response.body.id as string;
}

/** A gift card created through the API, so its credit.created is queued for the tenant's subscriptions. */
async function giftCard(who: Subscriber): Promise<string> {
  const response = await api(harness).post(CREDITS).set(who.auth).send({ creditType: "GiftCard", currencyCode: "USD", initialBalance: 10 }).expect(200);
  return response.body.code as string;
}

async function deliveryOf(subscriptionId: string, entityId: string) {
  return harness.database.prisma.eventDelivery.findFirstOrThrow({
    where: { entityId, subscription: { subscriptionId } },
    include: { event: true },
  });
}

interface Attempt {
  at: string;
  status: "Succeeded" | "Failed";
  httpStatus?: number;
  errorType?: string;
  message?: string;
}

/** What the delivery worker writes: the attempts, then the delivery's state after the last. */
async function attempted(deliveryId: bigint, tenantId: number, attempts: Attempt[], state: { status: string; nextAttemptAt?: Date; leaseExpiresAt?: Date | null }) {
  const prisma = harness.database.prisma;
  for (const attempt of attempts) {
    await prisma.eventDeliveryAttempt.create({
      data: {
        tenantId,
        deliveryRef: deliveryId,
        executionDate: new Date(attempt.at),
        deliveryStatus: attempt.status,
        httpStatus: attempt.httpStatus ?? null,
        errorType: attempt.errorType ?? null,
        message: attempt.message ?? null,
        durationMs: 12,
      },
    });
  }
  const last = attempts.at(-1);
  await prisma.eventDelivery.update({
    where: { id: deliveryId },
    data: { attempts: attempts.length, lastAttemptAt: last ? new Date(last.at) : null, updatedAt: last ? new Date(last.at) : undefined, ...state },
  });
}

const FAILED_THREE_TIMES: Attempt[] = [
  { at: "2026-12-01T09:30:00.031Z", status: "Failed", httpStatus: 503, errorType: "HttpStatus", message: "503 from the endpoint" },
  { at: "2026-12-01T09:30:02.140Z", status: "Failed", errorType: "Timeout", message: "no answer within 5000 ms" },
  { at: "2026-12-01T09:30:06.500Z", status: "Failed", httpStatus: 418, errorType: "HttpStatus", message: "418 from the endpoint" },
];

test("a queued delivery reads as Kibo's EventDeliverySummary: Pending, every retry left, due now, no attempts yet", async () => {
  const erp = await subscriber();
  const subscriptionId = await subscribe(erp);
  const code = await giftCard(erp);
  const delivery = await deliveryOf(subscriptionId, code);

  const page = await api(harness).get(`${SUBSCRIPTIONS}/${subscriptionId}/deliveryattempts`).set(erp.auth).expect(200);
  const expected = {
    id: delivery.processId,
    subscriptionId,
    eventSummary: {
      eventId: delivery.event.eventId,
      topic: "credit.created",
      entityId: code,
      correlationId: delivery.event.correlationId,
      createDate: delivery.event.createdAt.toISOString(),
      tenantId: erp.tenantId,
      siteId: null,
      catalogId: null,
      masterCatalogId: null,
      extendedProperties: delivery.event.extendedProperties,
    },
    deliveryStatus: "Pending",
    isRunning: false,
    retriesRemaining: MAX_ATTEMPTS,
    lastExecutionDate: null,
    nextExecutionDate: delivery.nextAttemptAt.toISOString(),
    createDate: delivery.createdAt.toISOString(),
    updateDate: delivery.updatedAt.toISOString(),
    deliveryAttempts: [],
  };
  expect(page.body).toEqual({ startIndex: 0, pageSize: 20, pageCount: 1, totalCount: 1, items: [expected] });
  const one = await api(harness).get(`${SUBSCRIPTIONS}/${subscriptionId}/deliveryattempts/${delivery.processId}`).set(erp.auth).expect(200);
  expect(one.body).toEqual(expected);
  // Ids are UUIDs, read case-insensitively.
  const shouted = await api(harness)
    .get(`${SUBSCRIPTIONS}/${subscriptionId.toUpperCase()}/deliveryattempts/${delivery.processId.toUpperCase()}`)
    .set(erp.auth)
    .expect(200);
  expect(shouted.body).toEqual(expected);
});

test("attempts are listed oldest first with their status, error and HTTP status; a leased delivery is running", async () => {
  const erp = await subscriber();
  const subscriptionId = await subscribe(erp);
  const failing = await deliveryOf(subscriptionId, await giftCard(erp));
  const retrying = await deliveryOf(subscriptionId, await giftCard(erp));
  await attempted(failing.id, erp.tenantId, FAILED_THREE_TIMES, { status: "Failed" });
  const next = new Date(Date.now() + 60_000);
  await attempted(retrying.id, erp.tenantId, FAILED_THREE_TIMES.slice(0, 2), { status: "Pending", nextAttemptAt: next, leaseExpiresAt: next });

  const summary = async (processId: string) =>
    (await api(harness).get(`${SUBSCRIPTIONS}/${subscriptionId}/deliveryattempts/${processId}`).set(erp.auth).expect(200)).body;
  expect(await summary(failing.processId)).toMatchObject({
    deliveryStatus: "Failed",
    isRunning: false,
    retriesRemaining: 0,
    lastExecutionDate: "2026-12-01T09:30:06.500Z",
    nextExecutionDate: null,
    updateDate: "2026-12-01T09:30:06.500Z",
    deliveryAttempts: [
      {
        executionDate: "2026-12-01T09:30:00.031Z",
        deliveryStatus: "Failed",
        errorType: "HttpStatus",
        message: "503 from the endpoint",
        httpStatus: { code: 503, name: "Service Unavailable" },
      },
      { executionDate: "2026-12-01T09:30:02.140Z", deliveryStatus: "Failed", errorType: "Timeout", message: "no answer within 5000 ms", httpStatus: null },
      {
        executionDate: "2026-12-01T09:30:06.500Z",
        deliveryStatus: "Failed",
        errorType: "HttpStatus",
        message: "418 from the endpoint",
        httpStatus: { code: 418, name: "I'm a Teapot" },
      },
    ],
  });
  expect(await summary(retrying.processId)).toMatchObject({
    deliveryStatus: "Pending",
    isRunning: true,
    retriesRemaining: MAX_ATTEMPTS - 2,
    lastExecutionDate: "2026-12-01T09:30:02.140Z",
    nextExecutionDate: next.toISOString(),
  });
  // A lease that has run out is a worker that died: not running, waiting to be claimed again.
  await harness.database.prisma.eventDelivery.update({ where: { id: retrying.id }, data: { leaseExpiresAt: new Date(Date.now() - 1000) } });
  expect(await summary(retrying.processId)).toMatchObject({ deliveryStatus: "Pending", isRunning: false });
});

test("the delivery lists filter, sort and page; the all-subscriptions list spans the application's subscriptions only", async () => {
  const erp = await subscriber();
  const crm = await subscriber({ tenantId: erp.tenantId });
  const created = await subscribe(erp, ["credit.created"]);
  const updated = await subscribe(erp, ["credit.updated"]);
  const theirs = await subscribe(crm, ["credit.created"]);
  const first = await giftCard(erp);
  const second = await giftCard(erp);
  await api(harness).post(`${CREDITS}/${first}/transactions`).set(erp.auth).send({ transactionType: "Debit", impactAmount: 1 }).expect(200);
  await attempted((await deliveryOf(created, first)).id, erp.tenantId, FAILED_THREE_TIMES, { status: "Failed" });

  type Page = { totalCount: number; items: { id: string; subscriptionId: string; deliveryStatus: string; eventSummary: { topic: string; entityId: string } }[] };
  const all = async (query: Record<string, string> = {}, who = erp) =>
    (await api(harness).get(`${SUBSCRIPTIONS}/deliveryattempts`).set(who.auth).query(query).expect(200)).body as Page;
  const headlines = (page: Page) => page.items.map((item) => `${item.eventSummary.topic} ${item.eventSummary.entityId} ${item.deliveryStatus}`);

  expect(headlines(await all())).toEqual([`credit.created ${first} Failed`, `credit.created ${second} Pending`, `credit.updated ${first} Pending`]);
  expect((await all()).items.map((item) => item.subscriptionId)).toEqual([created, created, updated]);
  expect(headlines(await all({ filter: "deliveryStatus eq failed" }))).toEqual([`credit.created ${first} Failed`]);
  expect(headlines(await all({ filter: `topic eq credit.updated or entityId eq ${second}` }))).toEqual([
    `credit.created ${second} Pending`,
    `credit.updated ${first} Pending`,
  ]);
  expect(headlines(await all({ filter: `subscriptionId eq ${updated.toUpperCase()}` }))).toEqual([`credit.updated ${first} Pending`]);
  expect(headlines(await all({ sortBy: "topic desc, createDate desc" }))).toEqual([
    `credit.updated ${first} Pending`,
    `credit.created ${second} Pending`,
    `credit.created ${first} Failed`,
  ]);
  expect(await all({ pageSize: "1", startIndex: "1", responseFields: "items(eventSummary(entityId)),totalCount" })).toEqual({
    totalCount: 3,
    items: [{ eventSummary: { entityId: second } }],
  });
  const failed = await all({ filter: "lastExecutionDate ne null" });
  expect(headlines(failed)).toEqual([`credit.created ${first} Failed`]);
  const byEvent = await all({ filter: `eventId eq ${(await deliveryOf(created, second)).event.eventId}` });
  expect(headlines(byEvent)).toEqual([`credit.created ${second} Pending`]);

  // The other application of the tenant sees its own subscription's deliveries, and not one of these.
  expect((await all({}, crm)).items.map((item) => item.subscriptionId)).toEqual([theirs, theirs]);
  const one = await api(harness).get(`${SUBSCRIPTIONS}/${created}/deliveryattempts`).set(erp.auth).query({ filter: "deliveryStatus eq Pending" }).expect(200);
  expect(headlines(one.body as Page)).toEqual([`credit.created ${second} Pending`]);

  const badFilter = await api(harness).get(`${SUBSCRIPTIONS}/deliveryattempts`).set(erp.auth).query({ filter: "deliveryStatus eq Lost" });
  expect(badFilter.status).toBe(400);
  expect(badFilter.body.errorCode).toBe("MISSING_OR_INVALID_PARAMETER");
  const unsortable = await api(harness).get(`${SUBSCRIPTIONS}/deliveryattempts`).set(erp.auth).query({ sortBy: "id" });
  expect(unsortable.status).toBe(400);
});

test("another application's, another tenant's or an unknown subscription has no deliveries to read or redeliver", async () => {
  const erp = await subscriber();
  const crm = await subscriber({ tenantId: erp.tenantId });
  const stranger = await subscriber();
  const subscriptionId = await subscribe(erp);
  const { processId } = await deliveryOf(subscriptionId, await giftCard(erp));
  const otherSubscription = await subscribe(erp, ["credit.deleted"]);

  for (const other of [crm, stranger]) {
    // As a filter on another application's subscription would: nothing.
    const list = await api(harness).get(`${SUBSCRIPTIONS}/${subscriptionId}/deliveryattempts`).set(other.auth).expect(200);
    expect(list.body).toEqual({ startIndex: 0, pageSize: 20, pageCount: 0, totalCount: 0, items: [] });
    expect((await api(harness).get(`${SUBSCRIPTIONS}/${subscriptionId}/deliveryattempts/${processId}`).set(other.auth)).status).toBe(404);
    expect((await api(harness).post(`${SUBSCRIPTIONS}/${subscriptionId}/deliveryattempts/${processId}/retry`).set(other.auth)).status).toBe(404);
    expect((await api(harness).get(`${SUBSCRIPTIONS}/deliveryattempts`).set(other.auth).expect(200)).body.totalCount).toBe(0);
  }
  // A delivery is found only under its own subscription.
  const mismatched = await api(harness).get(`${SUBSCRIPTIONS}/${otherSubscription}/deliveryattempts/${processId}`).set(erp.auth);
  expect(mismatched.status).toBe(404);
  expect(mismatched.body.message).toBe(`Delivery ${processId} of subscription ${otherSubscription} was not found.`);
  const unknown = randomUUID();
  expect((await api(harness).get(`${SUBSCRIPTIONS}/${unknown}/deliveryattempts`).set(erp.auth).expect(200)).body.totalCount).toBe(0);
  expect((await api(harness).get(`${SUBSCRIPTIONS}/${subscriptionId}/deliveryattempts/${unknown}`).set(erp.auth)).status).toBe(404);
});

describe("redelivery", () => {
  let wakeUps = 0;
  let stop: () => void;
  beforeAll(() => {
    stop = onDeliveryQueued(() => {
      wakeUps += 1;
    });
  });
  afterAll(() => stop());

  test("a Failed delivery goes back to Pending, due now, with every attempt again and its history kept; the loop is woken", async () => {
    const erp = await subscriber();
    const subscriptionId = await subscribe(erp);
    const delivery = await deliveryOf(subscriptionId, await giftCard(erp));
    await attempted(delivery.id, erp.tenantId, FAILED_THREE_TIMES, { status: "Failed" });
    const path = `${SUBSCRIPTIONS}/${subscriptionId}/deliveryattempts/${delivery.processId}/retry`;

    const woken = wakeUps;
    const before = Date.now();
    const response = await api(harness).post(path).set(erp.auth);
    expect(response.status).toBe(202);
    expect(wakeUps).toBe(woken + 1);
    expect(response.body).toMatchObject({
      id: delivery.processId,
      deliveryStatus: "Pending",
      isRunning: false,
      retriesRemaining: MAX_ATTEMPTS,
      lastExecutionDate: "2026-12-01T09:30:06.500Z",
    });
    expect(response.body.deliveryAttempts).toHaveLength(3);
    expect(Date.parse(response.body.nextExecutionDate)).toBeGreaterThanOrEqual(before - 5);
    expect(Date.parse(response.body.nextExecutionDate)).toBeLessThanOrEqual(Date.now());
    const row = await harness.database.prisma.eventDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
    expect(row).toMatchObject({ status: "Pending", attempts: 0, leaseExpiresAt: null });
    expect(await harness.database.prisma.eventDeliveryAttempt.count({ where: { deliveryRef: delivery.id } })).toBe(3);

    // Pending now: already queued, so a second redelivery changes nothing and does not wake the loop.
    const again = await api(harness).post(path).set(erp.auth);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      errorCode: "VALIDATION_CONFLICT",
      message: `Delivery ${delivery.processId} is Pending: it is already queued. Redeliver it once it has Succeeded or Failed.`,
    });
    expect(wakeUps).toBe(woken + 1);
    expect(await harness.database.prisma.eventDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).toEqual(row);
  });

  test("a Succeeded delivery can be sent again; a queued one is 409 and an unknown one 404", async () => {
    const erp = await subscriber();
    const subscriptionId = await subscribe(erp);
    const delivered = await deliveryOf(subscriptionId, await giftCard(erp));
    const queued = await deliveryOf(subscriptionId, await giftCard(erp));
    await attempted(delivered.id, erp.tenantId, [{ at: "2026-12-01T09:30:00.031Z", status: "Succeeded", httpStatus: 204 }], { status: "Succeeded" });
    const retry = (processId: string) => api(harness).post(`${SUBSCRIPTIONS}/${subscriptionId}/deliveryattempts/${processId}/retry`).set(erp.auth);

    const resent = await retry(delivered.processId.toUpperCase());
    expect(resent.status).toBe(202);
    expect(resent.body).toMatchObject({ deliveryStatus: "Pending", retriesRemaining: MAX_ATTEMPTS });
    expect(resent.body.deliveryAttempts).toEqual([
      { executionDate: "2026-12-01T09:30:00.031Z", deliveryStatus: "Succeeded", errorType: null, message: null, httpStatus: { code: 204, name: "No Content" } },
    ]);
    expect((await retry(queued.processId)).status).toBe(409);
    const unknown = await retry(randomUUID());
    expect(unknown.status).toBe(404);
    expect(unknown.body.errorCode).toBe("ITEM_NOT_FOUND");
  });

  test("redelivery and the delivery reads need EventSubscriptionManage", async () => {
    const erp = await subscriber();
    const subscriptionId = await subscribe(erp);
    const { processId } = await deliveryOf(subscriptionId, await giftCard(erp));
    const reader = { auth: await appAuth(harness.app, erp.tenantId, ["EventRead"], erp.clientId) };
    for (const path of [
      `${SUBSCRIPTIONS}/deliveryattempts`,
      `${SUBSCRIPTIONS}/${subscriptionId}/deliveryattempts`,
      `${SUBSCRIPTIONS}/${subscriptionId}/deliveryattempts/${processId}`,
    ]) {
      const response = await api(harness).get(path).set(reader.auth);
      expect(response.status).toBe(403);
      expect(response.body.message).toBe("The token lacks the required behavior EventSubscriptionManage.");
    }
    expect((await api(harness).post(`${SUBSCRIPTIONS}/${subscriptionId}/deliveryattempts/${processId}/retry`).set(reader.auth)).status).toBe(403);
  });
});
