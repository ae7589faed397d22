/**
 * `npm run bench:report`: how fast Tally streams the loyalty customers_balances report of a large campaign, and how
 * much memory the server needs for it.
 *
 *   npm run bench:report -- [--customers 200000] [--keep]
 *
 * Creates a throwaway PostgreSQL database — BENCH_DATABASE_URL as given, else `tally_bench_report` on the server of
 * DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/tally_bench_report — migrates it and loads one loyalty
 * account with set-based SQL (generate_series): the customers, each with ledger entries in the reported campaign,
 * half of them also in a second campaign of the same coalition. Then it starts Tally in this process on an ephemeral
 * port, fetches the whole report once to warm up, and fetches it as XML, as JSON and as a coalition report from a
 * client process that consumes each response as a stream (counting bytes and customers, keeping nothing). It prints
 * customers/s, the time, the server's CPU time (on a shared machine, the number that does not depend on the
 * neighbours) and the growth of its resident memory over the baseline (sampled every 50 ms), against the targets.
 * The database is dropped at the end unless --keep.
 */
import { spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import pg from "pg";
import { buildApp } from "../../src/app.js";
import { generateSecret, hashSecret } from "../../src/auth/secrets.js";
import { loadConfig } from "../../src/config.js";
import type { Database } from "../../src/db/database.js";
import { applyMigrations, readMigrations } from "../../src/db/migrate.js";
import { Prisma } from "../../src/generated/prisma/client.js";
import { balancesBatchQuery } from "../../src/routes/loyalty/sql.js";
import { benchDatabaseUrl, productionKeys, withThrowawayDatabase } from "./shared.js";

const { values: flags } = parseArgs({
  options: {
    customers: { type: "string", default: "200000" },
    keep: { type: "boolean", default: false },
  },
});

const CUSTOMERS = Number(flags.customers);
if (!Number.isSafeInteger(CUSTOMERS) || CUSTOMERS < 1) {
  throw new Error(`--customers must be a positive integer, got ${flags.customers}`);
}

const TENANT_ID = 900_002;
const ACCOUNT_CODE = "benchaccount";
const USER_ID = "bench";
const CAMPAIGN_ID = 900_000_000_001n;
const PARTNER_CAMPAIGN_ID = 900_000_000_002n;
const TARGET_ROWS_PER_SECOND = 50_000;
const TARGET_RSS_GROWTH_MB = 64;
const SAMPLE_MS = 50;

const URL_ = benchDatabaseUrl("tally_bench_report");

async function main(): Promise<void> {
  await withThrowawayDatabase(URL_, flags.keep, async (name) => {
    const started = performance.now();
    const key = generateSecret();
    await loadData(key);
    console.log(`Loaded ${CUSTOMERS.toLocaleString()} customers into ${name} in ${seconds(performance.now() - started)} s.`);
    await benchmark(key);
  });
}

/** Migrates the new database and fills it with one statement per table, no row-by-row inserts. */
async function loadData(key: string): Promise<void> {
  const client = new pg.Client({ connectionString: URL_ });
  await client.connect();
  try {
    await applyMigrations(
      {
        query: async <Row extends Record<string, unknown>>(text: string, params: readonly unknown[] = []) =>
          (await client.query<Row>(text, [...params])).rows,
        exec: async (script: string) => {
          await client.query(script);
        },
      },
      readMigrations(),
    );
    await timed("account, API user and campaigns", async () => {
      await client.query("INSERT INTO tenants (id, name, domain) VALUES ($1, 'Bench tenant', 'bench.tally.localhost')", [
        TENANT_ID,
      ]);
      const account = await client.query<{ id: number }>(
        "INSERT INTO loyalty_accounts (tenant_id, account_code, name) VALUES ($1, $2, 'Bench Rewards') RETURNING id",
        [TENANT_ID, ACCOUNT_CODE],
      );
      const accountId = account.rows[0]?.id;
      await client.query("INSERT INTO loyalty_api_users (account_id, user_id, key_hash) VALUES ($1, $2, $3)", [
        accountId,
        USER_ID,
        await hashSecret(key),
      ]);
      await client.query(
        `INSERT INTO loyalty_campaigns (id, account_id, name, kind, points_per_currency_unit, currency_code)
         VALUES ($1, $3, 'Bench Points', 'Points', 1000, 'USD'), ($2, $3, 'Partner Points', 'Points', 1000, 'USD')`,
        [CAMPAIGN_ID, PARTNER_CAMPAIGN_ID, accountId],
      );
    });
    // Every profile field filled; one customer in 50 has markup and an emoji in custom1, so escaping is exercised.
    await timed("customers", () =>
      client.query(
        `INSERT INTO customers (tenant_id, customer_id, card_number, code, first_name, last_name, email, phone, address1,
                                address2, city, state, zip, country, custom1, custom_date, username, created_at, updated_at)
         SELECT $1, i, lpad(i::text, 8, '0'), lpad((i * 7919)::text, 18, '1'), 'First' || i, 'Last' || i,
                'customer' || i || '@example.com', '555-' || lpad((i % 10000)::text, 4, '0'), i || ' Main St.',
                CASE WHEN i % 4 = 0 THEN 'Apt ' || (i % 50) END, 'City ' || (i % 500), 'ND', lpad((i % 99999)::text, 5, '0'),
                'US', CASE WHEN i % 50 = 0 THEN 'Likes <cheese> & "wine" 🍷' ELSE 'Customer number ' || i END,
                date '1950-01-01' + (i % 18000), 'user' || i, now() - interval '3 years', now() - i * interval '1 minute'
         FROM generate_series(1, $2) AS i`,
        [TENANT_ID, CUSTOMERS],
      ),
    );
    await timed("ledger entries", () =>
      client.query(
        `INSERT INTO loyalty_ledger_entries (campaign_id, customer_ref, kind, points, created_at)
         SELECT entry.campaign_id, c.id, entry.kind::loyalty_entry_kind, entry.points, now() - entry.age
         FROM customers c
         CROSS JOIN LATERAL (VALUES
           ($1::bigint, 'Earn', 100 + c.id % 5000, interval '2 years', true),
           ($1::bigint, 'Earn', 50 + c.id % 700, interval '1 year', c.id % 2 = 0),
           ($1::bigint, 'Redeem', -(c.id % 97), interval '6 months', c.id % 3 = 0),
           ($2::bigint, 'Earn', 10 + c.id % 300, interval '3 months', c.id % 2 = 1)
         ) AS entry (campaign_id, kind, points, age, wanted)
         WHERE c.tenant_id = $3 AND entry.wanted`,
        [CAMPAIGN_ID, PARTNER_CAMPAIGN_ID, TENANT_ID],
      ),
    );
    await timed("VACUUM ANALYZE", () => client.query("VACUUM ANALYZE"));
  } finally {
    await client.end();
  }
}

interface Run {
  name: string;
  params: Record<string, string>;
  /** Text that appears once per customer in this format. */
  marker: string;
  expectedRows: number;
}

async function benchmark(key: string): Promise<void> {
  const config = loadConfig({
    NODE_ENV: "production",
    LOG_LEVEL: "silent",
    DATABASE_URL: URL_,
    ...productionKeys(),
    RATE_LIMIT_PER_MINUTE: "0",
  });
  const app = await buildApp(config, { logger: false });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  try {
    await printPlan(app.db);
    const base = {
      user_id: USER_ID,
      account_id: ACCOUNT_CODE,
      type: "reports",
      report: "customers_balances",
      campaign_id: String(CAMPAIGN_ID),
    };
    const runs: Run[] = [
      { name: "XML", params: base, marker: "<customer>", expectedRows: CUSTOMERS },
      { name: "JSON", params: { ...base, output: "JSON" }, marker: '"card_number"', expectedRows: CUSTOMERS },
      {
        name: "JSON coalition_points (2 campaigns)",
        params: { ...base, output: "JSON", coalition_balance: "coalition_points" },
        marker: '"card_number"',
        expectedRows: CUSTOMERS,
      },
    ];
    const warmUp = runs[0] as Run;
    console.log("\nWarm-up fetch (XML) …");
    await fetchReport(port, key, warmUp);
    console.log("");
    console.log("report                               customers   MB      seconds  customers/s  server CPU s  RSS growth MB");
    const results: Measurement[] = [];
    for (const run of runs) {
      const result = await measured(port, key, run);
      results.push(result);
      console.log(
        `${run.name.padEnd(36)} ${String(result.rows).padStart(9)}  ${(result.bytes / 1e6).toFixed(1).padStart(6)}  ` +
          `${result.seconds.toFixed(2).padStart(7)}  ${Math.round(result.rows / result.seconds).toLocaleString().padStart(11)}  ` +
          `${result.cpuSeconds.toFixed(2).padStart(12)}  ${result.rssGrowthMb.toFixed(1).padStart(13)}`,
      );
      if (result.rows !== run.expectedRows) {
        throw new Error(`${run.name}: expected ${run.expectedRows} customers, got ${result.rows}`);
      }
    }
    const [xml, json] = results;
    const meets = (result: Measurement | undefined) =>
      result !== undefined &&
      result.rows / result.seconds >= TARGET_ROWS_PER_SECOND &&
      result.rssGrowthMb < TARGET_RSS_GROWTH_MB;
    console.log(
      `\nTargets: ≥ ${TARGET_ROWS_PER_SECOND.toLocaleString()} customers/s and RSS growth < ${TARGET_RSS_GROWTH_MB} MB for the full ` +
        `report — XML ${meets(xml) ? "met" : "MISSED"}, JSON ${meets(json) ? "met" : "MISSED"}.`,
    );
  } finally {
    await app.close();
  }
}

/** The plan PostgreSQL picks for a batch in the middle of the report, run as Tally runs it (JIT off). */
async function printPlan(database: Database): Promise<void> {
  const batch = balancesBatchQuery(
    { tenantId: TENANT_ID, campaignIds: [CAMPAIGN_ID, PARTNER_CAMPAIGN_ID], kind: "Points" },
    { after: Math.floor(CUSTOMERS / 2), offset: 0, size: 2_000 },
  );
  const explain = Prisma.sql`EXPLAIN (ANALYZE, COSTS OFF) ${batch}`;
  const plan = await database.withSession(async (session) => {
    await session.exec("SET jit = off");
    try {
      return await session.query<{ "QUERY PLAN": string }>(explain.text, explain.values);
    } finally {
      await session.exec("RESET jit");
    }
  });
  console.log("\nPlan of one coalition batch (2,000 customers from the middle of the report):");
  for (const line of plan) console.log(`  ${line["QUERY PLAN"]}`);
}

interface Measurement {
  rows: number;
  bytes: number;
  seconds: number;
  /** CPU time of this process (the server) during the fetch. */
  cpuSeconds: number;
  rssGrowthMb: number;
}

async function measured(port: number, key: string, run: Run): Promise<Measurement> {
  const baseline = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, SAMPLE_MS);
  try {
    const { rows, bytes, seconds } = await fetchReport(port, key, run);
    peak = Math.max(peak, process.memoryUsage().rss);
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    return { rows, bytes, seconds, cpuSeconds, rssGrowthMb: (peak - baseline) / (1024 * 1024) };
  } finally {
    clearInterval(sampler);
  }
}

// The client runs in a process of its own, so that reading and counting the answer take no CPU time from the
// server being measured and add nothing to its memory (sampled in this process). Plain JavaScript for `node -e`.
const CLIENT = `
const http = require("node:http");
const { port, key, body, marker } = JSON.parse(process.env.BENCH_CLIENT);
const needle = Buffer.from(marker);
const started = performance.now();
const call = http.request(
  { host: "127.0.0.1", port, path: "/api.php", method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "content-length": Buffer.byteLength(body),
      api_access_key: key,
    } },
  (response) => {
    let bytes = 0;
    let rows = 0;
    // Bytes are searched undecoded; a marker split across two chunks is found in the previous tail plus the chunk.
    let tail = Buffer.alloc(0);
    response.on("data", (chunk) => {
      bytes += chunk.length;
      const data = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk;
      for (let at = data.indexOf(needle); at >= 0; at = data.indexOf(needle, at + needle.length)) rows += 1;
      tail = Buffer.from(data.subarray(Math.max(0, data.length - needle.length + 1)));
    });
    response.on("end", () => {
      process.stdout.write(JSON.stringify({ status: response.statusCode, rows, bytes, ms: performance.now() - started }));
    });
  },
);
call.on("error", (error) => { console.error(error.message); process.exit(1); });
call.end(body);
`;

/** POSTs the report request as a form from a client process, which reads the answer as it streams and counts it. */
function fetchReport(port: number, key: string, run: Run): Promise<{ rows: number; bytes: number; seconds: number }> {
  const body = new URLSearchParams(run.params).toString();
  return new Promise((resolve, reject) => {
    const client = spawn(process.execPath, ["-e", CLIENT], {
      // The key goes through the environment, not the command line other users can list.
      env: { ...process.env, BENCH_CLIENT: JSON.stringify({ port, key, body, marker: run.marker }) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    client.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    client.on("error", reject);
    client.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${run.name}: the client exited with ${code}`));
      const result = JSON.parse(output) as { status: number; rows: number; bytes: number; ms: number };
      if (result.status !== 200) return reject(new Error(`${run.name}: HTTP ${result.status}`));
      resolve({ rows: result.rows, bytes: result.bytes, seconds: result.ms / 1000 });
    });
  });
}

async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  console.log(`  ${label}: ${seconds(performance.now() - started)} s`);
  return result;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

await main();
