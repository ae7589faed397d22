import Fastify, { type FastifyInstance } from "fastify";
import request from "supertest";
import type { Database } from "../../../src/db/database.js";
import { createCustomer, createLoyaltyEntry } from "../../../src/demo/factories.js";
import databasePlugin from "../../../src/plugins/database.js";
import loyaltyRoutes from "../../../src/routes/loyalty/index.js";
import { customerBalanceBatches, reportScope } from "../../../src/routes/loyalty/service.js";
import { asText, bodyOf, createExample, exampleParams, parseXml } from "./report-helpers.js";
import { useTestDatabase } from "../../helpers/harness.js";
import { forTenant } from "../../../src/db/tenant-scope.js";

const BATCH_SIZE = 3;

const harness = useTestDatabase();
let app: FastifyInstance;

beforeAll(async () => {
  // The route plugin alone, with batches of 3 customers, so a dozen customers span several queries.
  app = Fastify({ logger: false });
  await app.register(databasePlugin, { database: harness.database, closeOnShutdown: false });
  await app.register(loyaltyRoutes, { batchSize: BATCH_SIZE });
  await app.ready();
});
afterAll(() => app.close());

async function campaignOf(members: number) {
  const example = await createExample(harness.database.prisma);
  const ids = [example.jane.id];
  for (let index = 0; index < members - 1; index += 1) {
    const customer = await createCustomer(harness.database.prisma, { tenantId: example.account.tenantId });
    await createLoyaltyEntry(harness.database.prisma, { campaignId: example.campaign.id, customerRef: customer.id, points: 1 + index });
    ids.push(customer.id);
  }
  return { ...example, ids };
}

const customerIds = async (cardNumbers: string[]) => {
  const customers = await harness.database.prisma.customer.findMany({ where: { cardNumber: { in: cardNumbers } } });
  const byCard = new Map(customers.map((customer) => [customer.cardNumber, customer.id]));
  return cardNumbers.map((card) => byCard.get(card));
};

describe("a report larger than one batch", () => {
  test.each([
    ["XML", {}],
    ["JSON", { output: "JSON" }],
    ["condensed JSON", { output: "JSON", condensed: "yes" }],
  ])("arrives complete and in customer order as %s", async (format, extra) => {
    const { ids } = await campaignOf(11);
    const response = await request(app.server).get("/api.php").query(exampleParams(extra)).buffer(true).parse(asText);
    expect(response.status).toBe(200);
    expect(response.headers["transfer-encoding"]).toBe("chunked");
    const lines =
      format === "XML"
        ? parseXml(bodyOf(response)).customer
        : (JSON.parse(bodyOf(response)) as { customer: Record<string, string>[] }).customer;
    expect(await customerIds(lines.map((line) => line["card_number"] ?? ""))).toEqual(ids);
  });

  test.each([
    [{ offset: "2", limit: "5" }, [2, 7]],
    [{ offset: "4" }, [4, 11]],
    [{ limit: "6" }, [0, 6]],
    [{ offset: "10", limit: "3" }, [10, 11]],
  ])("pages across batch boundaries: %p", async (paging, [from, to]) => {
    const { ids } = await campaignOf(11);
    const response = await request(app.server)
      .post("/api.php")
      .type("form")
      .send(exampleParams({ ...paging, output: "JSON" }))
      .buffer(true)
      .parse(asText);
    const lines = (JSON.parse(bodyOf(response)) as { customer: Record<string, string>[] }).customer;
    expect(await customerIds(lines.map((line) => line["card_number"] ?? ""))).toEqual(ids.slice(from, to));
  });
});

test("the batches stop when the client goes away", async () => {
  const { account, campaign } = await campaignOf(10);
  const scope = await reportScope(forTenant(harness.database.prisma, account.tenantId), { id: account.id, tenantId: account.tenantId }, campaign.id, undefined);
  let queries = 0;
  const counting: Pick<Database, "withSession"> = {
    withSession: (fn) => {
      queries += 1;
      return harness.database.withSession(fn);
    },
  };
  const abort = new AbortController();
  const seen: number[] = [];
  const batches = customerBalanceBatches(counting, scope, { offset: 0, limit: undefined }, {
    batchSize: 2,
    chunkSize: 1,
    signal: abort.signal,
    render: (customers) => customers.length,
  });
  for await (const batch of batches) {
    seen.push(...batch);
    abort.abort();
  }
  // One batch of two customers, rendered one by one.
  expect(seen).toEqual([1, 1]);
  // The first batch and, at most, the one fetched ahead while the first was being written.
  expect(queries).toBeLessThanOrEqual(2);
});
