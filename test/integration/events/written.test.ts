import type { FastifyInstance } from "fastify";
import Fastify from "fastify";
import { requireCaller } from "../../../src/http/caller.js";
import { NO_IDEMPOTENCY_KEY } from "../../../src/http/idempotent-route.js";
import { runWrite } from "../../../src/http/write-route.js";
import { Errors } from "../../../src/errors.js";
import { purgeOldEvents } from "../../../src/events/purge.js";
import type { Event } from "../../../src/generated/prisma/client.js";
import { Decimal } from "../../../src/money/index.js";
import databasePlugin from "../../../src/plugins/database.js";
import eventPurgePlugin from "../../../src/plugins/event-purge.js";
import { addTransaction } from "../../../src/routes/credits/transactions.js";
import {
  createCredit,
  createCreditmemo,
  createCustomer,
  createOrder,
  createStore,
  createTenant,
  createWebsite,
} from "../../../src/demo/factories.js";
import { buildTestApp } from "../../helpers/app.js";
import { appAuth, shopperAuth } from "../../helpers/auth.js";
import { api, CREDITS, useTestApp } from "../../helpers/harness.js";
import { postgresOnly } from "../../helpers/postgres-only.js";

// Jest's globals reach native ES modules through import.meta.
const { jest } = import.meta;
const onPostgres = postgresOnly("PGlite runs one transaction at a time, so concurrent requests cannot race on it");

const FAILING_DEBIT = "/api/test/debit-then-fail/:code";

const harness = useTestApp({
  poolSize: 10,
  // A write that fails after the ledger has posted (and so after its events were written): the whole request rolls back.
  beforeReady: (app) =>
    app.post<{ Params: { code: string } }>(FAILING_DEBIT, { config: { auth: { behaviors: ["CreditUpdate"] } } }, async (request, reply) =>
      runWrite(request, reply, NO_IDEMPOTENCY_KEY, async (tx, written) => {
        const debit = { transactionType: "Debit" as const, impactAmount: 5 };
        await addTransaction(tx, requireCaller(request), request.params.code, debit, new Date(), written);
        throw Errors.conflict("Failed on purpose after the debit was posted.");
      }),
    ),
});

const MEMOS = "/api/commerce/orders/creditmemos";
const memoPath = (orderIncrementId: string) => `/api/commerce/orders/${orderIncrementId}/creditmemos`;
const balancePath = (customerId: number) => `/api/commerce/customer/accounts/${customerId}/storecredit`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * A tenant with two USD websites (Magento 2, whose store takes credit memos, and 3) and a CAD website 5; customers 4
 * and 5; an application token, and customer 4's shopper token.
 */
async function shop() {
  const prisma = harness.database.prisma;
  const tenant = await createTenant(prisma);
  const usMain = await createWebsite(prisma, { tenantId: tenant.id, websiteId: 2, baseCurrencyCode: "USD" });
  const usOutlet = await createWebsite(prisma, { tenantId: tenant.id, websiteId: 3, baseCurrencyCode: "USD" });
  const canada = await createWebsite(prisma, { tenantId: tenant.id, websiteId: 5, baseCurrencyCode: "CAD" });
  const store = await createStore(prisma, { websiteId: usMain.id, storeId: 1, incrementPrefix: "1", lastCreditmemoNumber: 683 });
  await createCustomer(prisma, { tenantId: tenant.id, customerId: 4 });
  await createCustomer(prisma, { tenantId: tenant.id, customerId: 5 });
  return {
    tenantId: tenant.id,
    usMain,
    usOutlet,
    canada,
    store,
    app: await appAuth(harness.app, tenant.id),
    shopper: await shopperAuth(tenant.id, 4),
    /** An invoiced order of customer 4 in website 2: one item of 25.00, nothing refunded yet. */
    order: () => createOrder(prisma, { storeRef: store.id, customerId: 4 }),
  };
}
type Shop = Awaited<ReturnType<typeof shop>>;

/** The tenant's events in the order they were written. */
function eventsOf(tenantId: number): Promise<Event[]> {
  return harness.database.prisma.event.findMany({ where: { tenantId }, orderBy: { id: "asc" } });
}

/** Events written after `since` of them. */
async function newEvents(tenantId: number, since: number): Promise<Event[]> {
  return (await eventsOf(tenantId)).slice(since);
}

/** An event's extendedProperties as an object. */
function props(event: Event): Record<string, unknown> {
  return Object.fromEntries((event.extendedProperties as { key: string; value: unknown }[]).map(({ key, value }) => [key, value]));
}

/** topic and entityId of each event, for comparing sequences. */
const headlines = (events: readonly Event[]) => events.map((event) => `${event.topic} ${event.entityId}`);

/** The customer's balance in the website as the balance endpoint answers it, with 4 decimals as events carry it. */
async function restBalance(s: Shop, customerId: number, websiteId: number): Promise<string> {
  const response = await api(harness).get(balancePath(customerId)).query({ websiteId }).set(s.app).expect(200);
  return new Decimal(response.body.amount).toFixed(4);
}

const credit = (s: Shop, body: Record<string, unknown>) => api(harness).post(CREDITS).set(s.app).send(body);

describe("credit.created", () => {
  test("a new gift card: entityId is its code, the properties are the new credit, correlation and site are the request's", async () => {
    const s = await shop();
    const response = await credit(s, { code: "GC-EVENTS-1", creditType: "GiftCard", initialBalance: 25, expirationDate: "2030-01-31" })
      .set("x-vol-site", String(s.canada.siteId))
      .set("x-vol-correlation", "checkout-42")
      .expect(200);
    expect(response.headers["x-vol-correlation"]).toBe("checkout-42");
    const [event, ...rest] = await eventsOf(s.tenantId);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      topic: "credit.created",
      entityId: "GC-EVENTS-1",
      tenantId: s.tenantId,
      siteId: s.canada.siteId,
      correlationId: "checkout-42",
      isTest: false,
    });
    expect(event!.eventId).toMatch(UUID);
    // The default currency is the x-vol-site site's; a gift card of no customer moves no balance.
    expect(event!.extendedProperties).toEqual([
      { key: "creditType", value: "GiftCard" },
      { key: "customCreditType", value: null },
      { key: "currencyCode", value: "CAD" },
      { key: "initialBalance", value: "25.0000" },
      { key: "currentBalance", value: "25.0000" },
      { key: "customerId", value: null },
      { key: "activationDate", value: response.body.activationDate },
      { key: "expirationDate", value: "2030-01-31T00:00:00.000Z" },
    ]);
  });

  test("without x-vol-correlation the generated id Tally answers with is the event's; without x-vol-site there is no site", async () => {
    const s = await shop();
    const response = await credit(s, { creditType: "GiftCard", currencyCode: "USD" }).expect(200);
    const [event] = await eventsOf(s.tenantId);
    expect(response.headers["x-vol-correlation"]).toMatch(/^[0-9a-f]{32}$/);
    expect(event).toMatchObject({ entityId: response.body.code, correlationId: response.headers["x-vol-correlation"], siteId: null });
  });

  test("a store credit opened with a balance for a customer also moves their balance in every website of its currency", async () => {
    const s = await shop();
    const response = await credit(s, { creditType: "StoreCredit", currencyCode: "USD", initialBalance: "40.00", customerId: 4 }).expect(200);
    const events = await eventsOf(s.tenantId);
    const code = response.body.code as string;
    expect(headlines(events)).toEqual([`credit.created ${code}`, "storecredit.balance.updated 4:2", "storecredit.balance.updated 4:3"]);
    const opening = await api(harness).get(`${CREDITS}/${code}/transactions`).set(s.app).expect(200);
    for (const [event, websiteId] of [[events[1]!, 2], [events[2]!, 3]] as const) {
      expect(event.correlationId).toBe(response.headers["x-vol-correlation"]);
      expect(event.extendedProperties).toEqual([
        { key: "customerId", value: 4 },
        { key: "websiteId", value: websiteId },
        { key: "currencyCode", value: "USD" },
        { key: "balance", value: await restBalance(s, 4, websiteId) },
        { key: "delta", value: "40.0000" },
        { key: "transactionId", value: opening.body.items[0].id },
        { key: "creditCode", value: code },
      ]);
    }
  });
});

describe("credit.updated by a transaction", () => {
  test("carries the ledger row and the new balance; the customer's balances in the credit's websites follow", async () => {
    const s = await shop();
    const prisma = harness.database.prisma;
    // Customer 4 holds a USD credit valid everywhere and one restricted to website 2: website 2's balance is both.
    const everywhere = await createCredit(prisma, { tenantId: s.tenantId, creditType: "StoreCredit", customerId: 4, initialBalance: "30.00" });
    await createCredit(prisma, { tenantId: s.tenantId, creditType: "StoreCredit", customerId: 4, websiteRef: s.usMain.id, initialBalance: "12.50" });
    const response = await api(harness)
      .post(`${CREDITS}/${everywhere.code}/transactions`)
      .set(s.app)
      .set("x-vol-correlation", "order-7-payment")
      .send({ transactionType: "Debit", impactAmount: 10.25, orderId: "ORDER-7" })
      .expect(200);
    const events = await eventsOf(s.tenantId);
    expect(headlines(events)).toEqual([
      `credit.updated ${everywhere.code}`,
      "storecredit.balance.updated 4:2",
      "storecredit.balance.updated 4:3",
    ]);
    expect(events.map((event) => event.correlationId)).toEqual(["order-7-payment", "order-7-payment", "order-7-payment"]);
    expect(events[0]!.extendedProperties).toEqual([
      { key: "changedProperties", value: "currentBalance" },
      { key: "transactionId", value: response.body.id },
      { key: "transactionType", value: "Debit" },
      { key: "action", value: "Used" },
      { key: "impactAmount", value: "-10.2500" },
      { key: "orderId", value: "ORDER-7" },
      { key: "creditType", value: "StoreCredit" },
      { key: "customCreditType", value: null },
      { key: "currencyCode", value: "USD" },
      { key: "initialBalance", value: "30.0000" },
      { key: "currentBalance", value: "19.7500" },
      { key: "customerId", value: 4 },
      { key: "activationDate", value: everywhere.activationDate!.toISOString() },
      { key: "expirationDate", value: null },
    ]);
    expect(props(events[1]!)).toEqual({
      customerId: 4,
      websiteId: 2,
      currencyCode: "USD",
      balance: "32.2500",
      delta: "-10.2500",
      transactionId: response.body.id,
      creditCode: everywhere.code,
    });
    expect(props(events[2]!)).toMatchObject({ websiteId: 3, balance: "19.7500", delta: "-10.2500" });
    expect(await restBalance(s, 4, 2)).toBe("32.2500");
    expect(await restBalance(s, 4, 3)).toBe("19.7500");
  });

  test("a credit restricted to one website moves only that website's balance; a gift card of no customer moves none", async () => {
    const s = await shop();
    const prisma = harness.database.prisma;
    const canadian = await createCredit(prisma, {
      tenantId: s.tenantId,
      creditType: "StoreCredit",
      customerId: 5,
      currencyCode: "CAD",
      websiteRef: s.canada.id,
      initialBalance: "5.00",
    });
    const card = await createCredit(prisma, { tenantId: s.tenantId, initialBalance: "50.00" });
    await api(harness).post(`${CREDITS}/${canadian.code}/transactions`).set(s.app).send({ transactionType: "Credit", impactAmount: 2 }).expect(200);
    await api(harness).post(`${CREDITS}/${card.code}/transactions`).set(s.app).send({ transactionType: "Debit", impactAmount: 1 }).expect(200);
    const events = await eventsOf(s.tenantId);
    expect(headlines(events)).toEqual([`credit.updated ${canadian.code}`, "storecredit.balance.updated 5:5", `credit.updated ${card.code}`]);
    expect(props(events[1]!)).toMatchObject({ currencyCode: "CAD", balance: "7.0000", delta: "2.0000" });
    expect(props(events[2]!)).toMatchObject({ action: "Used", currentBalance: "49.0000", customerId: null });
  });
});

describe("credit.updated and credit.deleted by the credit's own routes", () => {
  test("updateCredit names what changed; giving the credit to another customer moves both customers' balances", async () => {
    const s = await shop();
    const prisma = harness.database.prisma;
    const moved = await createCredit(prisma, { tenantId: s.tenantId, creditType: "StoreCredit", customerId: 4, websiteRef: s.usOutlet.id, initialBalance: "8.00" });
    await api(harness).put(`${CREDITS}/${moved.code}`).set(s.app).send({ customerId: 5, expirationDate: "2031-06-30T12:00:00Z" }).expect(200);
    const events = await eventsOf(s.tenantId);
    expect(headlines(events)).toEqual([`credit.updated ${moved.code}`, "storecredit.balance.updated 4:3", "storecredit.balance.updated 5:3"]);
    expect(props(events[0]!)).toMatchObject({
      changedProperties: "expirationDate,customerId",
      customerId: 5,
      expirationDate: "2031-06-30T12:00:00.000Z",
      currentBalance: "8.0000",
    });
    expect(props(events[1]!)).toEqual({ customerId: 4, websiteId: 3, currencyCode: "USD", balance: "0.0000", delta: "-8.0000", transactionId: null, creditCode: moved.code });
    expect(props(events[2]!)).toMatchObject({ customerId: 5, balance: "8.0000", delta: "8.0000", transactionId: null });
  });

  test("an update that changes nothing writes no event; moving expiry into the past takes the credit out of the balance", async () => {
    const s = await shop();
    const prisma = harness.database.prisma;
    const expiring = await createCredit(prisma, { tenantId: s.tenantId, creditType: "StoreCredit", customerId: 4, websiteRef: s.usMain.id, initialBalance: "3.00" });
    await api(harness).put(`${CREDITS}/${expiring.code}`).set(s.app).send({ customerId: 4 }).expect(200);
    expect(await eventsOf(s.tenantId)).toEqual([]);
    await api(harness).put(`${CREDITS}/${expiring.code}`).set(s.app).send({ expirationDate: "2020-01-01" }).expect(200);
    const events = await eventsOf(s.tenantId);
    expect(headlines(events)).toEqual([`credit.updated ${expiring.code}`, "storecredit.balance.updated 4:2"]);
    expect(props(events[1]!)).toMatchObject({ balance: "0.0000", delta: "-3.0000" });
  });

  test("a shopper redeeming a gift card: credit.updated (customerId) and the shopper's balances", async () => {
    const s = await shop();
    const card = await createCredit(harness.database.prisma, { tenantId: s.tenantId, initialBalance: "15.00" });
    await api(harness).put(`${CREDITS}/${card.code}/associate-to-shopper`).set(s.shopper).expect(200);
    const events = await eventsOf(s.tenantId);
    expect(headlines(events)).toEqual([`credit.updated ${card.code}`, "storecredit.balance.updated 4:2", "storecredit.balance.updated 4:3"]);
    expect(props(events[0]!)).toMatchObject({ changedProperties: "customerId", customerId: 4 });
    expect(props(events[1]!)).toMatchObject({ balance: "15.0000", delta: "15.0000", transactionId: null, creditCode: card.code });
  });

  test("deleteCredit: credit.deleted with the credit as it was deleted", async () => {
    const s = await shop();
    const empty = await createCredit(harness.database.prisma, { tenantId: s.tenantId, initialBalance: "0" });
    await api(harness).delete(`${CREDITS}/${empty.code}`).set(s.app).expect(204);
    const events = await eventsOf(s.tenantId);
    expect(headlines(events)).toEqual([`credit.deleted ${empty.code}`]);
    expect(props(events[0]!)).toMatchObject({ creditType: "GiftCard", currentBalance: "0.0000", currencyCode: "USD" });
  });

  test("Resend-Email changes nothing and writes no event", async () => {
    const s = await shop();
    const card = await createCredit(harness.database.prisma, { tenantId: s.tenantId });
    await api(harness).put(`${CREDITS}/${card.code}/Resend-Email`).set(s.app).expect(200);
    expect(await eventsOf(s.tenantId)).toEqual([]);
  });
});

describe("credit memo events", () => {
  test("creditmemo.created, then the refund's credit events, all with the request's correlation id", async () => {
    const s = await shop();
    const order = await s.order();
    const response = await api(harness)
      .post(memoPath(order.incrementId))
      .set(s.app)
      .set("x-vol-correlation", "rma-1")
      .send({ refundToStoreCreditAmount: "20.00", comment: "Damaged" })
      .expect(201);
    const incrementId = response.body.creditmemo.increment_id as string;
    expect(incrementId).toBe("100000684");
    const events = await eventsOf(s.tenantId);
    const code = events[1]!.entityId;
    expect(headlines(events)).toEqual([
      "creditmemo.created 100000684",
      `credit.created ${code}`,
      `credit.updated ${code}`,
      "storecredit.balance.updated 4:2",
    ]);
    expect(new Set(events.map((event) => event.correlationId))).toEqual(new Set(["rma-1"]));
    expect(events[0]!.extendedProperties).toEqual([
      { key: "orderIncrementId", value: order.incrementId },
      { key: "customerId", value: 4 },
      { key: "storeId", value: 1 },
      { key: "state", value: 2 },
      { key: "baseCurrencyCode", value: "USD" },
      { key: "baseGrandTotal", value: "25.0000" },
      { key: "orderCurrencyCode", value: "USD" },
      { key: "grandTotal", value: "25.0000" },
      { key: "refundedToStoreCredit", value: "20.0000" },
    ]);
    // The refund opened a store credit restricted to the order's website, at 0, then credited it.
    expect(props(events[1]!)).toMatchObject({ creditType: "StoreCredit", currentBalance: "0.0000", customerId: 4 });
    expect(props(events[2]!)).toMatchObject({ action: "Refunded", impactAmount: "20.0000", currentBalance: "20.0000" });
    expect(props(events[3]!)).toMatchObject({ websiteId: 2, balance: "20.0000", delta: "20.0000", transactionId: props(events[2]!)["transactionId"] });
  });

  test("a comment: creditmemo.updated with the comment; cancel: the reversal's events, then creditmemo.updated", async () => {
    const s = await shop();
    const prisma = harness.database.prisma;
    const order = await s.order();
    const memo = await createCreditmemo(prisma, { order_ref: order.id, state: 1, bs_customer_bal_total_refunded: "10", customer_bal_total_refunded: "10" });
    const refunded = await createCredit(prisma, {
      tenantId: s.tenantId,
      customerId: 4,
      creditType: "StoreCredit",
      websiteRef: s.usMain.id,
      initialBalance: "0",
      transactions: [{ type: "Credit", amount: "10.00", action: "Refunded", creditmemoId: memo.creditmemo_id, orderId: order.incrementId }],
    });
    await api(harness)
      .post(`${MEMOS}/${memo.increment_id}/comments`)
      .set(s.app)
      .send({ comment: "Refund sent", notifyCustomer: true })
      .expect(200);
    await api(harness).put(`${MEMOS}/${memo.increment_id}/cancel`).set(s.app).expect(200);
    const events = await eventsOf(s.tenantId);
    expect(headlines(events)).toEqual([
      `creditmemo.updated ${memo.increment_id}`,
      `credit.updated ${refunded.code}`,
      "storecredit.balance.updated 4:2",
      `creditmemo.updated ${memo.increment_id}`,
    ]);
    expect(events[0]!.extendedProperties).toEqual([
      { key: "change", value: "comment" },
      { key: "comment", value: "Refund sent" },
      { key: "isCustomerNotified", value: true },
      { key: "orderIncrementId", value: order.incrementId },
      { key: "state", value: 1 },
    ]);
    expect(props(events[1]!)).toMatchObject({ action: "Reverted", impactAmount: "-10.0000", currentBalance: "0.0000" });
    expect(props(events[2]!)).toMatchObject({ balance: "0.0000", delta: "-10.0000" });
    expect(events[3]!.extendedProperties).toEqual([
      { key: "change", value: "cancel" },
      { key: "orderIncrementId", value: order.incrementId },
      { key: "state", value: 3 },
    ]);
  });
});

describe("no event without its change", () => {
  test("a debit that overdraws leaves no event, with or without an Idempotency-Key", async () => {
    const s = await shop();
    const card = await createCredit(harness.database.prisma, { tenantId: s.tenantId, customerId: 4, initialBalance: "5.00" });
    const path = `${CREDITS}/${card.code}/transactions`;
    await api(harness).post(path).set(s.app).send({ transactionType: "Debit", impactAmount: 6 }).expect(409);
    await api(harness).post(path).set(s.app).set("Idempotency-Key", "over-1").send({ transactionType: "Debit", impactAmount: 6 }).expect(409);
    expect(await eventsOf(s.tenantId)).toEqual([]);
  });

  test("a request that fails after the ledger posted rolls its events back with the posting", async () => {
    const s = await shop();
    const card = await createCredit(harness.database.prisma, { tenantId: s.tenantId, customerId: 4, initialBalance: "50.00" });
    const response = await api(harness).post(FAILING_DEBIT.replace(":code", card.code)).set(s.app).send();
    expect(response.status).toBe(409);
    expect(response.body.message).toBe("Failed on purpose after the debit was posted.");
    expect(await eventsOf(s.tenantId)).toEqual([]);
    expect((await harness.database.prisma.credit.findUniqueOrThrow({ where: { id: card.id } })).currentBalance.toFixed(2)).toBe("50.00");
  });

  test("a retried Idempotency-Key request replays its answer and emits nothing new", async () => {
    const s = await shop();
    const card = await createCredit(harness.database.prisma, { tenantId: s.tenantId, customerId: 4, initialBalance: "50.00" });
    const debit = () =>
      api(harness).post(`${CREDITS}/${card.code}/transactions`).set(s.app).set("Idempotency-Key", "pay-1").send({ transactionType: "Debit", impactAmount: 5 });
    const create = () => credit(s, { creditType: "GiftCard", currencyCode: "USD", initialBalance: 10 }).set("Idempotency-Key", "card-1");
    await debit().expect(200);
    await create().expect(200);
    const written = await eventsOf(s.tenantId);
    expect(headlines(written)).toHaveLength(4);
    const [debitAgain, createAgain] = [await debit(), await create()];
    expect([debitAgain.headers["idempotent-replayed"], createAgain.headers["idempotent-replayed"]]).toEqual(["true", "true"]);
    expect(await newEvents(s.tenantId, written.length)).toEqual([]);
  });

  test("a retried comment with its Idempotency-Key emits nothing new", async () => {
    const s = await shop();
    const order = await s.order();
    const memo = await createCreditmemo(harness.database.prisma, { order_ref: order.id, state: 2 });
    const send = () => api(harness).post(`${MEMOS}/${memo.increment_id}/comments`).set(s.app).set("Idempotency-Key", "note-1").send({ comment: "Once" });
    await send().expect(200);
    expect((await send().expect(200)).headers["idempotent-replayed"]).toBe("true");
    expect(headlines(await eventsOf(s.tenantId))).toEqual([`creditmemo.updated ${memo.increment_id}`]);
  });
});

onPostgres.describe("concurrent changes to one customer's balance", () => {
  test("each balance event publishes a balance that existed, in the order the changes committed", async () => {
    const s = await shop();
    const prisma = harness.database.prisma;
    const credits = await Promise.all(
      [0, 1, 2, 3].map(() => createCredit(prisma, { tenantId: s.tenantId, creditType: "StoreCredit", customerId: 4, websiteRef: s.usMain.id, initialBalance: "100.00" })),
    );
    // Four credits of one customer, debited at once, five times each: 20 changes racing on one balance.
    await Promise.all(
      credits.flatMap((target) =>
        [1, 2, 3, 4, 5].map(() =>
          api(harness).post(`${CREDITS}/${target.code}/transactions`).set(s.app).send({ transactionType: "Debit", impactAmount: 1 }).expect(200),
        ),
      ),
    );
    const balances = (await eventsOf(s.tenantId)).filter((event) => event.topic === "storecredit.balance.updated").map((event) => props(event)["balance"]);
    expect(balances).toEqual(Array.from({ length: 20 }, (_, n) => new Decimal(399 - n).toFixed(4)));
    expect(await restBalance(s, 4, 2)).toBe("380.0000");
  });
});

describe("retention", () => {
  const DAY = 86_400_000;

  async function storeEvents(tenantId: number, prefix: string, count: number, daysAgo: number): Promise<void> {
    await harness.database.prisma.event.createMany({
      data: Array.from({ length: count }, (_, n) => ({
        eventId: `${prefix}-${n}`,
        tenantId,
        topic: "credit.updated",
        entityId: `GC-${prefix}-${n}`,
        extendedProperties: [],
        createdAt: new Date(Date.now() - daysAgo * DAY),
      })),
    });
  }
  async function remaining(): Promise<string[]> {
    return (await harness.database.prisma.event.findMany({ select: { eventId: true }, orderBy: { eventId: "asc" } })).map((row) => row.eventId);
  }

  test("purgeOldEvents deletes every tenant's events older than the retention, and only those, in batches", async () => {
    const [one, two] = [(await createTenant(harness.database.prisma)).id, (await createTenant(harness.database.prisma)).id];
    await storeEvents(one, "old", 3, 31);
    await storeEvents(two, "older", 2, 400);
    await storeEvents(one, "young", 2, 29);
    const statements = jest.spyOn(harness.database.prisma, "$executeRaw");
    try {
      expect(await purgeOldEvents(harness.database.prisma, { retentionDays: 30, batchSize: 2 })).toBe(5);
      const batches = await Promise.all(statements.mock.results.map((result) => result.value as Promise<number>));
      expect(batches).toEqual([2, 2, 1]);
    } finally {
      statements.mockRestore();
    }
    expect(await remaining()).toEqual(["young-0", "young-1"]);
    expect(await purgeOldEvents(harness.database.prisma, { retentionDays: 30 })).toBe(0);
    expect(await purgeOldEvents(harness.database.prisma, { retentionDays: 1 })).toBe(2);
  });

  test("the purge plugin purges once ready and logs how many it deleted", async () => {
    const tenant = await createTenant(harness.database.prisma);
    await storeEvents(tenant.id, "old", 2, 8);
    await storeEvents(tenant.id, "young", 1, 6);
    const lines: Record<string, unknown>[] = [];
    const app: FastifyInstance = Fastify({
      logger: {
        level: "info",
        stream: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
      },
    });
    await app.register(databasePlugin, { database: harness.database, closeOnShutdown: false });
    await app.register(eventPurgePlugin, { retentionDays: 7, intervalMs: 20 });
    try {
      await app.ready();
      const deadline = Date.now() + 5_000;
      while (!lines.some((line) => line["msg"] === "purged old events") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await app.close();
    }
    expect(lines).toContainEqual(expect.objectContaining({ level: 30, msg: "purged old events", deleted: 2, retentionDays: 7 }));
    expect(await remaining()).toEqual(["young-0"]);
  });

  test("buildApp runs the event purge with the idempotency purge, unless IDEMPOTENCY_PURGE_INTERVAL_MINUTES is 0", async () => {
    const withPurge = await buildTestApp(harness.database, { IDEMPOTENCY_PURGE_INTERVAL_MINUTES: "60", EVENT_RETENTION_DAYS: "90" });
    const withoutPurge = await buildTestApp(harness.database, { IDEMPOTENCY_PURGE_INTERVAL_MINUTES: "0" });
    try {
      expect(withPurge.hasPlugin("event-purge")).toBe(true);
      expect(withoutPurge.hasPlugin("event-purge")).toBe(false);
    } finally {
      await withPurge.close();
      await withoutPurge.close();
    }
  });
});
