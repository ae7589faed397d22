/**
 * `npm run bench`: how fast Tally answers the Kibo credits list endpoint on a large tenant, next to the fastest
 * hand-written equivalent ("the floor": a bare Fastify route running the same SQL through node-postgres).
 *
 *   npm run bench -- [--credits 1000000] [--customers 50000] [--duration 10] [--connections 32] [--pool 10]
 *                    [--keep] [--reuse]
 *
 * Creates the database (BENCH_DATABASE_URL, else DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/tally_bench),
 * migrates it, loads one tenant with set-based SQL, prints the plans PostgreSQL chooses for the queries Prisma sends,
 * checks that Tally and the floor give the same answers, drives both with autocannon and prints req/s, p50 and p99
 * per query. The database is dropped at the end unless --keep; --reuse skips loading when a kept database already
 * holds the same number of credits.
 */
import { parseArgs } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import autocannon from "autocannon";
import Fastify, { type FastifyInstance } from "fastify";
import pg from "pg";
import { buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { type Database, pgPoolStats } from "../../src/db/database.js";
import { applyMigrations, readMigrations } from "../../src/db/migrate.js";
import { PrismaClient } from "../../src/generated/prisma/client.js";
import { positiveFlag, printTable, productionKeys, timed, withDatabase } from "./shared.js";

const { values: flags } = parseArgs({
  options: {
    credits: { type: "string", default: "1000000" },
    customers: { type: "string", default: "50000" },
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "32" },
    pool: { type: "string", default: "10" },
    keep: { type: "boolean", default: false },
    reuse: { type: "boolean", default: false },
  },
});

const CREDITS = positiveFlag(flags, "credits");
const CUSTOMERS = positiveFlag(flags, "customers");
const DURATION = positiveFlag(flags, "duration");
const CONNECTIONS = positiveFlag(flags, "connections");
const POOL = positiveFlag(flags, "pool");
const WARMUP_SECONDS = 3;
const TENANT_ID = 900_001;
const CUSTOMER_ID = Math.min(4_242, CUSTOMERS);
const URL_ = process.env["BENCH_DATABASE_URL"] || process.env["DATABASE_URL"] || "postgresql://postgres@127.0.0.1:5432/tally_bench";
const PATH = "/api/commerce/customer/credits";

/** One benchmarked query: the Kibo request Tally answers and the SQL the floor runs for it. */
interface Case {
  name: string;
  query: Record<string, string>;
  /** WHERE after `tenant_id = $1 AND deleted_at IS NULL`, with its parameters from $2 on. */
  where: string;
  params: unknown[];
  orderBy: string;
  p99TargetMs?: number;
}

const CASES: Case[] = [
  {
    name: "(a) currentBalance gt 10 and creditType eq GiftCard, sortBy currentBalance desc",
    query: { filter: "currentBalance gt 10 and creditType eq GiftCard", sortBy: "currentBalance desc", pageSize: "20" },
    where: "current_balance > $2 AND credit_type = $3::credit_type",
    params: ["10", "GiftCard"],
    orderBy: "current_balance DESC, id ASC",
  },
  {
    name: `(b) customerId eq ${CUSTOMER_ID}`,
    query: { filter: `customerId eq ${CUSTOMER_ID}`, pageSize: "20" },
    where: "customer_id = $2",
    params: [CUSTOMER_ID],
    orderBy: "id ASC",
    p99TargetMs: 25,
  },
  {
    name: "(c) code sw GC-0001",
    query: { filter: "code sw GC-0001", pageSize: "20" },
    where: "code_key LIKE $2",
    params: ["GC-0001%"],
    orderBy: "id ASC",
    p99TargetMs: 25,
  },
];

const RATIO_TARGET = 0.6;

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: withDatabase(URL_, "postgres") });
  await admin.connect();
  const name = new URL(URL_).pathname.slice(1);
  try {
    const started = performance.now();
    const loaded = flags.reuse && (await existingCredits(admin, name)) === CREDITS;
    if (loaded) {
      console.log(`Reusing ${name}: ${CREDITS.toLocaleString()} credits already loaded.`);
    } else {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}"`);
      await loadData();
      console.log(`Loaded ${CREDITS.toLocaleString()} credits for ${CUSTOMERS.toLocaleString()} customers in ${seconds(started)} s.`);
    }
    await benchmark();
  } finally {
    if (!flags.keep) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

async function existingCredits(admin: pg.Client, name: string): Promise<number | undefined> {
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  if (exists.rowCount === 0) return undefined;
  const client = new pg.Client({ connectionString: URL_ });
  await client.connect();
  try {
    const result = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM credits WHERE tenant_id = $1", [TENANT_ID]);
    return result.rows[0]?.n;
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
}

/** Migrates the new database and fills it with set-based SQL (one statement per table, no row-by-row inserts). */
async function loadData(): Promise<void> {
  const client = new pg.Client({ connectionString: URL_ });
  await client.connect();
  try {
    const session = {
      query: async <Row extends Record<string, unknown>>(text: string, params: readonly unknown[] = []) =>
        (await client.query<Row>(text, [...params])).rows,
      exec: async (script: string) => {
        await client.query(script);
      },
    };
    await applyMigrations(session, readMigrations());
    await timed("tenant and customers", () =>
      client.query(
        `WITH t AS (INSERT INTO tenants (id, name, domain) VALUES ($1, 'Bench tenant', 'bench.tally.localhost'))
         INSERT INTO customers (tenant_id, customer_id, email, first_name, last_name)
         SELECT $1, i, 'customer' || i || '@example.com', 'First' || i, 'Last' || i FROM generate_series(1, $2) AS i`,
        [TENANT_ID, CUSTOMERS],
      ),
    );
    // Deterministic pseudo-random data: types rotate GiftCard/StoreCredit/Custom, codes are `GC-0001234`, balances
    // 0–500 (5% empty), 10% of credits unassigned, 30% without expiry, 1% deleted (with a zero balance, as the
    // rules require).
    await client.query("SELECT setseed(0.42)");
    await timed("credits", () =>
      client.query(
        `INSERT INTO credits (tenant_id, code, code_key, credit_type, custom_credit_type, currency_code, initial_balance,
                              current_balance, activation_date, expiration_date, customer_id, deleted_at, created_by,
                              created_at, updated_by, updated_at)
         SELECT $1, code, code, type, CASE WHEN type = 'Custom' THEN 'Loyalty Reward' END, 'USD',
                balance + topup, CASE WHEN deleted THEN 0 ELSE balance END, created, expires, customer,
                CASE WHEN deleted THEN created + interval '1 day' END, 'bench', created, 'bench', created
         FROM (
           SELECT i,
                  (ARRAY['GiftCard', 'StoreCredit', 'Custom'])[1 + i % 3]::credit_type AS type,
                  (ARRAY['GC', 'SC', 'CU'])[1 + i % 3] || '-' || lpad(i::text, 7, '0') AS code,
                  CASE WHEN random() < 0.05 THEN 0 ELSE round((random() * 500)::numeric, 2) END AS balance,
                  round((random() * 100)::numeric, 2) AS topup,
                  now() - random() * interval '3 years' AS created,
                  CASE WHEN random() < 0.3 THEN NULL ELSE now() + random() * interval '3 years' END AS expires,
                  CASE WHEN random() < 0.1 THEN NULL ELSE 1 + floor(random() * $2)::int END AS customer,
                  random() < 0.01 AS deleted
           FROM generate_series(1, $3) AS i
         ) AS generated`,
        [TENANT_ID, CUSTOMERS, CREDITS],
      ),
    );
    // Sets the visibility map (index-only counts) and the statistics the planner chooses indexes with.
    await timed("VACUUM ANALYZE", () => client.query("VACUUM ANALYZE"));
  } finally {
    await client.end();
  }
}

async function benchmark(): Promise<void> {
  const config = loadConfig({
    NODE_ENV: "production",
    LOG_LEVEL: "silent",
    DATABASE_URL: URL_,
    DATABASE_POOL_SIZE: String(POOL),
    ...productionKeys(),
    RATE_LIMIT_PER_MINUTE: "0",
  });
  await explainPrismaQueries(config);

  const tally = await buildApp(config, { logger: false });
  const floorPool = new pg.Pool({ connectionString: URL_, max: POOL });
  floorPool.on("error", (error) => console.error(`floor pool: ${error.message}`));
  const floor = floorApp(floorPool);
  try {
    const tallyUrl = await tally.listen({ port: 0, host: "127.0.0.1" });
    const floorUrl = await floor.listen({ port: 0, host: "127.0.0.1" });
    const token = await tally.accessTokens.sign({ tenantId: TENANT_ID, clientId: "bench", behaviors: ["CreditRead"] });
    const headers = { authorization: `Bearer ${token}`, "x-vol-tenant": String(TENANT_ID) };

    const rows: string[][] = [];
    for (const [index, benchCase] of CASES.entries()) {
      const tallyTarget = `${tallyUrl}${PATH}?${new URLSearchParams(benchCase.query).toString().replaceAll("+", "%20")}`;
      const floorTarget = `${floorUrl}/floor/${index}`;
      await checkSameAnswer(benchCase, tallyTarget, floorTarget, headers);
      console.log(`\n${benchCase.name}: ${CONNECTIONS} connections, ${DURATION} s each (after ${WARMUP_SECONDS} s warm-up)`);
      const floorResult = await drive(floorTarget, {});
      const tallyResult = await drive(tallyTarget, headers);
      const ratio = tallyResult.rps / floorResult.rps;
      const p99Ok = benchCase.p99TargetMs === undefined || tallyResult.p99 < benchCase.p99TargetMs;
      rows.push([
        benchCase.name.slice(0, 4),
        tallyResult.rps.toFixed(0),
        `${tallyResult.p50} / ${tallyResult.p99}`,
        floorResult.rps.toFixed(0),
        `${floorResult.p50} / ${floorResult.p99}`,
        `${(ratio * 100).toFixed(0)}%`,
        `${ratio >= RATIO_TARGET ? "ok" : "MISSED"} (≥60%)` +
          (benchCase.p99TargetMs === undefined ? "" : `, p99 ${p99Ok ? "ok" : "MISSED"} (<${benchCase.p99TargetMs} ms)`),
      ]);
    }
    console.log(`\n${CREDITS.toLocaleString()} credits, ${CUSTOMERS.toLocaleString()} customers, pool ${POOL}\n`);
    printTable(["case", "Tally req/s", "p50/p99 ms", "floor req/s", "p50/p99 ms", "ratio", "targets"], rows);
  } finally {
    await tally.close();
    await floor.close();
    await floorPool.end();
  }
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
}

async function drive(url: string, headers: Record<string, string>): Promise<Measured> {
  // The load generator runs in a worker thread so it does not share the event loop of the servers it measures.
  await autocannon({ url, connections: CONNECTIONS, duration: WARMUP_SECONDS, workers: 1, headers });
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, workers: 1, headers });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx responses and ${result.errors} errors`);
  }
  const measured = { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
  console.log(`  ${url.includes("/floor/") ? "floor" : "Tally"}: ${measured.rps.toFixed(0)} req/s, p50 ${measured.p50} ms, p99 ${measured.p99} ms`);
  return measured;
}

const CREDIT_COLUMNS = `code, credit_type, custom_credit_type, currency_code, initial_balance, current_balance, activation_date,
  expiration_date, customer_id, created_by, created_at, updated_by, updated_at`;

interface CreditRow {
  code: string;
  credit_type: string;
  custom_credit_type: string | null;
  currency_code: string;
  initial_balance: string;
  current_balance: string;
  activation_date: Date | null;
  expiration_date: Date | null;
  customer_id: number | null;
  created_by: string | null;
  created_at: Date;
  updated_by: string | null;
  updated_at: Date;
}

const TYPE_IDS: Record<string, number> = { StoreCredit: 1, GiftCard: 2, Custom: 3 };

/** The floor: no auth, no validation, no ORM — one page query (and a count when the page is full) per request. */
function floorApp(pool: pg.Pool): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get<{ Params: { index: string } }>("/floor/:index", async (request) => {
    const benchCase = CASES[Number(request.params.index)];
    if (!benchCase) throw new Error("no such case");
    const where = `tenant_id = $1 AND deleted_at IS NULL AND ${benchCase.where}`;
    const params = [TENANT_ID, ...benchCase.params];
    const take = 20;
    const page = await pool.query<CreditRow>(
      `SELECT ${CREDIT_COLUMNS} FROM credits WHERE ${where} ORDER BY ${benchCase.orderBy} LIMIT ${take} OFFSET 0`,
      params,
    );
    // The same shortcut Tally takes: a short first page already tells the total.
    const totalCount =
      page.rows.length < take
        ? page.rows.length
        : (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM credits WHERE ${where}`, params)).rows[0]?.n ?? 0;
    return {
      startIndex: 0,
      pageSize: take,
      pageCount: Math.ceil(totalCount / take),
      totalCount,
      items: page.rows.map((row) => ({
        code: row.code,
        creditType: row.credit_type,
        creditTypeId: TYPE_IDS[row.credit_type],
        customCreditType: row.custom_credit_type,
        currencyCode: row.currency_code,
        initialBalance: Number(row.initial_balance),
        currentBalance: Number(row.current_balance),
        activationDate: row.activation_date?.toISOString() ?? null,
        expirationDate: row.expiration_date?.toISOString() ?? null,
        customerId: row.customer_id,
        auditInfo: {
          createBy: row.created_by,
          createDate: row.created_at.toISOString(),
          updateBy: row.updated_by,
          updateDate: row.updated_at.toISOString(),
        },
      })),
    };
  });
  return app;
}

/** Refuses to benchmark two servers that disagree: same total, same page. */
async function checkSameAnswer(benchCase: Case, tallyUrl: string, floorUrl: string, headers: Record<string, string>) {
  const [tally, floor] = await Promise.all([fetch(tallyUrl, { headers }), fetch(floorUrl)]);
  if (!tally.ok) throw new Error(`Tally answered ${tally.status}: ${await tally.text()}`);
  const [a, b] = (await Promise.all([tally.json(), floor.json()])) as { totalCount: number; items: unknown[] }[];
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    throw new Error(`${benchCase.name}: Tally and the floor disagree\nTally: ${JSON.stringify(a).slice(0, 500)}\nfloor: ${JSON.stringify(b).slice(0, 500)}`);
  }
  console.log(`\n${benchCase.name}: ${a?.totalCount ?? 0} matching credits; Tally and the floor agree.`);
}

/** Runs each case once through a Tally whose Prisma client logs its SQL, and prints EXPLAIN ANALYZE for each statement. */
async function explainPrismaQueries(config: ReturnType<typeof loadConfig>): Promise<void> {
  const pool = new pg.Pool({ connectionString: URL_, max: 2 });
  pool.on("error", (error) => console.error(`explain pool: ${error.message}`));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), log: [{ emit: "event", level: "query" }] });
  const captured: { query: string; params: string }[] = [];
  prisma.$on("query", (event) => captured.push({ query: event.query, params: event.params }));
  const database: Database = {
    kind: "postgres",
    prisma,
    withSession: async (fn) => {
      const client = await pool.connect();
      try {
        return await fn({ query: async (text, params = []) => (await client.query(text, [...params])).rows, exec: async (script) => void (await client.query(script)) });
      } finally {
        client.release();
      }
    },
    ping: async () => void (await pool.query("SELECT 1")),
    poolStats: () => pgPoolStats(pool, 2),
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
  const app = await buildApp(config, { database, logger: false });
  try {
    const token = await app.accessTokens.sign({ tenantId: TENANT_ID, clientId: "bench", behaviors: ["CreditRead"] });
    for (const benchCase of CASES) {
      captured.length = 0;
      const response = await app.inject({ method: "GET", url: PATH, query: benchCase.query, headers: { authorization: `Bearer ${token}` } });
      if (response.statusCode !== 200) throw new Error(`${benchCase.name}: ${response.statusCode} ${response.body}`);
      console.log(`\n=== ${benchCase.name}`);
      for (const { query, params } of captured) {
        const plan = await pool.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${query}`, JSON.parse(params) as unknown[]);
        console.log(`-- ${query}\n-- params ${params}`);
        console.log(plan.rows.map((row) => `   ${row["QUERY PLAN"]}`).join("\n"));
      }
    }
  } finally {
    await app.close();
    await database.close();
  }
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

await main();
