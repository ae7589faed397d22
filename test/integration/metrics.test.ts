import type { FastifyInstance } from "fastify";
import request from "supertest";
import { buildApp } from "../../src/app.js";
import { ConfigError, loadConfig } from "../../src/config.js";
import { createCredit, createCreditmemo } from "../../src/demo/factories.js";
import { buildMetricsServer } from "../../src/metrics/server.js";
import { buildLoggedApp, buildTestApp, testConfig } from "../helpers/app.js";
import { appAuth } from "../helpers/auth.js";
import { postgresOnly } from "../helpers/postgres-only.js";
import { api, useTestApp, CREDITS, tenantWithShopper } from "../helpers/harness.js";
import { exampleOrder, MEMOS, memoPath, shop } from "./creditmemos/helpers.js";

const harness = useTestApp();

const TOKEN = "m".repeat(24) + "-metrics-token-0123456789";
const CREDIT_ROUTE = "/api/commerce/customer/credits/:code";
const onPostgres = postgresOnly("PGlite is one shared session, so no connection can be held elsewhere");

type Labels = Record<string, string>;

/** The samples of one metric in Prometheus' text format whose labels include `labels`. */
function samples(text: string, name: string, labels: Labels = {}): number[] {
  const found: number[] = [];
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const own = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => own[key] === value)) found.push(Number(match[3]));
  }
  return found;
}

/** The sum of the matching samples (0 when there are none, as for a counter never incremented). */
const total = (text: string, name: string, labels: Labels = {}) => samples(text, name, labels).reduce((a, b) => a + b, 0);

async function scrape(app: FastifyInstance = harness.app): Promise<string> {
  const response = await request(app.server).get("/metrics");
  expect(response.status).toBe(200);
  return response.text;
}

/** Builds a second app on the harness database with `env`, runs `use`, and closes it. */
async function withApp(env: Record<string, string>, use: (app: FastifyInstance) => Promise<void>): Promise<void> {
  const app = await buildTestApp(harness.database, env);
  await app.ready();
  try {
    await use(app);
  } finally {
    await app.close();
  }
}

describe("request metrics", () => {
  test("a credits request is counted and timed under its route pattern, method and status, never its raw URL", async () => {
    const tenant = await tenantWithShopper(harness);
    const credit = await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "METRICS-RAW-CODE" });
    const ok = { method: "GET", route: CREDIT_ROUTE, status_code: "200" };
    const missing = { ...ok, status_code: "404" };
    const before = await scrape();

    await api(harness).get(`${CREDITS}/${credit.code}`).set(tenant.app).expect(200);
    await api(harness).get(`${CREDITS}/${credit.code}`).set(tenant.app).expect(200);
    await api(harness).get(`${CREDITS}/NO-SUCH-CODE`).set(tenant.app).expect(404);
    const after = await scrape();

    expect(total(after, "http_request_duration_seconds_count", ok) - total(before, "http_request_duration_seconds_count", ok)).toBe(2);
    expect(total(after, "http_request_duration_seconds_count", missing) - total(before, "http_request_duration_seconds_count", missing)).toBe(1);
    // A latency histogram, with cumulative buckets up to +Inf.
    expect(samples(after, "http_request_duration_seconds_bucket", { ...ok, le: "+Inf" })).toEqual([
      total(after, "http_request_duration_seconds_count", ok),
    ]);
    expect(after).toMatch(/^# HELP http_request_duration_seconds \S/m);
    expect(after).not.toContain("METRICS-RAW-CODE");
    expect(after).not.toContain("NO-SUCH-CODE");
  });

  test("an unauthenticated request is counted with its 401; /metrics does not measure itself", async () => {
    const unauthorized = { method: "GET", route: "/api/commerce/customer/credits", status_code: "401" };
    const before = await scrape();
    await api(harness).get(CREDITS).expect(401);
    await scrape();
    const after = await scrape();
    expect(total(after, "http_request_duration_seconds_count", unauthorized) - total(before, "http_request_duration_seconds_count", unauthorized)).toBe(1);
    expect(samples(after, "http_request_duration_seconds_count", { route: "/metrics" })).toEqual([]);
  });

  test("answers Prometheus' text format with Node process metrics", async () => {
    const response = await request(harness.app.server).get("/metrics");
    expect(response.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(samples(response.text, "process_cpu_user_seconds_total")).toHaveLength(1);
    expect(samples(response.text, "nodejs_heap_size_used_bytes")).toHaveLength(1);
  });

  test("/metrics is not part of the OpenAPI document", () => {
    expect(Object.keys(harness.app.swagger().paths ?? {})).not.toContain("/metrics");
  });

  test("scrapes never spend the rate limit", async () => {
    const tenant = await tenantWithShopper(harness);
    await withApp({ RATE_LIMIT_PER_MINUTE: "1" }, async (app) => {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await request(app.server).get("/metrics")).status);
      expect(statuses).toEqual([200, 200, 200]);
      // The limit is on for the API in this app: its second call is refused.
      const headers = await appAuth(app, tenant.tenantId);
      expect((await request(app.server).get(CREDITS).set(headers)).status).toBe(200);
      expect((await request(app.server).get(CREDITS).set(headers)).status).toBe(429);
    });
  });
});

describe("database pool gauges", () => {
  test("report the pool's connections and its configured maximum", async () => {
    const text = await scrape();
    const gauges = ["connections", "idle_connections", "waiting_requests", "max_connections"].map((name) =>
      samples(text, `tally_db_pool_${name}`),
    );
    for (const name of ["connections", "idle_connections", "waiting_requests", "max_connections"]) {
      expect(text).toMatch(new RegExp(`^# HELP tally_db_pool_${name} \\S`, "m"));
      expect(text).toMatch(new RegExp(`^# TYPE tally_db_pool_${name} gauge$`, "m"));
    }
    const [[open], [idle], [waiting], [max]] = gauges as [[number], [number], [number], [number]];
    if (harness.database.kind === "embedded") {
      // PGlite is one shared in-process session.
      expect({ open, idle, waiting, max }).toEqual({ open: 1, idle: 0, waiting: 0, max: 1 });
    } else {
      expect(max).toBe(10);
      expect(open).toBeGreaterThanOrEqual(1);
      expect(open).toBeLessThanOrEqual(max);
      expect(idle).toBeLessThanOrEqual(open);
      expect(waiting).toBe(0);
    }
  });

  onPostgres.test("are read at scrape time: a connection held elsewhere shows as in use", async () => {
    await harness.database.withSession(async () => {
      const text = await scrape();
      const [open = 0] = samples(text, "tally_db_pool_connections");
      const [idle = 0] = samples(text, "tally_db_pool_idle_connections");
      expect(open - idle).toBeGreaterThanOrEqual(1);
    });
  });
});

describe("ledger transactions", () => {
  const ledger = (text: string, labels: Labels) => total(text, "tally_ledger_transactions_total", labels);

  test("committed Credit and Debit rows are counted by type and action; a refused overdraft and a replay are not", async () => {
    const tenant = await tenantWithShopper(harness);
    const before = await scrape();

    const created = await api(harness).post(CREDITS).set(tenant.app).send({ creditType: "GiftCard", currencyCode: "USD", initialBalance: 50 });
    expect(created.status).toBe(200);
    const transactions = `${CREDITS}/${created.body.code}/transactions`;
    await api(harness).post(transactions).set(tenant.app).send({ transactionType: "Credit", impactAmount: 10 }).expect(200);
    await api(harness).post(transactions).set(tenant.app).send({ transactionType: "Debit", impactAmount: 20 }).expect(200);
    await api(harness).post(transactions).set(tenant.app).send({ transactionType: "Debit", impactAmount: 1000 }).expect(409);
    const keyed = api(harness).post(transactions).set(tenant.app).set("idempotency-key", "metrics-debit-1");
    await keyed.send({ transactionType: "Debit", impactAmount: 5 }).expect(200);
    const replay = await api(harness)
      .post(transactions)
      .set(tenant.app)
      .set("idempotency-key", "metrics-debit-1")
      .send({ transactionType: "Debit", impactAmount: 5 });
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    const after = await scrape();

    const delta = (labels: Labels) => ledger(after, labels) - ledger(before, labels);
    expect(delta({ type: "Credit" })).toBe(2);
    expect(delta({ type: "Credit", action: "Created" })).toBe(1);
    expect(delta({ type: "Credit", action: "Updated" })).toBe(1);
    expect(delta({ type: "Debit" })).toBe(2);
    expect(delta({ type: "Debit", action: "Used" })).toBe(2);
    expect(after).toMatch(/^# HELP tally_ledger_transactions_total \S/m);
    expect(after).toMatch(/^# TYPE tally_ledger_transactions_total counter$/m);
  });

  test("a credit opened at zero writes no ledger row and counts none", async () => {
    const tenant = await tenantWithShopper(harness);
    const before = await scrape();
    await api(harness).post(CREDITS).set(tenant.app).send({ creditType: "StoreCredit", currencyCode: "USD" }).expect(200);
    expect(ledger(await scrape(), {}) - ledger(before, {})).toBe(0);
  });

  test("a transaction rolled back after writing its ledger row counts nothing", async () => {
    const tenant = await tenantWithShopper(harness);
    const credit = await createCredit(harness.database.prisma, { tenantId: tenant.tenantId });
    // The audit entry is written after the ledger row, in the same transaction: failing it rolls both back.
    await harness.database.withSession((sql) =>
      sql.exec(`
        CREATE FUNCTION metrics_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'refused by test' USING ERRCODE = 'unique_violation'; END $$;
        CREATE TRIGGER metrics_test_fail BEFORE INSERT ON credit_audit_entries
          FOR EACH ROW WHEN (NEW.details LIKE '%order ROLL-BACK%') EXECUTE FUNCTION metrics_test_fail();`),
    );
    try {
      const before = await scrape();
      const response = await api(harness)
        .post(`${CREDITS}/${credit.code}/transactions`)
        .set(tenant.app)
        .send({ transactionType: "Debit", impactAmount: 5, orderId: "ROLL-BACK" });
      expect(response.status).toBe(409);
      expect(await harness.database.prisma.creditTransaction.count({ where: { creditId: credit.id, orderId: "ROLL-BACK" } })).toBe(0);
      expect(ledger(await scrape(), {}) - ledger(before, {})).toBe(0);
    } finally {
      await harness.database.withSession((sql) =>
        sql.exec("DROP TRIGGER metrics_test_fail ON credit_audit_entries; DROP FUNCTION metrics_test_fail();"),
      );
    }
  });

  test("a credit memo's refund to store credit counts a Credit Refunded, its cancellation a Debit Reverted", async () => {
    const s = await shop(harness);
    const before = await scrape();
    await api(harness).post(memoPath("100000744")).set(s.app).send({ refundToStoreCreditAmount: 20 }).expect(404);
    await exampleOrder(s);
    await api(harness).post(memoPath("100000744")).set(s.app).send({ refundToStoreCreditAmount: 20 }).expect(201);

    const order = await exampleOrder(s, { entityId: 745, incrementId: "100000745" });
    const memo = await createCreditmemo(harness.database.prisma, { order_ref: order.id, state: 1, bs_customer_bal_total_refunded: "30" });
    await createCredit(harness.database.prisma, {
      tenantId: s.tenantId,
      customerId: 4,
      creditType: "StoreCredit",
      websiteRef: s.website.id,
      initialBalance: "0",
      transactions: [{ type: "Credit", amount: "30.00", action: "Refunded", creditmemoId: memo.creditmemo_id }],
    });
    await api(harness).put(`${MEMOS}/${memo.increment_id}/cancel`).set(s.app).expect(200);
    await api(harness).put(`${MEMOS}/${memo.increment_id}/cancel`).set(s.app).expect(409);
    const after = await scrape();

    const delta = (labels: Labels) => ledger(after, labels) - ledger(before, labels);
    expect(delta({ type: "Credit", action: "Refunded" })).toBe(1);
    expect(delta({ type: "Debit", action: "Reverted" })).toBe(1);
    expect(delta({})).toBe(2);
  });
});

describe("access", () => {
  test("with METRICS_TOKEN, /metrics answers 401 without the token or with another one, 200 with it", async () => {
    await withApp({ METRICS_TOKEN: TOKEN }, async (app) => {
      const missing = await request(app.server).get("/metrics");
      expect(missing.status).toBe(401);
      expect(missing.body).toMatchObject({ errorCode: "UNAUTHORIZED", applicationName: "Tally" });
      const wrong = [`Bearer ${TOKEN.slice(0, -1)}x`, `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, TOKEN, (await appAuth(app, 1)).authorization];
      for (const authorization of wrong) {
        expect((await request(app.server).get("/metrics").set("authorization", authorization)).status).toBe(401);
      }
      const ok = await request(app.server).get("/metrics").set("authorization", `Bearer ${TOKEN}`);
      expect(ok.status).toBe(200);
      expect(ok.text).toContain("# TYPE tally_ledger_transactions_total counter");
    });
  });

  test("in production /metrics is absent from the main port without a token, and served with one", async () => {
    await withApp({ NODE_ENV: "production" }, async (app) => {
      const response = await request(app.server).get("/metrics");
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ errorCode: "ITEM_NOT_FOUND" });
    });
    await withApp({ NODE_ENV: "production", METRICS_TOKEN: TOKEN }, async (app) => {
      expect((await request(app.server).get("/metrics")).status).toBe(401);
      expect((await request(app.server).get("/metrics").set("authorization", `Bearer ${TOKEN}`)).status).toBe(200);
    });
  });

  test("with METRICS_PORT, only the separate listener serves /metrics, with the app's own metrics", async () => {
    const config = testConfig({ METRICS_PORT: "9464", METRICS_TOKEN: TOKEN });
    const app = await buildApp(config, { database: harness.database, logger: false });
    const metricsServer = await buildMetricsServer(app, config);
    try {
      await Promise.all([app.ready(), metricsServer.ready()]);
      expect((await request(app.server).get("/metrics").set("authorization", `Bearer ${TOKEN}`)).status).toBe(404);
      await request(app.server).get("/health").expect(200);

      const unauthorized = await request(metricsServer.server).get("/metrics");
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.body).toMatchObject({ errorCode: "UNAUTHORIZED" });
      const response = await request(metricsServer.server).get("/metrics").set("authorization", `Bearer ${TOKEN}`);
      expect(response.status).toBe(200);
      expect(total(response.text, "http_request_duration_seconds_count", { route: "/health", status_code: "200" })).toBe(1);
      expect((await request(metricsServer.server).get("/health")).status).toBe(404);
    } finally {
      await metricsServer.close();
      await app.close();
    }
  });

  test("the token never reaches the log, nor a configuration error", async () => {
    const lines: Record<string, unknown>[] = [];
    const app = await buildLoggedApp(harness.database, lines, { METRICS_TOKEN: TOKEN });
    await app.ready();
    try {
      await request(app.server).get("/metrics").set("authorization", `Bearer ${TOKEN}`).expect(200);
      await request(app.server).get("/metrics").set("authorization", `Bearer ${TOKEN}x`).expect(401);
    } finally {
      await app.close();
    }
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(lines)).not.toContain(TOKEN);

    const caught = (() => {
      try {
        loadConfig({ METRICS_TOKEN: "too-short secret" });
      } catch (error) {
        return error;
      }
    })();
    expect(caught).toBeInstanceOf(ConfigError);
    expect(String(caught)).toContain("METRICS_TOKEN");
    expect(String(caught)).not.toContain("too-short secret");
  });

  test("METRICS_TOKEN must be 32+ characters without spaces; METRICS_PORT must differ from PORT", () => {
    expect(() => loadConfig({ METRICS_TOKEN: "x".repeat(31) })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ METRICS_TOKEN: `${"x".repeat(32)} y` })).toThrow(/METRICS_TOKEN/);
    expect(loadConfig({ METRICS_TOKEN: TOKEN }).METRICS_TOKEN).toBe(TOKEN);
    expect(() => loadConfig({ PORT: "3000", METRICS_PORT: "3000" })).toThrow(/METRICS_PORT: must differ from PORT/);
    expect(loadConfig({}).METRICS_PORT).toBe(0);
  });
});
