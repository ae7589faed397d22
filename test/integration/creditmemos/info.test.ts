import { createCreditmemo } from "../../../src/demo/factories.js";
import { appAuth } from "../../helpers/auth.js";
import { api, useTestApp } from "../../helpers/harness.js";
import { errorData, exampleOrder, MEMOS, memoPath, shop } from "./helpers.js";
import { SEED_CREDITMEMO_INFO } from "./seed-example.js";

const harness = useTestApp();

const ID = /^[1-9]\d*$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** The seed example with ids and timestamps left open, and the entity table's base_weee_tax_applied_row_amount beside the example's spelling. */
function expectedExample() {
  const { items, comments, ...memo } = SEED_CREDITMEMO_INFO;
  return {
    ...memo,
    creditmemo_id: expect.stringMatching(ID),
    created_at: expect.stringMatching(TIMESTAMP),
    updated_at: expect.stringMatching(TIMESTAMP),
    items: items.map((item) => {
      const entries: [string, unknown][] = Object.entries({ ...item, parent_id: expect.stringMatching(ID), item_id: expect.stringMatching(ID) });
      const at = entries.findIndex(([name]) => name === "base_weee_tax_applied_row_amnt");
      entries.splice(at, 0, ["base_weee_tax_applied_row_amount", null]);
      return Object.fromEntries(entries);
    }),
    comments: comments.map((comment) => ({
      ...comment,
      parent_id: expect.stringMatching(ID),
      comment_id: expect.stringMatching(ID),
      created_at: expect.stringMatching(TIMESTAMP),
    })),
  };
}

describe("order_creditmemo.info", () => {
  test("Magento's response example round-trips: created with the example's data, it reads back as the example", async () => {
    const s = await shop(harness);
    await exampleOrder(s);
    const created = await api(harness)
      .post(memoPath("100000744"))
      .set(s.app)
      .send({
        qtys: [
          { order_item_id: 775, qty: 1 },
          { order_item_id: 776, qty: 2 },
        ],
        shipping_amount: 15,
        comment: "Test CreditMemo successfully created",
        notifyCustomer: false,
        includeComment: false,
      });
    expect(created.status).toBe(201);
    expect(created.body.increment_id).toBe("100000684");
    await api(harness)
      .post(`${MEMOS}/100000684/comments`)
      .set(s.app)
      .send({ comment: "Test CreditMemo comment successfully added", notifyCustomer: false, includeComment: false })
      .expect(200);

    const info = await api(harness).get(`${MEMOS}/100000684`).set(s.app);
    expect(info.status).toBe(200);
    const expected = expectedExample();
    expect(info.body).toEqual(expected);
    // Same names in the same order as the example, down to the items and comments.
    expect(Object.keys(info.body)).toEqual(Object.keys(expected));
    expect(Object.keys(info.body.items[0])).toEqual(Object.keys(expected.items[0] ?? {}));
    expect(Object.keys(info.body.comments[0])).toEqual(Object.keys(expected.comments[0] ?? {}));
    // The ids tie together as Magento's do.
    const memoId = info.body.creditmemo_id;
    expect(info.body.items.map((item: { parent_id: string }) => item.parent_id)).toEqual([memoId, memoId]);
    expect(info.body.comments.map((comment: { parent_id: string }) => comment.parent_id)).toEqual([memoId, memoId]);
    // The create response carries the same entity (before the second comment).
    expect(created.body.creditmemo).toEqual({ ...info.body, updated_at: expect.stringMatching(TIMESTAMP), comments: [info.body.comments[0]] });
  });

  test("an unknown increment id is 404 ITEM_NOT_FOUND with fault 100", async () => {
    const s = await shop(harness);
    const response = await api(harness).get(`${MEMOS}/100000999`).set(s.app);
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ errorCode: "ITEM_NOT_FOUND", message: "Requested credit memo does not exist." });
    expect(errorData(response.body)).toEqual({
      faultCode: 100,
      faultMessage: "Requested credit memo does not exist.",
      creditmemoIncrementId: "100000999",
    });
  });

  test("another tenant's memo does not exist", async () => {
    const s = await shop(harness);
    const other = await shop(harness);
    const memo = await createCreditmemo(harness.database.prisma, { order_ref: (await other.order()).id });
    await api(harness).get(`${MEMOS}/${memo.increment_id}`).set(other.app).expect(200);
    const response = await api(harness).get(`${MEMOS}/${memo.increment_id}`).set(s.app);
    expect(response.status).toBe(404);
    expect(errorData(response.body)).toMatchObject({ faultCode: 100 });
  });

  test("an increment id with control characters is 400 fault 102", async () => {
    const s = await shop(harness);
    const response = await api(harness).get(`${MEMOS}/1%0A2`).set(s.app);
    expect(response.status).toBe(400);
    expect(errorData(response.body)).toMatchObject({ faultCode: 102, parameter: "creditmemoIncrementId" });
  });

  test("needs CreditMemoRead; shopper tokens are refused", async () => {
    const s = await shop(harness);
    const memo = await createCreditmemo(harness.database.prisma, { order_ref: (await s.order()).id });
    const balanceOnly = await appAuth(harness.app, s.tenantId, ["BalanceRead"]);
    expect((await api(harness).get(`${MEMOS}/${memo.increment_id}`).set(balanceOnly)).status).toBe(403);
    expect((await api(harness).get(`${MEMOS}/${memo.increment_id}`).set(s.shopper)).status).toBe(403);
    expect((await api(harness).get(MEMOS).set(s.shopper)).status).toBe(403);
  });
});

describe("order_creditmemo.list", () => {
  async function threeMemos() {
    const s = await shop(harness);
    const prisma = harness.database.prisma;
    const first = await s.order({ items: [{ price: "40.00" }] });
    const guest = await s.order({ customerId: null, items: [{ price: "10.00" }] });
    const memos = [
      await createCreditmemo(prisma, { order_ref: first.id, created_at: new Date("2026-01-05T10:00:00Z") }),
      await createCreditmemo(prisma, { order_ref: guest.id, created_at: new Date("2026-02-05T10:00:00Z") }),
      await createCreditmemo(prisma, { order_ref: (await s.order({ items: [{ price: "70.00" }] })).id, state: 3 }),
    ];
    return { s, first, guest, memos };
  }

  test("pages through the tenant's memos in the collection envelope, without items and comments", async () => {
    const { s, memos } = await threeMemos();
    const response = await api(harness).get(MEMOS).query({ pageSize: 2 }).set(s.app);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ startIndex: 0, pageSize: 2, pageCount: 2, totalCount: 3 });
    expect(response.body.items.map((item: { increment_id: string }) => item.increment_id)).toEqual(
      memos.slice(0, 2).map((memo) => memo.increment_id),
    );
    expect(response.body.items[0]).not.toHaveProperty("items");
    expect(Object.keys(response.body.items[0]).at(-1)).toBe("order_increment_id");
    const next = await api(harness).get(MEMOS).query({ pageSize: 2, startIndex: 2 }).set(s.app);
    expect(next.body.items.map((item: { increment_id: string }) => item.increment_id)).toEqual([memos[2]?.increment_id]);
  });

  test("totalCount stays exact on a short last page and past the end", async () => {
    const { s } = await threeMemos();
    const short = await api(harness).get(MEMOS).query({ pageSize: 2, startIndex: 1 }).set(s.app);
    expect(short.body).toMatchObject({ startIndex: 1, totalCount: 3 });
    expect(short.body.items).toHaveLength(2);
    const beyond = await api(harness).get(MEMOS).query({ startIndex: 10 }).set(s.app);
    expect(beyond.body).toMatchObject({ startIndex: 10, totalCount: 3, items: [] });
  });

  test.each([
    ["state eq 3", [2]],
    ["customer_id eq null", [1]],
    ["customer_id eq 4 and state ne 3", [0]],
    ["created_at ge 2026-02-01 and created_at lt 2026-03-01", [1]],
    ["grand_total gt 30", [0, 2]],
  ])("filter %s", async (filter, indexes) => {
    const { s, memos } = await threeMemos();
    const response = await api(harness).get(MEMOS).query({ filter }).set(s.app);
    expect(response.status).toBe(200);
    expect(response.body.items.map((item: { increment_id: string }) => item.increment_id)).toEqual(
      indexes.map((index) => memos[index]?.increment_id),
    );
  });

  test("by order increment id, in either spelling, and sorted through the order", async () => {
    const { s, first, guest, memos } = await threeMemos();
    for (const name of ["orderIncrementId", "order_increment_id"]) {
      const response = await api(harness).get(MEMOS).query({ filter: `${name} eq ${guest.incrementId}` }).set(s.app);
      expect(response.body.items).toEqual([expect.objectContaining({ increment_id: memos[1]?.increment_id, order_increment_id: guest.incrementId })]);
    }
    const sorted = await api(harness).get(MEMOS).query({ sortBy: "grand_total desc" }).set(s.app);
    expect(sorted.body.items.map((item: { grand_total: string }) => item.grand_total)).toEqual(["70.0000", "40.0000", "10.0000"]);
    expect(first.incrementId).not.toBe(guest.incrementId);
  });

  test("an invalid filter is a 400 with its position and fault 101", async () => {
    const s = await shop(harness);
    const response = await api(harness).get(MEMOS).query({ filter: "state eq 2 and nope eq 1" }).set(s.app);
    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe("MISSING_OR_INVALID_PARAMETER");
    expect(errorData(response.body)).toMatchObject({
      faultCode: 101,
      faultMessage: "Invalid filter given.",
      parameter: "filter",
      position: 16,
      reason: "UNKNOWN_FIELD",
    });
  });

  test("sortBy and paging mistakes are fault 101 too", async () => {
    const s = await shop(harness);
    const sort = await api(harness).get(MEMOS).query({ sortBy: "balance desc" }).set(s.app);
    expect(sort.status).toBe(400);
    expect(errorData(sort.body)).toMatchObject({ faultCode: 101, parameter: "sortBy" });
    const paging = await api(harness).get(MEMOS).query({ pageSize: -1 }).set(s.app);
    expect(paging.status).toBe(400);
    expect(errorData(paging.body)).toMatchObject({ faultCode: 101, parameter: "pageSize" });
  });

  test("values out of a column's range are 400s, not database errors", async () => {
    const s = await shop(harness);
    for (const filter of ["customer_id eq 99999999999", "grand_total gt 99999999999999999999", "created_at gt 0000-01-01"]) {
      const response = await api(harness).get(MEMOS).query({ filter }).set(s.app);
      expect([filter, response.status]).toEqual([filter, expect.any(Number)]);
      expect(response.status).toBeLessThan(500);
    }
  });
});
