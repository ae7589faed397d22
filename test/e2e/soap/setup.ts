import type { AddressInfo } from "node:net";
import { Decimal } from "decimal.js";
import type { FastifyInstance } from "fastify";
import type { Database } from "../../../src/db/database.js";
import { DEMO_TENANTS } from "../../../src/demo/demo-tenants.js";
import { createCredit, createCreditmemo, createOrder, type OrderOverrides } from "../../../src/demo/factories.js";
import { seedDemoData } from "../../../src/demo/seed.js";
import { MAGENTO_API_USER } from "../../../src/examples/index.js";
import { buildTestApp } from "../../helpers/app.js";
import { appAuth } from "../../helpers/auth.js";
import { openTestDatabase, resetDatabase } from "../../helpers/database.js";
import { type PhpValue, runTypedPhp } from "../../helpers/php.js";

/**
 * What the SOAP e2e files share: the demo data seeded once per file, Tally listening on real ports (one app serving
 * V1 and V2, one with MAGENTO_SOAP_WSI, and any the file adds with its own environment), PHP scripts pointed at them,
 * and the REST routes to compare with.
 */

// Small enough to seed in seconds on PGlite; the documented examples (customer 4, the memos, apiUser) are all in it.
const DEMO_SCALE = 0.01;
const SETUP_TIMEOUT_MS = 120_000;

export const TENANT_ID = MAGENTO_API_USER.tenantId;
/** Great Widgets Canada: website 2 (CAD) and its store, where customer 4's store-credit balance is. */
const CANADA = DEMO_TENANTS[0]?.websites[1];
if (!CANADA || CANADA.websiteId !== 2) throw new Error("the demo set lost Great Widgets' Canadian website");
export const WEBSITE_2 = CANADA;

export interface SoapSuite {
  readonly database: Database;
  /** Base URLs (`http://127.0.0.1:<port>`): `main` serves V1 and V2, `wsi` V2 in WS-I mode, then the file's own. */
  url(app: string): string;
  /** The PHP environment every script gets: BASE (main) and WSI_BASE, plus `env`. */
  php(body: string, env?: Readonly<Record<string, string>>): Promise<Record<string, PhpValue>>;
  /** GET a REST route of the main app as the demo tenant's application. */
  rest(path: string): Promise<{ status: number; body: unknown }>;
  /** Customer 4's (or another's) REST balance on website 2, as the 4-decimal string SOAP answers. */
  restBalance(customerId?: number): Promise<string>;
}

/**
 * PHP functions giving each dialect's SoapClient, built on first use: `v1()`, `v2()` (the main app) and `wsi()`,
 * each loading its WSDL from the app as a client does.
 */
export const PHP_CLIENTS = String.raw`
function v1() { static $client; return $client ??= new SoapClient(getenv('BASE') . '/api/soap/?wsdl'); }
function v2() { static $client; return $client ??= new SoapClient(getenv('BASE') . '/api/v2_soap/?wsdl'); }
function wsi() { static $client; return $client ??= new SoapClient(getenv('WSI_BASE') . '/api/v2_soap/?wsdl'); }
`;

/**
 * Registers the file's beforeAll/afterAll: reset the worker's database (on PostgreSQL it may hold other files' rows;
 * the demo set needs it empty), seed the demo set unless `seed` is false, and listen with one app per environment.
 */
export function useSoapApps(options: { seed?: boolean; apps?: Readonly<Record<string, Readonly<Record<string, string>>>> } = {}): SoapSuite {
  let database: Database | undefined;
  const apps = new Map<string, FastifyInstance>();
  const urls = new Map<string, string>();
  let auth: { authorization: string } | undefined;

  beforeAll(async () => {
    database = await openTestDatabase();
    await resetDatabase(database);
    if (options.seed !== false) await seedDemoData(database.prisma, { scale: DEMO_SCALE });
    const environments = { main: {}, wsi: { MAGENTO_SOAP_WSI: "true" }, ...options.apps };
    for (const [name, env] of Object.entries(environments)) {
      const app = await buildTestApp(database, env);
      apps.set(name, app);
      await app.listen({ port: 0, host: "127.0.0.1" });
      urls.set(name, `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
    }
    auth = await appAuth(apps.get("main")!, TENANT_ID);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    for (const app of apps.values()) await app.close();
    if (database) {
      await resetDatabase(database);
      await database.close();
    }
  });

  const suite: SoapSuite = {
    get database() {
      if (!database) throw new Error("the SOAP suite's database is opened in beforeAll");
      return database;
    },
    url(app) {
      const url = urls.get(app);
      if (!url) throw new Error(`no app "${app}" is listening`);
      return url;
    },
    php(body, env = {}) {
      return runTypedPhp(`${PHP_CLIENTS}\n${body}`, { BASE: suite.url("main"), WSI_BASE: suite.url("wsi"), ...env });
    },
    async rest(path) {
      const response = await fetch(`${suite.url("main")}${path}`, { headers: { ...auth } });
      return { status: response.status, body: await response.json() };
    },
    async restBalance(customerId = 4) {
      const { status, body } = await suite.rest(`/api/commerce/customer/accounts/${customerId}/storecredit?websiteId=${WEBSITE_2.websiteId}`);
      if (status !== 200) throw new Error(`REST balance answered ${status}: ${JSON.stringify(body)}`);
      return new Decimal((body as { amount: number }).amount).toFixed(4);
    },
  };
  return suite;
}

/** An invoiced CAD order of customer 4 (or a guest's, `customerId: null`) in the Canadian store. */
export function canadianOrder(suite: SoapSuite, overrides: OrderOverrides = {}) {
  return createOrder(suite.database.prisma, {
    storeRef: WEBSITE_2.store.id,
    customerId: 4,
    shippingAmount: "10.00",
    items: [
      { price: "30.00", qtyOrdered: 2 },
      { price: "5.00", qtyOrdered: 1 },
    ],
    ...overrides,
  });
}

/**
 * An open memo (state 1, as an online refund awaiting the gateway leaves it) of a new order of customer 4, whose
 * 50.00 refund sits on a new website-2 store credit: what cancel takes back.
 */
export async function openMemoWithStoreCreditRefund(suite: SoapSuite) {
  const prisma = suite.database.prisma;
  const order = await canadianOrder(suite);
  const memo = await createCreditmemo(prisma, {
    order_ref: order.id,
    state: 1,
    bs_customer_bal_total_refunded: "50",
    customer_bal_total_refunded: "50",
  });
  await createCredit(prisma, {
    tenantId: TENANT_ID,
    customerId: 4,
    creditType: "StoreCredit",
    websiteRef: WEBSITE_2.id,
    currencyCode: WEBSITE_2.currency,
    initialBalance: "0",
    transactions: [{ type: "Credit", amount: "50.00", action: "Refunded", creditmemoId: memo.creditmemo_id, orderId: order.incrementId }],
  });
  return memo;
}

/** Opens a session as the demo's apiUser through V1 `login`, for a describe's scripts to share. */
/** The increment ids of the demo tenant's credit memos matching a Prisma filter, oldest first: what a list must answer. */
export async function memoIds(suite: SoapSuite, where: object = {}): Promise<string[]> {
  const memos = await suite.database.prisma.creditmemo.findMany({
    where: { tenant_id: TENANT_ID, ...where },
    orderBy: { creditmemo_id: "asc" },
    select: { increment_id: true },
  });
  return memos.map((memo) => memo.increment_id);
}

export async function demoSession(suite: SoapSuite): Promise<string> {
  const { session } = await suite.php(`report(array('session' => v1()->login('apiUser', 'apiKey')));`);
  if (typeof session !== "string") throw new Error(`login answered ${JSON.stringify(session)}`);
  return session;
}
