import net from "node:net";
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import request from "supertest";
import type { Database, DatabaseOptions } from "../../src/db/database.js";
import { TRANSACTION_OPTIONS, type TransactionLimits } from "../../src/db/transactions.js";
import { createCredit } from "../../src/demo/factories.js";
import { buildTestApp } from "../helpers/app.js";
import { CREDITS, tenantWithShopper, useTestApp } from "../helpers/harness.js";
import { postgresOnly } from "../helpers/postgres-only.js";
import { lockHolder, sessionsBlockedBy } from "../helpers/row-locks.js";
import { openDatabaseThroughProxy, type TcpProxy } from "../helpers/tcp-proxy.js";

// Small limits, so each test waits a second or two: the client gives up on an answer 2 s after a query is sent.
const LIMITS: TransactionLimits = { statementTimeoutMs: 1_000, lockTimeoutMs: 1_000, idleInTransactionTimeoutMs: 1_000 };
const QUERY_TIMEOUT_MS = LIMITS.statementTimeoutMs + 1_000;
const DEBIT = { transactionType: "Debit", impactAmount: 10 };

// Each test waits out a few timeouts of its own, on a machine that may be busy with other suites.
const TEST_TIMEOUT_MS = 60_000;

const onPostgres = postgresOnly("it partitions, locks and saturates PostgreSQL connections, and PGlite is one in-process session");
const healthy = useTestApp();

interface Replica {
  proxy: TcpProxy;
  database: Database;
  app: FastifyInstance;
}

/** A second Tally on the same database, reaching it through a proxy the test can blackhole. */
async function replicaThroughProxy(options: Partial<DatabaseOptions> = {}, env: Record<string, string> = {}): Promise<Replica> {
  const { proxy, database } = await openDatabaseThroughProxy({ limits: LIMITS, ...options });
  const app = await buildTestApp(database, { DATABASE_POOL_SIZE: String(options.poolSize ?? 2), ...env });
  await app.ready();
  return { proxy, database, app };
}

async function closeReplica(replica: Replica | undefined): Promise<void> {
  if (!replica) return;
  replica.proxy.heal();
  await replica.app.close();
  await replica.database.close();
  await replica.proxy.stop();
}

type Tenant = Awaited<ReturnType<typeof tenantWithShopper>>;

/**
 * Runs `work` while a session of the test's own holds the row lock of a new credit `code` of a tenant of `on`'s; the
 * work ends the lock with `holder.query("ROLLBACK")` when it needs to.
 */
async function withLockedCredit(
  on: Parameters<typeof tenantWithShopper>[0],
  credit: { code: string; initialBalance: string },
  work: (locked: { tenant: Tenant; holder: pg.Client }) => Promise<void>,
): Promise<void> {
  const holder = await lockHolder();
  try {
    const tenant = await tenantWithShopper(on);
    await createCredit(healthy.database.prisma, { tenantId: tenant.tenantId, ...credit });
    await holder.query("BEGIN");
    await holder.query("SELECT id FROM credits WHERE code_key = $1 FOR UPDATE", [credit.code]);
    await work({ tenant, holder });
  } finally {
    await holder.end();
  }
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Starts `debit` and, once it waits on `holder`'s row lock, resolves with its response still pending (wrapped, so that
 * awaiting this does not await the response). The replica's lock wait lasts one second, and a loaded machine can
 * starve the 20-ms poll for that long: a debit that answers before it was seen waiting (its lock wait timed out and
 * nothing was written) is sent again, and the error names what each attempt answered.
 */
async function debitWaitingOnLock<T extends { status: number; text: string }>(
  debit: () => Promise<T>,
  holder: pg.Client,
  attempts = 5,
): Promise<{ pending: Promise<T> }> {
  const answers: string[] = [];
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    const pending = debit();
    let answered = false;
    void pending.finally(() => (answered = true)).catch(() => undefined);
    await until("the debit to wait on the lock", async () => answered || (await sessionsBlockedBy(holder)) > 0);
    if (!answered) return { pending };
    const response = await pending;
    answers.push(`${response.status} after ${Date.now() - started} ms: ${response.text.slice(0, 200)}`);
    if (attempt === attempts) throw new Error(`the debit answered ${attempts} times before it was seen waiting on the lock:\n${answers.join("\n")}`);
  }
}

async function debitsOf(code: string): Promise<number> {
  return healthy.database.prisma.creditTransaction.count({ where: { credit: { codeKey: code }, transactionType: "Debit" } });
}

async function balanceOf(code: string): Promise<string> {
  const credit = await healthy.database.prisma.credit.findFirstOrThrow({ where: { codeKey: code } });
  return credit.currentBalance.toString();
}

async function timed<T>(work: Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await work;
  return { result, ms: Date.now() - started };
}

onPostgres.describe("a database that goes silent, or is slow, bounds the requests and locks on it", () => {
  // Built once (building an app takes seconds): `replica` with two connections, and `busy` with one connection, one
  // waiter allowed and lock waits long enough for the test to end them.
  let replica: Replica;
  let busy: Replica;
  beforeAll(async () => {
    [replica, busy] = await Promise.all([
      replicaThroughProxy(),
      replicaThroughProxy(
        { poolSize: 1, connectTimeoutMs: 10_000, limits: { ...LIMITS, statementTimeoutMs: 10_000, lockTimeoutMs: 10_000 } },
        { DATABASE_QUEUE_LIMIT: "1" },
      ),
    ]);
    await busy.app.listen({ port: 0, host: "127.0.0.1" });
  }, 120_000);
  afterEach(() => replica.proxy.heal());
  afterAll(async () => {
    await closeReplica(replica);
    await closeReplica(busy);
  });

  test("a debit in flight when the database goes silent answers 503 within two query timeouts, and the pool recovers", async () => {
    await withLockedCredit(replica, { code: "SC-SILENT", initialBalance: "50" }, async ({ tenant, holder }) => {
      // The debit waits on the row lock, on its connection, when the partition begins.
      const { pending } = await debitWaitingOnLock(() => request(replica.app.server).post(`${CREDITS}/SC-SILENT/transactions`).set(tenant.app).send(DEBIT).then((r) => r), holder);
      replica.proxy.blackhole();
      await holder.query("ROLLBACK");

      const { result: response, ms } = await timed(pending);
      expect(response.status).toBe(503);
      expect(response.headers["retry-after"]).toBe("5");
      expect(response.body).toMatchObject({ errorCode: "SYSTEM_MAINTENANCE" });
      // The statement's answer and then the ROLLBACK's each get one query timeout; the partition itself lasts longer.
      expect(ms).toBeLessThan(2 * QUERY_TIMEOUT_MS + 2_000);
      expect(ms).toBeLessThan(TRANSACTION_OPTIONS.timeout);

      replica.proxy.heal();
      // No pooled connection is left waiting for an answer that was given up on: the next debit goes straight through.
      const { result: after, ms: afterMs } = await timed(
        request(replica.app.server).post(`${CREDITS}/SC-SILENT/transactions`).set(tenant.app).send(DEBIT).then((r) => r),
      );
      expect(after.status).toBe(200);
      expect(afterMs).toBeLessThan(QUERY_TIMEOUT_MS);
      expect(await debitsOf("SC-SILENT")).toBe(1);
      expect(await balanceOf("SC-SILENT")).toBe("40");
    });
  }, TEST_TIMEOUT_MS);

  test("a row lock held by a cut-off replica is freed by the server within the idle-in-transaction timeout", async () => {
    const tenant = await tenantWithShopper(healthy);
    const credit = await createCredit(healthy.database.prisma, { tenantId: tenant.tenantId, code: "SC-CUT", initialBalance: "50" });
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const stale = replica.database.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM credits WHERE id = ${credit.id} FOR UPDATE`;
      replica.proxy.blackhole();
      locked();
      await tx.$queryRaw`SELECT 1`;
    }, TRANSACTION_OPTIONS);
    const staleOutcome = stale.then(
      () => "committed",
      () => "failed",
    );
    await lockTaken;

    const { result: debit, ms } = await timed(
      request(healthy.app.server).post(`${CREDITS}/SC-CUT/transactions`).set(tenant.app).send(DEBIT).then((r) => r),
    );
    expect(debit.status).toBe(200);
    // Without the limit it would wait for the partition to end (or Prisma's 15 s, whose ROLLBACK cannot arrive).
    expect(ms).toBeLessThan(LIMITS.idleInTransactionTimeoutMs + 2_500);
    expect(await staleOutcome).toBe("failed");
    expect(await balanceOf("SC-CUT")).toBe("40");
  }, TEST_TIMEOUT_MS);

  test("a transaction given up on during a partition is never committed by its connection's next user", async () => {
    // The server keeps the session this time (its idle limit outlasts the partition), so only the client can end it.
    const { proxy, database } = await openDatabaseThroughProxy({ poolSize: 1, limits: { ...LIMITS, idleInTransactionTimeoutMs: 60_000 } });
    try {
      const tenant = await tenantWithShopper(healthy);
      const credit = await createCredit(healthy.database.prisma, { tenantId: tenant.tenantId, code: "SC-HALF", initialBalance: "50" });
      const stale = database.prisma.$transaction(async (tx) => {
        await tx.credit.update({ where: { id: credit.id }, data: { currentBalance: "0" } });
        proxy.blackhole();
        await tx.$queryRaw`SELECT 1`;
      }, TRANSACTION_OPTIONS);
      await expect(stale).rejects.toThrow();
      proxy.heal();
      // node-postgres gave up on the answer, and its ROLLBACK was never sent: the connection must not be pooled.
      await database.prisma.$transaction((tx) => tx.$queryRaw`SELECT 1`, TRANSACTION_OPTIONS);
      expect(await balanceOf("SC-HALF")).toBe("50");
    } finally {
      proxy.heal();
      await database.close();
      await proxy.stop();
    }
  }, TEST_TIMEOUT_MS);

  test("a debit that waits on a lock longer than lock_timeout is a 503 with Retry-After, and writes nothing", async () => {
    await withLockedCredit(replica, { code: "SC-WAIT", initialBalance: "50" }, async ({ tenant, holder }) => {
      const { result: response, ms } = await timed(
        request(replica.app.server)
          .post(`${CREDITS}/SC-WAIT/transactions`)
          .set(tenant.app)
          .set("idempotency-key", "wait-1")
          .send(DEBIT)
          .then((r) => r),
      );
      await holder.query("ROLLBACK");
      expect(response.status).toBe(503);
      expect(response.headers["retry-after"]).toBe("5");
      expect(response.body).toMatchObject({ errorCode: "SYSTEM_MAINTENANCE" });
      expect(ms).toBeGreaterThanOrEqual(LIMITS.lockTimeoutMs - 100);
      expect(ms).toBeLessThan(LIMITS.lockTimeoutMs + 2_500);
      expect(await debitsOf("SC-WAIT")).toBe(0);
      expect(await healthy.database.prisma.idempotencyKey.count()).toBe(0);
      // The retry the 503 asks for, with the same key, applies the debit once.
      const retry = await request(replica.app.server).post(`${CREDITS}/SC-WAIT/transactions`).set(tenant.app).set("idempotency-key", "wait-1").send(DEBIT);
      expect(retry.status).toBe(200);
      expect(await balanceOf("SC-WAIT")).toBe("40");
    });
  }, TEST_TIMEOUT_MS);

  test("with the pool's queue full, new requests are shed with 503 and Retry-After at once; queued ones still succeed", async () => {
    await withLockedCredit(busy, { code: "SC-BUSY", initialBalance: "100" }, async ({ tenant, holder }) => {
      const debit = () => request(busy.app.server).post(`${CREDITS}/SC-BUSY/transactions`).set(tenant.app).send(DEBIT).then((r) => r);
      const first = debit();
      await until("the first debit to hold the only connection", async () => (await sessionsBlockedBy(holder)) > 0);
      const second = debit();
      await until("the second debit to queue for it", () => busy.database.poolStats().waiting >= 1);

      const { result: shed, ms } = await timed(Promise.all([debit(), debit(), debit()]));
      for (const response of shed) {
        expect(response.status).toBe(503);
        expect(response.headers["retry-after"]).toBe("5");
        expect(response.body).toMatchObject({ errorCode: "SYSTEM_MAINTENANCE" });
      }
      expect(ms).toBeLessThan(2_000);
      // Probes are never shed.
      expect((await request(busy.app.server).get("/health")).status).toBe(200);

      await holder.query("ROLLBACK");
      expect((await first).status).toBe(200);
      expect((await second).status).toBe(200);
      expect(await balanceOf("SC-BUSY")).toBe("80");
    });
  }, TEST_TIMEOUT_MS);

  test("a request whose caller hangs up while it waits for a connection does not begin its transaction", async () => {
    await withLockedCredit(busy, { code: "SC-GONE", initialBalance: "100" }, async ({ tenant, holder }) => {
      const first = request(busy.app.server).post(`${CREDITS}/SC-GONE/transactions`).set(tenant.app).send(DEBIT).then((r) => r);
      await until("the first debit to hold the only connection", async () => (await sessionsBlockedBy(holder)) > 0);

      const body = JSON.stringify(DEBIT);
      const { port } = busy.app.server.address() as net.AddressInfo;
      const socket = net.connect(port, "127.0.0.1");
      await new Promise((resolve) => socket.once("connect", resolve));
      socket.write(
        `POST ${CREDITS}/SC-GONE/transactions HTTP/1.1\r\nHost: tally\r\nAuthorization: ${tenant.app.authorization}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      await until("the second debit to queue for the connection", () => busy.database.poolStats().waiting >= 1);
      socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));

      await holder.query("ROLLBACK");
      expect((await first).status).toBe(200);
      await until("the abandoned request to give the connection back", () => busy.database.poolStats().idle === 1);
      expect(await debitsOf("SC-GONE")).toBe(1);
      expect(await balanceOf("SC-GONE")).toBe("90");
    });
  }, TEST_TIMEOUT_MS);
});

onPostgres.describe("a connection cut while its caller holds it", () => {
  test.each([
    ["a session (migrations, the loyalty report)", (database: Database, sql: string) => database.withSession((session) => session.query(sql))],
    ["a list read", (database: Database, sql: string) => database.read(sql, [])],
  ])("fails %s, not the process, and the next call gets a new connection", async (name, run) => {
    const { proxy, database } = await openDatabaseThroughProxy();
    const watcher = await lockHolder();
    const sql = `SELECT pg_sleep(5), '${name}' AS caller`;
    try {
      const cut = run(database, sql);
      cut.catch(() => {});
      await until("the query to run", async () => {
        const { rows } = await watcher.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1 AND state = 'active'", [sql]);
        return (rows[0]?.n ?? 0) > 0;
      });
      await proxy.stop();
      await expect(cut).rejects.toThrow(/Connection terminated|ECONNRESET/);
      await proxy.start();
      expect(await database.read("SELECT 1 AS one", [])).toEqual([{ one: 1 }]);
    } finally {
      await watcher.end();
      await database.close();
      await proxy.stop();
    }
  }, TEST_TIMEOUT_MS);
});
