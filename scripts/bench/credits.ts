/**
 * `npm run bench`: how fast Tally answers the Kibo credits list endpoint on a large tenant, next to the fastest
 * hand-written equivalent ("the floor": a bare Fastify route running the same SQL through node-postgres), and next to
 * the committed build, so that a change's gain is a ratio measured in one run.
 *
 *   npm run bench -- [--credits 1000000] [--customers 50000] [--duration 10] [--rounds 3] [--connections 32]
 *                    [--pool 10] [--peers floor,committed,tree] [--cases a,b,c] [--wait-load <seconds>] [--keep] [--reuse]
 *                    [--cpu-prof DIR]
 *
 * Creates the database (BENCH_DATABASE_URL, else DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/tally_bench),
 * migrates it, loads one tenant with set-based SQL, prints the plans PostgreSQL chooses for the statements Tally sends,
 * builds the working tree (`npm run build`) and HEAD (in a temporary git worktree), and starts every peer in a
 * process of its own: each Tally as production starts it (`node dist/server.js`, NODE_ENV=production, the default
 * log level, its log written to a file), the floor with `node --import tsx scripts/bench/floor-server.ts`. It checks
 * that every Tally gives the floor's answers, then for each case runs `--rounds` rounds, each driving every peer once
 * (the order rotated between rounds) from autocannon in a forked process (scripts/bench/load.ts): a warm-up, then the
 * measured run, the server's CPU read from /proc around it. It prints medians with min–max, each Tally's RSS after
 * all rounds, and whether the issue's targets are met. A measurement: it exits 0 either way. The database is dropped
 * at the end unless --keep; --reuse skips loading when a kept database already holds the same number of credits.
 * --cases picks the cases by letter; --cpu-prof DIR writes each peer's V8 CPU profile under DIR/<peer> when it stops.
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { closeSync, openSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { buildApp } from "../../src/app.js";
import { hashSecret } from "../../src/auth/secrets.js";
import { loadConfig } from "../../src/config.js";
import { type Database, pgPoolStats } from "../../src/db/database.js";
import { applyMigrations, readMigrations } from "../../src/db/migrate.js";
import { PrismaClient } from "../../src/generated/prisma/client.js";
import { type Case, benchCases, TENANT_ID } from "./credits-cases.js";
import type { LoadOptions, LoadResult } from "./load.js";
import {
  buildCommittedTally,
  buildTally,
  clockTicksPerSecond,
  type CommittedBuild,
  cpuTicks,
  freePort,
  loadAverage,
  positiveFlag,
  printTable,
  productionKeys,
  residentMegabytes,
  startProductionServer,
  stopServer,
  timed,
  waitUntilReady,
  withDatabase,
} from "./shared.js";

const { values: flags } = parseArgs({
  options: {
    credits: { type: "string", default: "1000000" },
    customers: { type: "string", default: "50000" },
    duration: { type: "string", default: "10" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "32" },
    pool: { type: "string", default: "10" },
    peers: { type: "string", default: "floor,committed,tree" },
    "wait-load": { type: "string", default: "0" },
    keep: { type: "boolean", default: false },
    reuse: { type: "boolean", default: false },
    cases: { type: "string", default: "a,b,c" },
    "cpu-prof": { type: "string" },
  },
});

const CREDITS = positiveFlag(flags, "credits");
const CUSTOMERS = positiveFlag(flags, "customers");
const DURATION = positiveFlag(flags, "duration");
const ROUNDS = positiveFlag(flags, "rounds");
const CONNECTIONS = positiveFlag(flags, "connections");
const POOL = positiveFlag(flags, "pool");
const WAIT_LOAD_SECONDS = Number(flags["wait-load"]);
const WARMUP_SECONDS = 3;
// The issue's runs start at a 1-minute load under this; the benchmark warns (or waits, --wait-load) above it.
const QUIET_LOAD = 0.8;
// After the load ends, so that the CPU of the last answers (and their log lines) is counted.
const SETTLE_MS = 500;
const URL_ = process.env["BENCH_DATABASE_URL"] || process.env["DATABASE_URL"] || "postgresql://postgres@127.0.0.1:5432/tally_bench";
const PATH = "/api/commerce/customer/credits";
const ROOT = path.resolve(import.meta.dirname, "../..");
const ALL_CASES = benchCases(CUSTOMERS);
const CASES = pickCases(ALL_CASES, flags.cases);

const PEER_NAMES = ["floor", "committed", "tree"] as const;
type PeerName = (typeof PEER_NAMES)[number];
const PEERS = parsePeers(flags.peers);

/** The issue's targets, the working tree's against the floor's. */
const TARGETS = { selectiveRps: 0.75, selectiveCpu: 1.5, selectiveP99: 1.5, countedRps: 1, rssMb: 250 };

/** The cases named by letter (a, b, c: their order in credits-cases.ts). */
function pickCases(all: Case[], list: string): Case[] {
  const letters = list.split(",").map((letter) => letter.trim().toLowerCase());
  return letters.map((letter) => {
    const picked = all[letter.charCodeAt(0) - 97];
    if (letter.length !== 1 || !picked) throw new Error(`--cases: unknown case ${letter} (a–${String.fromCharCode(96 + all.length)})`);
    return picked;
  });
}

function parsePeers(list: string): PeerName[] {
  const names = list.split(",").map((name) => name.trim());
  for (const name of names) {
    if (!(PEER_NAMES as readonly string[]).includes(name)) throw new Error(`--peers: unknown peer ${name} (floor, committed, tree)`);
  }
  if (names.length === 0 || new Set(names).size !== names.length) throw new Error(`--peers: name each peer once, got ${list}`);
  return names as PeerName[];
}

/** A running server being measured. */
interface Peer {
  name: PeerName;
  label: string;
  server: ChildProcess;
  /** The URL that answers case `index`. */
  target(index: number): string;
  headers: Record<string, string>;
  log?: string;
}

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  cpuMs: number;
}

async function main(): Promise<void> {
  console.log(`Load average ${loadAverage()}; ${os.cpus().length} CPUs; Node.js ${process.version}.`);
  const admin = new pg.Client({ connectionString: withDatabase(URL_, "postgres") });
  await admin.connect();
  const name = new URL(URL_).pathname.slice(1);
  try {
    const started = performance.now();
    const loaded = flags.reuse && (await existingCredits(admin, name)) === CREDITS;
    if (loaded) {
      // Kept from an older tree, it may lack this one's migrations; both builds then run on the newer schema.
      await withBenchSession(migrate);
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
/** Runs `work` on one connection to the benchmark's database. */
async function withBenchSession(work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: URL_ });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

async function migrate(client: pg.Client): Promise<void> {
  const session = {
    query: async <Row extends Record<string, unknown>>(text: string, params: readonly unknown[] = []) =>
      (await client.query<Row>(text, [...params])).rows,
    exec: async (script: string) => {
      await client.query(script);
    },
  };
  await applyMigrations(session, readMigrations());
}

async function loadData(): Promise<void> {
  await withBenchSession(async (client) => {
    await migrate(client);
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
  });
}

async function benchmark(): Promise<void> {
  await explainTallyQueries();
  describeWorkingTree();
  const application = await createApplication();
  let committed: CommittedBuild | undefined;
  const peers: Peer[] = [];
  try {
    if (PEERS.includes("committed")) committed = await buildCommittedTally();
    if (PEERS.includes("tree")) await buildTally();
    for (const name of PEERS) peers.push(await startPeer(name, committed, application.clientId, application.secret));
    console.log(`\nPeers: ${peers.map((peer) => `${peer.label} (pid ${peer.server.pid})`).join(", ")}${committed ? `; committed is HEAD ${committed.commit}` : ""}.`);
    const floor = peers.find((peer) => peer.name === "floor");
    for (const [index, benchCase] of CASES.entries()) await checkSameAnswers(benchCase, index, peers, floor);

    const ticksPerSecond = clockTicksPerSecond();
    const results = new Map<string, Sample[]>();
    for (const [index, benchCase] of CASES.entries()) {
      console.log(`\n${benchCase.name}: ${CONNECTIONS} connections, ${DURATION} s per peer and round (after ${WARMUP_SECONDS} s warm-up)`);
      for (let round = 0; round < ROUNDS; round += 1) {
        await announceRound(round);
        const order = [...peers.slice(round % peers.length), ...peers.slice(0, round % peers.length)];
        for (const peer of order) {
          const sample = await measure(peer, index, ticksPerSecond);
          const key = `${index}/${peer.name}`;
          results.set(key, [...(results.get(key) ?? []), sample]);
          console.log(
            `    ${peer.label.padEnd(15)} ${sample.rps.toFixed(0).padStart(6)} req/s, p50 ${sample.p50} ms, p99 ${sample.p99} ms, ` +
              `${sample.cpuMs.toFixed(2)} CPU ms/request`,
          );
        }
      }
    }
    const loadSeconds = CASES.length * ROUNDS * (WARMUP_SECONDS + DURATION);
    const rss = new Map(peers.map((peer) => [peer.name, residentMegabytes(peer.server.pid!)]));
    report(results, rss, loadSeconds, peers);
  } finally {
    for (const peer of peers) await stopServer(peer.server);
    for (const peer of peers) if (peer.log) rmSync(peer.log, { force: true });
    committed?.remove();
    await application.remove();
  }
}

/** Which files the working tree's build differs from HEAD's in; none means both Tallys run the same code. */
function describeWorkingTree(): void {
  const changed = execFileSync("git", ["status", "--short", "--", "src", "prisma", "package.json", "tsconfig.json", "tsconfig.build.json"], {
    cwd: ROOT,
    encoding: "utf8",
  }).trimEnd();
  if (changed === "") {
    console.log("\nThe working tree has no changes against HEAD: the two Tally peers run the same code, so their difference is the noise.");
  } else {
    console.log(`\nThe working tree differs from HEAD in:\n${changed}`);
  }
}

/** An application of the benchmark's tenant, to ask every Tally for a token as a client would. */
async function createApplication(): Promise<{ clientId: string; secret: string; remove(): Promise<void> }> {
  const clientId = `bench-credits.${randomUUID().slice(0, 8)}`;
  const secret = randomBytes(24).toString("base64url");
  const client = new pg.Client({ connectionString: URL_ });
  await client.connect();
  try {
    await client.query(`INSERT INTO applications (tenant_id, client_id, name, secret_hash, behaviors) VALUES ($1, $2, 'Credits benchmark', $3, $4)`, [
      TENANT_ID,
      clientId,
      await hashSecret(secret),
      ["CreditRead"],
    ]);
  } finally {
    await client.end();
  }
  const remove = async () => {
    const cleanup = new pg.Client({ connectionString: URL_ });
    await cleanup.connect();
    try {
      await cleanup.query("DELETE FROM applications WHERE client_id = $1", [clientId]);
    } finally {
      await cleanup.end();
    }
  };
  return { clientId, secret, remove };
}

async function startPeer(name: PeerName, committed: CommittedBuild | undefined, clientId: string, secret: string): Promise<Peer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  if (name === "floor") {
    const server = fork(path.join(import.meta.dirname, "floor-server.ts"), {
      cwd: ROOT,
      execArgv: ["--import", "tsx", ...(flags["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(flags["cpu-prof"], name)}`] : [])],
      env: { PATH: process.env["PATH"], DATABASE_URL: URL_, PORT: String(port), DATABASE_POOL_SIZE: String(POOL), BENCH_CUSTOMERS: String(CUSTOMERS) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    await waitUntilReady(base, server);
    return { name, label: "floor", server, target: (index) => `${base}/floor/${ALL_CASES.indexOf(CASES[index]!)}`, headers: {} };
  }
  // Production's default level (info): a log line per request is part of what production pays for one. The rate
  // limiter runs as in production, with a budget no run reaches.
  const log = path.join(os.tmpdir(), `tally-bench-${name}-${process.pid}.log`);
  const fd = openSync(log, "w");
  const server = startProductionServer({
    port,
    databaseUrl: URL_,
    poolSize: POOL,
    env: { LOG_LEVEL: "info", RATE_LIMIT_PER_MINUTE: "1000000" },
    stdout: fd,
    cpuProfileDir: flags["cpu-prof"] && path.join(flags["cpu-prof"], name),
    ...(name === "committed" ? { root: committed!.root } : {}),
  });
  closeSync(fd);
  await waitUntilReady(base, server);
  const ticket = await fetch(`${base}/api/platform/applications/authtickets/oauth`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_id: clientId, client_secret: secret, grant_type: "client_credentials" }),
  });
  if (!ticket.ok) throw new Error(`${name}: authticket ${ticket.status} ${await ticket.text()}`);
  const { access_token: token } = (await ticket.json()) as { access_token: string };
  return {
    name,
    label: name === "committed" ? "Tally committed" : "Tally tree",
    server,
    target: (index) => `${base}${PATH}?${new URLSearchParams(CASES[index]!.query).toString().replaceAll("+", "%20")}`,
    headers: { authorization: `Bearer ${token}`, "x-vol-tenant": String(TENANT_ID) },
    log,
  };
}

/** Refuses to benchmark servers that disagree: every Tally's total and page are the floor's. */
async function checkSameAnswers(benchCase: Case, index: number, peers: Peer[], floor: Peer | undefined): Promise<void> {
  const answers = await Promise.all(
    peers.map(async (peer) => {
      const response = await fetch(peer.target(index), { headers: peer.headers });
      if (!response.ok) throw new Error(`${peer.label} answered ${response.status}: ${await response.text()}`);
      return { peer, body: await response.text() };
    }),
  );
  const reference = answers.find((answer) => answer.peer === floor) ?? answers[0]!;
  for (const { peer, body } of answers) {
    if (JSON.stringify(JSON.parse(body)) !== JSON.stringify(JSON.parse(reference.body))) {
      throw new Error(`${benchCase.name}: ${peer.label} and ${reference.peer.label} disagree\n${peer.label}: ${body.slice(0, 500)}\n${reference.peer.label}: ${reference.body.slice(0, 500)}`);
    }
  }
  const { totalCount } = JSON.parse(reference.body) as { totalCount: number };
  console.log(`${benchCase.name}: ${totalCount} matching credits; ${answers.map((answer) => answer.peer.label).join(", ")} agree.`);
}

/** Prints the load average before a round, waiting up to --wait-load seconds for a quiet machine. */
async function announceRound(round: number): Promise<void> {
  const deadline = Date.now() + WAIT_LOAD_SECONDS * 1000;
  while (os.loadavg()[0]! >= QUIET_LOAD && Date.now() < deadline) await sleep(5_000);
  const quiet = os.loadavg()[0]! < QUIET_LOAD;
  console.log(`  round ${round + 1}: load average ${loadAverage()}${quiet ? "" : ` (WARNING: 1-minute load at or above ${QUIET_LOAD})`}`);
}

/** One peer, one case: a warm-up, then the measured run from the load process, the server's CPU read around it. */
async function measure(peer: Peer, index: number, ticksPerSecond: number): Promise<Sample> {
  const load = fork(path.join(import.meta.dirname, "load.ts"), {
    cwd: ROOT,
    execArgv: ["--import", "tsx"],
    env: { PATH: process.env["PATH"] },
  });
  try {
    const options: LoadOptions = {
      url: peer.target(index),
      headers: peer.headers,
      connections: CONNECTIONS,
      warmupSeconds: WARMUP_SECONDS,
      durationSeconds: DURATION,
    };
    const warm = nextMessage(load, "warm");
    load.send(options);
    await warm;
    const before = cpuTicks(peer.server);
    const done = nextMessage<LoadResult>(load, "result");
    load.send({ type: "go" });
    const result = await done;
    await sleep(SETTLE_MS);
    const ticks = cpuTicks(peer.server) - before;
    if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
      throw new Error(`${peer.label}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
    }
    return { rps: result.rps, p50: result.p50, p99: result.p99, cpuMs: (ticks * 1000) / ticksPerSecond / result.requests };
  } finally {
    if (load.exitCode === null) load.kill();
  }
}

function nextMessage<T extends { type: string }>(child: ChildProcess, type: T["type"]): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: T) => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message);
    };
    const onExit = (code: number | null) => reject(new Error(`the load generator exited with ${code} before "${type}"`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

function report(results: Map<string, Sample[]>, rss: Map<PeerName, number>, loadSeconds: number, peers: Peer[]): void {
  const label = (name: PeerName) => peers.find((peer) => peer.name === name)?.label ?? name;
  const samples = (index: number, name: PeerName) => results.get(`${index}/${name}`) ?? [];
  const stat = (index: number, name: PeerName, field: keyof Sample) => summary(samples(index, name).map((sample) => sample[field]));
  const has = (name: PeerName) => PEERS.includes(name);
  const ratio = (index: number, over: PeerName, under: PeerName, field: keyof Sample) =>
    has(over) && has(under) ? stat(index, over, field).median / stat(index, under, field).median : undefined;

  const header = ["case", ...PEERS.map((name) => `${label(name)} req/s`)];
  if (has("tree") && has("floor")) header.push("tree ÷ floor");
  if (has("tree") && has("committed")) header.push("tree ÷ committed");
  header.push(`CPU ms/request ${PEERS.join(" / ")}`, `p50/p99 ms ${PEERS.join(" · ")}`);
  const rows = CASES.map((benchCase, index) => {
    const row = [benchCase.name.slice(0, 3), ...PEERS.map((name) => withRange(stat(index, name, "rps"), 0))];
    if (has("tree") && has("floor")) row.push(ratio(index, "tree", "floor", "rps")!.toFixed(2));
    if (has("tree") && has("committed")) row.push(ratio(index, "tree", "committed", "rps")!.toFixed(2));
    row.push(
      PEERS.map((name) => withRange(stat(index, name, "cpuMs"), 2)).join(" / "),
      PEERS.map((name) => `${stat(index, name, "p50").median.toFixed(0)}/${stat(index, name, "p99").median.toFixed(0)}`).join(" · "),
    );
    return row;
  });
  console.log(
    `\n${CREDITS.toLocaleString()} credits, ${CUSTOMERS.toLocaleString()} customers, pool ${POOL}, ${CONNECTIONS} connections; ` +
      `medians of ${ROUNDS} rounds of ${DURATION} s, (min–max); load average now ${loadAverage()}\n`,
  );
  printTable(header, rows);
  console.log(
    `\nRSS after ${loadSeconds} s of load each (${CASES.length} cases × ${ROUNDS} rounds × (${WARMUP_SECONDS} s warm-up + ${DURATION} s)): ` +
      [...rss].map(([name, mb]) => `${label(name)} ${mb.toFixed(0)} MB`).join(", "),
  );

  if (!has("tree") || !has("floor")) return;
  console.log("\nTargets (the working tree against the floor):");
  const line = (met: boolean, text: string) => console.log(`  ${met ? "met    " : "NOT met"}  ${text}`);
  for (const [index, benchCase] of CASES.entries()) {
    const short = benchCase.name.slice(0, 3);
    const rps = ratio(index, "tree", "floor", "rps")!;
    if (benchCase.kind === "counted") {
      line(rps >= TARGETS.countedRps, `${short} req/s at or above the floor's: ${rps.toFixed(2)}×`);
      continue;
    }
    const cpu = ratio(index, "tree", "floor", "cpuMs")!;
    const p99 = ratio(index, "tree", "floor", "p99")!;
    line(rps >= TARGETS.selectiveRps, `${short} req/s ≥ ${TARGETS.selectiveRps * 100} % of the floor's: ${(rps * 100).toFixed(0)} %`);
    line(cpu <= TARGETS.selectiveCpu, `${short} CPU per request ≤ ${TARGETS.selectiveCpu}× the floor's: ${cpu.toFixed(2)}×`);
    line(p99 <= TARGETS.selectiveP99, `${short} p99 ≤ ${TARGETS.selectiveP99}× the floor's: ${p99.toFixed(2)}×`);
  }
  const treeRss = rss.get("tree")!;
  line(treeRss <= TARGETS.rssMb, `Tally's RSS after ${loadSeconds} s of load ≤ ${TARGETS.rssMb} MB: ${treeRss.toFixed(0)} MB`);
  for (const peer of peers) {
    if (peer.log) console.log(`  (${peer.label} wrote ${(statSync(peer.log).size / 1e6).toFixed(0)} MB of info log)`);
  }
}

interface Summary {
  median: number;
  min: number;
  max: number;
}

function summary(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

function withRange({ median, min, max }: Summary, digits: number): string {
  const format = (value: number) => value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${format(median)} (${format(min)}–${format(max)})`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs each case once through a Tally whose Prisma client and raw reads log their SQL, and prints EXPLAIN ANALYZE for
 * each statement it sent.
 */
async function explainTallyQueries(): Promise<void> {
  const config = loadConfig({
    NODE_ENV: "production",
    LOG_LEVEL: "silent",
    DATABASE_URL: URL_,
    DATABASE_POOL_SIZE: "2",
    ...productionKeys(),
    RATE_LIMIT_PER_MINUTE: "0",
  });
  const pool = new pg.Pool({ connectionString: URL_, max: 2 });
  pool.on("error", (error) => console.error(`explain pool: ${error.message}`));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), log: [{ emit: "event", level: "query" }] });
  const captured: { query: string; params: string }[] = [];
  prisma.$on("query", (event) => captured.push({ query: event.query, params: event.params }));
  const database: Database = {
    kind: "postgres",
    prisma,
    read: async (text, params) => {
      captured.push({ query: text, params: JSON.stringify(params) });
      return (await pool.query(text, [...params])).rows as Record<string, unknown>[];
    },
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
