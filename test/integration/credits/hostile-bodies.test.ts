import { createCredit } from "../../../src/demo/factories.js";
import { api, CREDITS, tenantWithShopper, useTestApp } from "../../helpers/harness.js";

// Bodies a hostile-input probe sent: each is refused with a 400 naming the field, and nothing is written.
const harness = useTestApp();

const AMOUNT = 'must be a JSON number or a plain decimal string such as "12.50"';

async function card(overrides: Parameters<typeof createCredit>[1] = {}) {
  const tenant = await tenantWithShopper(harness);
  const credit = await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, initialBalance: "50.00", ...overrides });
  return { ...tenant, credit, path: `${CREDITS}/${encodeURIComponent(credit.code)}/transactions` };
}

/** The credit's balance, ledger rows and audit entries: what a refused request must leave as it was. */
async function ledgerOf(creditId: bigint) {
  const prisma = harness.database.prisma;
  const credit = await prisma.credit.findUniqueOrThrow({ where: { id: creditId } });
  return {
    balance: credit.currentBalance.toFixed(4),
    rows: await prisma.creditTransaction.count({ where: { creditId } }),
    audit: await prisma.creditAuditEntry.count({ where: { creditId } }),
  };
}

/** Sends JSON text as it is: JSON.stringify cannot write 1e309 or some of the shapes below. */
function postRaw(path: string, auth: Record<string, string>, json: string) {
  return api(harness).post(path).set(auth).set("content-type", "application/json").send(json);
}

function expectRefusal(response: { status: number; body: { errorCode: string; message: string; additionalErrorData: unknown[] } }, parameter: string, message: string | RegExp) {
  expect(response.status).toBe(400);
  expect(response.body.errorCode).toBe("MISSING_OR_INVALID_PARAMETER");
  expect(response.body.message).toMatch(message);
  expect(response.body.additionalErrorData).toContainEqual({ name: "parameter", value: parameter });
}

const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);

describe("addTransaction refuses what coercion used to accept", () => {
  test.each([
    ["a hexadecimal string (was a debit of 16.00)", '{"transactionType":"Debit","impactAmount":"0x10"}', "impactAmount", AMOUNT],
    ["true (was 1.00)", '{"transactionType":"Debit","impactAmount":true}', "impactAmount", AMOUNT],
    ["an exponent string (was 100.00)", '{"transactionType":"Debit","impactAmount":"1e2"}', "impactAmount", AMOUNT],
    ["an amount in an array (was 0.05)", '{"transactionType":"Debit","impactAmount":[0.05]}', "impactAmount", AMOUNT],
    ["a padded string", '{"transactionType":"Debit","impactAmount":" 5"}', "impactAmount", AMOUNT],
    ["null", '{"transactionType":"Debit","impactAmount":null}', "impactAmount", AMOUNT],
    ["the type in an array", '{"transactionType":["Debit"],"impactAmount":5}', "transactionType", "must be string"],
    ["a number past the float range", '{"transactionType":"Credit","impactAmount":1e309}', "impactAmount", "is a number too large to store"],
  ])("%s: 400 naming the field, balance and ledger unchanged", async (_shape, json, parameter, message) => {
    const c = await card();
    const before = await ledgerOf(c.credit.id);
    const response = await postRaw(c.path, c.app, json);
    expectRefusal(response, parameter, message.startsWith("must") ? exactly(`Invalid field '${parameter}' in body: ${message}.`) : new RegExp(message));
    expect(await ledgerOf(c.credit.id)).toEqual(before);
  });

  test("a plain decimal string is an amount: '12.50' debits 12.50", async () => {
    const c = await card();
    const response = await api(harness).post(c.path).set(c.app).send({ transactionType: "Debit", impactAmount: "12.50" });
    expect(response.status).toBe(200);
    expect(response.body.impactAmount).toBe(-12.5);
    expect((await ledgerOf(c.credit.id)).balance).toBe("37.5000");
  });
});

describe("amounts finer than the currency's minor units are refused", () => {
  test.each([
    ["CAD", "1.234", "impactAmount: 1.234 has more decimals than CAD's 2."],
    ["JPY", "5.5", "impactAmount: 5.5 has more decimals than JPY's 0."],
    ["KWD", "0.0005", "impactAmount: 0.0005 has more decimals than KWD's 3."],
  ])("a %s transaction of %s", async (currencyCode, amount, message) => {
    const c = await card({ currencyCode, initialBalance: "100" });
    const before = await ledgerOf(c.credit.id);
    const response = await api(harness).post(c.path).set(c.app).send({ transactionType: "Debit", impactAmount: Number(amount) });
    expectRefusal(response, "impactAmount", exactly(message));
    expect(await ledgerOf(c.credit.id)).toEqual(before);
  });

  test("3 decimals are whole fils in KWD, and amounts read in the currency's units in the audit trail", async () => {
    const c = await card({ currencyCode: "KWD", initialBalance: "10" });
    await api(harness).post(c.path).set(c.app).send({ transactionType: "Debit", impactAmount: 1.255, orderId: "7" }).expect(200);
    const audit = await harness.database.prisma.creditAuditEntry.findFirstOrThrow({
      where: { creditId: c.credit.id, activityType: "Transaction" },
      orderBy: { id: "desc" },
    });
    expect(audit.details).toBe("Debit 1.255 KWD; balance 8.745 KWD; order 7");
  });

  test("a yen credit is created and described in whole yen", async () => {
    const tenant = await tenantWithShopper(harness);
    const created = await api(harness).post(CREDITS).set(tenant.app).send({ creditType: "GiftCard", currencyCode: "JPY", initialBalance: 5000 });
    expect(created.status).toBe(200);
    const audit = await api(harness).get(`${CREDITS}/${created.body.code}/auditentries`).set(tenant.app);
    expect(audit.body.items[0].details).toBe(`Created GiftCard ${created.body.code} with initial balance 5000 JPY`);
    const refused = await api(harness).post(CREDITS).set(tenant.app).send({ creditType: "GiftCard", currencyCode: "JPY", initialBalance: 5000.5 });
    expectRefusal(refused, "initialBalance", exactly("initialBalance: 5000.5 has more decimals than JPY's 0."));
    expect(await harness.database.prisma.credit.count({ where: { tenantId: tenant.tenantId } })).toBe(1);
  });

  test("an overdraft message gives both amounts in the currency's minor units", async () => {
    // A balance with a sub-cent remainder, as 4-decimal debits could leave one before they were refused.
    const c = await card({ code: "GC-ODD", currencyCode: "CAD", initialBalance: "300", transactions: [{ type: "Debit", amount: "39.234" }] });
    const response = await api(harness).post(c.path).set(c.app).send({ transactionType: "Debit", impactAmount: 1000.5 });
    expect(response.status).toBe(409);
    expect(response.body.message).toBe("Gift card GC-ODD has 260.77 CAD left; cannot debit 1000.50.");
    expect(response.body.additionalErrorData).toEqual(
      expect.arrayContaining([
        { name: "currentBalance", value: "260.77" },
        { name: "requested", value: "1000.50" },
      ]),
    );
  });
});

describe("addCredit refuses initialBalance shapes coercion used to accept", () => {
  test.each([
    ['""', '""'],
    ["null", "null"],
    ["false", "false"],
    ["true", "true"],
    ['"0x10"', '"0x10"'],
    ["[5]", "[5]"],
  ])("initialBalance %s: 400 naming it, no credit created", async (_shape, value) => {
    const tenant = await tenantWithShopper(harness);
    const response = await postRaw(CREDITS, tenant.app, `{"creditType":"GiftCard","currencyCode":"USD","initialBalance":${value}}`);
    expectRefusal(response, "initialBalance", exactly(`Invalid field 'initialBalance' in body: ${AMOUNT}.`));
    expect(await harness.database.prisma.credit.count({ where: { tenantId: tenant.tenantId } })).toBe(0);
  });

  test("initialBalance finer than cents is refused for USD", async () => {
    const tenant = await tenantWithShopper(harness);
    const response = await api(harness).post(CREDITS).set(tenant.app).send({ creditType: "GiftCard", currencyCode: "USD", initialBalance: "10.005" });
    expectRefusal(response, "initialBalance", exactly("initialBalance: 10.005 has more decimals than USD's 2."));
    expect(await harness.database.prisma.credit.count({ where: { tenantId: tenant.tenantId } })).toBe(0);
  });

  test("a decimal string is an initial balance", async () => {
    const tenant = await tenantWithShopper(harness);
    const response = await api(harness).post(CREDITS).set(tenant.app).send({ creditType: "GiftCard", currencyCode: "USD", initialBalance: "25.50" });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ initialBalance: 25.5, currentBalance: 25.5 });
  });

  test("a customerId sent as a string is refused, not coerced", async () => {
    const tenant = await tenantWithShopper(harness);
    const response = await api(harness).post(CREDITS).set(tenant.app).send({ creditType: "GiftCard", currencyCode: "USD", customerId: String(tenant.customerId) });
    expectRefusal(response, "customerId", exactly("Invalid field 'customerId' in body: must be integer,null."));
    expect(await harness.database.prisma.credit.count({ where: { tenantId: tenant.tenantId } })).toBe(0);
  });
});

describe("strings the database would change are refused, not stored as U+FFFD", () => {
  const LONE = "contains an unpaired UTF-16 surrogate (\\ud800 at character 2), which is not Unicode text";

  test.each([
    ["data", '{"transactionType":"Credit","impactAmount":5,"data":{"x":"a\\ud800b"}}', "data.x"],
    ["a data key", '{"transactionType":"Credit","impactAmount":5,"data":{"k\\udc00":1}}', "data.k\\udc00"],
    ["comments", '{"transactionType":"Credit","impactAmount":5,"comments":"a\\ud800"}', "comments"],
    ["orderId", '{"transactionType":"Credit","impactAmount":5,"orderId":"1\\ud800"}', "orderId"],
    ["an ignored field", '{"transactionType":"Credit","impactAmount":5,"auditInfo":{"by":"x\\ud800"}}', "auditInfo.by"],
  ])("a lone surrogate in %s: 400 naming it, nothing written", async (_where, json, parameter) => {
    const c = await card();
    const before = await ledgerOf(c.credit.id);
    const response = await postRaw(c.path, c.app, json);
    expectRefusal(response, parameter, /unpaired UTF-16 surrogate/);
    expect(await ledgerOf(c.credit.id)).toEqual(before);
  });

  test("the message names the field and where the surrogate is", async () => {
    const c = await card();
    const response = await postRaw(c.path, c.app, '{"transactionType":"Credit","impactAmount":5,"comments":"a\\ud800"}');
    expect(response.body.message).toBe(`Invalid field 'comments' in body: ${LONE}.`);
  });

  test.each([
    ["customCreditType", '{"creditType":"Custom","currencyCode":"USD","customCreditType":"Promo\\ud800"}', "customCreditType"],
    ["code", '{"creditType":"GiftCard","currencyCode":"USD","code":"GC-\\ud800"}', "code"],
  ])("a lone surrogate in a new credit's %s: 400, no credit", async (_where, json, parameter) => {
    const tenant = await tenantWithShopper(harness);
    expectRefusal(await postRaw(CREDITS, tenant.app, json), parameter, /unpaired UTF-16 surrogate/);
    expect(await harness.database.prisma.credit.count({ where: { tenantId: tenant.tenantId } })).toBe(0);
  });

  test("a lone surrogate in an update's customCreditType: 400, the credit unchanged", async () => {
    const c = await card({ creditType: "Custom" });
    const response = await api(harness)
      .put(`${CREDITS}/${c.credit.code}`)
      .set(c.app)
      .set("content-type", "application/json")
      .send('{"customCreditType":"Promo\\ud800"}');
    expectRefusal(response, "customCreditType", /unpaired UTF-16 surrogate/);
    const stored = await harness.database.prisma.credit.findUniqueOrThrow({ where: { id: c.credit.id } });
    expect(stored.customCreditType).toBe("Loyalty Reward");
  });

  test("paired surrogates (an emoji) are text and are stored as sent", async () => {
    const c = await card();
    const response = await api(harness).post(c.path).set(c.app).send({ transactionType: "Credit", impactAmount: 5, comments: "🎁", data: { "🎁": "✓" } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ comments: "🎁", data: { "🎁": "✓" } });
  });
});

describe("data is bounded in depth and size", () => {
  const deepArray = (levels: number) => `${"[".repeat(levels)}1${"]".repeat(levels)}`;

  test.each([
    ["without", {}],
    ["with", { "Idempotency-Key": "deep-1" }],
  ])("data nested 3,000 levels deep in a 6 KB body, %s an Idempotency-Key: 400 naming data, not 500", async (_with, headers) => {
    const c = await card();
    const before = await ledgerOf(c.credit.id);
    const json = `{"transactionType":"Credit","impactAmount":5,"data":${deepArray(3_000)}}`;
    expect(json.length).toBeLessThan(6_100);
    const response = await api(harness).post(c.path).set(c.app).set(headers).set("content-type", "application/json").send(json);
    expectRefusal(response, "data", exactly("Invalid field 'data' in body: is nested more than 32 levels deep."));
    expect(await ledgerOf(c.credit.id)).toEqual(before);
    expect(await harness.database.prisma.idempotencyKey.count({ where: { tenantId: c.tenantId } })).toBe(0);
  });

  test("data 32 levels deep is stored and returned as sent", async () => {
    const c = await card();
    const response = await postRaw(c.path, c.app, `{"transactionType":"Credit","impactAmount":5,"data":${deepArray(32)}}`);
    expect(response.status).toBe(200);
    expect(JSON.stringify(response.body.data)).toBe(deepArray(32));
  });

  test("data over 16 KB of JSON: 400 naming data", async () => {
    const c = await card();
    const before = await ledgerOf(c.credit.id);
    const response = await api(harness).post(c.path).set(c.app).send({ transactionType: "Credit", impactAmount: 5, data: { blob: "x".repeat(16_400) } });
    expectRefusal(response, "data", /^data is 16411 bytes of JSON; at most 16384 are stored\.$/);
    expect(await ledgerOf(c.credit.id)).toEqual(before);
  });

  test("1e309 inside data: 400 naming it, not stored as null", async () => {
    const c = await card();
    const before = await ledgerOf(c.credit.id);
    const response = await postRaw(c.path, c.app, '{"transactionType":"Credit","impactAmount":5,"data":{"n":[1,1e309]}}');
    expectRefusal(response, "data.n.1", exactly("Invalid field 'data.n.1' in body: is a number too large to store (it reads as infinity)."));
    expect(await ledgerOf(c.credit.id)).toEqual(before);
  });
});
