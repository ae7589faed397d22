import { createCredit, createTenant } from "../../../src/demo/factories.js";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import { pushJob } from "../../../src/events/push/job.js";
import { testConfig } from "../../helpers/app.js";
import { appAuth } from "../../helpers/auth.js";
import { api, CREDITS, useTestApp } from "../../helpers/harness.js";
import { postgresOnly } from "../../helpers/postgres-only.js";
import { startReceiver, subscribe, testSecretBox } from "../../helpers/push.js";
import { openDatabaseThroughProxy } from "../../helpers/tcp-proxy.js";

const onPostgres = postgresOnly("two claimants and a database cut off mid-delivery need PostgreSQL's connections");
const harness = useTestApp({ env: { EVENT_ALLOWED_HOSTS: "127.0.0.1" } });
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One debit of a gift card, so one credit.updated delivery to `endpoint` is due. */
async function oneDelivery(endpoint: string) {
  const tenant = await createTenant(harness.database.prisma);
  await subscribe(harness.database.prisma, { tenantId: tenant.id, endpoint, topics: ["credit.updated"], secret: "secret" });
  const card = await createCredit(harness.database.prisma, { tenantId: tenant.id, initialBalance: "10.00" });
  await api(harness).post(`${CREDITS}/${card.code}/transactions`).set(await appAuth(harness.app, tenant.id)).send({ transactionType: "Debit", impactAmount: 1 }).expect(200);
  return tenant.id;
}

function job(prisma: PrismaClient, env: Record<string, string>) {
  return pushJob({ prisma, secrets: testSecretBox, config: testConfig({ EVENT_ALLOWED_HOSTS: "127.0.0.1", ...env }), log: silent });
}

async function attemptsOf(tenantId: number) {
  const attempts = await harness.database.prisma.eventDeliveryAttempt.findMany({ where: { tenantId }, orderBy: { id: "asc" } });
  return attempts.map((attempt) => attempt.errorType ?? attempt.deliveryStatus);
}

// A lease of 1 s for a 500 ms timeout: a POST starts only with 750 ms of the lease left.
const SHORT = { EVENT_DELIVERY_TIMEOUT_MS: "500", EVENT_DELIVERY_LEASE_MS: "1000" };

onPostgres.describe("push deliveries and their lease", () => {
  test("a claim run after its lease passed and another process took the delivery over sends nothing: the event arrives once", async () => {
    const receiver = await startReceiver("secret");
    try {
      const tenantId = await oneDelivery(receiver.url);
      const [late] = await job(harness.database.prisma, SHORT).claim(10);
      await sleep(1_100);
      const [takeover] = await job(harness.database.prisma, SHORT).claim(10);
      expect(late && takeover).toBeDefined();
      await late!();
      await takeover!();
      expect(receiver.received).toHaveLength(1);
      expect(await harness.database.prisma.eventDelivery.findFirstOrThrow({ where: { tenantId } })).toMatchObject({ status: "Succeeded", attempts: 2 });
      expect(await attemptsOf(tenantId)).toEqual(["WorkerLost", "Succeeded"]);
    } finally {
      await receiver.close();
    }
  });

  test("a claim left with less of its lease than a POST needs renews the lease before sending", async () => {
    let leaseDuringPost: Date | null = null;
    const receiver = await startReceiver("secret", async () => {
      leaseDuringPost = (await harness.database.prisma.eventDelivery.findFirstOrThrow({ where: { status: "Pending" } })).leaseExpiresAt;
      return 200;
    });
    try {
      const tenantId = await oneDelivery(receiver.url);
      const [task] = await job(harness.database.prisma, SHORT).claim(10);
      const claimed = (await harness.database.prisma.eventDelivery.findFirstOrThrow({ where: { tenantId } })).leaseExpiresAt!;
      await sleep(400);
      await task!();
      expect(leaseDuringPost!.getTime()).toBeGreaterThan(claimed.getTime() + 300);
      expect(await attemptsOf(tenantId)).toEqual(["Succeeded"]);
    } finally {
      await receiver.close();
    }
  });

  test("an outcome the database could not take after the receiver's 200 is written once it is back, within the lease", async () => {
    const { proxy, database } = await openDatabaseThroughProxy({ poolSize: 2 });
    // The database goes away while the receiver answers, and comes back 700 ms later.
    const receiver = await startReceiver("secret", async () => {
      await proxy.stop();
      setTimeout(() => void proxy.start(), 700);
      return 200;
    });
    try {
      const tenantId = await oneDelivery(receiver.url);
      const [task] = await job(database.prisma, { EVENT_DELIVERY_TIMEOUT_MS: "2000", EVENT_DELIVERY_LEASE_MS: "10000" }).claim(10);
      await task!();
      expect(receiver.received).toHaveLength(1);
      expect(await harness.database.prisma.eventDelivery.findFirstOrThrow({ where: { tenantId } })).toMatchObject({ status: "Succeeded", leaseExpiresAt: null });
      expect(await attemptsOf(tenantId)).toEqual(["Succeeded"]);
    } finally {
      await receiver.close();
      await database.close();
      await proxy.stop();
    }
  });
});
