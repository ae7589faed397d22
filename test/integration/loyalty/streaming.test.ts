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

test.each(["frames", "rows"] as const)("the batches stop when the client goes away (%s)", async (rendering) => {
  const { account, campaign } = await campaignOf(10);
  const scope = await reportScope(forTenant(harness.database.prisma, account.tenantId), { id: account.id, tenantId: account.tenantId }, campaign.id, undefined);
  let queries = 0;
  const counting: Pick<Database, "kind" | "withSession"> = {
    kind: harness.database.kind,
    withSession: (fn) => {
      queries += 1;
      return harness.database.withSession(fn);
    },
  };
  const abort = new AbortController();
  const seen: number[] = [];
  const batches = customerBalanceBatches(counting, scope, { offset: 0, limit: undefined }, {
    batchSize: 2,
    signal: abort.signal,
    format: { kind: "xml" },
    rendering,
  });
  for await (const batch of batches) {
    seen.push(batch.customers);
    abort.abort();
  }
  // One batch of two customers.
  expect(seen).toEqual([2]);
  // The first batch and, at most, the one fetched ahead while the first was being written.
  expect(queries).toBeLessThanOrEqual(2);
});

describe("a batch's session settings", () => {
  const options = { batchSize: 5, signal: new AbortController().signal, format: { kind: "xml" }, rendering: "frames" } as const;

  test("end with the batch: the session it ran on is left as it was", async () => {
    const { account, campaign } = await campaignOf(3);
    const scope = await reportScope(forTenant(harness.database.prisma, account.tenantId), { id: account.id, tenantId: account.tenantId }, campaign.id, undefined);
    const settings: { before: unknown; after: unknown }[] = [];
    const observed: Pick<Database, "kind" | "withSession"> = {
      kind: harness.database.kind,
      withSession: (fn) =>
        harness.database.withSession(async (session) => {
          const before = (await session.query("SELECT current_setting('jit') AS jit, current_setting('transaction_read_only') AS read_only"))[0];
          const result = await fn(session);
          const after = (await session.query("SELECT current_setting('jit') AS jit, current_setting('transaction_read_only') AS read_only"))[0];
          settings.push({ before, after });
          return result;
        }),
    };
    const batches: number[] = [];
    for await (const batch of customerBalanceBatches(observed, scope, { offset: 0, limit: undefined }, options)) batches.push(batch.customers);
    expect(batches).toEqual([3]);
    expect(settings).toHaveLength(1);
    // As before: JIT as configured, and not left in the read-only transaction (the probe is not
    // now() = statement_timestamp(), which PGlite sometimes takes a millisecond apart).
    expect(settings[0]?.after).toEqual(settings[0]?.before);
  });

  test("on PostgreSQL, JIT is off for the batch's transaction only, which is rolled back when the query fails", async () => {
    const scripts: string[] = [];
    const failing: Pick<Database, "kind" | "withSession"> = {
      kind: "postgres",
      withSession: (fn) =>
        fn({
          exec: async (script) => void scripts.push(script),
          query: async () => {
            scripts.push("(the batch query)");
            throw new Error("the query failed");
          },
        }),
    };
    const scope = { tenantId: 1, campaignIds: [1n], kind: "Points" as const, valuation: { kind: "Points" as const, pointsPerCurrencyUnit: 1000 } };
    const batches = customerBalanceBatches(failing, scope, { offset: 0, limit: undefined }, options);
    await expect(batches.next()).rejects.toThrow("the query failed");
    expect(scripts).toEqual(["BEGIN READ ONLY; SET LOCAL jit = off", "(the batch query)", "ROLLBACK"]);
  });
});
