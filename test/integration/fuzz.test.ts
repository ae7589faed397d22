import type { FastifyInstance } from "fastify";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ResponseChecker } from "../../scripts/fuzz/check.js";
import { type Call, discover } from "../../scripts/fuzz/context.js";
import { describeFailure, drive } from "../../scripts/fuzz/drive.js";
import { FuzzGenerator } from "../../scripts/fuzz/generate.js";
import { Sender } from "../../scripts/fuzz/send.js";
import { signingKeySealer } from "../../src/auth/secret-box.js";
import { seedDemoData } from "../../src/demo/seed.js";
import { DEMO_APPLICATION, LOYALTY_EXAMPLE, MAGENTO_API_USER } from "../../src/examples/index.js";
import { buildTestApp } from "../helpers/app.js";
import { TEST_KEYS } from "../helpers/auth.js";
import { resetDatabase } from "../helpers/database.js";
import { useTestApp } from "../helpers/harness.js";

/**
 * The seeded part of `npm run fuzz` (scripts/fuzz/README.md) in the test run: the same generator and checks against
 * the app on this run's database, over a real socket so that mis-encoded targets and repeated headers arrive as sent.
 * The demo data set (small) gives the requests real credits, credit memos, a SOAP user and the loyalty campaign. The
 * WS-I requests go to a second app on the same database with MAGENTO_SOAP_WSI=true, as `npm run fuzz` does.
 */

const SEED = 16;
const REQUESTS = 2_000;
const OPENAPI = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../openapi/openapi.json"), "utf8")) as ConstructorParameters<
  typeof FuzzGenerator
>[0]["openapi"];

// Rate limits off and the token limit at its maximum, as `npm run fuzz` runs: otherwise the run measures the limiter.
const ENV = { RATE_LIMIT_PER_MINUTE: "0", TOKEN_RATE_LIMIT_PER_MINUTE: "10000" };
const harness = useTestApp({ reset: false, env: ENV });
let wsiApp: FastifyInstance;
let sender: Sender;
let wsiSender: Sender;
let generator: FuzzGenerator;

async function listening(app: FastifyInstance): Promise<Sender> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  return new Sender("127.0.0.1", (app.server.address() as AddressInfo).port, 4);
}

function setupCall(through: Sender): Call {
  return async (method, target, headers, body) => {
    const response = await through.send({ face: "rest", operation: "setup", method, path: target, headers, ...(body === undefined ? {} : { body: Buffer.from(body) }) });
    return { status: response.status, text: response.body.toString("utf8") };
  };
}

beforeAll(async () => {
  // The worker's database still holds the last test's rows of the file that ran before on it; the seed needs it empty.
  await resetDatabase(harness.database);
  await seedDemoData(harness.database.prisma, { scale: 0.01, sealer: signingKeySealer(TEST_KEYS) });
  sender = await listening(harness.app);
  wsiApp = await buildTestApp(harness.database, { ...ENV, MAGENTO_SOAP_WSI: "true" });
  wsiSender = await listening(wsiApp);
  const other = await harness.database.prisma.tenant.findFirstOrThrow({ where: { id: { not: DEMO_APPLICATION.tenantId } }, orderBy: { id: "asc" } });
  const { context, sources } = await discover(
    setupCall(sender),
    setupCall(wsiSender),
    {
      tenantId: DEMO_APPLICATION.tenantId,
      application: { clientId: DEMO_APPLICATION.clientId, clientSecret: DEMO_APPLICATION.clientSecret },
      otherTenant: { tenantId: other.id, clientId: `TALLY_DEMO.${other.id}`, clientSecret: `${other.id}_Secret` },
      shopperSecret: TEST_KEYS.SHOPPER_TOKEN_SECRET,
      soap: { username: MAGENTO_API_USER.username, apiKey: MAGENTO_API_USER.apiKey },
      loyalty: { userId: LOYALTY_EXAMPLE.userId, password: LOYALTY_EXAMPLE.userPassword, accountId: LOYALTY_EXAMPLE.accountCode, campaignId: String(LOYALTY_EXAMPLE.campaignId) },
    },
    OPENAPI,
  );
  generator = new FuzzGenerator(sources, context, SEED);
}, 60_000);

afterAll(async () => {
  sender?.close();
  wsiSender?.close();
  await wsiApp?.close();
});

test(`${REQUESTS} seeded hostile requests: no 5xx, every answer as its face's contract says`, async () => {
  const tally = await drive({ generator, checker: new ResponseChecker(OPENAPI), send: (request) => (request.server === "wsi" ? wsiSender : sender).send(request), from: 0, requests: REQUESTS, concurrency: 4 });
  const failures = tally.failures.map((failure) => describeFailure(failure, SEED)).join("\n\n");
  expect({ serverErrors: tally.serverErrors, violations: tally.violations, failures }).toEqual({ serverErrors: 0, violations: 0, failures: "" });
  // Every operation of the document was reached, and most of them got past validation to a 2xx at least once.
  const sent = new Set(tally.operations.keys());
  expect(generator.operations().filter((operation) => !sent.has(operation))).toEqual([]);
  expect(generator.soapOperations().wsi.filter((operation) => !sent.has(`SOAP wsi ${operation}`))).toEqual([]);
  expect(tally.byClass["2xx"]).toBeGreaterThan(REQUESTS / 10);
}, 90_000);
