import { createCustomer, createTenant, createWebsite } from "../../../src/demo/factories.js";
import { appAuth, shopperAuth } from "../../helpers/auth.js";
import type { Harness } from "../../helpers/harness.js";

/** The balance path of a customer (history is below it). */
export const storecredit = (customerId: number | string) => `/api/commerce/customer/accounts/${customerId}/storecredit`;

/**
 * A tenant with Magento's example website 2 (base currency CAD) and a USD website 3, customer 4 (whose shopper token
 * is given) and customer 5, and an application token with every behavior.
 */
export async function tenantWithWebsites(harness: Harness) {
  const prisma = harness.database.prisma;
  const tenant = await createTenant(prisma);
  const canada = await createWebsite(prisma, { tenantId: tenant.id, websiteId: 2, baseCurrencyCode: "CAD" });
  const us = await createWebsite(prisma, { tenantId: tenant.id, websiteId: 3, baseCurrencyCode: "USD" });
  const customer = await createCustomer(prisma, { tenantId: tenant.id, customerId: 4 });
  const other = await createCustomer(prisma, { tenantId: tenant.id, customerId: 5 });
  return {
    tenantId: tenant.id,
    canada,
    us,
    customer,
    other,
    app: await appAuth(harness.app, tenant.id),
    shopper: await shopperAuth(tenant.id, customer.customerId),
  };
}
