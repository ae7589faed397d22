import { createCredit, createCreditmemo } from "../../../src/demo/factories.js";
import { appAuth } from "../../helpers/auth.js";
import { api, useTestApp, CREDITS } from "../../helpers/harness.js";
import { errorData, exampleOrder, MEMOS, memoPath, shop, type Shop } from "./helpers.js";
import { postgresOnly } from "../../helpers/postgres-only.js";

const onPostgres = postgresOnly("PGlite runs one transaction at a time, so concurrent requests cannot race on it");

const harness = useTestApp({ poolSize: 10 });

const BALANCE = (customerId: number) => `/api/commerce/customer/accounts/${customerId}/storecredit`;

async function orderSnapshot(id: number) {
  return harness.database.prisma.order.findUniqueOrThrow({ where: { id }, include: { items: { orderBy: { id: "asc" } } } });
}

async function balanceOf(s: Shop): Promise<number> {
  const response = await api(harness).get(BALANCE(s.customer.customerId)).query({ websiteId: 2 }).set(s.app);
  expect(response.status).toBe(200);
  return response.body.amount;
}

async function kiboCreditsTotal(s: Shop): Promise<number> {
  const response = await api(harness).get(CREDITS).query({ filter: `customerId eq ${s.customer.customerId}` }).set(s.app);
  expect(response.status).toBe(200);
  return response.body.items.reduce((sum: number, credit: { currentBalance: number }) => sum + credit.currentBalance, 0);
}

describe("order_creditmemo.create: the arithmetic", () => {
  test("tax and discount follow the refunded quantity; the totals add up to the row amounts over several memos", async () => {
    const s = await shop(harness);
    const order = await s.order({
      shippingAmount: "10.00",
      items: [{ itemId: 501, price: "30.00", qtyOrdered: 3, taxAmount: "9.00", discountAmount: "6.00" }],
    });
    const first = await api(harness)
      .post(memoPath(order.incrementId))
      .set(s.app)
      .send({ qtys: [{ order_item_id: 501, qty: 1 }], shipping_amount: "4.00", adjustment_positive: 1.5, adjustment_negative: "0.50" });
    expect(first.status).toBe(201);
    expect(first.body.creditmemo).toMatchObject({
      state: "2",
      subtotal: "30.0000",
      tax_amount: "3.0000",
      discount_amount: "2.0000",
      shipping_amount: "4.0000",
      adjustment_positive: "1.5000",
      adjustment_negative: "0.5000",
      adjustment: "1.0000",
      subtotal_incl_tax: "33.0000",
      // 30 + 3 + 4 + 1.50 − 0.50 − 2
      grand_total: "36.0000",
      base_grand_total: "36.0000",
      order_increment_id: order.incrementId,
    });
    expect(first.body.creditmemo.items).toEqual([
      expect.objectContaining({ order_item_id: "501", qty: "1.0000", row_total: "30.0000", tax_amount: "3.0000", discount_amount: "2.0000", row_total_incl_tax: "33.0000" }),
    ]);

    // Everything left would be 2 units, the rest of the tax and discount, and the 6.00 of shipping not yet refunded:
    // 68.00, but the first memo's net 1.00 adjustment already used that much of the 103.00 paid.
    const tooMuch = await api(harness).post(memoPath(order.incrementId)).set(s.app).send({});
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.message).toBe("Maximum amount available to refund is 67.00 USD; this credit memo comes to 68.00.");
    const rest = await api(harness).post(memoPath(order.incrementId)).set(s.app).send({ adjustment_negative: 1 });
    expect(rest.status).toBe(201);
    expect(rest.body.creditmemo).toMatchObject({
      subtotal: "60.0000",
      tax_amount: "6.0000",
      discount_amount: "4.0000",
      shipping_amount: "6.0000",
      adjustment: "-1.0000",
      grand_total: "67.0000",
    });
    expect(rest.body.creditmemo.items[0]).toMatchObject({ qty: "2.0000", tax_amount: "6.0000", discount_amount: "4.0000" });

    const snapshot = await orderSnapshot(order.id);
    expect(snapshot.items[0]?.qtyRefunded.toFixed(4)).toBe("3.0000");
    expect([snapshot.totalPaid, snapshot.totalRefunded, snapshot.shippingRefunded].map((value) => value.toFixed(2))).toEqual([
      "103.00",
      "103.00",
      "10.00",
    ]);
  });

  test("base amounts follow the order's rates", async () => {
    const s = await shop(harness);
    const order = await s.order({ baseToOrderRate: "2", shippingAmount: "8.00", items: [{ itemId: 9, price: "20.00", qtyOrdered: 2 }] });
    const response = await api(harness)
      .post(memoPath(order.incrementId))
      .set(s.app)
      .send({ qtys: [{ order_item_id: 9, qty: 1 }], shipping_amount: 8, refundToStoreCreditAmount: 100 });
    expect(response.status).toBe(201);
    expect(response.body.creditmemo).toMatchObject({
      base_to_order_rate: "2.0000",
      subtotal: "20.0000",
      base_subtotal: "10.0000",
      base_shipping_amount: "4.0000",
      grand_total: "28.0000",
      base_grand_total: "14.0000",
      // Clamped to the base grand total, and shown in the order currency too.
      bs_customer_bal_total_refunded: "14.0000",
      customer_bal_total_refunded: "28.0000",
      base_customer_balance_total_refunded: "14.0000",
      customer_balance_total_refunded: "28.0000",
    });
    expect(response.body.creditmemo.items[0]).toMatchObject({ price: "20.0000", base_price: "10.0000", base_row_total: "10.0000" });
    expect(await balanceOf(s)).toBe(14);
  });

  test("increment ids are the store's prefix and next 8-digit number; numbers already taken are skipped", async () => {
    const s = await shop(harness);
    const order = await s.order({ items: [{ itemId: 1, qtyOrdered: 3 }] });
    const taken = await createCreditmemo(harness.database.prisma, { order_ref: (await s.order()).id, increment_id: "100000685" });
    const numbers: string[] = [];
    for (let n = 0; n < 2; n += 1) {
      const response = await api(harness).post(memoPath(order.incrementId)).set(s.app).send({ qtys: [{ order_item_id: 1, qty: 1 }] });
      expect(response.status).toBe(201);
      numbers.push(response.body.increment_id);
    }
    expect(taken.increment_id).toBe("100000685");
    expect(numbers).toEqual(["100000684", "100000686"]);
  });

  test("notifyCustomer marks the comment, sets email_sent and queues the email with the comment when included", async () => {
    const s = await shop(harness);
    const order = await exampleOrder(s);
    const response = await api(harness)
      .post(memoPath(order.incrementId))
      .set(s.app)
      .send({ comment: "Sorry about that", notifyCustomer: true, includeComment: true });
    expect(response.status).toBe(201);
    expect(response.body.creditmemo).toMatchObject({ email_sent: "1" });
    expect(response.body.creditmemo.comments).toEqual([expect.objectContaining({ comment: "Sorry about that", is_customer_notified: "1" })]);
    const outbox = await harness.database.prisma.notificationOutbox.findMany({ where: { tenantId: s.tenantId } });
    expect(outbox).toEqual([
      expect.objectContaining({
        topic: "creditmemo.email",
        entityId: "100000684",
        payload: {
          creditmemoIncrementId: "100000684",
          orderIncrementId: "100000744",
          email: s.customer.email,
          firstName: s.customer.firstName,
          lastName: s.customer.lastName,
          comment: "Sorry about that",
          reason: "created",
          state: 2,
          orderCurrencyCode: "USD",
          grandTotal: "90",
          baseCurrencyCode: "USD",
          refundedToStoreCredit: "0",
        },
      }),
    ]);
  });
});

describe("order_creditmemo.create: refund to store credit", () => {
  test("opens a StoreCredit for the order's website and credits it; balance and the Kibo credits agree", async () => {
    const s = await shop(harness);
    const order = await exampleOrder(s);
    const response = await api(harness).post(memoPath(order.incrementId)).set(s.app).send({ refundToStoreCreditAmount: 90 });
    expect(response.status).toBe(201);
    expect(response.body.creditmemo).toMatchObject({ grand_total: "90.0000", bs_customer_bal_total_refunded: "90.0000", customer_bal_total_refunded: "90.0000" });

    const credits = await harness.database.prisma.credit.findMany({ where: { tenantId: s.tenantId }, include: { transactions: true } });
    expect(credits).toEqual([
      expect.objectContaining({ creditType: "StoreCredit", customerId: 4, websiteRef: s.website.id, currencyCode: "USD" }),
    ]);
    expect(credits[0]?.currentBalance.toFixed(2)).toBe("90.00");
    expect(credits[0]?.transactions).toEqual([
      expect.objectContaining({
        transactionType: "Credit",
        action: "Refunded",
        orderId: "100000744",
        creditmemoId: Number(response.body.creditmemo.creditmemo_id),
      }),
    ]);
    expect(await balanceOf(s)).toBe(90);
    expect(await kiboCreditsTotal(s)).toBe(90);
  });

  test("goes into the customer's usable StoreCredit for the website before one valid everywhere, never a gift card", async () => {
    const s = await shop(harness);
    const prisma = harness.database.prisma;
    const base = { tenantId: s.tenantId, customerId: 4, initialBalance: "10.00" };
    const everywhere = await createCredit(prisma, { ...base, creditType: "StoreCredit" });
    const websiteOnly = await createCredit(prisma, { ...base, creditType: "StoreCredit", websiteRef: s.website.id });
    const giftCard = await createCredit(prisma, { ...base, creditType: "GiftCard", websiteRef: s.website.id });
    const expired = await createCredit(prisma, { ...base, creditType: "StoreCredit", websiteRef: s.website.id, expirationDate: new Date("2020-01-01") });
    const order = await exampleOrder(s);
    await api(harness).post(memoPath(order.incrementId)).set(s.app).send({ refundToStoreCreditAmount: "25.50" }).expect(201);
    const balances = await prisma.credit.findMany({ where: { tenantId: s.tenantId }, orderBy: { id: "asc" } });
    expect(balances.map((credit) => [credit.id, credit.currentBalance.toFixed(2)])).toEqual([
      [everywhere.id, "10.00"],
      [websiteOnly.id, "35.50"],
      [giftCard.id, "10.00"],
      [expired.id, "10.00"],
    ]);
    expect(await balanceOf(s)).toBe(55.5);
    expect(await kiboCreditsTotal(s)).toBe(65.5);
  });

  onPostgres.test("retried with one Idempotency-Key, concurrently, it refunds once and every retry gets the same answer", async () => {
    const s = await shop(harness);
    const order = await exampleOrder(s);
    const body = { qtys: [{ order_item_id: 776, qty: 2 }], shipping_amount: 0, refundToStoreCreditAmount: 20 };
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => api(harness).post(memoPath(order.incrementId)).set(s.app).set("Idempotency-Key", "refund-1").send(body)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(201));
    expect(new Set(responses.map((response) => JSON.stringify(response.body))).size).toBe(1);
    expect(responses.filter((response) => response.headers["idempotent-replayed"] === "true")).toHaveLength(7);
    expect(await harness.database.prisma.creditmemo.count({ where: { tenant_id: s.tenantId } })).toBe(1);
    expect(await balanceOf(s)).toBe(20);
    expect(await kiboCreditsTotal(s)).toBe(20);
    expect((await orderSnapshot(order.id)).items[1]?.qtyRefunded.toFixed()).toBe("2");
  });

  onPostgres.test("two different keys racing for the last refundable quantity: one refunds, the other is refused", async () => {
    const s = await shop(harness);
    const order = await exampleOrder(s);
    const body = { qtys: [{ order_item_id: 775, qty: 1 }], shipping_amount: 0, refundToStoreCreditAmount: 55 };
    const responses = await Promise.all(
      ["race-a", "race-b", "race-c"].map((key) => api(harness).post(memoPath(order.incrementId)).set(s.app).set("Idempotency-Key", key).send(body)),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, 400, 400]);
    for (const refused of responses.filter((response) => response.status === 400)) {
      expect(errorData(refused.body)).toMatchObject({ faultCode: 102, parameter: "qtys[0].qty" });
      expect(refused.body.message).toBe("Cannot refund 1 of order item 775: 0 of it is invoiced and not yet refunded.");
    }
    expect(await harness.database.prisma.creditmemo.count({ where: { tenant_id: s.tenantId } })).toBe(1);
    expect(await balanceOf(s)).toBe(55);
    expect(await kiboCreditsTotal(s)).toBe(55);
  });

  onPostgres.test("racing for everything that is left: the loser gets fault 106", async () => {
    const s = await shop(harness);
    const order = await exampleOrder(s);
    const responses = await Promise.all(
      ["all-a", "all-b"].map((key) => api(harness).post(memoPath(order.incrementId)).set(s.app).set("Idempotency-Key", key).send({})),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([201, 409]);
    const loser = responses.find((response) => response.status === 409);
    expect(errorData(loser?.body)).toMatchObject({ faultCode: 106 });
  });
});

describe("order_creditmemo.create: faults", () => {
  async function refused(s: Shop, orderIncrementId: string, body: object) {
    const before = await harness.database.prisma.store.findUniqueOrThrow({ where: { id: s.store.id } });
    const response = await api(harness).post(memoPath(orderIncrementId)).set(s.app).send(body);
    // Nothing half-written: no memo, no number drawn, no credit.
    expect(await harness.database.prisma.creditmemo.count({ where: { tenant_id: s.tenantId } })).toBe(0);
    expect((await harness.database.prisma.store.findUniqueOrThrow({ where: { id: s.store.id } })).lastCreditmemoNumber).toBe(before.lastCreditmemoNumber);
    expect(await harness.database.prisma.credit.count({ where: { tenantId: s.tenantId } })).toBe(0);
    return response;
  }

  test.each([
    [{ qtys: [{ order_item_id: 999, qty: 1 }] }, "qtys[0].order_item_id", "Order 100000744 has no item 999."],
    [{ qtys: [{ order_item_id: 775, qty: 1 }, { order_item_id: 775, qty: 0 }] }, "qtys[1]", "Order item 775 is listed twice in qtys."],
    [{ qtys: [{ order_item_id: 776, qty: 3 }] }, "qtys[0].qty", "Cannot refund 3 of order item 776: 2 of it is invoiced and not yet refunded."],
    [{ qtys: [{ order_item_id: 776, qty: -1 }] }, "qtys[0].qty", "qtys[0].qty must not be negative."],
    [{ qtys: [{ order_item_id: 776, qty: "1.00001" }] }, "qtys[0].qty", "qtys[0].qty: 1.00001 has more than 4 decimal places."],
    [{ shipping_amount: "15.001" }, "shipping_amount", "shipping_amount may have at most 2 decimals."],
    [{ shipping_amount: 16 }, "shipping_amount", "Maximum shipping amount allowed to refund is: 15.00 USD."],
    [{ adjustment_negative: "ten" }, "adjustment_negative", "Invalid field 'adjustment_negative' in body: must be a JSON number or a plain decimal string such as \"12.50\"."],
    [{ refundToStoreCreditAmount: -5 }, "refundToStoreCreditAmount", "refundToStoreCreditAmount must not be negative."],
    [{ qtys: [], shipping_amount: 0 }, undefined, "The credit memo's total must be positive; these lines, shipping and adjustments come to 0.00 USD."],
    [{ adjustment_positive: 10 }, undefined, "Maximum amount available to refund is 90.00 USD; this credit memo comes to 100.00."],
    [{ shiping_amount: 5 }, "shiping_amount", "Unknown field 'shiping_amount' in body."],
    [{ qtys: [{ order_item_id: "abc", qty: 1 }] }, "qtys.0.order_item_id", undefined],
    [{ notifyCustomer: "perhaps" }, "notifyCustomer", undefined],
  ])("%j is 400 fault 102", async (body, parameter, message) => {
    const s = await shop(harness);
    await exampleOrder(s);
    const response = await refused(s, "100000744", body);
    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe("MISSING_OR_INVALID_PARAMETER");
    expect(errorData(response.body)).toMatchObject({ faultCode: 102, faultMessage: "Invalid data given." });
    if (parameter) expect(errorData(response.body)["parameter"]).toBe(parameter);
    if (message) expect(response.body.message).toBe(message);
  });

  test("an unknown order is 404 fault 103", async () => {
    const s = await shop(harness);
    const response = await refused(s, "999999999", {});
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ errorCode: "ITEM_NOT_FOUND", message: "Requested order does not exist." });
    expect(errorData(response.body)).toEqual({ faultCode: 103, faultMessage: "Requested order does not exist.", orderIncrementId: "999999999" });
  });

  test("another tenant's order does not exist", async () => {
    const s = await shop(harness);
    const other = await shop(harness);
    const order = await other.order();
    const response = await refused(s, order.incrementId, {});
    expect(errorData(response.body)).toMatchObject({ faultCode: 103 });
  });

  test("refunding a guest order to store credit is 409 fault 105; a guest order can still be refunded otherwise", async () => {
    const s = await shop(harness);
    const order = await exampleOrder(s, { customerId: null });
    const response = await refused(s, order.incrementId, { refundToStoreCreditAmount: 10 });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({
      errorCode: "VALIDATION_CONFLICT",
      message: "Cannot refund to store credit: the order was placed by a guest.",
    });
    expect(errorData(response.body)).toMatchObject({ faultCode: 105 });
    await api(harness).post(memoPath(order.incrementId)).set(s.app).send({ refundToStoreCreditAmount: 0 }).expect(201);
  });

  test.each([
    ["a canceled order", { state: "canceled" }, "Credit memo cannot be created for order 100000744: the order is canceled."],
    [
      "an order with nothing invoiced",
      { items: [{ itemId: 1, qtyOrdered: 1, qtyInvoiced: 0 }] },
      "Credit memo cannot be created for order 100000744: nothing has been paid (invoiced) yet.",
    ],
  ])("%s is 409 fault 106", async (_name, overrides, message) => {
    const s = await shop(harness);
    await exampleOrder(s, overrides);
    const response = await refused(s, "100000744", {});
    expect(response.status).toBe(409);
    expect(response.body.message).toBe(message);
    expect(errorData(response.body)).toMatchObject({ faultCode: 106, faultMessage: "Credit memo cannot be created for the order." });
  });

  test("an order refunded in full is 409 fault 106", async () => {
    const s = await shop(harness);
    const order = await exampleOrder(s);
    await api(harness).post(memoPath(order.incrementId)).set(s.app).send({}).expect(201);
    const response = await api(harness).post(memoPath(order.incrementId)).set(s.app).send({});
    expect(response.status).toBe(409);
    expect(response.body.message).toBe("Credit memo cannot be created for order 100000744: everything paid (90.00 USD) has been refunded.");
    expect(errorData(response.body)).toMatchObject({ faultCode: 106 });
  });

  test("a store-credit refund on an order whose base currency is not its website's is 409 fault 106", async () => {
    const s = await shop(harness);
    const order = await exampleOrder(s, { baseCurrencyCode: "EUR" });
    const response = await refused(s, order.incrementId, { refundToStoreCreditAmount: 5 });
    expect(response.status).toBe(409);
    expect(errorData(response.body)).toMatchObject({ faultCode: 106 });
  });

  test("needs CreditMemoWrite", async () => {
    const s = await shop(harness);
    await exampleOrder(s);
    const readOnly = await appAuth(harness.app, s.tenantId, ["CreditMemoRead"]);
    expect((await api(harness).post(memoPath("100000744")).set(readOnly).send({})).status).toBe(403);
    expect((await api(harness).post(memoPath("100000744")).set(s.shopper).send({})).status).toBe(403);
    expect((await api(harness).get(`${MEMOS}/100000684`).set(s.app)).status).toBe(404);
  });
});
