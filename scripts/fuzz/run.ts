/**
 * `npm run fuzz`: hostile input over every route of a production Tally, on PostgreSQL and on the embedded database.
 *
 *   npm run fuzz -- [--requests 100000] [--seed S] [--db pg|pglite|both] [--from 0] [--concurrency 8]
 *                   [--scale 0.05] [--max-rss-growth 64] [--keep] [--skip-build]
 *
 * For each database it migrates a throwaway one (PostgreSQL: `tally_fuzz` on the server of DATABASE_URL, else on
 * 127.0.0.1:5432, created and dropped; PGlite: a temporary data directory), loads the demo data set, builds Tally
 * (`npm run build`) and starts `node dist/server.js` with NODE_ENV=production (rate limits off, the token limit at
 * its maximum: the run would otherwise measure the limiter), signs in as the demo's clients do, and sends `--requests`
 * generated requests (scripts/fuzz/generate.ts; request i of a seed is always the same request), the WS-I ones to a
 * second Tally started with MAGENTO_SOAP_WSI=true on the same data (a copy of it on PGlite). Every answer is
 * checked (scripts/fuzz/check.ts) and the server's RSS sampled from /proc every second. It prints a table per
 * database and exits 1 on any 5xx, any answer that does not conform, or an RSS peak in the run's second half more
 * than --max-rss-growth MB above the peak between its first tenth (the warm-up) and half-way, printing each failing request with its seed and index.
 * --skip-build runs the dist/ already built (replaying one request after a build, say).
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { signingKeySealer } from "../../src/auth/secret-box.js";
import { openDatabase } from "../../src/db/database.js";
import { applyMigrations, readMigrations } from "../../src/db/migrate.js";
import { seedDemoData } from "../../src/demo/seed.js";
import { DEMO_APPLICATION, LOYALTY_EXAMPLE, MAGENTO_API_USER } from "../../src/examples/index.js";
import {
  benchDatabaseUrl,
  buildTally,
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
} from "../bench/shared.js";
import { ResponseChecker } from "./check.js";
import { type Call, type Credentials, discover } from "./context.js";
import { type Tally, describeFailure, drive } from "./drive.js";
import { FuzzGenerator } from "./generate.js";
import { Sender } from "./send.js";

const { values: flags } = parseArgs({
  options: {
    requests: { type: "string", default: "100000" },
    seed: { type: "string" },
    db: { type: "string", default: "both" },
    from: { type: "string", default: "0" },
    concurrency: { type: "string", default: "8" },
    scale: { type: "string", default: "0.05" },
    "max-rss-growth": { type: "string", default: "64" },
    keep: { type: "boolean", default: false },
    "skip-build": { type: "boolean", default: false },
  },
});

const REQUESTS = positiveFlag(flags, "requests");
const CONCURRENCY = positiveFlag(flags, "concurrency");
const MAX_RSS_GROWTH = positiveFlag(flags, "max-rss-growth");
const FROM = Number(flags.from);
const SCALE = Number(flags.scale);
const SEED = flags.seed === undefined ? randomBytes(4).readUInt32BE() : Number(flags.seed);
if (!Number.isSafeInteger(FROM) || FROM < 0) throw new Error(`--from must be a non-negative integer, got ${flags.from}`);
if (!Number.isSafeInteger(SEED) || SEED < 0 || SEED > 0xffffffff) throw new Error(`--seed must be an integer 0–4294967295, got ${flags.seed}`);
if (!(SCALE > 0)) throw new Error(`--scale must be a positive number, got ${flags.scale}`);
if (!["pg", "pglite", "both"].includes(flags.db)) throw new Error(`--db must be pg, pglite or both, got ${flags.db}`);

const ROOT = path.resolve(import.meta.dirname, "../..");
const OPENAPI = JSON.parse(readFileSync(path.join(ROOT, "openapi/openapi.json"), "utf8")) as ConstructorParameters<typeof FuzzGenerator>[0]["openapi"];

/** Fresh keys for one run: the shopper secret is the storefront's, so the fuzzer signs shopper tokens with it. */
const KEYS = {
  AUTH_SIGNING_KEYS: `fuzz:${randomBytes(24).toString("hex")}`,
  SHOPPER_TOKEN_SECRET: randomBytes(24).toString("hex"),
  EVENT_SECRET_KEYS: `fuzz:${randomBytes(32).toString("base64")}`,
};

interface Result {
  db: string;
  tally: Tally;
  /**
   * Peaks after the warm-up (the first tenth) up to half-way, and over the second half: a leak shows as the second
   * higher than the first; a heap that only breathes does not.
   */
  rss: { start: number; firstHalfPeak: number; secondHalfPeak: number; end: number; max: number };
}

/** Migrates and seeds the database, returning a second tenant's id for the cross-tenant requests. */
async function loadData(options: { url?: string; dataDir: string }): Promise<number> {
  const database = await openDatabase({ ...options, poolSize: 2, connectTimeoutMs: 10_000, role: "fuzz" });
  try {
    await database.withSession((sql) => applyMigrations(sql, readMigrations()));
    await seedDemoData(database.prisma, { scale: SCALE, sealer: signingKeySealer(KEYS) });
    const other = await database.prisma.tenant.findFirst({ where: { id: { not: DEMO_APPLICATION.tenantId } }, orderBy: { id: "asc" } });
    if (!other) throw new Error("the demo data set has a single tenant");
    return other.id;
  } finally {
    await database.close();
  }
}

/** Production's settings, the keys the seed sealed its secrets with, and no limit on minting tokens. */
function startServer(port: number, database: Record<string, string>, log: number): ChildProcess {
  const env = { ...KEYS, TOKEN_RATE_LIMIT_PER_MINUTE: "10000", EMBEDDED_SOCKET_PORT: "0", ...database };
  return startProductionServer({ port, env, stdout: log });
}

/** A Tally's setup requests (sign-ins, reading what exists) through the sender the run uses for it. */
function setupCall(sender: Sender): Call {
  return async (method, target, headers, body) => {
    const response = await sender.send({ face: "rest", operation: "setup", method, path: target, headers, ...(body === undefined ? {} : { body: Buffer.from(body) }) });
    return { status: response.status, text: response.body.toString("utf8") };
  };
}

/**
 * Fuzzes the Tally on `database`, and a second one with MAGENTO_SOAP_WSI=true on `wsiDatabase` for the WS-I requests
 * (a Tally serves V2 or WS-I at /api/v2_soap/). RSS is the first one's: it answers all but the WS-I requests.
 */
async function fuzz(db: string, database: Record<string, string>, wsiDatabase: Record<string, string>, otherTenantId: number, logFile: string): Promise<Result> {
  const port = await freePort();
  const server = startServer(port, database, openSync(logFile, "a"));
  const wsiPort = await freePort();
  const wsiLogFile = logFile.replace(/\.log$/, "-wsi.log");
  const wsiServer = startServer(wsiPort, { ...wsiDatabase, MAGENTO_SOAP_WSI: "true" }, openSync(wsiLogFile, "a"));
  const sender = new Sender("127.0.0.1", port, CONCURRENCY);
  const wsiSender = new Sender("127.0.0.1", wsiPort, CONCURRENCY);
  let sampler: NodeJS.Timeout | undefined;
  try {
    await waitUntilReady(`http://127.0.0.1:${port}`, server);
    await waitUntilReady(`http://127.0.0.1:${wsiPort}`, wsiServer);
    const credentials: Credentials = {
      tenantId: DEMO_APPLICATION.tenantId,
      application: { clientId: DEMO_APPLICATION.clientId, clientSecret: DEMO_APPLICATION.clientSecret },
      otherTenant: { tenantId: otherTenantId, clientId: `TALLY_DEMO.${otherTenantId}`, clientSecret: `${otherTenantId}_Secret` },
      shopperSecret: KEYS.SHOPPER_TOKEN_SECRET,
      soap: { username: MAGENTO_API_USER.username, apiKey: MAGENTO_API_USER.apiKey },
      loyalty: { userId: LOYALTY_EXAMPLE.userId, password: LOYALTY_EXAMPLE.userPassword, accountId: LOYALTY_EXAMPLE.accountCode, campaignId: String(LOYALTY_EXAMPLE.campaignId) },
    };
    const { context, sources } = await discover(setupCall(sender), setupCall(wsiSender), credentials, OPENAPI);
    const generator = new FuzzGenerator(sources, context, SEED);
    const checker = new ResponseChecker(OPENAPI);
    const pid = server.pid as number;
    const rss = { start: residentMegabytes(pid), firstHalfPeak: 0, secondHalfPeak: 0, end: 0, max: 0 };
    rss.max = rss.start;
    sampler = setInterval(() => {
      rss.max = Math.max(rss.max, residentMegabytes(pid));
    }, 1000);
    console.log(`  ${db}: server pid ${pid} on port ${port}, log ${logFile}; RSS ${rss.start.toFixed(0)} MB; ${REQUESTS} requests from ${FROM}, ${CONCURRENCY} at a time`);
    console.log(`  ${db}: the WS-I server pid ${wsiServer.pid} on port ${wsiPort}, log ${wsiLogFile}`);
    const tally = await drive({
      generator,
      checker,
      send: (request) => (request.server === "wsi" ? wsiSender : sender).send(request),
      from: FROM,
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      onProgress(done) {
        const current = residentMegabytes(pid);
        if (done > REQUESTS / 2) rss.secondHalfPeak = Math.max(rss.secondHalfPeak, current);
        else if (done > REQUESTS / 10) rss.firstHalfPeak = Math.max(rss.firstHalfPeak, current);
        if (done % 10_000 === 0) console.log(`    ${done} requests, RSS ${current.toFixed(0)} MB, load ${loadAverage()}`);
      },
    });
    rss.end = residentMegabytes(pid);
    rss.max = Math.max(rss.max, rss.end);
    rss.secondHalfPeak = Math.max(rss.secondHalfPeak, rss.end);
    if (rss.firstHalfPeak === 0) rss.firstHalfPeak = rss.start;
    for (const [name, child] of [["server", server], ["WS-I server", wsiServer]] as const) {
      if (child.exitCode !== null) throw new Error(`the ${name} exited with ${child.exitCode} during the run (logs: ${logFile}, ${wsiLogFile})`);
    }
    return { db, tally, rss };
  } finally {
    clearInterval(sampler);
    sender.close();
    wsiSender.close();
    await Promise.all([stopServer(server), stopServer(wsiServer)]);
  }
}

function report(results: Result[]): boolean {
  console.log(`\nSeed ${SEED}, requests ${FROM}–${FROM + REQUESTS - 1}; load average ${loadAverage()}; ${os.cpus().length} CPUs; Node.js ${process.version}\n`);
  printTable(
    ["db", "requests", "2xx", "3xx", "4xx", "5xx", "SOAP client faults", "server errors", "violations", "RSS start / end / max MB", "RSS peak growth MB", "req/s"],
    results.map(({ db, tally, rss }) => [
      db,
      String(tally.requests),
      String(tally.byClass["2xx"]),
      String(tally.byClass["3xx"]),
      String(tally.byClass["4xx"]),
      String(tally.byClass["5xx"]),
      String(tally.soapClientFaults),
      String(tally.serverErrors),
      String(tally.violations),
      `${rss.start.toFixed(0)} / ${rss.end.toFixed(0)} / ${rss.max.toFixed(0)}`,
      (rss.secondHalfPeak - rss.firstHalfPeak).toFixed(0),
      (tally.requests / tally.seconds).toFixed(0),
    ]),
  );
  let passed = true;
  for (const { db, tally, rss } of results) {
    const unanswered = [...tally.operations].filter(([, counts]) => counts.ok === 0).map(([operation]) => operation);
    if (unanswered.length > 0) console.log(`\n${db}: operations that never answered 2xx (reached only with mistakes): ${unanswered.join(", ")}`);
    const growth = rss.secondHalfPeak - rss.firstHalfPeak;
    if (growth > MAX_RSS_GROWTH) {
      passed = false;
      console.log(`\n${db}: RSS peaked ${growth.toFixed(0)} MB higher in the run's second half than in its first (limit ${MAX_RSS_GROWTH} MB).`);
    }
    if (tally.serverErrors > 0 || tally.violations > 0) {
      passed = false;
      console.log(`\n${db}: ${tally.serverErrors} server errors, ${tally.violations} non-conforming answers, by kind:`);
      for (const [kind, count] of tally.failureKinds) console.log(`  ${String(count).padStart(6)}  ${kind}`);
      console.log(`\nThe first request of each kind:\n`);
      for (const failure of tally.failures) console.log(`${describeFailure(failure, SEED)}\n`);
    }
  }
  console.log(passed ? "\nPASS: no server errors, every answer conforms, RSS stayed flat." : "\nFAIL");
  return passed;
}

async function main(): Promise<void> {
  console.log(`Fuzzing with seed ${SEED}. Load average ${loadAverage()}.`);
  if (!flags["skip-build"]) await buildTally();
  const results: Result[] = [];
  const logDir = mkdtempSync(path.join(os.tmpdir(), "tally-fuzz-logs-"));
  if (flags.db !== "pglite") {
    const url = benchDatabaseUrl("tally_fuzz");
    await withThrowawayDatabase(url, flags.keep, async (name) => {
      const other = await timed(`migrated and seeded ${name} (demo data, scale ${SCALE})`, () => loadData({ url, dataDir: "memory://" }));
      results.push(await fuzz("PostgreSQL", { DATABASE_URL: url }, { DATABASE_URL: url }, other, path.join(logDir, "postgresql.log")));
    });
  }
  if (flags.db !== "pg") {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "tally-fuzz-pglite-"));
    // One process holds a PGlite data directory: the WS-I server gets a copy of the seeded one.
    const wsiDataDir = `${dataDir}-wsi`;
    try {
      const other = await timed(`migrated and seeded PGlite in ${dataDir} (demo data, scale ${SCALE})`, () => loadData({ dataDir }));
      cpSync(dataDir, wsiDataDir, { recursive: true });
      const embedded = (directory: string) => ({ EMBEDDED_DATABASE: "true", EMBEDDED_DATA_DIR: directory });
      results.push(await fuzz("PGlite", embedded(dataDir), embedded(wsiDataDir), other, path.join(logDir, "pglite.log")));
    } finally {
      if (!flags.keep) for (const directory of [dataDir, wsiDataDir]) rmSync(directory, { recursive: true, force: true });
    }
  }
  if (!report(results)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
