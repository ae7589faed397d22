/**
 * `npm run chaos`: 4 Tally processes on PostgreSQL behind PgBouncer, rate limits in Redis, a client spreading
 * operations over them while faults are injected, then the invariants checked with SQL. See scripts/chaos/README.md.
 *
 *   npm run chaos -- [--ops 10000] [--seed N] [--concurrency 16] [--hot-only]
 *
 * --hot-only measures the hot credit's debits per second on the same setup and stops (no faults, no checks).
 * Exits 1 on any violation.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { TcpProxy } from "../../test/helpers/tcp-proxy.js";
import { buildTally, loadAverage, positiveFlag, printTable, productionKeys } from "../bench/shared.js";
import { rateLimitCheck } from "./burst.js";
import { type Check, exactlyOnce, ledgerChecks, partitionCheck, statusChecks } from "./checks.js";
import { applicationToken, CLIENT_TIMEOUT_MS, type Exchange, soapLogin, SOAP_PATH } from "./client.js";
import { PgBouncer, PostgresCluster } from "./cluster.js";
import { deliveryCheck, Receiver } from "./events.js";
import { BLACKHOLE_MS, FaultInjector, planFaults } from "./faults.js";
import { buildFixture, type Fixture, migrateAndSeed, subscribe } from "./fixture.js";
import { hotCreditRate } from "./hot-credit.js";
import { effectiveStatus, planOperations, runLoad } from "./load.js";
import { seededRandom } from "./random.js";
import { Replica } from "./replicas.js";

const { values: flags } = parseArgs({
  options: {
    ops: { type: "string", default: "10000" },
    seed: { type: "string", default: String(Date.now() % 1_000_000) },
    concurrency: { type: "string", default: "16" },
    "hot-only": { type: "boolean", default: false },
  },
});

const OPS = positiveFlag(flags, "ops");
const SEED = positiveFlag(flags, "seed");
const CONCURRENCY = positiveFlag(flags, "concurrency");
const REPLICAS = 4;
const RATE_LIMIT = 1_000;
const LOAD_APPS = 16;
/** Callers debiting the hot credit at once: enough to keep its lock always wanted, few enough that none waits out lock_timeout. */
const HOT_CALLERS = 8;
const DATABASE = "tally_chaos";
/** The servers' limits: production's defaults (src/config.ts), so a 503 means what it would in production. */
const LIMITS = { connect: 5_000, statement: 5_000, lock: 3_000, idle: 5_000 };
/** A pool wait, then a statement the server cancels, then the client's margin over it (src/db/database.ts). */
const PARTITION_EXPECTED_MS = LIMITS.connect + LIMITS.statement + 1_000;
/** A killed replica's leases expire within the run; at least twice the delivery timeout (5 s), as config requires. */
const LEASE_MS = 10_000;

const KEYS = productionKeys();

async function main(): Promise<number> {
  console.log(`npm run chaos: ${OPS} operations, seed ${SEED}, ${CONCURRENCY} callers; load average ${loadAverage()}, ${os.cpus().length} CPUs.`);
  const random = seededRandom(SEED);
  await buildTally();
  const cluster = await PostgresCluster.start();
  const cleanup: (() => Promise<void> | void)[] = [() => cluster.stop()];
  try {
    const admin = new pg.Client({ connectionString: cluster.url("postgres") });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${DATABASE}`);
    await admin.end();
    const direct = cluster.url(DATABASE);
    migrateAndSeed(direct, KEYS);
    const sizes = flags["hot-only"] ? { apps: 4, credits: 1, orders: 0 } : { apps: LOAD_APPS, credits: 200, orders: Math.ceil(OPS * 0.1) + 20 };
    const fixture = await buildFixture(direct, KEYS["EVENT_SECRET_KEYS"]!, sizes);
    console.log(`  own PostgreSQL on port ${cluster.port}, migrated and seeded; ${fixture.codes.length} credits, ${fixture.orders.length} orders.`);

    const bouncer = await PgBouncer.start(cluster.port);
    cleanup.unshift(() => bouncer.stop());
    const proxy = new TcpProxy("127.0.0.1", bouncer.port);
    await proxy.start();
    cleanup.unshift(() => proxy.stop());
    const receiver = await Receiver.start(fixture.loadApps[0]!.secret);
    cleanup.unshift(() => receiver.stop());
    subscribe(direct, fixture.loadApps[0]!.clientId, receiver.url, KEYS);

    const logDir = mkdtempSync(path.join(os.tmpdir(), "tally-chaos-logs-"));
    const env = replicaEnv();
    const partitioned = REPLICAS - 1;
    const replicas: Replica[] = [];
    for (let index = 0; index < REPLICAS; index += 1) {
      const url = new URL(bouncer.url(DATABASE));
      if (index === partitioned) url.port = String(proxy.port);
      replicas.push(await Replica.create(index, url.toString(), env, logDir, (pid) => receiver.addSender(pid)));
    }
    cleanup.unshift(async () => void (await Promise.all(replicas.map((replica) => replica.stop()))));
    await Promise.all(replicas.map((replica) => replica.start()));
    const bases = replicas.map((replica) => replica.base);
    console.log(`  PgBouncer (transaction mode) on ${bouncer.port}; replicas on ${replicas.map((r) => r.port).join(", ")} (replica ${partitioned} through a TCP proxy); logs in ${logDir}`);

    const tokens = await Promise.all(fixture.loadApps.map((app) => applicationToken(bases[0]!, app)));
    const soapSession = await soapLogin(bases[0]!);

    const hot = await hotCreditRate(bases, tokens, fixture.hotCode, HOT_CALLERS, 10);
    console.log(`  hot credit: ${hot.perSecond.toFixed(0)} debits/s on one credit (${HOT_CALLERS} callers over ${REPLICAS} replicas, 10 s; ${hot.failed} not 2xx)`);
    if (flags["hot-only"]) return 0;

    const ops = planOperations(OPS, fixture, random);
    const plan = planFaults(OPS, random);
    const killed = random.int(0, partitioned - 1);
    const faults = new FaultInjector(plan, replicas, killed, { index: partitioned, proxy }, cluster);
    const exchanges: Exchange[] = [];
    const started = Date.now();
    const outcomes = await runLoad(ops, { bases, tokens, soapSession, websiteId: fixture.websiteId, exchanges, onProgress: (done) => faults.progress(done) }, CONCURRENCY);
    await faults.settled();
    const seconds = (Date.now() - started) / 1000;
    console.log(`  load: ${OPS} operations in ${seconds.toFixed(0)} s (${(OPS / seconds).toFixed(0)}/s), ${exchanges.length} requests; load average ${loadAverage()}`);
    for (const window of faults.windows) {
      console.log(`    ${window.kind}${window.replica === undefined ? "" : ` of replica ${window.replica}`} at +${((window.start - started) / 1000).toFixed(1)} s, ${window.end - window.start} ms until whole`);
    }

    const burstToken = await applicationToken(bases[0]!, fixture.burstApp);
    const checks: Check[] = [];
    checks.push(await rateLimitCheck(bases, burstToken, fixture.codes[0]!, RATE_LIMIT, 100));
    const isSoap = (exchange: Exchange) => exchange.status === 500 && exchange.body.includes(":Fault>");
    checks.push(...statusChecks(exchanges, faults.windows, (exchange) => effectiveStatus(exchange, isSoap(exchange)), started));
    checks.push(partitionCheck(exchanges, faults.windows, CLIENT_TIMEOUT_MS, PARTITION_EXPECTED_MS));
    const sql = new pg.Client({ connectionString: direct });
    await sql.connect();
    try {
      checks.push(await deliveryCheck(sql, receiver, 120_000, { replicas, windows: faults.windows, leaseMs: LEASE_MS, origin: started }));
      checks.push(...(await ledgerChecks(sql, fixture.tenantId)));
      checks.push(await exactlyOnce(sql, fixture.tenantId, outcomes));
    } finally {
      await sql.end();
    }
    return report({ outcomes, exchanges, faults, checks, hot, seconds, fixture });
  } finally {
    for (const step of cleanup) await Promise.resolve(step()).catch((error: unknown) => console.error(`cleanup: ${(error as Error).message}`));
  }
}

function replicaEnv(): NodeJS.ProcessEnv {
  return {
    ...KEYS,
    REDIS_URL: process.env["CHAOS_REDIS_URL"] ?? "redis://127.0.0.1:6379",
    // Counters of this run only: other runs and other people's tests share the machine's Redis.
    REDIS_KEY_PREFIX: `tally-chaos-${randomBytes(4).toString("hex")}:`,
    RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
    TOKEN_RATE_LIMIT_PER_MINUTE: "1000",
    EVENT_ALLOWED_HOSTS: "127.0.0.1",
    EVENT_ALLOW_HTTP: "true",
    EVENT_DELIVERY_POLL_MS: "200",
    EVENT_DELIVERY_LEASE_MS: String(LEASE_MS),
    DATABASE_CONNECT_TIMEOUT_MS: String(LIMITS.connect),
    DATABASE_STATEMENT_TIMEOUT_MS: String(LIMITS.statement),
    DATABASE_LOCK_TIMEOUT_MS: String(LIMITS.lock),
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: String(LIMITS.idle),
    // Debian's PgBouncer (1.18) cannot track prepared statements: configured as README says for it.
    DATABASE_PREPARED_STATEMENTS: "false",
  };
}

function report(run: {
  outcomes: Awaited<ReturnType<typeof runLoad>>;
  exchanges: Exchange[];
  faults: FaultInjector;
  checks: Check[];
  hot: { perSecond: number };
  seconds: number;
  fixture: Fixture;
}): number {
  const { outcomes, exchanges, faults, checks } = run;
  const kinds = [...new Set(outcomes.map((outcome) => outcome.op.kind))];
  console.log("\nOperations:");
  printTable(
    ["kind", "operations", "acknowledged", "refused (4xx)", "gave up", "retries"],
    kinds.map((kind) => {
      const of = outcomes.filter((outcome) => outcome.op.kind === kind);
      return [
        kind,
        String(of.length),
        String(of.filter((o) => o.acknowledged).length),
        String(of.filter((o) => o.status !== undefined && o.status >= 400 && o.status < 500 && o.status !== 429).length),
        String(of.filter((o) => !o.acknowledged && (o.status === undefined || o.status >= 500 || o.status === 429)).length),
        String(of.reduce((sum, o) => sum + o.attempts - 1, 0)),
      ];
    }),
  );
  console.log("\nInvariants:");
  for (const check of checks) {
    console.log(`  ${check.violations.length === 0 ? "ok  " : "FAIL"} ${check.name}`);
    for (const violation of check.violations.slice(0, 10)) console.log(`         ${violation}`);
    if (check.violations.length > 10) console.log(`         … and ${check.violations.length - 10} more`);
    for (const note of check.notes ?? []) console.log(`         allowed: ${note}`);
  }
  const violations = checks.reduce((sum, check) => sum + check.violations.length, 0);
  const retries = outcomes.reduce((sum, outcome) => sum + outcome.attempts - 1, 0);
  const soap = exchanges.filter((exchange) => exchange.body.includes("Envelope")).length;
  console.log("\nChaos run:");
  printTable(
    ["operations", "requests (SOAP)", "faults injected", "retries", "invariants checked", "violations", "hot credit debits/s"],
    [
      [
        `${outcomes.length} in ${run.seconds.toFixed(0)} s`,
        `${exchanges.length} (${soap})`,
        `${faults.injected}: ${faults.windows.map((window) => window.kind).join(", ")}`,
        String(retries),
        String(checks.length),
        String(violations),
        run.hot.perSecond.toFixed(0),
      ],
    ],
  );
  console.log(`Partition: ${BLACKHOLE_MS / 1000} s; SOAP path ${SOAP_PATH}; load average ${loadAverage()}.`);
  return violations === 0 ? 0 : 1;
}

process.exitCode = await main();
