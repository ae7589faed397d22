import type { Behavior } from "../../../src/auth/caller.js";
import {
  createCustomer,
  createOrder,
  createStore,
  createTenant,
  createWebsite,
  type OrderOverrides,
} from "../../../src/demo/factories.js";
import { appAuth, shopperAuth } from "../../helpers/auth.js";
import type { Harness } from "../../helpers/harness.js";

export const ORDERS = "/api/commerce/orders";
export const MEMOS = `${ORDERS}/creditmemos`;

export const memoPath = (orderIncrementId: string) => `${ORDERS}/${orderIncrementId}/creditmemos`;

/** A tenant with a USD website, a store numbering memos 1xxxxxxxx from 684 on, a customer, and auth headers. */
export async function shop(harness: Harness, behaviors?: readonly Behavior[]) {
  const prisma = harness.database.prisma;
  const tenant = await createTenant(prisma);
  const website = await createWebsite(prisma, { tenantId: tenant.id, websiteId: 2 });
  const store = await createStore(prisma, { websiteId: website.id, storeId: 1, incrementPrefix: "1", lastCreditmemoNumber: 683 });
  const customer = await createCustomer(prisma, { tenantId: tenant.id, customerId: 4 });
  return {
    tenantId: tenant.id,
    website,
    store,
    customer,
    app: await appAuth(harness.app, tenant.id, behaviors),
    shopper: await shopperAuth(tenant.id, customer.customerId),
    /** An invoiced order of this shop's customer in its store (override anything, e.g. `customerId: null`). */
    order: (overrides: OrderOverrides = {}) => createOrder(prisma, { storeRef: store.id, customerId: customer.customerId, ...overrides }),
  };
}

export type Shop = Awaited<ReturnType<typeof shop>>;

/** Order 100000744 of Magento's example: 55.00 × 1 (item 775) and 10.00 × 2 (item 776), shipping 15.00, all invoiced. */
export function exampleOrder(shop: Shop, overrides: OrderOverrides = {}) {
  return shop.order({
    entityId: 744,
    incrementId: "100000744",
    billingAddressId: 1487,
    shippingAddressId: 1488,
    shippingAmount: "15.00",
    items: [
      { itemId: 775, productId: 20, sku: "test_product_sku", name: "Test Product", price: "55.00", qtyOrdered: 1 },
      { itemId: 776, productId: 21, sku: "test_product_sku_2", name: "Test 2", price: "10.00", qtyOrdered: 2 },
    ],
    ...overrides,
  });
}

/** The `{name, value}` entries of an error body's additionalErrorData, as an object. */
export function errorData(body: { additionalErrorData: { name: string; value: unknown }[] }): Record<string, unknown> {
  return Object.fromEntries(body.additionalErrorData.map(({ name, value }) => [name, value]));
}
