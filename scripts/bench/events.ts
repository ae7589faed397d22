/**
 * `npm run bench:events`: what one push subscription costs the transactions route, and how fast and how late its
 * events arrive, measured in one run.
 *
 *   npm run bench:events -- [--transactions 10000] [--connections 16] [--rounds 2] [--cards 200] [--pool 10]
 *                           [--cpu-prof DIR] [--keep]
 *
 * Creates a throwaway PostgreSQL database (BENCH_DATABASE_URL, else `tally_bench_events` on DATABASE_URL's server,
 * else on the local PostgreSQL), with one tenant, `--cards` gift cards and an application. It builds Tally and starts
 * `node dist/server.js` with production settings in a child process, and a receiver in another (it validates every
 * delivery with Kibo's Node SDK, as a real one would); autocannon, in this process, posts `--transactions` debits
 * spread over the cards. Rounds alternate (no subscription, subscribed, subscribed, none, …): with the subscription,
 * every debit's credit.updated is delivered, and the round ends when the receiver has them all. Prints transactions
 * per second and server CPU per transaction for both, the events per second delivered and the lag from the change
 * to its arrival (p50, p99) — at full load, and in a last round at half the unsubscribed rate, the steady state a
 * subscriber sees. Exits 1 when the subscription costs more than 10 % of the transactions per second.
 * --cpu-prof DIR writes the server's V8 CPU profile there when it stops.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { pushSigningKey, secretBox } from "../../src/auth/secret-box.js";
import { generateSecret, hashSecret } from "../../src/auth/secrets.js";
import { openDatabase } from "../../src/db/database.js";
import { applyMigrations, readMigrations } from "../../src/db/migrate.js";
import { createCredit, createTenant } from "../../src/demo/factories.js";
import {
  benchDatabaseUrl,
  buildTally,
  clockTicksPerSecond,
  cpuTicks,
  freePort,
  loadAverage,
  positiveFlag,
  printTable,
  processTicks,
  productionKeys,
  startProductionServer,
  stopServer,
  timed,
  waitUntilReady,
  withThrowawayDatabase,
} from "./shared.js";

const { values: flags } = parseArgs({
  options: {
    transactions: { type: "string", default: "10000" },
    connections: { type: "string", default: "16" },
    rounds: { type: "string", default: "2" },
    cards: { type: "string", default: "200" },
    pool: { type: "string", default: "10" },
    "cpu-prof": { type: "string" },
    keep: { type: "boolean", default: false },
  },
});

const TRANSACTIONS = positiveFlag(flags, "transactions");
const CONNECTIONS = positiveFlag(flags, "connections");
const ROUNDS = positiveFlag(flags, "rounds");
const CARDS = positiveFlag(flags, "cards");
const POOL = positiveFlag(flags, "pool");
const COST_TARGET = 0.1;
const URL_ = benchDatabaseUrl("tally_bench_events");
const KEYS = productionKeys();
const CLIENT_SECRET = generateSecret();
const RECEIVER_SECRET = CLIENT_SECRET;

interface Fixture {
  tenantId: number;
  applicationId: number;
  clientId: string;
  codes: string[];
}

interface RoundResult {
  subscribed: boolean;
  tps: number;
  cpuMsPerTransaction: number;
  /** The other processes on this machine, per transaction: what they take from the same two cores. */
  postgresCpuMs: number;
  receiverCpuMs: number;
  eventsPerSecond?: number;
  lagP50?: number;
  lagP99?: number;
  duplicates?: number;
}

interface ReceiverStats {
  received: number;
  duplicates: number;
  invalid: number;
  first: number | null;
  last: number | null;
  lagsMs: number[];
}

async function main(): Promise<void> {
  console.log(`Load average ${loadAverage()}; ${os.cpus().length} CPUs; Node.js ${process.version}.`);
  await withThrowawayDatabase(URL_, flags.keep, async (name) => {
    const fixture = await timed(`migrated ${name}, ${CARDS} cards`, loadData);
    await buildTally();
    if (!(await benchmark(fixture))) process.exitCode = 1;
  });
}

async function loadData(): Promise<Fixture> {
  const database = await openDatabase({ url: URL_, poolSize: 2, connectTimeoutMs: 10_000, dataDir: "memory://" });
  try {
    await database.withSession((sql) => applyMigrations(sql, readMigrations()));
    const prisma = database.prisma;
    const tenant = await createTenant(prisma, { name: "Events benchmark" });
    const clientId = `bench-events.${randomUUID().slice(0, 8)}`;
    const application = await prisma.application.create({
      data: {
        tenantId: tenant.id,
        clientId,
        name: "Events benchmark",
        secretHash: await hashSecret(CLIENT_SECRET),
        behaviors: ["CreditRead", "CreditUpdate", "EventRead"],
        signingKey: secretBox(KEYS["EVENT_SECRET_KEYS"]!).seal(pushSigningKey(CLIENT_SECRET)),
      },
    });
    const codes: string[] = [];
    for (let index = 0; index < CARDS; index += 1) {
      codes.push((await createCredit(prisma, { tenantId: tenant.id, initialBalance: "1000000.00" })).code);
    }
    await database.withSession((sql) => sql.exec("VACUUM ANALYZE"));
    return { tenantId: tenant.id, applicationId: application.id, clientId, codes };
  } finally {
    await database.close();
  }
}

async function benchmark(fixture: Fixture): Promise<boolean> {
  const receiver = await startReceiver();
  const port = await freePort();
  const server = startServer(port);
  const database = new pg.Client({ connectionString: URL_ });
  await database.connect();
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitUntilReady(base, server);
    const token = await applicationToken(base, fixture.clientId);
    console.log(
      `\nServer pid ${server.pid} (node dist/server.js), receiver pid ${receiver.child.pid}; ${CONNECTIONS} connections, ` +
        `${TRANSACTIONS} debits per round over ${CARDS} cards, ${ROUNDS * 2} rounds.`,
    );
    // Warm-up: the JIT and the pool, outside the measured rounds.
    await drive(base, token, fixture, Math.min(2_000, TRANSACTIONS));

    const subscribe = async () => {
      await database.query(
        `INSERT INTO event_subscriptions (subscription_id, tenant_id, application_id, endpoint, topics, is_active)
         VALUES ($1, $2, $3, $4, $5, true)`,
        [randomUUID(), fixture.tenantId, fixture.applicationId, receiver.url, ["credit.updated"]],
      );
      receiver.child.send({ type: "reset" });
    };
    // Deliveries go with the subscription; the receiver has checked every signature by now.
    const unsubscribe = async () => {
      const { invalid } = await receiverStats(receiver);
      if (invalid > 0) throw new Error(`the receiver rejected ${invalid} deliveries as wrongly signed`);
      await database.query(`DELETE FROM event_subscriptions WHERE tenant_id = $1`, [fixture.tenantId]);
    };

    const results: RoundResult[] = [];
    const ticksPerSecond = clockTicksPerSecond();
    for (let pair = 0; pair < ROUNDS; pair += 1) {
      for (const subscribed of pair % 2 === 0 ? [false, true] : [true, false]) {
        if (subscribed) await subscribe();
        const before = cpuTicks(server);
        const beforePostgres = postgresTicks();
        const beforeReceiver = cpuTicks(receiver.child);
        const result = await drive(base, token, fixture, TRANSACTIONS);
        const round: RoundResult = { subscribed, tps: TRANSACTIONS / result.duration, cpuMsPerTransaction: 0, postgresCpuMs: 0, receiverCpuMs: 0 };
        if (subscribed) {
          const stats = await waitForAll(receiver, TRANSACTIONS);
          const lags = [...stats.lagsMs].sort((a, b) => a - b);
          round.eventsPerSecond = (stats.received * 1000) / Math.max(1, stats.last! - stats.first!);
          round.lagP50 = percentile(lags, 0.5);
          round.lagP99 = percentile(lags, 0.99);
          round.duplicates = stats.duplicates;
          await unsubscribe();
        }
        // CPU over the whole round: with a subscription, the deliveries made after the last debit are its cost too.
        const perTransaction = (ticks: number) => ((ticks / ticksPerSecond) * 1000) / TRANSACTIONS;
        round.cpuMsPerTransaction = perTransaction(cpuTicks(server) - before);
        round.postgresCpuMs = perTransaction(postgresTicks() - beforePostgres);
        round.receiverCpuMs = perTransaction(cpuTicks(receiver.child) - beforeReceiver);
        results.push(round);
        console.log(
          `  ${subscribed ? "subscribed     " : "no subscription"}: ${round.tps.toFixed(0)} transactions/s, ` +
            `server CPU ${round.cpuMsPerTransaction.toFixed(3)} ms/transaction (PostgreSQL ${round.postgresCpuMs.toFixed(3)}, ` +
            `receiver ${round.receiverCpuMs.toFixed(3)})` +
            (subscribed ? `, ${round.eventsPerSecond!.toFixed(0)} events/s delivered, lag p50 ${round.lagP50} ms, p99 ${round.lagP99} ms` : "") +
            ` (load ${loadAverage()})`,
        );
      }
    }

    // At full load the deliveries share the server with as many requests as it can take, so their lag grows with
    // the round. At half that rate it shows what a subscriber sees in steady state.
    const rate = Math.max(1, Math.floor(median(results.filter((r) => !r.subscribed).map((r) => r.tps)) / 2));
    await subscribe();
    const steadyCount = Math.min(TRANSACTIONS, rate * 20);
    await drive(base, token, fixture, steadyCount, rate);
    const steady = await waitForAll(receiver, steadyCount);
    await unsubscribe();
    const lags = [...steady.lagsMs].sort((a, b) => a - b);
    const steadyLag = { rate, p50: percentile(lags, 0.5), p99: percentile(lags, 0.99) };
    console.log(`  subscribed at ${rate} transactions/s (half the unsubscribed rate): lag p50 ${steadyLag.p50} ms, p99 ${steadyLag.p99} ms`);
    return report(results, steadyLag);
  } finally {
    await database.end();
    await stopServer(server);
    receiver.child.kill();
  }
}

function startServer(port: number): ChildProcess {
  return startProductionServer({
    port,
    databaseUrl: URL_,
    poolSize: POOL,
    cpuProfileDir: flags["cpu-prof"],
    // The same keys as the fixture's application was sealed with; the receiver is on this machine, which production
    // refuses (loopback, http://) unless told otherwise.
    env: { ...KEYS, EVENT_ALLOWED_HOSTS: "127.0.0.1", EVENT_ALLOW_HTTP: "true" },
  });
}

async function startReceiver(): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(path.join(import.meta.dirname, "event-receiver.ts"), {
    execArgv: ["--import", "tsx"],
    env: { PATH: process.env["PATH"], RECEIVER_SHARED_SECRET: RECEIVER_SECRET },
  });
  const port = await new Promise<number>((resolve) =>
    child.on("message", (message: { type: string; port?: number }) => {
      if (message.type === "listening") resolve(message.port!);
    }),
  );
  return { child, url: `http://127.0.0.1:${port}/tally-events` };
}

function receiverStats(receiver: { child: ChildProcess }): Promise<ReceiverStats> {
  return new Promise((resolve) => {
    const listener = (message: { type: string } & ReceiverStats) => {
      if (message.type !== "stats") return;
      receiver.child.off("message", listener);
      resolve(message);
    };
    receiver.child.on("message", listener);
    receiver.child.send({ type: "stats" });
  });
}

async function waitForAll(receiver: { child: ChildProcess }, expected: number): Promise<ReceiverStats> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const stats = await receiverStats(receiver);
    if (stats.received >= expected) return stats;
    if (Date.now() > deadline) throw new Error(`only ${stats.received} of ${expected} events arrived within 5 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function applicationToken(base: string, clientId: string): Promise<string> {
  const response = await fetch(`${base}/api/platform/applications/authtickets/oauth`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_id: clientId, client_secret: CLIENT_SECRET, grant_type: "client_credentials" }),
  });
  if (!response.ok) throw new Error(`authticket: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** `amount` debits of 0.01, round-robin over the cards, every one a 200; as fast as they go, or at `rate` a second. */
async function drive(base: string, token: string, fixture: Fixture, amount: number, rate?: number) {
  let next = 0;
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    amount,
    ...(rate === undefined ? {} : { overallRate: rate }),
    requests: [
      {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ transactionType: "Debit", impactAmount: 0.01 }),
        setupRequest: (request) => ({ ...request, path: `/api/commerce/customer/credits/${fixture.codes[next++ % fixture.codes.length]}/transactions` }),
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return result;
}

/** CPU ticks of every PostgreSQL process on this machine (the benchmark's database server is local). */
function postgresTicks(): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres") ticks += processTicks(Number(pid));
    } catch {
      // The process ended between listing and reading.
    }
  }
  return ticks;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function report(results: RoundResult[], steadyLag: { rate: number; p50: number; p99: number }): boolean {
  const plain = results.filter((round) => !round.subscribed);
  const subscribed = results.filter((round) => round.subscribed);
  const tpsPlain = median(plain.map((round) => round.tps));
  const tpsSubscribed = median(subscribed.map((round) => round.tps));
  const cost = 1 - tpsSubscribed / tpsPlain;
  console.log("\nMedians over the rounds:");
  printTable(
    ["", "transactions/s", "CPU ms/transaction: Tally", "PostgreSQL", "receiver", "events/s delivered", "lag p50 ms", "lag p99 ms", "duplicates"],
    [
      [
        "no subscription",
        tpsPlain.toFixed(0),
        median(plain.map((r) => r.cpuMsPerTransaction)).toFixed(3),
        median(plain.map((r) => r.postgresCpuMs)).toFixed(3),
        median(plain.map((r) => r.receiverCpuMs)).toFixed(3),
        "—",
        "—",
        "—",
        "—",
      ],
      [
        "one subscription",
        tpsSubscribed.toFixed(0),
        median(subscribed.map((r) => r.cpuMsPerTransaction)).toFixed(3),
        median(subscribed.map((r) => r.postgresCpuMs)).toFixed(3),
        median(subscribed.map((r) => r.receiverCpuMs)).toFixed(3),
        median(subscribed.map((r) => r.eventsPerSecond!)).toFixed(0),
        median(subscribed.map((r) => r.lagP50!)).toFixed(0),
        median(subscribed.map((r) => r.lagP99!)).toFixed(0),
        String(subscribed.reduce((sum, r) => sum + r.duplicates!, 0)),
      ],
    ],
  );
  console.log(`\nAt ${steadyLag.rate} transactions/s, the lag from a change to its delivery: p50 ${steadyLag.p50} ms, p99 ${steadyLag.p99} ms.`);
  const passed = cost <= COST_TARGET;
  console.log(
    `\nThe subscription costs ${(cost * 100).toFixed(1)} % of the transactions per second ` +
      `(target: at most ${COST_TARGET * 100} %): ${passed ? "met" : "NOT met"}.`,
  );
  return passed;
}

await main();
