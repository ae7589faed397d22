import { createCredit, createCreditmemo } from "../../../src/demo/factories.js";
import { api, useTestApp, CREDITS } from "../../helpers/harness.js";
import { errorData, exampleOrder, MEMOS, memoPath, shop, type Shop } from "./helpers.js";
import { postgresOnly } from "../../helpers/postgres-only.js";

const onPostgres = postgresOnly("PGlite runs one transaction at a time, so concurrent requests cannot race on it");

const harness = useTestApp({ poolSize: 10 });

const cancel = (incrementId: string) => `${MEMOS}/${incrementId}/cancel`;
const BALANCE = "/api/commerce/customer/accounts/4/storecredit";

/** An open memo refunding all of the example order, 50.00 of it to a store credit of the customer. */
async function openMemoWithRefund(s: Shop) {
  const prisma = harness.database.prisma;
  const order = await exampleOrder(s);
  const memo = await createCreditmemo(prisma, {
    order_ref: order.id,
    state: 1,
    bs_customer_bal_total_refunded: "50",
    customer_bal_total_refunded: "50",
  });
  const credit = await createCredit(prisma, {
    tenantId: s.tenantId,
    customerId: 4,
    creditType: "StoreCredit",
    websiteRef: s.website.id,
    initialBalance: "0",
    transactions: [{ type: "Credit", amount: "50.00", action: "Refunded", creditmemoId: memo.creditmemo_id, orderId: order.incrementId }],
  });
  return { order, memo, credit };
}

async function balance(s: Shop) {
  const response = await api(harness).get(BALANCE).query({ websiteId: 2 }).set(s.app);
  return response.body.amount;
}

describe("order_creditmemo.cancel", () => {
  test("cancels an open memo: state 3, the order's refunded quantities and totals go back, an unspent refund is reversed", async () => {
    const s = await shop(harness);
    const { order, memo, credit } = await openMemoWithRefund(s);
    expect(await balance(s)).toBe(50);

    const response = await api(harness).put(cancel(memo.increment_id)).set(s.app);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ increment_id: memo.increment_id, state: "3", bs_customer_bal_total_refunded: "50.0000" });
    expect(response.body.comments.at(-1)).toMatchObject({
      comment: `Credit memo canceled: 50.00 of the 50.00 USD refunded to store credit ${credit.code} was taken back.`,
      is_customer_notified: "0",
    });

    const snapshot = await harness.database.prisma.order.findUniqueOrThrow({ where: { id: order.id }, include: { items: { orderBy: { id: "asc" } } } });
    expect(snapshot.items.map((item) => item.qtyRefunded.toFixed())).toEqual(["0", "0"]);
    expect([snapshot.totalRefunded, snapshot.baseTotalRefunded, snapshot.shippingRefunded].map((value) => value.toFixed())).toEqual(["0", "0", "0"]);

    const ledger = await harness.database.prisma.creditTransaction.findMany({ where: { creditId: credit.id }, orderBy: { id: "asc" } });
    expect(ledger.map((row) => [row.action, row.impactAmount.toFixed(2), row.balanceAfter.toFixed(2), row.creditmemoId])).toEqual([
      ["Refunded", "50.00", "50.00", memo.creditmemo_id],
      ["Reverted", "-50.00", "0.00", memo.creditmemo_id],
    ]);
    expect(await balance(s)).toBe(0);
    const kibo = await api(harness).get(`${CREDITS}/${credit.code}`).set(s.app);
    expect(kibo.body.currentBalance).toBe(0);

    // The canceled memo no longer counts: the order can be refunded again.
    await api(harness).post(memoPath(order.incrementId)).set(s.app).send({}).expect(201);
  });

  test("when part of the refund was spent, only the rest is taken back and the memo says so", async () => {
    const s = await shop(harness);
    const { memo, credit } = await openMemoWithRefund(s);
    await api(harness)
      .post(`${CREDITS}/${credit.code}/transactions`)
      .set(s.app)
      .send({ transactionType: "Debit", impactAmount: 30, orderId: "100000800" })
      .expect(200);

    const response = await api(harness).put(cancel(memo.increment_id)).set(s.app);
    expect(response.status).toBe(200);
    expect(response.body.state).toBe("3");
    expect(response.body.comments.at(-1).comment).toBe(
      `Credit memo canceled: 20.00 of the 50.00 USD refunded to store credit ${credit.code} was taken back; 30.00 USD had already been spent and stays with the customer.`,
    );
    const rows = await harness.database.prisma.creditTransaction.findMany({ where: { creditId: credit.id }, orderBy: { id: "asc" } });
    expect(rows.map((row) => [row.action, row.impactAmount.toFixed(2), row.balanceAfter.toFixed(2)])).toEqual([
      ["Refunded", "50.00", "50.00"],
      ["Used", "-30.00", "20.00"],
      ["Reverted", "-20.00", "0.00"],
    ]);
    expect(await balance(s)).toBe(0);
  });

  test("history shows the refund and its reversal as actions 4 and 5", async () => {
    const s = await shop(harness);
    const { memo } = await openMemoWithRefund(s);
    await api(harness).put(cancel(memo.increment_id)).set(s.app).expect(200);
    const history = await api(harness).get(`${BALANCE}/history`).query({ websiteId: 2, sortBy: "history_id" }).set(s.app);
    expect(history.body.items.map((entry: { action: string; balance_delta: string; balance_amount: string }) => [entry.action, entry.balance_delta, entry.balance_amount])).toEqual([
      ["4", "50.0000", "50.0000"],
      ["5", "-50.0000", "0.0000"],
    ]);
  });

  test.each([
    [2, "refunded"],
    [3, "canceled"],
  ])("a memo in state %i is 409 fault 104, and nothing changes", async (state, name) => {
    const s = await shop(harness);
    const order = await exampleOrder(s);
    const memo = await createCreditmemo(harness.database.prisma, { order_ref: order.id, state });
    const response = await api(harness).put(cancel(memo.increment_id)).set(s.app);
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({
      errorCode: "VALIDATION_CONFLICT",
      message: `Status not changed. Credit memo ${memo.increment_id} is ${name}; only open credit memos (state 1) can be canceled.`,
    });
    expect(errorData(response.body)).toEqual({ faultCode: 104, faultMessage: "Status not changed.", creditmemoIncrementId: memo.increment_id, state });
    const after = await harness.database.prisma.creditmemo.findUniqueOrThrow({ where: { creditmemo_id: memo.creditmemo_id } });
    expect(after.state).toBe(state);
  });

  test("cancelling twice: the second is fault 104 and reverses nothing more", async () => {
    const s = await shop(harness);
    const { memo, credit } = await openMemoWithRefund(s);
    const [first, second] = await Promise.all([
      api(harness).put(cancel(memo.increment_id)).set(s.app),
      api(harness).put(cancel(memo.increment_id)).set(s.app),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    expect(await harness.database.prisma.creditTransaction.count({ where: { creditId: credit.id, action: "Reverted" } })).toBe(1);
  });

  onPostgres.test("retried with one Idempotency-Key, concurrently, it cancels once and every retry gets the same answer", async () => {
    const s = await shop(harness);
    const { memo, credit } = await openMemoWithRefund(s);
    const send = () => api(harness).put(cancel(memo.increment_id)).set(s.app).set("Idempotency-Key", "cancel-1");
    const responses = await Promise.all(Array.from({ length: 4 }, send));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    expect(responses.filter((response) => response.headers["idempotent-replayed"] === "true")).toHaveLength(3);
    for (const response of responses) expect(response.body).toEqual(responses[0]?.body);
    expect(responses[0]?.body.state).toBe("3");

    const late = await send();
    expect(late.status).toBe(200);
    expect(late.headers["idempotent-replayed"]).toBe("true");
    expect(late.body).toEqual(responses[0]?.body);
    expect(await harness.database.prisma.creditTransaction.count({ where: { creditId: credit.id, action: "Reverted" } })).toBe(1);

    // Without the key, a second cancel is what it always was.
    await api(harness).put(cancel(memo.increment_id)).set(s.app).expect(409);
  });

  test("an unknown memo is 404 fault 100", async () => {
    const s = await shop(harness);
    const response = await api(harness).put(cancel("123")).set(s.app);
    expect(response.status).toBe(404);
    expect(errorData(response.body)).toMatchObject({ faultCode: 100, faultMessage: "Requested credit memo does not exist." });
  });
});

describe("order_creditmemo.addComment", () => {
  test("adds the comment and answers the memo; notifyCustomer queues the email", async () => {
    const s = await shop(harness);
    const memo = await createCreditmemo(harness.database.prisma, { order_ref: (await exampleOrder(s)).id });
    const response = await api(harness)
      .post(`${MEMOS}/${memo.increment_id}/comments`)
      .set(s.app)
      .send({ comment: "Refund sent", notifyCustomer: true, includeComment: false });
    expect(response.status).toBe(200);
    expect(response.body.comments.map((comment: { comment: string; is_customer_notified: string }) => [comment.comment, comment.is_customer_notified])).toEqual([
      ["Credit memo created", "0"],
      ["Refund sent", "1"],
    ]);
    const outbox = await harness.database.prisma.notificationOutbox.findMany({ where: { tenantId: s.tenantId } });
    expect(outbox.map((message) => message.payload)).toEqual([
      expect.objectContaining({ creditmemoIncrementId: memo.increment_id, orderIncrementId: "100000744", email: s.customer.email, comment: null, reason: "comment" }),
    ]);
  });

  test("a retry with the same Idempotency-Key adds the comment once", async () => {
    const s = await shop(harness);
    const memo = await createCreditmemo(harness.database.prisma, { order_ref: (await exampleOrder(s)).id, comments: [] });
    const send = () =>
      api(harness).post(`${MEMOS}/${memo.increment_id}/comments`).set(s.app).set("Idempotency-Key", "comment-1").send({ comment: "Once" });
    const [first, retry] = await Promise.all([send(), send()]);
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(await harness.database.prisma.creditmemoComment.count({ where: { parent_id: memo.creditmemo_id } })).toBe(1);
  });

  test("an unknown memo is 404 fault 100", async () => {
    const s = await shop(harness);
    const response = await api(harness).post(`${MEMOS}/42/comments`).set(s.app).send({ comment: "Hello" });
    expect(response.status).toBe(404);
    expect(errorData(response.body)).toMatchObject({ faultCode: 100 });
  });

  test.each([
    [{ comment: "   " }, "comment", "comment must not be blank."],
    [{}, "comment", "Missing required field 'comment' in body."],
    [{ comment: "x", visible: true }, "visible", "Unknown field 'visible' in body."],
  ])("%j is 400 fault 102", async (body, parameter, message) => {
    const s = await shop(harness);
    const memo = await createCreditmemo(harness.database.prisma, { order_ref: (await exampleOrder(s)).id });
    const response = await api(harness).post(`${MEMOS}/${memo.increment_id}/comments`).set(s.app).send(body);
    expect(response.status).toBe(400);
    expect(response.body.message).toBe(message);
    expect(errorData(response.body)).toMatchObject({ faultCode: 102, parameter });
  });
});
