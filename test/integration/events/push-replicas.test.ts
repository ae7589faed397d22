import { spawn } from "node:child_process";
import { createCredit, createTenant } from "../../../src/demo/factories.js";
import { openDatabase } from "../../../src/db/database.js";
import { type DeliveryJob, startDeliveryLoop } from "../../../src/delivery/loop.js";
import { pushJob } from "../../../src/events/push/job.js";
import { testConfig } from "../../helpers/app.js";
import { appAuth } from "../../helpers/auth.js";
import { testServerUrl, withDatabaseName, workerDatabaseName } from "../../helpers/database.js";
import { api, CREDITS, useTestApp } from "../../helpers/harness.js";
import { postgresOnly } from "../../helpers/postgres-only.js";
import { eventually, type Received, startReceiver, subscribe, testSecretBox } from "../../helpers/push.js";

const onPostgres = postgresOnly("replicas share the delivery queue through one PostgreSQL database; PGlite is one process's");
const harness = useTestApp({ env: { EVENT_ALLOWED_HOSTS: "127.0.0.1" } });
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const databaseUrl = () => withDatabaseName(testServerUrl()!, workerDatabaseName());

/** A tenant with `cards` gift cards, each debited `times` times (1.00 each), subscribed to credit.updated at `endpoint`. */
async function changes(endpoint: string, cards: number, times: number) {
  const tenant = await createTenant(harness.database.prisma);
  await subscribe(harness.database.prisma, { tenantId: tenant.id, endpoint, topics: ["credit.updated"], secret: "secret" });
  const auth = await appAuth(harness.app, tenant.id);
  const codes: string[] = [];
  for (let index = 0; index < cards; index++) codes.push((await createCredit(harness.database.prisma, { tenantId: tenant.id, initialBalance: "100.00" })).code);
  for (let round = 0; round < times; round++) {
    await Promise.all(
      codes.map((code) => api(harness).post(`${CREDITS}/${code}/transactions`).set(auth).send({ transactionType: "Debit", impactAmount: 1 }).expect(200)),
    );
  }
  return { tenantId: tenant.id, codes, expected: cards * times };
}

/** Each entity's accepted balances, in the order they arrived. */
function balancesByEntity(accepted: Received[]): Map<string, unknown[]> {
  const byEntity = new Map<string, unknown[]>();
  for (const delivery of accepted) {
    const balance = delivery.body.extendedProperties.find((property) => property.key === "currentBalance")?.value;
    byEntity.set(delivery.body.entityId, [...(byEntity.get(delivery.body.entityId) ?? []), balance]);
  }
  return byEntity;
}

const descending = (times: number) => Array.from({ length: times }, (_, index) => `${99 - index}.0000`);

onPostgres.describe("replicas sharing the queue", () => {
  test("two replicas' loops deliver each event once, each entity in order", async () => {
    const receiver = await startReceiver("secret", () => new Promise((resolve) => setTimeout(() => resolve(200), 2 + Math.random() * 8)));
    const replicas = await Promise.all([1, 2].map(() => openDatabase({ url: databaseUrl(), poolSize: 3, connectTimeoutMs: 5_000, dataDir: "" })));
    const claimed = [0, 0];
    const config = testConfig({ EVENT_ALLOWED_HOSTS: "127.0.0.1" });
    const loops = replicas.map((database, replica) => {
      const job = pushJob({ prisma: database.prisma, secrets: testSecretBox, config, log: silent });
      const counted: DeliveryJob = {
        name: job.name,
        claim: async (limit) => {
          const tasks = await job.claim(limit);
          claimed[replica]! += tasks.length;
          return tasks;
        },
      };
      return startDeliveryLoop({ jobs: [counted], concurrency: 4, pollMs: 10, log: silent });
    });
    try {
      const { codes, expected } = await changes(receiver.url, 8, 10);
      await eventually(async () => receiver.accepted().length >= expected, 30_000);
      // A little longer: a duplicate would arrive now.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ids = receiver.received.map((delivery) => delivery.body.eventId);
      expect(ids).toHaveLength(expected);
      expect(new Set(ids).size).toBe(expected);
      expect(claimed[0]! + claimed[1]!).toBe(expected);
      expect(claimed[0]).toBeGreaterThan(0);
      expect(claimed[1]).toBeGreaterThan(0);
      const byEntity = balancesByEntity(receiver.accepted());
      for (const code of codes) expect(byEntity.get(code)).toEqual(descending(10));
    } finally {
      await Promise.all(loops.map((loop) => loop.stop(2_000)));
      await Promise.all(replicas.map((database) => database.close()));
      await receiver.close();
    }
  }, 60_000);

  test("a replica killed with SIGKILL mid-delivery loses nothing: another delivers its claims once the lease passes", async () => {
    // The receiver holds the killed replica's requests open, so it dies with deliveries claimed and unanswered.
    let holding = true;
    const receiver = await startReceiver("secret", () => (holding ? new Promise<number>(() => {}) : 200));
    const env = { EVENT_ALLOWED_HOSTS: "127.0.0.1", EVENT_DELIVERY_TIMEOUT_MS: "2000", EVENT_DELIVERY_LEASE_MS: "4000" };
    const { tenantId, codes, expected } = await changes(receiver.url, 3, 3);
    const child = spawn("node", ["--import", "tsx", "test/helpers/push-worker-child.ts"], {
      env: { ...process.env, ...env, PUSH_TEST_DATABASE_URL: databaseUrl() },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    let survivor: ReturnType<typeof startDeliveryLoop> | undefined;
    try {
      // One delivery per card is due (each card's later events wait behind its first): all three are in flight.
      await eventually(async () => receiver.received.length >= codes.length, 20_000);
      child.kill("SIGKILL");
      await exited;
      const held = receiver.received.length;
      expect(held).toBe(codes.length);
      expect(await harness.database.prisma.eventDelivery.count({ where: { tenantId, status: "Succeeded" } })).toBe(0);

      holding = false;
      const config = testConfig(env);
      survivor = startDeliveryLoop({
        jobs: [pushJob({ prisma: harness.database.prisma, secrets: testSecretBox, config, log: silent })],
        concurrency: 4,
        pollMs: 50,
        log: silent,
      });
      await eventually(async () => (await harness.database.prisma.eventDelivery.count({ where: { tenantId, status: "Succeeded" } })) === expected, 30_000);
      const accepted = receiver.accepted();
      expect(new Set(accepted.map((delivery) => delivery.body.eventId)).size).toBe(expected);
      const byEntity = balancesByEntity(accepted);
      for (const code of codes) expect(byEntity.get(code)).toEqual(descending(3));
      // The lost attempts are on record.
      const lost = await harness.database.prisma.eventDeliveryAttempt.count({ where: { tenantId, errorType: "WorkerLost" } });
      expect(lost).toBe(held);
    } finally {
      child.kill("SIGKILL");
      await survivor?.stop(2_000);
      await receiver.close();
    }
  }, 60_000);
});
