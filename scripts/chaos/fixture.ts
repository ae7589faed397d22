import { execFileSync } from "node:child_process";
import path from "node:path";
import { pushSigningKey, secretBox } from "../../src/auth/secret-box.js";
import { BEHAVIORS } from "../../src/auth/caller.js";
import { generateSecret, hashSecret } from "../../src/auth/secrets.js";
import { openDatabase } from "../../src/db/database.js";
import { createCredit, createOrder } from "../../src/demo/factories.js";
import { MAGENTO_API_USER } from "../../src/examples/index.js";

/** What the load runs against, made in the demo tenant (where the seed put the Magento API user SOAP signs in as). */
export interface Fixture {
  tenantId: number;
  /** The applications the load spreads its REST calls over, so no one of them meets the rate limit. */
  loadApps: { clientId: string; secret: string }[];
  /** One more application, for the rate limit's burst only. */
  burstApp: { clientId: string; secret: string };
  codes: string[];
  hotCode: string;
  /** Invoiced orders no memo has touched, each refunded at most once by the load. */
  orders: string[];
  customerIds: number[];
  websiteId: number;
}

const ROOT = path.resolve(import.meta.dirname, "../..");
const TENANT = MAGENTO_API_USER.tenantId;

/** `npm run db:migrate` then `npm run db:seed`, the project's own commands, straight to PostgreSQL (never the pooler). */
export function migrateAndSeed(directUrl: string, keys: Record<string, string>): void {
  const env = { PATH: process.env["PATH"], DATABASE_URL: directUrl, ...keys };
  for (const script of ["db:migrate", "db:seed"]) execFileSync("npm", ["run", "--silent", script], { cwd: ROOT, env, stdio: ["ignore", "ignore", "inherit"] });
}

export async function buildFixture(
  directUrl: string,
  eventKeys: string,
  sizes: { apps: number; credits: number; orders: number },
): Promise<Fixture> {
  const database = await openDatabase({ url: directUrl, poolSize: 4, connectTimeoutMs: 10_000, dataDir: "" });
  try {
    const prisma = database.prisma;
    const store = await prisma.store.findFirstOrThrow({ where: { tenantId: TENANT }, orderBy: { id: "asc" } });
    const website = await prisma.website.findUniqueOrThrow({ where: { id: store.websiteId } });
    const customers = await prisma.customer.findMany({ where: { tenantId: TENANT }, select: { customerId: true }, take: 500, orderBy: { id: "asc" } });
    // Only the run's own subscription is delivered to: the demo's point at hosts that are not there.
    await prisma.eventSubscription.updateMany({ where: { tenantId: TENANT }, data: { isActive: false } });
    const box = secretBox(eventKeys);
    const application = async (clientId: string) => {
      const secret = generateSecret();
      await prisma.application.create({
        data: { tenantId: TENANT, clientId, name: clientId, secretHash: await hashSecret(secret), behaviors: [...BEHAVIORS], signingKey: box.seal(pushSigningKey(secret)) },
      });
      return { clientId, secret };
    };
    const loadApps = [];
    for (let index = 0; index < sizes.apps; index += 1) loadApps.push(await application(`chaos.load.${index}`));
    const burstApp = await application("chaos.burst");
    const codes: string[] = [];
    for (let index = 0; index < sizes.credits; index += 1) {
      // A quarter are customers' (their balance events lock the customer row); the rest gift cards of no one, as
      // most are: with every credit a customer's, the customers' rows, not the credits', would be what queues.
      const customerId = index % 4 === 0 ? (customers[index % customers.length]?.customerId ?? null) : null;
      codes.push((await createCredit(prisma, { tenantId: TENANT, code: `CHAOS-${index}`, initialBalance: "200.00", customerId })).code);
    }
    const hotCode = (await createCredit(prisma, { tenantId: TENANT, code: "CHAOS-HOT", initialBalance: "1000000.00" })).code;
    const orders: string[] = [];
    for (let index = 0; index < sizes.orders; index += 1) {
      const customerId = customers[index % customers.length]?.customerId ?? null;
      const order = await createOrder(prisma, { storeRef: store.id, customerId, incrementId: `9${String(index).padStart(8, "0")}`, items: [{ price: "40.00" }] });
      orders.push(order.incrementId);
    }
    await database.withSession((sql) => sql.exec("VACUUM ANALYZE"));
    return {
      tenantId: TENANT,
      loadApps,
      burstApp,
      codes,
      hotCode,
      orders,
      customerIds: customers.map((customer) => customer.customerId),
      websiteId: website.websiteId,
    };
  } finally {
    await database.close();
  }
}

/** `npm run subscription:create`: the run's receiver, subscribed to every topic as the first load application. */
export function subscribe(url: string, clientId: string, endpoint: string, keys: Record<string, string>): void {
  execFileSync("npm", ["run", "--silent", "subscription:create", "--", "--client-id", clientId, "--endpoint", endpoint, "--topics", "all"], {
    cwd: ROOT,
    env: { PATH: process.env["PATH"], DATABASE_URL: url, EVENT_ALLOW_HTTP: "true", EVENT_ALLOWED_HOSTS: "127.0.0.1", ...keys },
    stdio: ["ignore", "ignore", "inherit"],
  });
}
