import request from "supertest";
import {
  createCredit,
  createCreditmemo,
  createCustomer,
  createLoyaltyAccount,
  createLoyaltyCampaign,
  createLoyaltyEntry,
  createOrder,
  createTenant,
  createWebsite,
} from "../../../src/demo/factories.js";
import { renderOpenApi } from "../../../src/openapi.js";
import { appAuth } from "../../helpers/auth.js";
import { useTestApp } from "../../helpers/harness.js";

const harness = useTestApp({ reset: false });

/** Everything tenant B owns, and strings that would betray it in a response. */
async function tenantBWithEverything() {
  const tenant = await createTenant(harness.database.prisma);
  const website = await createWebsite(harness.database.prisma, { tenantId: tenant.id });
  const customer = await createCustomer(harness.database.prisma, { tenantId: tenant.id, email: "b-secret-shopper@tenant-b.test" });
  const credit = await createCredit(harness.database.prisma, {
    tenantId: tenant.id,
    customerId: customer.customerId,
    code: "B-SECRET-CREDIT-0001",
    initialBalance: "50",
    transactions: [{ type: "Debit", amount: "5" }],
  });
  const order = await createOrder(harness.database.prisma, { tenantId: tenant.id, websiteId: website.id, customerId: customer.customerId });
  const memo = await createCreditmemo(harness.database.prisma, { tenant_id: tenant.id, order_ref: order.id });
  const account = await createLoyaltyAccount(harness.database.prisma, { tenantId: tenant.id });
  const campaign = await createLoyaltyCampaign(harness.database.prisma, { accountId: account.id });
  await createLoyaltyEntry(harness.database.prisma, { campaignId: campaign.id, customerRef: customer.id, points: 100 });
  return {
    tenant,
    pathValues: {
      code: credit.code,
      customerId: String(customer.customerId),
      creditmemoIncrementId: memo.increment_id,
      incrementId: memo.increment_id,
      orderIncrementId: order.incrementId,
      tenantId: String(tenant.id),
    } as Record<string, string>,
    query: { websiteId: String(website.websiteId) },
    markers: [credit.code, customer.email ?? "", memo.increment_id, order.incrementId, account.accountCode],
  };
}

/** Tenant B's rows as they stand, to prove a walk by tenant A changed none of them. */
async function snapshotOf(tenantId: number) {
  const [credits, transactions, memos, orders, outbox] = await Promise.all([
    harness.database.prisma.credit.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
    harness.database.prisma.creditTransaction.count({ where: { tenantId } }),
    harness.database.prisma.creditmemo.findMany({ where: { tenant_id: tenantId }, include: { comments: true }, orderBy: { creditmemo_id: "asc" } }),
    harness.database.prisma.order.findMany({ where: { tenantId }, include: { items: true } }),
    harness.database.prisma.notificationOutbox.count({ where: { tenantId } }),
  ]);
  return JSON.stringify({ credits, transactions, memos, orders, outbox }, (_key, value) =>
    typeof value === "bigint" ? value.toString() : value,
  );
}

// Bodies that pass validation, so it is tenant scoping — not a 400 — that stops each write.
const BODIES: Record<string, unknown> = {
  addCredit: { creditType: "GiftCard", currencyCode: "USD", initialBalance: 5 },
  updateCredit: { expirationDate: "2099-01-01T00:00:00Z" },
  addTransaction: { transactionType: "Debit", impactAmount: 1 },
};

test("a token of tenant A, walked over every route of the OpenAPI document with tenant B's ids, sees and changes nothing of B", async () => {
  const b = await tenantBWithEverything();
  const tenantA = await createTenant(harness.database.prisma);
  const auth = await appAuth(harness.app, tenantA.id);
  const before = await snapshotOf(b.tenant.id);
  const document = JSON.parse(renderOpenApi(harness.app)) as {
    paths: Record<string, Record<string, { operationId?: string }>>;
  };
  const walked: string[] = [];
  for (const [template, operations] of Object.entries(document.paths)) {
    const path = template.replace(/\{(\w+)\}/g, (_match, name: string) => encodeURIComponent(b.pathValues[name] ?? "1"));
    for (const [method, operation] of Object.entries(operations)) {
      const call = request(harness.app.server)[method as "get" | "post" | "put" | "delete"](path).query(b.query).set(auth);
      const body = operation.operationId ? BODIES[operation.operationId] : undefined;
      const response = await (method === "get" || method === "delete" ? call : call.send(body ?? {}));
      walked.push(`${method.toUpperCase()} ${template} → ${response.status}`);
      expect({ route: `${method} ${template}`, status: response.status < 500 }).toEqual({ route: `${method} ${template}`, status: true });
      // An error may echo what the caller itself sent in the path ("Credit X was not found"): that reveals nothing.
      for (const marker of b.markers.filter((candidate) => !decodeURIComponent(path).includes(candidate))) {
        expect({ route: `${method} ${template}`, leaked: response.text.includes(marker) ? marker : null }).toEqual({
          route: `${method} ${template}`,
          leaked: null,
        });
      }
    }
  }
  expect(walked.length).toBeGreaterThan(2);
  expect(await snapshotOf(b.tenant.id)).toBe(before);
});
