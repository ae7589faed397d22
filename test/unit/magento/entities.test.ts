import { Decimal } from "decimal.js";
import { creditmemoExample } from "../../../src/examples/index.js";
import {
  CREDITMEMO_FIELDS,
  CREDITMEMO_ITEM_FIELDS,
  formatCreditmemo,
  formatCreditmemoSummary,
  formatOrder,
  magentoDate,
  magentoValue,
} from "../../../src/magento/index.js";
import { SEED_CREDITMEMO_INFO } from "../../integration/creditmemos/seed-example.js";

/** The seed example with the entity table's spelling of the weee row amount beside the example's. */
function seedWithBothSpellings() {
  return {
    ...SEED_CREDITMEMO_INFO,
    items: SEED_CREDITMEMO_INFO.items.map((item) => {
      const entries = Object.entries(item);
      const at = entries.findIndex(([name]) => name === "base_weee_tax_applied_row_amnt");
      entries.splice(at, 0, ["base_weee_tax_applied_row_amount", item.base_weee_tax_applied_row_amnt]);
      return Object.fromEntries(entries);
    }),
  };
}

function demoExampleRecord() {
  const example = creditmemoExample({
    tenantId: 1,
    orderRef: 744,
    websiteRef: 1,
    storeRef: 1,
    customerId: 4,
    customerEmail: "customer@example.com",
    orderItemRefs: [1, 2],
  });
  return {
    ...example.creditmemo,
    order_increment_id: example.order.incrementId,
    items: example.creditmemoItems,
    comments: example.creditmemoComments,
  };
}

describe("formatCreditmemo", () => {
  test("writes the demo's example memo exactly as Magento's response example, key order included", () => {
    const formatted = formatCreditmemo(demoExampleRecord());
    const expected = seedWithBothSpellings();
    expect(formatted).toEqual(expected);
    expect(Object.keys(formatted)).toEqual(Object.keys(expected));
    expect(Object.keys(formatted.items[0] ?? {})).toEqual(Object.keys(expected.items[0] ?? {}));
    expect(Object.keys(formatted.comments[0] ?? {})).toEqual(Object.keys(SEED_CREDITMEMO_INFO.comments[0] ?? {}));
  });

  test("the example's extra names mirror the columns they stand for", () => {
    const formatted = formatCreditmemo({
      ...demoExampleRecord(),
      bs_customer_bal_total_refunded: new Decimal("12.5"),
      customer_bal_total_refunded: new Decimal("13.75"),
    });
    expect(formatted["base_customer_balance_total_refunded"]).toBe("12.5000");
    expect(formatted["customer_balance_total_refunded"]).toBe("13.7500");
  });

  test("a list entry is the entity without items and comments", () => {
    const summary = formatCreditmemoSummary(demoExampleRecord());
    expect(Object.keys(summary)).toEqual(CREDITMEMO_FIELDS.map((field) => field.name));
    expect(summary).not.toHaveProperty("items");
  });

  test("every entity table name of an item is written, plus the example's base_weee_tax_applied_row_amnt", () => {
    const names = CREDITMEMO_ITEM_FIELDS.map((field) => field.name);
    expect(names).toEqual(expect.arrayContaining(["base_weee_tax_applied_row_amount", "base_weee_tax_applied_row_amnt"]));
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("formatOrder", () => {
  test("writes the snapshot in salesOrderEntity names with Magento values", () => {
    const example = creditmemoExample({
      tenantId: 1,
      orderRef: 744,
      websiteRef: 1,
      storeRef: 1,
      customerId: 4,
      customerEmail: "customer@example.com",
      orderItemRefs: [1, 2],
    });
    const order = formatOrder({ ...example.order, store_id: 1, items: example.orderItems });
    expect(order).toMatchObject({
      increment_id: "100000744",
      entity_id: "744",
      store_id: "1",
      customer_id: "4",
      grand_total: "90.0000",
      total_refunded: "90.0000",
      created_at: "2011-05-20 08:14:21",
    });
    expect(order.items[1]).toMatchObject({ item_id: "776", qty_ordered: "2.0000", price: "10.0000" });
  });
});

describe("magentoValue", () => {
  test.each([
    ["amount", "90", "90.0000"],
    ["amount", new Decimal("0.12345"), "0.1235"],
    ["amount", -12.5, "-12.5000"],
    ["integer", 684, "684"],
    ["flag", true, "1"],
    ["flag", false, "0"],
    ["text", "a:0:{}", "a:0:{}"],
    ["amount", null, null],
    ["integer", undefined, null],
  ] as const)("%s %p → %p", (kind, value, expected) => {
    expect(magentoValue(kind, value)).toBe(expected);
  });

  test("dates are 'YYYY-MM-DD HH:MM:SS' in UTC, milliseconds dropped", () => {
    expect(magentoDate(new Date("2011-05-27T10:53:03.987Z"))).toBe("2011-05-27 10:53:03");
    expect(magentoValue("date", new Date("2026-01-05T23:59:59+02:00"))).toBe("2026-01-05 21:59:59");
  });
});
