import { creditmemoExample } from "../../../src/examples/index.js";
import { creditmemoHeaderFromOrder, formatCreditmemo, NULL_CREDITMEMO_COLUMNS } from "../../../src/magento/index.js";

const example = creditmemoExample({
  tenantId: 3,
  orderRef: 744,
  websiteRef: 1,
  storeRef: 1,
  customerId: 4,
  customerEmail: "customer@example.com",
  orderItemRefs: [1, 2],
});

describe("creditmemoHeaderFromOrder", () => {
  test("copies the order's ids, addresses, currencies and rates into Magento's memo columns", () => {
    const header = creditmemoHeaderFromOrder({
      ...example.order,
      id: 744,
      billingAddressId: 1487,
      shippingAddressId: null,
      orderCurrencyCode: "EUR",
      baseToOrderRate: "0.9",
      store: { storeId: 1 },
    });
    expect(header).toEqual({
      tenant_id: 3,
      order_ref: 744,
      store_id: 1,
      order_id: 744,
      billing_address_id: 1487,
      shipping_address_id: null,
      global_currency_code: "USD",
      base_currency_code: "USD",
      order_currency_code: "EUR",
      store_currency_code: "USD",
      base_to_global_rate: "1",
      base_to_order_rate: "0.9",
      store_to_base_rate: "1",
      store_to_order_rate: "1",
    });
  });

  test("an order without addresses gives null address ids", () => {
    const { billingAddressId: _billing, shippingAddressId: _shipping, ...order } = example.order;
    const header = creditmemoHeaderFromOrder({ ...order, id: 744, store: { storeId: 1 } });
    expect(header).toMatchObject({ billing_address_id: null, shipping_address_id: null });
  });
});

describe("NULL_CREDITMEMO_COLUMNS", () => {
  test("are null in Magento's response example", () => {
    const entity = formatCreditmemo({ ...example.creditmemo, order_increment_id: "100000744", items: [], comments: [] });
    for (const column of Object.keys(NULL_CREDITMEMO_COLUMNS)) expect([column, entity[column]]).toEqual([column, null]);
  });
});
