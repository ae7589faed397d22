/**
 * `npm run bench:report`: how fast Tally streams the loyalty customers_balances report of a large campaign, and how
 * much memory the server needs for it, with the server as production runs it and the client in a process of its own.
 *
 *   npm run bench:report -- [--customers 200000] [--rounds 2] [--peers committed,tree] [--cpu-prof DIR] [--keep]
 *
 * Creates a throwaway PostgreSQL database — BENCH_DATABASE_URL as given, else `tally_bench_report` on the server of
 * DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/tally_bench_report — migrates it and loads one loyalty
 * account with set-based SQL (generate_series): the customers, each with ledger entries in the reported campaign,
 * half of them also in a second campaign of the same coalition (the ledger's triggers fill loyalty_balances as the
 * entries go in). It builds the working tree (`npm run build`) and,
 * for the `committed` peer, HEAD in a temporary git worktree, and starts each as production starts it
 * (`node dist/server.js`, NODE_ENV=production, the default log level, its log written to a file), so that a change's
 * gain is measured in one run on a shared machine. Every report is fetched once from each peer by a client process
 * that hashes the bytes (the peers must answer byte for byte alike; this also warms them up); then each round
 * fetches it as XML, as JSON and as a coalition JSON report from every peer (the order rotated between rounds), from
 * a client process that reads the answer as a stream and counts customers, keeping nothing. It prints customers/s,
 * the time, the CPU time of the server and of the database's backends (from /proc, when PostgreSQL runs on this
 * machine: on a shared machine, the numbers that depend least on the neighbours) and the growth of the server's
 * resident memory over its RSS just before the fetch (sampled every 50 ms), with the load average, and whether the
 * working tree meets the targets. --cpu-prof DIR writes the working tree's V8
 * CPU profile there when it stops. The database is dropped at the end unless --keep.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { generateSecret, hashSecret } from "../../src/auth/secrets.js";
import { applyMigrations, readMigrations } from "../../src/db/migrate.js";
import { Prisma } from "../../src/generated/prisma/client.js";
import { framedBatchQuery } from "../../src/routes/loyalty/sql.js";
import {
  backendTicksBetween,
  benchDatabaseUrl,
  buildCommittedTally,
  buildTally,
  clockTicksPerSecond,
  type CommittedBuild,
  cpuTicks,
  databaseBackendTicks,
  freePort,
  loadAverage,
  positiveFlag,
  printTable,
  residentMegabytes,
  startProductionServer,
  stopServer,
  timed,
  waitUntilReady,
  withThrowawayDatabase,
} from "./shared.js";

const { values: flags } = parseArgs({
  options: {
    customers: { type: "string", default: "200000" },
    rounds: { type: "string", default: "2" },
    peers: { type: "string", default: "committed,tree" },
    "cpu-prof": { type: "string" },
    keep: { type: "boolean", default: false },
  },
});

const CUSTOMERS = positiveFlag(flags, "customers");
const ROUNDS = positiveFlag(flags, "rounds");
const PEER_NAMES = ["committed", "tree"] as const;
type PeerName = (typeof PEER_NAMES)[number];
const PEERS = parsePeers(flags.peers);

const TENANT_ID = 900_002;
const ACCOUNT_CODE = "benchaccount";
const USER_ID = "bench";
const CAMPAIGN_ID = 900_000_000_001n;
const PARTNER_CAMPAIGN_ID = 900_000_000_002n;
const TARGET_ROWS_PER_SECOND = 100_000;
const TARGET_RSS_GROWTH_MB = 64;
const SAMPLE_MS = 50;
// Production's default; the report's one connection at a time leaves the rest idle.
const POOL = 10;

const URL_ = benchDatabaseUrl("tally_bench_report");

function parsePeers(list: string): PeerName[] {
  const names = list.split(",").map((name) => name.trim());
  for (const name of names) {
    if (!(PEER_NAMES as readonly string[]).includes(name)) throw new Error(`--peers: unknown peer ${name} (committed, tree)`);
  }
  if (names.length === 0 || new Set(names).size !== names.length) throw new Error(`--peers: name each peer once, got ${list}`);
  return names as PeerName[];
}

async function main(): Promise<void> {
  console.log(`Load average ${loadAverage()}; ${os.cpus().length} CPUs; Node.js ${process.version}.`);
  await withThrowawayDatabase(URL_, flags.keep, async (name) => {
    const started = performance.now();
    const key = generateSecret();
    await loadData(key);
    console.log(`Loaded ${CUSTOMERS.toLocaleString()} customers into ${name} in ${seconds(performance.now() - started)} s.`);
    await printPlan();
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
}

/** A running Tally being measured. */
interface Peer {
  name: PeerName;
  server: ChildProcess;
  port: number;
  log: string;
}

interface Measurement {
  rows: number;
  bytes: number;
  seconds: number;
  /** CPU time of the server process (every thread) during the fetch. */
  cpuSeconds: number;
  /** CPU time of the PostgreSQL backends during the fetch, when they run on this machine. */
  databaseCpuSeconds: number | undefined;
  rssGrowthMb: number;
  loadAverage: number;
}

const BASE_PARAMS = {
  user_id: USER_ID,
  account_id: ACCOUNT_CODE,
  type: "reports",
  report: "customers_balances",
  campaign_id: String(CAMPAIGN_ID),
};
const RUNS: Run[] = [
  { name: "XML", params: BASE_PARAMS, marker: "<customer>" },
  { name: "JSON", params: { ...BASE_PARAMS, output: "JSON" }, marker: '"card_number"' },
  {
    name: "JSON coalition (2 campaigns)",
    params: { ...BASE_PARAMS, output: "JSON", coalition_balance: "coalition_points" },
    marker: '"card_number"',
  },
];

async function benchmark(key: string): Promise<void> {
  let committed: CommittedBuild | undefined;
  const peers: Peer[] = [];
  // Finds the database's backends, whose CPU time is the other half of a report's cost.
  const monitor = new pg.Client({ connectionString: URL_ });
  await monitor.connect();
  try {
    if (PEERS.includes("committed")) committed = await buildCommittedTally();
    if (PEERS.includes("tree")) await buildTally();
    for (const name of PEERS) peers.push(await startPeer(name, committed));
    console.log(`\nPeers: ${peers.map((peer) => `${peer.name} (pid ${peer.server.pid})`).join(", ")}${committed ? `; committed is HEAD ${committed.commit}` : ""}.`);
    await checkSameBytes(peers, key);

    const ticksPerSecond = clockTicksPerSecond();
    const results = new Map<string, Measurement[]>();
    for (let round = 0; round < ROUNDS; round += 1) {
      console.log(`\nRound ${round + 1} (load average ${loadAverage()})`);
      const order = [...peers.slice(round % peers.length), ...peers.slice(0, round % peers.length)];
      for (const run of RUNS) {
        for (const peer of order) {
          const result = await measured(peer, key, run, ticksPerSecond, monitor);
          if (result.rows !== CUSTOMERS) throw new Error(`${peer.name} ${run.name}: expected ${CUSTOMERS} customers, got ${result.rows}`);
          const id = `${run.name}/${peer.name}`;
          results.set(id, [...(results.get(id) ?? []), result]);
          console.log(
            `  ${run.name.padEnd(28)} ${peer.name.padEnd(9)} ${rate(result).padStart(9)} customers/s, ${result.seconds.toFixed(2)} s, ` +
              `server CPU ${result.cpuSeconds.toFixed(2)} s, database CPU ${cpuText(result.databaseCpuSeconds)} s, ` +
              `RSS +${result.rssGrowthMb.toFixed(1)} MB (load ${result.loadAverage.toFixed(2)})`,
          );
        }
      }
    }
    summarize(results, peers);
  } finally {
    for (const peer of peers) await stopServer(peer.server);
    for (const peer of peers) rmSync(peer.log, { force: true });
    committed?.remove();
    await monitor.end();
  }
}

async function startPeer(name: PeerName, committed: CommittedBuild | undefined): Promise<Peer> {
  const port = await freePort();
  // Production's default level (info): the request's log lines are part of what production pays for a report.
  const log = path.join(os.tmpdir(), `tally-bench-report-${name}-${process.pid}.log`);
  const fd = openSync(log, "w");
  const server = startProductionServer({
    port,
    databaseUrl: URL_,
    poolSize: POOL,
    env: { LOG_LEVEL: "info" },
    stdout: fd,
    ...(name === "committed" ? { root: committed!.root } : { cpuProfileDir: flags["cpu-prof"] }),
  });
  closeSync(fd);
  await waitUntilReady(`http://127.0.0.1:${port}`, server);
  return { name, server, port, log };
}

/** Every report once from every peer, hashed by the client: the working tree must answer the committed build's bytes. */
async function checkSameBytes(peers: Peer[], key: string): Promise<void> {
  console.log("\nEvery report once from every peer (warm-up), SHA-256 of the bytes:");
  for (const run of RUNS) {
    const hashes = new Set<string>();
    for (const peer of peers) {
      const result = await fetchReport(peer.port, key, run, true);
      hashes.add(result.sha256 ?? "");
      console.log(`  ${run.name.padEnd(28)} ${peer.name.padEnd(9)} ${(result.bytes / 1e6).toFixed(1)} MB, ${result.sha256?.slice(0, 16)}`);
    }
    if (hashes.size !== 1) throw new Error(`${run.name}: the peers answered different bytes`);
  }
}

/** One fetch, with the server's and the database's CPU read from /proc around it and the server's RSS sampled during it. */
async function measured(peer: Peer, key: string, run: Run, ticksPerSecond: number, monitor: pg.Client): Promise<Measurement> {
  const pid = peer.server.pid!;
  const baseline = residentMegabytes(pid);
  const backends = await databaseBackendTicks(monitor);
  const ticks = cpuTicks(peer.server);
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, residentMegabytes(pid));
  }, SAMPLE_MS);
  try {
    const { rows, bytes, seconds } = await fetchReport(peer.port, key, run, false);
    peak = Math.max(peak, residentMegabytes(pid));
    const cpuSeconds = (cpuTicks(peer.server) - ticks) / ticksPerSecond;
    const databaseTicks = backendTicksBetween(backends, await databaseBackendTicks(monitor));
    return {
      rows,
      bytes,
      seconds,
      cpuSeconds,
      databaseCpuSeconds: databaseTicks === undefined ? undefined : databaseTicks / ticksPerSecond,
      rssGrowthMb: peak - baseline,
      loadAverage: os.loadavg()[0]!,
    };
  } finally {
    clearInterval(sampler);
  }
}

function summarize(results: Map<string, Measurement[]>, peers: Peer[]): void {
  console.log(`\nMedians of ${ROUNDS} rounds (min–max), ${CUSTOMERS.toLocaleString()} customers; load average now ${loadAverage()}\n`);
  const range = (values: number[], format: (value: number) => string) =>
    values.length === 1 ? format(values[0]!) : `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
  const rows: string[][] = [];
  for (const run of RUNS) {
    for (const peer of peers) {
      const samples = results.get(`${run.name}/${peer.name}`) ?? [];
      rows.push([
        run.name,
        peer.name,
        (samples[0]!.bytes / 1e6).toFixed(1),
        range(samples.map((sample) => sample.rows / sample.seconds), (value) => Math.round(value).toLocaleString()),
        range(samples.map((sample) => sample.seconds), (value) => value.toFixed(2)),
        range(samples.map((sample) => sample.cpuSeconds), (value) => value.toFixed(2)),
        samples.every((sample) => sample.databaseCpuSeconds !== undefined)
          ? range(samples.map((sample) => sample.databaseCpuSeconds!), (value) => value.toFixed(2))
          : "n/a",
        range(samples.map((sample) => sample.rssGrowthMb), (value) => value.toFixed(0)),
        range(samples.map((sample) => sample.loadAverage), (value) => value.toFixed(1)),
      ]);
    }
  }
  printTable(["report", "peer", "MB", "customers/s", "seconds", "server CPU s", "database CPU s", "RSS growth MB", "load (1 min)"], rows);
  if (!peers.some((peer) => peer.name === "tree")) return;
  const verdict = (run: Run) => {
    const samples = results.get(`${run.name}/tree`) ?? [];
    const met =
      median(samples.map((sample) => sample.rows / sample.seconds)) >= TARGET_ROWS_PER_SECOND &&
      Math.max(...samples.map((sample) => sample.rssGrowthMb)) < TARGET_RSS_GROWTH_MB;
    return `${run.name} ${met ? "met" : "MISSED"}`;
  };
  console.log(
    `\nTargets for the working tree: ≥ ${TARGET_ROWS_PER_SECOND.toLocaleString()} customers/s (median) and RSS growth < ` +
      `${TARGET_RSS_GROWTH_MB} MB (every round) — ${RUNS.slice(0, 2).map(verdict).join(", ")}.`,
  );
  if (flags["cpu-prof"]) {
    const profiles = readdirSync(flags["cpu-prof"]).filter((file) => file.endsWith(".cpuprofile"));
    console.log(`CPU profiles in ${flags["cpu-prof"]} once the server has stopped: ${profiles.length > 0 ? profiles.join(", ") : "(written on exit)"}.`);
  }
}

/** The plan PostgreSQL picks for a batch in the middle of the report, framed as Tally runs it there (JIT off). */
async function printPlan(): Promise<void> {
  const batch = framedBatchQuery(
    {
      tenantId: TENANT_ID,
      campaignIds: [CAMPAIGN_ID, PARTNER_CAMPAIGN_ID],
      kind: "Points",
      valuation: { kind: "Points", pointsPerCurrencyUnit: 1000 },
    },
    { after: Math.floor(CUSTOMERS / 2), offset: 0, size: 2_000 },
  );
  const explain = Prisma.sql`EXPLAIN (ANALYZE, COSTS OFF) ${batch}`;
  const client = new pg.Client({ connectionString: URL_ });
  await client.connect();
  try {
    await client.query("BEGIN; SET LOCAL jit = off");
    const plan = await client.query<{ "QUERY PLAN": string }>(explain.text, explain.values);
    await client.query("COMMIT");
    console.log("\nPlan of one coalition batch (2,000 customers from the middle of the report):");
    for (const line of plan.rows) console.log(`  ${line["QUERY PLAN"]}`);
  } finally {
    await client.end();
  }
}

// The client runs in a process of its own, so that reading and counting the answer take no CPU time from the
// server's process and add nothing to its memory. Plain JavaScript for `node -e`.
const CLIENT = `
const http = require("node:http");
const { createHash } = require("node:crypto");
const { port, key, body, marker, hash } = JSON.parse(process.env.BENCH_CLIENT);
const needle = Buffer.from(marker);
const digest = hash ? createHash("sha256") : undefined;
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
      digest?.update(chunk);
      const data = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk;
      for (let at = data.indexOf(needle); at >= 0; at = data.indexOf(needle, at + needle.length)) rows += 1;
      tail = Buffer.from(data.subarray(Math.max(0, data.length - needle.length + 1)));
    });
    response.on("end", () => {
      const ms = performance.now() - started;
      process.stdout.write(JSON.stringify({ status: response.statusCode, rows, bytes, ms, sha256: digest?.digest("hex") }));
    });
  },
);
call.on("error", (error) => { console.error(error.message); process.exit(1); });
call.end(body);
`;

interface Fetched {
  rows: number;
  bytes: number;
  seconds: number;
  sha256?: string;
}

/** POSTs the report request as a form from a client process, which reads the answer as it streams and counts it. */
function fetchReport(port: number, key: string, run: Run, hash: boolean): Promise<Fetched> {
  const body = new URLSearchParams(run.params).toString();
  return new Promise((resolve, reject) => {
    const client = spawn(process.execPath, ["-e", CLIENT], {
      // The key goes through the environment, not the command line other users can list.
      env: { PATH: process.env["PATH"], BENCH_CLIENT: JSON.stringify({ port, key, body, marker: run.marker, hash }) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    client.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    client.on("error", reject);
    client.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${run.name}: the client exited with ${code}`));
      const result = JSON.parse(output) as Fetched & { status: number; ms: number };
      if (result.status !== 200) return reject(new Error(`${run.name}: HTTP ${result.status}`));
      resolve({ rows: result.rows, bytes: result.bytes, seconds: result.ms / 1000, ...(result.sha256 ? { sha256: result.sha256 } : {}) });
    });
  });
}

function rate(result: Measurement): string {
  return Math.round(result.rows / result.seconds).toLocaleString();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function cpuText(value: number | undefined): string {
  return value === undefined ? "n/a" : value.toFixed(2);
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

await main();
