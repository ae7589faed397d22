import { appAuth } from "../../helpers/auth.js";
import { api, useTestApp } from "../../helpers/harness.js";
import { errorData, MEMOS, memoPath, ORDERS, shop, type Shop } from "./helpers.js";
import { SEED_CREDITMEMO_INFO } from "./seed-example.js";

const harness = useTestApp();

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Order 100000744 of Magento's example as the order system sends it: Magento strings, discounts negative. */
const exampleBody = () => ({
  entity_id: 744,
  store_id: 1,
  customer_id: 4,
  customer_email: "customer@example.com",
  state: "complete",
  created_at: "2011-05-20 08:14:21",
  base_currency_code: "USD",
  subtotal: "75.0000",
  shipping_amount: "15.0000",
  discount_amount: "-0.0000",
  grand_total: "90.0000",
  total_paid: "90.0000",
  billing_address_id: "1487",
  shipping_address_id: "1488",
  items: [
    { item_id: "775", product_id: "20", sku: "test_product_sku", name: "Test Product", price: "55.0000", qty_ordered: "1.0000", qty_invoiced: "1.0000" },
    { item_id: "776", product_id: "21", sku: "test_product_sku_2", name: "Test 2", price: "10.0000", qty_ordered: "2.0000", qty_invoiced: "2.0000" },
  ],
});

const put = (s: Shop, body: object, incrementId = "100000744") => api(harness).put(`${ORDERS}/${incrementId}`).set(s.app).send(body);

describe("putOrder", () => {
  test("imports an order (201), answers the snapshot, and credit memos then refund it", async () => {
    const s = await shop(harness);
    const response = await put(s, exampleBody());
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      increment_id: "100000744",
      entity_id: "744",
      store_id: "1",
      customer_id: "4",
      customer_email: "customer@example.com",
      state: "complete",
      global_currency_code: "USD",
      base_currency_code: "USD",
      order_currency_code: "USD",
      store_currency_code: "USD",
      base_to_global_rate: "1.0000",
      base_to_order_rate: "1.0000",
      store_to_base_rate: "1.0000",
      store_to_order_rate: "1.0000",
      subtotal: "75.0000",
      base_subtotal: "75.0000",
      shipping_amount: "15.0000",
      base_shipping_amount: "15.0000",
      tax_amount: "0.0000",
      base_tax_amount: "0.0000",
      discount_amount: "0.0000",
      base_discount_amount: "0.0000",
      grand_total: "90.0000",
      base_grand_total: "90.0000",
      total_paid: "90.0000",
      base_total_paid: "90.0000",
      total_refunded: "0.0000",
      base_total_refunded: "0.0000",
      shipping_refunded: "0.0000",
      base_shipping_refunded: "0.0000",
      billing_address_id: "1487",
      shipping_address_id: "1488",
      created_at: "2011-05-20 08:14:21",
      updated_at: expect.stringMatching(TIMESTAMP),
      items: [
        expect.objectContaining({ item_id: "775", price: "55.0000", base_price: "55.0000", price_incl_tax: "55.0000", qty_invoiced: "1.0000", qty_refunded: "0.0000" }),
        expect.objectContaining({ item_id: "776", price: "10.0000", qty_ordered: "2.0000" }),
      ],
    });

    const created = await api(harness)
      .post(memoPath("100000744"))
      .set(s.app)
      .send({ qtys: [{ order_item_id: 775, qty: 1 }, { order_item_id: 776, qty: 2 }], shipping_amount: 15, comment: "Test CreditMemo successfully created" });
    expect(created.status).toBe(201);
    const { creditmemo } = created.body;
    for (const name of ["grand_total", "subtotal", "shipping_amount", "order_id", "store_id", "billing_address_id", "shipping_address_id"] as const) {
      expect([name, creditmemo[name]]).toEqual([name, SEED_CREDITMEMO_INFO[name]]);
    }
  });

  test("the same body again replaces nothing (200); refunded values never drop below what memos refunded", async () => {
    const s = await shop(harness);
    const first = await put(s, exampleBody());
    const again = await put(s, exampleBody());
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, updated_at: expect.stringMatching(TIMESTAMP) });

    await api(harness).post(memoPath("100000744")).set(s.app).send({ qtys: [{ order_item_id: 776, qty: 2 }], shipping_amount: 5 }).expect(201);
    const reimported = await put(s, { ...exampleBody(), total_refunded: "0.0000", items: exampleBody().items.map((item) => ({ ...item, qty_refunded: 0 })) });
    expect(reimported.status).toBe(200);
    expect(reimported.body).toMatchObject({ total_refunded: "25.0000", base_total_refunded: "25.0000", shipping_refunded: "5.0000" });
    expect(reimported.body.items.map((item: { qty_refunded: string }) => item.qty_refunded)).toEqual(["0.0000", "2.0000"]);

    // Refunds made elsewhere and reported by the order system count when they are larger.
    const elsewhere = await put(s, { ...exampleBody(), total_refunded: 80, items: exampleBody().items.map((item) => ({ ...item, qty_refunded: item.qty_invoiced })) });
    expect(elsewhere.body).toMatchObject({ total_refunded: "80.0000" });
    expect(elsewhere.body.items.map((item: { qty_refunded: string }) => item.qty_refunded)).toEqual(["1.0000", "2.0000"]);
  });

  test("lines without refunds may be dropped; base amounts default from the rate; discounts are kept positive", async () => {
    const s = await shop(harness);
    await put(s, exampleBody()).expect(201);
    const body = {
      ...exampleBody(),
      base_to_order_rate: "1.25",
      discount_amount: "-5.00",
      items: [{ ...exampleBody().items[0], discount_amount: "-5.00", tax_amount: "2.00" }],
    };
    const response = await put(s, body);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ base_subtotal: "60.0000", discount_amount: "5.0000", base_discount_amount: "4.0000", base_grand_total: "72.0000" });
    expect(response.body.items).toEqual([
      expect.objectContaining({ item_id: "775", base_price: "44.0000", price_incl_tax: "57.0000", discount_amount: "5.0000", base_tax_amount: "1.6000" }),
    ]);
  });

  test.each([
    ["dropping a refunded line", { items: [exampleBody().items[0]] }, "Order item 776 has been refunded by credit memos and must stay on the order."],
    [
      "invoicing less than was refunded",
      { items: [exampleBody().items[0], { ...exampleBody().items[1], qty_invoiced: 1 }] },
      "Order item 776: qty_invoiced 1 is below the 2 refunded by credit memos.",
    ],
    ["a paid total below what was refunded", { total_paid: 10 }, "base_total_paid 10.00 is below the 20.00 already refunded."],
    ["another entity_id", { entity_id: 745 }, "Order 100000744 has entity_id 744; it cannot change."],
  ])("%s is a 409", async (_name, change, message) => {
    const s = await shop(harness);
    await put(s, exampleBody()).expect(201);
    await api(harness).post(memoPath("100000744")).set(s.app).send({ qtys: [{ order_item_id: 776, qty: 2 }], shipping_amount: 0 }).expect(201);
    const response = await put(s, { ...exampleBody(), ...change });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ errorCode: "VALIDATION_CONFLICT", message });
  });

  test("an entity_id that belongs to another order is a 409", async () => {
    const s = await shop(harness);
    await put(s, exampleBody()).expect(201);
    const response = await put(s, exampleBody(), "100000745");
    expect(response.status).toBe(409);
    expect(response.body.message).toBe("entity_id 744 belongs to order 100000744.");
  });

  test.each([
    ["an unknown store", { store_id: 99 }, "store_id", "store_id 99 is not a store of this tenant."],
    ["an unknown customer", { customer_id: 99 }, "customer_id", "customer_id 99 is not a customer of this tenant."],
    ["a word for an amount", { grand_total: "ninety" }, "grand_total", "Invalid field 'grand_total' in body: must be a JSON number or a plain decimal string such as \"12.50\"."],
    ["a negative amount", { subtotal: -1 }, "subtotal", "subtotal must not be negative."],
    ["a zero rate", { base_to_order_rate: 0 }, "base_to_order_rate", "base_to_order_rate must be greater than 0."],
    [
      "an unreadable date",
      { created_at: "20 May 2011" },
      "created_at",
      "created_at '20 May 2011' is not a date: use 'YYYY-MM-DD HH:MM:SS' (UTC) or ISO-8601 with a zone.",
    ],
    ["more invoiced than ordered", { items: [{ ...exampleBody().items[0], qty_invoiced: 2 }] }, "items[0].qty_invoiced", "qty_invoiced 2 is above qty_ordered 1."],
    ["a line twice", { items: [exampleBody().items[0], exampleBody().items[0]] }, "items[1].item_id", "item_id 775 appears twice in items."],
    ["no lines", { items: [] }, "items", undefined],
    ["an unknown field", { total_due: 5 }, "total_due", "Unknown field 'total_due' in body."],
    ["no entity_id", { entity_id: undefined }, "entity_id", "Missing required field 'entity_id' in body."],
  ])("%s is 400 fault 102", async (_name, change, parameter, message) => {
    const s = await shop(harness);
    const response = await put(s, { ...exampleBody(), ...change });
    expect(response.status).toBe(400);
    expect(errorData(response.body)).toMatchObject({ faultCode: 102, parameter });
    if (message) expect(response.body.message).toBe(message);
    expect(await harness.database.prisma.order.count({ where: { tenantId: s.tenantId } })).toBe(0);
  });

  test("a guest order is imported with customer_id null", async () => {
    const s = await shop(harness);
    const response = await put(s, { ...exampleBody(), customer_id: null, created_at: "2011-05-20T10:14:21+02:00" });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ customer_id: null, created_at: "2011-05-20 08:14:21" });
  });

  test("needs CreditMemoWrite", async () => {
    const s = await shop(harness);
    const readOnly = await appAuth(harness.app, s.tenantId, ["CreditMemoRead"]);
    expect((await api(harness).put(`${ORDERS}/100000744`).set(readOnly).send(exampleBody())).status).toBe(403);
    expect((await api(harness).put(`${ORDERS}/100000744`).set(s.shopper).send(exampleBody())).status).toBe(403);
    expect((await api(harness).get(MEMOS).set(readOnly)).status).toBe(200);
  });
});
