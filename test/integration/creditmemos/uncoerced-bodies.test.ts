import { api, useTestApp } from "../../helpers/harness.js";
import { errorData, exampleOrder, memoPath, ORDERS, shop, type Shop } from "./helpers.js";

// Magento's bodies document amounts as a decimal string or a JSON number and ids as integers or digits: anything
// else is refused as fault 102 naming the field, never coerced into an amount or an id.
const harness = useTestApp();

const AMOUNT = 'must be a JSON number or a plain decimal string such as "12.50"';

/** What a refused request must leave as it was: the tenant's memos, orders, credits and memo numbering. */
async function written(s: Shop) {
  const prisma = harness.database.prisma;
  return {
    memos: await prisma.creditmemo.count({ where: { tenant_id: s.tenantId } }),
    orders: await prisma.order.count({ where: { tenantId: s.tenantId } }),
    refunded: (await prisma.order.findMany({ where: { tenantId: s.tenantId }, select: { totalRefunded: true } })).map((o) => o.totalRefunded.toFixed()),
    credits: await prisma.credit.count({ where: { tenantId: s.tenantId } }),
    numbering: (await prisma.store.findUniqueOrThrow({ where: { id: s.store.id } })).lastCreditmemoNumber,
  };
}

function expectFault102(response: { status: number; body: { message: string; additionalErrorData: { name: string; value: unknown }[] } }, parameter: string, message?: string) {
  expect(response.status).toBe(400);
  expect(errorData(response.body)).toMatchObject({ faultCode: 102, parameter });
  if (message) expect(response.body.message).toBe(message);
}

describe("order_creditmemo.create bodies are not coerced", () => {
  test.each([
    ["shipping_amount true", '{"shipping_amount":true}', "shipping_amount", `Invalid field 'shipping_amount' in body: ${AMOUNT}.`],
    ["shipping_amount in an array", '{"shipping_amount":[5]}', "shipping_amount", `Invalid field 'shipping_amount' in body: ${AMOUNT}.`],
    ["a hexadecimal refund to store credit", '{"refundToStoreCreditAmount":"0x10"}', "refundToStoreCreditAmount", `Invalid field 'refundToStoreCreditAmount' in body: ${AMOUNT}.`],
    ["an exponent quantity", '{"qtys":[{"order_item_id":775,"qty":"1e0"}]}', "qtys.0.qty", `Invalid field 'qtys.0.qty' in body: ${AMOUNT}.`],
    ["a fractional item id", '{"qtys":[{"order_item_id":775.5,"qty":1}]}', "qtys.0.order_item_id", undefined],
    ["notifyCustomer as text", '{"notifyCustomer":"true"}', "notifyCustomer", "Invalid field 'notifyCustomer' in body: must be boolean."],
    ["a lone surrogate in the comment", '{"comment":"Refund\\ud800"}', "comment", undefined],
  ])("%s: 400 fault 102 naming it, nothing written", async (_shape, json, parameter, message) => {
    const s = await shop(harness);
    await exampleOrder(s);
    const before = await written(s);
    const response = await api(harness).post(memoPath("100000744")).set(s.app).set("content-type", "application/json").send(json);
    expectFault102(response, parameter, message);
    expect(await written(s)).toEqual(before);
  });

  test("an item id sent as Magento's digits is read as the id", async () => {
    const s = await shop(harness);
    await exampleOrder(s);
    const response = await api(harness).post(memoPath("100000744")).set(s.app).send({ qtys: [{ order_item_id: "775", qty: "1.0000" }], shipping_amount: "0" });
    expect(response.status).toBe(201);
    expect(response.body.creditmemo.items).toEqual([expect.objectContaining({ order_item_id: "775", qty: "1.0000" })]);
  });
});

describe("putOrder bodies are not coerced", () => {
  const body = () => ({
    entity_id: "744",
    store_id: "1",
    customer_id: "4",
    state: "complete",
    base_currency_code: "USD",
    subtotal: "75.0000",
    grand_total: "75.0000",
    total_paid: "75.0000",
    items: [{ item_id: "775", product_id: "20", sku: "test_product_sku", name: "Test Product", price: "75.0000", qty_ordered: "1.0000" }],
  });
  const put = (s: Shop, json: unknown) => api(harness).put(`${ORDERS}/100000744`).set(s.app).send(json as object);

  test("Magento's string ids and amounts are imported", async () => {
    const s = await shop(harness);
    const response = await put(s, body());
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ entity_id: "744", store_id: "1", customer_id: "4", items: [expect.objectContaining({ item_id: "775", product_id: "20" })] });
  });

  test.each([
    ["subtotal in an array", { subtotal: [75] }, "subtotal", `Invalid field 'subtotal' in body: ${AMOUNT}.`],
    ["grand_total true", { grand_total: true }, "grand_total", `Invalid field 'grand_total' in body: ${AMOUNT}.`],
    ["an exponent rate", { base_to_order_rate: "1e0" }, "base_to_order_rate", `Invalid field 'base_to_order_rate' in body: ${AMOUNT}.`],
    ["entity_id true", { entity_id: true }, "entity_id", 'Invalid field \'entity_id\' in body: must be an integer or its digits as a string such as "775".'],
    ["entity_id with a sign", { entity_id: "+744" }, "entity_id", undefined],
    ["entity_id past 32 bits", { entity_id: "9999999999" }, "entity_id", "entity_id must be an integer from 1 to 2147483647."],
    ["item_id 0 as digits", { items: [{ ...body().items[0], item_id: "0" }] }, "items[0].item_id", "items[0].item_id must be an integer from 1 to 2147483647."],
    ["a lone surrogate in a name", { items: [{ ...body().items[0], name: "Test\ud800" }] }, "items.0.name", undefined],
  ])("%s: 400 fault 102 naming it, no order", async (_shape, change, parameter, message) => {
    const s = await shop(harness);
    const response = await put(s, { ...body(), ...change });
    expectFault102(response, parameter, message);
    expect(await harness.database.prisma.order.count({ where: { tenantId: s.tenantId } })).toBe(0);
  });
});
