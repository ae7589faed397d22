import { createCredit, createTenant } from "../../../src/demo/factories.js";
import { startDeliveryLoop } from "../../../src/delivery/loop.js";
import { pushJob } from "../../../src/events/push/job.js";
import { pushMessage } from "../../../src/events/push/message.js";
import { testConfig } from "../../helpers/app.js";
import { appAuth } from "../../helpers/auth.js";
import { api, CREDITS, useTestApp } from "../../helpers/harness.js";
import { drain, eventually, type Received, startReceiver, subscribe, testSecretBox } from "../../helpers/push.js";

const harness = useTestApp({ env: { EVENT_ALLOWED_HOSTS: "127.0.0.1" } });
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** The delivery job as a replica runs it, with the test's retry timings. */
function job(env: Record<string, string> = {}) {
  const config = testConfig({ EVENT_ALLOWED_HOSTS: "127.0.0.1", EVENT_RETRY_BASE_MS: "10", ...env });
  return pushJob({ prisma: harness.database.prisma, secrets: testSecretBox, config, log: silent });
}

/** Makes `jobs` of the next claim due now: retries wait EVENT_RETRY_BASE_MS and more. */
async function makeRetriesDue() {
  await harness.database.prisma.eventDelivery.updateMany({ where: { status: "Pending" }, data: { nextAttemptAt: new Date(0) } });
}

async function tenantWithCard(balance = "50.00") {
  const tenant = await createTenant(harness.database.prisma);
  const card = await createCredit(harness.database.prisma, { tenantId: tenant.id, initialBalance: balance });
  return { tenantId: tenant.id, card, auth: await appAuth(harness.app, tenant.id) };
}

const debit = (auth: { authorization: string }, code: string, amount: number) =>
  api(harness).post(`${CREDITS}/${code}/transactions`).set(auth).send({ transactionType: "Debit", impactAmount: amount });

const property = (delivery: Received, key: string) => delivery.body.extendedProperties.find((p) => p.key === key)?.value;

describe("push deliveries", () => {
  test("a receiver built on Kibo's Node SDK accepts the delivery of a change, signed with its shared secret", async () => {
    const { tenantId, card, auth } = await tenantWithCard();
    const receiver = await startReceiver("s3cret-of-the-receiver");
    try {
      await subscribe(harness.database.prisma, { tenantId, endpoint: receiver.url, topics: ["credit.updated"], secret: "s3cret-of-the-receiver" });
      await debit(auth, card.code, 12.5).set("x-vol-correlation", "checkout-77").expect(200);
      expect(await drain(job())).toBe(1);

      expect(receiver.received).toHaveLength(1);
      const [delivery] = receiver.received as [Received];
      expect(delivery.rejection).toBeUndefined();
      expect(delivery.valid).toBe(true);
      const [event] = await harness.database.prisma.event.findMany({ where: { tenantId, topic: "credit.updated" } });
      expect(delivery.body).toMatchObject({ eventId: event!.eventId, topic: "credit.updated", entityId: card.code, correlationId: "checkout-77", isTest: false });
      expect(delivery.body.timestamp).toBe(event!.createdAt.toISOString());
      expect(property(delivery, "currentBalance")).toBe("37.5000");
      expect(delivery.headers).toMatchObject({ "x-vol-tenant": String(tenantId), "x-vol-correlation": "checkout-77" });
      expect(Date.now() - Date.parse(delivery.headers.date!)).toBeLessThan(60_000);

      const deliveries = await harness.database.prisma.eventDelivery.findMany({ where: { tenantId }, include: { deliveryAttempts: true } });
      expect(deliveries).toMatchObject([{ status: "Succeeded", attempts: 1, leaseExpiresAt: null, deliveryAttempts: [{ deliveryStatus: "Succeeded", httpStatus: 200, errorType: null }] }]);
    } finally {
      await receiver.close();
    }
  });

  test("the same receiver rejects a delivery whose body was changed, and one whose Date is old", async () => {
    const receiver = await startReceiver("receiver-secret");
    try {
      const event = {
        eventId: "6f1c9a52-8d4b-4e0e-9a57-3c1e7d2b9f00",
        tenantId: 1,
        siteId: null,
        topic: "credit.updated",
        entityId: "GC-1",
        correlationId: null,
        isTest: false,
        extendedProperties: [{ key: "currentBalance", value: "10.0000" }],
        createdAt: new Date(),
      };
      const signingKey = (await import("../../../src/auth/secret-box.js")).pushSigningKey("receiver-secret");
      const post = (headers: Record<string, string>, body: string) => fetch(receiver.url, { method: "POST", headers, body });

      const fresh = pushMessage(event, signingKey, new Date());
      expect((await post(fresh.headers, fresh.body)).status).toBe(200);
      const tampered = fresh.body.replace('"10.0000"', '"99999.0000"');
      expect((await post(fresh.headers, tampered)).status).toBe(401);
      const old = pushMessage(event, signingKey, new Date(Date.now() - 10 * 60_000));
      expect((await post(old.headers, old.body)).status).toBe(401);
      const otherSecret = pushMessage(event, (await import("../../../src/auth/secret-box.js")).pushSigningKey("another-secret"), new Date());
      expect((await post(otherSecret.headers, otherSecret.body)).status).toBe(401);
      expect(receiver.received.map((r) => r.valid)).toEqual([true, false, false, false]);
    } finally {
      await receiver.close();
    }
  });

  test("a receiver that fails three times then succeeds gets exactly one successful delivery, and every attempt is kept", async () => {
    const { tenantId, card, auth } = await tenantWithCard();
    const receiver = await startReceiver("secret", (_delivery, index) => (index < 3 ? 503 : 200));
    try {
      await subscribe(harness.database.prisma, { tenantId, endpoint: receiver.url, topics: ["credit.updated"], secret: "secret" });
      await debit(auth, card.code, 1).expect(200);
      const pushes = job();
      for (let round = 0; round < 6; round++) {
        await drain(pushes);
        await makeRetriesDue();
      }
      expect(receiver.received).toHaveLength(4);
      expect(receiver.accepted()).toHaveLength(1);
      expect(new Set(receiver.received.map((r) => r.body.eventId)).size).toBe(1);
      const [delivery] = await harness.database.prisma.eventDelivery.findMany({
        where: { tenantId },
        include: { deliveryAttempts: { orderBy: { id: "asc" } } },
      });
      expect(delivery).toMatchObject({ status: "Succeeded", attempts: 4 });
      expect(delivery!.deliveryAttempts.map((a) => [a.deliveryStatus, a.httpStatus, a.errorType])).toEqual([
        ["Failed", 503, "HttpStatus"],
        ["Failed", 503, "HttpStatus"],
        ["Failed", 503, "HttpStatus"],
        ["Succeeded", 200, null],
      ]);
      expect(delivery!.deliveryAttempts[0]!.message).toBe("HTTP 503: refused 503");
    } finally {
      await receiver.close();
    }
  });

  test("retries wait EVENT_RETRY_BASE_MS, then twice as long, and a delivery is Failed after EVENT_DELIVERY_MAX_ATTEMPTS", async () => {
    const { tenantId, card, auth } = await tenantWithCard();
    const receiver = await startReceiver("secret", () => 500);
    try {
      await subscribe(harness.database.prisma, { tenantId, endpoint: receiver.url, topics: ["credit.updated"], secret: "secret" });
      await debit(auth, card.code, 1).expect(200);
      const pushes = job({ EVENT_RETRY_BASE_MS: "60000", EVENT_DELIVERY_MAX_ATTEMPTS: "3" });
      const nextAttemptIn = async () => {
        const delivery = await harness.database.prisma.eventDelivery.findFirstOrThrow({ where: { tenantId } });
        return { status: delivery.status, waitMs: delivery.nextAttemptAt.getTime() - delivery.lastAttemptAt!.getTime() };
      };
      await drain(pushes);
      const first = await nextAttemptIn();
      expect(first.status).toBe("Pending");
      expect(first.waitMs).toBeGreaterThanOrEqual(48_000);
      expect(first.waitMs).toBeLessThanOrEqual(72_500);
      // Not due yet: nothing is sent.
      expect(await drain(pushes)).toBe(0);
      await makeRetriesDue();
      await drain(pushes);
      const second = await nextAttemptIn();
      expect(second.waitMs).toBeGreaterThanOrEqual(96_000);
      expect(second.waitMs).toBeLessThanOrEqual(144_500);
      await makeRetriesDue();
      await drain(pushes);
      expect((await nextAttemptIn()).status).toBe("Failed");
      await makeRetriesDue();
      expect(await drain(pushes)).toBe(0);
      expect(receiver.received).toHaveLength(3);
      expect(await harness.database.prisma.eventDeliveryAttempt.count({ where: { tenantId } })).toBe(3);
    } finally {
      await receiver.close();
    }
  });

  test("each subscription receives an entity's events in the order they happened, even while one of them is retried", async () => {
    const { tenantId, card, auth } = await tenantWithCard("100.00");
    const other = await createCredit(harness.database.prisma, { tenantId, initialBalance: "100.00" });
    // The first delivery of the card fails once; nothing later of the card may overtake it, the other credit's may.
    let failedOnce = false;
    const receiver = await startReceiver("secret", (delivery) => {
      if (delivery.body.entityId === card.code && !failedOnce) {
        failedOnce = true;
        return 500;
      }
      return 200;
    });
    try {
      await subscribe(harness.database.prisma, { tenantId, endpoint: receiver.url, topics: ["credit.updated"], secret: "secret" });
      for (const amount of [1, 2, 3, 4]) await debit(auth, card.code, amount).expect(200);
      await debit(auth, other.code, 5).expect(200);
      const pushes = job({ EVENT_RETRY_BASE_MS: "60000" });
      await drain(pushes);
      // The card's first failed and waits for its retry; its later events wait behind it; the other credit's went.
      expect(receiver.accepted().map((r) => r.body.entityId)).toEqual([other.code]);
      await makeRetriesDue();
      await drain(pushes);
      const balances = receiver
        .accepted()
        .filter((r) => r.body.entityId === card.code)
        .map((r) => property(r, "currentBalance"));
      expect(balances).toEqual(["99.0000", "97.0000", "94.0000", "90.0000"]);
    } finally {
      await receiver.close();
    }
  });

  test("a rolled-back change queues no delivery, and a subscription receives only its topics", async () => {
    const { tenantId, card, auth } = await tenantWithCard("5.00");
    const receiver = await startReceiver("secret");
    try {
      await subscribe(harness.database.prisma, { tenantId, endpoint: receiver.url, topics: ["credit.created"], secret: "secret" });
      await debit(auth, card.code, 1).expect(200);
      await debit(auth, card.code, 100).expect(409);
      expect(await harness.database.prisma.eventDelivery.count()).toBe(0);
      await api(harness).post(CREDITS).set(auth).send({ code: "GC-PUSHED-1", creditType: "GiftCard", initialBalance: 10, currencyCode: "USD" }).expect(200);
      await drain(job());
      expect(receiver.accepted().map((r) => [r.body.topic, r.body.entityId])).toEqual([["credit.created", "GC-PUSHED-1"]]);
    } finally {
      await receiver.close();
    }
  });

  test("an inactive subscription's deliveries wait until it is active again", async () => {
    const { tenantId, card, auth } = await tenantWithCard();
    const receiver = await startReceiver("secret");
    try {
      const { subscription } = await subscribe(harness.database.prisma, { tenantId, endpoint: receiver.url, topics: ["credit.updated"], secret: "secret" });
      await debit(auth, card.code, 1).expect(200);
      await harness.database.prisma.eventSubscription.update({ where: { id: subscription.id }, data: { isActive: false } });
      await debit(auth, card.code, 1).expect(200);
      expect(await drain(job())).toBe(0);
      await harness.database.prisma.eventSubscription.update({ where: { id: subscription.id }, data: { isActive: true } });
      expect(await drain(job())).toBe(1);
      // The second change was made while it was inactive: not queued for it.
      expect(receiver.accepted()).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  describe("where deliveries may go", () => {
    const failure = async (tenantId: number) => {
      const delivery = await harness.database.prisma.eventDelivery.findFirstOrThrow({ where: { tenantId }, include: { deliveryAttempts: true } });
      return delivery.deliveryAttempts[0]!;
    };

    test.each([
      ["a name that resolves to loopback", "http://localhost:9/hook", /127\.0\.0\.1 is a loopback address \(localhost resolves to it\)|::1 is a loopback address/],
      ["a private address", "http://10.1.2.3/hook", /10\.1\.2\.3 is a private address/],
      ["the cloud metadata address", "http://169.254.169.254/latest/meta-data", /169\.254\.169\.254 is a linkLocal address/],
      ["an IPv4-mapped loopback", "http://[::ffff:127.0.0.1]:9/hook", /127\.0\.0\.1 is a loopback address/],
    ])("%s is refused when delivering, whatever the subscription said", async (_name, endpoint, message) => {
      const { tenantId, card, auth } = await tenantWithCard();
      await subscribe(harness.database.prisma, { tenantId, endpoint, topics: ["credit.updated"] });
      await debit(auth, card.code, 1).expect(200);
      await drain(job({ EVENT_ALLOWED_HOSTS: "" }));
      expect(await failure(tenantId)).toMatchObject({ deliveryStatus: "Failed", errorType: "Refused", httpStatus: null, message: expect.stringMatching(message) });
    });

    test("a redirect is not followed", async () => {
      const { tenantId, card, auth } = await tenantWithCard();
      const target = await startReceiver("secret");
      const redirecting = await startReceiver("secret", () => 302);
      try {
        await subscribe(harness.database.prisma, { tenantId, endpoint: redirecting.url, topics: ["credit.updated"], secret: "secret" });
        await debit(auth, card.code, 1).expect(200);
        await drain(job());
        expect(await failure(tenantId)).toMatchObject({ errorType: "HttpStatus", httpStatus: 302, message: expect.stringContaining("redirects are not followed") });
        expect(target.received).toHaveLength(0);
      } finally {
        await target.close();
        await redirecting.close();
      }
    });

    test("an endpoint slower than EVENT_DELIVERY_TIMEOUT_MS is a Timeout, and is retried", async () => {
      const { tenantId, card, auth } = await tenantWithCard();
      const slow = await startReceiver("secret", () => new Promise((resolve) => setTimeout(() => resolve(200), 700)));
      try {
        await subscribe(harness.database.prisma, { tenantId, endpoint: slow.url, topics: ["credit.updated"], secret: "secret" });
        await debit(auth, card.code, 1).expect(200);
        await drain(job({ EVENT_DELIVERY_TIMEOUT_MS: "300", EVENT_DELIVERY_LEASE_MS: "5000" }));
        expect(await failure(tenantId)).toMatchObject({ errorType: "Timeout", httpStatus: null });
        expect((await harness.database.prisma.eventDelivery.findFirstOrThrow({ where: { tenantId } })).status).toBe("Pending");
      } finally {
        await slow.close();
      }
    });
  });

  test("the delivery loop of a running app delivers a change within moments of its commit", async () => {
    const { tenantId, card, auth } = await tenantWithCard();
    const receiver = await startReceiver("secret");
    const loop = startDeliveryLoop({ jobs: [job()], concurrency: 2, pollMs: 60_000, log: silent });
    try {
      await subscribe(harness.database.prisma, { tenantId, endpoint: receiver.url, topics: ["credit.updated"], secret: "secret" });
      const started = Date.now();
      await debit(auth, card.code, 3).expect(200);
      // The loop polls only every minute here: it is the request's own wake-up that brings the delivery out.
      await eventually(async () => receiver.accepted().length === 1);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await loop.stop(1_000);
      await receiver.close();
    }
  });
});
