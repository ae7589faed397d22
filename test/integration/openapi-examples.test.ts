import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import request from "supertest";
import type { Database } from "../../src/db/database.js";
import { seedDemoData } from "../../src/demo/seed.js";
import { buildTestApp } from "../helpers/app.js";
import { openTestDatabase, resetDatabase } from "../helpers/database.js";

// The document's examples are rows of the demo data set as seeded on this day (its dates are relative to the
// seeding day). Seeding the same day again must answer exactly what the document shows.
const DOCUMENTED_SEED_DAY = new Date("2026-12-01T00:00:00Z");

type Schema = { examples?: unknown[] };
type Parameter = { name: string; examples?: Record<string, { value: string }> };
const document = JSON.parse(readFileSync("openapi/openapi.json", "utf8")) as {
  components: { schemas: Record<string, Schema> };
  paths: Record<string, Record<string, { operationId: string; parameters?: Parameter[] }>>;
};

function example<T>(component: string): T {
  const value = document.components.schemas[component]?.examples?.[0];
  if (value === undefined) throw new Error(`components.schemas.${component} has no example`);
  return value as T;
}

let database: Database;
let app: FastifyInstance;
let auth: { authorization: string };

beforeAll(async () => {
  database = await openTestDatabase();
  await resetDatabase(database);
  await seedDemoData(database.prisma, { anchor: DOCUMENTED_SEED_DAY });
  app = await buildTestApp(database);
  await app.ready();
  // The demo application of Kibo's SDK README, signing in the way a client does.
  const ticket = await request(app.server)
    .post("/api/platform/applications/authtickets/oauth")
    .send({ client_id: "KIBO_APP.1.0.0.Release", client_secret: "12345_Secret", grant_type: "client_credentials" })
    .expect(200);
  auth = { authorization: `Bearer ${ticket.body.access_token as string}` };
}, 180_000);

afterAll(async () => {
  await app.close();
  await resetDatabase(database);
  await database.close();
});

const get = (url: string) => request(app.server).get(url).set(auth).expect(200);

test("the credit example is the demo credit with that code", async () => {
  const credit = example<{ code: string }>("CustomerCredit");
  expect((await get(`/api/commerce/customer/credits/${credit.code}`)).body).toEqual(credit);
  expect(example<{ items: unknown[] }>("CreditCollection").items).toEqual([credit]);
});

test("the transaction and audit entry examples are rows of that credit", async () => {
  const { code } = example<{ code: string }>("CustomerCredit");
  const transactions = await get(`/api/commerce/customer/credits/${code}/transactions`);
  expect(transactions.body.items).toContainEqual(example("CreditTransaction"));
  const audit = await get(`/api/commerce/customer/credits/${code}/auditentries`);
  expect(audit.body.items).toContainEqual(example("CreditAuditEntry"));
});

test("the store-credit balance and history examples are the demo customer's", async () => {
  const balance = example<{ customerId: number; websiteId: number }>("StoreCreditBalance");
  const base = `/api/commerce/customer/accounts/${balance.customerId}/storecredit`;
  expect((await get(`${base}?websiteId=${balance.websiteId}`)).body).toEqual(balance);
  expect((await get(`${base}/history?websiteId=${balance.websiteId}&pageSize=200`)).body.items).toContainEqual(
    example("StoreCreditHistoryEntry"),
  );
});

test("the credit memo example is memo 100000684 as the demo data answers it, ids aside", async () => {
  const memo = example<Record<string, unknown> & { increment_id: string }>("salesOrderCreditmemoEntity");
  const answered = (await get(`/api/commerce/orders/creditmemos/${memo.increment_id}`)).body as Record<string, unknown>;
  // The document's example keeps Magento's own ids; the demo database numbers its rows itself.
  const withoutRowIds = (entity: Record<string, unknown>) => {
    const { order_id: _order, customer_id: _customer, items, comments, ...rest } = entity;
    return {
      ...rest,
      items: (items as Record<string, unknown>[]).map(({ parent_id: _parent, ...item }) => item),
      comments: (comments as Record<string, unknown>[]).map(({ parent_id: _parent, ...comment }) => comment),
    };
  };
  expect(withoutRowIds(answered)).toEqual(withoutRowIds(memo));
});

test("the tenant example is demo tenant 26507", async () => {
  expect((await get("/api/platform/tenants/26507")).body).toEqual(example("Tenant"));
});

test("the loyalty report example is Jane Doe's row of the documented request", async () => {
  const response = await request(app.server)
    .get("/api.php")
    .query({
      user_id: "john1970",
      user_password: "1959caadac9b13dcb3",
      account_id: "greatwidgets",
      type: "reports",
      report: "customers_balances",
      campaign_id: "123456789012",
      output: "JSON",
      limit: "1",
    })
    .expect(200);
  expect(JSON.parse(response.text)).toEqual(example("LoyaltyCustomerBalances"));
});

const filterExamples = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.values(methods).flatMap((operation) =>
    (operation.parameters ?? [])
      .filter((parameter) => parameter.name === "filter")
      .flatMap((parameter) => Object.values(parameter.examples ?? {}).map(({ value }) => [operation.operationId, path, value] as const)),
  ),
);

test.each(filterExamples)("%s accepts its documented filter example %s: %s", async (_operationId, path, filter) => {
  const { code } = example<{ code: string }>("CustomerCredit");
  const url = path
    .replace("{code}", code)
    .replace("{customerId}", "4");
  const query = path.includes("storecredit") ? { websiteId: 2, filter } : { filter };
  await request(app.server).get(url).query(query).set(auth).expect(200);
});

test("the documented customer filter finds the documented credit", async () => {
  const credit = example<{ code: string; customerId: number }>("CustomerCredit");
  const response = await request(app.server)
    .get("/api/commerce/customer/credits")
    .query({ filter: `customerId eq ${credit.customerId}`, pageSize: 200 })
    .set(auth)
    .expect(200);
  expect(response.body.items).toContainEqual(credit);
});

// Last, because it moves the demo credit the tests above read.
test("the event example is the credit.updated a debit of 12.50 on the demo credit writes, ids and times aside", async () => {
  const event = example<{ id: string; entityId: string; siteId: number; extendedProperties: { key: string; value: unknown }[] }>("Event");
  const amount = event.extendedProperties.find((property) => property.key === "impactAmount")?.value;
  const debit = await request(app.server)
    .post(`/api/commerce/customer/credits/${event.entityId}/transactions`)
    .set(auth)
    .set("x-vol-site", String(event.siteId))
    .send({ transactionType: "Debit", impactAmount: String(amount).replace("-", "") })
    .expect(200);
  const page = await get(`/api/event/pull?filter=${encodeURIComponent(`topic eq credit.updated and entityId eq ${event.entityId}`)}`);
  expect(page.body.items).toHaveLength(1);
  const [written] = page.body.items as { id: string; auditInfo: { createDate: string } }[];
  const { createDate } = written?.auditInfo ?? { createDate: "" };
  expect(written).toEqual({
    ...event,
    id: written?.id,
    correlationId: debit.headers["x-vol-correlation"],
    auditInfo: { createBy: null, createDate, updateBy: null, updateDate: createDate },
  });
  expect(example<{ items: unknown[] }>("EventCollection").items).toEqual([event]);
});
