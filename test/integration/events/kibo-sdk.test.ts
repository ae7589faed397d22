import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { Configuration } from "@kibocommerce/rest-sdk";
// The package has no "exports" map, so NodeNext resolution needs the file itself, not the directory.
import { EventApi, type EventCollection, type EventEvent } from "@kibocommerce/rest-sdk/clients/Event/index.js";
import { createTenant, createWebsite } from "../../../src/demo/factories.js";
import { appAuth } from "../../helpers/auth.js";
import { useTestApp } from "../../helpers/harness.js";

// Kibo's own SDK, pointed at Tally by its apiHost and an access token: nothing else about it changes.
const harness = useTestApp();
let apiHost: string;

beforeAll(async () => {
  await harness.app.listen({ port: 0, host: "127.0.0.1" });
  apiHost = `http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`;
});

/** An EventApi for a fresh tenant with one site, and the URLs it called. */
async function kiboEvents(behaviors?: Parameters<typeof appAuth>[2]) {
  const tenant = await createTenant(harness.database.prisma);
  const website = await createWebsite(harness.database.prisma, { tenantId: tenant.id });
  const sent: string[] = [];
  const configuration = new Configuration({
    tenantId: String(tenant.id),
    siteId: String(website.siteId),
    apiHost,
    accessToken: (await appAuth(harness.app, tenant.id, behaviors)).authorization.replace(/^Bearer /, ""),
    fetchApi: (url: string, init: RequestInit) => {
      sent.push(`${init.method ?? "GET"} ${url}`);
      return fetch(url, init);
    },
  });
  return { tenantId: tenant.id, siteId: website.siteId, events: new EventApi(configuration), sent };
}

test("Kibo's EventApi lists a credit's updates with a filter and reads one event by id", async () => {
  const { tenantId, siteId, events, sent } = await kiboEvents();
  const write = (topic: string, entityId: string, extendedProperties: { key: string; value: string | number }[]) =>
    harness.database.prisma.event.create({
      data: { tenantId, siteId, eventId: randomUUID(), topic, entityId, correlationId: "sdk-1", extendedProperties },
    });
  await write("credit.created", "GC-SDK", [{ key: "currentBalance", value: 50 }]);
  const first = await write("credit.updated", "GC-SDK", [{ key: "currentBalance", value: 37.5 }]);
  await write("credit.updated", "GC-OTHER", [{ key: "currentBalance", value: 1 }]);
  const second = await write("credit.updated", "GC-SDK", [
    { key: "currentBalance", value: 25 },
    { key: "currencyCode", value: "USD" },
  ]);

  const page: EventCollection = await events.getEvents({ filter: "topic eq credit.updated and entityId eq GC-SDK", pageSize: 1 });
  expect(page).toMatchObject({ startIndex: 0, pageSize: 1, pageCount: 2, totalCount: 2 });
  const decoded: EventEvent | undefined = page.items?.[0];
  expect(decoded).toEqual({
    id: first.eventId,
    topic: "credit.updated",
    entityId: "GC-SDK",
    correlationId: "sdk-1",
    tenantId,
    siteId,
    catalogId: null,
    masterCatalogId: null,
    isTest: false,
    extendedProperties: [{ key: "currentBalance", value: 37.5 }],
    auditInfo: {
      createBy: null,
      createDate: first.createdAt.toISOString(),
      updateBy: null,
      updateDate: first.createdAt.toISOString(),
    },
  });
  expect(sent[0]).toBe(
    `GET ${apiHost}/api/event/pull?pageSize=1&filter=${encodeURIComponent("topic eq credit.updated and entityId eq GC-SDK")}`,
  );

  const next = await events.getEvents({
    filter: "topic eq credit.updated and entityId eq GC-SDK",
    startIndex: 1,
    pageSize: 1,
    responseFields: "items(id,extendedProperties)",
  });
  expect(next).toEqual({
    items: [{ id: second.eventId, extendedProperties: [{ key: "currentBalance", value: 25 }, { key: "currencyCode", value: "USD" }] }],
  });

  const one: EventEvent = await events.getEvent({ eventId: second.eventId });
  expect(one).toMatchObject({ id: second.eventId, topic: "credit.updated", entityId: "GC-SDK", tenantId, siteId });
  expect(sent.at(-1)).toBe(`GET ${apiHost}/api/event/pull/${second.eventId}`);
});

test("Tally's refusals reach the SDK as Kibo error bodies", async () => {
  const { events } = await kiboEvents();
  const missing = randomUUID();
  await expect(events.getEvent({ eventId: missing })).rejects.toMatchObject({
    response: { status: 404 },
    apiError: { errorCode: "ITEM_NOT_FOUND", message: `Event ${missing} was not found.` },
  });
  await expect(events.getEvents({ filter: "topic eq" })).rejects.toMatchObject({
    response: { status: 400 },
    apiError: { errorCode: "MISSING_OR_INVALID_PARAMETER" },
  });
  const { events: withoutBehavior } = await kiboEvents(["CreditRead"]);
  await expect(withoutBehavior.getEvents()).rejects.toMatchObject({
    response: { status: 403 },
    apiError: { errorCode: "FORBIDDEN", message: "The token lacks the required behavior EventRead." },
  });
});
