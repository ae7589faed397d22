import { createCustomer, createLoyaltyAccount, createLoyaltyCampaign, createLoyaltyEntry } from "../../../src/demo/factories.js";
import { forTenant } from "../../../src/db/tenant-scope.js";
import type { CoalitionKind } from "../../../src/routes/loyalty/params.js";
import { customerBalanceBatches, type Paging, type Rendering, reportScope } from "../../../src/routes/loyalty/service.js";
import type { OutputFormat } from "../../../src/routes/loyalty/writers.js";
import { useTestDatabase } from "../../helpers/harness.js";

// The two renderings of a report — frames formatted by SQL and bytes by FrameEncoder (PostgreSQL's), driver rows
// formatted by customerMapper and the writers (PGlite's) — must give the same bytes for the same data. Both run
// on whichever database the tests use.

const harness = useTestDatabase({ reset: false });

const FORMATS: [string, OutputFormat][] = [
  ["XML", { kind: "xml" }],
  ["JSON", { kind: "json", condensed: false }],
  ["condensed JSON", { kind: "json", condensed: true }],
  ["JSONP", { kind: "json", condensed: false, callback: "show" }],
];

let example: Awaited<ReturnType<typeof createData>>;

beforeAll(async () => {
  example = await createData();
});

/** Profiles with every kind of character the writers treat specially, and totals on every rounding edge. */
async function createData() {
  const db = harness.database.prisma;
  const account = await createLoyaltyAccount(db);
  const points = await createLoyaltyCampaign(db, { accountId: account.id, kind: "Points", pointsPerCurrencyUnit: 1000 });
  // 8 points per unit: 1 point is 12.5 cents, a tie.
  const partner = await createLoyaltyCampaign(db, { accountId: account.id, kind: "Points", pointsPerCurrencyUnit: 8 });
  const unrated = await createLoyaltyCampaign(db, { accountId: account.id, kind: "Points", pointsPerCurrencyUnit: null });
  const stored = await createLoyaltyCampaign(db, { accountId: account.id, kind: "StoredValue", currencyCode: "EUR" });
  const profiles = [
    { custom1: `Likes <cheese> & "wine" 'n' 🍷`, address2: null, customDate: null },
    { firstName: "Zoë\r\nline\ttab\u0001bell", lastName: "x\ufffey\uffff", city: "one\u2028two\u2029" },
    { email: "back\\slash:colon@example.com", phone: "12:34", zip: "" },
    {},
    {},
  ];
  const customers = [];
  for (const profile of profiles) customers.push(await createCustomer(db, { tenantId: account.tenantId, ...profile }));
  const [a, b, c, d, e] = customers.map((customer) => customer.id) as [number, number, number, number, number];
  const entries: [bigint, number, "Earn" | "Redeem", number | string][] = [
    [points.id, a, "Earn", 5],
    [points.id, a, "Redeem", 4],
    [points.id, b, "Earn", 6021],
    [points.id, b, "Redeem", 6026],
    [points.id, c, "Earn", 1500],
    [points.id, d, "Redeem", 5],
    [partner.id, a, "Earn", 1],
    [partner.id, c, "Earn", 3],
    [partner.id, e, "Redeem", 1],
    [unrated.id, a, "Earn", 10],
    [unrated.id, b, "Redeem", 3],
    [stored.id, a, "Earn", "10.005"],
    [stored.id, b, "Redeem", "0.005"],
    [stored.id, c, "Earn", "25.5"],
    [stored.id, d, "Earn", "0.0001"],
  ];
  for (const [campaignId, customerRef, kind, value] of entries) {
    await createLoyaltyEntry(db, { campaignId, customerRef, kind, ...(typeof value === "number" ? { points: value } : { amount: value }) });
  }
  // Inconsistent data: an entry of a customer of another tenant, left out of the report by both renderings.
  const stranger = await createCustomer(db);
  await createLoyaltyEntry(db, { campaignId: points.id, customerRef: stranger.id, points: 7 });
  return { account, points, partner, unrated, stored };
}

async function report(campaign: "points" | "partner" | "unrated" | "stored", coalition: CoalitionKind | undefined, format: OutputFormat, paging: Paging, rendering: Rendering) {
  const { account } = example;
  const scope = await reportScope(forTenant(harness.database.prisma, account.tenantId), account, example[campaign].id, coalition);
  const batches = customerBalanceBatches(harness.database, scope, paging, {
    batchSize: 2,
    signal: new AbortController().signal,
    format,
    rendering,
  });
  const bytes: Buffer[] = [];
  let customers = 0;
  for await (const batch of batches) {
    bytes.push(batch.bytes);
    customers += batch.customers;
  }
  return { text: Buffer.concat(bytes).toString("utf8"), customers };
}

describe.each(FORMATS)("%s", (_name, format) => {
  test.each([
    ["points", undefined, { offset: 0, limit: undefined }],
    ["partner", undefined, { offset: 0, limit: undefined }],
    ["unrated", undefined, { offset: 0, limit: undefined }],
    ["stored", undefined, { offset: 0, limit: undefined }],
    ["points", "Points", { offset: 0, limit: undefined }],
    ["points", undefined, { offset: 1, limit: 3 }],
    ["stored", undefined, { offset: 3, limit: 10 }],
  ] as const)("%s campaign, coalition %s, %p: frames and rows give the same bytes", async (campaign, coalition, paging) => {
    const frames = await report(campaign, coalition, format, paging, "frames");
    const rows = await report(campaign, coalition, format, paging, "rows");
    expect(frames.customers).toBeGreaterThan(0);
    expect(frames).toEqual(rows);
  });
});

test("the rounding edges come out as customerMapper rounds them", async () => {
  const { text } = await report("partner", undefined, { kind: "json", condensed: true }, { offset: 0, limit: undefined }, "frames");
  const lines = (JSON.parse(`[${text}]`) as Record<string, string>[]).map((line) => [line["balance"], line["balance_equivalent"]]);
  // 1 point at 8 a unit: 12.5 cents, half up; 3 points: 37.5 cents; -1 point: -12.5 cents, half up on the magnitude.
  expect(lines).toEqual([["1", "0.13"], ["3", "0.38"], ["-1", "-0.13"]]);
});
