import { createCredit } from "../../../src/demo/factories.js";
import { appAuth } from "../../helpers/auth.js";
import { api, useTestApp, CREDITS, tenantWithShopper } from "../../helpers/harness.js";
import { postgresOnly } from "../../helpers/postgres-only.js";

const onPostgres = postgresOnly("PGlite runs one transaction at a time, so concurrent requests cannot race on it");

const harness = useTestApp({ poolSize: 10 });

const newCard = { creditType: "GiftCard", currencyCode: "USD", initialBalance: 25 };

describe("POST /credits with Idempotency-Key", () => {
  test("a retry answers the first response, without creating a second credit", async () => {
    const tenant = await tenantWithShopper(harness);
    const first = await api(harness).post(CREDITS).set(tenant.app).set("Idempotency-Key", "create-1").send(newCard);
    const retry = await api(harness).post(CREDITS).set(tenant.app).set("Idempotency-Key", "create-1").send(newCard);
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(first.headers["idempotent-replayed"]).toBeUndefined();
    expect(retry.headers["idempotent-replayed"]).toBe("true");
    expect(await harness.database.prisma.credit.count({ where: { tenantId: tenant.tenantId } })).toBe(1);
  });

  test("the same key with a different body is a 409", async () => {
    const tenant = await tenantWithShopper(harness);
    await api(harness).post(CREDITS).set(tenant.app).set("Idempotency-Key", "create-2").send(newCard).expect(200);
    const other = await api(harness)
      .post(CREDITS)
      .set(tenant.app)
      .set("Idempotency-Key", "create-2")
      .send({ ...newCard, initialBalance: 30 });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({
      errorCode: "VALIDATION_CONFLICT",
      message: "Idempotency-Key 'create-2' was already used for a different request (POST /api/commerce/customer/credits); use a new key for a new request.",
    });
    expect(await harness.database.prisma.credit.count({ where: { tenantId: tenant.tenantId } })).toBe(1);
  });

  test("without a key every request creates a credit", async () => {
    const tenant = await tenantWithShopper(harness);
    await api(harness).post(CREDITS).set(tenant.app).send(newCard).expect(200);
    await api(harness).post(CREDITS).set(tenant.app).send(newCard).expect(200);
    expect(await harness.database.prisma.credit.count({ where: { tenantId: tenant.tenantId } })).toBe(2);
  });

  test("two applications using the same key do not meet", async () => {
    const tenant = await tenantWithShopper(harness);
    const other = await appAuth(harness.app, tenant.tenantId, undefined, "other-app");
    await api(harness).post(CREDITS).set(tenant.app).set("Idempotency-Key", "shared").send(newCard).expect(200);
    const second = await api(harness).post(CREDITS).set(other).set("Idempotency-Key", "shared").send(newCard);
    expect(second.headers["idempotent-replayed"]).toBeUndefined();
    expect(await harness.database.prisma.credit.count({ where: { tenantId: tenant.tenantId } })).toBe(2);
  });

  test("an over-long key is a 400", async () => {
    const tenant = await tenantWithShopper(harness);
    const response = await api(harness).post(CREDITS).set(tenant.app).set("Idempotency-Key", "k".repeat(256)).send(newCard);
    expect(response.status).toBe(400);
    expect(response.body.additionalErrorData).toContainEqual({ name: "parameter", value: "idempotency-key" });
  });
});

describe("POST /credits/{code}/transactions with Idempotency-Key", () => {
  async function card() {
    const tenant = await tenantWithShopper(harness);
    const credit = await createCredit(harness.database.prisma, { tenantId: tenant.tenantId, initialBalance: "100.00" });
    return { ...tenant, credit, path: `${CREDITS}/${credit.code}/transactions` };
  }
  const balance = async (id: bigint) =>
    (await harness.database.prisma.credit.findUniqueOrThrow({ where: { id } })).currentBalance.toFixed(2);

  test("a retried debit is applied once and answers the same ledger row", async () => {
    const { app, credit, path } = await card();
    const debit = { transactionType: "Debit", impactAmount: 30, orderId: "O-1" };
    const first = await api(harness).post(path).set(app).set("Idempotency-Key", "debit-1").send(debit);
    const retry = await api(harness).post(path).set(app).set("Idempotency-Key", "debit-1").send(debit);
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(await balance(credit.id)).toBe("70.00");
  });

  test("the same key on another credit is a different request: 409", async () => {
    const { app, tenantId, path } = await card();
    const other = await createCredit(harness.database.prisma, { tenantId });
    await api(harness).post(path).set(app).set("Idempotency-Key", "debit-2").send({ transactionType: "Debit", impactAmount: 1 }).expect(200);
    const response = await api(harness)
      .post(`${CREDITS}/${other.code}/transactions`)
      .set(app)
      .set("Idempotency-Key", "debit-2")
      .send({ transactionType: "Debit", impactAmount: 1 });
    expect(response.status).toBe(409);
  });

  onPostgres.test("concurrent retries with one key debit once", async () => {
    const { app, credit, path } = await card();
    const debit = { transactionType: "Debit", impactAmount: 10 };
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => api(harness).post(path).set(app).set("Idempotency-Key", "debit-race").send(debit)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(new Set(responses.map((response) => JSON.stringify(response.body))).size).toBe(1);
    expect(responses.filter((response) => response.headers["idempotent-replayed"] === "true")).toHaveLength(9);
    expect(await balance(credit.id)).toBe("90.00");
    expect(await harness.database.prisma.creditTransaction.count({ where: { creditId: credit.id } })).toBe(2);
  });

  test("a refused debit is the key's answer: a retry after a top-up is refused again and debits nothing", async () => {
    const { app, credit, path } = await card();
    const debit = { transactionType: "Debit", impactAmount: 150 };
    const refused = await api(harness).post(path).set(app).set("Idempotency-Key", "debit-3").send(debit);
    expect(refused.status).toBe(409);
    expect(refused.headers["idempotent-replayed"]).toBeUndefined();
    await api(harness).post(path).set(app).send({ transactionType: "Credit", impactAmount: 50 }).expect(200);
    const retry = await api(harness).post(path).set(app).set("Idempotency-Key", "debit-3").send(debit);
    expect(retry.status).toBe(409);
    expect(retry.body).toEqual(refused.body);
    expect(retry.headers["idempotent-replayed"]).toBe("true");
    expect(await balance(credit.id)).toBe("150.00");
    // The same debit as a new attempt, with a new key, goes through.
    await api(harness).post(path).set(app).set("Idempotency-Key", "debit-3b").send(debit).expect(200);
    expect(await balance(credit.id)).toBe("0.00");
  });

  test("a debit of a credit that does not exist yet stays a 404 for its key", async () => {
    const { app, tenantId } = await card();
    const path = `${CREDITS}/GC-LATER/transactions`;
    const debit = { transactionType: "Debit", impactAmount: 5 };
    expect((await api(harness).post(path).set(app).set("Idempotency-Key", "debit-4").send(debit)).status).toBe(404);
    await createCredit(harness.database.prisma, { tenantId, code: "GC-LATER", initialBalance: "10" });
    const retry = await api(harness).post(path).set(app).set("Idempotency-Key", "debit-4").send(debit);
    expect(retry.status).toBe(404);
    expect(retry.headers["idempotent-replayed"]).toBe("true");
  });
});
