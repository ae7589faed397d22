import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Database, openDatabase } from "../../../src/db/database.js";
import { applyMigrations, readMigrations } from "../../../src/db/migrate.js";
import { createCredit, createTenant } from "../../../src/demo/factories.js";
import { startDeliveryLoop } from "../../../src/delivery/loop.js";
import { recordEvents } from "../../../src/events/record.js";
import { creditPostedEvent } from "../../../src/events/payloads.js";
import { forTenant } from "../../../src/db/tenant-scope.js";
import { pushJob } from "../../../src/events/push/job.js";
import { testConfig } from "../../helpers/app.js";
import { testServerUrl } from "../../helpers/database.js";
import { eventually, startReceiver, subscribe, testSecretBox } from "../../helpers/push.js";

// The embedded default is one process: what "a replica killed mid-delivery" means there is Tally killed and started
// again on the same data directory. Nothing claimed before the kill may be lost.
// On PostgreSQL the same is test/integration/events/push-replicas.test.ts, with a second process taking over.
const onEmbedded = testServerUrl() ? describe.skip : describe;
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const env = { EVENT_ALLOWED_HOSTS: "127.0.0.1", EVENT_DELIVERY_TIMEOUT_MS: "2000", EVENT_DELIVERY_LEASE_MS: "4000" };

onEmbedded("on the embedded database", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), "tally-push-crash-"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("a Tally killed with SIGKILL mid-delivery delivers what it had claimed once it runs again", async () => {
    const dataDir = path.join(root, "pglite");
    let holding = true;
    const receiver = await startReceiver("secret", () => (holding ? new Promise<number>(() => {}) : 200));
    const open = () => openDatabase({ dataDir, poolSize: 1, connectTimeoutMs: 5_000, role: "test" });
    let database: Database | undefined = await open();
    let survivor: ReturnType<typeof startDeliveryLoop> | undefined;
    try {
      await database.withSession((sql) => applyMigrations(sql, readMigrations()));
      const tenant = await createTenant(database.prisma);
      await subscribe(database.prisma, { tenantId: tenant.id, endpoint: receiver.url, topics: ["credit.updated"], secret: "secret" });
      const cards = [];
      for (let index = 0; index < 3; index++) cards.push(await createCredit(database.prisma, { tenantId: tenant.id, initialBalance: "10.00" }));
      const scoped = forTenant(database.prisma, tenant.id);
      for (const card of cards) {
        const row = { id: 1n, transactionType: "Debit" as const, action: "Used" as const, impactAmount: card.initialBalance, orderId: null };
        await scoped.$transaction((tx) => recordEvents(tx, [creditPostedEvent(card, row)]));
      }
      await database.close();
      database = undefined;

      const child = spawn("node", ["--import", "tsx", "test/helpers/push-worker-child.ts"], {
        env: { ...process.env, ...env, PUSH_TEST_DATA_DIR: dataDir },
        stdio: ["ignore", "pipe", "inherit"],
      });
      const exited = new Promise((resolve) => child.on("exit", resolve));
      await eventually(async () => receiver.received.length >= cards.length, 30_000);
      child.kill("SIGKILL");
      await exited;

      holding = false;
      database = await open();
      const reopened = database;
      survivor = startDeliveryLoop({
        jobs: [pushJob({ prisma: reopened.prisma, secrets: testSecretBox, config: testConfig(env), log: silent })],
        concurrency: 4,
        pollMs: 100,
        log: silent,
      });
      await eventually(async () => (await reopened.prisma.eventDelivery.count({ where: { status: "Succeeded" } })) === cards.length, 30_000);
      expect(new Set(receiver.accepted().map((delivery) => delivery.body.entityId))).toEqual(new Set(cards.map((card) => card.code)));
      expect(await reopened.prisma.eventDeliveryAttempt.count({ where: { errorType: "WorkerLost" } })).toBe(cards.length);
    } finally {
      await survivor?.stop(2_000);
      await database?.close();
      await receiver.close();
    }
  }, 90_000);
});
