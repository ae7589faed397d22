import { randomUUID } from "node:crypto";
import { createTenant, createWebsite } from "../../../src/demo/factories.js";
import type { Prisma } from "../../../src/generated/prisma/client.js";
import { appAuth, shopperAuth } from "../../helpers/auth.js";
import { api, useTestApp } from "../../helpers/harness.js";

const harness = useTestApp();
const PULL = "/api/event/pull";

type EventInput = Partial<Omit<Prisma.EventUncheckedCreateInput, "tenantId">>;

/** Writes events of one tenant directly, in the order given, returning their ids. */
async function writeEvents(tenantId: number, events: EventInput[]): Promise<string[]> {
  const ids: string[] = [];
  for (const event of events) {
    const row = await harness.database.prisma.event.create({
      data: { eventId: randomUUID(), topic: "credit.updated", entityId: "GC-1", extendedProperties: [], ...event, tenantId },
    });
    ids.push(row.eventId);
  }
  return ids;
}

/** A tenant and an application token for it (all behaviors unless narrowed). */
async function tenantApp(behaviors?: Parameters<typeof appAuth>[2]) {
  const tenant = await createTenant(harness.database.prisma);
  return { tenantId: tenant.id, auth: await appAuth(harness.app, tenant.id, behaviors) };
}

async function pull(auth: { authorization: string }, query: Record<string, string | number> = {}) {
  const response = await api(harness).get(PULL).set(auth).query(query);
  expect(response.status).toBe(200);
  return response.body as { startIndex: number; pageSize: number; pageCount: number; totalCount: number; items: { id: string }[] };
}

const ids = (page: { items: { id: string }[] }) => page.items.map((item) => item.id);

test("an event reads as Kibo's Event: id, topic, entity, correlation, tenant, site, extended properties, audit info", async () => {
  const { tenantId, auth } = await tenantApp();
  const website = await createWebsite(harness.database.prisma, { tenantId });
  const eventId = randomUUID();
  await writeEvents(tenantId, [
    {
      eventId,
      topic: "credit.updated",
      entityId: "GC-7KQ2M9XH4TRB3NWD",
      correlationId: "c0ffee",
      siteId: website.siteId,
      extendedProperties: [
        { key: "currentBalance", value: 37.5 },
        { key: "currencyCode", value: "CAD" },
        { key: "details", value: { orderId: "100000744" } },
      ],
      createdAt: new Date("2026-12-01T09:30:00.123Z"),
    },
  ]);

  const expected = {
    id: eventId,
    topic: "credit.updated",
    entityId: "GC-7KQ2M9XH4TRB3NWD",
    correlationId: "c0ffee",
    tenantId,
    siteId: website.siteId,
    catalogId: null,
    masterCatalogId: null,
    isTest: false,
    extendedProperties: [
      { key: "currentBalance", value: 37.5 },
      { key: "currencyCode", value: "CAD" },
      { key: "details", value: { orderId: "100000744" } },
    ],
    auditInfo: { createBy: null, createDate: "2026-12-01T09:30:00.123Z", updateBy: null, updateDate: "2026-12-01T09:30:00.123Z" },
  };
  expect(await pull(auth)).toEqual({ startIndex: 0, pageSize: 20, pageCount: 1, totalCount: 1, items: [expected] });
  const one = await api(harness).get(`${PULL}/${eventId}`).set(auth).expect(200);
  expect(one.body).toEqual(expected);
  // UUIDs are case-insensitive: the upper-case spelling finds the same event.
  expect((await api(harness).get(`${PULL}/${eventId.toUpperCase()}`).set(auth).expect(200)).body).toEqual(expected);
});

test("without sortBy events come in the order they were written, even when createDate says otherwise", async () => {
  const { tenantId, auth } = await tenantApp();
  const written = await writeEvents(tenantId, [
    { createdAt: new Date("2026-12-01T10:00:00Z") },
    { createdAt: new Date("2026-12-01T09:00:00Z") },
    { createdAt: new Date("2026-12-01T09:00:00Z") },
  ]);
  expect(ids(await pull(auth))).toEqual(written);
  const [late, early, tie] = written;
  expect(ids(await pull(auth, { sortBy: "createDate" }))).toEqual([early, tie, late]);
  expect(ids(await pull(auth, { sortBy: "createDate desc" }))).toEqual([late, early, tie]);
});

test("paging walks the events oldest first without repeating or skipping one", async () => {
  const { tenantId, auth } = await tenantApp();
  const sameMillisecond = new Date("2026-12-01T09:00:00Z");
  const written = await writeEvents(tenantId, Array.from({ length: 7 }, () => ({ createdAt: sameMillisecond })));
  const pages = [];
  for (let startIndex = 0; startIndex < 7; startIndex += 3) {
    const page = await pull(auth, { startIndex, pageSize: 3, sortBy: "createDate" });
    expect(page).toMatchObject({ startIndex, pageSize: 3, pageCount: 3, totalCount: 7 });
    pages.push(...ids(page));
  }
  expect(pages).toEqual(written);
});

describe("filter", () => {
  test("topic and entityId select one credit's updates", async () => {
    const { tenantId, auth } = await tenantApp();
    const [created, updated, , laterUpdate] = await writeEvents(tenantId, [
      { topic: "credit.created", entityId: "GC-AAA" },
      { topic: "credit.updated", entityId: "GC-AAA" },
      { topic: "credit.updated", entityId: "GC-BBB" },
      { topic: "credit.updated", entityId: "GC-AAA" },
    ]);
    expect(ids(await pull(auth, { filter: "topic eq credit.updated and entityId eq GC-AAA" }))).toEqual([updated, laterUpdate]);
    expect(ids(await pull(auth, { filter: "topic sw credit. and entityId eq GC-AAA", pageSize: 1 }))).toEqual([created]);
    expect((await pull(auth, { filter: "entityId eq gc-aaa" })).totalCount).toBe(0);
  });

  test("id and eventId are the event's UUID, in either case, with eq, ne and in", async () => {
    const { tenantId, auth } = await tenantApp();
    const [first, second, third] = await writeEvents(tenantId, [{}, {}, {}]);
    expect(ids(await pull(auth, { filter: `id eq ${String(second).toUpperCase()}` }))).toEqual([second]);
    expect(ids(await pull(auth, { filter: `eventId in [${first}, ${third}]` }))).toEqual([first, third]);
    expect(ids(await pull(auth, { filter: `id ne ${second}` }))).toEqual([first, third]);
  });

  test("createDate ranges, correlationId, siteId and isTest, nulls included", async () => {
    const { tenantId, auth } = await tenantApp();
    const website = await createWebsite(harness.database.prisma, { tenantId });
    const [old, recent, test] = await writeEvents(tenantId, [
      { createdAt: new Date("2026-11-30T23:59:59.999Z"), correlationId: "abc" },
      { createdAt: new Date("2026-12-01T00:00:00Z"), siteId: website.siteId },
      { createdAt: new Date("2026-12-02T00:00:00Z"), isTest: true },
    ]);
    expect(ids(await pull(auth, { filter: "createDate ge 2026-12-01" }))).toEqual([recent, test]);
    expect(ids(await pull(auth, { filter: "createDate lt 2026-12-01T00:00:00Z or isTest eq true" }))).toEqual([old, test]);
    expect(ids(await pull(auth, { filter: "correlationId eq null" }))).toEqual([recent, test]);
    expect(ids(await pull(auth, { filter: `siteId eq ${website.siteId}` }))).toEqual([recent]);
    expect(ids(await pull(auth, { filter: "isTest eq false and correlationId ne null" }))).toEqual([old]);
  });

  test.each([
    ["filter", "nonsense eq 1", /Unknown field 'nonsense'/],
    ["filter", "id sw 5b0e", /'sw' .*id/],
    ["filter", "isTest eq maybe", /isTest/],
    ["sortBy", "id desc", /Unknown sort field 'id'.*sortable fields are topic, entityId, correlationId, siteId, isTest, createDate/],
    ["pageSize", "-1", /pageSize/],
  ])("%s=%s is a 400 with Kibo's error body", async (parameter, value, message) => {
    const { auth } = await tenantApp();
    const response = await api(harness).get(PULL).set(auth).query({ [parameter]: value }).expect(400);
    expect(response.body).toMatchObject({ errorCode: "MISSING_OR_INVALID_PARAMETER", message: expect.stringMatching(message) });
    expect(response.body.additionalErrorData).toContainEqual({ name: "parameter", value: parameter });
  });
});

test("responseFields trims the page and the single event", async () => {
  const { tenantId, auth } = await tenantApp();
  const [eventId] = await writeEvents(tenantId, [{ topic: "credit.deleted", entityId: "GC-GONE" }]);
  expect(await pull(auth, { responseFields: "items(id,topic,auditInfo(createDate)),totalCount" })).toEqual({
    totalCount: 1,
    items: [{ id: eventId, topic: "credit.deleted", auditInfo: { createDate: expect.any(String) } }],
  });
  const one = await api(harness).get(`${PULL}/${eventId}`).query({ responseFields: "entityId" }).set(auth).expect(200);
  expect(one.body).toEqual({ entityId: "GC-GONE" });
});

test("a tenant sees only its own events; another tenant's id answers 404 like an unknown one", async () => {
  const mine = await tenantApp();
  const theirs = await tenantApp();
  const [own] = await writeEvents(mine.tenantId, [{ entityId: "GC-MINE" }]);
  const [foreign] = await writeEvents(theirs.tenantId, [{ entityId: "GC-MINE" }]);

  expect(ids(await pull(mine.auth, { filter: "entityId eq GC-MINE" }))).toEqual([own]);
  expect(ids(await pull(mine.auth, { filter: `id eq ${foreign}` }))).toEqual([]);
  for (const eventId of [foreign, randomUUID(), "not-a-uuid"]) {
    const response = await api(harness).get(`${PULL}/${eventId}`).set(mine.auth).expect(404);
    expect(response.body).toMatchObject({
      errorCode: "ITEM_NOT_FOUND",
      message: `Event ${eventId} was not found.`,
      additionalErrorData: [{ name: "eventId", value: eventId }],
    });
  }
});

test("reading events needs the EventRead behavior; shopper tokens and anonymous calls are refused", async () => {
  const { tenantId, auth } = await tenantApp(["CreditRead", "BalanceRead"]);
  const [eventId] = await writeEvents(tenantId, [{}]);
  for (const url of [PULL, `${PULL}/${eventId}`]) {
    const forbidden = await api(harness).get(url).set(auth).expect(403);
    expect(forbidden.body).toMatchObject({ errorCode: "FORBIDDEN", message: "The token lacks the required behavior EventRead." });
    const shopper = await api(harness).get(url).set(await shopperAuth(tenantId, 1)).expect(403);
    expect(shopper.body.errorCode).toBe("FORBIDDEN");
    expect((await api(harness).get(url).expect(401)).body.errorCode).toBe("UNAUTHORIZED");
  }
  const allowed = await tenantApp(["EventRead"]);
  expect((await pull(allowed.auth)).totalCount).toBe(0);
});

test("a credit created through the REST API is in the pull, with the request's correlation id and site", async () => {
  const { tenantId, auth } = await tenantApp();
  const website = await createWebsite(harness.database.prisma, { tenantId, baseCurrencyCode: "USD" });
  const created = await api(harness)
    .post("/api/commerce/customer/credits")
    .set(auth)
    .set({ "x-vol-site": String(website.siteId), "x-vol-correlation": "pull-test-1" })
    .send({ code: "GC-PULL-1", creditType: "GiftCard", initialBalance: 25 })
    .expect(200);
  expect(created.headers["x-vol-correlation"]).toBe("pull-test-1");

  const page = await pull(auth, { filter: "entityId eq GC-PULL-1" });
  expect(page.items).toEqual([
    expect.objectContaining({
      topic: "credit.created",
      entityId: "GC-PULL-1",
      correlationId: "pull-test-1",
      tenantId,
      siteId: website.siteId,
      isTest: false,
      extendedProperties: expect.arrayContaining([
        { key: "creditType", value: "GiftCard" },
        { key: "currencyCode", value: "USD" },
        { key: "currentBalance", value: "25.0000" },
      ]),
    }),
  ]);
  const [event] = page.items;
  expect((await api(harness).get(`${PULL}/${String(event?.id)}`).set(auth).expect(200)).body).toEqual(event);
});
