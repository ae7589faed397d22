import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import request from "supertest";
import { BEHAVIORS, type Behavior } from "../../../src/auth/caller.js";
import { secretBox } from "../../../src/auth/secret-box.js";
import { createCustomer, createTenant, createWebsite } from "../../../src/demo/factories.js";
import { registerApplication } from "../../../src/routes/platform/service.js";
import { buildTestApp } from "../../helpers/app.js";
import { appAuth, shopperAuth, TEST_KEYS } from "../../helpers/auth.js";
import { api, CREDITS, useTestApp } from "../../helpers/harness.js";

// Receivers on this machine are let through as EVENT_ALLOWED_HOSTS lets them; every other address rule applies.
const harness = useTestApp({ env: { EVENT_ALLOWED_HOSTS: "127.0.0.1" } });
const SUBSCRIPTIONS = "/api/event/push/subscriptions";
const RECEIVER = "http://127.0.0.1:4100/tally";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const sealer = secretBox(TEST_KEYS.EVENT_SECRET_KEYS);

interface Subscriber {
  tenantId: number;
  clientId: string;
  clientSecret: string;
  auth: { authorization: string };
}

/** An application registered in `tenantId` (a new tenant by default), its signing key sealed, and a token for it. */
async function subscriber(options: { tenantId?: number; behaviors?: readonly Behavior[]; sealed?: boolean } = {}): Promise<Subscriber> {
  const prisma = harness.database.prisma;
  const tenantId = options.tenantId ?? (await createTenant(prisma)).id;
  const { clientId, clientSecret } = await registerApplication(prisma, {
    tenantId,
    name: "ERP",
    behaviors: options.behaviors ?? BEHAVIORS,
    sealer: options.sealed === false ? undefined : sealer,
  });
  return { tenantId, clientId, clientSecret, auth: await appAuth(harness.app, tenantId, options.behaviors, clientId) };
}

const subscribe = (who: { auth: { authorization: string } }, body: Record<string, unknown>, app: FastifyInstance = harness.app) =>
  request(app.server).post(SUBSCRIPTIONS).set(who.auth).send(body);

const list = async (who: Subscriber, query: Record<string, string> = {}) =>
  (await api(harness).get(SUBSCRIPTIONS).set(who.auth).query(query).expect(200)).body as {
    totalCount: number;
    items: { id: string; endpoint: string; topics: string[]; isActive: boolean }[];
  };

test("a new subscription answers 201 with Kibo's EventSubscription, and getSubscriptions lists it", async () => {
  const erp = await subscriber();
  const before = Date.now();
  const created = await subscribe(erp, { endpoint: RECEIVER, topics: ["credit.created", "credit.updated"] });
  expect(created.status).toBe(201);
  expect(created.body).toEqual({
    id: expect.stringMatching(UUID),
    appId: erp.clientId,
    endpoint: RECEIVER,
    topics: ["credit.created", "credit.updated"],
    isActive: true,
    contentType: "application/json",
    notificationDeliveryType: "Webhook",
    confirmed: true,
    noCallback: false,
    apiVersion: "1.0",
    subscribingTenants: [{ tenantId: erp.tenantId, subscribingContextLevelType: "Tenant" }],
    createBy: erp.clientId,
    createDate: expect.any(String),
    updateBy: erp.clientId,
    updateDate: created.body.createDate,
  });
  expect(Date.parse(created.body.createDate)).toBeGreaterThanOrEqual(before - 5);

  const inactive = await subscribe(erp, { endpoint: `${RECEIVER}/2`, topics: ["credit.deleted"], isActive: false }).expect(201);
  expect(await list(erp)).toMatchObject({ startIndex: 0, pageSize: 20, pageCount: 1, totalCount: 2, items: [created.body, inactive.body] });
  expect((await list(erp, { filter: "isActive eq false" })).items.map((item) => item.id)).toEqual([inactive.body.id]);
  expect((await list(erp, { filter: `id eq ${created.body.id.toUpperCase()}` })).items.map((item) => item.id)).toEqual([created.body.id]);
  expect((await list(erp, { sortBy: "endpoint desc" })).items.map((item) => item.id)).toEqual([inactive.body.id, created.body.id]);
  expect(await list(erp, { responseFields: "items(id,topics)", pageSize: "1" })).toEqual({ items: [{ id: created.body.id, topics: created.body.topics }] });
  // The row is the caller's application's, in the caller's tenant.
  const row = await harness.database.prisma.eventSubscription.findUniqueOrThrow({
    where: { subscriptionId: created.body.id },
    include: { application: true },
  });
  expect(row).toMatchObject({ tenantId: erp.tenantId, application: { clientId: erp.clientId }, topics: ["credit.created", "credit.updated"] });
});

test("a subscription queues a delivery for each event of its topics, from then on, while it is active", async () => {
  const erp = await subscriber();
  await createWebsite(harness.database.prisma, { tenantId: erp.tenantId, baseCurrencyCode: "USD" });
  const card = () => api(harness).post(CREDITS).set(erp.auth).send({ creditType: "GiftCard", currencyCode: "USD", initialBalance: 10 }).expect(200);
  await card();
  await subscribe(erp, { endpoint: RECEIVER, topics: ["credit.updated"] }).expect(201);
  const creations = await subscribe(erp, { endpoint: RECEIVER, topics: ["credit.created"] }).expect(201);
  await subscribe(erp, { endpoint: RECEIVER, topics: ["credit.created"], isActive: false }).expect(201);
  const { body: second } = await card();

  const deliveries = await harness.database.prisma.eventDelivery.findMany({ include: { subscription: true, event: true } });
  expect(deliveries.map((delivery) => [delivery.subscription.subscriptionId, delivery.event.topic, delivery.entityId, delivery.status])).toEqual([
    [creations.body.id, "credit.created", second.code, "Pending"],
  ]);
});

test("PUT replaces endpoint, topics and isActive; DELETE removes the subscription with its deliveries", async () => {
  const erp = await subscriber();
  const created = await subscribe(erp, { endpoint: RECEIVER, topics: ["credit.created"] }).expect(201);
  const path = `${SUBSCRIPTIONS}/${created.body.id}`;

  const replaced = await api(harness)
    .put(`${SUBSCRIPTIONS}/${created.body.id.toUpperCase()}`)
    .set(erp.auth)
    .send({ endpoint: `${RECEIVER}/v2`, topics: ["creditmemo.created", "storecredit.balance.updated"], isActive: false, appId: "ignored" });
  expect(replaced.status).toBe(200);
  expect(replaced.body).toEqual({
    ...created.body,
    endpoint: `${RECEIVER}/v2`,
    topics: ["creditmemo.created", "storecredit.balance.updated"],
    isActive: false,
    updateDate: expect.any(String),
  });
  expect(Date.parse(replaced.body.updateDate)).toBeGreaterThanOrEqual(Date.parse(created.body.updateDate));
  // A replacement names all three.
  const partial = await api(harness).put(path).set(erp.auth).send({ endpoint: RECEIVER, topics: ["credit.created"] });
  expect(partial.status).toBe(400);
  expect(partial.body).toMatchObject({ errorCode: "MISSING_OR_INVALID_PARAMETER", message: "Missing required field 'isActive' in body." });

  // A delivery with an attempt, as the worker leaves them: both go with the subscription.
  const prisma = harness.database.prisma;
  const subscription = await prisma.eventSubscription.findUniqueOrThrow({ where: { subscriptionId: created.body.id } });
  const event = await prisma.event.create({
    data: { tenantId: erp.tenantId, eventId: randomUUID(), topic: "creditmemo.created", entityId: "100000001", extendedProperties: [] },
  });
  const delivery = await prisma.eventDelivery.create({
    data: { processId: randomUUID(), tenantId: erp.tenantId, subscriptionRef: subscription.id, eventRef: event.id, entityId: "100000001" },
  });
  await prisma.eventDeliveryAttempt.create({
    data: { tenantId: erp.tenantId, deliveryRef: delivery.id, executionDate: new Date(), deliveryStatus: "Failed", errorType: "Timeout" },
  });

  await api(harness).delete(path).set(erp.auth).expect(204);
  expect(await prisma.eventSubscription.count({ where: { id: subscription.id } })).toBe(0);
  expect(await prisma.eventDelivery.count({ where: { id: delivery.id } })).toBe(0);
  expect(await prisma.eventDeliveryAttempt.count({ where: { deliveryRef: delivery.id } })).toBe(0);
  expect(await prisma.event.count({ where: { id: event.id } })).toBe(1);

  const again = await api(harness).delete(path).set(erp.auth);
  expect(again.status).toBe(404);
  expect(again.body).toMatchObject({ errorCode: "ITEM_NOT_FOUND", message: `Subscription ${created.body.id} was not found.` });
  const gone = await api(harness).put(path).set(erp.auth).send({ endpoint: RECEIVER, topics: ["credit.created"], isActive: true });
  expect(gone.status).toBe(404);
});

test.each([
  [{ endpoint: RECEIVER, topics: [] }, "topics: name at least one topic, of credit.created, credit.updated, credit.deleted, storecredit.balance.updated, creditmemo.created, creditmemo.updated."],
  [{ endpoint: RECEIVER, topics: ["credit.created", "order.opened"] }, 'topics: "order.opened" is not a topic Tally publishes; it publishes credit.created, credit.updated, credit.deleted, storecredit.balance.updated, creditmemo.created, creditmemo.updated.'],
  [{ endpoint: RECEIVER, topics: ["credit.updated", "credit.updated"] }, "topics: credit.updated is listed twice."],
  [{ endpoint: "erp.example.com/hooks", topics: ["credit.updated"] }, "endpoint: not an absolute URL."],
  [{ endpoint: "ftp://127.0.0.1/hooks", topics: ["credit.updated"] }, "endpoint: must be an https:// URL."],
  [{ endpoint: " http://127.0.0.1:4100/tally", topics: ["credit.updated"] }, "endpoint: must not contain spaces."],
  [{ endpoint: "https://user:pw@127.0.0.1/hooks", topics: ["credit.updated"] }, "endpoint: must not carry credentials; deliveries are signed instead."],
  [{ topics: ["credit.updated"] }, "Missing required field 'endpoint' in body."],
  [{ endpoint: RECEIVER, topics: "credit.updated" }, "Invalid field 'topics' in body: must be array."],
  [{ endpoint: RECEIVER, topics: ["credit.updated"], isActive: "yes" }, "Invalid field 'isActive' in body: must be boolean."],
])("%j is refused with a 400 naming the problem, and nothing is created", async (body, message) => {
  const erp = await subscriber();
  const response = await subscribe(erp, body);
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject({ errorCode: "MISSING_OR_INVALID_PARAMETER", message, applicationName: "Tally" });
  expect(await harness.database.prisma.eventSubscription.count()).toBe(0);
});

describe("endpoints that would reach inside the network (SSRF)", () => {
  let strict: FastifyInstance;
  let production: FastifyInstance;
  beforeAll(async () => {
    strict = await buildTestApp(harness.database);
    production = await buildTestApp(harness.database, { NODE_ENV: "production", MAIL_DISABLED: "true" });
    await Promise.all([strict.ready(), production.ready()]);
  });
  afterAll(async () => {
    await strict.close();
    await production.close();
  });

  test.each([
    ["http://127.0.0.1:4100/tally", "endpoint: 127.0.0.1 is a loopback address"],
    ["https://10.1.2.3/hooks", "endpoint: 10.1.2.3 is a private address"],
    ["http://169.254.169.254/latest/meta-data/", "endpoint: 169.254.169.254 is a linkLocal address"],
    ["http://[::1]:8080/hooks", "endpoint: ::1 is a loopback address"],
    ["https://[::ffff:192.168.0.10]/hooks", "endpoint: 192.168.0.10 is a private address"],
    ["http://localhost:4100/tally", "(localhost resolves to it)"],
  ])("%s is refused without EVENT_ALLOWED_HOSTS", async (endpoint, problem) => {
    const erp = await subscriber();
    const response = await subscribe(erp, { endpoint, topics: ["credit.updated"] }, strict);
    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe("MISSING_OR_INVALID_PARAMETER");
    expect(response.body.message).toContain(problem);
    expect(response.body.message).toContain("unless EVENT_ALLOWED_HOSTS lists the host");
  });

  test("EVENT_ALLOWED_HOSTS lets exactly the listed host through", async () => {
    const erp = await subscriber();
    await subscribe(erp, { endpoint: "http://127.0.0.1:4100/tally", topics: ["credit.updated"] }).expect(201);
    const other = await subscribe(erp, { endpoint: "http://127.0.0.2:4100/tally", topics: ["credit.updated"] });
    expect(other.status).toBe(400);
    expect(other.body.message).toContain("endpoint: 127.0.0.2 is a loopback address");
  });

  test("a public address is accepted; in production only over https://", async () => {
    const erp = await subscriber();
    await subscribe(erp, { endpoint: "http://93.184.216.34/hooks", topics: ["credit.updated"] }, strict).expect(201);
    const plain = await subscribe(erp, { endpoint: "http://93.184.216.34/hooks", topics: ["credit.updated"] }, production);
    expect(plain.status).toBe(400);
    expect(plain.body.message).toBe(
      "endpoint: must be https:// (http:// is accepted only outside production, or with EVENT_ALLOW_HTTP=true).",
    );
    await subscribe(erp, { endpoint: "https://93.184.216.34/hooks", topics: ["credit.updated"] }, production).expect(201);
  });

  test("a replacement is checked the same way", async () => {
    const erp = await subscriber();
    const created = await subscribe(erp, { endpoint: "https://93.184.216.34/hooks", topics: ["credit.updated"] }, strict).expect(201);
    const response = await request(strict.server)
      .put(`${SUBSCRIPTIONS}/${created.body.id}`)
      .set(erp.auth)
      .send({ endpoint: "http://169.254.169.254/", topics: ["credit.updated"], isActive: true });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain("169.254.169.254 is a linkLocal address");
    expect((await list(erp)).items[0]?.endpoint).toBe("https://93.184.216.34/hooks");
  });
});

test("an application without a signing key yet is told to request a token once; after that it subscribes", async () => {
  const erp = await subscriber({ sealed: false });
  const refused = await subscribe(erp, { endpoint: RECEIVER, topics: ["credit.updated"] });
  expect(refused.status).toBe(409);
  expect(refused.body).toMatchObject({ errorCode: "VALIDATION_CONFLICT", additionalErrorData: [{ name: "clientId", value: erp.clientId }] });
  expect(refused.body.message).toContain("Request a token with the client secret once (POST /api/platform/applications/authtickets/oauth)");

  await api(harness)
    .post("/api/platform/applications/authtickets/oauth")
    .send({ client_id: erp.clientId, client_secret: erp.clientSecret, grant_type: "client_credentials" })
    .expect(200);
  await subscribe(erp, { endpoint: RECEIVER, topics: ["credit.updated"] }).expect(201);
});

test("a subscription is its application's: another application of the tenant, or another tenant, neither sees nor changes it", async () => {
  const erp = await subscriber();
  const crm = await subscriber({ tenantId: erp.tenantId });
  const stranger = await subscriber();
  const mine = await subscribe(erp, { endpoint: RECEIVER, topics: ["credit.updated"] }).expect(201);
  const theirs = await subscribe(crm, { endpoint: `${RECEIVER}/crm`, topics: ["credit.updated"] }).expect(201);

  expect((await list(erp)).items.map((item) => item.id)).toEqual([mine.body.id]);
  expect((await list(crm)).items.map((item) => item.id)).toEqual([theirs.body.id]);
  expect(await list(stranger)).toMatchObject({ totalCount: 0, items: [] });
  for (const other of [crm, stranger]) {
    const path = `${SUBSCRIPTIONS}/${mine.body.id}`;
    const put = await api(harness).put(path).set(other.auth).send({ endpoint: RECEIVER, topics: ["credit.created"], isActive: true });
    expect(put.status).toBe(404);
    expect(put.body).toMatchObject({ errorCode: "ITEM_NOT_FOUND", message: `Subscription ${mine.body.id} was not found.` });
    expect((await api(harness).delete(path).set(other.auth)).status).toBe(404);
  }
  expect((await list(erp)).items).toEqual([mine.body]);
});

test("the routes need EventSubscriptionManage; shopper tokens and anonymous calls are refused", async () => {
  const reader = await subscriber({ behaviors: ["EventRead", "CreditRead"] });
  const routes = [
    api(harness).get(SUBSCRIPTIONS),
    api(harness).post(SUBSCRIPTIONS).send({ endpoint: RECEIVER, topics: ["credit.updated"] }),
    api(harness).put(`${SUBSCRIPTIONS}/${randomUUID()}`).send({ endpoint: RECEIVER, topics: ["credit.updated"], isActive: true }),
    api(harness).delete(`${SUBSCRIPTIONS}/${randomUUID()}`),
  ];
  for (const route of routes) {
    const response = await route.set(reader.auth);
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ errorCode: "FORBIDDEN", message: "The token lacks the required behavior EventSubscriptionManage." });
  }
  const customer = await createCustomer(harness.database.prisma, { tenantId: reader.tenantId });
  const shopper = await api(harness).get(SUBSCRIPTIONS).set(await shopperAuth(reader.tenantId, customer.customerId));
  expect(shopper.status).toBe(403);
  expect(shopper.body).toMatchObject({ errorCode: "FORBIDDEN", message: "Shopper tokens cannot call this operation." });
  expect((await api(harness).post(SUBSCRIPTIONS).send({ endpoint: RECEIVER, topics: ["credit.updated"] })).status).toBe(401);
  expect(await harness.database.prisma.eventSubscription.count()).toBe(0);
});

test("a token of an application that is not registered (or revoked) cannot subscribe", async () => {
  const erp = await subscriber();
  await harness.database.prisma.application.update({ where: { clientId: erp.clientId }, data: { revokedAt: new Date() } });
  const revoked = await subscribe(erp, { endpoint: RECEIVER, topics: ["credit.updated"] });
  expect(revoked.status).toBe(403);
  expect(revoked.body.message).toBe(`Application ${erp.clientId} is not registered in this tenant, or was revoked.`);
  const ghost = { auth: await appAuth(harness.app, erp.tenantId, BEHAVIORS, "never-registered") };
  expect((await subscribe(ghost, { endpoint: RECEIVER, topics: ["credit.updated"] })).status).toBe(403);
});

test("with an Idempotency-Key a retried create answers the first subscription instead of making a second", async () => {
  const erp = await subscriber();
  const body = { endpoint: RECEIVER, topics: ["credit.updated"] };
  const first = await subscribe(erp, body).set("Idempotency-Key", "subscribe-1").expect(201);
  const retried = await subscribe(erp, body).set("Idempotency-Key", "subscribe-1").expect(201);
  expect(retried.headers["idempotent-replayed"]).toBe("true");
  expect(retried.body).toEqual(first.body);
  expect((await list(erp)).totalCount).toBe(1);
  const reused = await subscribe(erp, { ...body, topics: ["credit.created"] }).set("Idempotency-Key", "subscribe-1");
  expect(reused.status).toBe(409);
});
