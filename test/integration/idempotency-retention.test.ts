import { execFile } from "node:child_process";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import Fastify, { type FastifyInstance } from "fastify";
import request from "supertest";
import { createTenant } from "../../src/demo/factories.js";
import { purgeExpiredIdempotencyKeys } from "../../src/http/idempotency-purge.js";
import databasePlugin from "../../src/plugins/database.js";
import idempotencyPurgePlugin from "../../src/plugins/idempotency-purge.js";
import { buildTestApp } from "../helpers/app.js";
import { appAuth } from "../helpers/auth.js";
import { testServerUrl, withDatabaseName, workerDatabaseName } from "../helpers/database.js";
import { useTestDatabase } from "../helpers/harness.js";
import { postgresOnly } from "../helpers/postgres-only.js";

// Jest's globals reach native ES modules through import.meta.
const { jest } = import.meta;
const HOUR = 3_600_000;
const server = testServerUrl();
const onPostgres = postgresOnly("PGlite is one session: no other transaction can hold rows, and no second process can connect");

const harness = useTestDatabase({ poolSize: 10 });
let tenants: number[];

beforeEach(async () => {
  tenants = [(await createTenant(harness.database.prisma)).id, (await createTenant(harness.database.prisma)).id];
});
afterEach(() => jest.restoreAllMocks());

/** Stores `count` keys created `hours` ago, spread over both tenants, named `<prefix>-<n>`. */
async function storeKeys(prefix: string, count: number, hours: number): Promise<void> {
  const createdAt = new Date(Date.now() - hours * HOUR);
  await harness.database.prisma.idempotencyKey.createMany({
    data: Array.from({ length: count }, (_, n) => ({
      tenantId: tenants[n % 2]!,
      actor: "app-1",
      key: `${prefix}-${n}`,
      operation: "POST /test",
      requestHash: "0".repeat(64),
      statusCode: 201,
      responseBody: {},
      createdAt,
    })),
  });
}

async function remainingKeys(): Promise<string[]> {
  const rows = await harness.database.prisma.idempotencyKey.findMany({ select: { key: true }, orderBy: { key: "asc" } });
  return rows.map((row) => row.key);
}

async function eventually(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("IDEMPOTENCY_KEY_TTL_HOURS reaches the routes", () => {
  const newCard = { creditType: "GiftCard", currencyCode: "USD", initialBalance: 25 };

  async function createTwiceWithAgedKey(env: Record<string, string>) {
    const app = await buildTestApp(harness.database, env);
    try {
      await app.ready();
      const auth = await appAuth(app, tenants[0]!);
      const post = () => request(app.server).post("/api/commerce/customer/credits").set(auth).set("Idempotency-Key", "card-1").send(newCard);
      const first = await post();
      expect(first.status).toBe(200);
      await harness.database.prisma.idempotencyKey.updateMany({ data: { createdAt: new Date(Date.now() - 3 * HOUR) } });
      const retry = await post();
      expect(retry.status).toBe(200);
      return { replayed: retry.headers["idempotent-replayed"] === "true", credits: await harness.database.prisma.credit.count() };
    } finally {
      await app.close();
    }
  }

  test("with a TTL of 2 hours, a retry 3 hours later creates a second credit", async () => {
    expect(await createTwiceWithAgedKey({ IDEMPOTENCY_KEY_TTL_HOURS: "2" })).toEqual({ replayed: false, credits: 2 });
  });

  test("with the default TTL of 24 hours, the same retry replays", async () => {
    expect(await createTwiceWithAgedKey({})).toEqual({ replayed: true, credits: 1 });
  });
});

describe("purgeExpiredIdempotencyKeys", () => {
  test("deletes every tenant's keys older than the TTL, and only those, and returns how many", async () => {
    await storeKeys("old", 5, 25);
    await storeKeys("young", 3, 23);
    expect(await purgeExpiredIdempotencyKeys(harness.database.prisma, { ttlHours: 24 })).toBe(5);
    expect(await remainingKeys()).toEqual(["young-0", "young-1", "young-2"]);
    expect(await purgeExpiredIdempotencyKeys(harness.database.prisma, { ttlHours: 24 })).toBe(0);
  });

  test("deletes batchSize rows per statement until a statement deletes fewer", async () => {
    await storeKeys("old", 5, 25);
    await storeKeys("young", 1, 1);
    const statements = jest.spyOn(harness.database.prisma, "$executeRaw");
    expect(await purgeExpiredIdempotencyKeys(harness.database.prisma, { ttlHours: 24, batchSize: 2 })).toBe(5);
    const batches = await Promise.all(statements.mock.results.map((result) => result.value as Promise<number>));
    expect(batches).toEqual([2, 2, 1]);
    expect(await remainingKeys()).toEqual(["young-0"]);
  });

  test("a batch that deletes exactly batchSize rows is followed by one more", async () => {
    await storeKeys("old", 4, 25);
    const statements = jest.spyOn(harness.database.prisma, "$executeRaw");
    expect(await purgeExpiredIdempotencyKeys(harness.database.prisma, { ttlHours: 24, batchSize: 2 })).toBe(4);
    expect(statements).toHaveBeenCalledTimes(3);
  });

  test("two purges at once both succeed, and together delete every expired key once", async () => {
    await storeKeys("old", 60, 48);
    await storeKeys("young", 2, 1);
    const counts = await Promise.all([
      purgeExpiredIdempotencyKeys(harness.database.prisma, { ttlHours: 24, batchSize: 5 }),
      purgeExpiredIdempotencyKeys(harness.database.prisma, { ttlHours: 24, batchSize: 5 }),
    ]);
    expect(counts[0]! + counts[1]!).toBe(60);
    expect(await remainingKeys()).toEqual(["young-0", "young-1"]);
  });

  onPostgres.describe("with a second connection: another transaction's row locks, the purge command", () => {
    test("rows another transaction holds are skipped without waiting for it", async () => {
      await storeKeys("old", 6, 48);
      await harness.database.withSession(async (sql) => {
        await sql.exec("BEGIN");
        try {
          await sql.query(`SELECT "id" FROM "idempotency_keys" WHERE "key" IN ('old-0', 'old-1') FOR UPDATE`);
          const purge = purgeExpiredIdempotencyKeys(harness.database.prisma, { ttlHours: 24, batchSize: 2 });
          const blocked = new Promise((resolve) => setTimeout(resolve, 3_000, "blocked"));
          expect(await Promise.race([purge, blocked])).toBe(4);
        } finally {
          await sql.exec("ROLLBACK");
        }
      });
      expect(await remainingKeys()).toEqual(["old-0", "old-1"]);
      expect(await purgeExpiredIdempotencyKeys(harness.database.prisma, { ttlHours: 24 })).toBe(2);
    });

    test("`npm run db:purge-idempotency` purges with the configured TTL and says how many it deleted", async () => {
      await storeKeys("old", 3, 3);
      await storeKeys("young", 1, 1);
      const env = { ...process.env, DATABASE_URL: withDatabaseName(server!, workerDatabaseName()), IDEMPOTENCY_KEY_TTL_HOURS: "2" };
      const { stdout } = await promisify(execFile)("node", ["--import", "tsx", "src/cli/purge-idempotency.ts"], { env });
      expect(stdout).toBe("Deleted 3 idempotency key(s) older than 2 hours.\n");
      expect(await remainingKeys()).toEqual(["young-0"]);
    });
  });
});

describe("the purge plugin", () => {
  let lines: Record<string, unknown>[];
  let app: FastifyInstance;

  beforeEach(async () => {
    lines = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(JSON.parse(line));
        done();
      },
    });
    app = Fastify({ logger: { level: "info", stream } });
    await app.register(databasePlugin, { database: harness.database, closeOnShutdown: false });
    await app.register(idempotencyPurgePlugin, { ttlHours: 24, intervalMs: 20 });
  });
  afterEach(() => app.close());

  const purgeLogs = () => lines.filter((line) => String(line["msg"]).includes("idempotency keys"));

  test("purges every interval once ready, and logs how many it deleted", async () => {
    await storeKeys("old", 3, 25);
    await storeKeys("young", 1, 1);
    await app.ready();
    await eventually(async () => purgeLogs().length === 1);
    await storeKeys("later", 2, 30);
    await eventually(async () => purgeLogs().length === 2);
    expect(await remainingKeys()).toEqual(["young-0"]);
    expect(purgeLogs()).toEqual([
      expect.objectContaining({ level: 30, msg: "purged expired idempotency keys", deleted: 3, ttlHours: 24 }),
      expect.objectContaining({ level: 30, msg: "purged expired idempotency keys", deleted: 2, ttlHours: 24 }),
    ]);
  });

  test("a failed purge is logged as an error and the next one runs", async () => {
    await storeKeys("old", 2, 25);
    jest.spyOn(harness.database.prisma, "$executeRaw").mockRejectedValueOnce(new Error("database went away"));
    await app.ready();
    await eventually(async () => purgeLogs().length === 2);
    expect(await remainingKeys()).toEqual([]);
    expect(purgeLogs()).toEqual([
      expect.objectContaining({ level: 50, msg: "purging expired idempotency keys failed", err: expect.objectContaining({ message: "database went away" }) }),
      expect.objectContaining({ level: 30, deleted: 2 }),
    ]);
  });

  test("closing the app waits for a running purge and stops the timer", async () => {
    let finish: (deleted: number) => void = () => {};
    const statements = jest
      .spyOn(harness.database.prisma, "$executeRaw")
      .mockImplementationOnce(() => new Promise<number>((resolve) => (finish = resolve)) as never);
    await app.ready();
    await eventually(async () => statements.mock.calls.length === 1);
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(closed).toBe(false);
    finish(0);
    await closing;
    await storeKeys("old", 1, 25);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(statements).toHaveBeenCalledTimes(1);
    expect(await remainingKeys()).toEqual(["old-0"]);
  });
});

test("buildApp starts the purge unless IDEMPOTENCY_PURGE_INTERVAL_MINUTES is 0", async () => {
  const withPurge = await buildTestApp(harness.database, { IDEMPOTENCY_PURGE_INTERVAL_MINUTES: "60" });
  const withoutPurge = await buildTestApp(harness.database, { IDEMPOTENCY_PURGE_INTERVAL_MINUTES: "0" });
  try {
    expect(withPurge.hasPlugin("idempotency-purge")).toBe(true);
    expect(withoutPurge.hasPlugin("idempotency-purge")).toBe(false);
  } finally {
    await withPurge.close();
    await withoutPurge.close();
  }
});
