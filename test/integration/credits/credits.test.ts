import { createCredit, createCustomer, createTenant, createWebsite } from "../../../src/demo/factories.js";
import { appAuth, shopperAuth } from "../../helpers/auth.js";
import { api, useTestApp, CREDITS, tenantWithShopper } from "../../helpers/harness.js";

const harness = useTestApp();

const DAY = 86_400_000;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const GENERATED = /^GC-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{16}$/;

function auditTypes(body: { items: { activityType: string }[] }): string[] {
  return body.items.map((item) => item.activityType);
}

describe("addCredit", () => {
  test("creates a gift card with a generated code, its opening ledger row and a Created audit entry", async () => {
    const tenant = await tenantWithShopper(harness);
    const response = await api(harness)
      .post(CREDITS)
      .query({ userId: "someone-else" })
      .set(tenant.app)
      .send({ creditType: "GiftCard", currencyCode: "USD", initialBalance: 50.5, customerId: tenant.customerId, expirationDate: "2030-01-31" });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      code: expect.stringMatching(GENERATED),
      creditType: "GiftCard",
      creditTypeId: 2,
      customCreditType: null,
      currencyCode: "USD",
      initialBalance: 50.5,
      currentBalance: 50.5,
      activationDate: expect.stringMatching(ISO),
      expirationDate: "2030-01-31T00:00:00.000Z",
      customerId: tenant.customerId,
      // userId never overrides who is recorded.
      auditInfo: { createBy: "test-app", createDate: expect.stringMatching(ISO), updateBy: "test-app", updateDate: expect.stringMatching(ISO) },
    });
    const code: string = response.body.code;

    const transactions = await api(harness).get(`${CREDITS}/${code}/transactions`).set(tenant.app);
    expect(transactions.body.items).toEqual([
      expect.objectContaining({ transactionType: "Credit", impactAmount: 50.5, comments: "Initial balance" }),
    ]);
    const ledger = await harness.database.prisma.creditTransaction.findFirstOrThrow({ where: { tenantId: tenant.tenantId } });
    expect([ledger.action, ledger.balanceAfter.toFixed(2)]).toEqual(["Created", "50.50"]);

    const audit = await api(harness).get(`${CREDITS}/${code}/auditentries`).set(tenant.app);
    expect(audit.body.items).toEqual([
      {
        activityType: "Created",
        activityTypeId: 1,
        details: `Created GiftCard ${code} with initial balance 50.50 USD`,
        auditInfo: { createBy: "test-app", createDate: expect.stringMatching(ISO), updateBy: "test-app", updateDate: expect.stringMatching(ISO) },
      },
    ]);
  });

  test("generated codes are unguessable: random, never sequential", async () => {
    const tenant = await tenantWithShopper(harness);
    const codes: string[] = [];
    for (let index = 0; index < 10; index += 1) {
      const response = await api(harness).post(CREDITS).set(tenant.app).send({ creditType: "StoreCredit", currencyCode: "EUR" });
      codes.push(response.body.code);
    }
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^SC-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{16}$/);
    const suffixes = codes.map((code) => code.slice(3)).sort();
    // Sequential codes would share long prefixes; random ones practically never share even four characters.
    expect(suffixes.filter((suffix, index) => index > 0 && suffix.slice(0, 4) === suffixes[index - 1]?.slice(0, 4))).toHaveLength(0);
  });

  test("a zero initial balance writes no opening ledger row; an explicit null activationDate creates it inactive", async () => {
    const tenant = await tenantWithShopper(harness);
    const response = await api(harness)
      .post(CREDITS)
      .set(tenant.app)
      .send({ code: "sc-zero", creditType: "StoreCredit", currencyCode: "usd", activationDate: null });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ code: "sc-zero", currencyCode: "USD", initialBalance: 0, currentBalance: 0, activationDate: null });
    const transactions = await api(harness).get(`${CREDITS}/sc-zero/transactions`).set(tenant.app);
    expect(transactions.body).toEqual({ startIndex: 0, pageSize: 20, pageCount: 0, totalCount: 0, items: [] });
  });

  test("a Custom credit carries its custom type and creditTypeId 3", async () => {
    const tenant = await tenantWithShopper(harness);
    const response = await api(harness)
      .post(CREDITS)
      .set(tenant.app)
      .send({ creditType: "Custom", creditTypeId: 3, customCreditType: "Loyalty Reward", currencyCode: "GBP", initialBalance: 5 });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ code: expect.stringMatching(/^CU-/), creditType: "Custom", creditTypeId: 3, customCreditType: "Loyalty Reward" });
  });

  test("currencyCode defaults to the base currency of the site in x-vol-site", async () => {
    const tenant = await tenantWithShopper(harness);
    const website = await createWebsite(harness.database.prisma, { tenantId: tenant.tenantId, baseCurrencyCode: "CAD" });
    const response = await api(harness)
      .post(CREDITS)
      .set(tenant.app)
      .set("x-vol-site", String(website.siteId))
      .send({ creditType: "GiftCard", initialBalance: 10 });
    expect(response.status).toBe(200);
    expect(response.body.currencyCode).toBe("CAD");
  });

  test.each([
    [{ currencyCode: "USD" }, "creditType", "Missing required field 'creditType' in body."],
    [{ creditType: "Voucher", currencyCode: "USD" }, "creditType", expect.stringContaining("'creditType'")],
    [{ creditType: "GiftCard", creditTypeId: 1, currencyCode: "USD" }, "creditTypeId", "creditTypeId 1 does not match creditType GiftCard (2)."],
    [{ creditType: "Custom", currencyCode: "USD" }, "customCreditType", "customCreditType is required when creditType is Custom."],
    [{ creditType: "GiftCard", customCreditType: "Promo", currencyCode: "USD" }, "customCreditType", "customCreditType applies only to Custom credits, not GiftCard."],
    [{ creditType: "GiftCard" }, "currencyCode", "currencyCode is required unless the request selects a site with x-vol-site."],
    [{ creditType: "GiftCard", currencyCode: "XYZ" }, "currencyCode", "currencyCode 'XYZ' is not an active ISO 4217 currency code."],
    [{ creditType: "GiftCard", currencyCode: "XAU" }, "currencyCode", "currencyCode 'XAU' is not an active ISO 4217 currency code."],
    [{ creditType: "GiftCard", currencyCode: "US" }, "currencyCode", expect.stringContaining("'currencyCode'")],
    [{ creditType: "GiftCard", currencyCode: "USD", initialBalance: -1 }, "initialBalance", "initialBalance must not be negative."],
    [{ creditType: "GiftCard", currencyCode: "USD", initialBalance: 1.23456 }, "initialBalance", "initialBalance: 1.23456 has more than 4 decimal places."],
    [{ creditType: "GiftCard", currencyCode: "USD", initialBalance: 10, currentBalance: 5 }, "currentBalance", "currentBalance is read-only: a new credit's balance is its initialBalance."],
    [{ creditType: "GiftCard", currencyCode: "USD", expirationDate: "next tuesday" }, "expirationDate", expect.stringContaining("expirationDate 'next tuesday' is not a date")],
    [{ creditType: "GiftCard", currencyCode: "USD", activationDate: "2026-02-30" }, "activationDate", expect.stringContaining("activationDate '2026-02-30' is not a date")],
    [{ creditType: "GiftCard", currencyCode: "USD", code: "Café-1" }, "code", "code may contain only printable ASCII characters and must not start or end with a space."],
    [{ creditType: "GiftCard", currencyCode: "USD", code: " GC-1" }, "code", "code may contain only printable ASCII characters and must not start or end with a space."],
    [{ creditType: "GiftCard", currencyCode: "USD", code: "x".repeat(101) }, "code", expect.stringContaining("'code'")],
    [{ creditType: "GiftCard", currencyCode: "USD", customerId: 987654321 }, "customerId", "customerId 987654321 is not a customer of this tenant."],
    [{ creditType: "GiftCard", currencyCode: "USD", customerId: 99999999999 }, "customerId", "Invalid field 'customerId' in body: must be <= 2147483647."],
    [{ creditType: "GiftCard", currencyCode: "USD", initialBalance: 1e12 }, "initialBalance", "initialBalance: 1000000000000 cannot be written as an exact JSON number."],
    [{ creditType: "GiftCard", currencyCode: "USD", expirationDate: "0000-01-01" }, "expirationDate", expect.stringContaining("is not a date")],
    [{ creditType: "Custom", currencyCode: "USD", customCreditType: "a\u0000" }, "customCreditType", expect.stringContaining("'customCreditType'")],
  ])("%j is a 400 naming %s", async (body, parameter, message) => {
    const tenant = await tenantWithShopper(harness);
    const response = await api(harness).post(CREDITS).set(tenant.app).send(body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ errorCode: "MISSING_OR_INVALID_PARAMETER", message });
    expect(response.body.additionalErrorData).toContainEqual({ name: "parameter", value: parameter });
    expect(await harness.database.prisma.credit.count()).toBe(0);
  });

  test("a customer of another tenant is not a customer of this one", async () => {
    const tenant = await tenantWithShopper(harness);
    const stranger = await createCustomer(harness.database.prisma);
    const response = await api(harness).post(CREDITS).set(tenant.app).send({ creditType: "GiftCard", currencyCode: "USD", customerId: stranger.customerId });
    expect(response.status).toBe(400);
  });

  test("a code already used in the tenant, in any case and even by a deleted credit, is a 409", async () => {
    const tenant = await tenantWithShopper(harness);
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "GC-TAKEN" });
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "GC-DELETED", initialBalance: "0", deletedAt: new Date() });
    for (const code of ["gc-taken", "GC-DELETED"]) {
      const response = await api(harness).post(CREDITS).set(tenant.app).send({ code, creditType: "GiftCard", currencyCode: "USD" });
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({
        errorCode: "ITEM_ALREADY_EXISTS",
        message: `A credit with code ${code} already exists (codes are compared case-insensitively).`,
      });
    }
    // Another tenant may use the same code.
    const other = await tenantWithShopper(harness);
    await api(harness).post(CREDITS).set(other.app).send({ code: "GC-TAKEN", creditType: "GiftCard", currencyCode: "USD" }).expect(200);
  });

  test("needs a token with CreditCreate; shoppers cannot create credits", async () => {
    const tenant = await tenantWithShopper(harness);
    const body = { creditType: "GiftCard", currencyCode: "USD" };
    const anonymous = await api(harness).post(CREDITS).send(body);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errorCode).toBe("UNAUTHORIZED");
    const reader = await api(harness).post(CREDITS).set(await appAuth(harness.app, tenant.tenantId, ["CreditRead"])).send(body);
    expect(reader.status).toBe(403);
    expect(reader.body).toMatchObject({ errorCode: "FORBIDDEN", message: "The token lacks the required behavior CreditCreate." });
    const shopper = await api(harness).post(CREDITS).set(tenant.shopper).send(body);
    expect(shopper.status).toBe(403);
  });
});

describe("getCredit", () => {
  test("finds a credit by its code in any case, URL-encoded, with responseFields", async () => {
    const tenant = await tenantWithShopper(harness);
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "Gift Card/7", initialBalance: "25.1234" });
    const response = await api(harness).get(`${CREDITS}/GIFT%20CARD%2F7`).set(tenant.app);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ code: "Gift Card/7", initialBalance: 25.1234, currentBalance: 25.1234 });
    const projected = await api(harness).get(`${CREDITS}/gift%20card%2F7`).query({ responseFields: "Code,AUDITINFO(createBy)" }).set(tenant.app);
    expect(projected.body).toEqual({ code: "Gift Card/7", auditInfo: { createBy: "test-factory" } });
  });

  test("an unknown code, another tenant's credit or a deleted one is a 404", async () => {
    const tenant = await tenantWithShopper(harness);
    const foreign = await createCredit(harness.database.prisma);
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "GC-DEL", initialBalance: "0", deletedAt: new Date() });
    for (const code of ["GC-NOPE", foreign.code, "GC-DEL"]) {
      const response = await api(harness).get(`${CREDITS}/${code}`).set(tenant.app);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({
        message: `Credit ${code} was not found.`,
        errorCode: "ITEM_NOT_FOUND",
        applicationName: "Tally",
        additionalErrorData: [{ name: "code", value: code }],
        items: [],
      });
    }
  });

  test("an unparsable responseFields is a 400", async () => {
    const tenant = await tenantWithShopper(harness);
    const credit = await createCredit(harness.database.prisma, { tenantId: tenant.tenantId });
    const response = await api(harness).get(`${CREDITS}/${credit.code}`).query({ responseFields: "code,(" }).set(tenant.app);
    expect(response.status).toBe(400);
    expect(response.body.additionalErrorData).toContainEqual({ name: "parameter", value: "responseFields" });
  });

  test("a shopper gets their own credit, and a 404 for another customer's", async () => {
    const tenant = await tenantWithShopper(harness);
    const mine = await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, customerId: tenant.customerId });
    const neighbour = await createCustomer(harness.database.prisma, { tenantId: tenant.tenantId });
    const theirs = await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, customerId: neighbour.customerId });
    const unowned = await createCredit(harness.database.prisma, { tenantId: tenant.tenantId });
    await api(harness).get(`${CREDITS}/${mine.code}`).set(tenant.shopper).expect(200);
    await api(harness).get(`${CREDITS}/${theirs.code}`).set(tenant.shopper).expect(404);
    await api(harness).get(`${CREDITS}/${unowned.code}`).set(tenant.shopper).expect(404);
  });
});

describe("updateCredit", () => {
  test("accepts the whole object back with a changed expirationDate, and records the change", async () => {
    const tenant = await tenantWithShopper(harness);
    const credit = await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, customerId: tenant.customerId });
    const current = await api(harness).get(`${CREDITS}/${credit.code}`).set(tenant.app);
    const response = await api(harness)
      .put(`${CREDITS}/${credit.code.toLowerCase()}`)
      .set(await appAuth(harness.app, tenant.tenantId, ["CreditUpdate"], "clerk-app"))
      .send({ ...current.body, code: credit.code.toLowerCase(), expirationDate: "2031-06-30T12:00:00+02:00" });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      ...current.body,
      expirationDate: "2031-06-30T10:00:00.000Z",
      auditInfo: { ...current.body.auditInfo, updateBy: "clerk-app", updateDate: expect.stringMatching(ISO) },
    });
    const audit = await api(harness).get(`${CREDITS}/${credit.code}/auditentries`).set(tenant.app).query({ sortBy: "createDate desc" });
    expect(audit.body.items[0]).toMatchObject({
      activityType: "Updated",
      activityTypeId: 2,
      details: "expirationDate: null → 2031-06-30T10:00:00.000Z",
      auditInfo: { createBy: "clerk-app" },
    });
  });

  test("changes customerId (to another customer or to none) and customCreditType", async () => {
    const tenant = await tenantWithShopper(harness);
    const other = await createCustomer(harness.database.prisma, { tenantId: tenant.tenantId });
    const credit = await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, creditType: "Custom", customerId: tenant.customerId });
    const moved = await api(harness).put(`${CREDITS}/${credit.code}`).set(tenant.app).send({ customerId: other.customerId, customCreditType: "Birthday" });
    expect(moved.body).toMatchObject({ customerId: other.customerId, customCreditType: "Birthday" });
    const cleared = await api(harness).put(`${CREDITS}/${credit.code}`).set(tenant.app).send({ customerId: null });
    expect(cleared.body.customerId).toBeNull();
    const missing = await api(harness).put(`${CREDITS}/${credit.code}`).set(tenant.app).send({ customerId: 424242 });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe("customerId 424242 is not a customer of this tenant.");
  });

  test("sets activationDate once (Activated), and refuses to change it afterwards", async () => {
    const tenant = await tenantWithShopper(harness);
    const credit = await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, activationDate: null });
    const activated = await api(harness).put(`${CREDITS}/${credit.code}`).set(tenant.app).send({ activationDate: "2026-03-01T00:00:00Z" });
    expect(activated.status).toBe(200);
    expect(activated.body.activationDate).toBe("2026-03-01T00:00:00.000Z");
    const audit = await api(harness).get(`${CREDITS}/${credit.code}/auditentries`).set(tenant.app);
    expect(auditTypes(audit.body)).toEqual(["Created", "Updated", "Activated"]);
    expect(audit.body.items[2]).toMatchObject({ activityTypeId: 4, details: "Activated as of 2026-03-01T00:00:00.000Z" });

    await api(harness).put(`${CREDITS}/${credit.code}`).set(tenant.app).send({ activationDate: "2026-03-01T00:00:00.000Z" }).expect(200);
    for (const activationDate of ["2026-04-01T00:00:00Z", null]) {
      const changed = await api(harness).put(`${CREDITS}/${credit.code}`).set(tenant.app).send({ activationDate });
      expect(changed.status).toBe(400);
      expect(changed.body).toMatchObject({
        errorCode: "MISSING_OR_INVALID_PARAMETER",
        message: "activationDate is read-only once set: the credit was activated on 2026-03-01T00:00:00.000Z.",
      });
    }
  });

  test("moving expirationDate into the past deactivates the credit", async () => {
    const tenant = await tenantWithShopper(harness);
    const credit = await createCredit(harness.database.prisma, { tenantId: tenant.tenantId });
    const past = new Date(Date.now() - DAY).toISOString();
    await api(harness).put(`${CREDITS}/${credit.code}`).set(tenant.app).send({ expirationDate: past }).expect(200);
    const audit = await api(harness).get(`${CREDITS}/${credit.code}/auditentries`).set(tenant.app);
    expect(auditTypes(audit.body)).toEqual(["Created", "Updated", "Deactivated"]);
    expect(audit.body.items[2].activityTypeId).toBe(5);
  });

  test.each([
    ["code", { code: "GC-OTHER" }, "code is read-only: it is GC-RO; send the same value or leave it out."],
    ["creditType", { creditType: "StoreCredit" }, "creditType is read-only: it is GiftCard; send the same value or leave it out."],
    ["creditTypeId", { creditTypeId: 1 }, "creditTypeId is read-only: it is 2; send the same value or leave it out."],
    ["initialBalance", { initialBalance: 60 }, "initialBalance is read-only: it is 50.00; send the same value or leave it out."],
    ["currentBalance", { currentBalance: 1000 }, "currentBalance is read-only: it is 40.00 and changes only through transactions."],
    ["currencyCode", { currencyCode: "EUR" }, "currencyCode is read-only: it is USD; send the same value or leave it out."],
  ])("changing %s is a 400 naming it", async (parameter, body, message) => {
    const tenant = await tenantWithShopper(harness);
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "GC-RO", transactions: [{ type: "Debit", amount: "10" }] });
    const response = await api(harness).put(`${CREDITS}/GC-RO`).set(tenant.app).send({ ...body, expirationDate: "2030-01-01" });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ errorCode: "MISSING_OR_INVALID_PARAMETER", message });
    expect(response.body.additionalErrorData).toContainEqual({ name: "parameter", value: parameter });
    const credit = await harness.database.prisma.credit.findFirstOrThrow({ where: { tenantId: tenant.tenantId } });
    expect(credit.expirationDate).toBeNull();
  });

  test("read-only values sent back unchanged are fine, and an update that changes nothing records nothing", async () => {
    const tenant = await tenantWithShopper(harness);
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "GC-SAME", initialBalance: "50" });
    const response = await api(harness)
      .put(`${CREDITS}/GC-SAME`)
      .set(tenant.app)
      .send({ code: "gc-same", creditType: "GiftCard", creditTypeId: 2, initialBalance: 50.0, currentBalance: 50, currencyCode: "usd", auditInfo: { createBy: "x" } });
    expect(response.status).toBe(200);
    const audit = await api(harness).get(`${CREDITS}/GC-SAME/auditentries`).set(tenant.app);
    expect(auditTypes(audit.body)).toEqual(["Created"]);
  });

  test("an unknown or deleted credit is a 404; shoppers cannot update", async () => {
    const tenant = await tenantWithShopper(harness);
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "GC-DEL", initialBalance: "0", deletedAt: new Date() });
    await api(harness).put(`${CREDITS}/GC-DEL`).set(tenant.app).send({ expirationDate: null }).expect(404);
    await api(harness).put(`${CREDITS}/GC-NONE`).set(tenant.app).send({ expirationDate: null }).expect(404);
    const mine = await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, customerId: tenant.customerId });
    await api(harness).put(`${CREDITS}/${mine.code}`).set(tenant.shopper).send({ expirationDate: null }).expect(403);
  });
});

describe("deleteCredit", () => {
  test("a credit with a balance is a 409 until it is debited to zero", async () => {
    const tenant = await tenantWithShopper(harness);
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "GC-FULL", initialBalance: "12.50" });
    const refused = await api(harness).delete(`${CREDITS}/GC-FULL`).set(tenant.app);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      errorCode: "VALIDATION_CONFLICT",
      message: "Gift card GC-FULL still has 12.50 USD; debit it to zero before deleting it.",
    });
    await api(harness).post(`${CREDITS}/GC-FULL/transactions`).set(tenant.app).send({ transactionType: "Debit", impactAmount: 12.5 }).expect(200);
    await api(harness).delete(`${CREDITS}/GC-FULL`).set(tenant.app).expect(204);
  });

  test("a deleted credit leaves every list and lookup, keeps its trail with a Deleted entry, and its code stays reserved", async () => {
    const tenant = await tenantWithShopper(harness);
    const credit = await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "GC-BYE", customerId: tenant.customerId, initialBalance: "0" });
    const response = await api(harness).delete(`${CREDITS}/gc-bye`).set(tenant.app);
    expect(response.status).toBe(204);
    expect(response.text).toBe("");

    await api(harness).get(`${CREDITS}/GC-BYE`).set(tenant.app).expect(404);
    await api(harness).get(`${CREDITS}/GC-BYE/transactions`).set(tenant.app).expect(404);
    await api(harness).get(`${CREDITS}/GC-BYE/auditentries`).set(tenant.app).expect(404);
    await api(harness).delete(`${CREDITS}/GC-BYE`).set(tenant.app).expect(404);
    const list = await api(harness).get(CREDITS).set(tenant.app).query({ filter: "code eq GC-BYE" });
    expect(list.body.totalCount).toBe(0);
    const shopperList = await api(harness).get(CREDITS).set(tenant.shopper);
    expect(shopperList.body.totalCount).toBe(0);

    const trail = await harness.database.prisma.creditAuditEntry.findMany({ where: { creditId: credit.id }, orderBy: { id: "asc" } });
    expect(trail.map((entry) => entry.activityType)).toEqual(["Created", "Deleted"]);
    const reuse = await api(harness).post(CREDITS).set(tenant.app).send({ code: "GC-BYE", creditType: "GiftCard", currencyCode: "USD" });
    expect(reuse.status).toBe(409);
  });

  test("needs CreditDelete", async () => {
    const tenant = await tenantWithShopper(harness);
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "GC-KEEP", initialBalance: "0" });
    const response = await api(harness).delete(`${CREDITS}/GC-KEEP`).set(await appAuth(harness.app, tenant.tenantId, ["CreditUpdate"]));
    expect(response.status).toBe(403);
    expect(response.body.message).toBe("The token lacks the required behavior CreditDelete.");
  });
});

describe("associateCreditToShopper", () => {
  test("binds an unowned credit to the calling shopper; a second call answers it unchanged", async () => {
    const tenant = await tenantWithShopper(harness);
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "GC-CLAIM" });
    const response = await api(harness).put(`${CREDITS}/gc-claim/associate-to-shopper`).set(tenant.shopper);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ code: "GC-CLAIM", customerId: tenant.customerId, auditInfo: { updateBy: `shopper:${tenant.customerId}` } });
    const again = await api(harness).put(`${CREDITS}/GC-CLAIM/associate-to-shopper`).query({ responseFields: "customerId" }).set(tenant.shopper);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ customerId: tenant.customerId });
    const trail = await harness.database.prisma.creditAuditEntry.findMany({ where: { tenantId: tenant.tenantId }, orderBy: { id: "asc" } });
    expect(trail.map((entry) => [entry.activityType, entry.createdBy])).toEqual([
      ["Created", "test-factory"],
      ["Updated", `shopper:${tenant.customerId}`],
    ]);
  });

  test("another customer's credit is a 409; an unknown code a 404", async () => {
    const tenant = await tenantWithShopper(harness);
    const owner = await createCustomer(harness.database.prisma, { tenantId: tenant.tenantId });
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "GC-OWNED", customerId: owner.customerId });
    const taken = await api(harness).put(`${CREDITS}/GC-OWNED/associate-to-shopper`).set(tenant.shopper);
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ errorCode: "VALIDATION_CONFLICT", message: "Gift card GC-OWNED is already associated with another customer." });
    await api(harness).put(`${CREDITS}/GC-MISSING/associate-to-shopper`).set(tenant.shopper).expect(404);
  });

  test("needs a shopper token: applications get 403", async () => {
    const tenant = await tenantWithShopper(harness);
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "GC-APP" });
    const response = await api(harness).put(`${CREDITS}/GC-APP/associate-to-shopper`).set(tenant.app);
    expect(response.status).toBe(403);
    expect(response.body.message).toMatch(/needs a shopper token/);
  });

  test("a shopper of another tenant cannot reach the credit", async () => {
    const tenant = await tenantWithShopper(harness);
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "GC-HOME" });
    const otherTenant = await createTenant(harness.database.prisma);
    const outsider = await createCustomer(harness.database.prisma, { tenantId: otherTenant.id });
    const response = await api(harness).put(`${CREDITS}/GC-HOME/associate-to-shopper`).set(await shopperAuth(otherTenant.id, outsider.customerId));
    expect(response.status).toBe(404);
  });
});

describe("resendCreditCreatedEmail", () => {
  test("queues an outbox message for the mailer and answers 200 with an empty body", async () => {
    const tenant = await tenantWithShopper(harness);
    await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, code: "GC-MAIL", customerId: tenant.customerId });
    const response = await api(harness).put(`${CREDITS}/gc-mail/Resend-Email`).query({ userId: "ignored" }).set(tenant.app);
    expect(response.status).toBe(200);
    expect(response.text).toBe("");
    const messages = await harness.database.prisma.notificationOutbox.findMany({ where: { tenantId: tenant.tenantId } });
    expect(messages).toEqual([
      expect.objectContaining({
        topic: "credit.resend-email",
        entityId: "GC-MAIL",
        processedAt: null,
        payload: {
          code: "GC-MAIL",
          creditType: "GiftCard",
          customCreditType: null,
          currencyCode: "USD",
          currentBalance: "50",
          expirationDate: null,
          activationDate: expect.stringMatching(ISO),
          customerId: tenant.customerId,
          email: tenant.customer.email,
          firstName: tenant.customer.firstName,
          lastName: tenant.customer.lastName,
          requestedBy: "test-app",
        },
      }),
    ]);
  });

  test("an unknown credit is a 404; shoppers cannot call it", async () => {
    const tenant = await tenantWithShopper(harness);
    await api(harness).put(`${CREDITS}/GC-NONE/Resend-Email`).set(tenant.app).expect(404);
    const mine = await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, customerId: tenant.customerId });
    await api(harness).put(`${CREDITS}/${mine.code}/Resend-Email`).set(tenant.shopper).expect(403);
    expect(await harness.database.prisma.notificationOutbox.count()).toBe(0);
  });
});

describe("getAuditEntries", () => {
  test("lists every activity with its number twin, filtered and paged", async () => {
    const tenant = await tenantWithShopper(harness);
    await createCredit(harness.database.prisma, {
      tenantId: tenant.tenantId,
      code: "GC-LOG",
      transactions: [{ type: "Debit", amount: "5" }, { type: "Credit", amount: "1" }],
    });
    const all = await api(harness).get(`${CREDITS}/GC-LOG/auditentries`).set(tenant.app);
    expect(all.body).toMatchObject({ startIndex: 0, pageSize: 20, pageCount: 1, totalCount: 3 });
    expect(all.body.items.map((item: { activityType: string; activityTypeId: number }) => [item.activityType, item.activityTypeId])).toEqual([
      ["Created", 1],
      ["Transaction", 6],
      ["Transaction", 6],
    ]);
    const page = await api(harness)
      .get(`${CREDITS}/GC-LOG/auditentries`)
      .set(tenant.app)
      .query({ filter: "activitytype eq transaction", pageSize: 1, startIndex: 1, responseFields: "totalCount,items(details)" });
    expect(page.body).toEqual({ totalCount: 2, items: [{ details: "Credit 1; balance 46" }] });
  });

  test("is not available to shoppers", async () => {
    const tenant = await tenantWithShopper(harness);
    const mine = await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, customerId: tenant.customerId });
    const response = await api(harness).get(`${CREDITS}/${mine.code}/auditentries`).set(tenant.shopper);
    expect(response.status).toBe(403);
    expect(response.body.message).toBe("Shopper tokens cannot call this operation.");
  });
});
