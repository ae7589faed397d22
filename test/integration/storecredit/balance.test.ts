import { createCredit } from "../../../src/demo/factories.js";
import { appAuth } from "../../helpers/auth.js";
import { api, useTestApp, CREDITS } from "../../helpers/harness.js";
import { errorData } from "../creditmemos/helpers.js";
import { storecredit, tenantWithWebsites } from "./helpers.js";

const harness = useTestApp();

const DAY = 86_400_000;

describe("storecredit.balance", () => {
  test("sums the customer's usable credits of every type in the website's base currency", async () => {
    const t = await tenantWithWebsites(harness);
    const prisma = harness.database.prisma;
    const mine = { tenantId: t.tenantId, customerId: 4, currencyCode: "CAD" };
    const now = Date.now();
    // Counted: a store credit for website 2, a gift card and a custom credit usable everywhere.
    await createCredit(prisma, { ...mine, creditType: "StoreCredit", websiteRef: t.canada.id, initialBalance: "100.1234" });
    await createCredit(prisma, { ...mine, creditType: "GiftCard", initialBalance: "50.00", transactions: [{ type: "Debit", amount: "12.50" }] });
    await createCredit(prisma, { ...mine, creditType: "Custom", initialBalance: "5.00", expirationDate: new Date(now + DAY) });
    // Not counted: another website, another currency, not active, active only tomorrow, expired, deleted, another customer.
    await createCredit(prisma, { ...mine, creditType: "StoreCredit", websiteRef: t.us.id, initialBalance: "1000" });
    await createCredit(prisma, { ...mine, currencyCode: "USD", initialBalance: "1000" });
    await createCredit(prisma, { ...mine, initialBalance: "1000", activationDate: null });
    await createCredit(prisma, { ...mine, initialBalance: "1000", activationDate: new Date(now + DAY) });
    await createCredit(prisma, { ...mine, initialBalance: "1000", expirationDate: new Date(now - 1000) });
    await createCredit(prisma, { ...mine, initialBalance: "0", deletedAt: new Date(now - 1000) });
    await createCredit(prisma, { ...mine, customerId: 5, initialBalance: "1000" });

    const response = await api(harness).get(storecredit(4)).query({ websiteId: 2 }).set(t.app);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ customerId: 4, websiteId: 2, currencyCode: "CAD", amount: 142.6234 });
  });

  test("the same customer's balance in another website counts that website's credits, in its currency", async () => {
    const t = await tenantWithWebsites(harness);
    const prisma = harness.database.prisma;
    await createCredit(prisma, { tenantId: t.tenantId, customerId: 4, currencyCode: "USD", websiteRef: t.us.id, initialBalance: "30" });
    await createCredit(prisma, { tenantId: t.tenantId, customerId: 4, currencyCode: "USD", initialBalance: "12.5" });
    await createCredit(prisma, { tenantId: t.tenantId, customerId: 4, currencyCode: "CAD", initialBalance: "99" });
    const us = await api(harness).get(storecredit(4)).query({ websiteId: 3 }).set(t.app);
    expect(us.body).toEqual({ customerId: 4, websiteId: 3, currencyCode: "USD", amount: 42.5 });
    const canada = await api(harness).get(storecredit(4)).query({ websiteId: 2 }).set(t.app);
    expect(canada.body).toEqual({ customerId: 4, websiteId: 2, currencyCode: "CAD", amount: 99 });
  });

  test("agrees with the Kibo credits endpoint", async () => {
    const t = await tenantWithWebsites(harness);
    const credit = await createCredit(harness.database.prisma, { tenantId: t.tenantId, customerId: 4, currencyCode: "CAD", initialBalance: "80" });
    await api(harness).post(`${CREDITS}/${credit.code}/transactions`).set(t.app).send({ transactionType: "Debit", impactAmount: 12.34 }).expect(200);
    const kibo = await api(harness).get(CREDITS).query({ filter: "customerId eq 4" }).set(t.app);
    const balance = await api(harness).get(storecredit(4)).query({ websiteId: 2 }).set(t.app);
    expect(kibo.body.items.map((item: { currentBalance: number }) => item.currentBalance)).toEqual([67.66]);
    expect(balance.body.amount).toBe(67.66);
  });

  test("credits that count but hold nothing make a balance of 0", async () => {
    const t = await tenantWithWebsites(harness);
    await createCredit(harness.database.prisma, { tenantId: t.tenantId, customerId: 4, currencyCode: "CAD", initialBalance: "0" });
    const response = await api(harness).get(storecredit(4)).query({ websiteId: 2 }).set(t.app);
    expect(response.body).toEqual({ customerId: 4, websiteId: 2, currencyCode: "CAD", amount: 0 });
  });

  test.each([
    ["a customer without credits", 5],
    ["an unknown customer", 777],
  ])("%s has no balance: 404 fault 101", async (_name, customerId) => {
    const t = await tenantWithWebsites(harness);
    await createCredit(harness.database.prisma, { tenantId: t.tenantId, customerId: 4, currencyCode: "CAD" });
    const response = await api(harness).get(storecredit(customerId)).query({ websiteId: 2 }).set(t.app);
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ errorCode: "ITEM_NOT_FOUND", message: "No balance found with requested parameters." });
    expect(errorData(response.body)).toEqual({ faultCode: 101, faultMessage: "No balance found with requested parameters." });
  });

  test("only credits in another currency or website: 404 fault 101", async () => {
    const t = await tenantWithWebsites(harness);
    await createCredit(harness.database.prisma, { tenantId: t.tenantId, customerId: 4, currencyCode: "USD", initialBalance: "10" });
    const response = await api(harness).get(storecredit(4)).query({ websiteId: 2 }).set(t.app);
    expect(response.status).toBe(404);
    expect(errorData(response.body)).toMatchObject({ faultCode: 101 });
  });

  test.each([
    ["abc", { websiteId: 2 }, "customerId"],
    ["0", { websiteId: 2 }, "customerId"],
    ["-4", { websiteId: 2 }, "customerId"],
    ["4.5", { websiteId: 2 }, "customerId"],
    ["99999999999", { websiteId: 2 }, "customerId"],
    ["4", {}, "websiteId"],
    ["4", { websiteId: "two" }, "websiteId"],
    ["4", { websiteId: 0 }, "websiteId"],
    ["4", { websiteId: 99 }, "websiteId"],
  ])("customerId %s with %j is 400 fault 100", async (customerId, query, parameter) => {
    const t = await tenantWithWebsites(harness);
    const response = await api(harness).get(storecredit(customerId)).query(query).set(t.app);
    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe("MISSING_OR_INVALID_PARAMETER");
    expect(response.body.message).toMatch(/^Provided data is invalid\. /);
    expect(errorData(response.body)).toMatchObject({ faultCode: 100, faultMessage: "Provided data is invalid.", parameter });
  });

  test("shoppers read their own balance; another customer's answers 404 fault 101 whether it exists or not", async () => {
    const t = await tenantWithWebsites(harness);
    const prisma = harness.database.prisma;
    await createCredit(prisma, { tenantId: t.tenantId, customerId: 4, currencyCode: "CAD", initialBalance: "25" });
    await createCredit(prisma, { tenantId: t.tenantId, customerId: 5, currencyCode: "CAD", initialBalance: "75" });
    const own = await api(harness).get(storecredit(4)).query({ websiteId: 2 }).set(t.shopper);
    expect(own.body).toEqual({ customerId: 4, websiteId: 2, currencyCode: "CAD", amount: 25 });
    for (const customerId of [5, 6]) {
      const other = await api(harness).get(storecredit(customerId)).query({ websiteId: 2 }).set(t.shopper);
      expect(other.status).toBe(404);
      expect(other.body.message).toBe("No balance found with requested parameters.");
      expect(errorData(other.body)).toMatchObject({ faultCode: 101 });
    }
  });

  test("another tenant's website is unknown", async () => {
    const t = await tenantWithWebsites(harness);
    const other = await tenantWithWebsites(harness);
    await createCredit(harness.database.prisma, { tenantId: other.tenantId, customerId: 4, currencyCode: "CAD" });
    await api(harness).get(storecredit(4)).query({ websiteId: 2 }).set(other.app).expect(200);
    const response = await api(harness).get(storecredit(4)).query({ websiteId: 2 }).set(t.app);
    expect(response.status).toBe(404);
  });

  test("needs BalanceRead", async () => {
    const t = await tenantWithWebsites(harness);
    const creditsOnly = await appAuth(harness.app, t.tenantId, ["CreditRead"]);
    expect((await api(harness).get(storecredit(4)).query({ websiteId: 2 }).set(creditsOnly)).status).toBe(403);
    expect((await api(harness).get(storecredit(4)).query({ websiteId: 2 })).status).toBe(401);
  });
});
