import { createCredit } from "../../../src/demo/factories.js";
import { api, useTestApp } from "../../helpers/harness.js";
import { errorData } from "../creditmemos/helpers.js";
import { storecredit, tenantWithWebsites } from "./helpers.js";

const harness = useTestApp();

const history = (customerId: number | string) => `${storecredit(customerId)}/history`;
const at = (minute: number) => new Date(Date.UTC(2026, 0, 5, 14, minute, 0));

type Entry = Record<string, string | null>;

/** Customer 4's two CAD credits, their rows interleaved in time, plus rows that do not count. */
async function interleaved() {
  const t = await tenantWithWebsites(harness);
  const prisma = harness.database.prisma;
  const mine = { tenantId: t.tenantId, customerId: 4, currencyCode: "CAD" };
  const storeCredit = await createCredit(prisma, {
    ...mine,
    creditType: "StoreCredit",
    websiteRef: t.canada.id,
    initialBalance: "100",
    createdAt: at(0),
    transactions: [
      { type: "Debit", amount: "30", orderId: "100000800", createdAt: at(2) },
      { type: "Credit", amount: "90", action: "Refunded", comments: "Refund of credit memo #100000684 (order #100000744)", createdAt: at(4) },
    ],
  });
  const giftCard = await createCredit(prisma, {
    ...mine,
    creditType: "GiftCard",
    initialBalance: "50",
    createdAt: at(1),
    transactions: [{ type: "Debit", amount: "20", createdAt: at(3) }],
  });
  await createCredit(prisma, { ...mine, currencyCode: "USD", initialBalance: "500", createdAt: at(1) });
  await createCredit(prisma, { ...mine, customerId: 5, initialBalance: "500", createdAt: at(1) });
  return { t, storeCredit, giftCard };
}

describe("storecredit.history", () => {
  test("lists the counted credits' ledger rows newest first, with the running balance after each", async () => {
    const { t, storeCredit, giftCard } = await interleaved();
    const response = await api(harness).get(history(4)).query({ websiteId: 2 }).set(t.app);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ startIndex: 0, pageSize: 20, pageCount: 1, totalCount: 5 });
    const rows = response.body.items.map((entry: Entry) => [entry["updated_at"], entry["balance_id"], entry["action"], entry["balance_delta"], entry["balance_amount"]]);
    expect(rows).toEqual([
      ["2026-01-05 14:04:00", String(storeCredit.id), "4", "90.0000", "190.0000"],
      ["2026-01-05 14:03:00", String(giftCard.id), "3", "-20.0000", "100.0000"],
      ["2026-01-05 14:02:00", String(storeCredit.id), "3", "-30.0000", "120.0000"],
      ["2026-01-05 14:01:00", String(giftCard.id), "2", "50.0000", "150.0000"],
      ["2026-01-05 14:00:00", String(storeCredit.id), "2", "100.0000", "100.0000"],
    ]);
    expect(response.body.items[0]).toEqual({
      history_id: expect.stringMatching(/^\d+$/),
      balance_id: String(storeCredit.id),
      updated_at: "2026-01-05 14:04:00",
      action: "4",
      balance_amount: "190.0000",
      balance_delta: "90.0000",
      additional_info: "Refund of credit memo #100000684 (order #100000744)",
      is_customer_notified: "0",
      customer_id: "4",
      website_id: "2",
      base_currency_code: "CAD",
    });
    expect(response.body.items[2].additional_info).toBe("Order #100000800");
    expect(response.body.items[3].additional_info).toBe("Initial balance");
    // The newest entry's balance is the balance.
    const balance = await api(harness).get(storecredit(4)).query({ websiteId: 2 }).set(t.app);
    expect(balance.body.amount).toBe(190);
  });

  test("balance_amount does not depend on the page, the sort or the filter", async () => {
    const { t } = await interleaved();
    const page = await api(harness).get(history(4)).query({ websiteId: 2, sortBy: "updated_at asc", startIndex: 2, pageSize: 2 }).set(t.app);
    expect(page.body).toMatchObject({ startIndex: 2, pageSize: 2, pageCount: 3, totalCount: 5 });
    expect(page.body.items.map((entry: Entry) => entry["balance_amount"])).toEqual(["120.0000", "100.0000"]);
    const debits = await api(harness).get(history(4)).query({ websiteId: 2, filter: "balance_delta lt 0", sortBy: "balance_delta" }).set(t.app);
    expect(debits.body.items.map((entry: Entry) => [entry["balance_delta"], entry["balance_amount"]])).toEqual([
      ["-30.0000", "120.0000"],
      ["-20.0000", "100.0000"],
    ]);
  });

  test.each([
    ["action eq 4", ["4"]],
    ["action in [2, 4]", ["4", "2", "2"]],
    ["action ne 2 and updated_at ge 2026-01-05T14:03:00Z", ["4", "3"]],
    ["is_customer_notified eq false and balance_delta gt 60", ["4", "2"]],
  ])("filter %s", async (filter, actions) => {
    const { t } = await interleaved();
    const response = await api(harness).get(history(4)).query({ websiteId: 2, filter }).set(t.app);
    expect(response.status).toBe(200);
    expect(response.body.items.map((entry: Entry) => entry["action"])).toEqual(actions);
  });

  test("a filter that matches nothing is an empty page, not a fault", async () => {
    const { t } = await interleaved();
    const response = await api(harness).get(history(4)).query({ websiteId: 2, filter: "action eq 5" }).set(t.app);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ startIndex: 0, pageSize: 20, pageCount: 0, totalCount: 0, items: [] });
  });

  test.each([
    ["a customer without credits", 5, "CAD"],
    ["a customer whose credits have no ledger rows", 4, "CAD"],
    ["a customer whose credits are in another currency", 4, "USD"],
  ])("%s has no history: 404 fault 102", async (_name, customerId, currencyCode) => {
    const t = await tenantWithWebsites(harness);
    await createCredit(harness.database.prisma, { tenantId: t.tenantId, customerId: 4, currencyCode, initialBalance: currencyCode === "CAD" ? "0" : "10" });
    const response = await api(harness).get(history(customerId)).query({ websiteId: 2 }).set(t.app);
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ errorCode: "ITEM_NOT_FOUND", message: "No history found with requested parameters." });
    expect(errorData(response.body)).toEqual({ faultCode: 102, faultMessage: "No history found with requested parameters." });
  });

  test.each([
    [{ websiteId: "x" }, "websiteId", undefined],
    [{ websiteId: 99 }, "websiteId", undefined],
    [{ websiteId: 2, filter: "action eq 9" }, "filter", 11],
    [{ websiteId: 2, filter: "balance_amount gt 1" }, "filter", 1],
    [{ websiteId: 2, sortBy: "balance_amount" }, "sortBy", 1],
    [{ websiteId: 2, pageSize: "ten" }, "pageSize", undefined],
  ])("%j is 400 fault 100", async (query, parameter, position) => {
    const { t } = await interleaved();
    const response = await api(harness).get(history(4)).query(query).set(t.app);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^Provided data is invalid\. /);
    expect(errorData(response.body)).toMatchObject({ faultCode: 100, faultMessage: "Provided data is invalid.", parameter });
    if (position !== undefined) expect(errorData(response.body)["position"]).toBe(position);
  });

  test("shoppers read their own history; another customer's answers 404 fault 102", async () => {
    const { t } = await interleaved();
    const own = await api(harness).get(history(4)).query({ websiteId: 2 }).set(t.shopper);
    expect(own.status).toBe(200);
    expect(own.body.totalCount).toBe(5);
    const other = await api(harness).get(history(5)).query({ websiteId: 2 }).set(t.shopper);
    expect(other.status).toBe(404);
    expect(errorData(other.body)).toMatchObject({ faultCode: 102 });
  });
});
