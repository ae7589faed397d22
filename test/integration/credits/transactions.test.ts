import { Decimal } from "decimal.js";
import { createCredit, createCustomer } from "../../../src/demo/factories.js";
import { appAuth } from "../../helpers/auth.js";
import { api, useTestApp, CREDITS, tenantWithShopper } from "../../helpers/harness.js";
import { postgresOnly } from "../../helpers/postgres-only.js";

const onPostgres = postgresOnly("PGlite runs one transaction at a time, so concurrent requests cannot race on it");

// A pool of 10 connections lets the concurrent requests below really run in parallel on PostgreSQL.
const harness = useTestApp({ poolSize: 10 });

const DAY = 86_400_000;

async function giftCard(overrides: Parameters<typeof createCredit>[1] = {}) {
  const tenant = await tenantWithShopper(harness);
  const credit = await createCredit(harness.database.prisma, {
    tenantId: tenant.tenantId,
    customerId: tenant.customerId,
    initialBalance: "50.00",
    ...overrides,
  });
  return { ...tenant, credit, path: `${CREDITS}/${encodeURIComponent(credit.code)}/transactions` };
}

async function balanceOf(code: string, tenantId: number): Promise<string> {
  const credit = await harness.database.prisma.credit.findFirstOrThrow({ where: { tenantId, code } });
  return credit.currentBalance.toFixed(2);
}

describe("addTransaction", () => {
  test("a Credit adds to the balance and answers the ledger row with its id", async () => {
    const card = await giftCard();
    const response = await api(harness)
      .post(card.path)
      .set(card.app)
      .send({ transactionType: "Credit", impactAmount: 12.25, comments: "Goodwill", orderId: "100000744", data: { register: "POS-3", tags: ["a", 1] } });
    expect(response.status).toBe(200);
    const row = await harness.database.prisma.creditTransaction.findFirstOrThrow({ where: { creditId: card.credit.id, transactionType: "Credit", action: "Updated" } });
    expect(response.body).toEqual({
      id: Number(row.id),
      transactionType: "Credit",
      impactAmount: 12.25,
      comments: "Goodwill",
      orderId: "100000744",
      data: { register: "POS-3", tags: ["a", 1] },
      auditInfo: { createBy: "test-app", createDate: expect.any(String), updateBy: "test-app", updateDate: expect.any(String) },
    });
    expect(row.balanceAfter.toFixed(2)).toBe("62.25");
    expect(await balanceOf(card.credit.code, card.tenantId)).toBe("62.25");
  });

  test("a Debit sent positive or negative lowers the balance, and answers a negative impactAmount", async () => {
    const card = await giftCard();
    const positive = await api(harness).post(card.path).set(card.app).send({ transactionType: "Debit", impactAmount: 10 });
    const negative = await api(harness).post(card.path).set(card.app).send({ transactionType: "Debit", impactAmount: -5.5 });
    expect([positive.status, negative.status]).toEqual([200, 200]);
    expect(positive.body.impactAmount).toBe(-10);
    expect(negative.body.impactAmount).toBe(-5.5);
    expect(await balanceOf(card.credit.code, card.tenantId)).toBe("34.50");
  });

  test("the ledger row, the balance and a Transaction audit entry are written together", async () => {
    const card = await giftCard();
    await api(harness).post(card.path).set(card.app).send({ transactionType: "Debit", impactAmount: 20, orderId: "42" }).expect(200);
    const audit = await api(harness)
      .get(`${CREDITS}/${card.credit.code}/auditentries`)
      .set(card.app)
      .query({ filter: "activityType eq Transaction", sortBy: "createDate desc" });
    expect(audit.body.items[0]).toMatchObject({
      activityType: "Transaction",
      activityTypeId: 6,
      details: "Debit 20.00 USD; balance 30.00 USD; order 42",
      auditInfo: { createBy: "test-app" },
    });
  });

  test("debiting the whole balance leaves zero", async () => {
    const card = await giftCard();
    await api(harness).post(card.path).set(card.app).send({ transactionType: "Debit", impactAmount: 50 }).expect(200);
    expect(await balanceOf(card.credit.code, card.tenantId)).toBe("0.00");
  });

  test.each([
    [{ transactionType: "Credit", impactAmount: -5 }, "impactAmount", "A Credit must have a positive impactAmount; send a Debit to lower the balance."],
    [{ transactionType: "Credit", impactAmount: 0 }, "impactAmount", "impactAmount must not be zero."],
    [{ transactionType: "Debit", impactAmount: 0 }, "impactAmount", "impactAmount must not be zero."],
    [{ transactionType: "Debit", impactAmount: 1.00001 }, "impactAmount", "impactAmount: 1.00001 has more than 4 decimal places."],
    [{ impactAmount: 5 }, "transactionType", "Missing required field 'transactionType' in body."],
    [{ transactionType: "Refund", impactAmount: 5 }, "transactionType", expect.stringContaining("'transactionType'")],
    [{ transactionType: "Credit" }, "impactAmount", "Missing required field 'impactAmount' in body."],
    [{ transactionType: "Credit", impactAmount: 5, orderId: "x".repeat(101) }, "orderId", expect.stringContaining("'orderId'")],
    [{ transactionType: "Credit", impactAmount: 5, comments: "a\u0000b" }, "comments", expect.stringContaining("'comments'")],
    [{ transactionType: "Credit", impactAmount: 5, data: { note: "a\u0000b" } }, "data.note", "data.note contains a NUL character (\\u0000), which cannot be stored."],
    [{ transactionType: "Credit", impactAmount: 900719925470 }, "impactAmount", "impactAmount: 900719925520 cannot be written as an exact JSON number."],
  ])("%j is a 400 naming %s", async (body, parameter, message) => {
    const card = await giftCard();
    const response = await api(harness).post(card.path).set(card.app).send(body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ errorCode: "MISSING_OR_INVALID_PARAMETER", message });
    expect(response.body.additionalErrorData).toContainEqual({ name: "parameter", value: parameter });
    expect(await balanceOf(card.credit.code, card.tenantId)).toBe("50.00");
  });

  test("a debit larger than the balance is a 409 a clerk can read", async () => {
    const card = await giftCard({ code: "GC-SMALL", initialBalance: "12.50" });
    const response = await api(harness).post(card.path).set(card.app).send({ transactionType: "Debit", impactAmount: 20 });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({
      errorCode: "VALIDATION_CONFLICT",
      message: "Gift card GC-SMALL has 12.50 USD left; cannot debit 20.00.",
    });
    expect(await balanceOf("GC-SMALL", card.tenantId)).toBe("12.50");
  });

  test("a credit that is not active yet cannot be debited, but can be credited", async () => {
    const inactive = await giftCard({ code: "GC-INACTIVE", activationDate: null });
    const debit = await api(harness).post(inactive.path).set(inactive.app).send({ transactionType: "Debit", impactAmount: 1 });
    expect(debit.status).toBe(409);
    expect(debit.body.message).toBe("Gift card GC-INACTIVE is not active yet; it cannot be debited.");
    await api(harness).post(inactive.path).set(inactive.app).send({ transactionType: "Credit", impactAmount: 1 }).expect(200);

    const future = new Date(Date.now() + 10 * DAY);
    const later = await giftCard({ code: "GC-LATER", activationDate: future });
    const early = await api(harness).post(later.path).set(later.app).send({ transactionType: "Debit", impactAmount: 1 });
    expect(early.status).toBe(409);
    expect(early.body.message).toBe(`Gift card GC-LATER is not active until ${future.toISOString()}; it cannot be debited.`);
  });

  test("an expired credit can be neither debited nor credited", async () => {
    const expired = new Date(Date.now() - DAY);
    const card = await giftCard({ code: "SC-OLD", creditType: "StoreCredit", expirationDate: expired });
    for (const transactionType of ["Debit", "Credit"]) {
      const response = await api(harness).post(card.path).set(card.app).send({ transactionType, impactAmount: 1 });
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({
        errorCode: "VALIDATION_CONFLICT",
        message: `Store credit SC-OLD expired on ${expired.toISOString()}; it can no longer be used.`,
      });
    }
  });

  test("a transaction in another currency is a 409; the credit's own currency in any case is fine", async () => {
    const card = await giftCard({ code: "GC-USD" });
    const euros = await api(harness).post(card.path).set(card.app).send({ transactionType: "Debit", impactAmount: 5, currencyCode: "EUR" });
    expect(euros.status).toBe(409);
    expect(euros.body.message).toBe("Gift card GC-USD is in USD; a transaction in EUR cannot be applied to it.");
    await api(harness).post(card.path).set(card.app).send({ transactionType: "Debit", impactAmount: 5, currencyCode: "usd" }).expect(200);
  });

  test("a deleted credit takes no transactions", async () => {
    const card = await giftCard({ code: "GC-GONE", initialBalance: "0" });
    await api(harness).delete(`${CREDITS}/GC-GONE`).set(card.app).expect(204);
    const response = await api(harness).post(card.path).set(card.app).send({ transactionType: "Credit", impactAmount: 5 });
    expect(response.status).toBe(409);
    expect(response.body.message).toBe("Gift card GC-GONE was deleted; no transactions can be added.");
  });

  test("an unknown code is a 404, and so is another tenant's credit", async () => {
    const card = await giftCard();
    const other = await giftCard();
    const unknown = await api(harness).post(`${CREDITS}/NOPE/transactions`).set(card.app).send({ transactionType: "Credit", impactAmount: 1 });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ errorCode: "ITEM_NOT_FOUND", message: "Credit NOPE was not found." });
    const foreign = await api(harness).post(other.path).set(card.app).send({ transactionType: "Credit", impactAmount: 1 });
    expect(foreign.status).toBe(404);
  });

  test("needs CreditUpdate, and shoppers cannot add transactions", async () => {
    const card = await giftCard();
    const readOnly = await appAuth(harness.app, card.tenantId, ["CreditRead"]);
    const forbidden = await api(harness).post(card.path).set(readOnly).send({ transactionType: "Credit", impactAmount: 1 });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toBe("The token lacks the required behavior CreditUpdate.");
    const shopper = await api(harness).post(card.path).set(card.shopper).send({ transactionType: "Credit", impactAmount: 1 });
    expect(shopper.status).toBe(403);
  });

  onPostgres.test("50 concurrent debits never overdraw and never lose an update", async () => {
    const card = await giftCard({ initialBalance: "100.00" });
    const amounts = Array.from({ length: 50 }, (_, index) => new Decimal(1 + (index % 5)).plus("0.25"));
    const responses = await Promise.all(
      amounts.map((amount) =>
        api(harness).post(card.path).set(card.app).send({ transactionType: "Debit", impactAmount: amount.toNumber() }),
      ),
    );
    const accepted = responses.filter((response) => response.status === 200);
    const rejected = responses.filter((response) => response.status !== 200);
    expect(accepted.length + rejected.length).toBe(50);
    expect(rejected.every((response) => response.status === 409 && response.body.errorCode === "VALIDATION_CONFLICT")).toBe(true);
    // 50 debits of 1.25–5.25 ask for 162.50 of 100.00: some must be refused.
    expect(rejected.length).toBeGreaterThan(0);

    const debited = accepted.reduce((sum, response) => sum.plus(new Decimal(response.body.impactAmount).abs()), new Decimal(0));
    const final = new Decimal(await balanceOf(card.credit.code, card.tenantId));
    expect(final.toFixed(2)).toBe(new Decimal(100).minus(debited).toFixed(2));
    expect(final.isNegative()).toBe(false);

    const ledger = await harness.database.prisma.creditTransaction.findMany({ where: { creditId: card.credit.id }, orderBy: { id: "asc" } });
    expect(ledger).toHaveLength(1 + accepted.length);
    let running = new Decimal(0);
    for (const row of ledger) {
      running = running.plus(row.impactAmount.toFixed());
      expect(row.balanceAfter.toFixed(4)).toBe(running.toFixed(4));
      expect(running.isNegative()).toBe(false);
    }
    expect(running.toFixed(2)).toBe(final.toFixed(2));
    const audits = await harness.database.prisma.creditAuditEntry.count({ where: { creditId: card.credit.id, activityType: "Transaction" } });
    expect(audits).toBe(accepted.length);
  });
});

describe("getTransactions", () => {
  test("lists the opening balance as the first Credit, then each move with its signed amount", async () => {
    const card = await giftCard({
      initialBalance: "50.00",
      transactions: [
        { type: "Debit", amount: "10.00", orderId: "A-1" },
        { type: "Credit", amount: "2.50" },
        { type: "Debit", amount: "7.25", orderId: "A-2" },
      ],
    });
    const response = await api(harness).get(card.path).set(card.app);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ startIndex: 0, pageSize: 20, pageCount: 1, totalCount: 4 });
    expect(response.body.items.map((item: { transactionType: string; impactAmount: number }) => [item.transactionType, item.impactAmount])).toEqual([
      ["Credit", 50],
      ["Debit", -10],
      ["Credit", 2.5],
      ["Debit", -7.25],
    ]);
    expect(response.body.items[0].comments).toBe("Initial balance");
  });

  test("filters, sorts and pages the ledger", async () => {
    const card = await giftCard({
      initialBalance: "100.00",
      transactions: [
        { type: "Debit", amount: "10.00", orderId: "A-1" },
        { type: "Debit", amount: "30.00", orderId: "A-2" },
        { type: "Credit", amount: "5.00" },
        { type: "Debit", amount: "20.00", orderId: "A-3" },
      ],
    });
    const debits = await api(harness).get(card.path).set(card.app).query({ filter: "transactionType eq debit", sortBy: "impactAmount" });
    expect(debits.body.totalCount).toBe(3);
    expect(debits.body.items.map((item: { orderId: string }) => item.orderId)).toEqual(["A-2", "A-3", "A-1"]);

    const big = await api(harness).get(card.path).set(card.app).query({ filter: "impactAmount lt -15 or orderId eq A-1", pageSize: 1, startIndex: 1 });
    expect(big.body).toMatchObject({ startIndex: 1, pageSize: 1, pageCount: 3, totalCount: 3 });
    expect(big.body.items).toHaveLength(1);

    const projected = await api(harness).get(card.path).set(card.app).query({ responseFields: "items(id,impactAmount)", pageSize: 2 });
    expect(projected.body).toEqual({ items: [{ id: expect.any(Number), impactAmount: 100 }, { id: expect.any(Number), impactAmount: -10 }] });
  });

  test("a filter on an unknown field is a 400 pointing at it", async () => {
    const card = await giftCard();
    const response = await api(harness).get(card.path).set(card.app).query({ filter: "amount gt 1" });
    expect(response.status).toBe(400);
    expect(response.body.additionalErrorData).toEqual(
      expect.arrayContaining([
        { name: "parameter", value: "filter" },
        { name: "position", value: 1 },
      ]),
    );
  });

  test("a shopper sees their own credit's transactions and gets 404 for anyone else's", async () => {
    const card = await giftCard();
    const stranger = await createCustomer(harness.database.prisma, { tenantId: card.tenantId });
    const theirs = await createCredit(harness.database.prisma, { tenantId: card.tenantId, customerId: stranger.customerId });
    await api(harness).get(card.path).set(card.shopper).expect(200);
    const response = await api(harness).get(`${CREDITS}/${theirs.code}/transactions`).set(card.shopper);
    expect(response.status).toBe(404);
    expect(response.body.errorCode).toBe("ITEM_NOT_FOUND");
  });
});
