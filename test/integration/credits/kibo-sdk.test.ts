import type { AddressInfo } from "node:net";
import { Configuration } from "@kibocommerce/rest-sdk";
// The package has no "exports" map, so NodeNext resolution needs the file itself, not the directory.
import { CreditApi } from "@kibocommerce/rest-sdk/clients/Customer/index.js";
import { createCustomer, createWebsite } from "../../../src/demo/factories.js";
import { useTestApp, tenantWithShopper } from "../../helpers/harness.js";

// Kibo's own SDK, pointed at Tally by its apiHost and an access token: nothing else about it changes.
const harness = useTestApp();
let apiHost: string;

beforeAll(async () => {
  await harness.app.listen({ port: 0, host: "127.0.0.1" });
  apiHost = `http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`;
});

/** A CreditApi for a fresh tenant with a CAD site, the way a Kibo integration configures one. */
async function kiboClient() {
  const tenant = await tenantWithShopper(harness);
  const website = await createWebsite(harness.database.prisma, { tenantId: tenant.tenantId, baseCurrencyCode: "CAD" });
  const sent: string[] = [];
  const configuration = new Configuration({
    tenantId: String(tenant.tenantId),
    siteId: String(website.siteId),
    apiHost,
    accessToken: tenant.app.authorization.replace(/^Bearer /, ""),
    // Only observes the calls: the SDK itself builds http://127.0.0.1:<port>/api/... from apiHost.
    fetchApi: (url: string, init: RequestInit) => {
      sent.push(`${init.method ?? "GET"} ${url}`);
      return fetch(url, init);
    },
  });
  return { tenant, credits: new CreditApi(configuration), sent };
}

test("Kibo's CreditApi creates, lists, reads, updates, transacts and deletes credits on Tally", async () => {
  const { tenant, credits, sent } = await kiboClient();

  const created = await credits.addCredit({
    customerCredit: { code: "SDK-GIFT 1", creditType: "GiftCard", initialBalance: 40, customerId: tenant.customerId },
  });
  expect(created).toMatchObject({ code: "SDK-GIFT 1", creditTypeId: 2, currencyCode: "CAD", initialBalance: 40, currentBalance: 40 });
  await credits.addCredit({ customerCredit: { code: "SDK-STORE", creditType: "StoreCredit", initialBalance: 15 } });
  await credits.addCredit({ customerCredit: { code: "SDK-SMALL", creditType: "StoreCredit", initialBalance: 5 } });
  expect(sent[0]).toBe(`POST ${apiHost}/api/commerce/customer/credits`);

  const page = await credits.getCredits({
    filter: "currentBalance gt 10 and code sw sdk-",
    sortBy: "currentBalance desc",
    startIndex: 0,
    pageSize: 1,
    responseFields: "items(code,currentBalance),totalCount,pageCount",
  });
  expect(page).toEqual({ totalCount: 2, pageCount: 2, items: [{ code: "SDK-GIFT 1", currentBalance: 40 }] });
  const second = await credits.getCredits({ filter: "currentBalance gt 10", sortBy: "currentBalance desc", startIndex: 1, pageSize: 1 });
  expect(second.items?.map((item) => item.code)).toEqual(["SDK-STORE"]);

  const fetched = await credits.getCredit({ code: "sdk-gift 1" });
  expect(fetched).toEqual(created);
  expect(sent).toContain(`GET ${apiHost}/api/commerce/customer/credits/sdk-gift%201`);

  const updated = await credits.updateCredit({
    code: "SDK-GIFT 1",
    customerCredit: { ...fetched, expirationDate: "2031-01-01T00:00:00Z" },
  });
  expect(updated).toMatchObject({ code: "SDK-GIFT 1", expirationDate: "2031-01-01T00:00:00.000Z", currentBalance: 40 });

  // Kibo's admin sends Debits signed.
  const debit = await credits.addTransaction({
    code: "SDK-GIFT 1",
    creditTransaction: { transactionType: "Debit", impactAmount: -15.25, orderId: "100000744", comments: "Order 100000744", data: { lane: 3 } },
  });
  expect(debit).toMatchObject({ id: expect.any(Number), transactionType: "Debit", impactAmount: -15.25, orderId: "100000744", data: { lane: 3 } });
  await credits.addTransaction({ code: "SDK-GIFT 1", creditTransaction: { transactionType: "Credit", impactAmount: 1.25 } });

  const transactions = await credits.getTransactions({ code: "SDK-GIFT 1", sortBy: "createDate", filter: "impactAmount lt 10" });
  expect(transactions.totalCount).toBe(2);
  expect(transactions.items?.map((item) => [item.transactionType, item.impactAmount])).toEqual([
    ["Debit", -15.25],
    ["Credit", 1.25],
  ]);
  expect((await credits.getCredit({ code: "SDK-GIFT 1" })).currentBalance).toBe(26);

  const audit = await credits.getAuditEntries({ code: "SDK-GIFT 1", filter: "activityType eq Transaction" });
  expect(audit.totalCount).toBe(2);

  await credits.resendCreditCreatedEmail({ code: "SDK-GIFT 1" });
  await credits.addTransaction({ code: "SDK-SMALL", creditTransaction: { transactionType: "Debit", impactAmount: 5 } });
  await credits.deleteCredit({ code: "SDK-SMALL" });
  const remaining = await credits.getCredits({ responseFields: "items(code)", sortBy: "code" });
  expect(remaining.items).toEqual([{ code: "SDK-GIFT 1" }, { code: "SDK-STORE" }]);
});

test("Tally's errors reach the SDK as Kibo error bodies", async () => {
  const { tenant, credits } = await kiboClient();
  const owner = await createCustomer(harness.database.prisma, { tenantId: tenant.tenantId });
  await credits.addCredit({ customerCredit: { code: "SDK-ERR", creditType: "GiftCard", initialBalance: 10, customerId: owner.customerId } });

  await expect(credits.getCredit({ code: "SDK-MISSING" })).rejects.toMatchObject({
    response: { status: 404 },
    apiError: { errorCode: "ITEM_NOT_FOUND", message: "Credit SDK-MISSING was not found." },
  });
  await expect(
    credits.addTransaction({ code: "SDK-ERR", creditTransaction: { transactionType: "Debit", impactAmount: 25 } }),
  ).rejects.toMatchObject({
    response: { status: 409 },
    apiError: { errorCode: "VALIDATION_CONFLICT", message: "Gift card SDK-ERR has 10.00 CAD left; cannot debit 25.00." },
  });
  await expect(credits.deleteCredit({ code: "SDK-ERR" })).rejects.toMatchObject({ response: { status: 409 } });
  await expect(credits.getCredits({ filter: "nonsense gt 1" })).rejects.toMatchObject({
    response: { status: 400 },
    apiError: { errorCode: "MISSING_OR_INVALID_PARAMETER" },
  });
});
