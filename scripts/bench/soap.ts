/**
 * `npm run bench:soap`: the server CPU time Magento's `storecredit.balance` costs over SOAP V2, next to the same
 * balance read from the REST route, measured in one run against one Tally.
 *
 *   npm run bench:soap -- [--duration 10] [--connections 16] [--rounds 3] [--warmup 5] [--scale 0.05] [--pool 10]
 *                         [--source] [--cpu-prof DIR] [--keep]
 *
 * Creates a throwaway PostgreSQL database — BENCH_DATABASE_URL as given, else `tally_bench_soap` on the server of
 * DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/tally_bench_soap — migrates it and loads the demo data set
 * (small by default: the balance read does not depend on volume). It builds Tally (`npm run build`) and starts
 * `node dist/server.js` as a child process with production settings (--source runs src/server.ts through tsx
 * instead), so the load generator, autocannon in this process, never shares the server's CPU accounting. It takes an
 * application token and logs in over SOAP V2 with the envelope PHP's SoapClient sends, checks that both faces answer
 * the same amount, warms both up, then runs alternating rounds (REST, SOAP, SOAP, REST, …) and reads the server's
 * CPU time (utime + stime from /proc/<pid>/stat) around each. On a shared machine CPU per request is the number that
 * does not depend on the neighbours; req/s and latency are printed for context. Exits 1 when SOAP's CPU per request
 * is above RATIO_TARGET times REST's. --cpu-prof DIR writes the server's V8 CPU profile there when it stops.
 * The database is dropped at the end unless --keep.
 */
import type { ChildProcess } from "node:child_process";
import os from "node:os";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { Decimal } from "decimal.js";
import { openDatabase } from "../../src/db/database.js";
import { applyMigrations, readMigrations } from "../../src/db/migrate.js";
import { seedDemoData } from "../../src/demo/seed.js";
import { DEMO_APPLICATION, MAGENTO_API_USER, MAGENTO_BALANCE_CUSTOMER_ID } from "../../src/examples/index.js";
import {
  benchDatabaseUrl,
  buildTally,
  clockTicksPerSecond,
  cpuTicks,
  freePort,
  loadAverage,
  positiveFlag,
  printTable,
  startProductionServer,
  stopServer,
  timed,
  waitUntilReady,
  withThrowawayDatabase,
} from "./shared.js";

// The shared declaration covers GET benchmarks; SOAP needs a POST body, and every answer is compared to the checked one.
type LoadOptions = Parameters<typeof autocannon>[0] & { method?: "GET" | "POST"; body?: string; expectBody?: string };
type LoadResult = Awaited<ReturnType<typeof autocannon>> & { "2xx": number; mismatches: number };
const runLoad = autocannon as unknown as (options: LoadOptions) => Promise<LoadResult>;

const { values: flags } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "16" },
    rounds: { type: "string", default: "3" },
    warmup: { type: "string", default: "5" },
    scale: { type: "string", default: "0.05" },
    pool: { type: "string", default: "10" },
    source: { type: "boolean", default: false },
    "cpu-prof": { type: "string" },
    keep: { type: "boolean", default: false },
  },
});

const DURATION = positiveFlag(flags, "duration");
const CONNECTIONS = positiveFlag(flags, "connections");
const ROUNDS = positiveFlag(flags, "rounds");
const WARMUP = positiveFlag(flags, "warmup");
const POOL = positiveFlag(flags, "pool");
const SCALE = Number(flags.scale);
if (!(SCALE > 0)) throw new Error(`--scale must be a positive number, got ${flags.scale}`);

const RATIO_TARGET = 1.5;
const SETTLE_MS = 500;
// Magento's storecredit.balance example: customer 4 in website 2 of tenant 26507, where the demo API user is.
const CUSTOMER_ID = MAGENTO_BALANCE_CUSTOMER_ID;
const WEBSITE_ID = 2;
const URL_ = benchDatabaseUrl("tally_bench_soap");

async function main(): Promise<void> {
  console.log(`Load average ${loadAverage()}; ${os.cpus().length} CPUs; Node.js ${process.version}.`);
  await withThrowawayDatabase(URL_, flags.keep, async (name) => {
    await timed(`migrated and seeded ${name} (demo data, scale ${SCALE})`, loadData);
    if (!flags.source) await buildTally();
    if (!(await benchmark())) process.exitCode = 1;
  });
}

async function loadData(): Promise<void> {
  const database = await openDatabase({ url: URL_, poolSize: 2, connectTimeoutMs: 10_000, dataDir: "memory://" });
  try {
    await database.withSession((sql) => applyMigrations(sql, readMigrations()));
    await seedDemoData(database.prisma, { scale: SCALE });
    // The planner's statistics for freshly bulk-loaded tables, as autovacuum would have them in a while.
    await database.withSession((sql) => sql.exec("VACUUM ANALYZE"));
  } finally {
    await database.close();
  }
}

/** A request one of the faces answers, and the exact body every answer during a round must be. */
interface Case {
  name: "REST" | "SOAP";
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  expectBody: string;
}

interface Round {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: number;
}

/** Starts the server, checks both faces, measures; true when SOAP stays within the target. */
async function benchmark(): Promise<boolean> {
  const port = await freePort();
  const server = startServer(port);
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitUntilReady(base, server);
    const cases = await prepareCases(base);
    console.log(
      `\nServer pid ${server.pid} (${flags.source ? "tsx src/server.ts" : "node dist/server.js"}); ` +
        `${CONNECTIONS} connections, ${WARMUP} s warm-up per face, ${ROUNDS} rounds of ${DURATION} s per face.`,
    );
    for (const benchCase of Object.values(cases)) {
      await drive(benchCase, WARMUP);
      await settle();
    }

    const rounds: Record<Case["name"], Round[]> = { REST: [], SOAP: [] };
    const ticksPerSecond = clockTicksPerSecond();
    for (let pair = 0; pair < ROUNDS; pair += 1) {
      // ABBA order: a drift in the machine's load over the run weighs on both faces alike.
      const order: Case["name"][] = pair % 2 === 0 ? ["REST", "SOAP"] : ["SOAP", "REST"];
      for (const name of order) {
        const before = cpuTicks(server);
        const result = await drive(cases[name], DURATION);
        // The requests still in flight when autocannon stopped are this round's work: let them finish first.
        await settle();
        const ticks = cpuTicks(server) - before;
        const requests = result.requests.total;
        const round: Round = {
          requests,
          rps: requests / result.duration,
          p50: result.latency.p50,
          p99: result.latency.p99,
          cpuMsPerRequest: ((ticks / ticksPerSecond) * 1000) / requests,
        };
        rounds[name].push(round);
        console.log(
          `  ${name}: ${requests} requests, ${round.rps.toFixed(0)} req/s, p50 ${round.p50} ms, p99 ${round.p99} ms, ` +
            `server CPU ${round.cpuMsPerRequest.toFixed(3)} ms/request (load ${loadAverage()})`,
        );
      }
    }
    return report(rounds);
  } finally {
    await stopServer(server);
  }
}

function startServer(port: number): ChildProcess {
  return startProductionServer({ port, databaseUrl: URL_, poolSize: POOL, cpuProfileDir: flags["cpu-prof"], source: flags.source });
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

// What PHP's SoapClient sends for Tally's V2 WSDL (captured with __getLastRequest and its headers), byte for byte.
const PHP_SOAP_HEADERS = {
  "user-agent": "PHP-SOAP/8.2.36",
  "content-type": "text/xml; charset=utf-8",
  soapaction: '"urn:Mage_Api_Model_Server_V2_HandlerAction"',
};

function phpEnvelope(operation: string, parts: Record<string, string>): string {
  const elements = Object.entries(parts)
    .map(([part, value]) => `<${part} xsi:type="xsd:string">${value}</${part}>`)
    .join("");
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="urn:Magento" ' +
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
    'xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">' +
    `<SOAP-ENV:Body><ns1:${operation}>${elements}</ns1:${operation}></SOAP-ENV:Body></SOAP-ENV:Envelope>\n`
  );
}

async function soapCall(endpoint: string, body: string): Promise<string> {
  const response = await fetch(endpoint, { method: "POST", headers: PHP_SOAP_HEADERS, body });
  const text = await response.text();
  if (response.status !== 200 || text.includes(":Fault>")) throw new Error(`SOAP answered ${response.status}: ${text}`);
  return text;
}

function elementText(document: string, local: string): string {
  const match = new RegExp(`<${local}(?:\\s[^>]*)?>([^<]*)</${local}>`).exec(document);
  if (!match?.[1]) throw new Error(`no <${local}> in ${document}`);
  return match[1];
}

/** Authenticates both faces, and refuses to measure two faces that disagree on the balance. */
async function prepareCases(base: string): Promise<Record<Case["name"], Case>> {
  const ticket = await fetch(`${base}/api/platform/applications/authtickets/oauth`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_id: DEMO_APPLICATION.clientId, client_secret: DEMO_APPLICATION.clientSecret, grant_type: "client_credentials" }),
  });
  if (!ticket.ok) throw new Error(`authticket: ${ticket.status} ${await ticket.text()}`);
  const { access_token: token, scope } = (await ticket.json()) as { access_token: string; scope: string };
  if (!scope.split(" ").includes("BalanceRead")) throw new Error(`the demo application lacks BalanceRead: ${scope}`);

  const soapEndpoint = `${base}/api/v2_soap/index/`;
  const sessionId = elementText(
    await soapCall(soapEndpoint, phpEnvelope("login", { username: MAGENTO_API_USER.username, apiKey: MAGENTO_API_USER.apiKey })),
    "loginReturn",
  );

  const rest: Case = {
    name: "REST",
    url: `${base}/api/commerce/customer/accounts/${CUSTOMER_ID}/storecredit?websiteId=${WEBSITE_ID}`,
    method: "GET",
    headers: { authorization: `Bearer ${token}`, "x-vol-tenant": String(DEMO_APPLICATION.tenantId) },
    expectBody: "",
  };
  const soapBody = phpEnvelope("enterpriseCustomerbalanceBalance", {
    sessionId,
    customerId: String(CUSTOMER_ID),
    websiteId: String(WEBSITE_ID),
  });
  const soap: Case = { name: "SOAP", url: soapEndpoint, method: "POST", headers: PHP_SOAP_HEADERS, body: soapBody, expectBody: "" };

  const restResponse = await fetch(rest.url, { headers: rest.headers });
  rest.expectBody = await restResponse.text();
  if (restResponse.status !== 200) throw new Error(`REST answered ${restResponse.status}: ${rest.expectBody}`);
  soap.expectBody = await soapCall(soapEndpoint, soapBody);

  const restAmount = (JSON.parse(rest.expectBody) as { amount: number }).amount;
  const soapAmount = elementText(soap.expectBody, "result");
  // REST's amount is a JSON number (341.45), SOAP's Magento's four-decimal string (341.4500): equal as decimals.
  if (!new Decimal(soapAmount).equals(new Decimal(String(restAmount)))) {
    throw new Error(`the faces disagree: REST ${restAmount}, SOAP ${soapAmount}`);
  }
  console.log(`Customer ${CUSTOMER_ID}, website ${WEBSITE_ID}: REST ${restAmount}, SOAP ${soapAmount} — the same amount.`);
  return { REST: rest, SOAP: soap };
}

/** One autocannon run; fails on any answer that is not the checked 200 (a SOAP fault is a 500, or another body). */
async function drive(benchCase: Case, duration: number): Promise<LoadResult> {
  const result = await runLoad({
    url: benchCase.url,
    method: benchCase.method,
    headers: benchCase.headers,
    ...(benchCase.body === undefined ? {} : { body: benchCase.body }),
    expectBody: benchCase.expectBody,
    connections: CONNECTIONS,
    duration,
  });
  const bad = { "non-2xx": result.non2xx, errors: result.errors, timeouts: result.timeouts, "other bodies": result.mismatches };
  const problems = Object.entries(bad).filter(([, count]) => count > 0);
  if (problems.length > 0 || result["2xx"] !== result.requests.total || result.requests.total === 0) {
    throw new Error(
      `${benchCase.name}: ${result["2xx"]} of ${result.requests.total} answers were 200; ` +
        problems.map(([what, count]) => `${count} ${what}`).join(", "),
    );
  }
  return result;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function spread(values: readonly number[], digits: number): string {
  const text = (value: number) => value.toFixed(digits);
  return `${text(median(values))} (${text(Math.min(...values))}–${text(Math.max(...values))})`;
}

/** Prints the medians (min–max) per face and SOAP's CPU per request over REST's; true when within the target. */
function report(rounds: Record<Case["name"], Round[]>): boolean {
  const rows = (["REST", "SOAP"] as const).map((name) => {
    const of = (field: keyof Round) => rounds[name].map((round) => round[field]);
    return [name, spread(of("requests"), 0), spread(of("rps"), 0), spread(of("p50"), 0), spread(of("p99"), 0), spread(of("cpuMsPerRequest"), 3)];
  });
  console.log(`\nMedians (min–max) of ${ROUNDS} rounds of ${DURATION} s, ${CONNECTIONS} connections; load average ${loadAverage()}\n`);
  printTable(["face", "requests", "req/s", "p50 ms", "p99 ms", "server CPU ms/request"], rows);
  const cpu = (name: Case["name"]) => median(rounds[name].map((round) => round.cpuMsPerRequest));
  const ratio = cpu("SOAP") / cpu("REST");
  // Each SOAP round over the REST round next to it: how much of the ratio is the machine's noise.
  const pairs = rounds.SOAP.map((round, index) => round.cpuMsPerRequest / (rounds.REST[index] as Round).cpuMsPerRequest);
  const passed = ratio <= RATIO_TARGET;
  console.log(
    `\nSOAP ÷ REST server CPU per request: ${ratio.toFixed(2)}× (round by round ${Math.min(...pairs).toFixed(2)}–` +
      `${Math.max(...pairs).toFixed(2)}×); target ≤ ${RATIO_TARGET}×: ${passed ? "met" : "MISSED"}.`,
  );
  return passed;
}

await main();
